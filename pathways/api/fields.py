"""Marshmallow fields every service's HTTP/RPC bodies share."""
from datetime import date, datetime, timezone
from decimal import Decimal, InvalidOperation

from marshmallow import ValidationError, fields, validate

EARLIEST, LATEST = date(1900, 1, 1), date(2199, 12, 31)
PLAUSIBLE = validate.Range(min=EARLIEST, max=LATEST,
                           error="must lie between 1900-01-01 and 2199-12-31")


YEAR = "(19[0-9]{2}|2[01][0-9]{2})"
"""A year the platform takes: 1900 to 2199 (documents say so with a pattern)."""
DATE_PATTERN = f"^{YEAR}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$"


def moment(**kw):
    """A moment with its offset (e.g. ``known_at``) in a year of 1900 to 2199, as the documents
    say with a pattern; the check allows for any offset of those years' first and last days."""
    metadata = {"pattern": f"^{YEAR}-", **kw.pop("metadata", {})}
    return fields.AwareDateTime(default_timezone=None, validate=validate.Range(
        min=datetime(1899, 12, 31, tzinfo=timezone.utc),
        max=datetime(2200, 1, 2, tzinfo=timezone.utc),
        error="must lie in a year of 1900 to 2199"), metadata=metadata, **kw)


def day(**kw):
    """A business date: when it happened (or is planned), not when it was recorded. Bounded, so
    that a typo (20224-01-01, 0024-01-01) is a 400 here rather than a decade in a report; the
    documents carry the bound as a pattern beside ``format: date``."""
    metadata = {"pattern": DATE_PATTERN, **kw.pop("metadata", {})}
    return fields.Date(validate=PLAUSIBLE, metadata=metadata, **kw)


EMPLOYER_ID = "^(NO|SE|DK)-[0-9]{6,12}$"


def employer_id(**kw):
    """An employer as the employer service names it: country and organisation number
    (``NO-988077917``), the number checked as that country's registry would."""
    from pathways.domain.identifiers import InvalidIdentifier, org_number

    def valid(value):
        country, _, number = value.partition("-")
        try:
            org_number(country, number)
        except InvalidIdentifier as err:
            raise ValidationError(f"must be an employer id, country-organisation number "
                                  f"(NO-988077917): {err}") from None
    return fields.String(validate=[validate.Regexp(EMPLOYER_ID, error="must be an employer id, "
                                                   "country-organisation number (NO-988077917)"),
                                   valid], metadata={"pattern": EMPLOYER_ID,
                                                     **kw.pop("metadata", {})}, **kw)


class Whole(fields.Integer):
    """A whole number as JSON Schema's ``integer`` means it: ``107`` or ``107.0``, never
    ``107.5``, ``true`` or ``"107"`` (marshmallow's strict integer refuses ``107.0``, its lax one
    takes strings and cuts fractions off)."""

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, bool) or not isinstance(value, (int, float)) or \
                (isinstance(value, float) and not value.is_integer()):
            raise self.make_error("invalid", input=value)
        return super()._deserialize(int(value), attr, data, **kwargs)


class Flag(fields.Boolean):
    """A JSON boolean and nothing else: ``0``, ``1``, ``"true"`` or ``"yes"`` are refused, as
    the documents' ``type: boolean`` says (marshmallow would take them)."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, bool):
            raise self.make_error("invalid", input=value)
        return value


class Money(fields.Decimal):
    """An amount as a JSON number (never a string or a boolean), at most two decimals, not
    negative: answered as a decimal string with two places."""

    def __init__(self, **kw):
        metadata = {"minimum": 0, "maximum": 10**12, **kw.pop("metadata", {})}
        super().__init__(places=2, as_string=True, metadata=metadata, **kw)

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise self.make_error("invalid", input=value)
        try:
            told = Decimal(str(value))
        except InvalidOperation:
            raise self.make_error("invalid", input=value) from None
        if told.is_finite() and not 0 <= told <= 10**12:
            raise ValidationError("must be between 0 and 1000000000000")
        if told.is_finite() and told != told.quantize(Decimal("0.01")):
            raise ValidationError("at most two decimals")
        return super()._deserialize(str(value), attr, data, **kwargs)
