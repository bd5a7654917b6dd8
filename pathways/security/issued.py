"""Tokens an OpenID Connect provider issued, beside the configured ones (``AUTH_TOKENS``): a
signed JWT access token from ``OIDC_ISSUER`` for ``OIDC_AUDIENCE`` names its caller in its
claims (organisation, role, id: ``OIDC_CLAIMS`` says which). The signature is checked with the
issuer's published keys (its discovery document's ``jwks_uri``, fetched when first needed and
again when a token names a key not seen yet, at most once a minute), then issuer, audience and
expiry. The production path: people sign in at the organisation's identity provider, and every
service accepts the token it issued, without a shared secret."""
import threading
import time
from collections import OrderedDict

import requests
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from pathways.security.callers import ROLES, Caller

DEFAULT_CLAIMS = {"org": "pathways_org", "role": "pathways_role", "id": "sub"}
FETCH_SECONDS = 3.0
KEPT = 4096


class IssuerKeys:
    """The issuer's signing keys, fetched when first needed and when a new key id appears."""

    def __init__(self, issuer, clock=time.monotonic):
        self.issuer, self.clock = issuer.rstrip("/"), clock
        self.keys, self.fetched, self.lock = None, -1e9, threading.Lock()

    def key_set(self, refresh=False):
        with self.lock:
            if self.keys is None or (refresh and self.clock() - self.fetched > 60):
                discovery = requests.get(f"{self.issuer}/.well-known/openid-configuration",
                                         timeout=FETCH_SECONDS).json()
                jwks = requests.get(discovery["jwks_uri"], timeout=FETCH_SECONDS).json()
                self.keys, self.fetched = KeySet.import_key_set(jwks), self.clock()
            return self.keys


class IssuedTokens(dict):
    """The configured tokens (a dict, as ``AUTH_TOKENS`` gives them), and ``get`` also takes a
    JWT the issuer signed: its caller, or None (forged, expired, another issuer or audience,
    claims missing or a role the platform does not know)."""

    def __init__(self, static, issuer, audience, claims=None, keys=None):
        super().__init__(static)
        self.issuer, self.audience = issuer.rstrip("/"), audience
        self.claims = {**DEFAULT_CLAIMS, **(claims or {})}
        self.keys = keys or IssuerKeys(issuer)
        self.seen = OrderedDict()       # token -> (caller, expiry): checked once, kept a while
        self.lock = threading.Lock()

    def get(self, token, default=None):
        found = super().get(token)
        if found is not None or not isinstance(token, str) or token.count(".") != 2:
            return found if found is not None else default
        return self._verified(token) or default

    def _verified(self, token):
        with self.lock:
            kept = self.seen.get(token)
        if kept and kept[1] > time.time():
            return kept[0]
        try:
            claims = self._decode(token)
        except (JoseError, ValueError, KeyError, requests.RequestException):
            return None
        values = {k: claims.get(name) for k, name in self.claims.items()}
        if not all(isinstance(v, str) and v for v in values.values()) or \
                values["role"] not in ROLES:
            return None
        caller = Caller(values["org"], values["role"], values["id"])
        with self.lock:
            self.seen[token] = (caller, float(claims["exp"]))
            while len(self.seen) > KEPT:
                self.seen.popitem(last=False)
        return caller

    def _decode(self, token):
        try:
            claims = jwt.decode(token, self.keys.key_set()).claims
        except (JoseError, ValueError):   # perhaps a key published since: fetch them again
            claims = jwt.decode(token, self.keys.key_set(refresh=True)).claims
        checked(claims, self.issuer, self.audience)
        return claims


def checked(claims, issuer, audience, **more):
    """Raises unless the claims are ``issuer``'s, for ``audience``, not expired (30 s leeway),
    and hold ``more`` (e.g. the nonce a sign-in sent)."""
    jwt.JWTClaimsRegistry(leeway=30, iss={"essential": True, "value": issuer},
                          aud={"essential": True, "value": audience},
                          exp={"essential": True},
                          **{k: {"essential": True, "value": v} for k, v in more.items()}
                          ).validate(claims)
