"""Event contracts of the intake service (v1). No personal data: a participant is a random id with
coarse reporting attributes; names, national IDs, contact details and notes stay in the vault."""
from marshmallow import ValidationError, fields, validate

from pathways.contracts.events import Event
from pathways.contracts.programmes import (ACTIVITIES, MILESTONES, NETWORK_ACTIVITIES,
                                           PROGRAMMES)
from pathways.contracts.registry import REGISTRY

START_MODES = ("rolling", "common")
END_STATUSES = ("completed", "left", "aborted")
# NAV Komet's reasons for ending or not starting, as codes (no free text: it may hold personal data).
END_REASONS = ("got_job", "education", "sick", "needs_other_support", "did_not_show",
               "course_full", "moved", "not_relevant", "other")   # not_relevant: NAV IKKE_AKTUELL
OUTCOME_HINTS = ("employed", "education", "other_programme", "not_in_work", "unknown")
# The outcome hint each end reason means: a participant who got a job was employed, one who went
# to education went to education, and no other reason says either. An end that says "got a job"
# and "not in work" at once is refused, rather than counted one way or the other; so is one the
# provider aborted that went on to work or education (that participant left, or completed).
WORK_HINTS = {"got_job": "employed", "education": "education"}


def end_contradiction(status, reason, hint):
    """Why ``status``, ``reason`` and ``hint`` cannot all be true of one end, or None."""
    expected = WORK_HINTS.get(reason)
    if expected and hint != expected:
        return f"reason {reason} means outcome_hint {expected}, not {hint}"
    if not expected and hint in WORK_HINTS.values():
        reason_for = next(r for r, h in WORK_HINTS.items() if h == hint)
        return f"outcome_hint {hint} needs reason {reason_for}, not {reason}"
    if status == "aborted" and expected:
        return f"an enrolment the provider aborted did not end in {expected} (left or completed)"
    return None


CONSENT_BY = ("participant", "caseworker")
GENDERS = ("F", "M", "X")
NEEDS_GROUPS = ("standard", "situational", "special", "permanent")  # NAV innsatsgrupper

ID = validate.Length(min=1, max=64)


class RunRef(Event, abstract=True):
    run_id = fields.String(required=True, validate=ID)


class EnrolmentRef(RunRef, abstract=True):
    enrolment_id = fields.String(required=True, validate=ID)
    participant_id = fields.String(required=True, validate=ID)


class ProgrammeRunCreated(RunRef):
    programme = fields.String(required=True, validate=validate.OneOf(PROGRAMMES))
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    places = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=10_000))
    start_mode = fields.String(required=True, validate=validate.OneOf(START_MODES))
    start_date = fields.Date(required=True, allow_none=True)
    approval_required = fields.Boolean(required=True)


class ParticipantRegisteredV1(Event, type="ParticipantRegistered", version=1):
    participant_id = fields.String(required=True, validate=ID)
    birth_year = fields.Integer(required=True, strict=True, validate=validate.Range(1900, 2100))
    gender = fields.String(required=True, validate=validate.OneOf(GENDERS))
    municipality = fields.String(required=True, validate=validate.Regexp(r"^[0-9]{3,4}$"))
    needs_group = fields.String(required=True, validate=validate.OneOf(NEEDS_GROUPS))
    country = fields.String(required=True, validate=validate.OneOf(("NO", "DK", "SE")))


class ParticipantRegistered(ParticipantRegisteredV1, version=2):
    """v2: the target groups official statistics break figures down by, as told at
    registration (null: not told; v1 registrations: not told)."""
    refugee = fields.Boolean(required=True, allow_none=True, metadata={
        "description": "came as a refugee or reunited with one (the introduction programme's "
                       "target group)"})
    reduced_work_capacity = fields.Boolean(required=True, allow_none=True, metadata={
        "description": "work capacity assessed as reduced (NAV: nedsatt arbeidsevne)"})


@REGISTRY.upcaster("ParticipantRegistered", 1)
def _participant_registered_v1_to_v2(payload):
    return {**payload, "refugee": None, "reduced_work_capacity": None}


class ParticipantDataErased(Event):
    participant_id = fields.String(required=True, validate=ID)


class ParticipantReferred(EnrolmentRef):
    programme = fields.String(required=True, validate=validate.OneOf(PROGRAMMES))
    status = fields.String(required=True, validate=validate.OneOf(("draft", "shared")))


class ReferralShared(EnrolmentRef):
    pass


