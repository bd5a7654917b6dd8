"""The placement service's HTTP/RPC bodies (strict: unknown fields are refused)."""
from marshmallow import RAISE, Schema, fields, validate

from pathways.fields import day
from pathways.contracts.placement import (ENROLMENT_STATUSES, END_REASONS, END_STATUSES,
                                          FOLLOW_UP_KINDS, FOLLOW_UP_WITH, OUTCOMES, PARTIES,
                                          PLACEMENT_KINDS)

ID = validate.Length(min=1, max=64)


class Strict(Schema):
    class Meta:
        unknown = RAISE


class ProposeSchema(Strict):
    employer_id = fields.String(required=True, validate=ID)
    opportunity_id = fields.String(load_default=None, allow_none=True, validate=ID)
    kind = fields.String(required=True, validate=validate.OneOf(PLACEMENT_KINDS))
    hours_per_week = fields.Float(required=True, validate=validate.Range(min=0.5, max=60))
    wage_subsidy_percent = fields.Integer(load_default=None, allow_none=True, strict=True,
                                          validate=validate.Range(min=1, max=100))
    has_mentor = fields.Boolean(load_default=False)
    start_date = day(required=True)
    planned_end_date = day(load_default=None, allow_none=True)


class ApproveSchema(Strict):
    party = fields.String(required=True, validate=validate.OneOf(PARTIES))


class StartSchema(Strict):
    start_date = day(required=True)


class FollowUpSchema(Strict):
    date = day(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(FOLLOW_UP_KINDS))
    with_whom = fields.String(required=True, validate=validate.OneOf(FOLLOW_UP_WITH))


class EndSchema(Strict):
    status = fields.String(required=True, validate=validate.OneOf(END_STATUSES))
    reason = fields.String(required=True, validate=validate.OneOf(END_REASONS))
    end_date = day(required=True)


class OutcomeSchema(Strict):
    outcome = fields.String(required=True, validate=validate.OneOf(OUTCOMES))
    date = day(required=True)


class CloseSchema(OutcomeSchema):
    enrolment_status = fields.String(load_default=None,
                                     validate=validate.OneOf(ENROLMENT_STATUSES))


class ObserveSchema(OutcomeSchema):
    months = fields.Integer(required=True, strict=True, validate=validate.OneOf((1, 3, 6, 12)))


PLACEMENT_ACTIONS = {
    "approve": ("Approve", ApproveSchema),
    "start": ("Start", StartSchema),
    "follow-ups": ("FollowUp", FollowUpSchema),
    "end": ("EndPlacement", EndSchema),
}
