"""One way in, without servers: a person arrives, a coach assesses (needs, goal, the kind of coach
it calls for), and the arrival is routed to a run of the organisation and a coach of that kind,
or closed with a reason. A routing repeated after a failure finds what the first one made."""
import pytest

from pathways.errors import BadRequest, Conflict, NotFoundError
from tests.usecase.test_caseload import CO, CW, world  # noqa: F401  (the fixture: two coaches)
from tests.usecase.test_intake import person, run


def arrived(api, route="nav", who="caseworker"):
    pid = api("POST", "/participants", who, person())["participant_id"]
    return api("POST", "/arrivals", who, {"participant_id": pid, "route": route,
                                          "date": "2026-03-02"})


def assessed(api, specialty="labour_market"):
    a = arrived(api)
    return api("POST", f"/arrivals/{a['arrival_id']}/assess", "caseworker", {
        "needs_group": "situational", "goal": "work", "specialty": specialty,
        "date": "2026-03-03"})


def test_an_arrival_is_assessed_and_routed_to_a_run_and_a_coach_of_its_kind(world):
    api = world.apis["intake"]
    run_id = run(api, places=5)
    a = assessed(api)
    where = f"/arrivals/{a['arrival_id']}/route"
    with pytest.raises(BadRequest) as err:       # an education coach for a labour-market need
        api("POST", where, "caseworker", {"run_id": run_id, "coach_id": CO})
    assert "education coach" in err.value.errors["coach_id"][0]
    routed = api("POST", where, "caseworker", {"run_id": run_id, "coach_id": CW,
                                               "date": "2026-03-04"})
    assert (routed["state"], routed["coach_id"], routed["closed_on"]) == \
        ("routed", CW, "2026-03-04")
    e = api("GET", f"/runs/{run_id}/enrolments/{routed['enrolment_id']}", "caseworker")
    assert (e["participant_id"], e["coach_id"], e["referred_on"]) == \
        (a["participant_id"], CW, "2026-03-04")
    with pytest.raises(Conflict) as err:
        api("POST", where, "caseworker", {"run_id": run_id, "coach_id": CW})
    assert err.value.rule == "arrival_done"
    assert [r["state"] for r in api("GET", "/arrivals", "caseworker")["arrivals"]] == ["routed"]


def test_routing_to_a_run_of_another_organisation_is_refused_and_writes_nothing(world):
    api = world.apis["intake"]
    other_run = run(api, who="coordinator-b")
    a = assessed(api)
    before = len(world.events("intake"))
    with pytest.raises(NotFoundError):
        api("POST", f"/arrivals/{a['arrival_id']}/route", "caseworker",
            {"run_id": other_run, "coach_id": CW})
    assert len(world.events("intake")) == before
    with pytest.raises(NotFoundError):             # nor does org B see org A's arrival
        api("GET", f"/arrivals/{a['arrival_id']}", "caseworker-b")


def test_a_routing_retried_after_a_failure_finds_the_enrolment_it_made(world):
    api, store = world.apis["intake"], world.stores["intake"]
    run_id = run(api, places=5)
    a = assessed(api)
    real_append, calls = store.append, []

    def third_append_fails(stream_id, *args, **kwargs):
        calls.append(stream_id)
        if stream_id.startswith("arrival-") and len(calls) == 3:
            raise ConnectionError("the log went away")
        return real_append(stream_id, *args, **kwargs)
    store.append = third_append_fails
    with pytest.raises(ConnectionError):
        api("POST", f"/arrivals/{a['arrival_id']}/route", "caseworker",
            {"run_id": run_id, "coach_id": CW})
    store.append = real_append
    routed = api("POST", f"/arrivals/{a['arrival_id']}/route", "caseworker",
                 {"run_id": run_id, "coach_id": CW})
    assert routed["state"] == "routed"
    referred = world.events("intake", "ParticipantReferred")
    assert [r["payload"]["enrolment_id"] for r in referred] == [routed["enrolment_id"]]
    assert len(world.events("intake", "CoachAssigned")) == 1


def test_an_arrival_is_closed_with_a_reason_and_bad_steps_name_their_fields(world):
    api = world.apis["intake"]
    a = arrived(api, route="self_referred")
    where = f"/arrivals/{a['arrival_id']}"
    with pytest.raises(Conflict) as err:
        api("POST", f"{where}/route", "caseworker", {"run_id": run(api), "coach_id": CW})
    assert err.value.rule == "not_assessed"
    with pytest.raises(BadRequest) as err:
        api("POST", f"{where}/assess", "caseworker", {"needs_group": "standard",
                                                      "goal": "work", "specialty": "magic"})
    assert list(err.value.errors) == ["specialty"]
    with pytest.raises(BadRequest) as err:
        api("POST", f"{where}/close", "caseworker", {"reason": "bored"})
    assert list(err.value.errors) == ["reason"]
    with pytest.raises(Conflict) as err:
        api("POST", f"{where}/close", "caseworker", {"reason": "moved", "date": "2099-01-01"})
    assert err.value.rule == "date_in_future"
    closed = api("POST", f"{where}/close", "caseworker", {"reason": "referred_elsewhere"})
    assert (closed["state"], closed["reason"]) == ("closed", "referred_elsewhere")
    with pytest.raises(NotFoundError):
        api("POST", "/arrivals", "caseworker", {"participant_id": "nobody", "route": "nav"})
