"""What intake answers (documented in its OpenAPI document; see ``pathways.api.answers``)."""
from marshmallow import fields, validate

from pathways.api.answers import Answer, choice, count, date, text
from pathways.contracts.intake import (FUNDING_SOURCES, ARRIVAL_CLOSE_REASONS, ARRIVAL_ROUTES, EXTENSION_REASONS,
                                       GOALS, PROGRAMMES)

NEEDS = {"standard": "standard needs (NAV standard innsats)",
         "situational": "situational needs (situasjonsbestemt innsats)",
         "special": "special needs (spesielt tilpasset innsats)",
         "permanent": "permanently adapted (varig tilpasset innsats)"}

ENROLMENT_STATES = {
    "draft": "referred; nothing shared with the provider yet",
    "shared": "shared with the provider",
    "applied": "the provider has the application",
    "waitlisted": "on the run's waiting list (`queue_position` says where)",
    "place_allocated": "holds one of the run's places, not started yet",
    "participating": "started: holds a place",
    "completed": "ended: completed the programme",
    "left": "ended: left before the end",
    "aborted": "ended: the provider aborted it",
    "not_relevant": "rejected before starting (NAV IKKE_AKTUELL)",
    "registered_in_error": "withdrawn: recorded by mistake; counts nowhere",
}
TRANSITIONS = ("draft → shared → applied → waitlisted | place_allocated → participating → "
               "completed | left | aborted; before the start also → not_relevant or "
               "registered_in_error (`apply` may go straight from draft; a run without approval "
               "allocates the place at once)")
IDENTIFIER = validate.Length(min=1, max=64)


class ProposalSchema(Answer):
    proposal_id = text(validate=IDENTIFIER)
    planned_end = date("the proposed planned end")
    reason = choice({r: r.replace("_", " ") for r in EXTENSION_REASONS})


class MonthFeeSchema(Answer):
    charged = text("the month's fee")
    paid = text("paid of it so far")


class CurrentPlanSchema(Answer):
    since = date("from when the plan holds")
    hours_per_week = fields.Dict(keys=fields.String(), values=fields.Float(), required=True)


class HoursReviewSchema(Answer):
    decision = choice({"approved": "the hours are right", "disputed": "they are not"})
    by = choice({"participant": "the participant", "coach": "their coach, on their behalf"})
    reason = text("why disputed", allow_none=True)


class MonthHoursSchema(Answer):
    hours = fields.Dict(keys=fields.String(), values=fields.Float(), required=True,
                        metadata={"description": "hours attended per activity type"})
    review = fields.Nested(HoursReviewSchema, required=True, allow_none=True,
                           metadata={"description": "null: not reviewed yet"})


