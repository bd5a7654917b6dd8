"""What an auditor does with nothing but a service's feed (``GET /events``):

- verify: recompute the hash chain from the stored commits and name the first bad position;
- export: the full history as JSON Lines, one commit a line, then the chain head;
- seal: the chain head signed with HMAC-SHA256 under the auditor's key, to anchor elsewhere;
(Rebuilding the reports from the feeds is reporting's own: ``services.reporting.audit``.)
"""
import hashlib
import hmac
import json
import sys

import requests

from pathways.eventstore.chain import verify_commits


class Progress:
    """A one-line progress bar on stderr (quiet when stderr is not a terminal)."""

    def __init__(self, label, total, stream=sys.stderr):
        self.label, self.total, self.stream = label, max(total, 1), stream
        self.enabled = hasattr(stream, "isatty") and stream.isatty()

    def update(self, done):
        if self.enabled:
            filled = int(30 * min(done, self.total) / self.total)
            self.stream.write(f"\r{self.label} [{'#' * filled}{'.' * (30 - filled)}] "
                              f"{done}/{self.total}")
            self.stream.flush()

    def close(self):
        if self.enabled:
            self.stream.write("\n")


class Feed:
    """A service's feed over HTTP."""

    def __init__(self, base_url, token=None, session=None, page=500, timeout=30):
        self.base = base_url.rstrip("/")
        self.session, self.page, self.timeout = session or requests.Session(), page, timeout
        if token:
            self.session.headers["Authorization"] = f"Bearer {token}"

    def _get(self, **params):
        resp = self.session.get(f"{self.base}/events", params=params, timeout=self.timeout)
        resp.raise_for_status()
        return resp.json()

    def head(self):
        return self._get(after=0, limit=1)["head"]

    def commits(self, progress=None):
        after = 0
        while True:
            body = self._get(after=after, limit=self.page, format="commits")
            if not body["commits"]:
                return
            yield from body["commits"]
            after = body["next_after"]
            if progress:
                progress.update(after)

    def source(self):
        return self._get(after=0, limit=1)["source"]


def verify(feed, seal=None, label="verify"):
    head = feed.head()
    progress = Progress(f"[{label}]", head["position"])
    result = verify_commits(feed.commits(progress), seal=seal)
    progress.close()
    return result


def export(feed, out):
    """Write every commit as a JSON line, then ``{"head": ..., "verification": ...}``."""
    head = feed.head()
    progress = Progress("[export]", head["position"])
    written = []

    def tee():
        for commit in feed.commits(progress):
            out.write(json.dumps(commit, sort_keys=True) + "\n")
            written.append(1)
            yield commit
    result = verify_commits(tee())
    progress.close()
    out.write(json.dumps({"head": {"position": result.head_position, "hash": result.head_hash},
                          "verification": result.to_dict()}, sort_keys=True) + "\n")
    return len(written), result


def seal_message(source, position, chain_hash):
    return json.dumps({"source": source, "position": position, "hash": chain_hash},
                      sort_keys=True, separators=(",", ":")).encode()


def sign(head, key):
    """Sign a seal's content: with an Ed25519 private key (PEM) anyone holding the public key can
    check it; with any other key (at least 16 bytes) an HMAC-SHA256 checks with the same key."""
    message = seal_message(head["source"], head["position"], head["hash"])
    if key.lstrip().startswith(b"-----BEGIN PRIVATE KEY-----"):
        from cryptography.hazmat.primitives.serialization import (Encoding, PublicFormat,
                                                                  load_pem_private_key)
        private = load_pem_private_key(key, password=None)
        public = private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        return {**head, "ed25519": private.sign(message).hex(), "public_key": public.hex()}
    return {**head, "hmac_sha256": hmac.new(key, message, hashlib.sha256).hexdigest()}


def seal(feed, key):
    """The verified chain head, signed: publish it somewhere the system cannot edit."""
    result = verify(feed, label="seal")
    if not result.ok:
        raise ValueError(f"the chain does not verify at position {result.bad_position}: "
                         f"{result.reason}")
    return sign({"source": feed.source(), "position": result.head_position,
                 "hash": result.head_hash}, key)


def check_seal(sealed, key):
    """``key``: the HMAC key, or for an Ed25519 seal the expected public key (hex or raw)."""
    message = seal_message(sealed["source"], sealed["position"], sealed["hash"])
    if "ed25519" in sealed:
        from cryptography.exceptions import InvalidSignature
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
        raw = bytes.fromhex(key.decode()) if isinstance(key, bytes) and len(key) == 64 else key
        try:
            Ed25519PublicKey.from_public_bytes(raw).verify(bytes.fromhex(sealed["ed25519"]),
                                                            message)
            return True
        except (InvalidSignature, ValueError):
            return False
    return hmac.compare_digest(hmac.new(key, message, hashlib.sha256).hexdigest(),
                               sealed["hmac_sha256"])
