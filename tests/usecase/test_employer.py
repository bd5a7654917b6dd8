"""Employer's use cases without servers: roles, opportunities shared across organisations or
kept to one, and places taken by placements, once each."""
import pytest

from pathways.errors import BadRequest, Conflict, Forbidden, NotFoundError
from tests.usecase.harness import World
from tests.usecase.test_placement import FIRM, participating, placed


@pytest.fixture
def world():
    return World()


def posted(api, employer_id, shared=False, places=1):
    return api("POST", "/opportunities", "coordinator", {
        "employer_id": employer_id, "kind": "small_job", "title": "Kantine", "places": places,
        "hours_per_week": 7, "valid_from": "2026-01-01", "shared": shared})


def test_an_unshared_opportunity_is_its_organisations_and_a_shared_one_everyones(world):
    api = world.apis["employer"]
    with pytest.raises(Forbidden):
        api("POST", "/employers", "auditor", FIRM)
    employer_id = api("POST", "/employers", "coordinator", FIRM)["employer_id"]
    own = posted(api, employer_id)["opportunity_id"]
    with pytest.raises(NotFoundError):
        api("GET", f"/opportunities/{own}", "caseworker-b")
    with pytest.raises(NotFoundError):
        api("POST", f"/opportunities/{own}/share", "coordinator-b", {})
    assert api("GET", "/opportunities", "coordinator-b")["opportunities"] == []
    api("POST", f"/opportunities/{own}/share", "coordinator", {})
    assert api("GET", f"/opportunities/{own}", "caseworker-b")["shared"] is True
    assert [o["opportunity_id"] for o in
            api("GET", "/opportunities", "coordinator-b")["opportunities"]] == [own]
    with pytest.raises(Conflict):
        api("POST", "/employers", "coordinator-b", FIRM)   # one registry entry per org number


def test_a_started_placement_takes_its_place_once_and_fills_the_opportunity(world):
    employer_id = world.apis["employer"]("POST", "/employers", "coordinator", FIRM)["employer_id"]
    opportunity = posted(world.apis["employer"], employer_id, places=1)
    _, enrolment_id = participating(world)
    world.deliver()
    placed(world, enrolment_id, opportunity_id=opportunity["opportunity_id"])
    world.deliver()
    world.delivered["placement"] = 0
    world.deliver()   # redelivered: no second place taken
    taken = world.events("employer", "OpportunityPlaceTaken")
    assert len(taken) == 1
    now = world.apis["employer"]("GET", f"/opportunities/{opportunity['opportunity_id']}",
                                 "caseworker")
    assert (now["status"], now["filled"], now["free"]) == ("filled", 1, 0), now


def test_the_registry_is_found_by_organisation_number_and_a_bad_filter_is_a_400(world):
    api = world.apis["employer"]
    api("POST", "/employers", "coordinator", FIRM)
    api("POST", "/employers", "coordinator-b", {**FIRM, "org_number": "974760673",
                                                "name": "Havn AS"})
    assert len(api("GET", "/employers", "caseworker")["employers"]) == 2
    found = api("GET", "/employers", "caseworker-b", country="NO", org_number="988 077 917")
    assert [e["name"] for e in found["employers"]] == ["Fjord Verksted AS"]
    for bad in ({"org_number": "988077917"}, {"country": "NO", "org_number": "123456789"},
                {"org_nr": "988077917"}):
        with pytest.raises(BadRequest):
            api("GET", "/employers", "caseworker", **bad)


def test_contacts_with_an_employer_are_each_organisations_own_and_recruited_once(world):
    api = world.apis["employer"]
    employer_id = api("POST", "/employers", "coordinator", FIRM)["employer_id"]
    path = f"/employers/{employer_id}/contacts"
    first = api("POST", path, "caseworker", {"kind": "prospecting", "channel": "visit",
                                             "place": "outside", "date": "2026-02-02"})
    assert (first["date"], first["by"], first["outcome"]) == ("2026-02-02", "caseworker@org-a", "held")
    api("POST", path, "caseworker", {"kind": "recruited", "channel": "meeting",
                                     "place": "office", "outcome": "agreement_planned",
                                     "date": "2026-02-09"})
    with pytest.raises(Conflict) as again:
        api("POST", path, "coordinator", {"kind": "recruited", "channel": "call",
                                          "place": "office"})
    assert again.value.rule == "already_recruited"
    # another organisation recruits the same firm for itself, and sees none of org-a's contacts
    assert api("GET", path, "caseworker-b")["contacts"] == []
    api("POST", path, "caseworker-b", {"kind": "recruited", "channel": "call",
                                       "place": "office"})
    mine = api("GET", path, "caseworker")["contacts"]
    assert [(c["date"], c["kind"]) for c in mine] == [("2026-02-09", "recruited"),
                                                      ("2026-02-02", "prospecting")]
    assert len(world.events("employer", "EmployerContactRecorded")) == 3


def test_bad_employer_contacts_are_refused_with_field_errors_and_write_nothing(world):
    api = world.apis["employer"]
    employer_id = api("POST", "/employers", "coordinator", FIRM)["employer_id"]
    path = f"/employers/{employer_id}/contacts"
    with pytest.raises(BadRequest) as bad:
        api("POST", path, "caseworker", {"kind": "lunch", "channel": "visit", "place": "moon",
                                         "note": "free text"})
    assert set(bad.value.errors) == {"kind", "place", "note"}
    with pytest.raises(Conflict) as future:
        api("POST", path, "caseworker", {"kind": "follow_up", "channel": "call",
                                         "place": "office", "date": "2190-01-01"})
    assert future.value.rule == "date_in_future"
    with pytest.raises(NotFoundError):
        api("POST", "/employers/NO-000000000/contacts", "caseworker",
            {"kind": "follow_up", "channel": "call", "place": "office"})
    with pytest.raises(Forbidden):
        api("POST", path, "auditor", {"kind": "follow_up", "channel": "call", "place": "office"})
    assert world.events("employer", "EmployerContactRecorded") == []
