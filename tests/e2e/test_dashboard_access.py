"""The dashboard without a long-lived secret in any URL: a sign-in sets a signed, expiring,
HttpOnly SameSite cookie that reads reports and nothing else; pages are never cached or
referred; a token put in a URL is refused and never reaches the log in clear."""
import logging

import requests

from tests.e2e.conftest import TOKENS


def test_sign_in_sets_a_reports_only_cookie_and_the_page_is_locked_down(platform, caplog):
    base = platform("reporting")["reporting"]["admin"].base
    browser = requests.Session()
    page = browser.get(f"{base}/dashboard")
    assert page.status_code == 200 and "name=\"token\"" in page.text      # the sign-in form
    for role in ("caseworker", "caseworker-b"):
        refused = browser.post(f"{base}/dashboard/session", data={"token": TOKENS[role]},
                               allow_redirects=False)
        assert refused.status_code == 403, refused.text
    assert browser.post(f"{base}/dashboard/session", data={"token": "forged-token-000000000"},
                        allow_redirects=False).status_code == 401
    signed_in = browser.post(f"{base}/dashboard/session", data={"token": TOKENS["coordinator"]},
                             allow_redirects=False)
    assert signed_in.status_code == 303 and signed_in.headers["Location"] == "/dashboard"
    cookie = signed_in.headers["Set-Cookie"]
    for attribute in ("HttpOnly", "SameSite=Strict", "Path=/dashboard", "Max-Age=28800"):
        assert attribute in cookie, cookie
    assert TOKENS["coordinator"] not in cookie
    dash = browser.get(f"{base}/dashboard")
    assert dash.status_code == 200 and "Pathways — org-a" in dash.text   # its own org only
    assert dash.headers["Cache-Control"] == "no-store"
    assert dash.headers["Referrer-Policy"] == "no-referrer"
    assert "default-src 'none'" in dash.headers["Content-Security-Policy"]
    assert "<script" not in dash.text
    # the cookie is for reading the dashboard only: no API accepts it
    value = browser.cookies.get("pathways_dashboard")
    assert requests.get(f"{base}/reports/kpis",
                        headers={"Authorization": f"Bearer {value}"}).status_code == 401
    assert requests.get(f"{base}/reports/kpis",
                        cookies={"pathways_dashboard": value}).status_code == 401
    # a tampered cookie is no session
    forged = requests.get(f"{base}/dashboard", cookies={"pathways_dashboard": value[:-2] + "xx"})
    assert "name=\"token\"" in forged.text
    # signing out ends it
    browser.post(f"{base}/dashboard/session/end")
    assert "name=\"token\"" in browser.get(f"{base}/dashboard").text


def test_a_token_in_a_url_is_refused_and_redacted_from_the_log(platform, caplog):
    base = platform("reporting")["reporting"]["admin"].base
    with caplog.at_level(logging.INFO):
        resp = requests.get(f"{base}/dashboard", params={"token": TOKENS["admin"]})
        assert resp.status_code == 400 and "sign in" in resp.json()["message"]
        link = requests.post(f"{base}/dashboard/links",
                             headers={"Authorization": f"Bearer {TOKENS['admin']}"}).json()
        signed = requests.get(base + link["url"])
        assert signed.status_code == 200 and "Pathways — all organisations" in signed.text
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "/dashboard" in logged                      # the request lines were logged...
    assert TOKENS["admin"] not in logged               # ...without the token
    assert link["url"].split("link=")[1] not in logged  # ...or the link's signature
    assert requests.get(base + link["url"].replace("link=", "link=x")).status_code == 401
