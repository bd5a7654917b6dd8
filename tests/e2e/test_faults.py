"""Faults are normal. Two instances of every service run as processes under a steady load of
commands through all four services over HTTP, while RabbitMQ is stopped and started three times and
one instance of each service is SIGKILLed and started again. Afterwards: every instance is up, no
command that got a 2xx is missing from its log, every log verifies, every consumer has applied its
sources' logs exactly once, reporting equals a replay of the feeds, no 5xx came from anyone but a
killed process during its own downtime (503 not_caught_up, documented, aside), and no answer took
longer than the documented bound."""
import time

import eventlet
import pytest

from tests.e2e.load import Load, check_aftermath, setting_up, start_instances, stop_instances
from tests.support import rabbitmqctl

LOAD_SECONDS = 75


@pytest.fixture
def instances(base_config, tmp_path, dbs):
    made = start_instances({**base_config, "RELAY_POLL_SECONDS": 0.5}, tmp_path, per_service=2)
    yield made
    stop_instances(made)


def broker_outage():
    rabbitmqctl("stop_app")
    try:
        eventlet.sleep(5)
    finally:
        rabbitmqctl("start_app")
        rabbitmqctl("await_startup")


def test_broker_restarts_and_killed_processes_lose_nothing_and_stop_nobody(instances, dbs):
    load = Load(instances)
    run_id, opportunity = setting_up(load)
    workers = [eventlet.spawn(load.run, w, run_id, opportunity) for w in range(4)]
    began = time.monotonic()

    def at(second):
        eventlet.sleep(max(began + second - time.monotonic(), 0))
    for second, fault in ((8, broker_outage), (20, instances["intake"][0].kill_and_restart),
                          (28, broker_outage), (38, instances["employer"][0].kill_and_restart),
                          (46, broker_outage), (56, instances["placement"][0].kill_and_restart),
                          (64, instances["reporting"][0].kill_and_restart)):
        at(second)
        fault()
    at(LOAD_SECONDS)
    load.stop = True
    for w in workers:
        w.wait()
    check_aftermath(instances, load, dbs)
