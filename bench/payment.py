"""The monthly payment basis of a national contract: 50 organisations, 100k enrolments.

    .venv/bin/python -m bench.payment [--enrolments 100000] [--orgs 50] [--repeat 7]

Reporting's rows are built the way the live rows are: each enrolment's events (referral, start,
a change of percentage for one in four, an end for most; three years of dates) validated by the
contracts and applied by reporting's projection (a case closed in work for one in five); one contract covers every organisation with
places, a rate, a result line, a place move mid-month and an extension. Then the basis of one
month, timed (p50, max of ``--repeat``), for all organisations and for one, and the costs
over two years; the process's peak
memory (RSS), how much building the rows grew it, and what one basis takes while computing
(tracemalloc). No servers; asserts nothing.
"""
import argparse
import resource
import statistics
import time
import tracemalloc
from datetime import date, datetime, timedelta, timezone

from pathways.contracts import REGISTRY, new_event
from services.reporting.payment import costs, payment_basis
from services.reporting.projection import MemoryRows

ACTOR = {"type": "caseworker", "id": "bench"}
FIRST_DAY = date(2024, 1, 1)


def at(day_text):
    d = date.fromisoformat(day_text)
    return datetime(d.year, d.month, d.day, 9, tzinfo=timezone.utc)


def day(i):
    return (FIRST_DAY + timedelta(days=i % 1000)).isoformat()


def stored(draft, position):
    """A draft as the feed gives it: checked by its contract, with a position."""
    draft = REGISTRY.validate_draft(draft)
    source = "placement" if draft["type"] == "CaseClosed" else "intake"
    return {**draft, "source": source, "position": position, "stream_id": "s",
            "stream_version": position,
            "recorded_at": draft["occurred_at"]}


def histories(n, orgs):
    for i in range(n):
        org = orgs[i % len(orgs)]
        ref = {"run_id": f"run-{i % 200}", "enrolment_id": f"e{i}", "participant_id": f"p{i}"}
        start, end = day(i), day(i + 60 + i % 300)

        def ev(kind, payload, when):
            return new_event(kind, payload, org=org, actor=ACTOR,
                             occurred_at=at(when))
        yield ev("ParticipantReferred", {**ref, "programme": "vta", "status": "draft"}, start)
        yield ev("ParticipantEnrolled", {**ref, "programme": "vta", "start_date": start,
                                         "percent": 100, "days_per_week": 5}, start)
        if i % 4 == 0:
            yield ev("ParticipationChanged", {**ref, "percent": 50, "days_per_week": 3,
                                              "from_date": day(i + 20)}, day(i + 20))
        if i % 5:
            yield ev("EnrolmentEnded", {**ref, "programme": "vta", "status": "completed",
                                        "reason": "other", "outcome_hint": "unknown",
                                        "start_date": start, "end_date": end}, end)
        if i % 5 == 1:   # a case closed in work a month after the end
            closed = (date.fromisoformat(end) + timedelta(days=30)).isoformat()
            yield {**ev("CaseClosed", {**ref, "outcome": "employed_ordinary", "date": closed,
                                       "enrolment_status": "completed"}, closed),
                   "schema_version": 2}


def contract(orgs):
    return [new_event("ContractMade", {
        "contract_id": "national", "funder": "nav", "name": "national", "orgs": list(orgs),
        "programmes": ["vta"], "period_from": "2024-01-01", "period_to": "2025-12-31",
        "places": {o: 400 for o in orgs}, "currency": "NOK", "rate": "15840.00",
        "result_amount": "20000.00", "result_months": 6}, org="hub", actor=ACTOR,
        occurred_at=at("2024-01-01")),
        new_event("ContractPlacesMoved", {"contract_id": "national", "from_org": orgs[0],
                                          "to_org": orgs[1], "places": 50,
                                          "from_date": "2025-03-15"}, org="hub", actor=ACTOR,
                  occurred_at=at("2025-03-10")),
        new_event("ContractExtended", {"contract_id": "national", "period_to": "2026-06-30"},
                  org="hub", actor=ACTOR, occurred_at=at("2025-06-01"))]


def timed(fn, repeat):
    seconds = []
    for _ in range(repeat):
        began = time.perf_counter()
        fn()
        seconds.append(time.perf_counter() - began)
    return statistics.median(seconds), max(seconds)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--enrolments", type=int, default=100_000)
    parser.add_argument("--orgs", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    orgs = [f"org-{k:02d}" for k in range(args.orgs)]
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    began, rows, position = time.perf_counter(), MemoryRows(), 0
    for draft in [*contract(orgs), *histories(args.enrolments, orgs)]:
        position += 1
        rows.apply(REGISTRY.read(stored(draft, position), trusted_envelope=True))
    built = time.perf_counter() - began
    grown = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss) / 1024
    row = rows.rows["contracts"]["national"]
    enrolments = rows.rows["enrolments"].values()
    print(f"rows: {args.enrolments} enrolments of {args.orgs} organisations, {position} events "
          f"checked and projected in {built:.1f} s; the process grew by {grown:.0f} MiB")
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    basis = payment_basis(row, enrolments, "2025-03")
    held = tracemalloc.get_traced_memory()[1] - before
    tracemalloc.stop()
    total = basis["total"]
    print(f"basis 2025-03: {total['participant_months']:.1f} participant-months, "
          f"{total['place_months']:.1f} place-months, {total['results']} results, "
          f"{total['amount']} NOK; allocated at the peak while computing: {held / 1024:.0f} KiB")
    for what, orgs_of in (("all organisations", None), ("one organisation", {orgs[1]})):
        p50, most = timed(lambda: payment_basis(row, enrolments, "2025-03", orgs_of),
                          args.repeat)
        print(f"  monthly basis, {what}: p50 {p50 * 1000:.0f} ms, max {most * 1000:.0f} ms")
    p50, most = timed(lambda: costs(row, enrolments, "2025-12"), args.repeat)
    print(f"  costs over the period to 2025-12 (24 months), all organisations: "
          f"p50 {p50 * 1000:.0f} ms, max {most * 1000:.0f} ms")
    print(f"peak RSS of the process: "
          f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")


if __name__ == "__main__":
    main()
