"""The ordered idempotent consumer on a real MongoDB-wire server."""
import random
from collections import Counter

import pytest
from marshmallow import Schema, fields

from pathways.contracts import new_event
from pathways.eventstore import EventStore
from pathways.messaging import Consumer
from tests.support import ACTOR, Totals, counted, expected_from_log, make_registry


@pytest.fixture
def source(database):
    return EventStore(database("intake"), "intake", registry=make_registry()).ensure_indexes()


@pytest.fixture
def sink(database):
    return database("reporting")


@pytest.fixture(params=[False, True], ids=["one_by_one", "in_runs"])
def batched(request):
    """Each guarantee holds whether the consumer applies a page one event at a time or in runs
    (``batch``)."""
    return request.param


def make_consumer(sink, source, totals, registry=None, handlers=None, batched=False, **kw):
    feed_calls, runs = [], []
    handlers = {"Counted": totals.on_counted, **(handlers or {})}

    def feed(name, after, limit):
        feed_calls.append((name, after))
        return source.feed_page(after, limit)[:2]

    def batch(events):
        runs.append([e["position"] for e in events])
        for e in events:
            handlers[e["type"]](e)
    consumer = Consumer(sink, "reporting", handlers, feed, sources=["intake"],
                        registry=registry or make_registry(), batch=batch if batched else None,
                        **kw)
    consumer.feed_calls, consumer.runs = feed_calls, runs
    return consumer.ensure_indexes()


def fill(source, n=60, streams=6, seed=1):
    rng = random.Random(seed)
    for i in range(n):
        stream = f"p-{rng.randrange(streams)}"
        source.append(stream, source.stream_version(stream), [counted(rng.randrange(1, 50))])
    return source.events_after(0, 10_000)


