"""Timestamps as fixed-width ISO-8601 UTC strings: sortable, and hashed exactly as stored."""
from datetime import datetime, timezone


def utcnow():
    return datetime.now(timezone.utc)


def iso(dt):
    """Format an aware (or naive, taken as UTC) datetime as ``YYYY-MM-DDTHH:MM:SS.ffffffZ``."""
    if dt.tzinfo is not None:
        dt = dt.astimezone(timezone.utc).replace(tzinfo=None)
    return dt.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse_iso(text):
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(timezone.utc)
