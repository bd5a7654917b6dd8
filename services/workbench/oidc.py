"""Sign-in at the organisation's OpenID Connect provider (authorization code flow with PKCE,
state and nonce): the workbench sends the browser to the provider, takes the code back, gets
the tokens for it, checks the ID token (signature, issuer, audience, nonce), and keeps the
access token in the session; every service accepts that token (``pathways.security.issued``)."""
import base64
import hashlib
import os
from urllib.parse import urlencode

import requests
from joserfc import jwt

from pathways.security.issued import FETCH_SECONDS, IssuerKeys, checked


def _b64(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class Provider:
    def __init__(self, issuer, client_id, client_secret, redirect_url=None):
        self.issuer, self.client_id, self.secret = issuer.rstrip("/"), client_id, client_secret
        self.redirect_url, self.keys, self._discovery = redirect_url, IssuerKeys(issuer), None

    def discovery(self):
        if self._discovery is None:
            self._discovery = requests.get(f"{self.issuer}/.well-known/openid-configuration",
                                           timeout=FETCH_SECONDS).json()
        return self._discovery

    def start(self, redirect_uri):
        """``(the provider's URL to send the browser to, what the callback must find)``."""
        state, nonce, verifier = _b64(os.urandom(18)), _b64(os.urandom(18)), _b64(os.urandom(32))
        challenge = _b64(hashlib.sha256(verifier.encode()).digest())
        url = self.discovery()["authorization_endpoint"] + "?" + urlencode({
            "response_type": "code", "client_id": self.client_id, "scope": "openid",
            "redirect_uri": redirect_uri, "state": state, "nonce": nonce,
            "code_challenge": challenge, "code_challenge_method": "S256"})
        return url, {"state": state, "nonce": nonce, "verifier": verifier,
                     "redirect_uri": redirect_uri}

    def finish(self, code, started):
        """The access token for ``code``, once the ID token that came with it is checked;
        ValueError says what was wrong."""
        resp = requests.post(self.discovery()["token_endpoint"], timeout=FETCH_SECONDS, data={
            "grant_type": "authorization_code", "code": code,
            "redirect_uri": started["redirect_uri"], "client_id": self.client_id,
            "client_secret": self.secret, "code_verifier": started["verifier"]})
        if resp.status_code != 200:
            raise ValueError(f"the provider refused the code ({resp.status_code})")
        tokens = resp.json()
        claims = jwt.decode(tokens.get("id_token", ""), self.keys.key_set()).claims
        checked(claims, self.issuer, self.client_id, nonce=started["nonce"])
        if not tokens.get("access_token"):
            raise ValueError("the provider gave no access token")
        return tokens["access_token"]
