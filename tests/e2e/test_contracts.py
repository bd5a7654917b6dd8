"""A consortium's contract on the real servers (Aust-Agder's shape: six organisations under
one funder's contract, administered by the hub): a month's participant-months per organisation
equal a recount from intake's feed; places moved mid-month change the place-months from that
day; an extension shows in the next month; as known at a moment before a change, the figures
then. The funder's token reads its contract's figures and nothing else, and every refusal is in
the access log."""
import calendar
import logging
from datetime import date

import requests

from pathways.timeutil import iso, utcnow
from tests.e2e.conftest import TOKENS
from tests.e2e.flow import enrolled_participant
from tests.e2e.test_reporting import caught_up
from tests.support import wait_until

ORGS = ["org-a", "org-b", "org-c", "org-d", "org-e", "org-f"]


def as_org(clients, suffix):
    return {"caseworker": clients[f"caseworker{suffix}"],
            "coordinator": clients[f"coordinator{suffix}"]}


def recount(events, month, orgs):
    """Participant-months per organisation straight from intake's events, day by day (not
    reporting's code): started, percentage from each date, ended."""
    start, levels, end, org_of = {}, {}, {}, {}
    for e in events:
        p = e["payload"]
        if e["type"] == "ParticipantEnrolled" and p["programme"] == "office_places":
            start[p["enrolment_id"]], org_of[p["enrolment_id"]] = p["start_date"], e["org"]
            levels[p["enrolment_id"]] = [(p["start_date"], p["percent"])]
        elif e["type"] == "ParticipationChanged":
            levels[p["enrolment_id"]].append((p["from_date"], p["percent"]))
        elif e["type"] == "EnrolmentEnded":
            end[p["enrolment_id"]] = p["end_date"]
    year, number = map(int, month.split("-"))
    days = [date(year, number, d).isoformat()
            for d in range(1, calendar.monthrange(year, number)[1] + 1)]
    totals = {o: 0.0 for o in orgs}
    for eid, first in start.items():
        for day in days:
            if first <= day and (eid not in end or day <= end[eid]) and org_of[eid] in totals:
                percent = [pc for since, pc in sorted(levels[eid]) if since <= day][-1]
                totals[org_of[eid]] += percent / 100
    return {o: round(t / len(days), 4) for o, t in totals.items()}


