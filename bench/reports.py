"""KPI report latency against the size of the read model, and how soon a command shows in it.

    deploy/local/servers start && set -a && . .local/servers.env && set +a
    .venv/bin/python -m bench.reports [--sizes 1000,10000,100000] [--rate 100] [--seconds 20]

1. For each size N: a fresh database; intake's and placement's event logs on the MongoDB-wire
   server hold N enrolments' histories (referral, start, end; a placement and a closed case for
   most: six events each, in one commit per source; 3 organisations, 20 runs, three years of
   dates); reporting's read model
   is built from the feeds (the rebuild, and the live rows where the service keeps them); then
   ``GET /reports/kpis`` as the use case serves it (the caller's organisation: its filter; an
   admin: all), timed after a first report, and after 100 new events.
2. At the middle size: commands at a steady ``--rate`` per second (each appends a referral to
   intake's log and is pushed to reporting, as the relay and broker do), while a reader asks for
   the report without pause; for each command, the time until a report counted it. p50/p99.
Prints figures; asserts nothing.
"""
import eventlet

eventlet.monkey_patch()  # noqa: E402

import argparse  # noqa: E402
import os  # noqa: E402
import resource  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402
import uuid  # noqa: E402
from datetime import date, datetime, timedelta, timezone  # noqa: E402

from pathways.contracts import new_event  # noqa: E402
from pathways.eventstore import EventStore  # noqa: E402
from pathways.operations.mongo import drop, mongo_client  # noqa: E402
from services.reporting.app import Reporting  # noqa: E402

ORGS = ("org-a", "org-b", "org-c")
ACTOR = {"type": "caseworker", "id": "bench"}
FIRST_DAY = date(2023, 1, 2)


def day(i):
    return (FIRST_DAY + timedelta(days=i % 1000)).isoformat()


def at(day_text):
    d = date.fromisoformat(day_text)
    return datetime(d.year, d.month, d.day, 12, tzinfo=timezone.utc)


def history(i):
    """One enrolment's events: (source, org, [drafts])."""
    org, run = ORGS[i % 3], f"run-{i % 20}"
    ref = {"run_id": run, "enrolment_id": f"e{i}", "participant_id": f"p{i}"}
    programme = ("aft", "oppfolging")[i % 2]
    start, end = day(i), day(i + 30 + i % 200)

    def ev(kind, payload, when):
        return new_event(kind, payload, org=org, actor=ACTOR, occurred_at=at(when))
    intake = [ev("ParticipantReferred", {**ref, "programme": programme, "status": "draft"},
                 day(i - 10)),
              ev("ParticipantEnrolled", {**ref, "programme": programme, "start_date": start,
                                         "percent": 100, "days_per_week": 5}, start)]
    placement = []
    if i % 4:
        intake.append(ev("EnrolmentEnded", {
            **ref, "programme": programme, "status": "completed", "reason": "got_job",
            "outcome_hint": "employed", "start_date": start, "end_date": end}, end))
        pl = {"placement_id": f"pl{i}", "enrolment_id": f"e{i}", "participant_id": f"p{i}",
              "employer_id": f"NO-{i % 300}", "opportunity_id": None,
              "kind": ("small_job", "work_trial", "ordinary_job")[i % 3],
              "hours_per_week": (7.0, 37.5, 20.0)[i % 3]}
        placement = [ev("PlacementProposed", {**pl, "run_id": run, "wage_subsidy_percent": None,
                                              "has_mentor": False, "start_date": start,
                                              "planned_end_date": None}, start),
                     ev("PlacementStarted", {**pl, "start_date": start}, start),
                     ev("CaseClosed", {**ref, "outcome": "employed_ordinary", "date": end}, end)]
    return org, intake, placement


def seed(stores, n, writers=16):
    """N enrolments, one commit per enrolment and source (as the commands left them), appended
    from ``writers`` green threads (group commit)."""
    def write(i):
        org, intake, placement = history(i)
        for source, events in (("intake", intake), ("placement", placement)):
            if events:
                stores[source].append(f"{source}-e{i}", 0, events)
    pool = eventlet.GreenPool(writers)
    for i in range(n):
        pool.spawn_n(write, i)
    pool.waitall()


def feed_of(stores):
    return lambda source, after, limit: stores[source].feed_page(after, limit)[:2]


def timed(fn, repeat):
    out = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        out.append((time.perf_counter() - started) * 1000)
    return out


