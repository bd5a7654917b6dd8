"""Coaches and caseloads without servers: who may make coaches and assign them, that another
organisation's people and enrolments are out of reach, what a coach's list shows, and that a
refusal writes nothing."""
import pytest

from pathways.errors import BadRequest, Conflict, Forbidden, NotFoundError
from tests.usecase.harness import World
from tests.usecase.test_intake import referred, run

CW, CO = "caseworker@org-a", "coordinator@org-a"


@pytest.fixture
def world():
    w = World()
    api = w.apis["intake"]
    api("POST", "/coaches", "coordinator", {"coach_id": CW, "specialty": "labour_market"})
    api("POST", "/coaches", "coordinator", {"coach_id": CO, "specialty": "education"})
    return w


def enrolment(api, places=1):
    path, answer = referred(api, run(api, places=places))
    return path, answer


def test_only_a_coordinator_assigns_and_only_coaches_of_the_organisation(world):
    api = world.apis["intake"]
    path, _ = enrolment(api)
    with pytest.raises(Forbidden):
        api("POST", f"{path}/coach", "caseworker", {"coach_id": CW})
    with pytest.raises(BadRequest) as err:
        api("POST", f"{path}/coach", "coordinator", {"coach_id": "someone@org-a"})
    assert list(err.value.errors) == ["coach_id"]
    # A coach of another organisation is no coach here.
    world.apis["intake"]("POST", "/coaches", "coordinator-b",
                         {"coach_id": "caseworker-b@org-b", "specialty": "business"})
    with pytest.raises(BadRequest) as err:
        api("POST", f"{path}/coach", "coordinator", {"coach_id": CW,
                                                     "co_coach_id": "caseworker-b@org-b"})
    assert list(err.value.errors) == ["co_coach_id"]
    with pytest.raises(BadRequest) as err:
        api("POST", f"{path}/coach", "coordinator", {"coach_id": CW, "co_coach_id": CW})
    assert list(err.value.errors) == ["co_coach_id"]
    # Another organisation's coordinator does not find the enrolment at all.
    with pytest.raises(NotFoundError):
        api("POST", f"{path}/coach", "coordinator-b", {"coach_id": "caseworker-b@org-b"})
    assert not world.events("intake", "CoachAssigned")
    assigned = api("POST", f"{path}/coach", "coordinator", {"coach_id": CW})
    assert (assigned["coach_id"], assigned["co_coach_id"]) == (CW, None)


def test_coaches_are_people_of_the_organisation_with_one_of_its_specialties(world):
    api = world.apis["intake"]
    with pytest.raises(Forbidden):
        api("POST", "/coaches", "caseworker", {"coach_id": CW, "specialty": "business"})
    with pytest.raises(BadRequest) as err:
        api("POST", "/coaches", "coordinator", {"coach_id": "caseworker-b@org-b",
                                                "specialty": "wizardry"})
    assert set(err.value.errors) == {"coach_id", "specialty"}
    with pytest.raises(Conflict) as err:
        api("POST", "/coaches", "coordinator", {"coach_id": CW, "specialty": "business"})
    assert err.value.rule == "coach_exists"
    assert len(world.events("intake", "CoachRegistered")) == 2


def test_a_coach_and_a_co_coach_both_find_the_enrolment_in_their_caseload(world):
    api = world.apis["intake"]
    path, _ = enrolment(api)
    api("POST", f"{path}/coach", "coordinator", {"coach_id": CW, "co_coach_id": CO})
    mine = api("GET", "/caseload", "caseworker", on="2026-01-12")
    (row,) = mine["enrolments"]
    assert (row["role"], row["state"], row["since"], row["days_in_state"]) == \
        ("coach", "place_allocated", "2026-01-02", 10)
    (row,) = api("GET", "/caseload", "coordinator")["enrolments"]
    assert row["role"] == "co_coach"
    # A caseworker sees only their own list; a coordinator anyone's in the organisation.
    with pytest.raises(Forbidden):
        api("GET", "/caseload", "caseworker", coach=CO)
    assert api("GET", "/caseload", "coordinator", coach=CW)["enrolments"][0]["role"] == "coach"
    assert api("GET", "/caseload", "coordinator-b", coach=CW)["enrolments"] == []


def test_reassignment_keeps_the_history_and_moves_the_enrolment_between_lists(world):
    api = world.apis["intake"]
    path, _ = enrolment(api, places=2)
    unassigned, _ = enrolment(api, places=2)
    api("POST", f"{path}/coach", "coordinator", {"coach_id": CW})
    api("POST", f"{path}/coach", "coordinator", {"coach_id": CW})       # the same: nothing new
    api("POST", f"{path}/coach", "coordinator", {"coach_id": CO})
    history = [e["payload"] for e in world.events("intake", "CoachAssigned")]
    assert [(h["coach_id"], h["previous_coach_id"]) for h in history] == [(CW, None), (CO, CW)]
    assert api("GET", "/caseload", "caseworker")["enrolments"] == []
    load = api("GET", "/coaches", "coordinator")
    by_coach = {c["coach_id"]: c for c in load["coaches"]}
    assert (by_coach[CO]["enrolments"], by_coach[CO]["waiting"], by_coach[CW]["enrolments"]) \
        == (1, 1, 0)
    assert load["unassigned"] == 1
    rows = api("GET", "/caseload", "coordinator", coach="unassigned")["enrolments"]
    assert [r["enrolment_id"] for r in rows] == [unassigned.rsplit("/", 1)[1]]


def test_a_closed_enrolment_is_not_reassigned_and_nothing_is_written(world):
    api = world.apis["intake"]
    path, _ = enrolment(api)
    api("POST", f"{path}/coach", "coordinator", {"coach_id": CW})
    api("POST", f"{path}/reject", "caseworker", {"reason": "moved"})
    before = len(world.events("intake"))
    with pytest.raises(Conflict) as err:
        api("POST", f"{path}/coach", "coordinator", {"coach_id": CO})
    assert err.value.rule == "enrolment_closed"
    assert len(world.events("intake")) == before
    assert api("GET", "/caseload", "caseworker")["enrolments"] == []
    (row,) = api("GET", "/caseload", "caseworker", include_closed="true")["enrolments"]
    assert (row["state"], row["active"]) == ("not_relevant", False)


@pytest.mark.parametrize("query,field", [({"on": "20226-01-01"}, "on"),
                                         ({"include_closed": "yes"}, "include_closed"),
                                         ({"limit": "0"}, "limit"), ({"coach": ""}, "coach")])
def test_bad_caseload_queries_name_the_field(world, query, field):
    with pytest.raises(BadRequest) as err:
        world.apis["intake"]("GET", "/caseload", "coordinator", **query)
    assert field in err.value.errors


def test_a_waitlisted_enrolment_keeps_its_place_in_line_when_it_gets_a_coach(world):
    api = world.apis["intake"]
    run_id = run(api, places=1)
    referred(api, run_id)
    waiting, answer = referred(api, run_id)
    assert answer["queue_position"] == 1
    api("POST", f"{waiting}/coach", "coordinator", {"coach_id": CW})
    assert api("GET", waiting, "caseworker")["queue_position"] == 1


def test_a_waitlisted_enrolment_keeps_its_place_when_its_referral_date_is_corrected(world):
    api = world.apis["intake"]
    run_id = run(api, places=1)
    referred(api, run_id)
    waiting, _ = referred(api, run_id)
    api("POST", f"{waiting}/correct", "caseworker", {"referred_on": "2026-01-01"})
    assert api("GET", waiting, "caseworker")["queue_position"] == 1
