"""Coaches and caseloads through HTTP on the real servers: a coordinator makes coaches and assigns
an enrolment, each coach finds it in their own list (checked against the OpenAPI document), a
refusal writes nothing, and the caseload view rebuilt from the log equals the live one."""
from pathways.eventstore import EventStore
from services.intake.views import CaseloadView
from tests.e2e.flow import PERSON, _firm, enrolled_participant
from tests.e2e.test_reporting import caught_up, without_build
from tests.support import wait_until

CW, CO = "cw-anne", "co-ola"   # the ids of org A's caseworker and coordinator tokens (conftest)


def test_assignment_reaches_both_caseloads_and_the_view_rebuilds_equal(platform, dbs, database):
    apps = platform("intake")
    intake = apps["intake"]
    co, cw = intake["coordinator"], intake["caseworker"]
    co.call("POST", "/coaches", {"coach_id": CW, "specialty": "labour_market"}, expect=201)
    co.call("POST", "/coaches", {"coach_id": CO, "specialty": "business"}, expect=201)
    refused = co.call("POST", "/coaches", {"coach_id": "cw-bo", "specialty": "astrology"},
                      expect=400)   # org B's caseworker, and no such specialty
    assert set(refused["errors"]) == {"coach_id", "specialty"}
    run_id, enrolment = enrolled_participant(intake, places=2)
    path = f"/runs/{run_id}/enrolments/{enrolment}/coach"
    assert cw.call("POST", path, {"coach_id": CW}, expect=403)["error"] == "forbidden"
    unknown = co.call("POST", path, {"coach_id": "cw-bo"}, expect=400)
    assert list(unknown["errors"]) == ["coach_id"]
    intake["coordinator-b"].call("POST", "/coaches", {"coach_id": "cw-bo",
                                                      "specialty": "education"}, expect=201)
    intake["coordinator-b"].call("POST", path, {"coach_id": "cw-bo"}, expect=404)
    assigned = co.call("POST", path, {"coach_id": CW, "co_coach_id": CO})
    assert (assigned["coach_id"], assigned["co_coach_id"]) == (CW, CO)

    (mine,) = cw.call("GET", "/caseload?on=2026-01-15")["enrolments"]
    assert (mine["enrolment_id"], mine["role"], mine["state"], mine["days_in_state"]) == \
        (enrolment, "coach", "participating", 10)
    (theirs,) = co.call("GET", "/caseload")["enrolments"]
    assert theirs["role"] == "co_coach"
    cw.call("GET", f"/caseload?coach={CO}", expect=403)
    load = {c["coach_id"]: c for c in co.call("GET", "/coaches")["coaches"]}
    assert (load[CW]["enrolments"], load[CW]["participating"], load[CO]["co_coached"]) == (1, 1, 1)
    assert len([e for e in EventStore(dbs["intake"], "intake").events_after(0, 1000)
                if e["type"] == "CoachAssigned"]) == 1

    live = {d["_id"]: {k: v for k, v in d.items() if not k.startswith("_")}
            for d in dbs["intake"]["caseload_view"].find({})}
    again = CaseloadView(database("rebuilt"), EventStore(dbs["intake"], "intake"))
    again.refresh()
    rebuilt = {d["_id"]: {k: v for k, v in d.items() if not k.startswith("_")}
               for d in again.coll.find({})}
    assert live and rebuilt == live


def test_a_limited_stay_is_extended_by_proposal_and_decision_over_http(platform):
    intake = platform("intake")["intake"]
    co, cw = intake["coordinator"], intake["caseworker"]
    run_id = co.call("POST", "/runs", {"programme": "office_places", "name": "Kontor",
                                       "places": 15}, expect=201)["run_id"]
    co.call("PUT", f"/runs/{run_id}/stay-limit", {"days": 92, "with_extensions_days": 120})
    cw.call("PUT", f"/runs/{run_id}/stay-limit", {"days": 10}, expect=403)
    run_id, enrolment = enrolled_participant(intake, run_id=run_id)
    path = f"/runs/{run_id}/enrolments/{enrolment}"
    assert cw.call("GET", path)["planned_end"] == "2026-04-07"
    past = cw.call("POST", f"{path}/extend", {"planned_end": "2026-06-01", "reason": "health",
                                              "date": "2026-03-20"}, expect=400)
    assert list(past["errors"]) == ["planned_end"]
    cw.call("POST", f"{path}/extend", {"planned_end": "2026-05-04", "reason": "job_in_sight",
                                       "date": "2026-03-20"})
    co.call("POST", "/coaches", {"coach_id": CW, "specialty": "labour_market"}, expect=201)
    co.call("POST", f"{path}/coach", {"coach_id": CW})
    (row,) = cw.call("GET", "/caseload")["enrolments"]
    assert (row["planned_end"], row["extension_pending"]) == ("2026-04-07", True)
    cw.call("POST", f"{path}/decide-extension", {"granted": True}, expect=403)
    assert co.call("POST", f"{path}/decide-extension", {"granted": True})["planned_end"] == \
        "2026-05-04"
    (row,) = cw.call("GET", "/caseload")["enrolments"]
    assert (row["planned_end"], row["extension_pending"]) == ("2026-05-04", False)


