"""A RabbitMQ cluster of three nodes (deploy/local/cluster). One process of every service, given
the three nodes as one failover AMQP_URI and AMQP_QUEUE_TYPE=quorum, under a steady load of
commands; one node is killed (kill -9) and started again, then another. Afterwards everything
tests/e2e/load.py checks after faults holds (every process up, nothing acknowledged lost,
every consumer applied each event once, reports equal a replay), and every relay was publishing
again within PUBLISH_BOUND seconds of a node's loss (README: a RabbitMQ cluster)."""
import json
import os
import subprocess
import time
import uuid

import eventlet
import pytest

from pathways.eventstore import EventStore
from services.reporting.app import SOURCES
from tests.e2e.load import Load, check_aftermath, setting_up, start_instances, stop_instances
from tests.support import ROOT

CLUSTER = os.path.join(ROOT, "deploy", "local", "cluster")
PUBLISH_BOUND = 10.0   # seconds from a node's loss until all written before it is published (README)
LOAD_SECONDS = 60


def cluster(*args, timeout=60):
    done = subprocess.run([CLUSTER, *args], capture_output=True, text=True, timeout=timeout)
    if done.returncode != 0:
        pytest.fail(f"deploy/local/cluster {' '.join(args)} failed:\n{done.stderr[-3000:]}",
                    pytrace=False)
    return done.stdout


@pytest.fixture(scope="module")
def nodes():
    """The three nodes, started by the project's own script (a failure fails the test)."""
    cluster("start", timeout=300)
    settings = dict(line.split("=", 1) for line in cluster("env").split())
    yield settings
    cluster("stop", timeout=120)


@pytest.fixture
def vhost(nodes):
    """A virtual host of this test's own on the cluster (its queues go with it): its name, and
    the failover URI of the three nodes."""
    name = f"t-{uuid.uuid4().hex[:8]}"
    cluster("ctl", "1", "add_vhost", name)
    cluster("ctl", "1", "set_permissions", "-p", name, "guest", ".*", ".*", ".*")
    yield name, ";".join(f"{uri.rstrip('/')}/{name}"
                         for uri in nodes["CLUSTER_AMQP_URI"].split(";"))
    cluster("ctl", "1", "delete_vhost", name)


@pytest.fixture
def instances(vhost, base_config, tmp_path, dbs):
    made = start_instances({**base_config, "AMQP_URI": vhost[1], "AMQP_QUEUE_TYPE": "quorum",
                            "RELAY_POLL_SECONDS": 0.5}, tmp_path, per_service=1)
    yield made
    stop_instances(made)


class Publishing:
    """Samples each source's head and relay checkpoint; after a node's loss, how long until all
    that was written up to a second after it had been published (confirmed by the broker)."""

    def __init__(self, dbs):
        self.stores = {s: EventStore(dbs[s], s, validate=False) for s in SOURCES}
        self.relays = {s: dbs[s]["relay"] for s in SOURCES}
        self.samples = []   # (time, {source: (head, checkpoint)})
        self.stop = False

    def run(self):
        while not self.stop:
            self.samples.append((time.monotonic(), {
                s: (self.stores[s].head()["position"],
                    (self.relays[s].find_one({"_id": "checkpoint"}) or {}).get("position", 0))
                for s in SOURCES}))
            eventlet.sleep(0.25)

    def resumed_after(self, lost_at):
        heads = next(state for at, state in self.samples if at >= lost_at + 1)
        for at, state in self.samples:
            if at > lost_at and all(state[s][1] >= heads[s][0] for s in SOURCES):
                return at - lost_at
        return None


def test_a_node_lost_under_load_loses_nothing_and_stops_nobody(instances, dbs, vhost):
    queues = {q["name"]: q["type"] for q in json.loads(cluster(
        "ctl", "1", "list_queues", "-p", vhost[0], "name", "type", "--formatter", "json"))}
    shared = {name: kind for name, kind in queues.items() if not name.startswith("rpc.reply")}
    assert shared and set(shared.values()) == {"quorum"}, queues
    load = Load(instances)
    run_id, opportunity = setting_up(load)
    publishing = Publishing(dbs)
    watcher = eventlet.spawn(publishing.run)
    workers = [eventlet.spawn(load.run, w, run_id, opportunity) for w in range(3)]
    began = time.monotonic()
    losses = []

    def at(second):
        eventlet.sleep(max(began + second - time.monotonic(), 0))
    for second, action, node in ((10, "kill", "1"), (25, "revive", "1"),
                                 (35, "kill", "2"), (48, "revive", "2")):
        at(second)
        if action == "kill":
            losses.append(time.monotonic())
        cluster(action, node, timeout=120)
    at(LOAD_SECONDS)
    load.stop = True
    for w in workers:
        w.wait()
    check_aftermath(instances, load, dbs)
    publishing.stop = True
    watcher.wait()
    resumed = [publishing.resumed_after(lost) for lost in losses]
    print(f"\ncluster test: publishing resumed {resumed} s after each node's loss")
    assert all(r is not None and r <= PUBLISH_BOUND for r in resumed), resumed
