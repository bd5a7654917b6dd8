"""Event store and relay throughput against the raw driver operations on the same servers.

    deploy/local/servers start && set -a && . .local/servers.env && set +a
    .venv/bin/python -m bench.eventstore [--events N] [--writers W]

Prints figures; asserts nothing. Appends run on eventlet green threads, as in the services.
"""
import eventlet

eventlet.monkey_patch()  # noqa: E402

import argparse  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import time  # noqa: E402
import uuid  # noqa: E402

import kombu  # noqa: E402

from pathways.eventstore import EventStore  # noqa: E402
from pathways.messaging import ConfirmingPublisher, Relay  # noqa: E402
from pathways.operations.mongo import drop, mongo_client  # noqa: E402
from tests.support import counted, make_registry  # noqa: E402


def rate(n, seconds):
    return n / seconds if seconds else float("inf")


def run_concurrently(writers, total, fn):
    per_writer = total // writers
    pool = eventlet.GreenPool(writers)
    started = time.perf_counter()
    for w in range(writers):
        pool.spawn(lambda w=w: [fn(w, i) for i in range(per_writer)])
    pool.waitall()
    return per_writer * writers, time.perf_counter() - started


def bench_appends(db, n, writers):
    store = EventStore(db, "bench", registry=make_registry()).ensure_indexes()
    raw = db["raw_inserts"]
    sample = store.append("warmup", 0, [counted(1)])

    def append(w, i):
        store.append(f"s-{w}", i, [counted(i)])

    def insert(w, i):
        raw.insert_one({"stream_id": f"s-{w}", "stream_version": i + 1, "events": [sample[0]]})

    n_raw, t_raw = run_concurrently(writers, n, insert)
    n_ours, t_ours = run_concurrently(writers, n, append)
    return store, rate(n_ours, t_ours), rate(n_raw, t_raw)


def bench_reads(store, db, page=500):
    started, after, count = time.perf_counter(), 0, 0
    while True:
        events = store.events_after(after, page)
        if not events:
            break
        count, after = count + len(events), events[-1]["position"]
    ours = rate(count, time.perf_counter() - started)
    started, after, raw_count = time.perf_counter(), 0, 0
    while True:
        docs = list(db["commits"].find({"_id": {"$gt": after}}, sort=[("_id", 1)], limit=page))
        if not docs:
            break
        raw_count, after = raw_count + sum(len(d["events"]) for d in docs), docs[-1]["_id"]
    return ours, rate(raw_count, time.perf_counter() - started), count


def raw_publish_rate(amqp_uri, exchange_name, events, confirm):
    options = {"confirm_publish": True} if confirm else {}
    with kombu.Connection(amqp_uri, transport_options=options) as conn:
        exchange = kombu.Exchange(exchange_name, type="topic", durable=True, auto_delete=False)
        producer = conn.Producer(exchange=exchange)
        exchange(conn.default_channel).declare()
        started = time.perf_counter()
        for ev in events:
            producer.publish(json.dumps(ev), routing_key=ev["type"], delivery_mode=2,
                             content_type="application/json", content_encoding="utf-8")
        seconds = time.perf_counter() - started
        exchange(conn.default_channel).delete()
    return rate(len(events), seconds)


def bench_publish(store, amqp_uri, n):
    events = store.events_after(0, n)
    tag = uuid.uuid4().hex[:6]
    # Raw kombu waiting for each confirm (kombu's confirm_publish), and without confirms: the
    # ceiling, with no delivery guarantee.
    raw_confirmed = raw_publish_rate(amqp_uri, f"bench-{tag}.events", events, confirm=True)
    raw_unconfirmed = raw_publish_rate(amqp_uri, f"bench-{tag}-nc.events", events, confirm=False)
    # Our relay: read from the log, publish in batches with confirms, checkpoint after each.
    publisher = ConfirmingPublisher(amqp_uri)
    relay = Relay(store, publisher)
    started = time.perf_counter()
    published = relay.drain()
    ours = rate(published, time.perf_counter() - started)
    publisher.close()
    with kombu.Connection(amqp_uri) as conn:
        kombu.Exchange("bench.events", type="topic")(conn.default_channel).delete()
    return ours, raw_confirmed, raw_unconfirmed, published


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=4000)
    parser.add_argument("--writers", type=int, default=16)
    args = parser.parse_args()
    uri, amqp_uri = os.environ["MONGO_URI"], os.environ["AMQP_URI"]
    db = mongo_client(uri)[f"bench{uuid.uuid4().hex[:8]}"]
    kind = os.environ.get("MONGO_KIND", "?")
    try:
        store, ours, raw = bench_appends(db, args.events, args.writers)
        print(f"server: {kind} at {uri}; {args.events} events, {args.writers} concurrent writers")
        print(f"append (1 event/commit): {ours:8.0f}/s   raw insert_one: {raw:8.0f}/s   "
              f"ratio {ours / raw:.2f}x (target >= 0.8x)")
        r_ours, r_raw, count = bench_reads(store, db)
        print(f"events_after read:       {r_ours:8.0f}/s   raw find:       {r_raw:8.0f}/s   "
              f"ratio {r_ours / r_raw:.2f}x (target >= 0.8x; {count} events)")
        p_ours, p_raw, p_nc, published = bench_publish(store, amqp_uri, args.events + 1)
        print(f"relay publish:           {p_ours:8.0f}/s   raw kombu+confirm each: {p_raw:8.0f}/s "
              f"  ratio {p_ours / p_raw:.2f}x   (raw without confirms: {p_nc:.0f}/s; "
              f"{published} events)")
    finally:
        drop(db)


if __name__ == "__main__":
    main()
