"""Placement with intake and employer, without servers: facts from the other services' events,
organisation scoping, and the reactions across services (a closed case ends the enrolment; an
ended enrolment ends the placements), each applied once."""
import pytest

from pathways.errors import Forbidden, NotFoundError
from tests.usecase.harness import World
from tests.usecase.test_intake import referred, run

FIRM = {"country": "NO", "org_number": "988077917", "name": "Fjord Verksted AS",
        "sector": "manufacturing", "municipality": "4601"}


@pytest.fixture
def world():
    return World()


def participating(world):
    intake = world.apis["intake"]
    path, _ = referred(intake, run(intake, places=2))
    intake("POST", f"{path}/start", "caseworker", {"start_date": "2026-01-05", "percent": 100,
                                                   "days_per_week": 5})
    return path, path.rsplit("/", 1)[1]


def placed(world, enrolment_id, who="caseworker", opportunity_id=None):
    employer_id = f"NO-{FIRM['org_number']}"
    if not world.events("employer", "EmployerRegistered"):
        world.apis["employer"]("POST", "/employers", "coordinator", FIRM)
    p = world.apis["placement"]("POST", f"/cases/{enrolment_id}/placements", who, {
        "employer_id": employer_id, "kind": "ordinary_job", "hours_per_week": 37.5,
        "start_date": "2026-02-02", "opportunity_id": opportunity_id})
    path = f"/cases/{enrolment_id}/placements/{p['placement_id']}"
    for party in ("participant", "employer", "caseworker"):
        world.apis["placement"]("POST", f"{path}/approve", who, {"party": party})
    world.apis["placement"]("POST", f"{path}/start", who, {"start_date": "2026-02-02"})
    return path


def test_a_closed_case_ends_its_enrolment_in_intake_once(world):
    enrolment_path, enrolment_id = participating(world)
    placed(world, enrolment_id)
    world.apis["placement"]("POST", f"/cases/{enrolment_id}/close", "caseworker",
                            {"outcome": "employed_ordinary", "date": "2026-03-31"})
    world.deliver()
    world.delivered["placement"] = 0
    world.deliver()   # the same events again, as after a redelivery
    ended = world.events("intake", "EnrolmentEnded")
    assert len(ended) == 1 and ended[0]["payload"]["reason"] == "got_job"
    assert world.apis["intake"]("GET", enrolment_path, "caseworker")["state"] == "completed"


def test_an_enrolment_ended_in_intake_shortens_the_ongoing_placement(world):
    enrolment_path, enrolment_id = participating(world)
    placement_path = placed(world, enrolment_id)
    world.apis["intake"]("POST", f"{enrolment_path}/end", "caseworker", {
        "status": "left", "reason": "sick", "end_date": "2026-03-02"})
    world.deliver()
    placement = world.apis["placement"]("GET", placement_path, "caseworker")
    assert (placement["state"], placement["end_status"]) == ("ended", "shortened"), placement
    assert len(world.events("placement", "PlacementEnded")) == 1


def test_placement_refuses_what_intake_does_not_know_and_hides_other_organisations_cases(world):
    with pytest.raises(NotFoundError):
        world.apis["placement"]("POST", "/cases/nobody/placements", "caseworker", {
            "employer_id": "NO-988077917", "kind": "work_trial", "hours_per_week": 10,
            "start_date": "2026-02-02"})
    _, enrolment_id = participating(world)
    placement_path = placed(world, enrolment_id)
    with pytest.raises(NotFoundError):
        world.apis["placement"]("GET", placement_path, "caseworker-b")
    with pytest.raises(NotFoundError):
        world.apis["placement"]("POST", f"/cases/{enrolment_id}/close", "caseworker-b",
                                {"outcome": "unknown", "date": "2026-03-31"})
    with pytest.raises(Forbidden):
        world.apis["placement"]("POST", f"/cases/{enrolment_id}/close", "auditor",
                                {"outcome": "unknown", "date": "2026-03-31"})
    assert world.apis["placement"]("GET", "/cases", "coordinator-b")["cases"] == []
