"""The coaches' work counted from hand-made events (no servers): one way in, contacts, stays."""
from services.reporting.casework import casework
from services.reporting.kpis import as_effective_on
from services.reporting.projection import MemoryRows
from tests.unit.reporting.test_kpis import enrolment, ev

CW = {"type": "caseworker", "id": "cw-anne"}


def arrival(rows, aid, route, on, specialty=None, routed=None, closed=None, enrolment_id=None):
    ref = {"arrival_id": aid, "participant_id": f"p-{aid}"}
    rows.apply(ev("intake", "PersonArrived", {**ref, "route": route}, on))
    if specialty:
        rows.apply(ev("intake", "ArrivalAssessed", {**ref, "needs_group": "situational",
                                                    "goal": "work", "specialty": specialty}, on))
    if routed:
        rows.apply(ev("intake", "ArrivalRouted", {**ref, "run_id": "r1", "coach_id": "cw-anne",
                                                  "enrolment_id": enrolment_id}, routed))
    if closed:
        rows.apply(ev("intake", "ArrivalClosed", {**ref, "reason": "moved"}, closed))


def contact(rows, on, by="cw-anne", place="outside", employer=None, purpose="follow_up",
            org="org-a"):
    if employer:
        e = ev("employer", "EmployerContactRecorded", {
            "employer_id": employer, "contact_id": f"c-{on}-{by}", "kind": purpose,
            "channel": "visit", "place": place, "outcome": "held"}, on, org)
    else:
        e = ev("intake", "ContactRecorded", {
            "run_id": "r1", "enrolment_id": "a", "participant_id": "p-a", "kind": "visit",
            "place": place, "outcome": "held"}, on, org)
    rows.apply({**e, "event_id": f"{on}-{by}-{employer}-{place}",
                "actor": {"type": "caseworker", "id": by}})


def stay(rows, eid, planned, decisions=()):
    ref = {"run_id": "r1", "enrolment_id": eid, "participant_id": f"p-{eid}"}
    rows.apply(ev("intake", "StayPlanned", {**ref, "planned_end": planned}, "2026-01-05"))
    for on, granted, new_end in decisions:
        rows.apply(ev("intake", "ExtensionProposed", {
            **ref, "proposal_id": f"x-{on}", "planned_end": new_end, "reason": "job_in_sight"},
            on))
        rows.apply(ev("intake", "ExtensionDecided", {
            **ref, "proposal_id": f"x-{on}", "granted": granted,
            "planned_end": new_end if granted else planned}, on))


def sample():
    rows = MemoryRows()
    enrolment(rows, "a", "2026-01-15", "2026-04-20", "employed")   # routed from arrival 1
    enrolment(rows, "b", "2026-01-05", "2026-04-01", "employed")
    arrival(rows, "1", "nav", "2026-01-05", "labour_market", routed="2026-01-08",
            enrolment_id="a")
    arrival(rows, "2", "nav", "2026-01-06", "labour_market", closed="2026-01-09")
    arrival(rows, "3", "self_referred", "2026-01-07", "education", routed="2026-01-20",
            enrolment_id="z")   # routed, not started yet
    arrival(rows, "4", "employer", "2026-02-01")
    stay(rows, "a", "2026-04-05", [("2026-03-20", True, "2026-05-05")])   # within its extension
    stay(rows, "b", "2026-03-05", [("2026-03-01", False, "2026-04-05")])  # refused: over limit
    contact(rows, "2026-01-12")                                        # week 3
    contact(rows, "2026-01-13", place="office")
    contact(rows, "2026-01-14", employer="NO-1", purpose="recruited")
    contact(rows, "2026-01-20", by="cw-bo", employer="NO-2")           # week 4
    contact(rows, "2026-01-21", org="org-b", by="cw-x")
    return rows.rows


