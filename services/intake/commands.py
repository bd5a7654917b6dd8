"""What intake's callers may ask: the commands its deciders take (one frozen dataclass each) and
the bodies callers send for them (marshmallow, strict: unknown fields are refused), paired in
``ENROLMENT_ACTIONS``. ``today`` is the date where the caller's organisation is; a command's
business date (``BUSINESS_DATE``, default ``date``) is when its fact happened, and its events
carry it."""
from dataclasses import dataclass
from dataclasses import field as dataclass_field

from marshmallow import RAISE, Schema, fields, validate, validates_schema, ValidationError

from pathways.api.fields import Flag, Money, Whole, day, employer_id
from pathways.application.views import PageQuerySchema
from services.intake.funding_commands import CURRENCIES
from pathways.contracts.programmes import ACTIVITIES, NETWORK_ACTIVITIES
from pathways.contracts.intake import (ARRIVAL_CLOSE_REASONS, ARRIVAL_ROUTES, CONSENT_BY,
                                       DISPUTE_REASONS, HOURS_DECISIONS, HOURS_REVIEWERS,
                                       MONTHLY_HOURS, WEEKLY_HOURS,
                                       CONTACT_KINDS, CONTACT_OUTCOMES, CONTACT_PLACES,
                                       END_REASONS, END_STATUSES, EXTENSION_REASONS, GOALS,
                                       MILESTONES, NEEDS_GROUPS, OUTCOME_HINTS, PROGRAMMES,
                                       SPECIALTY,
                                       START_MODES)


@dataclass(frozen=True, kw_only=True)
class CreateRun:
    run_id: str
    programme: str
    name: str
    places: int
    start_mode: str = "rolling"
    start_date: str | None = None
    approval_required: bool = False


@dataclass(frozen=True, kw_only=True)
class OnEnrolment:
    """A step of one enrolment, decided on ``today``."""
    BUSINESS_DATE = "date"
    enrolment_id: str
    today: str


@dataclass(frozen=True, kw_only=True)
class Dated(OnEnrolment):
    """A fact that happened on ``date`` (default: today): not after today, not before the
    referral."""
    date: str


@dataclass(frozen=True, kw_only=True)
class Refer(Dated):
    participant_id: str
    share: bool = False


class Share(Dated):
    pass


@dataclass(frozen=True, kw_only=True)
class RecordConsent(Dated):
    given_by: str
    on_behalf_reason: str | None = None


class Apply(Dated):
    pass


class Waitlist(Dated):
    pass


class AllocatePlace(Dated):
    pass


@dataclass(frozen=True, kw_only=True)
class Start(OnEnrolment):
    BUSINESS_DATE = "start_date"
    start_date: str
    percent: int
    days_per_week: int


@dataclass(frozen=True, kw_only=True)
class ChangeParticipation(OnEnrolment):
    BUSINESS_DATE = "from_date"
    from_date: str
    percent: int
    days_per_week: int


@dataclass(frozen=True, kw_only=True)
class End(OnEnrolment):
    BUSINESS_DATE = "end_date"
    status: str
    reason: str
    end_date: str
    outcome_hint: str = "unknown"


@dataclass(frozen=True, kw_only=True)
class Correct(OnEnrolment):
    BUSINESS_DATE = None   # a correction is recorded today; the dates it names are the facts
    referred_on: str | None = None
    start_date: str | None = None
    end_date: str | None = None


@dataclass(frozen=True, kw_only=True)
class Reject(Dated):
    reason: str


class Void(Dated):
    pass


@dataclass(frozen=True, kw_only=True)
class CloseFromCase:
    """Placement closed the enrolment's case (a reaction, not a caller's request)."""
    enrolment_id: str
    outcome: str
    status: str
    closed_on: str


@dataclass(frozen=True, kw_only=True)
class Register:
    participant_id: str
    birth_year: int
    gender: str
    municipality: str
    needs_group: str
    country: str
    refugee: bool | None = None
    reduced_work_capacity: bool | None = None


@dataclass(frozen=True)
class Erase:
    pass


@dataclass(frozen=True, kw_only=True)
class SetStayLimit:
    days: int
    with_extensions_days: int


@dataclass(frozen=True, kw_only=True)
class OnRun:
    """A step of a run itself (a network's members and activities) on business date ``date``
    (default: today), decided on ``today``."""
    BUSINESS_DATE = "date"
    today: str
    date: str


@dataclass(frozen=True, kw_only=True)
class JoinNetwork(OnRun):
    employer_id: str


@dataclass(frozen=True, kw_only=True)
class LeaveNetwork(OnRun):
    employer_id: str


