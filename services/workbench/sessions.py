"""The workbench's sessions: a token given at sign-in becomes a sealed cookie (HttpOnly,
SameSite=Strict; AES-GCM, so the browser can neither read the token in it nor change it) that
ends after ``idle`` minutes without a request and after ``MAX_HOURS`` in any case, or when its
person signs out (the session's id is then kept as signed out until it would have ended, so that
a copy of the cookie opens nothing). Each session has its own CSRF token, which every form
carries."""
import hmac
import os
import time

from pathways.security.browser import SealedCookie, b64

COOKIE = "pathways_workbench"
MAX_HOURS = 10


class Sessions:
    def __init__(self, secret, idle_minutes=30, clock=time.time):
        self.cookie = SealedCookie(secret, "workbench-session", clock)
        self.idle, self.clock = idle_minutes * 60, clock

    def new(self, caller, token, lang):
        now = int(self.clock())
        return {"sid": b64(os.urandom(12)), "token": token, "org": caller.org,
                "role": caller.role, "id": caller.id, "csrf": b64(os.urandom(18)),
                "lang": lang, "start": now, "seen": now}

    def open(self, cookie):
        """The session the cookie holds, if it is still good (seen now), else None."""
        s = self.cookie.open(cookie)
        now = self.clock()
        if not s or now - s.get("seen", 0) > self.idle or \
                now - s.get("start", 0) > MAX_HOURS * 3600:
            return None
        return {**s, "seen": int(now)}

    def header(self, session, secure):
        value, age = (self.cookie.seal(session), MAX_HOURS * 3600) if session else ("", 0)
        return (f"{COOKIE}={value}; Max-Age={age}; Path=/; HttpOnly; SameSite=Strict"
                + ("; Secure" if secure else ""))

    @staticmethod
    def csrf_ok(session, token):
        return bool(session) and isinstance(token, str) and \
            hmac.compare_digest(token, session["csrf"])
