"""Target groups: the participant's coarse attributes each enrolment row carries from the
registration (needs group, gender, municipality, birth year → age band, refugee, reduced work
capacity), the filters on them, and a breakdown of one measure by one or two of them with
small-cell suppression (``suppression``).

An age band is the age reached in the year the enrolment started (referred, if it has not).
Booleans read ``yes``, ``no`` or ``unknown`` (not told; registrations before they were asked)."""
from collections import Counter

from pathways.contracts.intake import GENDERS, NEEDS_GROUPS
from services.reporting.suppression import suppress

AGE_BANDS = ("under_16", "16-24", "25-29", "30-39", "40-49", "50-59", "60+")
AGE_LIMITS = ((16, "under_16"), (25, "16-24"), (30, "25-29"), (40, "30-39"), (50, "40-49"),
              (60, "50-59"))
FLAGS = ("refugee", "reduced_work_capacity")
TARGETS = ("needs_group", "age_band", "gender", "municipality", *FLAGS)
"""The target-group filters and dimensions."""
DIMENSIONS = ("org", "programme", *TARGETS)
MEASURES = ("enrolments", "started", "ended", "work_or_education")
PARTICIPANT_FIELDS = ("birth_year", "gender", "municipality", "needs_group", *FLAGS)
"""What an enrolment row takes over from its participant's row."""
ORDER = {"age_band": AGE_BANDS, "gender": GENDERS, "needs_group": NEEDS_GROUPS,
         **{f: ("yes", "no", "unknown") for f in FLAGS}}


def age_band(e):
    day = e.get("started_on") or e.get("referred_on")
    if not e.get("birth_year") or not day:
        return "unknown"
    age = int(day[:4]) - e["birth_year"]
    return next((band for limit, band in AGE_LIMITS if age < limit), "60+")


def group_of(e, dimension):
    """The enrolment's value of ``dimension`` (a string, ``unknown`` when not told)."""
    if dimension == "age_band":
        return age_band(e)
    if dimension in FLAGS:
        flag = e.get(dimension)
        return "unknown" if flag is None else "yes" if flag else "no"
    return e.get(dimension) or "unknown"


def in_groups(e, filters):
    """Whether the enrolment is in every target group ``filters`` names (several values of
    one: any of them)."""
    for key in TARGETS:
        wanted = filters.get(key)
        if wanted is None:
            continue
        if key in FLAGS:
            if e.get(key) is not wanted:
                return False
        elif group_of(e, key) not in ([wanted] if isinstance(wanted, str) else wanted):
            return False
    return True


def breakdown(enrolments, measure_of, rows, columns, k):
    """``measure_of(enrolment) -> bool`` counted per (``rows``, ``columns``) group of the
    enrolments (``columns`` None: one column, ``all``), every count from 1 to ``k`` - 1 and
    what would give it away shown as ``"<k"``."""
    cells = Counter()
    for e in enrolments:
        if measure_of(e):
            cells[group_of(e, rows), group_of(e, columns) if columns else "all"] += 1
    row_keys = _ordered(rows, {r for r, _ in cells})
    column_keys = _ordered(columns, {c for _, c in cells}) if columns else ["all"]
    hidden = suppress(cells, row_keys, column_keys, k)
    mark = f"<{k}"

    def shown(pos, n):
        return mark if pos in hidden else n
    table = [{"group": r,
              "cells": {c: shown(("cell", r, c), cells.get((r, c), 0)) for c in column_keys},
              "total": shown(("row", r), sum(cells.get((r, c), 0) for c in column_keys))}
             for r in row_keys]
    return {"rows": rows, "columns": columns, "k": k, "table": table,
            "column_totals": {c: shown(("column", c), sum(cells.get((r, c), 0)
                                                           for r in row_keys))
                              for c in column_keys},
            "total": shown(("total",), sum(cells.values())),
            "hidden": len(hidden)}


def _ordered(dimension, found):
    """A dimension's known values in their order (all of them: a zero tells nothing), then
    any others found (municipalities, organisations, ``unknown``), sorted."""
    known = ORDER.get(dimension, ())
    return list(known) + sorted(found - set(known))