class ConsentRecorded(EnrolmentRef):
    given_by = fields.String(required=True, validate=validate.OneOf(CONSENT_BY))
    on_behalf_reason = fields.String(required=True, allow_none=True,
                                     validate=validate.OneOf(("participant_unreachable",
                                                              "verbal_consent", "guardian", "other")))


class ParticipantApplied(EnrolmentRef):
    pass


class ParticipantWaitlisted(EnrolmentRef):
    queue_position = fields.Integer(required=True, strict=True, validate=validate.Range(min=1))


class PlaceAllocated(EnrolmentRef):
    places_in_use = fields.Integer(required=True, strict=True, validate=validate.Range(min=1))
    places = fields.Integer(required=True, strict=True, validate=validate.Range(min=1))


class ParticipationLevel(EnrolmentRef, abstract=True):
    percent = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=100))
    days_per_week = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=7))


class ParticipantEnrolled(ParticipationLevel):
    programme = fields.String(required=True, validate=validate.OneOf(PROGRAMMES))
    start_date = fields.Date(required=True)


class ParticipationChanged(ParticipationLevel):
    from_date = fields.Date(required=True)


class EnrolmentEnded(EnrolmentRef):
    programme = fields.String(required=True, validate=validate.OneOf(PROGRAMMES))
    status = fields.String(required=True, validate=validate.OneOf(END_STATUSES))
    reason = fields.String(required=True, validate=validate.OneOf(END_REASONS))
    outcome_hint = fields.String(required=True, validate=validate.OneOf(OUTCOME_HINTS))
    start_date = fields.Date(required=True)
    end_date = fields.Date(required=True)


class ReferralRejected(EnrolmentRef):
    reason = fields.String(required=True, validate=validate.OneOf(END_REASONS))
    previous_state = fields.String(required=True)


class EnrolmentVoided(EnrolmentRef):
    previous_state = fields.String(required=True)


class EnrolmentDatesCorrected(EnrolmentRef):
    """A correction of dates recorded earlier (null: unchanged). The earlier events stay as they
    were: reports as known before the correction still show what was believed then."""
    referred_on = fields.Date(required=True, allow_none=True)
    start_date = fields.Date(required=True, allow_none=True)
    end_date = fields.Date(required=True, allow_none=True)


# --- coaches and their caseloads -----------------------------------------------------------------
# What kinds of coach an organisation has unless its config says otherwise (COACH_SPECIALTIES):
# Strömstad's vuxenutbildningscoach, arbetsmarknadscoach and företagscoach.
DEFAULT_SPECIALTIES = ("education", "labour_market", "business")
SPECIALTY = validate.Regexp(r"^[a-z][a-z0-9_]{0,39}$")


class CoachRegistered(Event):
    """A caseworker identity of the organisation (the ``id`` its token gives) made a coach."""
    coach_id = fields.String(required=True, validate=ID)
    specialty = fields.String(required=True, validate=SPECIALTY)


class CoachAssigned(EnrolmentRef):
    """An enrolment given to a coach and an optional co-coach (NAV: veileder, medveileder); a
    reassignment is another of these, naming who held it before."""
    coach_id = fields.String(required=True, validate=ID)
    co_coach_id = fields.String(required=True, allow_none=True, validate=ID)
    previous_coach_id = fields.String(required=True, allow_none=True, validate=ID)


# --- time-limited places ---------------------------------------------------------------------------
EXTENSION_REASONS = ("needs_more_time", "job_in_sight", "education_in_sight", "health", "other")


class StayLimitSet(RunRef):
    """How long a place in the run lasts from the start (Asker: three months), and the longest a
    stay may become with extensions."""
    days = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=3650))
    with_extensions_days = fields.Integer(required=True, strict=True,
                                          validate=validate.Range(min=1, max=3650))


class StayPlanned(EnrolmentRef):
    """A started enrolment's planned end, from the run's stay limit."""
    planned_end = fields.Date(required=True)


class ExtensionProposed(EnrolmentRef):
    """A coach proposes a later planned end (NAV: forslag); a coordinator decides."""
    proposal_id = fields.String(required=True, validate=ID)
    planned_end = fields.Date(required=True)
    reason = fields.String(required=True, validate=validate.OneOf(EXTENSION_REASONS))


class ExtensionDecided(EnrolmentRef):
    proposal_id = fields.String(required=True, validate=ID)
    granted = fields.Boolean(required=True)
    planned_end = fields.Date(required=True)   # the planned end after the decision


