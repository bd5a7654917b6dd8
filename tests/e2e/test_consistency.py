"""Across services, a client reads its own writes without a retry loop, and never waits on
another service beyond the documented bound (3 s): it gets 503 with Retry-After naming what it
waits for instead."""
import time
import uuid

from pathways.application.timeouts import WAIT_SECONDS
from tests.e2e.flow import PERSON, REFERRED, opportunity

BOUND = WAIT_SECONDS + 4   # the documented wait, plus generous room for a loaded machine


def started_enrolment(intake):
    """Register, refer, consent, apply and start; returns (enrolment_id, intake position)."""
    cw, co = intake["caseworker"], intake["coordinator"]
    run_id = co.call("POST", "/runs", {"programme": "office_places", "name": "Kontor",
                                        "places": 3}, expect=201)["run_id"]
    pid = cw.call("POST", "/participants", PERSON, expect=201)["participant_id"]
    e = cw.call("POST", f"/runs/{run_id}/enrolments", {"participant_id": pid,
                                                        "date": REFERRED}, expect=201)
    path = f"/runs/{run_id}/enrolments/{e['enrolment_id']}"
    cw.call("POST", f"{path}/consent", {"given_by": "participant"})
    cw.call("POST", f"{path}/apply")
    resp = cw.session.post(cw.base + f"{path}/start", json={
        "start_date": "2026-01-05", "percent": 100, "days_per_week": 5})
    assert resp.status_code == 200, resp.text
    source, _, position = resp.headers["Pathways-Position"].partition("=")
    assert source == "intake"
    return e["enrolment_id"], int(position)


def test_a_command_names_its_position_and_other_services_honour_it(platform):
    apps = platform("intake", "employer", "placement", "reporting")
    opp = opportunity(apps["employer"])
    enrolment, position = started_enrolment(apps["intake"])
    token = {"Pathways-After": f"intake={position}"}
    # placement, right away: the start is applied before the command is decided
    placement = apps["placement"]["caseworker"]
    placement.call("POST", f"/cases/{enrolment}/placements", {
        "employer_id": opp["employer_id"], "opportunity_id": opp["opportunity_id"],
        "kind": "ordinary_job", "hours_per_week": 37.5, "start_date": "2026-02-01"},
        expect=201, headers=token)
    # reporting, right away: the report already counts the start
    report = apps["reporting"]["coordinator"].call("GET", "/reports/kpis", headers=token)
    assert report["started"] == 1
    assert report["built_from"]["feed_positions"]["intake"] >= position


def test_a_position_never_written_is_409_at_once_and_one_not_arrived_503_within_the_bound(
        platform):
    apps = platform("intake", "reporting")
    reporting = apps["reporting"]["coordinator"]
    started = time.monotonic()
    resp = reporting.session.get(reporting.base + "/reports/kpis",
                                 headers={"Pathways-After": "intake=999999"})
    assert resp.status_code == 409, resp.text   # intake's log ends before it: no wait
    assert resp.json()["error"] == "position_not_written"
    assert resp.json()["log_ends_at"] == {"intake": 0}
    assert time.monotonic() - started < WAIT_SECONDS
    for bad in ("intake", "intake=x", "intake=1;drop", "nobody=3", "intake=\u00b2",
                "intake=1 ,intake=2", "intake=1,,intake=2"):
        resp = reporting.session.get(reporting.base + "/reports/kpis",
                                     headers={"Pathways-After": bad})
        assert resp.status_code == 400 and "Pathways-After" in resp.json()["errors"], bad
    # intake down: whether the position exists cannot be known, so the answer is to wait
    apps["intake"]["coordinator"].call("POST", "/runs", {"programme": "office_places",
                                                         "name": "Kontor", "places": 3},
                                       expect=201)
    platform.containers["intake"].stop()
    started = time.monotonic()
    resp = reporting.session.get(reporting.base + "/reports/kpis",
                                 headers={"Pathways-After": "intake=5"})
    assert time.monotonic() - started < BOUND
    assert resp.status_code == 503 and resp.headers["Retry-After"] == "1"
    assert resp.json()["waiting_for"] == {"intake": 5}


def test_with_employer_stopped_placement_answers_within_the_bound_saying_what_it_waits_for(
        platform):
    apps = platform("intake", "employer", "placement")
    opp = opportunity(apps["employer"])
    enrolment, position = started_enrolment(apps["intake"])
    platform.containers["employer"].stop()
    placement = apps["placement"]["caseworker"]
    started = time.monotonic()
    resp = placement.session.post(placement.base + f"/cases/{enrolment}/placements", json={
        "employer_id": opp["employer_id"], "opportunity_id": str(uuid.uuid4()),
        "kind": "ordinary_job", "hours_per_week": 37.5, "start_date": "2026-02-01"},
        headers={"Pathways-After": f"intake={position}"})
    assert time.monotonic() - started < BOUND
    assert resp.status_code == 503, resp.text
    assert resp.json()["waiting_for"] == {"employer": None} and resp.headers["Retry-After"]
    # what does not need employer goes on: the known opportunity, the case, the feed
    placement.call("POST", f"/cases/{enrolment}/placements", {
        "employer_id": opp["employer_id"], "opportunity_id": opp["opportunity_id"],
        "kind": "ordinary_job", "hours_per_week": 37.5, "start_date": "2026-02-01"},
        expect=201)


def test_an_as_of_report_with_a_source_down_answers_503_within_the_bound(platform):
    apps = platform("intake", "employer", "placement", "reporting")
    platform.containers["employer"].stop()
    reporting = apps["reporting"]["coordinator"]
    started = time.monotonic()
    resp = reporting.session.get(reporting.base + "/reports/kpis",
                                 params={"known_at": "2026-01-01T00:00:00+00:00"})
    assert time.monotonic() - started < BOUND
    assert resp.status_code == 503, resp.text
    assert "employer" in resp.json()["waiting_for"] and resp.headers["Retry-After"]
