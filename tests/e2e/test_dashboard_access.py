"""The dashboard without a long-lived secret in any URL: a sign-in sets a signed, expiring,
HttpOnly SameSite cookie that reads reports and nothing else; pages are never cached or
referred; a token put in a URL is refused and never reaches the log in clear."""
import logging
import re

import requests

from tests.e2e.conftest import TOKENS


def form_token(page):
    """The CSRF token a page's form carries."""
    return re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)


def sign_in(browser, base, token, **headers):
    """As a person does: open the sign-in page, then post its form."""
    csrf = form_token(browser.get(f"{base}/dashboard"))
    return browser.post(f"{base}/dashboard/session", data={"token": token, "csrf": csrf},
                        headers=headers, allow_redirects=False)


def test_sign_in_sets_a_reports_only_cookie_and_the_page_is_locked_down(platform, caplog):
    base = platform("reporting")["reporting"]["admin"].base
    browser = requests.Session()
    page = browser.get(f"{base}/dashboard")
    assert page.status_code == 200 and "name=\"token\"" in page.text      # the sign-in form
    for role in ("caseworker", "caseworker-b"):
        refused = sign_in(browser, base, TOKENS[role])
        assert refused.status_code == 403, refused.text
    assert sign_in(browser, base, "forged-token-000000000").status_code == 401
    signed_in = sign_in(browser, base, TOKENS["coordinator"], Origin=base,
                        **{"Sec-Fetch-Site": "same-origin"})
    assert signed_in.status_code == 303 and signed_in.headers["Location"] == "/dashboard"
    cookie = signed_in.headers["Set-Cookie"]
    for attribute in ("HttpOnly", "SameSite=Strict", "Path=/dashboard", "Max-Age=28800"):
        assert attribute in cookie, cookie
    assert TOKENS["coordinator"] not in cookie
    dash = browser.get(f"{base}/dashboard")
    assert dash.status_code == 200 and "Pathways — org-a" in dash.text   # its own org only
    assert dash.headers["Cache-Control"] == "no-store"
    assert dash.headers["Referrer-Policy"] == "same-origin"
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
    # signing out ends it, from the dashboard's own form only
    assert browser.post(f"{base}/dashboard/session/end").status_code == 403
    assert "Pathways — org-a" in browser.get(f"{base}/dashboard").text
    ended = browser.post(f"{base}/dashboard/session/end", data={"csrf": form_token(dash)},
                         allow_redirects=False)
    assert ended.status_code == 303
    assert "name=\"token\"" in browser.get(f"{base}/dashboard").text


def test_another_site_cannot_sign_a_browser_in_as_its_own_organisation(platform):
    """Login CSRF: a page elsewhere posts the attacker's token to the sign-in, or sends the
    browser to the attacker's signed link; the browser would then show (and export) the
    attacker's organisation's figures as if they were its own. Every way in is refused."""
    base = platform("reporting")["reporting"]["admin"].base
    attacker_link = requests.post(f"{base}/dashboard/links", headers={
        "Authorization": f"Bearer {TOKENS['coordinator-b']}"}).json()["url"]
    victim = requests.Session()
    host = base.split("//")[1]
    # a form on another site: no nonce cookie of ours, so no valid csrf token
    forged = victim.post(f"{base}/dashboard/session", data={"token": TOKENS["coordinator-b"]},
                         headers={"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"},
                         allow_redirects=False)
    assert forged.status_code == 403 and "cross-site" in forged.json()["message"]
    # even with this site's csrf token (a page it scraped), the browser says where it came from
    for headers in ({"Origin": "https://evil.example"}, {"Origin": "null"},
                    {"Sec-Fetch-Site": "cross-site"}, {"Sec-Fetch-Site": "same-site"}):
        assert sign_in(victim, base, TOKENS["coordinator-b"], **headers).status_code == 403, \
            headers
    # without a page of ours first (no nonce cookie), a form's token is refused
    assert requests.post(f"{base}/dashboard/session", data={
        "token": TOKENS["coordinator-b"], "csrf": form_token(victim.get(f"{base}/dashboard"))},
        allow_redirects=False).status_code == 403
    # the attacker's signed link, followed from another site
    followed = victim.get(base + attacker_link, headers={"Sec-Fetch-Site": "cross-site"},
                          allow_redirects=False)
    assert followed.status_code == 403 and "pathways_dashboard=" not in \
        followed.headers.get("Set-Cookie", "")
    assert "name=\"token\"" in victim.get(f"{base}/dashboard").text   # still signed out
    # the browser's own sign-in, from this site's page, still works
    assert sign_in(victim, base, TOKENS["coordinator"], Origin=f"http://{host}",
                   **{"Sec-Fetch-Site": "same-origin"}).status_code == 303
    assert "Pathways — org-a" in victim.get(f"{base}/dashboard").text


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
