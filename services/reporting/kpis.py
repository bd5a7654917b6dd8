"""Key figures from the projected rows: pure functions, the same for live, rebuilt and as-of rows.

Outcome rate (DESIGN §7): of the enrolments that started and ended (registered-in-error and
never-started excluded), the share that went to work or education, at the end and at 1, 3, 6, 12
months. Programmes judged by their stays (permanent adapted work) are left out of it and counted
by their stays instead; milestones as the share of starts that reached each, and the days to it. Dates are ISO strings; an "as effective on D" view masks every date after D first.
"""
from collections import Counter, defaultdict
from datetime import date, timedelta

from pathways.contracts.programmes import ACTIVITIES, KINDS, OUTCOME_FAMILIES
from pathways.domain.statistics import spread
from services.reporting import groups
from services.reporting.projection import WORK_OR_EDUCATION

DATE_FIELDS = {
    "enrolments": ("referred_on", "waitlisted_on", "allocated_on", "started_on", "ended_on",
                   "first_placement_on", "case_closed_on"),
    "placements": ("started_on", "ended_on"),
}
MONTHS = (1, 3, 6, 12)
ARRIVAL_STEPS = (("arrived_on", ()), ("assessed_on", ("specialty", "goal")),
                 ("routed_on", ("enrolment_id",)), ("closed_on", ("close_reason",)))
"""An arrival's dated steps, and what each step brought (gone when the step had not happened)."""


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
    for e in out["enrolments"].values():
        for f in ("planned_ends", "extensions", "milestones", "fees", "levels", "plans", "hours"):
            if e.get(f):
                e[f] = [item for item in e[f] if item[0] <= day]
    for a in out["arrivals"].values():
        for f, clears in ARRIVAL_STEPS:
            if a.get(f) and a[f] > day:
                a.update({f: None, **{c: None for c in clears}})
    out["arrivals"] = {k: a for k, a in out["arrivals"].items() if a.get("arrived_on")}
    out["contacts"] = {k: c for k, c in out["contacts"].items() if c["on"] <= day}
    out["activities"] = {k: a for k, a in out["activities"].items() if a["on"] <= day}
    out["clients"] = {k: c for k, c in out["clients"].items() if c["opened_on"] <= day}
    for c in out["clients"].values():
        if c.get("closed_on") and c["closed_on"] > day:
            c["closed_on"] = None
        for f in ("asks", "recruitments"):
            c[f] = [item for item in c.get(f) or () if item[0] <= day]
    for r in out["runs"].values():
        if r.get("membership"):
            r["membership"] = [m for m in r["membership"] if m[0] <= day]
    return out


def _match(row, f):
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


def selected(enrolments, f):
    """The enrolments ``f`` selects: organisations, programmes, runs, target groups, cohort."""
    cohort = f.get("cohort")
    if cohort:
        kind, month = cohort.split(":", 1)
        cohort_field = "started_on" if kind == "enrolment" else "ended_on"
    for e in enrolments:
        if _match(e, f) and groups.in_groups(e, f) and \
                (not cohort or (e.get(cohort_field) or "").startswith(month)):
            yield e


def _started(e):
    return bool(e.get("started_on")) and not e.get("voided")


def _ended(e, f):
    """Started, ended (in the period), judged by its outcome: the outcome rate's denominator."""
    return _started(e) and e.get("programme") not in STAYS and bool(
        e.get("ended_on") and e.get("end_status") and _in_period(e["ended_on"], f))


MEASURES = {"enrolments": lambda e, f: True, "started": lambda e, f: _started(e),
            "ended": _ended, "work_or_education": lambda e, f: _ended(e, f) and
            _work_or_education(e)}
"""What a breakdown counts (``groups.MEASURES``), as the report counts it."""


def breakdown(rows, filters, by, columns, measure, k):
    """One measure of the enrolments ``filters`` selects, by one or two groups, suppressed
    below ``k`` (``groups.breakdown``)."""
    f = filters or {}
    counts = MEASURES[measure]
    return {"measure": measure, **groups.breakdown(selected(rows["enrolments"].values(), f),
                                                   lambda e: counts(e, f), by, columns, k)}


