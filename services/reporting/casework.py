"""The coaches' work, from the projected rows: pure functions, the same for live, rebuilt and
as-of rows (``kpis.as_effective_on`` drops what happened after the date first).

- **One way in**: arrivals per route (how people came), what became of them, the share of those
  assessed for each kind of coach that were routed to a programme, and days from arrival to the
  start in the programme.
- **Contacts**: per coach and ISO week, with participants and with employers; the share outside
  the office (Aust-Agder: 60-70 %); employers recruited as partners.
- **Stays**: ended stays that went past their planned end (the run's limit, with the extensions
  granted by then), and extensions proposed, granted and refused.
- **Sharing**: placements started in an opening posted by another organisation (Aust-Agder's
  point: an opening found in one service area filled from another), both ways round.

``org`` narrows everything; ``from``/``to`` are business dates (the arrival, the contact, the
end of the stay, the extension's step); ``programme``/``run_id`` narrow stays and participant
contacts (an arrival or an employer contact belongs to no programme, so they drop out).
"""
from collections import Counter, defaultdict
from datetime import date

from pathways.domain.statistics import spread
from services.reporting.kpis import _days, _in_period, _match, _share


def _week(day):
    year, week, _ = date.fromisoformat(day).isocalendar()
    return f"{year}-W{week:02d}"


def _narrowed(f):
    return bool(f.get("programme") or f.get("run_id"))


def arrivals(rows, f):
    routes = defaultdict(Counter)
    specialties = defaultdict(Counter)
    to_programme = Counter()
    enrolments = rows["enrolments"]
    for a in rows["arrivals"].values():
        if _narrowed(f) or not _match(a, f) or not _in_period(a["arrived_on"], f):
            continue
        state = "routed" if a.get("routed_on") else "closed" if a.get("closed_on") else "open"
        routes[a["route"]]["arrived"] += 1
        routes[a["route"]][state] += 1
        if a.get("specialty"):
            specialties[a["specialty"]]["assessed"] += 1
            specialties[a["specialty"]]["routed"] += state == "routed"
        started = (enrolments.get(a.get("enrolment_id")) or {}).get("started_on")
        if state == "routed" and started:
            to_programme[_days(a["arrived_on"], started)] += 1
    return {
        "arrived": sum(c["arrived"] for c in routes.values()),
        "per_route": [{"route": r, **{k: c[k] for k in ("arrived", "routed", "closed", "open")}}
                      for r, c in sorted(routes.items())],
        "routed_per_specialty": [{"specialty": s, **_share(c["routed"], c["assessed"])}
                                 for s, c in sorted(specialties.items())],
        "days_to_first_programme": spread(to_programme),
    }


def contacts(rows, f):
    weeks = defaultdict(Counter)
    place, recruited = Counter(), Counter()
    for c in rows["contacts"].values():
        if c["with"] == "employer" and _narrowed(f):
            continue
        if not _match(c, f) or not _in_period(c["on"], f):
            continue
        weeks[c["by"], _week(c["on"])][c["with"]] += 1
        place[c["place"]] += 1
        if c.get("purpose") == "recruited":
            recruited[c["by"]] += 1
    total = sum(place.values())
    return {
        "contacts": total,
        "outside_office": {"numerator": place["outside"], "denominator": total,
                           "rate": _share(place["outside"], total)["rate"]},
        "per_coach_week": [{"coach_id": by, "week": week, "participants": n["participant"],
                            "employers": n["employer"]}
                           for (by, week), n in sorted(weeks.items(),
                                                        key=lambda kv: (kv[0][1], kv[0][0] or ""))],
        "employers_recruited": sum(recruited.values()),
        "recruited_per_coach": dict(sorted(recruited.items(), key=lambda kv: kv[0] or "")),
    }


def stays(rows, f):
    out = Counter()
    for e in rows["enrolments"].values():
        if not _match(e, f) or e.get("voided"):
            continue
        for day, what in e.get("extensions") or ():
            if _in_period(day, f):
                out[f"extensions_{what}"] += 1
        planned = e.get("planned_ends")
        if not planned or not e.get("ended_on") or not e.get("end_status") or \
                not _in_period(e["ended_on"], f):
            continue
        out["ended_with_limit"] += 1
        # the planned end as it stood when the stay ended (an extension decided later is moot)
        ends = [end for day, end in planned if day <= e["ended_on"]] or [planned[0][1]]
        out["over_limit"] += e["ended_on"] > ends[-1]
    return {"ended_with_limit": out["ended_with_limit"], "over_limit": out["over_limit"],
            "extensions": {"proposed": out["extensions_proposed"],
                           "granted": out["extensions_granted"],
                           "refused": out["extensions_refused"]}}


def sharing(rows, f):
    """``filled_from_others``: the organisation's participants placed in other organisations'
    openings; ``filled_by_others``: other organisations' participants placed in its openings
    (without ``org``: every organisation, so the two are equal)."""
    wanted = f.get("org")
    mine = (lambda org: True) if not wanted else (lambda org: org in wanted)
    out = Counter()
    for p in rows["placements"].values():
        opening = rows["opportunities"].get(p.get("opportunity_id"))
        if not opening or not p.get("started_on") or not _in_period(p["started_on"], f) or \
                opening["org"] == p["org"]:
            continue
        out["filled_from_others"] += mine(p["org"])
        out["filled_by_others"] += mine(opening["org"])
    return {"filled_from_others": out["filled_from_others"],
            "filled_by_others": out["filled_by_others"]}


def casework(rows, filters=None):
    f = dict(filters or {})
    return {"filters": f, "arrivals": arrivals(rows, f), "contacts": contacts(rows, f),
            "stays": stays(rows, f), "sharing": sharing(rows, f)}
