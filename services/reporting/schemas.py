"""Reporting's query parameters (strict: unknown parameters are refused)."""
from marshmallow import (RAISE, Schema, ValidationError, fields, post_load, pre_load, validate,
                         validates_schema)

from pathways.api.fields import YEAR, day, moment
from pathways.contracts.intake import GENDERS, NEEDS_GROUPS
from pathways.timeutil import iso, parse_iso
from services.reporting import groups

MAX_CAPACITY_DAYS = 1096
"""The longest capacity series one request may ask for (three years of days, per programme)."""



class Strict(Schema):
    """A query: each parameter given once, unless its field is a list (``?org=a&org=b``)."""
    class Meta:
        unknown = RAISE

    @pre_load
    def one_value_each(self, data, **kwargs):
        out, errors = {}, {}
        for key, value in dict(data).items():
            field = self.fields.get("from_" if key == "from" else key)
            many = isinstance(field, fields.List)
            if isinstance(value, (list, tuple)) and not many:
                if len(value) != 1:
                    errors[key] = ["give one value"]
                    continue
                value = value[0]
            elif many and isinstance(value, str):
                value = [value]
            out[key] = value
        if errors:
            raise ValidationError(errors)
        return out


class Period(Strict):
    """``from`` and ``to`` in order (both optional here); dates back as ISO text."""

    @validates_schema
    def in_order(self, data, **kwargs):
        if data.get("from_") and data.get("to") and data["from_"] > data["to"]:
            raise ValidationError("must not be before from", "to")

    @post_load
    def as_text(self, data, **kwargs):
        return {("from" if k == "from_" else k): (v.isoformat() if hasattr(v, "isoformat") else v)
                for k, v in data.items()}


def several(length, most=20):
    """A filter that takes one value or several (any of them matches)."""
    return fields.List(fields.String(validate=validate.Length(min=1, max=length)),
                       validate=validate.Length(min=1, max=most))


class Narrowed(Period):
    """Organisations, programmes, runs (each one or several: ``?programme=aft&programme=vta``,
    either) and a period."""
    org = several(100)
    programme = several(50)
    run_id = several(64)
    from_ = day(data_key="from")
    to = day()


def one_of(choices, most=20):
    return fields.List(fields.String(validate=validate.OneOf(choices)),
                       validate=validate.Length(min=1, max=most))


class TargetGroups(Strict):
    """Target groups (each one or several values; a flag true or false): counts for groups
    smaller than SUPPRESS_BELOW are not given (409 ``group_too_small``)."""
    needs_group = one_of(NEEDS_GROUPS)
    age_band = one_of(groups.AGE_BANDS)
    gender = one_of(GENDERS)
    municipality = fields.List(fields.String(validate=validate.Regexp(
        r"^[0-9]{3,4}$", error="must be a 3- or 4-digit municipality number")),
        validate=validate.Length(min=1, max=50))
    refugee = fields.Boolean(truthy={"true"}, falsy={"false"}, metadata={
        "enum": [True, False], "description": "came as a refugee (the introduction "
                                              "programme's target group)"})
    reduced_work_capacity = fields.Boolean(truthy={"true"}, falsy={"false"}, metadata={
        "enum": [True, False], "description": "work capacity assessed as reduced"})


class FiltersSchema(Narrowed, TargetGroups):
    """What a report may be narrowed to (also the dashboard's query)."""
    cohort = fields.String(validate=validate.Regexp(
        rf"^(enrolment|ending):{YEAR}-(0[1-9]|1[0-2])$",
        error="must be enrolment:YYYY-MM or ending:YYYY-MM (a month of 1900 to 2199)"))


class DashboardQuerySchema(FiltersSchema):
    """The dashboard's query: its filters, or a signed link that signs the browser in."""
    link = fields.String(validate=validate.Length(min=1, max=2000))


class ExportQuerySchema(FiltersSchema):
    """A table of the dashboard, as CSV."""
    table = fields.String(load_default="per_month", validate=validate.OneOf(
        ("per_month", "per_employer", "outcomes", "capacity", "target_groups")))


class AsOf(Period):
    """A report as known at a moment and/or as effective on a day, as JSON or CSV."""
    known_at = moment()
    effective_on = day()
    format = fields.String(load_default="json", validate=validate.OneOf(("json", "csv")))

    @post_load
    def as_text(self, data, **kwargs):
        """``known_at`` as the log's own time text (UTC), for comparing with ``recorded_at``."""
        out = super().as_text(data)
        if "known_at" in data:
            out["known_at"] = iso(parse_iso(data["known_at"].isoformat()))
        return out


class ReportQuerySchema(FiltersSchema, AsOf):
    table = fields.String(load_default="per_month", validate=validate.OneOf(
        ("per_month", "per_employer", "outcomes")))


class BreakdownQuerySchema(FiltersSchema, AsOf):
    """One measure by one target group (``by``), or by two (``by`` and ``columns``)."""
    by = fields.String(required=True, validate=validate.OneOf(groups.DIMENSIONS))
    columns = fields.String(validate=validate.OneOf(groups.DIMENSIONS))
    measure = fields.String(load_default="started", validate=validate.OneOf(groups.MEASURES))

    @validates_schema
    def two_ways(self, data, **kwargs):
        if data.get("columns") and data["columns"] == data.get("by"):
            raise ValidationError("must differ from by", "columns")


class NetworksQuerySchema(Narrowed, AsOf):
    """Networks narrowed like a report (activities in the period), as known at / effective
    on."""


class ClientsQuerySchema(AsOf):
    """Company clients of your organisation (admins: ``org``, one or several); recruitments in
    the period; as known at / effective on."""
    org = several(100)
    from_ = day(data_key="from")
    to = day()


class CaseworkQuerySchema(Narrowed, AsOf):
    """The coaches' work: narrowed like a report (no cohorts), as known at / effective on."""
    table = fields.String(load_default="per_coach_week", validate=validate.OneOf(
        ("per_coach_week", "per_route", "routed_per_specialty")))


class CapacityQuerySchema(Period):
    org = several(100)
    programme = several(50)
    from_ = day(data_key="from", required=True)
    to = day(required=True)
    format = fields.String(load_default="json", validate=validate.OneOf(("json", "csv")))

    @validates_schema
    def bounded(self, data, **kwargs):
        if data.get("from_") and data.get("to") and \
                (data["to"] - data["from_"]).days >= MAX_CAPACITY_DAYS:
            raise ValidationError(f"at most {MAX_CAPACITY_DAYS} days after from", "to")


MONTH = f"^{YEAR}-(0[1-9]|1[0-2])$"


def month(**kw):
    return fields.String(validate=validate.Regexp(MONTH, error="must be a month: YYYY-MM"),
                         metadata={"pattern": MONTH, **kw.pop("metadata", {})}, **kw)


class BasisQuerySchema(AsOf):
    """A contract's payment basis for a month, as known at / effective on (a claim re-derived
    later: the same figures)."""
    month = month(required=True)


class CostsQuerySchema(AsOf):
    """What a contract has cost by the end of a month (default: this month)."""
    until = month(metadata={"description": "YYYY-MM (default: this month; at most the period's "
                                           "end)"})