def tally(enrolments, placements_of, filters=None):
    """What the enrolments that match ``filters`` (and their started placements,
    ``placements_of(enrolment_id)``) add to every key figure, as counts under flat keys. Tallies
    of disjoint sets of enrolments add up (``Counter.update``) and come apart (``subtract``)
    exactly, so a report can be kept up to date part by part (``figures.py``)."""
    f = filters or {}
    t = Counter()
    for e in selected(enrolments, f):
        t["enrolments"] += 1
        if e.get("waitlisted_on"):
            if e.get("allocated_on"):
                t["waited", _days(e["waitlisted_on"], e["allocated_on"])] += 1
            elif not e.get("ended_on") and not e.get("voided"):
                t["waiting"] += 1
        case_hire = (e.get("case_outcome") or "").startswith("employed")
        for p in placements_of(e["enrolment_id"]):
            if not p.get("started_on"):
                continue
            employer = p["employer_id"]
            t["employer", employer, "placements"] += 1
            t["employer", employer, "small_jobs"] += p["kind"] == "small_job"
            t["employer", employer, "hires"] += case_hire and p.get("end_status") in (
                None, "completed")
            if p["kind"] == "small_job" and not p.get("ended_on"):
                t["small_job_citizen", p["participant_id"]] += 1
                t["small_job_firm", employer] += 1
                t["small_job_hours", p["hours_per_week"]] += 1
        if not _started(e):
            continue
        t["started"] += 1
        if _in_period(e["started_on"], f):
            t["month", e["started_on"][:7], "enrolments"] += 1
        _hours(t, e)
        programme = e.get("programme")
        t["started_in", programme] += 1
        for day, milestone in e.get("milestones") or ():
            t["milestone", programme, milestone] += 1
            t["to_milestone", programme, milestone, _days(e["started_on"], day)] += 1
        if programme in STAYS:
            # judged by its stays: an end is no failure, nor counted in any outcome rate
            ended = bool(e.get("ended_on") and e.get("end_status"))
            t["stays", programme, "ended" if ended else "active"] += 1
            t["stays", programme, "to_work"] += ended and e.get("case_outcome") in \
                STAY_MOVES
            continue
        if e.get("first_placement_on"):
            t["to_placement", _days(e["started_on"], e["first_placement_on"])] += 1
        if not _ended(e, f):
            continue
        good = _work_or_education(e)
        t["ended"] += 1
        t["at_end"] += good
        for m in MONTHS:
            seen = e.get(f"observed_{m}")
            t["observed", m] += bool(seen)
            t["observed_good", m] += bool(seen) and seen in WORK_OR_EDUCATION
        t["month", e["ended_on"][:7], "endings"] += 1
        t["month", e["ended_on"][:7], "work_or_education"] += good
        t["to_outcome", _days(e["started_on"], e.get("case_closed_on") or e["ended_on"])] += 1
        t["end_reason", e["end_reason"]] += 1
    return t


def _hours(t, e):
    """Planned against attended hours per activity type, over the months with hours recorded
    (in hundredths, so that tallies add up exactly): planned is the plan of each day of
    participation in the month, a seventh of its hours a week."""
    months = {}
    for item in e.get("hours") or ():
        if item[2] == "recorded":
            months[item[1]] = [item[3], "unreviewed"]
        elif item[1] in months:
            months[item[1]][1] = item[2]
    plans = e.get("plans") or []
    for month, (hours, status) in months.items():
        t["hours_months", status] += 1
        for activity, h in hours.items():
            t["hours", activity, "attended"] += round(h * 100)
            if status != "unreviewed":
                t["hours", activity, status] += round(h * 100)
        planned = Counter()
        for day in _participation_days(e, month):
            plan = next((p for since, p in reversed(plans) if since <= day), None) or {}
            for activity, per_week in plan.items():
                planned[activity] += per_week / 7
        for activity, h in planned.items():
            t["hours", activity, "planned"] += round(h * 100)


def _participation_days(e, month):
    first = date.fromisoformat(f"{month}-01")
    last = (first + timedelta(days=31)).replace(day=1) - timedelta(days=1)
    start = max(first, date.fromisoformat(e["started_on"]))
    end = min(last, date.fromisoformat(e["ended_on"])) if e.get("ended_on") else last
    return [(start + timedelta(days=i)).isoformat() for i in range((end - start).days + 1)]


STAYS = tuple(p for p, kind in KINDS.items() if kind.judged_by == "stays")
"""Programmes judged by their stays (permanent adapted work and the like), not by outcomes."""
STAY_MOVES = tuple(o for o, family in OUTCOME_FAMILIES.items() if family in ("work", "business"))
"""What counts as a move on from a permanent place: to work, ordinary or with support."""

DISTINCT = ("small_job_citizen", "small_job_firm")
"""Tally keys whose figure is how many different ones there are (not their sum)."""