def test_duplicated_reordered_and_missing_deliveries_end_exactly_as_the_log(source, sink, batched):
    log = fill(source)
    totals = Totals(sink)
    consumer = make_consumer(sink, source, totals, batched=batched)
    rng = random.Random(3)
    deliveries = [e for e in log if rng.random() > 0.2]            # ~20% never delivered
    deliveries += rng.sample(deliveries, len(deliveries) // 2)      # many delivered twice
    rng.shuffle(deliveries)                                         # in any order
    outcomes = Counter(consumer.receive(dict(e)) for e in deliveries)
    consumer.catch_up()                                             # the timer's pull
    assert totals.state() == expected_from_log(log)
    assert consumer.checkpoint("intake") == log[-1]["position"]
    assert outcomes["duplicate"] > 0 and outcomes["caught_up"] > 0, outcomes
    assert max(totals.calls.values()) == 1, "an event reached the handler twice"


def test_in_order_delivery_applies_from_the_message_without_reading_the_feed(source, sink):
    log = fill(source, n=10)
    consumer = make_consumer(sink, source, Totals(sink))
    assert [consumer.receive(dict(e)) for e in log] == ["applied"] * 10
    assert consumer.feed_calls == []


def test_a_crash_between_effect_and_checkpoint_does_not_apply_twice(source, sink, batched):
    log = fill(source, n=20)
    totals = Totals(sink)
    consumer = make_consumer(sink, source, totals, batched=batched)
    for e in log[:10]:
        consumer.receive(dict(e))
    # The handler's write of event 11 landed, then the process died before the checkpoint.
    totals.on_counted(make_registry().read(dict(log[10])))
    consumer.catch_up()                     # redelivers 11 onwards
    assert totals.state() == expected_from_log(log)


def test_unknown_and_invalid_events_are_parked_and_block_only_their_stream(source, sink, database,
                                                                          batched):
    raw = EventStore(source.db, "intake", validate=False)   # a producer that breaks its contracts
    source.append("good", 0, [counted(5)])
    raw.append("mystery", 0, [new_event("Mystery", {"x": 1}, org="o", actor=ACTOR)])
    raw.append("broken", 0, [new_event("Counted", {"amount": "lots", "unit": "places"}, org="o",
                                       actor=ACTOR, schema_version=2)])
    source.append("mystery", 1, [counted(7)])
    source.append("broken", 1, [counted(11)])
    source.append("good", 1, [counted(13)])
    totals = Totals(sink)
    mysteries = []
    consumer = make_consumer(sink, source, totals, handlers={"Mystery": mysteries.append},
                             batched=batched)
    consumer.catch_up()
    assert totals.state() == {"good": (18, 2)}               # other streams keep flowing
    assert consumer.checkpoint("intake") == 6                # nothing holds the consumer back
    parked = {(d["stream_id"], d["position"]): d for d in consumer.parked()}
    assert sorted(parked) == [("broken", 3), ("broken", 5), ("mystery", 2), ("mystery", 4)]
    assert "unknown event type 'Mystery'" in parked[("mystery", 2)]["reason"]
    assert "amount" in parked[("broken", 3)]["reason"]
    assert parked[("mystery", 4)]["blocked_by"] == 2         # parked behind, in order

    # The contract becomes known (a deploy): retrying the stream applies it in order.
    registry = make_registry()

    @registry.contract("Mystery", 1)
    class Mystery(Schema):
        x = fields.Integer(required=True)
    fixed = make_consumer(sink, source, totals, registry=registry,
                          handlers={"Mystery": mysteries.append})
    assert fixed.retry("intake", "mystery") is True
    assert totals.state()["mystery"] == (7, 1)
    assert [m["payload"] for m in mysteries] == [{"x": 1}]
    assert fixed.retry("intake", "broken") is False           # still broken: stays parked
    assert [d["position"] for d in fixed.parked()] == [3, 5]
    source.append("broken", 2, [counted(1)])                  # and still blocks its stream
    fixed.catch_up()
    assert "broken" not in totals.state()
    assert [d["position"] for d in fixed.parked()] == [3, 5, 7]


def test_types_a_consumer_does_not_handle_are_skipped_even_unknown_ones(source, sink, batched):
    """A producer may add an event type before its consumers know it: it must not block them."""
    raw = EventStore(source.db, "intake", validate=False)
    source.append("p", 0, [counted(5)])
    raw.append("p", 1, [new_event("ParticipantMoved", {"to": "0301"}, org="o", actor=ACTOR)])
    source.append("p", 2, [counted(7)])
    totals = Totals(sink)
    consumer = make_consumer(sink, source, totals, batched=batched)
    consumer.catch_up()
    assert totals.state() == {"p": (12, 2)}
    assert consumer.parked() == [] and consumer.checkpoint("intake") == 3


def test_a_handler_that_keeps_failing_is_parked_after_n_attempts(source, sink, batched):
    source.append("bad", 0, [counted(99)])
    source.append("ok", 0, [counted(1)])
    source.append("bad", 1, [counted(2)])
    totals = Totals(sink, fail_on={99})
    consumer = make_consumer(sink, source, totals, max_attempts=3, batched=batched)
    for attempt in range(2):
        consumer.catch_up()
        assert consumer.checkpoint("intake") == 0 and totals.state() == {}
    consumer.catch_up()                                   # third failure: parked, consumer moves on
    # (in runs, each failed run is tried one by one too: two calls per attempt)
    assert totals.calls[1] == (6 if batched else 3)
    assert totals.state() == {"ok": (1, 1)}
    assert [(d["position"], d["attempts"]) for d in consumer.parked()] == [(1, 3), (3, 0)]
    assert "handler failed 3 times" in consumer.parked()[0]["reason"]
    totals.fail_on.clear()                                # fixed: retry the stream
    assert consumer.retry("intake", "bad") is True
    assert totals.state() == {"ok": (1, 1), "bad": (101, 2)}
    assert consumer.parked() == []


def test_malformed_messages_are_parked_not_raised(source, sink):
    consumer = make_consumer(sink, source, Totals(sink))
    assert consumer.receive("not json at all") == "parked"
    assert consumer.receive({"source": "intake", "position": "7"}) == "parked"
    assert consumer.receive({"source": "elsewhere", "position": 1}) == "parked"
    reasons = [d["reason"] for d in consumer.dead_letters.find({})]
    assert len(reasons) == 3 and all("malformed message" in r for r in reasons)


def test_in_runs_a_page_costs_one_call_and_one_checkpoint_write_per_run(source, sink):
    """The point of ``batch``: a feed page of events that all apply goes in one call; an event
    that must be parked ends a run, and the next run starts after it."""
    log = fill(source, n=40, streams=4)
    raw = EventStore(source.db, "intake", validate=False)
    raw.append("broken", 0, [new_event("Counted", {"amount": "lots", "unit": "places"}, org="o",
                                       actor=ACTOR, schema_version=2)])
    tail = [source.append(f"p-{i}", source.stream_version(f"p-{i}"), [counted(i + 1)])[0]
            for i in range(3)]
    totals = Totals(sink)
    consumer = make_consumer(sink, source, totals, batched=True)
    consumer.catch_up()
    assert consumer.runs == [[e["position"] for e in log], [e["position"] for e in tail]]
    assert totals.state() == expected_from_log(log + tail)
    assert [d["position"] for d in consumer.parked()] == [41]
    assert consumer.checkpoint("intake") == 44