def test_one_way_in_per_route_per_specialty_and_days_to_the_programme():
    a = casework(sample(), {"org": ["org-a"]})["arrivals"]
    assert a["arrived"] == 4
    assert a["per_route"] == [
        {"route": "employer", "arrived": 1, "routed": 0, "closed": 0, "open": 1},
        {"route": "nav", "arrived": 2, "routed": 1, "closed": 1, "open": 0},
        {"route": "self_referred", "arrived": 1, "routed": 1, "closed": 0, "open": 0}]
    assert a["routed_per_specialty"] == [
        {"specialty": "education", "numerator": 1, "denominator": 1, "rate": 1.0},
        {"specialty": "labour_market", "numerator": 1, "denominator": 2, "rate": 0.5}]
    assert a["days_to_first_programme"] == {"n": 1, "median": 10, "p90": 10}


def test_contacts_per_coach_and_week_outside_the_office_and_recruited_employers():
    c = casework(sample(), {"org": ["org-a"]})["contacts"]
    assert c["contacts"] == 4
    assert c["outside_office"] == {"numerator": 3, "denominator": 4, "rate": 0.75}
    assert c["per_coach_week"] == [
        {"coach_id": "cw-anne", "week": "2026-W03", "participants": 2, "employers": 1},
        {"coach_id": "cw-bo", "week": "2026-W04", "participants": 0, "employers": 1}]
    assert (c["employers_recruited"], c["recruited_per_coach"]) == (1, {"cw-anne": 1})
    # an employer contact belongs to no programme: a programme's figures leave it out
    narrowed = casework(sample(), {"org": ["org-a"], "programme": ["aft"]})["contacts"]
    assert narrowed["contacts"] == 2 and narrowed["employers_recruited"] == 0


def test_stays_past_their_planned_end_and_extensions_decided():
    s = casework(sample(), {"org": ["org-a"]})["stays"]
    assert (s["ended_with_limit"], s["over_limit"]) == (2, 1)
    assert s["extensions"] == {"proposed": 2, "granted": 1, "refused": 1}


def test_as_effective_on_a_past_date_the_later_steps_had_not_happened():
    then = casework(as_effective_on(sample(), "2026-01-07"), {"org": ["org-a"]})
    assert then["arrivals"]["arrived"] == 3            # arrival 4 came later
    assert [r["open"] for r in then["arrivals"]["per_route"]] == [2, 1]   # nav, self_referred
    assert then["contacts"]["contacts"] == 0
    assert then["stays"]["extensions"] == {"proposed": 0, "granted": 0, "refused": 0}
    assert casework(sample(), {"org": ["org-b"]})["contacts"]["contacts"] == 1   # the other side


def test_placements_in_openings_posted_by_another_organisation_count_both_ways():
    rows = MemoryRows()
    for oid, org in (("o-a", "org-a"), ("o-b", "org-b")):
        rows.apply(ev("employer", "OpportunityPosted", {
            "opportunity_id": oid, "employer_id": "NO-1", "kind": "small_job", "title": "x",
            "places": 3, "hours_per_week": 7, "requirements": "", "valid_from": "2026-01-01",
            "valid_to": None, "shared": True}, org=org))
    for i, (org, oid) in enumerate((("org-b", "o-a"), ("org-b", "o-a"), ("org-a", "o-a"),
                                    ("org-a", "o-b"))):
        pl = {"placement_id": f"p{i}", "enrolment_id": f"e{i}", "participant_id": f"x{i}",
              "employer_id": "NO-1", "opportunity_id": oid, "kind": "small_job",
              "hours_per_week": 7.0}
        rows.apply(ev("placement", "PlacementProposed", {**pl, "run_id": "r"}, org=org))
        rows.apply(ev("placement", "PlacementStarted", {**pl, "start_date": "2026-02-02"},
                      org=org))
    assert casework(rows.rows, {"org": ["org-a"]})["sharing"] == \
        {"filled_from_others": 1, "filled_by_others": 2}
    assert casework(rows.rows, {"org": ["org-b"]})["sharing"] == \
        {"filled_from_others": 2, "filled_by_others": 1}
    assert casework(rows.rows)["sharing"] == {"filled_from_others": 3, "filled_by_others": 3}
    assert casework(as_effective_on(rows.rows, "2026-02-01"))["sharing"] == \
        {"filled_from_others": 0, "filled_by_others": 0}
