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


def test_an_opening_shared_with_some_organisations_or_a_region_is_theirs_to_see_only(world):
    api = world.apis["employer"]
    employer_id = api("POST", "/employers", "coordinator", FIRM)["employer_id"]
    opening = posted(api, employer_id)["opportunity_id"]
    share = f"/opportunities/{opening}/share"
    shared = api("POST", share, "coordinator", {"orgs": ["org-b", "org-c"]})
    assert (shared["shared"], shared["shared_with"]) == (True, ["org-b", "org-c"])

    def sees(who):
        ids = [o["opportunity_id"] for o in api("GET", "/opportunities", who)["opportunities"]]
        try:
            api("GET", f"/opportunities/{opening}", who)
            one = True
        except NotFoundError:
            one = False
        assert one == (opening in ids), who
        return one
    assert [sees(w) for w in ("caseworker-b", "caseworker-c", "caseworker-d")] == \
        [True, True, False]
    # a region: the organisations serving it (SERVICE_AREAS), resolved into the event
    by_region = api("POST", share, "coordinator", {"municipalities": ["4203", "0301"]})
    assert (by_region["shared_with"], by_region["municipalities"]) == \
        (["org-c", "org-d"], ["0301", "4203"])
    assert [sees(w) for w in ("caseworker-b", "caseworker-c", "caseworker-d")] == \
        [False, True, True]
    api("POST", f"/opportunities/{opening}/unshare", "coordinator", {})
    assert [sees(w) for w in ("caseworker-b", "caseworker-c", "caseworker-d")] == \
        [False, False, False]
    assert sees("caseworker")                                    # its own, always
    api("POST", share, "coordinator", {})                          # every partner
    assert all(sees(w) for w in ("caseworker-b", "caseworker-c", "caseworker-d"))
    shares = world.events("employer", "OpportunityShared")
    assert [e["payload"]["orgs"] for e in shares] == [["org-b", "org-c"], ["org-c", "org-d"], None]
    assert len(world.events("employer", "OpportunityUnshared")) == 1


def test_a_share_with_unknown_organisations_or_an_unserved_region_is_a_400(world):
    api = world.apis["employer"]
    employer_id = api("POST", "/employers", "coordinator", FIRM)["employer_id"]
    share = f"/opportunities/{posted(api, employer_id)['opportunity_id']}/share"
    for body, field in (({"orgs": ["org-x"]}, "orgs"), ({"municipalities": ["9999"]},
                                                       "municipalities"),
                        ({"municipalities": ["oslo"]}, "municipalities"),
                        ({"orgs": ["org-b"], "municipalities": ["4201"]}, "municipalities")):
        with pytest.raises(BadRequest) as bad:
            api("POST", share, "coordinator", body)
        assert list(bad.value.errors) == [field], body
    assert world.events("employer", "OpportunityShared") == []


def test_placement_takes_a_place_only_in_an_opening_shared_with_its_organisation(world):
    api = world.apis["employer"]
    employer_id = api("POST", "/employers", "coordinator", FIRM)["employer_id"]
    opening = posted(api, employer_id)["opportunity_id"]
    api("POST", f"/opportunities/{opening}/share", "coordinator", {"orgs": ["org-c"]})
    world.deliver()
    placement = world.placements
    assert placement.local.opportunity("org-c", opening) is not None
    assert placement.local.opportunity("org-b", opening) is None
    api("POST", f"/opportunities/{opening}/unshare", "coordinator", {})
    world.deliver()
    assert placement.local.opportunity("org-c", opening) is None


def test_a_company_client_has_a_case_of_its_own_in_one_organisation(world):
    api = world.apis["employer"]
    employer_id = api("POST", "/employers", "coordinator", FIRM)["employer_id"]
    client = f"/employers/{employer_id}/client"
    with pytest.raises(Conflict) as none:
        api("POST", f"{client}/recruitments", "caseworker", {"count": 1})
    assert none.value.rule == "no_client_case"
    with pytest.raises(BadRequest) as bad:
        api("POST", client, "caseworker", {"needs": ["money"], "skills": ["juggling"]})
    assert set(bad.value.errors) == {"needs", "skills"}
    opened = api("POST", client, "caseworker", {"needs": ["recruitment"], "skills": [
        "cnc_machining", "welding"], "date": "2026-02-02"})
    assert (opened["coach_id"], opened["opened_on"]) == ("caseworker@org-a", "2026-02-02")
    with pytest.raises(Conflict):
        api("POST", client, "caseworker", {})                     # open already
    api("POST", f"{client}/recruitments", "caseworker", {
        "count": 2, "skills": ["cnc_machining"], "programme": "trade_certificate",
        "date": "2026-05-01"})
    api("POST", f"{client}/needs", "caseworker", {"needs": ["recruitment", "retention"],
                                                  "skills": ["welding"]})
    case = api("GET", client, "caseworker")
    assert (case["recruited"], case["needs"], case["skills"]) == (
        2, ["recruitment", "retention"], ["welding"])
    # another organisation: no case of its own, and cannot see or change this one
    with pytest.raises(NotFoundError):
        api("GET", client, "caseworker-b")
    with pytest.raises(Conflict):
        api("POST", f"{client}/recruitments", "caseworker-b", {"count": 1})
    closed = api("POST", f"{client}/close", "caseworker", {"reason": "needs_met"})
    assert closed["closed_on"] is not None
    assert [e["type"] for e in world.events("employer") if e["type"].startswith(
        ("Client", "Company"))] == ["CompanyClientOpened", "ClientRecruitmentMade",
                                    "ClientNeedsRecorded", "ClientCaseClosed"]
