"""Time-limited places without servers: a run's stay limit gives each start a planned end, a
coach proposes an extension and a coordinator decides (NAV's proposal flow), never past the
run's longest stay, and every refusal writes nothing."""
import pytest

from pathways.errors import BadRequest, Conflict, Forbidden
from tests.usecase.harness import World
from tests.usecase.test_intake import referred, run


@pytest.fixture
def world():
    return World()


def started(api, days=92, most=183):
    run_id = run(api, places=2)
    limited = api("PUT", f"/runs/{run_id}/stay-limit", "coordinator",
                  {"days": days, "with_extensions_days": most})
    assert (limited["stay_days"], limited["stay_max_days"]) == (days, most)
    path, _ = referred(api, run_id)
    e = api("POST", f"{path}/start", "caseworker", {"start_date": "2026-01-05", "percent": 100,
                                                    "days_per_week": 5})
    return path, e


def test_a_start_gets_its_planned_end_from_the_runs_stay_limit(world):
    api = world.apis["intake"]
    path, e = started(api)
    assert e["planned_end"] == "2026-04-07"       # 92 days after the start (Asker: 3 months)
    with pytest.raises(Forbidden):
        api("PUT", f"/runs/{e['run_id']}/stay-limit", "caseworker", {"days": 30})
    with pytest.raises(BadRequest) as err:
        api("PUT", f"/runs/{e['run_id']}/stay-limit", "coordinator",
            {"days": 90, "with_extensions_days": 60})
    assert list(err.value.errors) == ["with_extensions_days"]


def test_a_coach_proposes_and_a_coordinator_decides(world):
    api = world.apis["intake"]
    path, _ = started(api)
    proposed = api("POST", f"{path}/extend", "caseworker",
                   {"planned_end": "2026-05-31", "reason": "job_in_sight", "date": "2026-03-20"})
    assert proposed["extension_proposed"]["planned_end"] == "2026-05-31"
    assert proposed["planned_end"] == "2026-04-07"
    with pytest.raises(Conflict) as err:
        api("POST", f"{path}/extend", "caseworker",
            {"planned_end": "2026-06-30", "reason": "other", "date": "2026-03-21"})
    assert err.value.rule == "proposal_open"
    with pytest.raises(Forbidden):
        api("POST", f"{path}/decide-extension", "caseworker", {"granted": True})
    decided = api("POST", f"{path}/decide-extension", "coordinator",
                  {"granted": True, "date": "2026-03-22"})
    assert (decided["planned_end"], decided["extension_proposed"]) == ("2026-05-31", None)
    api("POST", f"{path}/extend", "caseworker",
        {"planned_end": "2026-06-30", "reason": "needs_more_time", "date": "2026-05-01"})
    refused = api("POST", f"{path}/decide-extension", "coordinator",
                  {"granted": False, "date": "2026-05-02"})
    assert refused["planned_end"] == "2026-05-31"
    decisions = [e["payload"] for e in world.events("intake", "ExtensionDecided")]
    assert [(d["granted"], d["planned_end"]) for d in decisions] == [
        (True, "2026-05-31"), (False, "2026-05-31")]


def test_an_extension_past_the_runs_longest_stay_is_a_field_error_and_writes_nothing(world):
    api = world.apis["intake"]
    path, _ = started(api)
    before = len(world.events("intake"))
    with pytest.raises(BadRequest) as err:     # 183 days from 2026-01-05 is 2026-07-07
        api("POST", f"{path}/extend", "caseworker",
            {"planned_end": "2026-07-08", "reason": "health", "date": "2026-03-20"})
    assert "2026-07-07" in err.value.errors["planned_end"][0]
    with pytest.raises(Conflict) as err:
        api("POST", f"{path}/extend", "caseworker",
            {"planned_end": "2026-04-01", "reason": "health", "date": "2026-03-20"})
    assert err.value.rule == "not_an_extension"
    with pytest.raises(Conflict) as err:
        api("POST", f"{path}/decide-extension", "coordinator", {"granted": True})
    assert err.value.rule == "no_open_proposal"
    assert len(world.events("intake")) == before


def test_a_run_without_a_stay_limit_has_nothing_to_extend(world):
    api = world.apis["intake"]
    path, _ = referred(api, run(api, places=1))
    e = api("POST", f"{path}/start", "caseworker", {"start_date": "2026-01-05", "percent": 50,
                                                    "days_per_week": 3})
    assert e["planned_end"] is None
    with pytest.raises(Conflict) as err:
        api("POST", f"{path}/extend", "caseworker",
            {"planned_end": "2026-05-31", "reason": "other", "date": "2026-03-20"})
    assert err.value.rule == "no_stay_limit"
