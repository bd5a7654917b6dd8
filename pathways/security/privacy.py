"""Personal data at rest: each subject's record encrypted (AES-256-GCM) with the subject's own
key, that key stored wrapped by a master key in a separate database. Erasure deletes the key
(crypto-shredding): afterwards nobody, the service included, can read the record, while event logs
and their hash chains stay untouched. A service holding personal data (intake's participants,
employer's contact persons) keeps its own records, keys and master key; no service can read
another's.
"""
import base64
import binascii
import json
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from pymongo.errors import DuplicateKeyError

from pathways.errors import ConfigError

CHECK_ID, CHECK_TEXT = "master_key_check", b"pathways: sealed under this master key"


class Erased(Exception):
    """The subject's key is gone (or never existed): the record cannot be read."""


def master_key_from(config_value, key_name="VAULT_MASTER_KEY"):
    """Decode a master key (base64 of 32 random bytes); a bad value is a startup error."""
    try:
        key = base64.b64decode(config_value or "", validate=True)
    except (binascii.Error, ValueError):
        key = b""
    if len(key) != 32:
        raise ValueError(f"config error: {key_name} must be 32 random bytes, base64-encoded "
                         "(e.g. `python -c 'import os,base64;print(base64.b64encode(os.urandom(32)).decode())'`)")
    return key


def bind_master_key(keys_db, master_key, wrapped, key_name="VAULT_MASTER_KEY"):
    """Refuse a master key that is not the one the database's records were sealed with.

    The first start seals a check value in ``keys_db.master_key``; every later start opens it
    (a database from before the check is judged by one of its ``wrapped`` keys instead). A wrong
    key would otherwise start fine and fail each read of personal data, or seal new records
    under a second key that nobody would know to keep.
    """
    checks = keys_db["master_key"]
    where = f"{keys_db.name}.master_key"

    def opens(doc, aad):
        try:
            _open(master_key, bytes(doc["sealed" if "sealed" in doc else "wrapped"]), aad)
            return True
        except (InvalidTag, KeyError, TypeError, ValueError):
            return False

    check = checks.find_one({"_id": CHECK_ID})
    if check is None:
        old = keys_db[wrapped].find_one({})
        if old is not None and not opens(old, old["_id"].encode()):
            where = f"{keys_db.name}.{wrapped}"
        else:
            try:
                checks.insert_one({"_id": CHECK_ID,
                                   "sealed": _seal(master_key, CHECK_TEXT, CHECK_ID.encode())})
                return
            except DuplicateKeyError:   # another instance's first start won the race
                check = checks.find_one({"_id": CHECK_ID})
    if check is None or not opens(check, CHECK_ID.encode()):
        raise ConfigError(
            f"config error: {key_name} is not the key this service's personal data is sealed "
            f"with (checked against {where}); start it with the key it was first given. A new "
            "key for an existing database needs the records re-wrapped, not a changed setting")


def _seal(key, plaintext, aad):
    nonce = os.urandom(12)
    return nonce + AESGCM(key).encrypt(nonce, plaintext, aad)


def _open(key, sealed, aad):
    return AESGCM(key).decrypt(sealed[:12], sealed[12:], aad)


class SealedRecords:
    """Encrypted records by subject id: ``data`` and ``keys`` are collections in two databases."""

    def __init__(self, data, keys, master_key):
        self.data, self.keys, self._master = data, keys, master_key

    def store(self, subject, record, **clear):
        """Write (or replace) a subject's record under a fresh key; ``clear`` fields (e.g. the
        owning organisation) are stored beside it unencrypted. Returns an undo that puts back
        exactly what was there before, for a caller whose next write fails."""
        before = (self.keys.find_one({"_id": subject}), self.data.find_one({"_id": subject}))
        key = AESGCM.generate_key(bit_length=256)
        aad = subject.encode()
        self.keys.replace_one({"_id": subject}, {"_id": subject,
                                                  "wrapped": _seal(self._master, key, aad)},
                              upsert=True)
        self.data.replace_one({"_id": subject}, {
            "_id": subject, **clear, "sealed": _seal(key, json.dumps(record).encode(), aad)},
            upsert=True)

        def undo():
            for coll, doc in zip((self.keys, self.data), before):
                if doc is None:
                    coll.delete_one({"_id": subject})
                else:
                    coll.replace_one({"_id": subject}, doc, upsert=True)
        return undo

    def read(self, subject):
        key_doc = self.keys.find_one({"_id": subject})
        data_doc = self.data.find_one({"_id": subject})
        if key_doc is None or data_doc is None:
            raise Erased(subject)
        aad = subject.encode()
        key = _open(self._master, bytes(key_doc["wrapped"]), aad)
        return json.loads(_open(key, bytes(data_doc["sealed"]), aad))

    def exists(self, subject):
        return self.keys.count_documents({"_id": subject}, limit=1) > 0

    def erase(self, subject):
        """Delete the key first (that alone makes the record unreadable), then the record."""
        self.keys.delete_one({"_id": subject})
        self.data.delete_one({"_id": subject})