# --- contacts with participants ------------------------------------------------------------------
CONTACT_KINDS = ("meeting", "call", "visit", "digital")
CONTACT_PLACES = ("office", "outside")   # Aust-Agder's advisers: 60-70 % outside the office
CONTACT_OUTCOMES = ("held", "no_show", "cancelled", "follow_up_planned", "job_lead", "other")


class ContactRecorded(EnrolmentRef):
    """A contact with the participant on its business date, by the envelope's actor. Codes
    only: what was said is not an event's to carry."""
    kind = fields.String(required=True, validate=validate.OneOf(CONTACT_KINDS))
    place = fields.String(required=True, validate=validate.OneOf(CONTACT_PLACES))
    outcome = fields.String(required=True, validate=validate.OneOf(CONTACT_OUTCOMES))


# --- one way in: arrivals, assessed and routed ----------------------------------------------------
ARRIVAL_ROUTES = ("self_referred", "nav", "arbetsformedlingen", "jobcentre", "municipality",
                  "employer", "other")
GOALS = ("work", "education", "business")
ARRIVAL_CLOSE_REASONS = ("not_eligible", "declined", "moved", "referred_elsewhere", "no_contact",
                         "other")


class ArrivalRef(Event, abstract=True):
    arrival_id = fields.String(required=True, validate=ID)
    participant_id = fields.String(required=True, validate=ID)


class PersonArrived(ArrivalRef):
    """A person came in by one of the organisation's ways (Strömstad: en väg in)."""
    route = fields.String(required=True, validate=validate.OneOf(ARRIVAL_ROUTES))


class ArrivalAssessed(ArrivalRef):
    """A coach's assessment: the needs group, the goal, and which kind of coach it calls for."""
    needs_group = fields.String(required=True, validate=validate.OneOf(NEEDS_GROUPS))
    goal = fields.String(required=True, validate=validate.OneOf(GOALS))
    specialty = fields.String(required=True, validate=SPECIALTY)


class ArrivalRouted(ArrivalRef):
    """Sent to a programme run (the enrolment made there) and a coach of the assessed kind."""
    run_id = fields.String(required=True, validate=ID)
    enrolment_id = fields.String(required=True, validate=ID)
    coach_id = fields.String(required=True, validate=ID)


class ArrivalClosed(ArrivalRef):
    reason = fields.String(required=True, validate=validate.OneOf(ARRIVAL_CLOSE_REASONS))


# --- contracts with funders ------------------------------------------------------------------------
# Who pays for a funding line (Asker: the county, the municipality, local business and the
# participants themselves; Strömstad: Tillväxtverket and the region).
FUNDING_SOURCES = ("state", "county", "region", "municipality", "business", "participants",
                   "eu", "other")
CURRENCY = validate.Regexp(r"^[A-Z]{3}$")


def _not_negative(amount):
    if amount < 0:
        raise ValidationError("must not be negative")


def money(**kw):
    """An amount of money: a decimal with two places, as a string in the event."""
    return fields.Decimal(required=True, as_string=True, places=2, validate=_not_negative,
                          **kw)


class ContractRef(Event, abstract=True):
    contract_id = fields.String(required=True, validate=ID)


class ContractMade(ContractRef):
    """A funder's contract with partner organisations (one, or a consortium: Aust-Agder's six
    under one NAV contract) for places in programmes over a period. ``places``: bought per
    organisation; ``rate``: paid per participant-month (null: not paid so); ``result_amount``:
    paid per enrolment that ends in work or education within ``result_months`` of its end
    (null: no result line). Made by, and in the log of, the organisation that administers it."""
    funder = fields.String(required=True, validate=ID)   # the funder, as an organisation id
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    orgs = fields.List(fields.String(validate=ID), required=True,
                       validate=validate.Length(min=1, max=100))
    programmes = fields.List(fields.String(validate=validate.OneOf(PROGRAMMES)), required=True,
                             validate=validate.Length(min=1))
    period_from = fields.Date(required=True)
    period_to = fields.Date(required=True)
    places = fields.Dict(keys=fields.String(validate=ID), values=fields.Integer(
        strict=True, validate=validate.Range(min=0, max=100_000)), required=True)
    currency = fields.String(required=True, validate=CURRENCY)
    rate = money(allow_none=True)
    result_amount = money(allow_none=True)
    result_months = fields.Integer(required=True, strict=True, allow_none=True,
                                   validate=validate.Range(min=1, max=24))


class ContractExtended(ContractRef):
    """The period runs to a later ``period_to`` (Aust-Agder's: extended to 1 July 2019)."""
    period_to = fields.Date(required=True)


