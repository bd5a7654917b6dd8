"""A cohort's history registered late, and corrected: reporting is right on both time axes.

Everything here is recorded today, with business dates over the two past years. Reporting's
answers "as effective on" past days and "as known at" past recording times are checked against a
count made here, independently of reporting's code, from the services' own feeds.
"""
import random
import time
from datetime import date, timedelta

from ops.seed import valid_fnr
from pathways.timeutil import iso, utcnow
from tests.e2e.flow import PERSON
from tests.support import wait_until

WORK = {"employed", "education", "employed_ordinary", "employed_subsidised", "employed_flexible",
        "employed_small_job", "self_employed"}
_RNG = random.Random(13)
NATIONAL_IDS = [valid_fnr(_RNG, date(1970 + i, 1 + i, 10 + i)) for i in range(10)]
FIRM = "NO-988077917"


def days(d, n):
    return (date.fromisoformat(d) + timedelta(days=n)).isoformat()


class Recorder:
    """Registers one participant's history through the APIs, a caseworker at a time."""

    def __init__(self, apps, run_id):
        self.intake, self.placement = apps["intake"]["caseworker"], apps["placement"]["caseworker"]
        self.run_id = run_id

    def enrol(self, national_id, referred, start):
        pid = self.intake.call("POST", "/participants", {**PERSON, "national_id": national_id},
                               expect=201)["participant_id"]
        e = self.intake.call("POST", f"/runs/{self.run_id}/enrolments",
                             {"participant_id": pid, "date": referred}, expect=201)
        path = f"/runs/{self.run_id}/enrolments/{e['enrolment_id']}"
        self.intake.call("POST", f"{path}/consent", {"given_by": "participant", "date": referred})
        assert self.intake.call("POST", f"{path}/apply",
                                {"date": days(referred, 2)})["state"] == "place_allocated"
        if start:
            self.intake.call("POST", f"{path}/start", {"start_date": start, "percent": 100,
                                                       "days_per_week": 5})
        return e["enrolment_id"], path

    def place(self, enrolment_id, start):
        case = f"/cases/{enrolment_id}"
        p = wait_until(lambda: _accepted(self.placement.session.post(
            self.placement.base + f"{case}/placements", json={
                "employer_id": FIRM, "kind": "ordinary_job", "hours_per_week": 37.5,
                "start_date": start})), what="placement proposed")
        for party in ("participant", "employer", "caseworker"):
            self.placement.call("POST", f"{case}/placements/{p['placement_id']}/approve",
                                {"party": party})
        self.placement.call("POST", f"{case}/placements/{p['placement_id']}/start",
                            {"start_date": start})

    def close(self, enrolment_id, outcome, day, **more):
        self.placement.call("POST", f"/cases/{enrolment_id}/close",
                            {"outcome": outcome, "date": day, **more})


def _accepted(resp):
    return resp.json() if resp.status_code == 201 else None


def record_cohort(rec, members, base):
    """Each member's whole history, dated from ``base`` on; returns the enrolment ids."""
    ids = []
    for i in members:
        referred = days(base, 60 * i)
        start = days(referred, 7)
        if i == 9:   # found not relevant: never starts
            eid, path = rec.enrol(NATIONAL_IDS[i], referred, None)
            rec.intake.call("POST", f"{path}/reject", {"reason": "not_relevant",
                                                       "date": days(referred, 5)})
            ids.append(eid)
            continue
        eid, path = rec.enrol(NATIONAL_IDS[i], referred, start)
        ids.append(eid)
        kind = i % 4
        if kind == 0:      # into a job through a placement; the case closed first
            rec.place(eid, days(start, 14))
            rec.close(eid, "employed_ordinary", days(start, 120), enrolment_status="left")
        elif kind == 1:    # dropped out: ended in intake only
            rec.intake.call("POST", f"{path}/end", {"status": "left", "reason": "sick",
                                                    "outcome_hint": "not_in_work",
                                                    "end_date": days(start, 60)})
        elif kind == 2:    # completed into education: ended in intake, then the case closed
            rec.place(eid, days(start, 10))
            rec.intake.call("POST", f"{path}/end", {"status": "completed", "reason": "education",
                                                    "outcome_hint": "education",
                                                    "end_date": days(start, 200)})
            wait_until(lambda: rec.placement.session.post(
                rec.placement.base + f"/cases/{eid}/close",
                json={"outcome": "education", "date": days(start, 200)}).status_code == 200,
                what="case closed after the end")
        else:              # still participating, placed
            rec.place(eid, days(start, 30))
    return ids


