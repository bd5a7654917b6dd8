"""The caseworker's workbench on the real servers, through its HTML forms as a browser sends
them (the browser test drives Chromium through the same pages): a coach signs in, refers and
enrols a participant, records consent, starts a placement, logs a follow-up and closes the case
with an outcome, and the coordinator's figures count it. From the other side: another
organisation's coach gets 404 on its pages and its forms, a form without this session's CSRF
token or from another site is refused, and a form sent twice records once; a service that does
not answer makes a page that says which, in bounded time."""
import re
import time

import requests

from tests.e2e.conftest import TOKENS
from tests.e2e.flow import FIRM
from tests.e2e.test_reporting import caught_up
from tests.support import wait_until

PERSON = {"country": "NO", "national_id": "55108695071", "given_name": "Ola",
          "family_name": "Nordmann", "municipality": "0301", "needs_group": "situational",
          "date": "2026-01-02"}


def workbench(platform):
    apps = platform("intake", "employer", "placement", "reporting")
    platform.config.update({"INTAKE_URL": apps["intake"]["caseworker"].base,
                            "EMPLOYER_URL": apps["employer"]["caseworker"].base,
                            "PLACEMENT_URL": apps["placement"]["caseworker"].base,
                            "WORKBENCH_SECRET": "w" * 40})
    apps.update(platform("workbench"))
    return apps


class Browser:
    """A browser's side of the workbench: its cookies, and the forms of the last page."""

    def __init__(self, base):
        self.base, self.http, self.page = base, requests.Session(), ""

    def sign_in(self, token):
        self.http.get(self.base + "/sign-in", timeout=10)
        csrf = self.http.cookies.get("pathways_workbench_signin")
        resp = self.http.post(self.base + "/sign-in", data={"token": token, "csrf": csrf},
                              allow_redirects=False, timeout=10)
        assert resp.status_code == 303, resp.text
        return self

    def get(self, path, expect=200):
        resp = self.http.get(self.base + path, timeout=10)
        assert resp.status_code == expect, (path, resp.status_code, resp.text[:500])
        self.page = resp.text
        return resp

    def form(self, form_id):
        """The hidden fields of the page's form ``form_id`` (its action, csrf, form_id)."""
        block = re.search(rf'<form[^>]*action="([^"]+)"[^>]*id="{form_id}">(.*?)</form>',
                          self.page, re.S)
        assert block, f"no form {form_id} on the page"
        hidden = dict(re.findall(r'type="hidden" name="(\w+)" value="([^"]*)"', block[2]))
        return block[1], hidden

    def send(self, form_id, expect=303, **fields):
        action, hidden = self.form(form_id)
        resp = self.http.post(self.base + action, data={**hidden, **fields},
                              allow_redirects=False, timeout=10)
        assert resp.status_code == expect, (action, resp.status_code, resp.text[:800])
        if expect == 303:
            self.get(resp.headers["Location"])
        else:
            self.page = resp.text
        return resp


