"""What is due on a business date, from a caseload row (``views.caseload_row``): pure rules, so
the list is as rebuildable as the view it reads.

- ``follow_up``: a participating enrolment with no contact for the programme's follow-up
  interval (``FOLLOW_UP_DAYS``; from the start when there was none);
- ``place_ending``: a planned end within 14 days (or passed: the stay is over its limit);
- ``extension_decision``: an extension awaits a coordinator;
- ``waiting_long``: on the waiting list for longer than 30 days.
"""
from datetime import date, timedelta

ENDING_WITHIN_DAYS = 14
WAITING_DAYS = 30
DEFAULT_FOLLOW_UP_DAYS = 14


def _day(text):
    return date.fromisoformat(text)


def due_items(row: dict, on: date, follow_up_days: int) -> list[dict]:
    """Each thing due for the row's enrolment on ``on``: ``what``, ``due_on``, ``days_overdue``."""
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
                          "days_overdue": max((on - due_on).days, 0)})
    return items
