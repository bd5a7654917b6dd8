"""End to end: intake, employer and placement in nameko, reacting to each other by events only."""
from pathways.eventstore import EventStore
from tests.e2e.flow import agreed_placement, enrolled_participant, opportunity
from tests.support import wait_until


def test_refer_enrol_place_follow_up_close_and_the_other_services_react(platform, dbs):
    apps = platform("intake", "employer", "placement", "reporting")
    intake, employer, placement = apps["intake"], apps["employer"], apps["placement"]
    run_id, enrolment_id = enrolled_participant(intake)
    opp = opportunity(employer, places=1)
    p = agreed_placement(placement, enrolment_id, opp)
    cw = placement["caseworker"]
    path = f"/cases/{enrolment_id}/placements/{p['placement_id']}"
    assert cw.call("POST", f"{path}/start", {"start_date": "2026-02-01"})["state"] == "ongoing"
    cw.call("POST", f"{path}/follow-ups", {"date": "2026-02-15", "kind": "visit",
                                           "with_whom": "participant_and_employer"})
    closed = cw.call("POST", f"/cases/{enrolment_id}/close",
                     {"outcome": "employed_ordinary", "date": "2026-04-30"})
    assert closed["outcome"] == "employed_ordinary"

    emp = employer["coordinator"]
    filled = wait_until(lambda: (lambda o: o if o["status"] == "filled" else None)(
        emp.call("GET", f"/opportunities/{opp['opportunity_id']}")), what="opportunity filled")
    assert filled["filled"] == 1
    ended = wait_until(lambda: (lambda e: e if e["state"] == "completed" else None)(
        intake["caseworker"].call("GET", f"/runs/{run_id}/enrolments/{enrolment_id}")),
        what="enrolment ended in intake")
    assert ended["state"] == "completed"
    run_log = EventStore(dbs["intake"], "intake").read_stream(f"run-{run_id}")
    end_event = [e for e in run_log if e["type"] == "EnrolmentEnded"]
    assert len(end_event) == 1 and end_event[0]["payload"]["outcome_hint"] == "employed"
    case_log = EventStore(dbs["placement"], "placement").read_stream(f"case-{enrolment_id}")
    assert end_event[0]["causation_id"] == case_log[-1]["event_id"]   # caused by CaseClosed
    # the enrolment ended because the case closed: the job (the placement) goes on
    wait_until(lambda: placement["caseworker"].call("GET", "/cases")["cases"],
               what="cases view")
    assert [e["type"] for e in case_log] == [
        "PlacementProposed", "PlacementApproved", "PlacementApproved", "PlacementApproved",
        "PlacementStarted", "FollowUpRecorded", "CaseClosed"]
    # reporting heard it all: one started, one ended, in work
    figures = wait_until(lambda: (lambda r: r if r["ended"] == 1 else None)(
        apps["reporting"]["auditor"].call("GET", "/reports/kpis")), what="reporting")
    assert figures["outcomes"]["at_end"] == {"numerator": 1, "denominator": 1, "rate": 1.0}
    assert figures["per_employer"][0]["placements"] == 1
    for name in ("intake", "employer", "placement"):
        assert EventStore(dbs[name], name).verify().ok


def test_an_enrolment_ended_in_intake_ends_its_open_placements(platform, dbs):
    apps = platform("intake", "employer", "placement")
    intake, employer, placement = apps["intake"], apps["employer"], apps["placement"]
    run_id, enrolment_id = enrolled_participant(intake)
    opp = opportunity(employer, places=2)
    p = agreed_placement(placement, enrolment_id, opp)
    cw = placement["caseworker"]
    cw.call("POST", f"/cases/{enrolment_id}/placements/{p['placement_id']}/start",
            {"start_date": "2026-02-01"})
    wait_until(lambda: employer["coordinator"].call(
        "GET", f"/opportunities/{opp['opportunity_id']}")["filled"] == 1, what="place taken")
    intake["caseworker"].call("POST", f"/runs/{run_id}/enrolments/{enrolment_id}/end", {
        "status": "left", "reason": "sick", "outcome_hint": "not_in_work",
        "end_date": "2026-03-01"})
    ended = wait_until(lambda: (lambda pl: pl if pl["state"] == "ended" else None)(
        cw.call("GET", f"/cases/{enrolment_id}/placements/{p['placement_id']}")),
        what="placement ended by the enrolment's end")
    assert ended["end_status"] == "shortened"
    wait_until(lambda: employer["coordinator"].call(
        "GET", f"/opportunities/{opp['opportunity_id']}")["filled"] == 0,
        what="the place released in employer")


