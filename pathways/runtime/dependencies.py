"""nameko DependencyProviders wiring a service to the kernel.

Config keys: ``MONGO_URI``; ``MONGO_DB_PREFIX`` (database = ``<prefix>_<service>``, default
``pathways``); ``RELAY_POLL_SECONDS`` (default 0.5; appends
in this process wake the relay at once); ``FEEDS`` ({source: "rpc" | base URL}, default rpc).
"""
import logging
import threading
import uuid

from eventlet.queue import Empty, Full, LightQueue
from nameko.extensions import DependencyProvider

from pathways.eventstore import EventStore
from pathways.messaging import ConfirmingPublisher, Consumer, Relay
from pathways.operations.mongo import mongo_client
from pathways.runtime.feeds import HttpFeed, RpcFeed
from pathways.operations.settings import settings_of

log = logging.getLogger(__name__)


def service_database(container):
    """The container's own MongoDB database (``Settings.mongo_uri`` / ``mongo_db``)."""
    settings = settings_of(container)
    return mongo_client(settings.mongo_uri)[settings.mongo_db]


class EventLog(DependencyProvider):
    """Gives workers the service's EventStore and runs its outbox relay in the background."""

    def __init__(self, relay=True, **store_options):
        self.relay_enabled, self.store_options = relay, store_options
        self.store = self.relay = None
        self._wake = LightQueue(maxsize=1)   # a doorbell: one pending ring is enough
        self._running = False

    def setup(self):
        settings, name = settings_of(self.container), self.container.service_name
        self.store = EventStore(service_database(self.container), name, **self.store_options)
        self.store.ensure_indexes()
        if self.relay_enabled:
            publisher = ConfirmingPublisher(settings.amqp_uri)
            self.relay = Relay(self.store, publisher, holder=f"{name}-{uuid.uuid4()}")
            self.store.on_commit(self._poke)
        self.poll = settings.relay_poll_seconds

    def _poke(self):
        try:
            self._wake.put_nowait(True)
        except Full:
            pass   # already rung: the relay will look once more anyway

    def start(self):
        if self.relay is not None:
            self._running = True
            self.container.spawn_managed_thread(self._run_relay, identifier="outbox_relay")

    def _run_relay(self):
        backoff = self.poll
        while self._running:
            try:
                self.relay.drain()
                backoff = self.poll
            except Exception as err:  # broker or database down: retry from the checkpoint
                log.warning("outbox relay of %s: %r (retrying in %.1fs)",
                            self.container.service_name, err, backoff)
                backoff = min(backoff * 2, 5.0)
            try:
                self._wake.get(timeout=backoff)
            except Empty:
                pass

    def stop(self):
        self._running = False
        self._poke()
        if self.relay is not None:
            self.relay.publisher.close()

    def kill(self):
        self.stop()

    def get_dependency(self, worker_ctx):
        return self.store


class Inbox(DependencyProvider):
    """Gives workers a Consumer applying ``sources``' events to the handlers that
    ``handlers_factory(container, db)`` returns ({event type: fn(event)}), db being the service's
    database. Built on first use, so the handlers may use other dependencies of the container."""

    def __init__(self, sources, handlers_factory, name=None, check_subscriptions=True,
                 **consumer_options):
        self.sources, self.handlers_factory = tuple(sources), handlers_factory
        self.check_subscriptions = check_subscriptions
        self.consumer_name, self.consumer_options = name, consumer_options
        self._consumer = None
        self._lock = threading.Lock()

    def setup(self):
        self.db = service_database(self.container)
        feeds = settings_of(self.container).feeds
        http = {s: url for s, url in feeds.items() if s in self.sources and url != "rpc"}
        self._rpc = RpcFeed(self.container.config) if len(http) < len(self.sources) else None
        self._http = HttpFeed(http) if http else None

        def feed(source, after, limit):
            return (self._http if source in http else self._rpc)(source, after, limit)
        self.feed = feed

    def start(self):
        if self.check_subscriptions:
            self._check(set(self.handlers_factory(self.container, self.db)))

    def _check(self, handled):
        """The handler map and the event handler entrypoints name the same types, from sources
        this inbox reads: a misspelt or forgotten type stops the start, naming it."""
        from pathways.contracts import REGISTRY
        from pathways.runtime.entrypoints import subscribed_types
        subscribed = subscribed_types(self.container)
        service = self.container.service_name
        problems = []
        if handled - subscribed:
            problems.append(f"handles {sorted(handled - subscribed)} without subscribing")
        if subscribed - handled:
            problems.append(f"subscribes to {sorted(subscribed - handled)} without a handler")
        unread = sorted(t for t in handled & subscribed if REGISTRY.knows(t)
                        and REGISTRY.owner(t) not in self.sources)
        if unread:
            problems.append(f"handles {unread} from a source it does not read "
                            f"(reads {list(self.sources)})")
        if problems:
            raise ValueError(f"{service}: event subscriptions do not match its handlers: "
                             + "; ".join(problems))

    @property
    def consumer(self):
        # One consumer per container: two would race on the checkpoints (workers start at once).
        with self._lock:
            if self._consumer is None:
                self._consumer = Consumer(
                    self.db, self.consumer_name or self.container.service_name,
                    self.handlers_factory(self.container, self.db), self.feed,
                    sources=self.sources, **self.consumer_options).ensure_indexes()
            return self._consumer

    def stop(self):
        for f in (self._rpc, self._http):
            if f is not None:
                f.close()

    def get_dependency(self, worker_ctx):
        return self.consumer


class ServiceDatabase(DependencyProvider):
    """Gives workers the service's own database (read models, local views)."""

    def setup(self):
        self.db = service_database(self.container)

    def get_dependency(self, worker_ctx):
        return self.db
