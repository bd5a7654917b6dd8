"""Key figures from the projected rows: pure functions, the same for live, rebuilt and as-of rows.

Outcome rate (DESIGN §7): of the enrolments that started and ended (registered-in-error and
never-started excluded), the share that went to work or education, at the end and at 1, 3, 6, 12
months. Dates are ISO strings; an "as effective on D" view masks every date after D first.
"""
import statistics
from collections import Counter, defaultdict
from datetime import date, timedelta

from services.reporting.projection import WORK_OR_EDUCATION

DATE_FIELDS = {
    "enrolments": ("referred_on", "waitlisted_on", "allocated_on", "started_on", "ended_on",
                   "first_placement_on", "case_closed_on"),
    "placements": ("started_on", "ended_on"),
}
MONTHS = (1, 3, 6, 12)


def as_effective_on(rows, day):
    """Rows as the world stood on ``day``: what happened after it had not happened yet."""
    out = {c: {k: dict(v) for k, v in rs.items()} for c, rs in rows.items()}
    for e in out["enrolments"].values():
        for f in DATE_FIELDS["enrolments"]:
            if e.get(f) and e[f] > day:
                e[f] = None
        if not e.get("ended_on"):
            e.update(end_status=None, end_reason=None, outcome_hint=None)
        if not e.get("case_closed_on"):
            e["case_outcome"] = None
        if not e.get("referred_on"):
            e["excluded"] = True
    for p in out["placements"].values():
        for f in DATE_FIELDS["placements"]:
            if p.get(f) and p[f] > day:
                p[f] = None
    out["enrolments"] = {k: e for k, e in out["enrolments"].items() if not e.get("excluded")}
    return out


def _match(row, f, runs):
    """``org``, ``programme`` and ``run_id`` filters: one value, or several (any matches)."""
    for key in ("org", "programme", "run_id"):
        wanted = f.get(key)
        if wanted and row.get(key) not in ([wanted] if isinstance(wanted, str) else wanted):
            return False
    return True


def _in_period(day, f):
    return day is not None and (not f.get("from") or day >= f["from"]) and \
        (not f.get("to") or day <= f["to"])


def _days(a, b):
    """Days from ``a`` to ``b``, never negative: a later correction of one date can put a fact
    recorded in another service before it (a placement started before a corrected enrolment
    start counts as day 0)."""
    return max(0, (date.fromisoformat(b) - date.fromisoformat(a)).days)


def _spread(values):
    if not values:
        return {"n": 0, "median": None, "p90": None}
    values = sorted(values)
    p90 = values[min(len(values) - 1, int(round(0.9 * (len(values) - 1))))]
    return {"n": len(values), "median": statistics.median(values), "p90": p90}


def _share(numerator, denominator):
    return {"numerator": numerator, "denominator": denominator,
            "rate": round(numerator / denominator, 4) if denominator else None}


def _work_or_education(e):
    """Precedence: the case outcome, once the case is closed, else intake's outcome
    hint. Both services refuse an end and a closure that contradict each other; this rule only
    decides for histories recorded before they did (or a closure racing an end)."""
    if e.get("case_outcome"):
        return e["case_outcome"] in WORK_OR_EDUCATION
    return e.get("outcome_hint") in WORK_OR_EDUCATION