def test_placement_refusals_are_clear_4xx(platform):
    apps = platform("intake", "employer", "placement")
    intake, employer, placement = apps["intake"], apps["employer"], apps["placement"]
    cw = placement["caseworker"]
    run_id, enrolment_id = enrolled_participant(intake, places=1)
    # a second participant waits for a place: not enrolled, so not placeable
    _, waiting_id = enrolled_participant(intake, national_id="55108695071", run_id=run_id)
    opp = opportunity(employer, places=1)
    body = {"employer_id": opp["employer_id"], "opportunity_id": opp["opportunity_id"],
            "kind": "ordinary_job", "hours_per_week": 37.5, "start_date": "2026-02-01"}
    assert cw.call("POST", f"/cases/{waiting_id}/placements", body,
                   expect=409)["error"] == "not_enrolled"
    cw.call("POST", "/cases/no-such-enrolment/placements", body, expect=404)
    assert cw.call("POST", f"/cases/{enrolment_id}/placements",
                   {**body, "planned_end_date": "2026-01-01"},
                   expect=409)["error"] == "dates_out_of_order"
    assert cw.call("POST", f"/cases/{enrolment_id}/placements",
                   {**body, "start_date": "2099-01-01"}, expect=409)["error"] == \
        "start_too_far_ahead"
    bad = cw.call("POST", f"/cases/{enrolment_id}/placements",
                  {**body, "hours_per_week": "lots", "kind": "lottery"}, expect=400)
    assert set(bad["errors"]) == {"hours_per_week", "kind"}
    # the opportunity fills up: placing on it is refused
    employer["coordinator"].call("POST", f"/opportunities/{opp['opportunity_id']}/take",
                                 {"placement_id": "outside-hire"})
    wait_until(lambda: cw.session.post(cw.base + f"/cases/{enrolment_id}/placements",
                                       json=body).json().get("error") == "opportunity_filled",
               what="placement to see the opportunity filled")
    withdrawn = opportunity(employer, places=3)
    employer["coordinator"].call("POST", f"/opportunities/{withdrawn['opportunity_id']}/withdraw",
                                 {"reason": "position_cancelled"})
    wait_until(lambda: cw.session.post(cw.base + f"/cases/{enrolment_id}/placements", json={
        **body, "opportunity_id": withdrawn["opportunity_id"]}).json().get("error") ==
        "opportunity_withdrawn", what="placement to see the opportunity withdrawn")
    # another organisation cannot place this org's participant
    placement["caseworker-b"].call("POST", f"/cases/{enrolment_id}/placements", body, expect=404)
    # implausible closures, each named: before the enrolment started, after today, or for an
    # enrolment that never started
    for closure, rule in (({"date": "2020-01-01"}, "dates_out_of_order"),
                          ({"date": "2099-01-01"}, "date_in_future")):
        assert cw.call("POST", f"/cases/{enrolment_id}/close", {"outcome": "education", **closure},
                       expect=409)["error"] == rule
    assert cw.call("POST", f"/cases/{waiting_id}/close",
                   {"outcome": "education", "date": "2026-03-01"}, expect=409)["error"] == \
        "not_started"
    # closing twice
    cw.call("POST", f"/cases/{enrolment_id}/close", {"outcome": "education", "date": "2026-03-01"})
    assert cw.call("POST", f"/cases/{enrolment_id}/close",
                   {"outcome": "education", "date": "2026-03-02"},
                   expect=409)["error"] == "case_closed"
