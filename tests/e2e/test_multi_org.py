"""Two partner organisations side by side, each with its own intake, employer and placement (own
broker vhost, own databases), and a reporting hub pulling all six feeds over HTTP; an auditor who
has only the feeds reproduces the hub's report and checks the chains."""
import base64
import io
import os
import time

import pytest
import requests

from pathways.security import audit
from services.reporting.audit import replay
from pathways.operations.mongo import drop
from ops.seed import seed
from pathways.timeutil import iso, utcnow
from services.employer.service import EmployerService
from services.intake.service import IntakeService
from services.placement.service import PlacementService
from services.reporting.service import ReportingService
from tests.e2e.flow import PERSON
from tests.support import ApiClient, free_port, wait_until

STACK = {"intake": IntakeService, "employer": EmployerService, "placement": PlacementService}


def tokens_for(org):
    return {f"tok-{org}-{role}-000000000001": {"org": org, "role": role, "id": f"{org}-{role}"}
            for role in ("caseworker", "coordinator", "auditor")}


def by_role(tokens):
    return {v["role"]: k for k, v in tokens.items()}


@pytest.fixture
def second_vhost(vhost_pipeline):
    with vhost_pipeline.get() as vhost:
        yield vhost


@pytest.fixture
def prefixes(mongo_client, db_prefix):
    names = {"a": f"{db_prefix}a", "b": f"{db_prefix}b", "hub": f"{db_prefix}h"}
    yield names
    for prefix in names.values():
        for service in ("intake", "intake_keys", "employer", "placement", "reporting"):
            drop(mongo_client[f"{prefix}_{service}"])


def without_build(report):
    return {k: v for k, v in report.items() if k != "built_from"}


def test_two_organisations_and_a_reporting_hub(container_factory, rabbit_config, second_vhost,
                                               request, mongo_uri, mongo_client, prefixes):
    broker = request.config.getoption("RABBIT_AMQP_URI").rstrip("/")
    common = {"MONGO_URI": mongo_uri, "RELAY_POLL_SECONDS": 0.2,
              "VAULT_MASTER_KEY": base64.b64encode(os.urandom(32)).decode()}
    stacks, tokens = {}, {}
    for org, vhost in (("a", rabbit_config["vhost"]), ("b", second_vhost)):
        tokens[org] = tokens_for(f"org-{org}")
        urls = {}
        for name, cls in STACK.items():
            port = free_port()
            container_factory(cls, {**common, "AMQP_URI": f"{broker}/{vhost}",
                                    "MONGO_DB_PREFIX": prefixes[org], "AUTH_TOKENS": tokens[org],
                                    "WEB_SERVER_ADDRESS": f"127.0.0.1:{port}"}).start()
            urls[name] = f"http://127.0.0.1:{port}"
        stacks[org] = urls
    # the hub reads each organisation's feeds with that organisation's auditor token
    feeds = {f"org-{org}.{name}": {"url": url, "token": by_role(tokens[org])["auditor"]}
             for org, urls in stacks.items() for name, url in urls.items()}

    def feed(name):
        return audit.Feed(feeds[name]["url"], token=feeds[name]["token"])
    hub_port, admin = free_port(), "tok-hub-admin-0000000000001"
    container_factory(ReportingService, {
        **common, "AMQP_URI": rabbit_config["AMQP_URI"], "MONGO_DB_PREFIX": prefixes["hub"],
        "REPORTING_FEEDS": feeds, "WEB_SERVER_ADDRESS": f"127.0.0.1:{hub_port}",
        "AUTH_TOKENS": {admin: {"org": "hub", "role": "admin", "id": "hub-admin"},
                        **tokens["a"]}}).start()
    hub = ApiClient(f"http://127.0.0.1:{hub_port}", admin)

    for org, n in (("a", 16), ("b", 12)):
        roles = by_role(tokens[org])
        seed(stacks[org], {f"org-{org}": roles}, participants=n, seed_value=11,
             log=lambda *_: None)

    # each organisation sees only its own participants
    cw_a = ApiClient(stacks["a"]["intake"], by_role(tokens["a"])["caseworker"])
    cw_b = ApiClient(stacks["b"]["intake"], by_role(tokens["b"])["caseworker"])
    pid = cw_a.call("POST", "/participants", {**PERSON, "national_id": "55108695071"},
                    expect=201)["participant_id"]
    cw_b.call("GET", f"/participants/{pid}", params={"purpose": "check"}, expect=404)
    cw_a.call("GET", f"/participants/{pid}", params={"purpose": "check"}, expect=200)
    assert requests.get(f"{stacks['b']['intake']}/runs",
                 headers={"Authorization": f"Bearer {by_role(tokens['a'])['caseworker']}"}
                 ).status_code == 401

    def caught_up():
        heads = {name: feed(name).head()["position"] for name in feeds}
        return hub.call("GET", "/rebuild")["positions"] == heads
    wait_until(caught_up, timeout=60, what="the hub to read every feed")

    # the hub's combined report is the sum of the two organisations'
    combined = hub.call("GET", "/reports/kpis")
    parts = [hub.call("GET", "/reports/kpis", params={"org": f"org-{o}"}) for o in "ab"]
    for key in ("enrolments", "started", "ended"):
        assert combined[key] == sum(p[key] for p in parts) > 0, key
    assert combined["outcomes"]["at_end"]["numerator"] == sum(
        p["outcomes"]["at_end"]["numerator"] for p in parts)
    assert set(combined["built_from"]["feed_positions"]) == set(feeds)

    # an auditor with only the feeds reproduces the hub's report as known at T
    known_at = iso(utcnow())
    time.sleep(0.01)
    seed(stacks["a"], {"org-a": by_role(tokens["a"])}, participants=4, seed_value=12,
         log=lambda *_: None)
    wait_until(caught_up, timeout=60, what="the hub to read the new events")
    at_t = hub.call("GET", "/reports/kpis", params={"known_at": known_at})
    assert without_build(replay(feeds, known_at=known_at)) == without_build(at_t)
    assert at_t["started"] == combined["started"]

    # ...and verifies every chain from the feeds; an edited commit is named
    for name in feeds:
        assert audit.verify(feed(name)).ok
    assert requests.get(f"{stacks['a']['intake']}/events").status_code == 401
    assert requests.get(f"{stacks['a']['intake']}/events", headers={
        "Authorization": f"Bearer {feeds['org-b.intake']['token']}"}).status_code == 401
    out = io.StringIO()
    count, result = audit.export(feed("org-a.intake"), out)
    assert result.ok and len(out.getvalue().splitlines()) == count + 1
    key = b"auditor-secret-key-0001"
    sealed = audit.seal(feed("org-a.intake"), key)
    assert audit.check_seal(sealed, key) and not audit.check_seal({**sealed, "position": 1}, key)
    commits = mongo_client[f"{prefixes['a']}_intake"]["commits"]
    doc = commits.find_one({"_id": 5})
    doc["events"][0]["occurred_at"] = "2020-01-01T00:00:00.000000Z"
    commits.replace_one({"_id": 5}, doc)
    broken = audit.verify(feed("org-a.intake"), seal=sealed)
    assert not broken.ok and broken.bad_position == 5
