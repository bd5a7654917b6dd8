"""Intake's HTTP/RPC bodies as marshmallow schemas (strict: unknown fields are refused)."""
from marshmallow import RAISE, Schema, fields, validate, validates_schema, ValidationError

from pathways.fields import day
from pathways.contracts.intake import (CONSENT_BY, END_REASONS, END_STATUSES, NEEDS_GROUPS,
                                       OUTCOME_HINTS, PROGRAMMES, START_MODES)

ID = validate.Length(min=1, max=64)


class Strict(Schema):
    class Meta:
        unknown = RAISE


class CreateRunSchema(Strict):
    programme = fields.String(required=True, validate=validate.OneOf(PROGRAMMES))
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    places = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=10_000))
    start_mode = fields.String(load_default="rolling", validate=validate.OneOf(START_MODES))
    start_date = day(load_default=None, allow_none=True)
    approval_required = fields.Boolean(load_default=False)


class ParticipantSchema(Strict):
    """Personal data: goes to the vault only. Birth year and gender come from the national ID."""
    country = fields.String(required=True, validate=validate.OneOf(("NO", "DK", "SE")))
    national_id = fields.String(required=True, validate=validate.Length(min=6, max=20))
    given_name = fields.String(required=True, validate=validate.Length(min=1, max=100))
    family_name = fields.String(required=True, validate=validate.Length(min=1, max=100))
    email = fields.Email(load_default=None, allow_none=True)
    phone = fields.String(load_default=None, allow_none=True,
                          validate=validate.Regexp(r"^\+?[0-9 ]{5,20}$",
                                                   error="must be a phone number"))
    municipality = fields.String(required=True, validate=validate.Regexp(
        r"^[0-9]{3,4}$", error="must be a 3- or 4-digit municipality number"))
    needs_group = fields.String(required=True, validate=validate.OneOf(NEEDS_GROUPS))
    notes = fields.String(load_default="", validate=validate.Length(max=4000))


class PurposeSchema(Strict):
    purpose = fields.String(required=True, validate=validate.Length(min=3, max=200))


class DatedSchema(Strict):
    """A fact recorded after the event: ``date`` is when it happened (default: today where the
    organisation is); not after today, not before the referral."""
    date = day()


class ReferSchema(DatedSchema):
    participant_id = fields.String(required=True, validate=ID)
    share = fields.Boolean(load_default=False)


class ConsentSchema(DatedSchema):
    given_by = fields.String(required=True, validate=validate.OneOf(CONSENT_BY))
    on_behalf_reason = fields.String(load_default=None, allow_none=True, validate=validate.OneOf(
        ("participant_unreachable", "verbal_consent", "guardian", "other")))


class ParticipationSchema(Strict):
    percent = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=100))
    days_per_week = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=7))


class StartSchema(ParticipationSchema):
    start_date = day(required=True)   # may be planned up to a year ahead


class ChangeParticipationSchema(ParticipationSchema):
    from_date = day(required=True)


class EndSchema(Strict):
    status = fields.String(required=True, validate=validate.OneOf(END_STATUSES))
    reason = fields.String(required=True, validate=validate.OneOf(END_REASONS))
    outcome_hint = fields.String(load_default="unknown", validate=validate.OneOf(OUTCOME_HINTS))
    end_date = day(required=True)   # not after today

    @validates_schema
    def completed_is_not_a_dropout(self, data, **kwargs):
        if data.get("status") == "completed" and data.get("reason") == "did_not_show":
            raise ValidationError("a completed enrolment cannot end as did_not_show", "reason")


class CorrectSchema(Strict):
    """Corrected dates of facts recorded earlier; at least one."""
    referred_on = day()
    start_date = day()
    end_date = day()

    @validates_schema
    def something_to_correct(self, data, **kwargs):
        if not data:
            raise ValidationError("name at least one of referred_on, start_date, end_date",
                                  "_schema")


class RejectSchema(DatedSchema):
    reason = fields.String(required=True, validate=validate.OneOf(END_REASONS))


# action in the URL -> (command type, body schema)
ENROLMENT_ACTIONS = {
    "share": ("Share", DatedSchema),
    "consent": ("RecordConsent", ConsentSchema),
    "apply": ("Apply", DatedSchema),
    "waitlist": ("Waitlist", DatedSchema),
    "allocate": ("AllocatePlace", DatedSchema),
    "start": ("Start", StartSchema),
    "participation": ("ChangeParticipation", ChangeParticipationSchema),
    "end": ("End", EndSchema),
    "reject": ("Reject", RejectSchema),
    "void": ("Void", DatedSchema),
    "correct": ("Correct", CorrectSchema),
}
