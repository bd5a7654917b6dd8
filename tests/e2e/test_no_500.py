"""Hard to break: every route of every service, called with malformed, empty, wrongly typed and
oversized input, answers 4xx (or 2xx) — never a 500, never a traceback."""
import re

import requests

from tests.e2e.conftest import TOKENS

BODIES = [None, "", "not json", "[]", "42", '{"a": ', '{"unknown_field": 1}',
          '{"places": -1, "programme": null, "national_id": 12345678901, "start_date": "31.12"}',
          '{"x": "' + "y" * 200_000 + '"}']
QUERIES = [{}, {"after": "-1", "limit": "0"}, {"from": "yesterday", "cohort": "x"},
           {"purpose": ""}, {"known_at": "not-a-time", "format": "xml"}]


def test_no_route_answers_500(platform):
    apps = platform("intake", "employer", "placement", "reporting", "notify")
    seen = 0
    for name, clients in apps.items():
        base = clients["caseworker"].base
        spec = requests.get(f"{base}/openapi.json").json()
        for path, operations in spec["paths"].items():
            url = base + re.sub(r"{\w+}", "no-such-id", path)
            for method in operations:
                for token in (TOKENS["coordinator"], TOKENS["admin"], "garbage-token", None):
                    headers = {"Authorization": f"Bearer {token}"} if token else {}
                    if method == "get":
                        for query in QUERIES:
                            resp = requests.get(url, params=query, headers=headers, timeout=30)
                            assert resp.status_code < 500, (name, path, query, resp.text[:300])
                            seen += 1
                    else:
                        for body in BODIES:
                            resp = requests.request(method, url, data=body, headers={
                                **headers, "Content-Type": "application/json"}, timeout=30)
                            assert resp.status_code < 500, (name, method, path, body and
                                                            body[:50], resp.text[:300])
                            assert "Traceback" not in resp.text
                            seen += 1
    assert seen > 500