def finish(t, filters=None, employer_names=None, distinct=None):
    """The report from a tally (``tally``, or several added up). ``distinct``: how many
    different keys of each DISTINCT group the tally holds, if kept apart from ``t``."""
    names = employer_names or {}
    keyed = defaultdict(dict)
    for key, n in t.items():
        if isinstance(key, tuple) and n:
            keyed[key[0]][key[1:]] = n
    if distinct is None:
        distinct = {group: len(keyed[group]) for group in DISTINCT}
    ended = t["ended"]
    outcomes = {"at_end": _share(t["at_end"], ended)}
    for m in MONTHS:
        outcomes[f"at_{m}_months"] = {**_share(t["observed_good", m], ended),
                                      "observed": t["observed", m]}
    per_month = defaultdict(lambda: {"enrolments": 0, "endings": 0, "work_or_education": 0})
    for (month, figure), n in keyed["month"].items():
        per_month[month][figure] += n
    employers = defaultdict(lambda: {"placements": 0, "hires": 0, "small_jobs": 0})
    for (employer, figure), n in keyed["employer"].items():
        employers[employer][figure] += n
    per_employer = sorted(({"employer_id": k, "name": (names.get(k) or {}).get("name"), **v}
                           for k, v in employers.items() if v["placements"]),
                          key=lambda r: (-r["placements"], r["employer_id"]))
    return {
        "filters": dict(filters or {}),
        "enrolments": t["enrolments"], "started": t["started"], "ended": ended,
        "outcomes": outcomes,
        "per_month": [{"month": k, **v} for k, v in sorted(per_month.items())],
        "days_to_first_placement": spread({d: n for (d,), n in keyed["to_placement"].items()}),
        "days_to_outcome": spread({d: n for (d,), n in keyed["to_outcome"].items()}),
        "per_employer": per_employer,
        "small_jobs": {"citizens": distinct["small_job_citizen"],
                       "firms": distinct["small_job_firm"],
                       "hours_per_week": sum(h * n for (h,), n in
                                             sorted(keyed["small_job_hours"].items()))},
        "waiting_list": {"length": t["waiting"],
                         "days_waited": spread({d: n for (d,), n in keyed["waited"].items()})},
        "end_reasons": {r: n for (r,), n in keyed["end_reason"].items()},
        "milestones": _milestones(keyed),
        "hours": _hours_figures(keyed),
        "stays": {p: {k: keyed["stays"].get((p, k), 0) for k in ("active", "ended", "to_work")}
                  for p in sorted({p for p, _ in keyed["stays"]})},
    }


def _hours_figures(keyed):
    """Per activity type: planned, attended, of it approved and disputed (hours, two decimals);
    months recorded by their review."""
    per = defaultdict(dict)
    for (activity, what), n in keyed["hours"].items():
        per[activity][what] = n
    order = {a: i for i, a in enumerate(ACTIVITIES)}
    rows = {a: {k: round(per[a].get(k, 0) / 100, 2)
                for k in ("planned", "attended", "approved", "disputed")}
            for a in sorted(per, key=lambda a: order.get(a, len(order)))}
    return {"per_activity": rows,
            "planned": round(sum(r["planned"] for r in rows.values()), 2),
            "attended": round(sum(r["attended"] for r in rows.values()), 2),
            "months": {s: keyed["hours_months"].get((s,), 0)
                       for s in ("approved", "disputed", "unreviewed")}}


def _milestones(keyed):
    """Per programme with milestones declared and starts: each milestone's share of the
    starts that reached it, and the days from the start to it."""
    out = {}
    for (programme,), started in sorted(keyed["started_in"].items()):
        declared = KINDS[programme].milestones if programme in KINDS else ()
        if not declared:
            continue
        out[programme] = {m: {**_share(keyed["milestone"].get((programme, m), 0), started),
                              "days": spread({d: n for (p, mm, d), n in
                                              keyed["to_milestone"].items()
                                              if (p, mm) == (programme, m)})}
                          for m in declared}
    return out


def placements_by_enrolment(placements):
    by = defaultdict(list)
    for p in placements:
        by[p.get("enrolment_id")].append(p)
    return lambda enrolment_id: by.get(enrolment_id, ())


def report(rows, filters=None):
    """Every key figure for the rows that match ``filters`` (org, programme, run_id, from, to,
    cohort: "enrolment" | "ending" month as YYYY-MM)."""
    placements_of = placements_by_enrolment(rows["placements"].values())
    return finish(tally(rows["enrolments"].values(), placements_of, filters), filters,
                  rows["employers"])


def capacity(rows, day_from, day_to, filters=None, step_days=7):
    """Active participants against places, per programme, sampled every ``step_days``."""
    f = dict(filters or {})
    runs = [r for r in rows["runs"].values() if _match(r, f)]
    places = Counter()
    for r in runs:
        places[r["programme"]] += r["places"]
    enrolments = [e for e in rows["enrolments"].values()
                  if _match(e, f) and e.get("started_on") and not e.get("voided")]
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