def feed(client):
    events, after = [], 0
    while True:
        page = client.call("GET", "/events", params={"after": after, "limit": 500})
        events += page["events"]
        if page["next_after"] == after or not page["events"]:
            return events
        after = page["next_after"]


def independent_count(events, day=None, known_at=None):
    """Enrolments referred, started and ended by ``day`` (business dates, as corrected), and
    those ended in work or education (the case outcome once closed, else intake's hint), from
    what was recorded by ``known_at``."""
    referred, started, ended, hint, closed = {}, {}, {}, {}, {}
    for e in events:
        if known_at and e["recorded_at"] > known_at:
            continue
        p, t = e["payload"], e["type"]
        eid = p.get("enrolment_id")
        if t == "ParticipantReferred":
            referred[eid] = e["occurred_at"][:10]
        elif t == "ParticipantEnrolled":
            started[eid] = p["start_date"]
        elif t == "EnrolmentEnded":
            ended[eid], hint[eid] = p["end_date"], p["outcome_hint"]
        elif t == "EnrolmentDatesCorrected":
            for field, into in (("referred_on", referred), ("start_date", started),
                                ("end_date", ended)):
                if p[field]:
                    into[eid] = p[field]
        elif t == "CaseClosed":
            closed[eid] = (p["date"], p["outcome"])

    def by(d):
        return d is not None and (day is None or d <= day)
    enrolments = [e for e in referred if by(referred[e])]
    begun = [e for e in enrolments if by(started.get(e))]
    done = [e for e in begun if by(ended.get(e))]

    def work(e):
        if e in closed and by(closed[e][0]):
            return closed[e][1] in WORK
        return hint[e] in WORK
    return {"enrolments": len(enrolments), "started": len(begun), "ended": len(done),
            "work_or_education": sum(work(e) for e in done)}


def figures(report):
    return {"enrolments": report["enrolments"], "started": report["started"],
            "ended": report["ended"],
            "work_or_education": report["outcomes"]["at_end"]["numerator"]}


def settled(apps, ids):
    """Every reaction to what was recorded has happened (intake ended what placement closed,
    placement ended what intake ended), so the feeds hold the whole history."""
    cw = apps["placement"]["caseworker"]
    intake = apps["intake"]["caseworker"]

    def done():
        for eid in ids:
            case = cw.session.get(cw.base + f"/cases/{eid}")
            if case.status_code != 200:
                continue
            c = case.json()
            if c["closed_on"]:
                run = intake.call("GET", f"/runs/{c['run_id']}/enrolments/{eid}")
                if run["state"] == "participating":
                    return False
        return True
    wait_until(done, what="reactions to closures")


