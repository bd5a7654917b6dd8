"""Caseload and due-list latency against an organisation's whole history.

    deploy/local/servers start && set -a && . .local/servers.env && set +a
    .venv/bin/python -m bench.caseload [--sizes 10000,100000] [--active 2000] [--coaches 50]

For each size N: a fresh database; N enrolments in runs of 500, each assigned to one of
``--coaches`` coaches, started, with one contact, written through the kernel's append into
intake's log (as years of work would have left it). The last ``--active`` of them are still
participating (a coach holds about active / coaches at a time); the others have ended: they are
the history a coach's list must not grow with. Then intake's caseload view is built from the
log (events/s; the process's peak memory before and after) and intake's use cases are timed as the
HTTP entrypoints call them: a coach's caseload (first page of 100), a coach's due list, the
coordinator's load of every coach, and the whole organisation's due list. Prints p50/p99 per size;
asserts nothing.
"""
import eventlet

eventlet.monkey_patch()  # noqa: E402

import argparse  # noqa: E402
import os  # noqa: E402
import random  # noqa: E402
import resource  # noqa: E402
import time  # noqa: E402
import uuid  # noqa: E402

from bench.commands import ORG, START, event, percentiles, timed  # noqa: E402
from pathways.eventstore import EventStore  # noqa: E402
from pathways.operations.mongo import drop, mongo_client  # noqa: E402
from pathways.security.callers import Caller  # noqa: E402
from services.intake.app import Intake, coaches_stream, run_stream  # noqa: E402
from services.intake.views import CaseloadView  # noqa: E402

RUN_SIZE = 500


def peak_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def seed(store, n, coaches, active):
    """N enrolments over runs of RUN_SIZE, each with a coach and a contact, all but the last
    ``active`` ended; events written."""
    store.append(coaches_stream(ORG), 0, [event("CoachRegistered", {
        "coach_id": c, "specialty": "labour_market"}) for c in coaches])
    written = len(coaches)
    for first in range(0, n, RUN_SIZE):
        run_id = str(uuid.uuid4())
        events = [event("ProgrammeRunCreated", {
            "run_id": run_id, "programme": "aft", "name": f"bench {first}", "places": RUN_SIZE,
            "start_mode": "rolling", "start_date": None, "approval_required": False})]
        for i in range(first, min(first + RUN_SIZE, n)):
            ref = {"run_id": run_id, "enrolment_id": f"e-{i}", "participant_id": f"p-{i}"}
            events += [
                event("ParticipantReferred", {**ref, "programme": "aft", "status": "draft"}),
                event("ConsentRecorded", {**ref, "given_by": "participant",
                                          "on_behalf_reason": None}),
                event("ParticipantApplied", ref),
                event("PlaceAllocated", {**ref, "places_in_use": i - first + 1,
                                         "places": RUN_SIZE}),
                event("ParticipantEnrolled", {**ref, "programme": "aft", "start_date": START,
                                              "percent": 100, "days_per_week": 5}),
                event("CoachAssigned", {**ref, "coach_id": coaches[i % len(coaches)],
                                        "co_coach_id": None, "previous_coach_id": None}),
                event("ContactRecorded", {**ref, "kind": "visit", "place": "outside",
                                          "outcome": "held"})]
            if i < n - active:
                events.append(event("EnrolmentEnded", {
                    **ref, "programme": "aft", "status": "completed", "reason": "got_job",
                    "outcome_hint": "employed", "start_date": START, "end_date": "2025-02-28"}))
        version = 0
        for i in range(0, len(events), 1000):
            store.append(run_stream(run_id), version, events[i:i + 1000])
            version += len(events[i:i + 1000])
        written += len(events)
    return written


def bench_size(client, n, samples, coaches, active):
    db = client[f"bench{uuid.uuid4().hex[:8]}"]
    try:
        store = EventStore(db, "intake").ensure_indexes()
        names = [f"coach-{c}" for c in range(coaches)]
        started = time.perf_counter()
        events = seed(store, n, names, active)
        seeded = time.perf_counter() - started
        intake = Intake(store, None, None)
        view = CaseloadView(db, store, intake.commands)
        intake.caseload_view = view
        before = peak_mb()
        build_s = timed(view.refresh) / 1000
        after = peak_mb()
        rng = random.Random(n)
        coordinator = Caller(ORG, "coordinator", "bench-coordinator")
        figures = {"view built from the log": f"{events / build_s:9.0f} events/s "
                                              f"({events:,} events, {build_s:.1f} s)",
                   "peak memory": f"{before:.0f} MB before the build, {after:.0f} MB after"}
        cases = {
            "a coach's caseload (100)": lambda: intake.caseload(
                Caller(ORG, "caseworker", rng.choice(names)), {"limit": "100"}),
            "a coach's due list": lambda: intake.due(
                Caller(ORG, "caseworker", rng.choice(names)), {"on": "2025-03-01"}),
            "every coach's load": lambda: intake.list_coaches(coordinator),
            "the organisation's due list": lambda: intake.due(coordinator, {"on": "2025-03-01"}),
        }
        for name, case in cases.items():
            count = samples if "organisation" not in name and "every" not in name else 20
            figures[name] = percentiles([timed(case) for _ in range(count)])
        print(f"\n{n:,} enrolments, {active:,} active, {coaches} coaches ({events:,} events; "
              f"seeded in {seeded:.1f} s)")
        for name, figure in figures.items():
            print(f"  {name:<30} {figure}")
    finally:
        drop(db)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--samples", type=int, default=200)
    parser.add_argument("--coaches", type=int, default=50)
    parser.add_argument("--active", type=int, default=2000)
    args = parser.parse_args()
    uri = os.environ.get("MONGO_URI")
    if not uri:
        raise SystemExit("MONGO_URI is not set: start deploy/local/servers and source "
                         ".local/servers.env")
    client = mongo_client(uri)
    for n in (int(s) for s in args.sizes.split(",")):
        bench_size(client, n, args.samples, args.coaches, min(args.active, n))


if __name__ == "__main__":
    main()