@dataclass(frozen=True, kw_only=True)
class HoldActivity(OnRun):
    activity_id: str
    kind: str
    host: str | None = None
    participants: list = dataclass_field(default_factory=list)   # enrolment ids
    firms: list = dataclass_field(default_factory=list)          # employer ids


@dataclass(frozen=True, kw_only=True)
class ProposeExtension(Dated):
    proposal_id: str
    planned_end: str
    reason: str


@dataclass(frozen=True, kw_only=True)
class DecideExtension(Dated):
    granted: bool


@dataclass(frozen=True, kw_only=True)
class RecordContact(Dated):
    kind: str
    place: str
    outcome: str


@dataclass(frozen=True, kw_only=True)
class ReachMilestone(Dated):
    milestone: str


@dataclass(frozen=True, kw_only=True)
class ChargeFee(OnEnrolment):
    """Charged today (its business date)."""
    BUSINESS_DATE = None
    month: str
    amount: object
    currency: str


@dataclass(frozen=True, kw_only=True)
class RecordFeePaid(Dated):
    month: str
    amount: object


@dataclass(frozen=True, kw_only=True)
class SetPlan(Dated):
    hours_per_week: dict


@dataclass(frozen=True, kw_only=True)
class RecordHours(OnEnrolment):
    """Recorded today for a month (not a future one)."""
    BUSINESS_DATE = None
    month: str
    hours: dict


@dataclass(frozen=True, kw_only=True)
class ReviewHours(OnEnrolment):
    """Reviewed today; ``recorded_by``: the caller (a coach reviewing on the participant's
    behalf must be theirs)."""
    BUSINESS_DATE = None
    month: str
    decision: str
    by: str
    reason: str | None = None
    recorded_by: str


@dataclass(frozen=True, kw_only=True)
class RegisterCoach:
    coach_id: str
    specialty: str


@dataclass(frozen=True, kw_only=True)
class AssignCoach(Dated):
    coach_id: str
    co_coach_id: str | None = None


# --- bodies: what a caller sends (strict: unknown fields are refused) ---------------------------
ID = validate.Length(min=1, max=64)


class Strict(Schema):
    class Meta:
        unknown = RAISE


class CreateRunSchema(Strict):
    programme = fields.String(required=True, validate=validate.OneOf(PROGRAMMES))
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    places = Whole(required=True, validate=validate.Range(min=1, max=10_000))
    start_mode = fields.String(load_default="rolling", validate=validate.OneOf(START_MODES))
    start_date = day(load_default=None, allow_none=True)
    approval_required = Flag(load_default=False)


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
    refugee = fields.Boolean(load_default=None, allow_none=True, metadata={
        "description": "came as a refugee or reunited with one (target group; null: not told)"})
    reduced_work_capacity = fields.Boolean(load_default=None, allow_none=True, metadata={
        "description": "work capacity assessed as reduced (target group; null: not told)"})
    notes = fields.String(load_default="", validate=validate.Length(max=4000))


class PurposeSchema(Strict):
    purpose = fields.String(required=True, validate=validate.Length(min=3, max=200))


class DatedSchema(Strict):
    """A fact recorded after the event: ``date`` is when it happened (default: today where the
    organisation is); not after today, not before the referral."""
    date = day()


class ReferSchema(DatedSchema):
    participant_id = fields.String(required=True, validate=ID)
    share = Flag(load_default=False)


class ConsentSchema(DatedSchema):
    given_by = fields.String(required=True, validate=validate.OneOf(CONSENT_BY))
    on_behalf_reason = fields.String(load_default=None, allow_none=True, validate=validate.OneOf(
        ("participant_unreachable", "verbal_consent", "guardian", "other")))


class ParticipationSchema(Strict):
    percent = Whole(required=True, validate=validate.Range(min=1, max=100))
    days_per_week = Whole(required=True, validate=validate.Range(min=1, max=7))


class StartSchema(ParticipationSchema):
    start_date = day(required=True)   # may be planned up to a year ahead


class ChangeParticipationSchema(ParticipationSchema):
    from_date = day(required=True)


class EndSchema(Strict):
    JSON_SCHEMA = {"not": {"required": ["status", "reason"], "properties": {
        "status": {"const": "completed"}, "reason": {"const": "did_not_show"}}}}
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
    JSON_SCHEMA = {"minProperties": 1}
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


class StayLimitSchema(Strict):
    days = Whole(required=True, validate=validate.Range(min=1, max=3650), metadata={
        "description": "days a place lasts from the start (the planned end of each start)"})
    with_extensions_days = Whole(load_default=None, allow_none=True,
                                 validate=validate.Range(min=1, max=3650), metadata={
        "description": "the longest a stay may become with extensions (default: `days`)"})

    @validates_schema
    def not_shorter(self, data, **kwargs):
        most = data.get("with_extensions_days")
        if most is not None and data.get("days") is not None and most < data["days"]:
            raise ValidationError("must be at least `days`", "with_extensions_days")


