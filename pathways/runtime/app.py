"""A service's use-case object as a nameko dependency, built once per container."""
import threading

from nameko.extensions import DependencyProvider

from pathways.application.reactions import handlers
from pathways.runtime.dependencies import EventLog, service_database


def dependency_of(container, cls):
    """The container's bound dependency provider of type ``cls``."""
    return next(d for d in container.dependencies if isinstance(d, cls))


class ServiceApp(DependencyProvider):
    """``factory(container, db, store) -> app``; built lazily, because nameko sets dependencies up
    in no fixed order and the app needs the EventLog's store."""

    def __init__(self, factory):
        self.factory = factory

    def setup(self):
        self.app = None
        self._lock = threading.Lock()   # green under eventlet: workers may race to build it

    def start(self):
        self.instance()  # every dependency is set up now: a bad config fails the start, loudly

    def stop(self):
        """An app that runs work of its own in the background stops it here (``stop()``)."""
        if self.app is not None and hasattr(self.app, "stop"):
            self.app.stop()

    def instance(self):
        with self._lock:
            if self.app is None:
                container = self.container
                self.app = self.factory(container, service_database(container),
                                        dependency_of(container, EventLog).store)
            return self.app

    def get_dependency(self, worker_ctx):
        return self.instance()


def app_reactions(container, db):
    """An Inbox's handlers: the reactions of the container's use-case object (its REACTIONS)."""
    return handlers(dependency_of(container, ServiceApp).instance())