class ContractPlacesMoved(ContractRef):
    """Places moved from one of the consortium's organisations to another from a business date
    (to keep waits short where they are longest)."""
    from_org = fields.String(required=True, validate=ID)
    to_org = fields.String(required=True, validate=ID)
    places = fields.Integer(required=True, strict=True, validate=validate.Range(min=1))
    from_date = fields.Date(required=True)


class FundingLineAdded(ContractRef):
    """Money for the contract from one source over a period within it."""
    line_id = fields.String(required=True, validate=ID)
    source = fields.String(required=True, validate=validate.OneOf(FUNDING_SOURCES))
    amount = money()
    currency = fields.String(required=True, validate=CURRENCY)
    period_from = fields.Date(required=True)
    period_to = fields.Date(required=True)


# --- participants' own fees --------------------------------------------------------------------------
MONTH = validate.Regexp(r"^[0-9]{4}-(0[1-9]|1[0-2])$")


class ParticipantFeeCharged(EnrolmentRef):
    """A participant's own fee for a month of the programme (Asker: 1,000 a month): what is
    due, never who pays it beyond the enrolment's random ids."""
    month = fields.String(required=True, validate=MONTH)
    amount = money()
    currency = fields.String(required=True, validate=CURRENCY)


class ParticipantFeePaid(EnrolmentRef):
    """A payment of a month's fee (the business date: when it was paid)."""
    month = fields.String(required=True, validate=MONTH)
    amount = money()


# --- milestones ------------------------------------------------------------------------------------
HOURS_DECISIONS = ("approved", "disputed")
HOURS_REVIEWERS = ("participant", "coach")   # the coach: on the participant's behalf
DISPUTE_REASONS = ("too_many_hours", "too_few_hours", "wrong_activity", "other")
WEEKLY_HOURS = validate.Range(min=0.5, max=60)
MONTHLY_HOURS = validate.Range(min=0, max=744)


class ActivityPlanSet(EnrolmentRef):
    """The participant's activity plan from a business date (``occurred_at``): hours a week
    planned per activity type; a new plan replaces the one before from its date."""
    hours_per_week = fields.Dict(keys=fields.String(validate=validate.OneOf(ACTIVITIES)),
                                 values=fields.Float(validate=WEEKLY_HOURS), required=True,
                                 validate=validate.Length(min=1))


class HoursRecorded(EnrolmentRef):
    """Hours attended in a month per activity type (Rusta och matcha's monthly record), to be
    approved or disputed by the participant; recorded again, it replaces the month's record
    and waits for a new review."""
    month = fields.String(required=True, validate=MONTH)
    hours = fields.Dict(keys=fields.String(validate=validate.OneOf(ACTIVITIES)),
                        values=fields.Float(validate=MONTHLY_HOURS), required=True)


class HoursReviewed(EnrolmentRef):
    """A month's recorded hours approved or disputed by the participant, or by their coach on
    the participant's behalf (``by``: coach; the actor is the coach)."""
    month = fields.String(required=True, validate=MONTH)
    decision = fields.String(required=True, validate=validate.OneOf(HOURS_DECISIONS))
    by = fields.String(required=True, validate=validate.OneOf(HOURS_REVIEWERS))
    reason = fields.String(required=True, allow_none=True,
                           validate=validate.OneOf(DISPUTE_REASONS))


class FirmJoinedNetwork(RunRef):
    """A firm became a member of a network (a run of a network kind) on a business date
    (``occurred_at``): Nextwork's 60 firms are members, not only employers of a placement."""
    employer_id = fields.String(required=True, validate=ID)


class FirmLeftNetwork(RunRef):
    employer_id = fields.String(required=True, validate=ID)


class NetworkActivityHeld(RunRef):
    """A network's meeting, company visit or event on a business date (``occurred_at``), with
    who attended: the network's participants (enrolment ids) and member firms."""
    activity_id = fields.String(required=True, validate=ID)
    kind = fields.String(required=True, validate=validate.OneOf(NETWORK_ACTIVITIES))
    host = fields.String(required=True, allow_none=True, validate=ID)
    enrolment_ids = fields.List(fields.String(validate=ID), required=True,
                                validate=validate.Length(max=1000))
    employer_ids = fields.List(fields.String(validate=ID), required=True,
                               validate=validate.Length(max=1000))


class MilestoneReached(EnrolmentRef):
    """A milestone its programme's kind declares (``pathways.contracts.programmes.KINDS``),
    reached on a business date (the envelope's ``occurred_at``): Gjøvik's trade certificate,
    Asker's business registered."""
    milestone = fields.String(required=True, validate=validate.OneOf(MILESTONES))
