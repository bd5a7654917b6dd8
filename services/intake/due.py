"""What is due on a business date, from a caseload row (``views.caseload_row``): pure rules, so
the list is as rebuildable as the view it reads.

- ``follow_up``: a participating enrolment with no contact for the programme's follow-up
  interval (``FOLLOW_UP_DAYS``; from the start when there was none);
- ``place_ending``: a planned end within 14 days (or passed: the stay is over its limit);
- ``extension_decision``: an extension awaits a coordinator;
- ``waiting_long``: on the waiting list for longer than 30 days;
- ``outcome_follow_up``: a stay that ended (completed, left, aborted) after a start, 1, 3, 6 and
  12 months on, until the outcome at that mark is recorded (placement's OutcomeObserved) or the
  next mark falls due (the 12-month one: for a month).
"""
import calendar
from datetime import date, timedelta

ENDING_WITHIN_DAYS = 14
WAITING_DAYS = 30
DEFAULT_FOLLOW_UP_DAYS = 14
OUTCOME_MONTHS = (1, 3, 6, 12)
ENDED_AFTER_START = ("completed", "left", "aborted")


def ended_between(on: date) -> tuple[str, str]:
    """The ends that may have an outcome follow-up due on ``on``: a month to 13 months before."""
    return ((on - timedelta(days=13 * 31)).isoformat(),
            (on - timedelta(days=28)).isoformat())


def _day(text):
    return date.fromisoformat(text)


def months_after(day: date, months: int) -> date:
    """The same day ``months`` later (the month's last day where it is shorter)."""
    year, month = divmod(day.month - 1 + months, 12)
    year, month = day.year + year, month + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _outcome_follow_up(row, on, observed):
    """The outcome mark due on ``on`` for an ended stay, if any: ``(months, due_on)``."""
    if row["state"] not in ENDED_AFTER_START or not row.get("start_date") or \
            not row.get("end_date"):
        return None
    end = _day(row["end_date"])
    marks = [(m, months_after(end, m)) for m in OUTCOME_MONTHS] + [(None, months_after(end, 13))]
    for (months, due_on), (_, next_due) in zip(marks, marks[1:]):
        if due_on <= on < next_due and months not in observed:
            return months, due_on
    return None


def due_items(row: dict, on: date, follow_up_days: int, observed=()) -> list[dict]:
    """Each thing due for the row's enrolment on ``on``: ``what``, ``due_on``, ``days_overdue``
    and ``months`` (an outcome follow-up's mark, else None). ``observed``: the months whose
    outcome is recorded."""
    found = []
    if row["state"] == "participating" and row.get("start_date"):
        last = max(d for d in (row.get("last_contact"), row["start_date"]) if d)
        found.append(("follow_up", _day(last) + timedelta(days=follow_up_days)))
        if row.get("planned_end"):
            found.append(("place_ending", _day(row["planned_end"]),
                          _day(row["planned_end"]) - timedelta(days=ENDING_WITHIN_DAYS)))
    if row.get("extension_pending"):
        found.append(("extension_decision", on))
    if row["state"] == "waitlisted" and row.get("since"):
        found.append(("waiting_long", _day(row["since"]) + timedelta(days=WAITING_DAYS)))
    items = []
    for what, due_on, *shown_from in found:
        if (shown_from[0] if shown_from else due_on) <= on:
            items.append({"what": what, "due_on": due_on.isoformat(),
                          "days_overdue": max((on - due_on).days, 0), "months": None})
    outcome = _outcome_follow_up(row, on, observed)
    if outcome:
        months, due_on = outcome
        items.append({"what": "outcome_follow_up", "due_on": due_on.isoformat(),
                      "days_overdue": (on - due_on).days, "months": months})
    return items
