"""The `eventsourcing` library (pip install eventsourcing) projecting the same events with its own
ProjectionRunner into the same in-memory rows, for bench/rebuild.py.

Its SQLite recorder cannot be subscribed to (9.5.6: "The SQLiteApplicationRecorder recorder does
not support subscriptions"), so its runner is measured on its in-memory POPO recorder, which
favours it: no disk and no network on its side.
"""
import time

from eventsourcing.application import Application
from eventsourcing.dispatch import singledispatchmethod
from eventsourcing.domain import Aggregate
from eventsourcing.popo import POPOTrackingRecorder
from eventsourcing.projection import Projection, ProjectionRunner

from services.reporting.projection import MemoryRows

ENV = {"PERSISTENCE_MODULE": "eventsourcing.popo"}
EVENTS = []


class Stream(Aggregate):
    class Happened(Aggregate.Event):
        envelope: dict

    def record(self, envelope):
        self.trigger_event(self.Happened, envelope=envelope)


class Preloaded(Application):
    """The write model, holding the events before the runner subscribes to it."""

    def __init__(self, env=None):
        super().__init__(env=env)
        self.last = None
        for i in range(0, len(EVENTS), 100):
            stream = Stream()
            for ev in EVENTS[i:i + 100]:
                stream.record(ev)
            self.last = self.save(stream)[-1].notification.id


class RowsView(POPOTrackingRecorder):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = MemoryRows()


class RowsProjection(Projection[RowsView]):
    @singledispatchmethod
    def process_event(self, domain_event, tracking):
        if isinstance(domain_event, Stream.Happened):
            self.view.rows.apply(domain_event.envelope)
        self.view.insert_tracking(tracking)


def run(events):
    """Events/s of eventsourcing's runner projecting ``events`` (the time to store them, measured
    on its own first, is taken off)."""
    EVENTS[:] = events
    started = time.perf_counter()
    Preloaded(env=ENV)
    storing = time.perf_counter() - started
    started = time.perf_counter()
    with ProjectionRunner(application_class=Preloaded, projection_class=RowsProjection,
                          view_class=RowsView, env=ENV) as runner:
        runner.projection.view.wait(runner.app.name, runner.app.last, timeout=600)
    return len(events) / max(time.perf_counter() - started - storing, 1e-9)
