"""Marshmallow fields every service's HTTP/RPC bodies share."""
from datetime import date

from marshmallow import fields, validate

EARLIEST, LATEST = date(1900, 1, 1), date(2199, 12, 31)
PLAUSIBLE = validate.Range(min=EARLIEST, max=LATEST,
                           error="must lie between 1900-01-01 and 2199-12-31")


def day(**kw):
    """A business date: when it happened (or is planned), not when it was recorded. Bounded, so
    that a typo (20224-01-01, 0024-01-01) is a 400 here rather than a decade in a report."""
    return fields.Date(validate=PLAUSIBLE, **kw)
