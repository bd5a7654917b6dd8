"""Reporting's query parameters (strict: unknown parameters are refused)."""
from marshmallow import RAISE, Schema, fields, post_load, validate

from pathways.timeutil import iso, parse_iso


class Strict(Schema):
    class Meta:
        unknown = RAISE


class ReportQuerySchema(Strict):
    org = fields.String(validate=validate.Length(min=1, max=100))
    programme = fields.String(validate=validate.Length(min=1, max=50))
    run_id = fields.String(validate=validate.Length(min=1, max=64))
    from_ = fields.Date(data_key="from")
    to = fields.Date()
    cohort = fields.String(validate=validate.Regexp(
        r"^(enrolment|ending):[0-9]{4}-[0-9]{2}$",
        error="must be enrolment:YYYY-MM or ending:YYYY-MM"))
    known_at = fields.AwareDateTime(default_timezone=None)
    effective_on = fields.Date()
    format = fields.String(load_default="json", validate=validate.OneOf(("json", "csv")))
    table = fields.String(load_default="per_month", validate=validate.OneOf(
        ("per_month", "per_employer", "outcomes")))
    token = fields.String()   # the dashboard's way in from a browser

    @post_load
    def as_text(self, data, **kwargs):
        out = {("from" if k == "from_" else k): (v.isoformat() if hasattr(v, "isoformat") else v)
               for k, v in data.items()}
        if "known_at" in data:
            out["known_at"] = iso(parse_iso(data["known_at"].isoformat()))
        return out


class CapacityQuerySchema(Strict):
    org = fields.String(validate=validate.Length(min=1, max=100))
    programme = fields.String(validate=validate.Length(min=1, max=50))
    from_ = fields.Date(data_key="from", required=True)
    to = fields.Date(required=True)
    format = fields.String(load_default="json", validate=validate.OneOf(("json", "csv")))

    @post_load
    def as_text(self, data, **kwargs):
        return {("from" if k == "from_" else k): (v.isoformat() if hasattr(v, "isoformat") else v)
                for k, v in data.items()}