class EnrolmentSchema(Answer):
    EXAMPLE = {"run_id": "29899f07-4e66-4424-b033-370894783a70", "run_name": "AFT Øst",
               "programme": "aft", "enrolment_id": "d1738b64-81d7-4dd7-83b7-cee401dd77ed",
               "participant_id": "3c3ca2ed-5ce3-4d78-9bd4-b0c01d773678",
               "state": "participating", "consent": True, "percent": 100, "days_per_week": 5,
               "referred_on": "2026-02-26", "start_date": "2026-03-09", "end_date": None,
               "queue_position": None, "coach_id": "cw-anne", "co_coach_id": None,
               "planned_end": "2026-06-09", "extension_proposed": None,
               "milestones": {"cv_ready": "2026-03-20"},
               "fees": {"2026-03": {"charged": "1000.00", "paid": "1000.00"}},
               "plan": {"since": "2026-03-09", "hours_per_week": {"work_training": 15.0,
                                                                  "job_search": 5.0}},
               "hours": {"2026-03": {"hours": {"work_training": 45.0, "job_search": 12.5},
                                     "review": {"decision": "approved", "by": "participant",
                                                "reason": None}}}}

    run_id = text(validate=IDENTIFIER)
    run_name = text("the programme run's name")
    programme = choice({p: p.replace("_", " ") for p in PROGRAMMES})
    enrolment_id = text(validate=IDENTIFIER)
    participant_id = text(validate=IDENTIFIER)
    state = choice(ENROLMENT_STATES, transitions=TRANSITIONS)
    consent = fields.Boolean(required=True, metadata={"description": "the participant's "
                                                      "consent is recorded"})
    percent = fields.Integer(required=True, allow_none=True, validate=validate.Range(1, 100),
                             metadata={"description": "participation level once started"})
    days_per_week = fields.Integer(required=True, allow_none=True,
                                   validate=validate.Range(1, 7))
    referred_on = date("the business date of the referral")
    start_date = date("the (planned) start", allow_none=True)
    end_date = date("the end, once ended", allow_none=True)
    queue_position = fields.Integer(required=True, allow_none=True,
                                    validate=validate.Range(min=1),
                                    metadata={"description": "1 = next in line; null unless "
                                                             "waitlisted"})
    coach_id = text("the coach who holds it (null: none assigned yet)", allow_none=True)
    co_coach_id = text("the co-coach, if any", allow_none=True)
    planned_end = date("when the place ends as planned (a run with a stay limit; moved by "
                       "granted extensions)", allow_none=True)
    extension_proposed = fields.Nested(ProposalSchema, required=True, allow_none=True, metadata={
        "description": "an extension awaiting a coordinator's decision"})
    milestones = fields.Dict(keys=fields.String(), values=fields.Date(), required=True, metadata={
        "description": "the milestones of its programme's kind reached, with their dates"})
    fees = fields.Dict(keys=fields.String(), values=fields.Nested(MonthFeeSchema), required=True,
                       metadata={"description": "the participant's own fees per month "
                                                "(YYYY-MM), where the programme charges one"})
    plan = fields.Nested(CurrentPlanSchema, required=True, allow_none=True,
                         metadata={"description": "the activity plan now (null: none)"})
    hours = fields.Dict(keys=fields.String(), values=fields.Nested(MonthHoursSchema),
                        required=True, metadata={"description": "hours attended per month "
                                                                "(YYYY-MM) and their review"})


class MembershipSchema(Answer):
    employer_id = text("the firm, as the employer service names it")
    joined_on = date("member from")
    left_on = date("member until (null: still a member)", allow_none=True)


class RunSummarySchema(Answer):
    EXAMPLE = {"run_id": "29899f07-4e66-4424-b033-370894783a70", "programme": "office_places",
               "name": "Kontorplasser Bergen", "places": 15, "places_in_use": 1,
               "start_mode": "rolling", "start_date": None, "approval_required": False,
               "waitlist": [], "enrolments_by_state": {"participating": 1}, "stay_days": 92,
               "stay_max_days": 183, "members": [], "activities": 0}

    run_id = text(validate=IDENTIFIER)
    programme = choice({p: p.replace("_", " ") for p in PROGRAMMES})
    name = text()
    places = count("places at any time")
    places_in_use = count("enrolments holding a place (allocated or participating)")
    start_mode = choice({"rolling": "participants start whenever a place is free",
                         "common": "everyone starts on `start_date`"})
    start_date = date("the common start (common mode only)", allow_none=True)
    approval_required = fields.Boolean(required=True, metadata={
        "description": "a place is allocated by a coordinator, not at once on application"})
    waitlist = fields.List(fields.String(), required=True,
                           metadata={"description": "enrolment ids in queue order"})
    enrolments_by_state = fields.Dict(keys=fields.String(validate=validate.OneOf(
        tuple(ENROLMENT_STATES))), values=fields.Integer(validate=validate.Range(min=1)),
        required=True, metadata={"description": "how many enrolments are in each state "
                                                "(states with none are left out)"})
    stay_days = fields.Integer(required=True, allow_none=True, metadata={
        "description": "days a place lasts from the start (null: no limit)"})
    stay_max_days = fields.Integer(required=True, allow_none=True, metadata={
        "description": "the longest a stay may become with extensions"})
    members = fields.List(fields.Nested(MembershipSchema), required=True, metadata={
        "description": "a network's member firms, each spell of membership"})
    activities = count("a network's activities recorded")