class ExtendSchema(DatedSchema):
    planned_end = day(required=True, metadata={"description": "the proposed new planned end"})
    reason = fields.String(required=True, validate=validate.OneOf(EXTENSION_REASONS))


class ContactSchema(DatedSchema):
    kind = fields.String(required=True, validate=validate.OneOf(CONTACT_KINDS))
    place = fields.String(required=True, validate=validate.OneOf(CONTACT_PLACES))
    outcome = fields.String(load_default="held", validate=validate.OneOf(CONTACT_OUTCOMES))


MONTH_PATTERN = r"^(19[0-9]{2}|2[01][0-9]{2})-(0[1-9]|1[0-2])$"


def month_field(**kw):
    return fields.String(validate=validate.Regexp(MONTH_PATTERN, error="must be YYYY-MM"),
                         metadata={"pattern": MONTH_PATTERN}, **kw)


class ChargeFeeSchema(Strict):
    month = month_field(required=True)
    amount = Money(required=True)
    currency = fields.String(load_default="NOK", validate=validate.OneOf(
        sorted(CURRENCIES), error="must be an ISO 4217 currency code"))


class FeePaidSchema(DatedSchema):
    month = month_field(required=True)
    amount = Money(required=True)


class MemberSchema(DatedSchema):
    employer_id = employer_id(required=True, metadata={
        "description": "the firm, as the employer service names it"})


class ActivitySchema(DatedSchema):
    kind = fields.String(required=True, validate=validate.OneOf(NETWORK_ACTIVITIES))
    host = employer_id(load_default=None, allow_none=True, metadata={
        "description": "the member firm that hosts it (a company visit)"})
    participants = fields.List(fields.String(validate=validate.Length(min=1, max=64)),
                               load_default=list, validate=validate.Length(max=1000),
                               metadata={"description": "enrolment ids of the network's "
                                                        "participants who attended"})
    firms = fields.List(employer_id(), load_default=list, validate=validate.Length(max=1000),
                        metadata={"description": "member firms that attended"})

    @validates_schema
    def someone(self, data, **kwargs):
        if not data.get("participants") and not data.get("firms"):
            raise ValidationError("an activity has participants or firms attending",
                                  "participants")


class PlanSchema(DatedSchema):
    hours_per_week = fields.Dict(
        keys=fields.String(validate=validate.OneOf(ACTIVITIES)),
        values=fields.Float(validate=WEEKLY_HOURS, allow_nan=False), required=True,
        validate=validate.Length(min=1, max=len(ACTIVITIES)),
        metadata={"description": "hours a week planned per activity type, from `date`"})


class HoursSchema(Strict):
    month = month_field(required=True)
    hours = fields.Dict(keys=fields.String(validate=validate.OneOf(ACTIVITIES)),
                        values=fields.Float(validate=MONTHLY_HOURS, allow_nan=False),
                        required=True, validate=validate.Length(max=len(ACTIVITIES)),
                        metadata={"description": "hours attended per activity type of the plan"})


class ReviewHoursSchema(Strict):
    month = month_field(required=True)
    decision = fields.String(required=True, validate=validate.OneOf(HOURS_DECISIONS))
    by = fields.String(required=True, validate=validate.OneOf(HOURS_REVIEWERS), metadata={
        "description": "participant: their own review; coach: their coach, on their behalf "
                       "(only the participant's coach or co-coach)"})
    reason = fields.String(load_default=None, allow_none=True,
                           validate=validate.OneOf(DISPUTE_REASONS),
                           metadata={"description": "why disputed (required then)"})

    @validates_schema
    def reason_when_disputed(self, data, **kwargs):
        if data.get("decision") == "disputed" and not data.get("reason"):
            raise ValidationError("say why the hours are disputed", "reason")
        if data.get("decision") == "approved" and data.get("reason"):
            raise ValidationError("only a dispute has a reason", "reason")


class MilestoneSchema(DatedSchema):
    milestone = fields.String(required=True, validate=validate.OneOf(MILESTONES), metadata={
        "description": "one its programme's kind declares (pathways.contracts.programmes)"})


class DecisionSchema(DatedSchema):
    granted = Flag(required=True)


class NewCoachSchema(Strict):
    coach_id = fields.String(required=True, validate=ID,
                             metadata={"description": "the caseworker's id (their token's `id`)"})
    specialty = fields.String(required=True, validate=SPECIALTY, metadata={
        "description": "one of the organisation's kinds of coach (COACH_SPECIALTIES; default "
                       "education, labour_market, business)"})