def test_one_way_in_to_a_due_follow_up_that_goes_with_a_contact(platform, dbs):
    """Triage, enrolment, assignment, contacts and what is due, in business dates past; then the
    coaches' work in reporting, and the same figures after a rebuild."""
    apps = platform("intake", "employer", "placement", "reporting")
    intake = apps["intake"]
    co, cw = intake["coordinator"], intake["caseworker"]
    co.call("POST", "/coaches", {"coach_id": CW, "specialty": "labour_market"}, expect=201)
    run_id = co.call("POST", "/runs", {"programme": "aft", "name": "AFT", "places": 5},
                     expect=201)["run_id"]
    pid = cw.call("POST", "/participants", PERSON, expect=201)["participant_id"]
    arrival = cw.call("POST", "/arrivals", {"participant_id": pid, "route": "nav",
                                            "date": "2026-01-02"}, expect=201)["arrival_id"]
    cw.call("POST", f"/arrivals/{arrival}/assess", {"needs_group": "situational",
                                                    "goal": "work", "specialty": "labour_market",
                                                    "date": "2026-01-02"})
    routed = cw.call("POST", f"/arrivals/{arrival}/route", {"run_id": run_id, "coach_id": CW,
                                                            "date": "2026-01-02"})
    path = f"/runs/{run_id}/enrolments/{routed['enrolment_id']}"
    cw.call("POST", f"{path}/consent", {"given_by": "participant", "date": "2026-01-02"})
    cw.call("POST", f"{path}/apply", {"date": "2026-01-02"})
    cw.call("POST", f"{path}/start", {"start_date": "2026-01-05", "percent": 100,
                                      "days_per_week": 5})
    assert cw.call("GET", "/due?on=2026-01-18")["items"] == []
    (item,) = cw.call("GET", "/due?on=2026-01-19")["items"]
    assert (item["what"], item["enrolment_id"], item["due_on"]) == \
        ("follow_up", routed["enrolment_id"], "2026-01-19")
    cw.call("POST", f"{path}/contact", {"kind": "visit", "place": "outside",
                                        "date": "2026-01-19"})
    assert cw.call("GET", "/due?on=2026-01-19")["items"] == []
    assert co.call("GET", "/due?on=2026-02-02")["items"][0]["due_on"] == "2026-02-02"
    export = co.session.get(co.base + "/due/export?on=2026-02-02")
    assert export.headers["Content-Type"].startswith("text/csv")
    header, row = export.text.splitlines()
    assert header.startswith("on,what,due_on,days_overdue,months,enrolment_id")
    assert row.startswith(f"2026-02-02,follow_up,2026-02-02,0,,{routed['enrolment_id']}")
    assert cw.session.get(cw.base + f"/due/export?coach={CO}").status_code == 403
    other = intake["coordinator-b"]     # from the other side: the header only
    assert other.session.get(other.base + "/due/export?on=2026-02-02").text.splitlines() == \
        [header]
    assert cw.call("GET", "/arrivals?state=routed")["arrivals"][0]["arrival_id"] == arrival

    # the coaches' work, counted by reporting from the feeds
    firm = _firm(apps["employer"]["coordinator"])
    apps["employer"]["caseworker"].call(
        "POST", f"/employers/{firm['employer_id']}/contacts",
        {"kind": "recruited", "channel": "visit", "place": "outside", "date": "2026-01-20"},
        expect=201)
    reporting = apps["reporting"]
    wait_until(lambda: caught_up(dbs, reporting), what="reporting to catch up")
    work = reporting["coordinator"].call("GET", "/reports/casework")
    assert work["arrivals"]["per_route"] == [
        {"route": "nav", "arrived": 1, "routed": 1, "closed": 0, "open": 0}]
    assert work["arrivals"]["days_to_first_programme"]["median"] == 3
    assert work["contacts"]["per_coach_week"] == [
        {"coach_id": CW, "week": "2026-W04", "participants": 1, "employers": 1}]
    assert (work["contacts"]["outside_office"]["rate"], work["contacts"]["employers_recruited"]) \
        == (1.0, 1)
    csv = reporting["coordinator"].session.get(
        reporting["coordinator"].base + "/reports/casework?format=csv&table=per_route")
    assert csv.text.splitlines() == ["route,arrived,routed,closed,open", "nav,1,1,0,0"]
    other = reporting["coordinator-b"].call("GET", "/reports/casework")   # from the other side
    assert (other["arrivals"]["arrived"], other["contacts"]["contacts"]) == (0, 0)
    reporting["admin"].call("POST", "/rebuild", expect=202)
    wait_until(lambda: reporting["admin"].call("GET", "/rebuild").get("state") == "done",
               what="the rebuild")
    assert without_build(reporting["coordinator"].call("GET", "/reports/casework")) == \
        without_build(work)