def test_a_coach_works_a_case_from_referral_to_outcome_in_the_workbench(platform, dbs):
    apps = workbench(platform)
    intake, reporting = apps["intake"], apps["reporting"]
    run = intake["coordinator"].call("POST", "/runs", {"programme": "aft", "name": "AFT Øst",
                                                       "places": 5}, expect=201)["run_id"]
    employer = apps["employer"]["coordinator"].call("POST", "/employers", FIRM,
                                                    expect=201)["employer_id"]
    coach = Browser(apps["workbench"]["caseworker"].base).sign_in(TOKENS["caseworker"])
    coach.get(f"/runs/{run}")
    assert "AFT Øst" in coach.page and 'lang="nb"' in coach.page
    # the refer form sent twice (a double click): one participant, one referral
    action, hidden = coach.form("refer-form")
    first = coach.http.post(coach.base + action, data={**hidden, **PERSON},
                            allow_redirects=False, timeout=10)
    again = coach.http.post(coach.base + action, data={**hidden, **PERSON},
                            allow_redirects=False, timeout=10)
    assert first.status_code == again.status_code == 303
    assert first.headers["Location"] == again.headers["Location"]
    enrolment_page = first.headers["Location"].split("?")[0]
    events = intake["admin"].call("GET", "/events", params={"limit": 1000})["events"]
    assert [e["type"] for e in events].count("ParticipantReferred") == 1

    # the coordinator makes the caseworker the participant's coach (through the API)
    intake["coordinator"].call("POST", "/coaches", {"coach_id": "cw-anne",
                                                    "specialty": "labour_market"}, expect=201)
    intake["coordinator"].call("POST", f"{enrolment_page}/coach", {"coach_id": "cw-anne"})
    coach.get(enrolment_page)
    coach.send("consent-form")
    coach.send("apply-form")
    coach.send("start-form", expect=400, start_date="2026-01-05", percent="0",
               days_per_week="5")                                     # a field's error
    assert 'aria-invalid="true" aria-describedby="e-percent"' in coach.page
    coach.send("start-form", start_date="2026-01-05", percent="100", days_per_week="5")
    assert '<dd id="state">deltar</dd>' in coach.page
    # a place taken from the board of openings
    apps["employer"]["coordinator"].call("POST", "/opportunities", {
        "employer_id": employer, "kind": "work_trial", "title": "CNC-operatør", "places": 2,
        "valid_from": "2026-01-01"}, expect=201)
    coach.get("/openings")
    assert "CNC-operatør" in coach.page and "Fjord Verksted AS" in coach.page
    coach.send("take-1", enrolment_id=re.search(r'name="enrolment_id"><option value="([^"]+)"',
                                                coach.page)[1], start_date="2026-02-02")
    # the employer's page: the opening, one of its places taken (once employer has the event)
    wait_until(lambda: "1 / 2" in coach.get(f"/employers/{employer}").text,
               what="the place taken to show on the employer's page")
    assert "CNC-operatør" in coach.page
    coach.get(enrolment_page)
    placement_id = re.search(r'<select id="f-placement_id" name="placement_id"><option '
                             r'value="([^"]+)"', coach.page)[1]
    coach.send("follow-up-form", placement_id=placement_id, date="2026-02-20", kind="visit",
               with_whom="participant_and_employer")
    coach.send("close-form", outcome="employed_ordinary", date="2026-04-30")
    assert 'id="outcome"' in coach.page and "ordinær jobb" in coach.page
    timeline = coach.page.split('id="timeline"')[1]
    for kind in ("Henvist", "Samtykke registrert", "Startet", "Utplassering startet",
                 "Oppfølging", "Sak avsluttet"):
        assert kind in timeline, kind
    assert "cw-anne" in timeline                                      # who recorded it
    # personal data only behind "show", with a purpose (recorded by intake)
    coach.send("show-form", expect=200, purpose="follow-up call")
    assert "Ola Nordmann" in coach.page and "55108695071" in coach.page

    # the coordinator's figures count it
    wait_until(lambda: caught_up(dbs, reporting), what="reporting to catch up")
    kpis = reporting["coordinator"].call("GET", "/reports/kpis")
    assert kpis["started"] == 1 and kpis["outcomes"]["at_end"]["numerator"] == 1
    dashboard = requests.Session()
    base = reporting["coordinator"].base
    assert dashboard.post(f"{base}/dashboard/session", allow_redirects=False, timeout=10,
                          headers={"Authorization": f"Bearer {TOKENS['coordinator']}"}
                          ).status_code == 303
    page = dashboard.get(f"{base}/dashboard", timeout=10).text
    assert "<b id=\"outcome-rate\">100%</b>" in page and "(1 of 1 ended)" in page

    # from the other side: org-b's coach
    other = Browser(coach.base).sign_in(TOKENS["caseworker-b"])
    other.get(enrolment_page, expect=404)
    other.get(f"/runs/{run}", expect=404)
    other.get("/caseload")
    forged = other.http.post(coach.base + f"{enrolment_page}/consent", timeout=10,
                             data={"csrf": re.search(r'name="csrf" value="([^"]+)"',
                                                     other.page)[1], "form_id": "x1"},
                             allow_redirects=False)
    assert forged.status_code == 404                          # A's ids: not B's to touch
    # a form without a CSRF token, with another session's, or from another site
    coach.get(enrolment_page)
    action, hidden = coach.form("show-form")
    assert coach.http.post(coach.base + action, data={"purpose": "x"}, timeout=10,
                           allow_redirects=False).status_code == 403
    old = re.search(r'name="csrf" value="([^"]+)"', other.page)[1]
    assert coach.http.post(coach.base + action, data={**hidden, "csrf": old, "purpose": "x"},
                           timeout=10, allow_redirects=False).status_code == 403
    assert coach.http.post(coach.base + action, data={**hidden, "purpose": "xyz"}, timeout=10,
                           headers={"Origin": "https://evil.example"},
                           allow_redirects=False).status_code == 403
    events = intake["admin"].call("GET", "/events", params={"limit": 1000})["events"]
    assert [e["type"] for e in events].count("ConsentRecorded") == 1
    # a service that does not answer: the page says which, within the documented bound
    platform.containers["placement"].stop()
    began = time.monotonic()
    coach.get(enrolment_page)
    assert "the placement service did not answer" in coach.page
    assert time.monotonic() - began < 10                       # connect 2 s, read 5 s at most

    # signed out: the cookie no longer opens a page
    cookie = coach.http.cookies.get("pathways_workbench")
    coach.get("/caseload")
    coach.send("sign-out-form")
    assert 'id="f-token"' in coach.page
    replayed = requests.get(coach.base + "/caseload", cookies={"pathways_workbench": cookie},
                            allow_redirects=False, timeout=10)
    assert (replayed.status_code, replayed.headers["Location"]) == (303, "/sign-in")
