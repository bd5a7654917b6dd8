"""Ending an enrolment in intake and closing its case in placement: either order, one result;
and an end and a closure that contradict each other are refused."""
import pytest

from tests.e2e.flow import agreed_placement, enrolled_participant, opportunity
from tests.support import wait_until

END_DAY = "2026-04-30"
SAME = ("started", "ended", "outcomes", "per_month", "days_to_outcome", "per_employer",
        "small_jobs", "end_reasons")


def placed(apps, national_id):
    """A participant in a run of their own with an ongoing job placement and a draft one."""
    run_id, eid = enrolled_participant(apps["intake"], national_id=national_id)
    opp = opportunity(apps["employer"], places=4)
    p = agreed_placement(apps["placement"], eid, opp)
    cw = apps["placement"]["caseworker"]
    cw.call("POST", f"/cases/{eid}/placements/{p['placement_id']}/start",
            {"start_date": "2026-02-01"})
    cw.call("POST", f"/cases/{eid}/placements", {
        "employer_id": opp["employer_id"], "kind": "work_trial", "hours_per_week": 10,
        "start_date": "2026-03-01"}, expect=201)
    return run_id, eid


def outcome_of(apps, run_id, eid):
    """What each service ends up holding about the enrolment, and reporting's figures."""
    intake, cw = apps["intake"]["caseworker"], apps["placement"]["caseworker"]

    def settled():
        e = intake.call("GET", f"/runs/{run_id}/enrolments/{eid}")
        case = cw.call("GET", f"/cases/{eid}")
        if e["state"] == "participating" or not case["closed_on"] or any(
                p["state"] in ("draft", "agreed") for p in case["placements"]):
            return None
        return e, case
    e, case = wait_until(settled, what="the end and the closure, and the reactions to them")
    heads = {s: apps[s]["auditor"].call("GET", "/events", params={"limit": 1})["head"]["position"]
             for s in ("intake", "placement")}
    report = apps["reporting"]["coordinator"].call(
        "GET", "/reports/kpis", params={"run_id": run_id},
        headers={"Pathways-After": ", ".join(f"{s}={p}" for s, p in heads.items())})
    return ({k: e[k] for k in ("state", "start_date", "end_date")},
            {"closed_on": case["closed_on"], "outcome": case["outcome"],
             "placements": sorted((p["kind"], p["state"], p["end_status"], p["ended_on"])
                                  for p in case["placements"])},
            {k: report[k] for k in SAME})


@pytest.mark.parametrize("status,reason,hint,outcome", [
    ("left", "got_job", "employed", "employed_ordinary"),
    ("aborted", "other", "not_in_work", "not_in_work"),
])
def test_end_then_close_is_close_then_end(platform, status, reason, hint, outcome):
    apps = platform("intake", "employer", "placement", "reporting")
    intake, cw = apps["intake"]["caseworker"], apps["placement"]["caseworker"]
    # close first: intake ends the enrolment with the status the closure names
    run_a, first = placed(apps, "15108695088")
    cw.call("POST", f"/cases/{first}/close", {"outcome": outcome, "date": END_DAY,
                                              "enrolment_status": status})
    closed_first = outcome_of(apps, run_a, first)
    refused = intake.call("POST", f"/runs/{run_a}/enrolments/{first}/end", {
        "status": status, "reason": reason, "outcome_hint": hint, "end_date": END_DAY},
        expect=409)
    assert refused["error"] == "illegal_transition"
    # end first: the closure takes the status the enrolment ended with
    run_b, second = placed(apps, "55108695071")
    intake.call("POST", f"/runs/{run_b}/enrolments/{second}/end", {
        "status": status, "reason": reason, "outcome_hint": hint, "end_date": END_DAY})
    wait_until(lambda: all(p["state"] not in ("draft", "agreed") for p in cw.call(
        "GET", f"/cases/{second}")["placements"]), what="placement heard of the end")
    cw.call("POST", f"/cases/{second}/close", {"outcome": outcome, "date": END_DAY})
    ended_first = outcome_of(apps, run_b, second)
    assert ended_first == closed_first
    intake_side, case_side, figures = ended_first
    assert intake_side["state"] == status and case_side["outcome"] == outcome
    job = [p for p in case_side["placements"] if p[0] == "ordinary_job"][0]
    if hint == "employed":     # the job goes on, and counts as a hire
        assert job[1:] == ("ongoing", None, None)
        assert figures["per_employer"][0]["hires"] == 1
    else:
        assert job[1:] == ("ended", "shortened", END_DAY)
        assert figures["per_employer"][0]["hires"] == 0


def test_an_end_and_a_closure_that_contradict_each_other_are_refused(platform):
    apps = platform("intake", "employer", "placement")
    intake, cw = apps["intake"]["caseworker"], apps["placement"]["caseworker"]
    run_id, eid = placed(apps, "15108695088")
    path = f"/runs/{run_id}/enrolments/{eid}/end"
    for status, reason, hint in (("left", "got_job", "not_in_work"),
                                 ("completed", "other", "employed"),
                                 ("aborted", "education", "education")):
        refused = intake.call("POST", path, {"status": status, "reason": reason,
                                             "outcome_hint": hint, "end_date": END_DAY},
                              expect=409)
        assert refused["error"] == "contradictory_outcome", refused
    # a status the outcome does not allow
    refused = cw.call("POST", f"/cases/{eid}/close", {
        "outcome": "employed_ordinary", "date": END_DAY, "enrolment_status": "aborted"},
        expect=409)
    assert refused["error"] == "contradictory_outcome" and "completed or left" in \
        refused["message"]
    intake.call("POST", path, {"status": "left", "reason": "sick", "outcome_hint": "not_in_work",
                               "end_date": END_DAY})
    wait_until(lambda: cw.call("GET", f"/cases/{eid}")["placements"][0]["state"] == "ended",
               what="placement heard of the end")
    # the enrolment ended out of work: a closure into work contradicts it, as does another status
    for body in ({"outcome": "employed_ordinary"},
                 {"outcome": "not_in_work", "enrolment_status": "completed"}):
        refused = cw.call("POST", f"/cases/{eid}/close", {**body, "date": END_DAY}, expect=409)
        assert refused["error"] == "contradictory_outcome", refused
    closed = cw.call("POST", f"/cases/{eid}/close", {"outcome": "not_in_work", "date": END_DAY})
    assert closed["outcome"] == "not_in_work"
    bad = cw.call("POST", f"/cases/{eid}/close", {"outcome": "not_in_work", "date": END_DAY,
                                                   "enrolment_status": "ended"}, expect=400)
    assert "enrolment_status" in bad["errors"]
