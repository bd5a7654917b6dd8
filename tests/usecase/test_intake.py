"""Intake's use cases without servers: roles, organisation scoping, capacity, the vault's undo,
and the reaction to a case closed in placement."""
import random
from datetime import date

import pytest

from ops.seed import valid_fnr
from pathways.errors import BadRequest, Conflict, Forbidden, Gone, NotFoundError
from tests.usecase.harness import World

RNG = random.Random(14)
PERSON = {"country": "NO", "given_name": "Kari", "family_name": "Nordmann",
          "municipality": "0301", "needs_group": "situational"}


@pytest.fixture
def world():
    return World()


def person(**over):
    return {**PERSON, "national_id": valid_fnr(RNG, date(1980, 5, 17)), **over}


def run(api, places=1, who="coordinator"):
    return api("POST", "/runs", who, {"programme": "aft", "name": "AFT Øst",
                                      "places": places})["run_id"]


def referred(api, run_id, who="caseworker"):
    pid = api("POST", "/participants", who, person())["participant_id"]
    e = api("POST", f"/runs/{run_id}/enrolments", who, {"participant_id": pid,
                                                        "date": "2026-01-02"})
    path = f"/runs/{run_id}/enrolments/{e['enrolment_id']}"
    api("POST", f"{path}/consent", who, {"given_by": "participant"})
    return path, api("POST", f"{path}/apply", who, {})


def test_roles_are_checked_before_anything_is_read_or_written(world):
    api = world.apis["intake"]
    with pytest.raises(Forbidden):
        api("POST", "/runs", "caseworker", {"programme": "aft", "name": "A", "places": 1})
    run_id = run(api)
    with pytest.raises(Forbidden):
        api("POST", "/participants", "auditor", person())
    with pytest.raises(Forbidden):
        api("POST", f"/runs/{run_id}/enrolments/x/void", "auditor", {})
    with pytest.raises(BadRequest) as err:
        api("POST", "/runs", "coordinator", {"programme": "aft", "name": "A", "places": 0})
    assert "places" in err.value.errors
    assert [e["type"] for e in world.events("intake")] == ["ProgrammeRunCreated"]


def test_another_organisation_sees_none_of_it_and_its_reads_are_recorded(world):
    api = world.apis["intake"]
    run_id = run(api)
    path, _ = referred(api, run_id)
    participant_id = api("GET", path, "caseworker")["participant_id"]
    for method, where, body in (("GET", f"/runs/{run_id}", None), ("GET", path, None),
                                ("POST", f"{path}/share", {}),
                                ("POST", f"/runs/{run_id}/enrolments",
                                 {"participant_id": participant_id})):
        with pytest.raises(NotFoundError):
            api(method, where, "caseworker-b", body)
    with pytest.raises(NotFoundError):
        api("GET", f"/participants/{participant_id}", "caseworker-b", purpose="follow-up")
    assert api("GET", "/runs", "coordinator-b") == {"runs": [], "next_offset": None}
    assert [r["run_id"] for r in api("GET", "/runs", "coordinator")["runs"]] == [run_id]
    refused = world.dbs["intake"]["access_log"].find_one({"org": "org-b"})
    assert refused["refused"] == "NotFoundError" and refused["whose"] == participant_id
    assert api("GET", f"/participants/{participant_id}", "caseworker",
               purpose="follow-up")["given_name"] == "Kari"


def test_a_freed_place_goes_to_the_first_on_the_waiting_list(world):
    api = world.apis["intake"]
    run_id = run(api, places=1)
    first, allocated = referred(api, run_id)
    second, waiting = referred(api, run_id)
    assert (allocated["state"], waiting["state"]) == ("place_allocated", "waitlisted")
    with pytest.raises(Conflict) as err:
        api("POST", f"{second}/allocate", "caseworker", {})
    assert err.value.rule == "no_free_place"
    api("POST", f"{first}/reject", "caseworker", {"reason": "moved"})
    assert api("GET", second, "caseworker")["state"] == "place_allocated"


def test_no_personal_data_stays_in_the_vault_without_its_event(world):
    api, store = world.apis["intake"], world.stores["intake"]
    body = person()
    real_append = store.append

    def failing(*args, **kwargs):
        raise ConnectionError("the log is unreachable")
    store.append = failing
    with pytest.raises(ConnectionError):
        api("POST", "/participants", "caseworker", body)
    assert world.dbs["intake"]["vault"].count_documents({}) == 0
    assert world.dbs["intake"]["vault_national_ids"].count_documents({}) == 0
    store.append = real_append
    pid = api("POST", "/participants", "caseworker", body)["participant_id"]   # not a duplicate
    with pytest.raises(Conflict) as err:
        api("POST", "/participants", "caseworker", body)
    assert err.value.rule == "already_registered" and err.value.extra["participant_id"] == pid


def test_erasure_shreds_the_data_and_keeps_the_history(world):
    api = world.apis["intake"]
    pid = api("POST", "/participants", "caseworker", person())["participant_id"]
    with pytest.raises(Forbidden):
        api("POST", f"/participants/{pid}/erase", "caseworker")
    api("POST", f"/participants/{pid}/erase", "coordinator")
    with pytest.raises(Gone):
        api("GET", f"/participants/{pid}", "caseworker", purpose="follow-up")
    assert [e["type"] for e in world.events("intake")] == ["ParticipantRegistered",
                                                           "ParticipantDataErased"]
    assert world.stores["intake"].verify().ok