class AssignCoachSchema(DatedSchema):
    coach_id = fields.String(required=True, validate=ID)
    co_coach_id = fields.String(load_default=None, allow_none=True, validate=ID)

    @validates_schema
    def two_people(self, data, **kwargs):
        if data.get("co_coach_id") and data.get("co_coach_id") == data.get("coach_id"):
            raise ValidationError("the co-coach must be someone other than the coach",
                                  "co_coach_id")


class DueQuerySchema(Strict):
    coach = fields.String(validate=ID, metadata={
        "description": "whose list (default: a caseworker's own; for a coordinator the whole "
                       "organisation); `unassigned`: enrolments with no coach"})
    on = day(metadata={"description": "the business date it is computed for (default: today "
                                      "where the organisation is)"})


class CaseloadQuerySchema(PageQuerySchema):
    coach = fields.String(validate=ID, metadata={
        "description": "whose caseload (default: the caller's own; a caseworker sees only "
                       "their own); `unassigned`: enrolments with no coach"})
    on = day(metadata={"description": "the business date it is computed for (default: today "
                                      "where the organisation is)"})
    include_closed = fields.Boolean(load_default=False, truthy={"true"}, falsy={"false"},
                                    metadata={"description": "also ended enrolments"})


# action in the URL -> (command, body schema)
ENROLMENT_ACTIONS = {
    "share": (Share, DatedSchema),
    "consent": (RecordConsent, ConsentSchema),
    "apply": (Apply, DatedSchema),
    "waitlist": (Waitlist, DatedSchema),
    "allocate": (AllocatePlace, DatedSchema),
    "start": (Start, StartSchema),
    "participation": (ChangeParticipation, ChangeParticipationSchema),
    "end": (End, EndSchema),
    "reject": (Reject, RejectSchema),
    "void": (Void, DatedSchema),
    "correct": (Correct, CorrectSchema),
    "coach": (AssignCoach, AssignCoachSchema),
    "contact": (RecordContact, ContactSchema),
    "extend": (ProposeExtension, ExtendSchema),
    "decide-extension": (DecideExtension, DecisionSchema),
    "milestone": (ReachMilestone, MilestoneSchema),
    "plan": (SetPlan, PlanSchema),
    "hours": (RecordHours, HoursSchema),
    "review-hours": (ReviewHours, ReviewHoursSchema),
    "fee": (ChargeFee, ChargeFeeSchema),
    "fee-paid": (RecordFeePaid, FeePaidSchema),
}


# --- one way in ------------------------------------------------------------------------------------
@dataclass(frozen=True, kw_only=True)
class RecordArrival:
    arrival_id: str
    participant_id: str
    route: str


@dataclass(frozen=True, kw_only=True)
class Assess:
    needs_group: str
    goal: str
    specialty: str


@dataclass(frozen=True, kw_only=True)
class MarkRouted:
    run_id: str
    enrolment_id: str
    coach_id: str


@dataclass(frozen=True, kw_only=True)
class CloseArrival:
    reason: str


@dataclass(frozen=True, kw_only=True)
class RouteArrival:
    """Send an assessed arrival to a run and a coach (``app.Intake.route_arrival``)."""
    run_id: str
    coach_id: str


class NewArrivalSchema(DatedSchema):
    participant_id = fields.String(required=True, validate=ID, metadata={
        "description": "the person, registered first (`POST /participants`)"})
    route = fields.String(required=True, validate=validate.OneOf(ARRIVAL_ROUTES))


class AssessSchema(DatedSchema):
    needs_group = fields.String(required=True, validate=validate.OneOf(NEEDS_GROUPS))
    goal = fields.String(required=True, validate=validate.OneOf(GOALS))
    specialty = fields.String(required=True, validate=SPECIALTY, metadata={
        "description": "the kind of coach it calls for (COACH_SPECIALTIES)"})


class RouteSchema(DatedSchema):
    run_id = fields.String(required=True, validate=ID)
    coach_id = fields.String(required=True, validate=ID)


class CloseArrivalSchema(DatedSchema):
    reason = fields.String(required=True, validate=validate.OneOf(ARRIVAL_CLOSE_REASONS))


class ArrivalsQuerySchema(PageQuerySchema):
    state = fields.String(validate=validate.OneOf(("arrived", "assessed", "routed", "closed")))


ARRIVAL_ACTIONS = {"assess": (Assess, AssessSchema), "route": (RouteArrival, RouteSchema),
                   "close": (CloseArrival, CloseArrivalSchema)}
