"""The platform's public HTTP APIs as the workbench calls them: with the signed-in person's own
token, bounded in time, every failure an ``ApiError`` the pages can show (a field's error next to
the field, a refusal as a message, a service that does not answer as a 503 with its name)."""
import requests

CONNECT_SECONDS, READ_SECONDS = 2.0, 5.0
"""A page waits at most about this long for any one service (README: the documented bound)."""


class ApiError(Exception):
    def __init__(self, status, body):
        self.status = status
        self.body = body if isinstance(body, dict) else {"message": str(body)[:300]}
        super().__init__(self.body.get("message") or f"HTTP {status}")

    @property
    def fields(self):
        """A 400's field errors: {field: [message, ...]}."""
        errors = self.body.get("errors") if self.status == 400 else None
        return errors if isinstance(errors, dict) else {}


class Backend:
    def __init__(self, urls, session=None):
        """``urls``: {service: base URL} of intake, employer, placement, reporting."""
        self.urls, self.http = urls, session or requests.Session()

    def call(self, token, service, method, path, body=None, params=None):
        try:
            resp = self.http.request(method, self.urls[service].rstrip("/") + path,
                                     json=body if method != "GET" else None, params=params,
                                     headers={"Authorization": f"Bearer {token}"},
                                     timeout=(CONNECT_SECONDS, READ_SECONDS))
        except requests.RequestException:
            raise ApiError(503, {"error": "unavailable",
                                 "message": f"the {service} service did not answer"}) from None
        try:
            answer = resp.json()
        except ValueError:
            answer = {"message": resp.text[:300]}
        if resp.status_code >= 400:
            raise ApiError(resp.status_code, answer)
        return answer
