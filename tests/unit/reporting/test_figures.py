"""Figures kept part by part give, after any change, exactly the report counted over all rows."""
import random

from services.reporting.figures import Figures, LiveRows
from services.reporting.kpis import report

FILTERS = [{}, {"org": ["org-a"]}, {"programme": ["vta", "aft"]}, {"run_id": ["r2"]},
           {"from": "2025-03-10", "to": "2025-09-20"}, {"cohort": "enrolment:2025-05"},
           {"cohort": "ending:2025-07", "org": ["org-b"]}]


def history(rng, enrolments=60):
    """Random events of many enrolments, interleaved as several caseworkers would record them."""
    def day():
        return f"2025-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
    lives = []
    for i in range(enrolments):
        org, eid, run = rng.choice(["org-a", "org-b"]), f"e{i}", rng.choice(["r1", "r2"])
        ref = {"run_id": run, "enrolment_id": eid, "participant_id": f"p{rng.randint(0, 40)}"}
        programme = rng.choice(["aft", "vta"])
        start, end = day(), day()
        life = [("intake", org, "ParticipantReferred", {**ref, "programme": programme,
                                                        "status": "draft"}, day())]
        if rng.random() < .3:
            life.append(("intake", org, "ParticipantWaitlisted", {**ref, "queue_position": 1},
                         day()))
        life.append(("intake", org, "PlaceAllocated", {**ref, "places_in_use": 1, "places": 9},
                     day()))
        life.append(("intake", org, "ParticipantEnrolled", {
            **ref, "programme": programme, "start_date": start, "percent": 100,
            "days_per_week": 5}, start))
        for j in range(rng.randint(0, 2)):
            pl = {"placement_id": f"{eid}-{j}", "enrolment_id": eid,
                  "participant_id": ref["participant_id"], "employer_id": f"NO-{rng.randint(1, 5)}",
                  "opportunity_id": None, "kind": rng.choice(["small_job", "work_trial"]),
                  "hours_per_week": rng.choice([6.0, 7.5, 0.1])}
            life.append(("placement", org, "PlacementProposed", {**pl, "run_id": run}, day()))
            life.append(("placement", org, "PlacementStarted", {**pl, "start_date": day()},
                         day()))
            if rng.random() < .5:
                life.append(("placement", org, "PlacementEnded", {
                    **pl, "end_date": day(), "status": rng.choice(["completed", "aborted"])},
                    day()))
        if rng.random() < .7:
            life.append(("intake", org, "EnrolmentEnded", {
                **ref, "programme": programme, "status": "completed",
                "reason": rng.choice(["got_job", "other"]),
                "outcome_hint": rng.choice(["employed", "unknown"]), "start_date": start,
                "end_date": end}, end))
            if rng.random() < .5:
                life.append(("placement", org, "CaseClosed", {
                    **ref, "outcome": rng.choice(["employed_ordinary", "no_outcome"]),
                    "date": end}, end))
            if rng.random() < .4:
                life.append(("placement", org, "OutcomeObserved", {
                    **ref, "months": rng.choice([1, 3]), "outcome": "employed"}, day()))
        if rng.random() < .05:
            life.append(("intake", org, "EnrolmentVoided", {**ref, "previous_state": "x"}, day()))
        lives.append(life)
    positions = {"intake": 0, "placement": 0}
    while lives:
        life = rng.choice(lives)
        source, org, kind, payload, when = life.pop(0)
        if not life:
            lives.remove(life)
        positions[source] += 1
        yield {"source": source, "type": kind, "payload": payload, "org": org,
               "position": positions[source], "occurred_at": f"{when}T09:00:00.000000Z",
               "recorded_at": "2026-01-01T00:00:00.000000Z", "stream_id": "s", "event_id": "x"}


def test_kept_figures_equal_the_full_count_after_every_few_events():
    rng = random.Random(2026)
    rows = LiveRows()
    figures = Figures(rows, kept_filters=len(FILTERS))
    compared = 0
    for n, event in enumerate(history(rng)):
        rows.apply(event)
        if n % 17 == 0:
            for f in FILTERS:
                assert figures.report(f) == report(rows.rows, f), (n, f)
                compared += 1
    for f in FILTERS:
        assert figures.report(f) == report(rows.rows, f)
    assert compared > 100 and figures.report({})["ended"] > 10


def test_a_report_recounts_only_the_parts_that_changed():
    rows = LiveRows()
    figures = Figures(rows)
    events = list(history(random.Random(5), enrolments=30))
    for event in events:
        rows.apply(event)
    figures.report({})
    counted = []
    rows.tally = lambda part, f, tally=rows.tally: counted.append(part) or tally(part, f)
    figures.report({})
    assert counted == []                                  # nothing changed: nothing recounted
    rows.apply({**events[-1], "position": events[-1]["position"] + 1})
    figures.report({})
    assert len(counted) == 1
