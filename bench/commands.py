"""Command latency against a programme run that already holds many enrolments.

    deploy/local/servers start && set -a && . .local/servers.env && set +a
    .venv/bin/python -m bench.commands [--sizes 10,1000,10000] [--samples 200] [--clients 16]

For each size N: a fresh database; one run with N participating enrolments, written straight
into intake's event log (as a long history would have left it); then intake's use cases on the
MongoDB-wire server, as the HTTP and RPC entrypoints call them: a referral of a registered
participant, then a consent for it (two commands on the run's stream), sequentially and from
``--clients`` eventlet green threads at once (the services' concurrency). Each run's summary
view is brought up to date after the sequential commands and timed per event.
Prints p50/p99 per size and the ratio of the largest size to the smallest; asserts nothing.
"""
import eventlet

eventlet.monkey_patch()  # noqa: E402

import argparse  # noqa: E402
import os  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402
import uuid  # noqa: E402
from datetime import datetime, timezone  # noqa: E402

from pathways.security.callers import Caller  # noqa: E402
from pathways.contracts import new_event  # noqa: E402
from pathways.errors import Conflict  # noqa: E402
from pathways.eventstore import EventStore  # noqa: E402
from pathways.operations.mongo import drop, mongo_client  # noqa: E402
from services.intake.app import Intake, participant_stream, run_stream  # noqa: E402
from services.intake.commands import RecordConsent  # noqa: E402
from services.intake.views import RunsView  # noqa: E402

ORG = "org-a"
CALLER = Caller(ORG, "caseworker", "bench")
ACTOR = {"type": "caseworker", "id": "bench"}
START = "2025-01-06"
SEEDED_AT = datetime(2025, 1, 6, 12, tzinfo=timezone.utc)


def event(kind, payload):
    return new_event(kind, payload, org=ORG, actor=ACTOR, occurred_at=SEEDED_AT)


def seed_run(store, run_id, n, places):
    """A run with ``n`` participating enrolments, in commits of at most 1,000 events."""
    events = [event("ProgrammeRunCreated", {
        "run_id": run_id, "programme": "aft", "name": f"bench {n}", "places": places,
        "start_mode": "rolling", "start_date": None, "approval_required": False})]
    for i in range(n):
        ref = {"run_id": run_id, "enrolment_id": f"seed-{i}", "participant_id": f"seed-p{i}"}
        events += [
            event("ParticipantReferred", {**ref, "programme": "aft", "status": "draft"}),
            event("ConsentRecorded", {**ref, "given_by": "participant", "on_behalf_reason": None}),
            event("ParticipantApplied", ref),
            event("PlaceAllocated", {**ref, "places_in_use": i + 1, "places": places}),
            event("ParticipantEnrolled", {**ref, "programme": "aft", "start_date": START,
                                          "percent": 100, "days_per_week": 5}),
        ]
    version = 0
    for i in range(0, len(events), 1000):
        store.append(run_stream(run_id), version, events[i:i + 1000])
        version += len(events[i:i + 1000])
    return version


def seed_participants(store, count):
    ids = [str(uuid.uuid4()) for _ in range(count)]
    for pid in ids:
        store.append(participant_stream(pid), 0, [event("ParticipantRegistered", {
            "participant_id": pid, "birth_year": 1990, "gender": "F", "municipality": "0301",
            "needs_group": "situational", "country": "NO"})])
    return ids


def timed(fn):
    started = time.perf_counter()
    fn()
    return (time.perf_counter() - started) * 1000


def refer_and_consent(intake, run_id, pid, latencies, failures):
    enrolment = {}

    def refer():
        enrolment.update(intake.refer(CALLER, run_id, {"participant_id": pid}))

    def consent():
        intake.enrolment_action(CALLER, run_id, enrolment["enrolment_id"],
                                (RecordConsent, {"given_by": "participant"}))
    for step in (refer, consent):
        try:
            latencies.append(timed(step))
        except Conflict as err:   # a contended stream that gave up: counted, not timed
            failures.append(err.rule)
            return


def percentiles(values):
    values = sorted(values)
    if not values:
        return "no samples"
    p99 = values[min(len(values) - 1, int(round(0.99 * (len(values) - 1))))]
    return f"p50 {statistics.median(values):7.1f} ms  p99 {p99:7.1f} ms  (n={len(values)})"


def bench_size(client, n, samples, clients):
    db = client[f"bench{uuid.uuid4().hex[:8]}"]
    try:
        store = EventStore(db, "intake").ensure_indexes()
        run_id = str(uuid.uuid4())
        started = time.perf_counter()
        seed_run(store, run_id, n, places=10_000)   # the contract's most; referrals need none
        pids = seed_participants(store, 2 * samples + 1)
        seeded = time.perf_counter() - started
        intake = Intake(store, None, None)
        try:
            view = RunsView(db, store, intake.commands)   # the service shares the kept states
        except TypeError:   # (a version without kept states)
            view = RunsView(db, store)
        figures = {}
        cold = []
        refer_and_consent(intake, run_id, pids.pop(), cold, [])
        figures["first command (cold)"] = percentiles(cold[:1])

        seq, failures = [], []
        # The view starts where the seeded history ends (as if it had followed it all along):
        # only the commands' own events are timed.
        source = view.consumer.sources[0]
        view.consumer.checkpoints.replace_one(
            {"_id": view.consumer._key(source)},
            {"_id": view.consumer._key(source), "position": store.head()["position"]},
            upsert=True)
        for _ in range(samples):
            refer_and_consent(intake, run_id, pids.pop(), seq, failures)
        figures["sequential"] = percentiles(seq)
        appended = 2 * samples
        view_ms = timed(view.refresh)
        figures["run summary view"] = f"{view_ms / appended:7.2f} ms per event ({appended} events)"

        conc, per_client = [], max(1, samples // clients)
        pool = eventlet.GreenPool(clients)
        for c in range(clients):
            mine = [pids.pop() for _ in range(per_client)]
            pool.spawn(lambda mine=mine: [refer_and_consent(intake, run_id, pid, conc, failures)
                                          for pid in mine])
        pool.waitall()
        figures[f"{clients} concurrent"] = percentiles(conc)
        figures["gave up (concurrent_update)"] = str(len(failures))
        print(f"\n{n:,} enrolments ({store.stream_version(run_stream(run_id)):,} events in the "
              f"run's stream; seeded in {seeded:.1f} s)")
        for name, figure in figures.items():
            print(f"  {name:<28} {figure}")
        return statistics.median(seq), statistics.median(conc) if conc else None
    finally:
        drop(db)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="10,1000,10000")
    parser.add_argument("--samples", type=int, default=200)
    parser.add_argument("--clients", type=int, default=16)
    args = parser.parse_args()
    client = mongo_client(os.environ["MONGO_URI"])
    sizes = [int(s) for s in args.sizes.split(",")]
    print(f"server: {os.environ.get('MONGO_KIND', '?')} at {os.environ['MONGO_URI']}")
    medians = {n: bench_size(client, n, args.samples, args.clients) for n in sizes}
    small, large = medians[sizes[0]], medians[sizes[-1]]
    print(f"\nlargest / smallest, p50: sequential {large[0] / small[0]:.2f}x, "
          f"{args.clients} concurrent {large[1] / small[1]:.2f}x (target <= 1.5x)")


if __name__ == "__main__":
    main()
