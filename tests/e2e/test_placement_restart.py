"""Killing the placement service mid-flow and starting it again loses nothing and applies nothing
twice: its relay resumes from its checkpoint, its consumer from its own."""
import os
import signal
import subprocess
import sys

import pytest
import requests
import yaml

from pathways.eventstore import EventStore
from tests.e2e.conftest import TOKENS
from tests.e2e.flow import agreed_placement, enrolled_participant, opportunity
from tests.support import ApiClient, free_port, wait_until

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


@pytest.fixture
def placement_process(tmp_path, base_config):
    """Runs the placement service with `pathways-service` in its own process; start/kill at will."""
    port = free_port()
    config = tmp_path / "placement.yaml"
    logging = {"version": 1, "disable_existing_loggers": False,
               "handlers": {"err": {"class": "logging.StreamHandler"}},
               "root": {"level": "INFO", "handlers": ["err"]}}
    config.write_text(yaml.safe_dump({**base_config, "WEB_SERVER_ADDRESS": f"127.0.0.1:{port}",
                                      "LOGGING": logging}))
    procs = []

    def start():
        proc = subprocess.Popen(
            [os.path.join(os.path.dirname(sys.executable), "pathways-service"), "--config",
             str(config), "services.placement.service:PlacementService"],
            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=open(tmp_path / "placement.log", "a"))
        procs.append(proc)
        base = f"http://127.0.0.1:{port}"

        def up():
            try:
                return requests.get(base + "/openapi.json", timeout=1).status_code == 200
            except requests.ConnectionError:
                return False
        wait_until(up, timeout=60, what="the placement service to start")
        return proc, {role: ApiClient(base, token) for role, token in TOKENS.items()}

    yield start
    for proc in procs:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_kill_and_restart_placement_mid_flow(platform, placement_process, dbs, tmp_path):
    apps = platform("intake", "employer")
    intake, employer = apps["intake"], apps["employer"]
    proc, placement = placement_process()
    run_id, first = enrolled_participant(intake)
    opp1 = opportunity(employer, places=2)
    p1 = agreed_placement(placement, first, opp1)
    placement["caseworker"].call("POST", f"/cases/{first}/placements/{p1['placement_id']}/start",
                                 {"start_date": "2026-02-01"})
    proc.send_signal(signal.SIGKILL)   # right after the commit: its relay may not have published
    proc.wait()

    # the world goes on while placement is down
    _, second = enrolled_participant(intake, national_id="55108695071", run_id=run_id)
    opp2 = opportunity(employer, places=1, title="Lagermedarbeider")

    proc, placement = placement_process()
    p2 = agreed_placement(placement, second, opp2)       # needs both views, caught up
    placement["caseworker"].call("POST", f"/cases/{second}/placements/{p2['placement_id']}/start",
                                 {"start_date": "2026-02-01"})
    placement["caseworker"].call("POST", f"/cases/{first}/close",
                                 {"outcome": "employed_ordinary", "date": "2026-04-30"})

    emp = employer["coordinator"]
    wait_until(lambda: emp.call("GET", f"/opportunities/{opp1['opportunity_id']}")["filled"] == 1
               and emp.call("GET", f"/opportunities/{opp2['opportunity_id']}")["status"] ==
               "filled", what="both places taken in employer")
    wait_until(lambda: intake["caseworker"].call(
        "GET", f"/runs/{run_id}/enrolments/{first}")["state"] == "completed",
        what="the first enrolment ended in intake")

    placement_log = EventStore(dbs["placement"], "placement")
    types = [e["type"] for e in placement_log.read_stream(f"case-{first}")]
    assert types == ["PlacementProposed"] + ["PlacementApproved"] * 3 + ["PlacementStarted",
                                                                          "CaseClosed"]
    employer_log = EventStore(dbs["employer"], "employer")
    for opp in (opp1, opp2):
        taken = [e for e in employer_log.read_stream(f"opportunity-{opp['opportunity_id']}")
                 if e["type"] == "OpportunityPlaceTaken"]
        assert len(taken) == 1, taken                 # PlacementStarted applied exactly once
    ended = [e for e in EventStore(dbs["intake"], "intake").read_stream(f"run-{run_id}")
             if e["type"] == "EnrolmentEnded"]
    assert [e["payload"]["enrolment_id"] for e in ended] == [first]
    # placement's consumer goes through every intake and employer event, once: its checkpoints
    # reach the heads (employer's last events come after placement's own start; wait for them)
    heads = {f"placement|{name}": EventStore(dbs[name], name).head()["position"]
             for name in ("intake", "employer")}

    def checkpoints():   # placement's consumer of the other services (not its own views)
        return {d["_id"]: d["position"] for d in dbs["placement"]["consumer_checkpoints"].find(
            {"_id": {"$in": list(heads)}})}
    try:
        wait_until(lambda: checkpoints() == heads, timeout=60,
                   what=f"placement's checkpoints to reach the heads {heads}")
    except AssertionError as err:
        log = (tmp_path / "placement.log").read_text()[-4000:]
        raise AssertionError(f"{err}; checkpoints {checkpoints()}; placement's log:\n{log}")
    views = list(dbs["placement"]["enrolments_view"].find({}))
    assert sorted(v["state"] for v in views) == ["completed", "participating"]
    for name in ("intake", "employer", "placement"):
        assert EventStore(dbs[name], name).verify().ok
