"""Browser sessions for the dashboard: no long-lived token ever goes in a URL.

A caller signs in once with its token (form or ``Authorization`` header) and gets a cookie that
is signed (HMAC-SHA256), expires, and is good for nothing but reading reports: a coordinator's
cookie cannot erase anyone. Scripts (and the screenshot test) ask for a signed link instead,
which lives minutes and only sets that cookie. The signing secret is ``DASHBOARD_SECRET``
(config; share it between instances), else random per process (sessions end at a restart).
"""
import base64
import hashlib
import hmac
import html
import json
import os
import time

from pathways.security.callers import Caller

COOKIE = "pathways_dashboard"
CSRF_COOKIE = "pathways_csrf"   # the sign-in form's nonce: a page on another site cannot read it
CSRF_SECONDS = 3600
SESSION_SECONDS = 8 * 3600
LINK_SECONDS = 300
SCOPE = "reports:read"



def secret_from(config_value):
    if config_value is None or config_value == "":
        return os.urandom(32)
    if len(str(config_value)) < 32:
        raise ValueError("config error: DASHBOARD_SECRET must be at least 32 characters")
    return str(config_value).encode()


def _b64(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class Signer:
    def __init__(self, secret, clock=time.time):
        self.secret, self.clock = secret, clock

    def issue(self, caller, seconds, kind):
        body = _b64(json.dumps({"org": caller.org, "role": caller.role, "id": caller.id,
                                "exp": int(self.clock()) + seconds, "scope": SCOPE,
                                "kind": kind}, separators=(",", ":")).encode())
        return f"{body}.{self._mac(body)}"

    def _mac(self, body):
        return _b64(hmac.new(self.secret, body.encode(), hashlib.sha256).digest())

    def form_token(self, bound_to):
        """The CSRF token a form carries: a MAC of what this browser holds (the sign-in page's
        nonce cookie, or the session cookie), which another site can neither read nor make."""
        return self._mac(f"form:{bound_to}")

    def form_token_ok(self, bound_to, token):
        return bool(bound_to) and isinstance(token, str) and \
            hmac.compare_digest(token, self.form_token(bound_to))

    def check(self, value, kind):
        """The caller a session or link stands for, or None (forged, expired, other kind)."""
        if not isinstance(value, str) or value.count(".") != 1 or len(value) > 2000:
            return None
        body, mac = value.split(".")
        if not hmac.compare_digest(mac, self._mac(body)):
            return None
        try:
            data = json.loads(_unb64(body))
        except ValueError:
            return None
        if data.get("kind") != kind or data.get("scope") != SCOPE or \
                data.get("exp", 0) < self.clock():
            return None
        return Caller(data["org"], data["role"], data["id"])


def cookie_header(value, seconds, secure, name=COOKIE):
    return (f"{name}={value}; Max-Age={seconds}; Path=/dashboard; HttpOnly; SameSite=Strict"
            + ("; Secure" if secure else ""))


def new_nonce():
    return _b64(os.urandom(18))


def sign_in_page(csrf, message=None):
    """The sign-in form, carrying its CSRF token (and why the last attempt was refused)."""
    note = f"<p class='refused'>{html.escape(message)}</p>" if message else ""
    return SIGN_IN_PAGE.replace("{csrf}", html.escape(csrf)).replace("{note}", note)


SIGN_IN_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Pathways — sign in</title>
<style>body { font-family: sans-serif; margin: 4em auto; max-width: 28em; color: #222; }
input { width: 100%; padding: .4em; margin: .4em 0 1em; } button { padding: .4em 1.2em; }</style>
</head><body><h1>Pathways reports</h1>{note}
<form method="post" action="/dashboard/session">
<input type="hidden" name="csrf" value="{csrf}">
<label for="token">Your access token (coordinator, auditor or admin)</label>
<input id="token" name="token" type="password" autocomplete="current-password" required>
<button type="submit">Sign in</button></form>
<p>The page remembers you for 8 hours in this browser only; the token is never put in a link.</p>
</body></html>"""