class ActivityHeldSchema(RunSummarySchema):
    EXAMPLE = {**RunSummarySchema.EXAMPLE, "activity_id": "5b1f0a43-6f7e-4a53-9a55-3f1b7f7a9a10"}
    activity_id = text("the activity recorded", validate=IDENTIFIER)


class RunSchema(RunSummarySchema):
    EXAMPLE = {**RunSummarySchema.EXAMPLE, "enrolments": [EnrolmentSchema.EXAMPLE]}

    enrolments = fields.List(fields.Nested(EnrolmentSchema), required=True)


class RegisteredParticipantSchema(Answer):
    """What the event log knows of a registered participant: coarse attributes, no personal
    data."""
    EXAMPLE = {"participant_id": "3c3ca2ed-5ce3-4d78-9bd4-b0c01d773678", "birth_year": 1986,
               "gender": "F", "municipality": "4601", "needs_group": "situational",
               "country": "NO", "refugee": None, "reduced_work_capacity": False}

    participant_id = text(validate=IDENTIFIER)
    birth_year = fields.Integer(required=True, validate=validate.Range(1900, 2200))
    gender = choice({"F": "female", "M": "male", "X": "other or not given"})
    municipality = text("municipality number")
    needs_group = choice(NEEDS)
    country = choice({"NO": "Norway", "DK": "Denmark", "SE": "Sweden"})
    refugee = fields.Boolean(required=True, allow_none=True, metadata={"description": "target "
                             "group: came as a refugee (null: not told)"})
    reduced_work_capacity = fields.Boolean(required=True, allow_none=True, metadata={
        "description": "target group: reduced work capacity (null: not told)"})


class PersonalDataSchema(Answer):
    """The vault's record (personal data: the read is recorded)."""
    participant_id = text(validate=IDENTIFIER)
    country = choice({"NO": "Norway", "DK": "Denmark", "SE": "Sweden"})
    national_id = text()
    given_name = text()
    family_name = text()
    email = text(allow_none=True)
    phone = text(allow_none=True)
    municipality = text("municipality number")
    needs_group = choice(NEEDS)
    notes = text()


class ErasedSchema(Answer):
    participant_id = text(validate=IDENTIFIER)
    erased = fields.Boolean(required=True)


class CoachSchema(Answer):
    EXAMPLE = {"coach_id": "cw-anne", "specialty": "labour_market"}

    coach_id = text("the caseworker's id (their token's `id`)", validate=IDENTIFIER)
    specialty = text("the kind of coach (COACH_SPECIALTIES)")


class CoachLoadSchema(CoachSchema):
    EXAMPLE = {**CoachSchema.EXAMPLE, "enrolments": 12, "co_coached": 3, "waiting": 2,
               "participating": 9, "overdue": 1}

    enrolments = count("active enrolments held as coach")
    co_coached = count("active enrolments held as co-coach")
    waiting = count("of the enrolments held as coach, those not started yet")
    participating = count("of the enrolments held as coach, those participating")
    overdue = count("enrolments held as coach with something overdue today (`GET /due`)")


class CoachesSchema(Answer):
    EXAMPLE = {"coaches": [CoachLoadSchema.EXAMPLE], "unassigned": 4,
               "specialties": ["education", "labour_market", "business"]}

    coaches = fields.List(fields.Nested(CoachLoadSchema), required=True)
    unassigned = count("active enrolments with no coach yet")
    specialties = fields.List(fields.String(), required=True, metadata={
        "description": "the kinds of coach this organisation has (COACH_SPECIALTIES)"})


