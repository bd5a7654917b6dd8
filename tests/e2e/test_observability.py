"""What an operator's tools see: metrics that move with commands, requests and the relay's lag,
and log lines that parse as JSON and carry the correlation id of the command that caused them."""
import io
import json
import logging
import math
import time
from urllib.parse import urlparse

import requests
from prometheus_client.parser import text_string_to_metric_families

from pathways.operations.logs import JsonFormatter
from services.intake.service import IntakeService
from tests.e2e.conftest import TOKENS
from tests.support import TcpProxy, free_port, wait_until

RUN = {"programme": "aft", "name": "AFT Øst", "places": 3}


def metrics(base):
    resp = requests.get(f"{base}/metrics", timeout=10)
    assert resp.status_code == 200 and resp.headers["Content-Type"].startswith("text/plain")
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(resp.text) for s in family.samples}


def value(samples, name, **labels):
    return sum(v for (n, ls), v in samples.items()
               if n == name and all(dict(ls).get(k) == w for k, w in labels.items()))


def post(base, path, body, who="coordinator"):
    return requests.post(f"{base}{path}", json=body, timeout=10,
                         headers={"Authorization": f"Bearer {TOKENS[who]}"})


def test_metrics_move_with_commands_requests_and_the_relays_lag(container_factory, base_config):
    amqp = urlparse(base_config["AMQP_URI"])
    proxy = TcpProxy((amqp.hostname, amqp.port or 5672))
    port = free_port()
    container = container_factory(IntakeService, {
        **base_config, "WEB_SERVER_ADDRESS": f"127.0.0.1:{port}",
        "AMQP_URI": amqp._replace(netloc=f"{amqp.username}:{amqp.password}@127.0.0.1:"
                                         f"{proxy.port}").geturl()})
    container.start()
    base = f"http://127.0.0.1:{port}"
    before = metrics(base)
    assert post(base, "/runs", RUN).status_code == 201
    refused = post(base, "/runs", {**RUN, "start_mode": "common"})
    assert refused.status_code == 409 and refused.json()["error"] == "start_date_required"
    after = metrics(base)

    def moved(name, **labels):
        return value(after, name, **labels) - value(before, name, **labels)
    assert moved("pathways_commands_total", service="intake", command="CreateRun",
                 outcome="accepted") == 1
    assert moved("pathways_commands_total", service="intake", command="CreateRun",
                 outcome="start_date_required") == 1
    assert moved("pathways_events_appended_total", service="intake",
                 type="ProgrammeRunCreated") == 1
    assert moved("pathways_http_request_seconds_count", service="intake", route="create_run",
                 status="201") == 1
    assert moved("pathways_http_request_seconds_count", service="intake", route="create_run",
                 status="409") == 1
    assert "org-a" not in requests.get(f"{base}/metrics", timeout=10).text

    # the relay cannot publish while RabbitMQ is cut off: its lag grows, then drains
    wait_until(lambda: value(metrics(base), "pathways_relay_lag_events", service="intake") == 0,
               timeout=30, what="the relay to publish everything")
    proxy.cut()
    for _ in range(3):
        assert post(base, "/runs", RUN).status_code == 201   # the log takes writes regardless
    assert value(metrics(base), "pathways_relay_lag_events", service="intake") >= 3
    proxy.restore()
    wait_until(lambda: value(metrics(base), "pathways_relay_lag_events", service="intake") == 0,
               timeout=60, what="the relay's lag to drain once RabbitMQ is back")
    container.stop()
    proxy.cut()


def test_metrics_answer_in_bounded_time_while_mongodb_is_unreachable(container_factory,
                                                                      base_config):
    mongo = urlparse(base_config["MONGO_URI"])
    proxy = TcpProxy((mongo.hostname, mongo.port or 27017))
    port = free_port()
    container = container_factory(IntakeService, {
        **base_config, "WEB_SERVER_ADDRESS": f"127.0.0.1:{port}",
        "MONGO_URI": f"mongodb://127.0.0.1:{proxy.port}/"})
    container.start()
    base = f"http://127.0.0.1:{port}"
    assert post(base, "/runs", RUN).status_code == 201
    assert value(metrics(base), "pathways_relay_lag_events", service="intake") >= 0
    proxy.cut()
    began = time.monotonic()
    cut = metrics(base)          # counters served, gauges unknown; no 500, no 30 s wait
    assert time.monotonic() - began < 10
    assert math.isnan(value(cut, "pathways_relay_lag_events", service="intake"))
    assert math.isnan(value(cut, "pathways_consumer_lag_events", service="intake",
                            source="placement"))
    assert value(cut, "pathways_events_appended_total", service="intake",
                 type="ProgrammeRunCreated") >= 1
    proxy.restore()
    wait_until(lambda: not math.isnan(value(metrics(base), "pathways_relay_lag_events",
                                            service="intake")),
               timeout=60, what="the gauges to be known again once MongoDB is back")
    container.stop()
    proxy.cut()


def test_log_lines_parse_as_json_and_carry_the_commands_correlation_id(platform):
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.setFormatter(JsonFormatter(service="intake"))
    logger = logging.getLogger("pathways")
    logger.addHandler(handler)
    old_level = logger.level
    logger.setLevel(logging.INFO)
    try:
        intake = platform("intake")["intake"]
        run = intake["coordinator"].call("POST", "/runs", RUN, expect=201)
    finally:
        logger.removeHandler(handler)
        logger.setLevel(old_level)
    lines = [json.loads(line) for line in out.getvalue().splitlines()]   # every line is JSON
    page = intake["auditor"].call("GET", "/events")
    (created,) = [e for e in page["events"] if e["type"] == "ProgrammeRunCreated"
                  and e["payload"]["run_id"] == run["run_id"]]
    (line,) = [ln for ln in lines if ln.get("correlation_id") == created["correlation_id"]]
    assert (line["service"], line["event_type"], line["position"], line["org"]) == (
        "intake", "ProgrammeRunCreated", created["position"], "org-a")
    assert TOKENS["coordinator"] not in out.getvalue()