def report(rows, filters=None):
    """Every key figure for the rows that match ``filters`` (org, programme, run_id, from, to,
    cohort: "enrolment" | "ending" month as YYYY-MM)."""
    f = dict(filters or {})
    runs = rows["runs"]
    enrolments = [e for e in rows["enrolments"].values() if _match(e, f, runs)]
    cohort = f.get("cohort")
    if cohort:
        kind, month = cohort.split(":", 1)
        field = "started_on" if kind == "enrolment" else "ended_on"
        enrolments = [e for e in enrolments if (e.get(field) or "").startswith(month)]
    started = [e for e in enrolments if e.get("started_on") and not e.get("voided")]
    ended = [e for e in started if e.get("ended_on") and e.get("end_status")
             and _in_period(e["ended_on"], f)]

    outcomes = {"at_end": _share(sum(_work_or_education(e) for e in ended), len(ended))}
    for m in MONTHS:
        observed = [e for e in ended if e.get(f"observed_{m}")]
        outcomes[f"at_{m}_months"] = {
            **_share(sum(e[f"observed_{m}"] in WORK_OR_EDUCATION for e in observed), len(ended)),
            "observed": len(observed)}

    per_month = defaultdict(lambda: {"enrolments": 0, "endings": 0, "work_or_education": 0})
    for e in started:
        if _in_period(e["started_on"], f):
            per_month[e["started_on"][:7]]["enrolments"] += 1
    for e in ended:
        per_month[e["ended_on"][:7]]["endings"] += 1
        per_month[e["ended_on"][:7]]["work_or_education"] += _work_or_education(e)

    to_placement = [_days(e["started_on"], e["first_placement_on"]) for e in started
                    if e.get("first_placement_on")]
    to_outcome = [_days(e["started_on"], e.get("case_closed_on") or e["ended_on"]) for e in ended]

    ids = {e["enrolment_id"] for e in enrolments}
    placements = [p for p in rows["placements"].values()
                  if p.get("enrolment_id") in ids and p.get("started_on")]
    by_enrolment = {e["enrolment_id"]: e for e in enrolments}
    employers = defaultdict(lambda: {"placements": 0, "hires": 0, "small_jobs": 0})
    for p in placements:
        row = employers[p["employer_id"]]
        row["placements"] += 1
        row["small_jobs"] += p["kind"] == "small_job"
        e = by_enrolment[p["enrolment_id"]]
        row["hires"] += ((e.get("case_outcome") or "").startswith("employed")
                         and p.get("end_status") in (None, "completed"))
    names = rows["employers"]
    per_employer = sorted(({"employer_id": k, "name": names.get(k, {}).get("name"), **v}
                           for k, v in employers.items()),
                          key=lambda r: (-r["placements"], r["employer_id"]))

    ongoing_small = [p for p in placements if p["kind"] == "small_job" and not p.get("ended_on")]
    waiting = [e for e in enrolments if e.get("waitlisted_on") and not e.get("allocated_on")
               and not e.get("ended_on") and not e.get("voided")]
    waits = [_days(e["waitlisted_on"], e["allocated_on"]) for e in enrolments
             if e.get("waitlisted_on") and e.get("allocated_on")]
    return {
        "filters": f,
        "enrolments": len(enrolments), "started": len(started), "ended": len(ended),
        "outcomes": outcomes,
        "per_month": [{"month": k, **v} for k, v in sorted(per_month.items())],
        "days_to_first_placement": _spread(to_placement),
        "days_to_outcome": _spread(to_outcome),
        "per_employer": per_employer,
        "small_jobs": {"citizens": len({p["participant_id"] for p in ongoing_small}),
                       "firms": len({p["employer_id"] for p in ongoing_small}),
                       "hours_per_week": sum(p["hours_per_week"] for p in ongoing_small)},
        "waiting_list": {"length": len(waiting), "days_waited": _spread(waits)},
        "end_reasons": dict(Counter(e["end_reason"] for e in ended)),
    }


def capacity(rows, day_from, day_to, filters=None, step_days=7):
    """Active participants against places, per programme, sampled every ``step_days``."""
    f = dict(filters or {})
    runs = [r for r in rows["runs"].values() if _match(r, f, rows["runs"])]
    places = Counter()
    for r in runs:
        places[r["programme"]] += r["places"]
    enrolments = [e for e in rows["enrolments"].values()
                  if _match(e, f, rows["runs"]) and e.get("started_on") and not e.get("voided")]
    series = defaultdict(list)
    day, end = date.fromisoformat(day_from), date.fromisoformat(day_to)
    while day <= end:
        d = day.isoformat()
        active = Counter(e["programme"] for e in enrolments
                         if e["started_on"] <= d and (not e.get("ended_on") or e["ended_on"] > d))
        for programme in sorted(places):
            series[programme].append({"day": d, "active": active[programme],
                                      "places": places[programme]})
        day += timedelta(days=step_days)
    return dict(series)