def test_a_consortium_contract_pays_for_participant_months_as_the_feed_recounts_them(
        platform, dbs, caplog):
    caplog.set_level(logging.WARNING, logger="pathways.access")
    apps = platform("intake", "employer", "placement", "reporting")
    intake, reporting = apps["intake"], apps["reporting"]
    # org-a: two participants (one part-time from mid-February, one ending then); org-b: one
    run_a, first = enrolled_participant(as_org(intake, ""), "15108695088", places=5)
    _, second = enrolled_participant(as_org(intake, ""), "55108695071", run_id=run_a)
    run_b, third = enrolled_participant(as_org(intake, "-b"), "01018000055")
    cw = intake["caseworker"]
    cw.call("POST", f"/runs/{run_a}/enrolments/{first}/participation",
            {"percent": 50, "days_per_week": 3, "from_date": "2026-02-16"})
    cw.call("POST", f"/runs/{run_a}/enrolments/{first}/fee", {"month": "2026-02",
                                                              "amount": 1000})
    cw.call("POST", f"/runs/{run_a}/enrolments/{first}/fee-paid", {
        "month": "2026-02", "amount": 1000, "date": "2026-03-02"})
    cw.call("POST", f"/runs/{run_a}/enrolments/{second}/end", {
        "end_date": "2026-02-20", "status": "completed", "reason": "other",
        "outcome_hint": "unknown"})
    made = intake["admin"].call("POST", "/contracts", {
        "funder": "nav-agder", "name": "Aust-Agder kontorplasser", "orgs": ORGS,
        "programmes": ["office_places"], "period_from": "2026-01-01",
        "period_to": "2026-02-28", "currency": "NOK", "rate": 15840,
        "places": {"org-a": 3, "org-b": 2, "org-c": 1, "org-d": 1, "org-e": 1, "org-f": 1}},
        expect=201)
    bad = intake["admin"].call("POST", "/contracts", {
        "funder": "nav-agder", "name": "x", "orgs": ["org-a", "org-z"], "programmes": ["vta"],
        "period_from": "2026-01-01", "period_to": "2026-12-31", "currency": "XYZ",
        "rate": -5, "places": {"org-a": 1, "org-z": 1}}, expect=400)
    assert set(bad["errors"]) == {"currency", "rate"}    # the body first, then the grants
    overlap = intake["admin"].call("POST", "/contracts", {
        "funder": "nav-agder", "name": "x", "orgs": ["org-b"], "programmes": ["office_places"],
        "period_from": "2026-02-01", "period_to": "2026-12-31", "currency": "NOK",
        "places": {"org-b": 1}}, expect=400)
    assert list(overlap["errors"]) == ["period_from"]
    contract = f"/reports/contracts/{made['contract_id']}/basis"
    wait_until(lambda: caught_up(dbs, reporting), what="reporting to catch up")
    before_move = iso(utcnow())

    def basis(who="funder", **query):
        return reporting[who].call("GET", contract, params={"month": "2026-02", **query})

    def per_org(found, key):
        return {line["org"]: line[key] for line in found["per_org"]}

    # February: participant-months per organisation as the feed recounts them
    feb = basis()
    events = intake["admin"].call("GET", "/events", params={"limit": 1000})["events"]
    assert per_org(feb, "participant_months") == recount(events, "2026-02", ORGS)
    assert per_org(feb, "participant_months")["org-a"] > 0 and \
        per_org(feb, "participant_months")["org-b"] == 1.0
    assert (per_org(feb, "fees_charged")["org-a"], per_org(feb, "fees_paid")["org-a"]) == \
        ("1000.00", "1000.00")
    assert per_org(feb, "place_months") == {"org-a": 3, "org-b": 2, "org-c": 1, "org-d": 1,
                                            "org-e": 1, "org-f": 1}

    # a place moves from org-a to org-b from 15 February: the place-months from that day
    intake["admin"].call("POST", f"/contracts/{made['contract_id']}/move-places", {
        "from_org": "org-a", "to_org": "org-b", "places": 1, "from_date": "2026-02-15"})
    wait_until(lambda: caught_up(dbs, reporting), what="reporting to catch up")
    moved = per_org(basis(), "place_months")
    assert (moved["org-a"], moved["org-b"]) == (2.5, 2.5)    # 3 x 14 + 2 x 14 days of 28
    # as known before the move (a claim re-derived later): the figures then
    assert per_org(basis("admin", known_at=before_move), "place_months")["org-a"] == 3

    # what it has cost by February's end: the two months' amounts, per participant and month
    costs = reporting["funder"].call("GET", f"/reports/contracts/{made['contract_id']}/costs",
                                     params={"until": "2026-02"})
    paid = sum(float(basis(month=m)["total"]["amount"]) for m in ("2026-01", "2026-02"))
    assert abs(float(costs["total"]["paid"]) - paid) < 0.05
    assert (costs["total"]["participants"], costs["until"]) == (3, "2026-02-28")

    # March is outside the period until it is extended
    march = basis(month="2026-03")
    assert (march["days_in_period"], march["total"]["participant_months"]) == (0, 0)
    intake["admin"].call("POST", f"/contracts/{made['contract_id']}/extend",
                         {"period_to": "2026-06-30"})
    wait_until(lambda: caught_up(dbs, reporting), what="reporting to catch up")
    march = basis(month="2026-03")
    assert march["days_in_period"] == 31
    assert per_org(march, "participant_months") == recount(events, "2026-03", ORGS)

    # who reads what: a covered organisation its own line; another funder nothing
    assert [line["org"] for line in basis("coordinator-b")["per_org"]] == ["org-b"]
    (listed,) = reporting["funder"].call("GET", "/reports/contracts")["contracts"]
    assert (listed["contract_id"], listed["period_to"]) == (made["contract_id"], "2026-06-30")
    assert reporting["funder-af"].call("GET", "/reports/contracts")["contracts"] == []
    participant = intake["coordinator-b"].call("GET", f"/runs/{run_b}")["enrolments"][0][
        "participant_id"]
    refusals = [
        reporting["funder-af"].call("GET", contract, params={"month": "2026-02"}, expect=403),
        reporting["funder"].call("GET", "/reports/kpis", expect=403),
        intake["funder"].call("GET", "/events", expect=403),
        intake["funder"].call("GET", f"/participants/{participant}",
                              params={"purpose": "follow_up"}, expect=403),
        intake["funder"].call("GET", "/contracts", expect=403),
    ]
    assert all(r["error"] == "forbidden" for r in refusals)
    reporting["caseworker"].call("GET", contract, params={"month": "2026-02"}, expect=403)
    reporting["coordinator-c"].call("GET", contract, params={"month": "2026-02"}, expect=200)
    # the funder's dashboard: its contract, month by month per organisation; no other table
    browser = requests.Session()
    base = reporting["funder"].base
    signed_in = browser.post(f"{base}/dashboard/session", allow_redirects=False,
                             headers={"Authorization": f"Bearer {TOKENS['funder']}"})
    assert signed_in.status_code == 303
    page = browser.get(f"{base}/dashboard")
    assert page.status_code == 200 and "Aust-Agder kontorplasser" in page.text
    assert all(org in page.text for org in ORGS) and "Kari" not in page.text
    assert browser.get(f"{base}/dashboard/export?table=per_month").status_code == 403
    logged = [(r.caller, r.role, r.path) for r in caplog.records
              if r.name == "pathways.access"]
    assert ("fu-af", "funder", contract) in logged
    assert ("fu-nav", "funder", "/events") in logged
    assert ("fu-nav", "funder", "/reports/kpis") in logged
