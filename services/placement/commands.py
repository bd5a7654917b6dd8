"""What placement's callers may ask: the commands its deciders take (one frozen dataclass each)
and the bodies callers send for them (marshmallow, strict), paired in ``PLACEMENT_ACTIONS``.
``today`` is the date where the caller's organisation is; a command's business date
(``BUSINESS_DATE``; none: today) is when its fact happened. ``enrolment`` and ``opportunity`` are
the facts placement's local views hold about them (or None), handed in so that the deciders stay
pure."""
from dataclasses import dataclass

from marshmallow import RAISE, Schema, fields, validate

from pathways.api.fields import Flag, Whole, day
from pathways.contracts.placement import (ENROLMENT_STATUSES, END_REASONS, END_STATUSES,
                                          FOLLOW_UP_KINDS, FOLLOW_UP_WITH, OUTCOMES, PARTIES,
                                          PLACEMENT_KINDS)


@dataclass(frozen=True, kw_only=True)
class CaseCommand:
    BUSINESS_DATE = None
    today: str


@dataclass(frozen=True, kw_only=True)
class Propose(CaseCommand):
    placement_id: str
    employer_id: str
    kind: str
    hours_per_week: float
    start_date: str
    enrolment: dict | None
    opportunity: dict | None = None
    opportunity_id: str | None = None
    wage_subsidy_percent: int | None = None
    has_mentor: bool = False
    planned_end_date: str | None = None


@dataclass(frozen=True, kw_only=True)
class Approve(CaseCommand):
    placement_id: str
    party: str


@dataclass(frozen=True, kw_only=True)
class Start(CaseCommand):
    BUSINESS_DATE = "start_date"
    placement_id: str
    start_date: str
    enrolment: dict | None = None
    opportunity: dict | None = None
    opportunity_id: str | None = None


@dataclass(frozen=True, kw_only=True)
class FollowUp(CaseCommand):
    BUSINESS_DATE = "date"
    placement_id: str
    date: str
    kind: str
    with_whom: str


@dataclass(frozen=True, kw_only=True)
class EndPlacement(CaseCommand):
    BUSINESS_DATE = "end_date"
    placement_id: str
    status: str
    reason: str
    end_date: str


@dataclass(frozen=True, kw_only=True)
class Close(CaseCommand):
    BUSINESS_DATE = "date"
    outcome: str
    date: str
    enrolment: dict | None
    enrolment_status: str | None = None


@dataclass(frozen=True, kw_only=True)
class Observe(CaseCommand):
    BUSINESS_DATE = "date"
    months: int
    outcome: str
    date: str


@dataclass(frozen=True, kw_only=True)
class EndOpenPlacements:
    """The enrolment ended (or was voided) in intake: a reaction, not a caller's request."""
    end_date: str
    outcome_hint: str | None = None


# --- bodies: what a caller sends (strict: unknown fields are refused) ---------------------------
ID = validate.Length(min=1, max=64)


class Strict(Schema):
    class Meta:
        unknown = RAISE


class ProposeSchema(Strict):
    employer_id = fields.String(required=True, validate=ID)
    opportunity_id = fields.String(load_default=None, allow_none=True, validate=ID)
    kind = fields.String(required=True, validate=validate.OneOf(PLACEMENT_KINDS))
    hours_per_week = fields.Float(required=True, validate=validate.Range(min=0.5, max=60))
    wage_subsidy_percent = Whole(load_default=None, allow_none=True,
                                 validate=validate.Range(min=1, max=100))
    has_mentor = Flag(load_default=False)
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
    months = Whole(required=True, validate=validate.OneOf((1, 3, 6, 12)))


# action in the URL -> (command, body schema)
PLACEMENT_ACTIONS = {
    "approve": (Approve, ApproveSchema),
    "start": (Start, StartSchema),
    "follow-ups": (FollowUp, FollowUpSchema),
    "end": (EndPlacement, EndSchema),
}