class EnrolmentRowSchema(Answer):
    """What a coach's lists show of each enrolment (the caseload view's row)."""
    run_id = text(validate=IDENTIFIER)
    run_name = text()
    programme = choice({p: p.replace("_", " ") for p in PROGRAMMES})
    enrolment_id = text(validate=IDENTIFIER)
    participant_id = text(validate=IDENTIFIER)
    coach_id = text(allow_none=True)
    co_coach_id = text(allow_none=True)
    state = choice(ENROLMENT_STATES, transitions=TRANSITIONS)


class CaseloadItemSchema(EnrolmentRowSchema):
    EXAMPLE = {"run_id": "29899f07-4e66-4424-b033-370894783a70", "run_name": "AFT Øst",
               "programme": "aft", "enrolment_id": "d1738b64-81d7-4dd7-83b7-cee401dd77ed",
               "participant_id": "3c3ca2ed-5ce3-4d78-9bd4-b0c01d773678",
               "coach_id": "cw-anne", "co_coach_id": None, "role": "coach",
               "state": "participating", "active": True, "since": "2026-03-09",
               "days_in_state": 21, "start_date": "2026-03-09", "end_date": None,
               "planned_end": "2026-06-09", "extension_pending": False,
               "last_contact": "2026-03-25"}

    role = choice({"coach": "the asked-for coach holds it", "co_coach": "as co-coach",
                   "unassigned": "no coach yet"})
    active = fields.Boolean(required=True, metadata={"description": "not ended"})
    since = date("the business date the state began (referral, start or end)",
                 allow_none=True)
    days_in_state = fields.Integer(required=True, allow_none=True, metadata={
        "description": "days from `since` to the date asked for (`on`)"})
    start_date = date("the (planned) start", allow_none=True)
    end_date = date("the end, once ended", allow_none=True)
    planned_end = date("when the place ends as planned", allow_none=True)
    extension_pending = fields.Boolean(required=True, metadata={
        "description": "an extension awaits a coordinator's decision"})
    last_contact = date("the business date of the latest contact", allow_none=True)


class DueItemSchema(EnrolmentRowSchema):
    EXAMPLE = {"run_id": "29899f07-4e66-4424-b033-370894783a70", "run_name": "AFT Øst",
               "programme": "aft", "enrolment_id": "d1738b64-81d7-4dd7-83b7-cee401dd77ed",
               "participant_id": "3c3ca2ed-5ce3-4d78-9bd4-b0c01d773678", "coach_id": "cw-anne",
               "co_coach_id": None, "state": "participating", "what": "follow_up",
               "due_on": "2026-03-23", "days_overdue": 2, "months": None}

    what = choice({"follow_up": "no contact for the programme's follow-up interval",
                   "place_ending": "the planned end is within 14 days, or passed",
                   "extension_decision": "an extension awaits a coordinator's decision",
                   "waiting_long": "on the waiting list for more than 30 days",
                   "outcome_follow_up": "the outcome `months` after the end is to be recorded "
                                        "(placement: POST /cases/{enrolment_id}/outcomes)"})
    due_on = date("when it fell due (a planned end: the end itself)")
    days_overdue = count("days from `due_on` to `on` (0: due today or ahead)")
    months = fields.Integer(required=True, allow_none=True, validate=validate.OneOf(
        (1, 3, 6, 12)), metadata={"description": "an outcome follow-up's mark; else null"})


class DueSchema(Answer):
    EXAMPLE = {"on": "2026-03-25", "coach": "cw-anne", "items": [DueItemSchema.EXAMPLE]}

    on = date("the business date the list is computed for")
    coach = text("whose list (null: the whole organisation)", allow_none=True)
    items = fields.List(fields.Nested(DueItemSchema), required=True)


