"""Timestamps as fixed-width ISO-8601 UTC strings: sortable, and hashed exactly as stored."""
from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


def utcnow():
    return datetime.now(timezone.utc)


def iso(dt):
    """Format an aware (or naive, taken as UTC) datetime as ``YYYY-MM-DDTHH:MM:SS.ffffffZ``."""
    if dt.tzinfo is not None:
        dt = dt.astimezone(timezone.utc).replace(tzinfo=None)
    return dt.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse_iso(text):
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(timezone.utc)


def zone(name):
    """A time zone by IANA name; a bad name is a config error that says so."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        raise ValueError(f"config error: {name!r} is not an IANA time zone "
                         "(e.g. Europe/Oslo, Europe/Copenhagen, Europe/Stockholm)") from None


def today_in(tz, now=None):
    """Today's date (ISO text) where the organisation is."""
    return (now or utcnow()).astimezone(tz).date().isoformat()


def dated(day, tz, now=None):
    """``(today, occurred_at)`` for a fact of ``day`` (ISO date, or None: today) where the
    organisation is: today's date for the rules, and the business time its events carry (a day
    ahead, such as a planned start, is recorded as decided today)."""
    now = now or utcnow()
    today = today_in(tz, now)
    return today, business_time(min(day or today, today), tz, now)


def dated_command(command, data, tz, now=None):
    """``(command, occurred_at)``: ``command`` (a class) built from checked ``data`` with
    ``today`` where the organisation is, for its rules; its business date is the field its
    ``BUSINESS_DATE`` names (none: today), and a ``date`` not given is today."""
    field = getattr(command, "BUSINESS_DATE", None)
    today, occurred_at = dated(data.get(field) if field else None, tz, now)
    values = {**data, "today": today}
    if field == "date":
        values["date"] = data.get("date") or today
    return command(**values), occurred_at


def business_time(day, tz, now=None):
    """``occurred_at`` for a fact that happened on ``day`` (ISO date) in time zone ``tz``: the
    moment itself when it happened today (and today is the same date in UTC), else noon UTC of
    that day (the same calendar day in every Nordic zone): the date part of ``occurred_at`` is
    always the business date."""
    now = now or utcnow()
    if day == today_in(tz, now) == now.astimezone(timezone.utc).date().isoformat():
        return now   # (just after midnight where the organisation is, UTC is still yesterday)
    d = date.fromisoformat(day)
    return datetime(d.year, d.month, d.day, 12, tzinfo=timezone.utc)
