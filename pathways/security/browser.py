"""What every browser-facing page of the platform needs: security headers, a check that a
state-changing request comes from this site, and sealed cookies (AES-GCM: the browser holds the
session, can neither read nor change it, and it expires)."""
import base64
import json
import os
import time
from urllib.parse import urlsplit

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

SECURITY_HEADERS = {
    "Cache-Control": "no-store",
    # not "no-referrer": with it a browser sends "Origin: null" on its own site's forms, which
    # ``cross_site`` must refuse; other sites still get no referrer
    "Referrer-Policy": "same-origin",
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; "
                               "form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
}


def cross_site(headers):
    """Why a state-changing browser request comes from another site, or None. Browsers say where
    a request comes from (``Sec-Fetch-Site``, ``Origin``); a script sends neither and is judged
    by its credentials alone."""
    fetch_site = headers.get("Sec-Fetch-Site")
    if fetch_site is not None and fetch_site not in ("same-origin", "none"):
        return f"Sec-Fetch-Site is {fetch_site[:20]!r}"
    origin = headers.get("Origin")
    if origin is not None:
        host = urlsplit(origin).netloc if origin != "null" else None
        if not host or host != headers.get("Host"):
            return f"Origin {origin[:80]!r} is not this site"
    return None


def b64(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class SealedCookie:
    """A JSON value sealed with AES-GCM under a key derived from ``secret``, with its purpose
    as associated data (a cookie sealed for one use opens for no other)."""

    def __init__(self, secret: bytes, purpose: str, clock=time.time):
        import hashlib
        self.aead = AESGCM(hashlib.sha256(b"pathways-cookie:" + secret).digest())
        self.purpose, self.clock = purpose.encode(), clock

    def seal(self, value: dict) -> str:
        nonce = os.urandom(12)
        return b64(nonce + self.aead.encrypt(nonce, json.dumps(
            value, separators=(",", ":")).encode(), self.purpose))

    def open(self, text) -> dict | None:
        """The value, or None if it was not sealed here for this purpose (or is malformed)."""
        if not isinstance(text, str) or not 20 < len(text) < 4000:
            return None
        try:
            raw = unb64(text)
            return json.loads(self.aead.decrypt(raw[:12], raw[12:], self.purpose))
        except Exception:   # forged, altered, another purpose's, not base64: all the same
            return None
