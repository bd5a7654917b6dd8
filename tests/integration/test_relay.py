"""Relay rules on a real MongoDB-wire server, with a recording publisher in place of RabbitMQ
(the broker path itself is covered in test_relay_and_feed)."""
import pytest

from pathways.eventstore import EventStore
from pathways.messaging import PublishError, Relay
from tests.support import counted, make_registry


class RecordingPublisher:
    def __init__(self, fail=False):
        self.published, self.fail = [], fail

    def publish(self, events):
        if self.fail:
            raise PublishError("broker unreachable")
        self.published.extend(e["position"] for e in events)


@pytest.fixture
def store(db):
    store = EventStore(db, "intake", registry=make_registry()).ensure_indexes()
    for i in range(7):
        store.append(f"s{i % 2}", i // 2, [counted(i)])
    return store


def test_only_the_lease_holder_publishes(store):
    a, b = RecordingPublisher(), RecordingPublisher()
    relay_a = Relay(store, a, holder="a", batch_size=3)
    relay_b = Relay(store, b, holder="b", batch_size=3)
    assert relay_a.run_once() == 3
    assert relay_b.run_once() == 0
    assert relay_a.drain() == 4
    assert a.published == list(range(1, 8)) and b.published == []
    assert relay_a.pending() == 0


def test_a_failed_publish_keeps_the_checkpoint(store):
    failing = RecordingPublisher(fail=True)
    relay = Relay(store, failing, holder="a")
    with pytest.raises(PublishError):
        relay.drain()
    assert relay.checkpoint() == 0 and relay.pending() == 7
    relay.publisher = RecordingPublisher()
    assert relay.drain() == 7 and relay.publisher.published == list(range(1, 8))
