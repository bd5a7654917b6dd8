"""Where notify reads what the platform's public APIs give: an organisation's due list from
intake's ``GET /due``, as that organisation's coordinator (the first coordinator token of it in
AUTH_TOKENS: a partner running notify for its own organisation holds one)."""
import requests

from services.notify.domain import DeliveryError

TIMEOUT_SECONDS = 10


class IntakeDue:
    """``due(org, day)``: the organisation's due items on ``day``; DeliveryError when it
    cannot be read now (notify tries again at its next round)."""

    def __init__(self, url, tokens):
        self.url, self.tokens = url.rstrip("/"), tokens

    def token_of(self, org):
        for token, caller in self.tokens.items():
            if caller.org == org and caller.role == "coordinator":
                return token
        raise DeliveryError(f"no coordinator of {org} in AUTH_TOKENS to read its due list")

    def __call__(self, org, day):
        try:
            resp = requests.get(f"{self.url}/due", params={"on": day.isoformat()},
                                headers={"Authorization": f"Bearer {self.token_of(org)}"},
                                timeout=TIMEOUT_SECONDS, allow_redirects=False)
        except requests.RequestException as err:
            raise DeliveryError(f"intake: {err!r}"[:500]) from None
        if resp.status_code != 200:
            raise DeliveryError(f"intake answered {resp.status_code} for {org}'s due list")
        return resp.json()["items"]