def test_a_cohort_registered_late_reports_right_as_effective_on_and_as_known_at(platform):
    apps = platform("intake", "employer", "placement", "reporting")
    today = utcnow().date().isoformat()
    base = days(today, -730)
    run_id = apps["intake"]["coordinator"].call("POST", "/runs", {
        "programme": "aft", "name": "AFT 2024-2026", "places": 20}, expect=201)["run_id"]
    rec = Recorder(apps, run_id)
    known_at, ids = [], []
    for batch in ((0, 1, 2, 3), (4, 5, 6), (7, 8, 9)):
        ids += record_cohort(rec, batch, base)
        settled(apps, ids)
        time.sleep(0.01)
        known_at.append(iso(utcnow()))
        time.sleep(0.01)

    events = feed(apps["intake"]["auditor"]) + feed(apps["placement"]["auditor"])
    # recorded today, happened over two years
    assert {e["recorded_at"][:10] for e in events} <= {today, utcnow().date().isoformat()}
    assert min(e["occurred_at"][:10] for e in events if e["type"] == "ParticipantReferred") \
        == base
    heads = {s: max(e["position"] for e in events if e["source"] == s)
             for s in ("intake", "placement")}
    reporting = apps["reporting"]["coordinator"]
    after = {"Pathways-After": ", ".join(f"{s}={p}" for s, p in heads.items())}

    checked = []
    for day in (days(base, 30), days(base, 200), days(base, 400), days(base, 600), today):
        expected = independent_count(events, day=day)
        got = figures(reporting.call("GET", "/reports/kpis", params={"effective_on": day},
                                     headers=after))
        assert got == expected, day
        checked.append(expected)
    for t in known_at:
        expected = independent_count(events, known_at=t)
        got = figures(reporting.call("GET", "/reports/kpis", params={"known_at": t}))
        assert got == expected, t
        checked.append(expected)
    # both axes at once: as known after the first batch, as it stood a year ago
    day = days(today, -365)
    assert figures(reporting.call("GET", "/reports/kpis", params={
        "known_at": known_at[0], "effective_on": day})) == independent_count(
            events, day=day, known_at=known_at[0])
    # the checks were not vacuous: the figures move along both axes
    assert len({tuple(c.values()) for c in checked}) >= 6
    assert checked[-1] == {"enrolments": 10, "started": 9, "ended": 7, "work_or_education": 5}


def test_a_corrected_start_changes_as_effective_on_but_not_what_was_known_before(platform):
    apps = platform("intake", "employer", "placement", "reporting")
    run_id = apps["intake"]["coordinator"].call("POST", "/runs", {
        "programme": "aft", "name": "AFT 2025", "places": 5}, expect=201)["run_id"]
    rec = Recorder(apps, run_id)
    eid, path = rec.enrol(NATIONAL_IDS[0], "2025-03-03", "2025-03-10")
    reporting = apps["reporting"]["coordinator"]
    position = apps["intake"]["auditor"].call("GET", "/events",
                                              params={"limit": 500})["events"][-1]["position"]
    assert reporting.call("GET", "/reports/kpis", params={"effective_on": "2025-03-20"},
                          headers={"Pathways-After": f"intake={position}"})["started"] == 1
    time.sleep(0.01)
    before = iso(utcnow())
    time.sleep(0.01)
    # another organisation cannot correct it, nor learn that it exists
    other = apps["intake"]["caseworker-b"].call("POST", f"{path}/correct",
                                                {"start_date": "2025-04-14"}, expect=404)
    assert "2025" not in str(other)
    corrected = rec.intake.call("POST", f"{path}/correct", {"start_date": "2025-04-14"})
    assert corrected["start_date"] == "2025-04-14"
    log = apps["intake"]["auditor"].call("GET", "/events", params={"limit": 500})["events"]
    assert [e["type"] for e in log][-1] == "EnrolmentDatesCorrected"
    # the start as first recorded is still there, untouched
    assert [e["payload"]["start_date"] for e in log if e["type"] == "ParticipantEnrolled"] \
        == ["2025-03-10"]
    after = {"Pathways-After": f"intake={log[-1]['position']}"}
    assert reporting.call("GET", "/reports/kpis", params={"effective_on": "2025-03-20"},
                          headers=after)["started"] == 0
    assert reporting.call("GET", "/reports/kpis", params={"effective_on": "2025-04-14"},
                          headers=after)["started"] == 1
    # as known before the correction: the start as it was believed then
    assert reporting.call("GET", "/reports/kpis", params={
        "effective_on": "2025-03-20", "known_at": before})["started"] == 1
    assert reporting.call("GET", "/reports/kpis", params={
        "effective_on": "2025-03-20", "known_at": iso(utcnow())})["started"] == 0
    # a correction that would break the order of the dates is refused, naming the rule
    refused = rec.intake.call("POST", f"{path}/correct", {"start_date": "2025-03-01"},
                              expect=409)
    assert refused["error"] == "dates_out_of_order"
    assert rec.intake.call("POST", f"{path}/correct", {}, expect=400)["errors"]