class ArrivalSchema(Answer):
    EXAMPLE = {"arrival_id": "5f0c3f7e-8a55-4a1e-9d0e-3f1f0f6a2b11",
               "participant_id": "3c3ca2ed-5ce3-4d78-9bd4-b0c01d773678", "route": "nav",
               "state": "routed", "arrived_on": "2026-03-02", "needs_group": "situational",
               "goal": "work", "specialty": "labour_market",
               "run_id": "29899f07-4e66-4424-b033-370894783a70",
               "enrolment_id": "d1738b64-81d7-4dd7-83b7-cee401dd77ed", "coach_id": "cw-anne",
               "reason": None, "closed_on": "2026-03-04"}

    arrival_id = text(validate=IDENTIFIER)
    participant_id = text(validate=IDENTIFIER)
    route = choice({r: r.replace("_", " ") for r in ARRIVAL_ROUTES})
    state = choice({"arrived": "recorded, not assessed yet", "assessed": "assessed, not routed",
                    "routed": "sent to a run and a coach", "closed": "closed without a run"},
                   transitions="arrived → assessed → routed | closed; arrived → closed")
    arrived_on = date("the business date the person arrived")
    needs_group = choice(NEEDS, allow_none=True)
    goal = choice({g: g for g in GOALS}, allow_none=True)
    specialty = text("the kind of coach the assessment calls for", allow_none=True)
    run_id = text(allow_none=True)
    enrolment_id = text(allow_none=True)
    coach_id = text(allow_none=True)
    reason = choice({r: r.replace("_", " ") for r in ARRIVAL_CLOSE_REASONS}, allow_none=True)
    closed_on = date("the business date it was routed or closed", allow_none=True)


class PlacesMoveSchema(Answer):
    from_org = text()
    to_org = text()
    places = count()
    from_date = date("from when")


class FundingLineAnswerSchema(Answer):
    line_id = text()
    source = choice({s: s for s in FUNDING_SOURCES})
    amount = text("a decimal with two places")
    currency = text("ISO 4217")
    period_from = date()
    period_to = date()


class ContractSchema(Answer):
    """A contract with a funder: whom it covers, for what, when, and the money."""
    EXAMPLE = {"contract_id": "0d7a4c8e-3a0f-4f57-9a37-4ad7f1f64c1e", "funder": "nav-agder",
               "name": "Aust-Agder VTA 2018-2019",
               "orgs": ["aa-arendal", "aa-grimstad"], "programmes": ["vta"],
               "period_from": "2018-01-01", "period_to": "2019-07-01",
               "places": {"aa-arendal": 12, "aa-grimstad": 8}, "currency": "NOK",
               "rate": "15840.00", "result_amount": None, "result_months": None,
               "moves": [{"from_org": "aa-grimstad", "to_org": "aa-arendal", "places": 2,
                          "from_date": "2018-09-15"}],
               "lines": [{"line_id": "nav-2018", "source": "state", "amount": "3500000.00",
                          "currency": "NOK", "period_from": "2018-01-01",
                          "period_to": "2019-07-01"}],
               "administered_by": "aa-hub"}

    contract_id = text()
    funder = text("the funder's organisation id")
    name = text()
    orgs = fields.List(fields.String(), required=True, metadata={
        "description": "the partner organisations it covers"})
    programmes = fields.List(fields.String(), required=True)
    period_from = date()
    period_to = date("after every extension")
    places = fields.Dict(keys=fields.String(), values=fields.Integer(), required=True,
                         metadata={"description": "places per organisation now (after moves)"})
    currency = text("ISO 4217")
    rate = text("per participant-month", allow_none=True)
    result_amount = text("per enrolment ending in work or education in time",
                         allow_none=True)
    result_months = fields.Integer(required=True, allow_none=True)
    moves = fields.List(fields.Nested(PlacesMoveSchema), required=True)
    lines = fields.List(fields.Nested(FundingLineAnswerSchema), required=True)
    administered_by = text("the organisation whose log holds it and which changes it")
