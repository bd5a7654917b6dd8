"""Programme kinds as data, without servers: a milestone is one its kind declares, after the
start, once; anything else names its field or rule and writes nothing."""
import pytest

from pathways.errors import BadRequest, Conflict
from tests.usecase.harness import World
from tests.usecase.test_intake import referred


@pytest.fixture
def world():
    return World()


def cnc_run(api):
    return api("POST", "/runs", "coordinator", {"programme": "trade_certificate",
                                                "name": "CNC Gjøvik", "places": 8})["run_id"]


def test_a_milestone_is_one_its_kind_declares_after_the_start_and_once(world):
    api = world.apis["intake"]
    path, _ = referred(api, cnc_run(api))
    with pytest.raises(Conflict) as early:
        api("POST", f"{path}/milestone", "caseworker", {"milestone": "firm_introduction"})
    assert early.value.rule == "not_started"
    api("POST", f"{path}/start", "caseworker", {"start_date": "2026-01-05", "percent": 100,
                                                "days_per_week": 5})
    written = len(world.events("intake"))
    with pytest.raises(BadRequest) as undeclared:       # a milestone of another kind
        api("POST", f"{path}/milestone", "caseworker", {"milestone": "business_plan"})
    assert undeclared.value.errors == {"milestone": [
        "trade_certificate declares firm_introduction, education, certificate_passed"]}
    with pytest.raises(BadRequest) as unknown:          # no kind's word at all
        api("POST", f"{path}/milestone", "caseworker", {"milestone": "graduated"})
    assert list(unknown.value.errors) == ["milestone"]
    with pytest.raises(Conflict) as before:
        api("POST", f"{path}/milestone", "caseworker", {"milestone": "firm_introduction",
                                                        "date": "2026-01-04"})
    assert before.value.rule == "dates_out_of_order"
    assert len(world.events("intake")) == written       # nothing written

    for milestone, day in (("firm_introduction", "2026-01-05"), ("education", "2026-03-01"),
                           ("certificate_passed", "2026-11-20")):
        api("POST", f"{path}/milestone", "caseworker", {"milestone": milestone, "date": day})
    api("POST", f"{path}/milestone", "caseworker", {"milestone": "education",
                                                    "date": "2026-03-01"})    # again: nothing
    with pytest.raises(Conflict) as twice:
        api("POST", f"{path}/milestone", "caseworker", {"milestone": "education",
                                                        "date": "2026-03-02"})
    assert twice.value.rule == "milestone_already_reached"
    reached = world.events("intake", "MilestoneReached")
    assert [(e["payload"]["milestone"], e["occurred_at"][:10]) for e in reached] == [
        ("firm_introduction", "2026-01-05"), ("education", "2026-03-01"),
        ("certificate_passed", "2026-11-20")]
    assert api("GET", path, "caseworker")["milestones"] == {
        "firm_introduction": "2026-01-05", "education": "2026-03-01",
        "certificate_passed": "2026-11-20"}


def test_a_kind_without_milestones_says_so(world):
    api = world.apis["intake"]
    run_id = api("POST", "/runs", "coordinator", {"programme": "vta", "name": "VTA Sølve",
                                                  "places": 4})["run_id"]
    path, _ = referred(api, run_id)
    api("POST", f"{path}/start", "caseworker", {"start_date": "2026-01-05", "percent": 100,
                                                "days_per_week": 5})
    with pytest.raises(BadRequest) as none:
        api("POST", f"{path}/milestone", "caseworker", {"milestone": "plan_agreed"})
    assert none.value.errors == {"milestone": ["vta declares no milestones"]}
    with pytest.raises(BadRequest) as limit:            # permanent: no end in view
        api("PUT", f"/runs/{run_id}/stay-limit", "coordinator", {"days": 365})
    assert limit.value.errors == {"days": ["vta is permanent: its places have no end in view"]}