def p(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


def ready(reporting):
    """The read model built from the feeds: a rebuild (persisted rows), and the live rows in
    memory where this version of the service keeps them."""
    reporting.rebuild()
    if hasattr(reporting, "follow_live"):
        reporting.follow_live()


def refer(stores, reporting, i):
    org = ORGS[0]
    stored = stores["intake"].append(f"live-{i}", 0, [new_event("ParticipantReferred", {
        "run_id": "run-0", "enrolment_id": f"live-{i}", "participant_id": f"lp{i}",
        "programme": "aft", "status": "draft"}, org=org, actor=ACTOR)])
    reporting.receive(stored[0])    # what the relay and the broker deliver


def bench_size(client, n, repeat):
    db = client[f"bench{uuid.uuid4().hex[:8]}"]
    try:
        stores = {s: EventStore(client[f"{db.name}_{s}"], s).ensure_indexes()
                  for s in ("intake", "placement", "employer")}
        started = time.perf_counter()
        seed(stores, n)
        seeded = time.perf_counter() - started
        reporting = Reporting(db, feed_of(stores))
        started = time.perf_counter()
        ready(reporting)
        built = time.perf_counter() - started
        one_org = {"org": ["org-a"]}
        first = timed(lambda: reporting.report(one_org), 1)[0]
        org = timed(lambda: reporting.report(one_org), repeat)
        everyone = timed(lambda: reporting.report({}), repeat)
        for i in range(100):
            refer(stores, reporting, i)
        after_changes = timed(lambda: reporting.report(one_org), 1)[0]
        check = reporting.report({})
        print(f"\n{n:,} enrolments ({check['enrolments']:,} in the report; seeded in "
              f"{seeded:.0f} s, read model built in {built:.1f} s; peak RSS "
              f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB)")
        print(f"  first report           {first:8.1f} ms")
        print(f"  one organisation       p50 {statistics.median(org):8.1f} ms  "
              f"p99 {p(org, .99):8.1f} ms  (n={repeat})")
        print(f"  all organisations      p50 {statistics.median(everyone):8.1f} ms  "
              f"p99 {p(everyone, .99):8.1f} ms")
        print(f"  after 100 new events   {after_changes:8.1f} ms")
        return statistics.median(org), (db, stores, reporting)
    except BaseException:
        drop_all(client, db)
        raise


def drop_all(client, db):
    for name in client.list_database_names():
        if name.startswith(db.name):
            drop(client[name])


def visibility(stores, reporting, rate, seconds):
    """Commands at ``rate`` per second; a reader reports without pause. Returns the delays."""
    appended, seen, writing = [], [], [True]
    base = reporting.report({"org": ["org-a"]})["enrolments"]
    started = time.perf_counter()
    stop = started + seconds

    def writer():
        i, next_at = 0, time.perf_counter()
        while next_at < stop:
            eventlet.sleep(max(0.0, next_at - time.perf_counter()))
            refer(stores, reporting, 10_000 + i)
            appended.append(time.perf_counter())
            i, next_at = i + 1, next_at + 1 / rate
        writing[0] = False

    def reader():
        while writing[0] or len(seen) < len(appended):
            count = reporting.report({"org": ["org-a"]})["enrolments"] - base
            now = time.perf_counter()
            while len(seen) < min(count, len(appended)):
                seen.append(now)
            eventlet.sleep(0)
            if now > stop + 60:
                break
    pool = eventlet.GreenPool(2)
    pool.spawn(writer)
    pool.spawn(reader)
    pool.waitall()
    achieved = len(appended) / (appended[-1] - started) if appended else 0
    return [s - a for a, s in zip(appended, seen)], len(appended), achieved


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--rate", type=float, default=100)
    parser.add_argument("--seconds", type=float, default=20)
    args = parser.parse_args()
    client = mongo_client(os.environ["MONGO_URI"])
    sizes = [int(s) for s in args.sizes.split(",")]
    print(f"server: {os.environ.get('MONGO_KIND', '?')} at {os.environ['MONGO_URI']}")
    medians, middle = {}, sizes[len(sizes) // 2]
    for n in sizes:
        medians[n], (db, stores, reporting) = bench_size(client, n, args.repeat)
        try:
            if n == middle:
                delays, sent, achieved = visibility(stores, reporting, args.rate, args.seconds)
                shown = [d * 1000 for d in delays]
                print(f"  command -> visible in the report at {args.rate:g}/s ({achieved:.0f}/s "
                      f"achieved) for {args.seconds:g} s: {len(shown)} of {sent} seen; p50 "
                      f"{statistics.median(shown):.0f} ms  p99 {p(shown, .99):.0f} ms  "
                      f"(target p99 < 1000 ms)")
        finally:
            if hasattr(reporting, "stop"):
                reporting.stop()
            drop_all(client, db)
    print(f"\nreport p50 (one organisation), largest / smallest: "
          f"{medians[sizes[-1]] / medians[sizes[0]]:.1f}x (target <= 3x)")


if __name__ == "__main__":
    main()
