"""Participants' personal-data vault: names, national IDs, contact details and notes.

Each participant's data is encrypted with the participant's own key, wrapped by the master key
(config ``VAULT_MASTER_KEY``) in a separate keys database (``pathways.security.privacy``). Erasure deletes
the key (crypto-shredding) and the ciphertext; the event log and its hash chain are untouched.

A national ID is found again only through a keyed hash (HMAC-SHA256 under the master key, per
organisation), so duplicates are refused without storing the number in clear.
"""
import hashlib
import hmac

from pymongo.errors import DuplicateKeyError

from pathways.security.privacy import Erased, SealedRecords, master_key_from


class AlreadyRegistered(Exception):
    def __init__(self, participant_id):
        super().__init__(f"this national ID is already registered as participant {participant_id}")
        self.participant_id = participant_id


class Vault:
    """Participants' records (``pathways.security.privacy``) plus the keyed hashes of their national IDs."""

    def __init__(self, db, keys_db, master_key):
        self.ids, self._master = db["vault_national_ids"], master_key
        self.records = SealedRecords(db["vault"], keys_db["participant_keys"], master_key)

    def _id_hash(self, org, country, number):
        msg = f"{org}|{country}|{number}".encode()
        return hmac.new(self._master, msg, hashlib.sha256).hexdigest()

    def reserve(self, org, country, number, participant_id):
        """Claim a national ID for a new participant; AlreadyRegistered if the org has it."""
        key = self._id_hash(org, country, number)
        try:
            self.ids.insert_one({"_id": key, "participant_id": participant_id})
        except DuplicateKeyError:
            existing = self.ids.find_one({"_id": key}) or {}
            raise AlreadyRegistered(existing.get("participant_id", "?")) from None

    def store(self, participant_id, org, personal):
        self.records.store(participant_id, personal, org=org)

    def read(self, participant_id):
        return self.records.read(participant_id)

    def erase(self, participant_id):
        """Key first (that alone makes the data unreadable), then the record and the ID hash."""
        self.records.erase(participant_id)
        self.ids.delete_many({"participant_id": participant_id})


__all__ = ["AlreadyRegistered", "Erased", "Vault", "master_key_from"]
