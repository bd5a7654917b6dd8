"""Rebuild throughput: replaying events into reporting's read model.

    deploy/local/servers start && set -a && . .local/servers.env && set +a
    .venv/bin/python -m bench.rebuild [--events 1000000] [--feed-events 50000]

1. In memory: N synthetic events (a realistic mix: referrals, enrolments, endings, placements,
   closures) through contract validation and the projection, as a rebuild does after reading them;
   wall time and peak RSS.
2. From the log: M events appended to an event store on the MongoDB-wire server, then replayed
   through the feed into the projection, against a raw feed read of the same events.
3. If the `eventsourcing` library is installed (pip install eventsourcing): the same events
   projected into the same rows by its ProjectionRunner (see bench/eventsourcing_runner.py).
Prints figures; asserts nothing.
"""
import argparse
import os
import resource
import time
import uuid

from pathways.contracts import REGISTRY, new_event
from pathways.eventstore import EventStore
from pathways.operations.mongo import drop, mongo_client
from services.reporting.projection import MemoryRows

ACTOR = {"type": "caseworker", "id": "bench"}


def synthetic(n):
    """Yield ``n`` stored-looking envelopes: each participant gives about ten events."""
    position, i = 0, 0
    run = "run-1"
    while position < n:
        i += 1
        eid, pid = f"e{i}", f"p{i}"
        ref = {"run_id": run, "enrolment_id": eid, "participant_id": pid}
        day = f"2025-{(i % 12) + 1:02d}-{(i % 27) + 1:02d}"
        intake = [
            ("ParticipantRegistered", {"participant_id": pid, "birth_year": 1980 + i % 30,
                                       "gender": "F" if i % 2 else "M", "municipality": "0301",
                                       "needs_group": "situational", "country": "NO"}),
            ("ParticipantReferred", {**ref, "programme": "aft", "status": "draft"}),
            ("ConsentRecorded", {**ref, "given_by": "participant", "on_behalf_reason": None}),
            ("ParticipantApplied", ref),
            ("PlaceAllocated", {**ref, "places_in_use": 1, "places": 20}),
            ("ParticipantEnrolled", {**ref, "programme": "aft", "start_date": day,
                                     "percent": 100, "days_per_week": 5}),
            ("EnrolmentEnded", {**ref, "programme": "aft", "status": "completed",
                                "reason": "got_job", "outcome_hint": "employed",
                                "start_date": day, "end_date": day}),
        ]
        placement = {"placement_id": f"pl{i}", "participant_id": pid, "enrolment_id": eid,
                     "employer_id": f"NO-{i % 50}", "opportunity_id": None}
        placements = [
            ("PlacementStarted", {**placement, "kind": "small_job", "hours_per_week": 7.0,
                                  "start_date": day}),
            ("CaseClosed", {"participant_id": pid, "enrolment_id": eid, "run_id": run,
                            "outcome": "employed_small_job", "date": day}),
        ]
        for source, events in (("intake", intake), ("placement", placements)):
            for kind, payload in events:
                position += 1
                if position > n:
                    return
                ev = new_event(kind, payload, org="org-a", actor=ACTOR)
                ev.update(source=source, stream_id=eid, stream_version=1, position=position,
                          recorded_at=ev["occurred_at"])
                yield ev


def peak_rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def in_memory(n):
    """Returns events/s."""
    rows = MemoryRows()
    started = time.perf_counter()
    for ev in synthetic(n):   # streamed, as pages from a feed are
        rows.apply(REGISTRY.read(ev, trusted_envelope=True))
    seconds = time.perf_counter() - started
    print(f"in memory: {n} events projected (validated) in {seconds:.1f} s = "
          f"{n / seconds:,.0f} events/s; peak RSS {peak_rss_mb():.0f} MB "
          f"(targets for 1M: < 60 s, < 500 MB); rows: "
          f"{sum(len(r) for r in rows.rows.values()):,} (event generation included)")
    return n / seconds


def from_the_log(m):
    db = mongo_client(os.environ["MONGO_URI"])[f"bench{uuid.uuid4().hex[:8]}"]
    try:
        store = EventStore(db, "intake").ensure_indexes()
        batch = []
        for i, ev in enumerate(synthetic(m)):
            draft = {k: ev[k] for k in ("event_id", "type", "schema_version", "org",
                                        "occurred_at", "actor", "correlation_id",
                                        "causation_id", "payload")}
            batch.append(draft)
            if len(batch) == 500:
                store.append(f"bench-{i}", 0, batch)
                batch = []
        if batch:
            store.append("bench-last", 0, batch)
        started, after, raw = time.perf_counter(), 0, 0
        while page := store.events_after(after, 1000):
            raw, after = raw + len(page), page[-1]["position"]
        raw_rate = raw / (time.perf_counter() - started)
        rows = MemoryRows()
        started, after, count = time.perf_counter(), 0, 0
        while page := store.events_after(after, 1000):
            for ev in page:
                rows.apply(REGISTRY.read(ev, trusted_envelope=True))
            count, after = count + len(page), page[-1]["position"]
        replay_rate = count / (time.perf_counter() - started)
        print(f"from the log ({os.environ.get('MONGO_KIND', '?')}): raw feed read "
              f"{raw_rate:,.0f} events/s; replay into the read model {replay_rate:,.0f} "
              f"events/s; ratio {replay_rate / raw_rate:.2f}x (target >= 0.5x; {count} events)")
        return replay_rate
    finally:
        drop(db)


def with_eventsourcing(events, our_rate, our_memory_rate):
    try:
        from bench.eventsourcing_runner import run
    except ImportError as err:
        print(f"eventsourcing comparison skipped: {err}")
        return
    rate = run(events)
    rows, started = MemoryRows(), time.perf_counter()
    for ev in events:   # the same events, already in memory, as its runner gets them
        rows.apply(REGISTRY.read(ev, trusted_envelope=True))
    same = len(events) / (time.perf_counter() - started)
    print(f"ours on the same {len(events):,} events in memory (each checked against its "
          f"contract, which its runner does not do): {same:,.0f} events/s = {same / rate:.2f}x "
          f"of its runner (target >= 1x)")
    print(f"eventsourcing ProjectionRunner (POPO recorder: its SQLite one cannot be subscribed "
          f"to): {rate:,.0f} events/s; ours from the log {our_rate:,.0f} events/s = "
          f"{our_rate / rate:.2f}x (target >= 2x); ours in memory {our_memory_rate / rate:.2f}x")


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--feed-events", type=int, default=50_000)
    args = parser.parse_args()
    memory_rate = in_memory(args.events)
    rate = from_the_log(args.feed_events)
    with_eventsourcing(list(synthetic(args.feed_events)), rate, memory_rate)


if __name__ == "__main__":
    main()
