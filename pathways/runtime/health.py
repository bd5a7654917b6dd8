"""``GET /health/live`` and ``GET /health/ready`` for Compose and orchestrators.

Live: the process answers. Ready: it can do its work now — MongoDB answers a ping, RabbitMQ
accepts a connection, and the outbox relay is no further behind the log than
``HEALTH_MAX_RELAY_LAG`` events (default 10,000). Each check gives up after
``CHECK_SECONDS``, so an answer comes within about three of them even with both servers gone.
The answer names each check's state, never an address or a credential.
"""
import logging

import eventlet
import kombu
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from nameko.extensions import DependencyProvider
from pymongo import MongoClient

from pathways.runtime.app import dependency_of
from pathways.runtime.dependencies import EventLog
from pathways.runtime.entrypoints import http
from pathways.runtime.http import respond
from pathways.operations.metrics import CONSUMER_LAG, DEAD_LETTERS, RELAY_LAG
from pathways.operations.settings import settings_of

CHECK_SECONDS = 1.0
NAN = float("nan")
log = logging.getLogger(__name__)


class Health(DependencyProvider):
    def setup(self):
        settings = settings_of(self.container)
        ms = int(CHECK_SECONDS * 1000)
        # Its own client, with short timeouts: the service's pool waits longer for a server.
        self.mongo = MongoClient(settings.mongo_uri, serverSelectionTimeoutMS=ms,
                                 connectTimeoutMS=ms, socketTimeoutMS=ms)
        self.amqp_uri, self.max_lag = settings.amqp_uri, settings.health_max_relay_lag

    def stop(self):
        self.mongo.close()

    def _mongodb(self):
        self.mongo.admin.command("ping")
        return "ok"

    def _rabbitmq(self):
        with kombu.Connection(self.amqp_uri, connect_timeout=CHECK_SECONDS) as conn:
            conn.ensure_connection(max_retries=1, timeout=CHECK_SECONDS)
        return "ok"

    def _relay(self):
        lag = self.relay_lag()
        if lag > self.max_lag:
            return f"failing: {lag} events not yet published (bound {self.max_lag})"
        return f"ok ({lag} events to publish)"

    @staticmethod
    def _state(check):
        try:
            return check()
        except Exception as err:   # the error's name only: its text holds addresses
            return f"failing: {type(err).__name__}"

    def ready(self):
        """``(ready, {check: "ok ..." | "failing: why"})``."""
        checks = {"mongodb": self._state(self._mongodb),
                  "rabbitmq": self._state(self._rabbitmq)}
        checks["relay"] = (self._state(self._relay) if checks["mongodb"] == "ok"
                           else "unknown: MongoDB is unreachable")
        return all(v.startswith("ok") for v in checks.values()), checks

    def relay_lag(self):
        relay = dependency_of(self.container, EventLog).relay
        return relay.pending() if relay is not None else 0

    def get_dependency(self, worker_ctx):
        return self


class HealthEntrypoints:
    """Mixin for a service: its liveness, readiness and metrics, without a token, for an
    operator's tools (they disclose the checks' states and counts, never an organisation or a
    person; keep them on the operator's network)."""

    health = Health()

    @http("GET", "/health/live")
    def http_health_live(self, request):
        return respond(200, {"live": True})

    @http("GET", "/health/ready")
    def http_health_ready(self, request):
        ready, checks = self.health.ready()
        return respond(200 if ready else 503, {"ready": ready, "checks": checks})

    @http("GET", "/metrics")
    def http_metrics(self, request):
        """Prometheus text format. The lag and dead-letter gauges are read now, within
        ``CHECK_SECONDS``; while MongoDB does not answer they are NaN (unknown), and the
        counters are still served."""
        consumers = self.consumers() if hasattr(self, "consumers") else ()
        try:
            with eventlet.Timeout(CHECK_SECONDS, TimeoutError):
                gauges = [(RELAY_LAG.labels(self.name), self.health.relay_lag())]
                parked = 0
                for consumer in consumers:
                    gauges += [(CONSUMER_LAG.labels(self.name, source), lag)
                               for source, lag in consumer.lag().items()]
                    parked += consumer.parked_count()
                gauges.append((DEAD_LETTERS.labels(self.name), parked))
        except Exception as err:   # MongoDB unreachable or slow: the state is unknown
            log.warning("%s: metrics gauges unknown (%s)", self.name, type(err).__name__)
            gauges = [(RELAY_LAG.labels(self.name), NAN), (DEAD_LETTERS.labels(self.name), NAN)]
            gauges += [(CONSUMER_LAG.labels(self.name, source), NAN)
                       for consumer in consumers for source in consumer.sources]
        for gauge, value in gauges:
            gauge.set(value)
        return 200, {"Content-Type": CONTENT_TYPE_LATEST}, generate_latest().decode()
