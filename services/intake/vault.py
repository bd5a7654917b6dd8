"""The personal-data vault: the only place names, national IDs, contact details and notes live.

Each participant's data is encrypted (AES-256-GCM) with the participant's own key; that key is
stored wrapped with the master key (config ``VAULT_MASTER_KEY``) in a separate keys database.
Erasure deletes the key (crypto-shredding) and the ciphertext: after it, nobody, the service
included, can read the data back, while the event log and its hash chain are untouched.

A national ID is found again only through a keyed hash (HMAC-SHA256 under the master key, per
organisation), so duplicates are refused without storing the number in clear.
"""
import base64
import binascii
import hashlib
import hmac
import json
import os

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from pymongo.errors import DuplicateKeyError


class AlreadyRegistered(Exception):
    def __init__(self, participant_id):
        super().__init__(f"this national ID is already registered as participant {participant_id}")
        self.participant_id = participant_id


class Erased(Exception):
    """The participant's key is gone: the data cannot be read."""


def master_key_from(config_value):
    """Decode ``VAULT_MASTER_KEY`` (base64 of 32 random bytes); a bad value is a startup error."""
    try:
        key = base64.b64decode(config_value or "", validate=True)
    except (binascii.Error, ValueError):
        key = b""
    if len(key) != 32:
        raise ValueError("config error: VAULT_MASTER_KEY must be 32 random bytes, base64-encoded "
                         "(e.g. `python -c 'import os,base64;print(base64.b64encode(os.urandom(32)).decode())'`)")
    return key


def _seal(key, plaintext, aad):
    nonce = os.urandom(12)
    return nonce + AESGCM(key).encrypt(nonce, plaintext, aad)


def _open(key, sealed, aad):
    return AESGCM(key).decrypt(sealed[:12], sealed[12:], aad)


class Vault:
    def __init__(self, db, keys_db, master_key):
        self.data, self.ids = db["vault"], db["vault_national_ids"]
        self.keys, self._master = keys_db["participant_keys"], master_key

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
        key = AESGCM.generate_key(bit_length=256)
        aad = participant_id.encode()
        self.keys.insert_one({"_id": participant_id,
                              "wrapped": _seal(self._master, key, aad)})
        self.data.insert_one({"_id": participant_id, "org": org,
                              "sealed": _seal(key, json.dumps(personal).encode(), aad)})

    def read(self, participant_id):
        key_doc = self.keys.find_one({"_id": participant_id})
        data_doc = self.data.find_one({"_id": participant_id})
        if key_doc is None or data_doc is None:
            raise Erased(participant_id)
        aad = participant_id.encode()
        key = _open(self._master, bytes(key_doc["wrapped"]), aad)
        return json.loads(_open(key, bytes(data_doc["sealed"]), aad))

    def erase(self, participant_id):
        """Delete the key first (that alone makes the data unreadable), then the rest."""
        self.keys.delete_one({"_id": participant_id})
        self.data.delete_one({"_id": participant_id})
        self.ids.delete_many({"participant_id": participant_id})
