"""Liveness and readiness: ready goes false while MongoDB or RabbitMQ is unreachable, and true
again once it is back; the service itself stays up throughout. Both are cut with proxies in
front of them, so the servers the rest of the suite uses are never touched."""
from urllib.parse import urlparse

import requests

from services.intake.service import IntakeService
from tests.support import TcpProxy, free_port, wait_until


def readiness(base):
    resp = requests.get(f"{base}/health/ready", timeout=10)
    assert resp.status_code in (200, 503), resp.text
    body = resp.json()
    assert body["ready"] is (resp.status_code == 200)
    return body


def not_ready(base):
    body = readiness(base)
    return body if not body["ready"] else None


def test_ready_follows_mongodb_and_rabbitmq_and_live_stays_true(container_factory, base_config):
    mongo, amqp = urlparse(base_config["MONGO_URI"]), urlparse(base_config["AMQP_URI"])
    mongo_proxy = TcpProxy((mongo.hostname, mongo.port or 27017))
    amqp_proxy = TcpProxy((amqp.hostname, amqp.port or 5672))
    port = free_port()
    container = container_factory(IntakeService, {
        **base_config, "MONGO_URI": f"mongodb://127.0.0.1:{mongo_proxy.port}/",
        "AMQP_URI": amqp._replace(netloc=f"{amqp.username}:{amqp.password}@127.0.0.1:"
                                         f"{amqp_proxy.port}").geturl(),
        "WEB_SERVER_ADDRESS": f"127.0.0.1:{port}"})
    container.start()
    base = f"http://127.0.0.1:{port}"
    assert requests.get(f"{base}/health/live", timeout=5).json() == {"live": True}
    body = wait_until(lambda: (lambda b: b if b["ready"] else None)(readiness(base)),
                      timeout=60, what="ready at start")
    assert body["checks"]["mongodb"] == "ok" and body["checks"]["rabbitmq"] == "ok", body
    assert body["checks"]["relay"].startswith("ok"), body
    assert "127.0.0.1" not in str(body) and "guest" not in str(body)

    for name, proxy in (("mongodb", mongo_proxy), ("rabbitmq", amqp_proxy)):
        proxy.cut()
        down = wait_until(lambda: not_ready(base), timeout=60, what=f"not ready without {name}")
        assert down["checks"][name].startswith("failing"), down
        assert "127.0.0.1" not in str(down) and "guest" not in str(down)
        assert requests.get(f"{base}/health/live", timeout=5).status_code == 200
        proxy.restore()
        wait_until(lambda: readiness(base)["ready"], timeout=60, what=f"ready with {name} back")
    container.stop()
    mongo_proxy.cut()
    amqp_proxy.cut()
