"""Outbox relay, feed and consumer inside real nameko services on real RabbitMQ + MongoDB-wire."""
import json
import time

import pytest
import requests
from nameko.exceptions import RemoteError
from nameko.standalone.rpc import ServiceRpcProxy

from tests.integration.services import CounterService, SourceService
from tests.support import expected_from_log, rabbitmqctl, wait_until


@pytest.fixture
def config(rabbit_config, web_config, mongo_uri, db_prefix):
    return {**rabbit_config, **web_config, "MONGO_URI": mongo_uri, "MONGO_DB_PREFIX": db_prefix,
            "RELAY_POLL_SECONDS": 0.2}


@pytest.fixture
def web_config_uri(web_config_port):
    return f"http://127.0.0.1:{web_config_port}"


@pytest.fixture
def dbs(database):
    return {name: database(name) for name in ("intake", "reporting")}


def log_of(dbs):
    from pathways.eventstore import EventStore
    return EventStore(dbs["intake"], "intake", validate=False).events_after(0, 100_000)


def totals_of(dbs):
    return {d["_id"]: (d["amount"], d["events"]) for d in dbs["reporting"]["totals"].find({})}


def delivered_ids(dbs):
    return {d["event_id"] for d in dbs["reporting"]["deliveries"].find({})}


def test_events_reach_nameko_handlers_through_the_relay(runner_factory, config, dbs):
    runner = runner_factory(config, SourceService, CounterService)
    runner.start()
    with ServiceRpcProxy("intake", config) as intake:
        positions = [intake.count(f"p-{i % 4}", i) for i in range(40)]
    assert positions == list(range(1, 41))
    log = log_of(dbs)
    wait_until(lambda: totals_of(dbs) == expected_from_log(log), what="the read model")
    wait_until(lambda: delivered_ids(dbs) == {e["event_id"] for e in log},
             what="every event over RabbitMQ")
    relay_state = dbs["intake"]["relay"].find_one({"_id": "checkpoint"})
    assert relay_state["position"] == 40


def test_feed_over_rpc_and_http_with_clear_errors(runner_factory, config, web_config_uri, dbs):
    runner = runner_factory(config, SourceService)
    runner.start()
    with ServiceRpcProxy("intake", config) as intake:
        for i in range(7):
            intake.count("p-1", i)
        page = intake.events_after(after=2, limit=3)
        assert [e["position"] for e in page] == [3, 4, 5]
        assert intake.head()["position"] == 7
        with pytest.raises(RemoteError) as err:
            intake.events_after(after="x")
        assert err.value.exc_type == "BadRequest" and "after" in str(err.value)
    resp = requests.get(f"{web_config_uri}/events", params={"after": 5, "limit": 10})
    assert resp.status_code == 200
    body = resp.json()
    assert [e["position"] for e in body["events"]] == [6, 7] and body["next_after"] == 7
    assert body["head"]["position"] == 7
    commits = requests.get(f"{web_config_uri}/events", params={"format": "commits"}).json()
    assert [c["_id"] for c in commits["commits"]] == list(range(1, 8))
    bad = requests.get(f"{web_config_uri}/events", params={"after": -1, "limit": "many", "x": 1})
    assert bad.status_code == 400
    assert set(bad.json()["errors"]) == {"after", "limit", "x"}


def test_broker_outage_delays_events_and_loses_none(runner_factory, config, web_config_uri, dbs):
    runner = runner_factory(config, SourceService, CounterService)
    runner.start()

    def post(i):
        resp = requests.post(f"{web_config_uri}/count", json={"stream_id": f"p-{i % 5}", "amount": i})
        assert resp.status_code == 201, resp.text
        return resp.json()["event_id"]

    before = [post(i) for i in range(20)]
    wait_until(lambda: delivered_ids(dbs) >= set(before), timeout=60,
             what="deliveries before the outage")
    rabbitmqctl("stop_app")
    try:
        during = [post(i) for i in range(20, 50)]       # commands keep landing in the log
        time.sleep(3)                                    # the relay keeps failing meanwhile
        checkpoint = dbs["intake"]["relay"].find_one({"_id": "checkpoint"})["position"]
        assert checkpoint <= 20, "the relay moved its checkpoint without a broker"
    finally:
        rabbitmqctl("start_app")
        rabbitmqctl("await_startup")
    after = [post(i) for i in range(50, 60)]
    log = log_of(dbs)
    assert [e["event_id"] for e in log] == before + during + after
    wait_until(lambda: totals_of(dbs) == expected_from_log(log), timeout=120,
             what="the read model after the outage")
    # Over RabbitMQ itself, not only through the feed: the relay republished what it held back.
    wait_until(lambda: delivered_ids(dbs) >= set(during + after), timeout=120,
             what="deliveries of the events held back during the outage")


def test_operators_see_and_retry_parked_events_over_rpc(runner_factory, config, dbs, capsys):
    from ops import cli
    from pathways.contracts import new_event
    from pathways.eventstore import EventStore
    runner = runner_factory(config, SourceService, CounterService)
    runner.start()
    # a producer that broke the contract of a type this consumer handles
    EventStore(dbs["intake"], "intake", validate=False).append("odd", 0, [new_event(
        "Counted", {"amount": "lots", "unit": "places"}, org="org-a", schema_version=2,
        actor={"type": "system", "id": "t"})])
    with ServiceRpcProxy("reporting", config) as reporting:
        parked = wait_until(reporting.parked, what="the parked event")
        assert parked[0]["stream_id"] == "odd" and "amount" in parked[0]["reason"]
    code = cli.main(["retry", "--service", "reporting", "--source", "intake", "--stream", "odd",
                     "--amqp-uri", config["AMQP_URI"]])
    assert code == 1 and json.loads(capsys.readouterr().out) == {"reporting": False}

