"""Event contracts of the placement service (v1). No personal data: participants by id, mentors
only as a flag, follow-ups without notes."""
from marshmallow import fields, validate

from pathways.contracts.intake import END_STATUSES as ENROLMENT_STATUSES  # intake's final ones
from pathways.contracts.events import Event
from pathways.contracts.programmes import OUTCOMES
from pathways.contracts.registry import REGISTRY

# Every kind of opportunity an employer posts is a kind of placement too (one vocabulary).
PLACEMENT_KINDS = ("work_trial", "internship", "wage_subsidy_temporary",
                   "wage_subsidy_permanent", "wage_subsidy_job", "small_job", "mentor_supported",
                   "ordinary_job", "apprenticeship", "education")
PARTIES = ("participant", "employer", "caseworker")
END_STATUSES = ("completed", "shortened", "annulled")
END_REASONS = ("completed_as_planned", "got_job", "education", "sick", "employer_ended",
               "participant_ended", "needs_other_support", "registered_in_error", "other")
# The outcomes and their KPI families (work, education, business, other programme, none), with
# their words in each language: pathways.contracts.programmes.
FOLLOW_UP_KINDS = ("visit", "call", "meeting")
FOLLOW_UP_WITH = ("participant", "employer", "mentor", "participant_and_employer")
ID = validate.Length(min=1, max=64)


class PlacementRef(Event, abstract=True):
    placement_id = fields.String(required=True, validate=ID)
    participant_id = fields.String(required=True, validate=ID)
    enrolment_id = fields.String(required=True, validate=ID)
    employer_id = fields.String(required=True, validate=ID)
    opportunity_id = fields.String(required=True, allow_none=True, validate=ID)


class PlacementProposed(PlacementRef):
    kind = fields.String(required=True, validate=validate.OneOf(PLACEMENT_KINDS))
    hours_per_week = fields.Float(required=True, validate=validate.Range(min=0.5, max=60))
    wage_subsidy_percent = fields.Integer(required=True, allow_none=True,
                                          validate=validate.Range(min=1, max=100))
    has_mentor = fields.Boolean(required=True)
    start_date = fields.Date(required=True)
    planned_end_date = fields.Date(required=True, allow_none=True)
    run_id = fields.String(required=True, validate=ID)


class PlacementApproved(PlacementRef):
    party = fields.String(required=True, validate=validate.OneOf(PARTIES))
    agreed = fields.Boolean(required=True)   # true once all three parties approved


class PlacementStarted(PlacementRef):
    kind = fields.String(required=True, validate=validate.OneOf(PLACEMENT_KINDS))
    hours_per_week = fields.Float(required=True, validate=validate.Range(min=0.5, max=60))
    start_date = fields.Date(required=True)


class FollowUpRecorded(PlacementRef):
    date = fields.Date(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(FOLLOW_UP_KINDS))
    with_whom = fields.String(required=True, validate=validate.OneOf(FOLLOW_UP_WITH))


class PlacementEnded(PlacementRef):
    status = fields.String(required=True, validate=validate.OneOf(END_STATUSES))
    reason = fields.String(required=True, validate=validate.OneOf(END_REASONS))
    end_date = fields.Date(required=True)


class CaseRef(Event, abstract=True):
    participant_id = fields.String(required=True, validate=ID)
    enrolment_id = fields.String(required=True, validate=ID)
    run_id = fields.String(required=True, validate=ID)


# Closing a case ends its enrolment in intake (if it is still running) with the reason and outcome
# hint of the case's outcome, and with a final status the outcome allows (default: completed).
# Intake and placement both apply this table; the API documents it.
CLOSURE_ENDS_ENROLMENT = {
    # outcome: (intake end reason, intake outcome hint, final statuses allowed)
    "employed_ordinary": ("got_job", "employed", ("completed", "left")),
    "employed_subsidised": ("got_job", "employed", ("completed", "left")),
    "employed_flexible": ("got_job", "employed", ("completed", "left")),
    "employed_small_job": ("got_job", "employed", ("completed", "left")),
    "self_employed": ("got_job", "employed", ("completed", "left")),
    "flexjob": ("got_job", "employed", ("completed", "left")),
    "business_started": ("got_job", "employed", ("completed", "left")),
    "education": ("education", "education", ("completed", "left")),
    "other_programme": ("needs_other_support", "other_programme", ENROLMENT_STATUSES),
    **{o: ("needs_other_support", "other_programme", ENROLMENT_STATUSES) for o in (
        "resource_course", "introduction_course", "sheltered_work", "permanent_adapted_work",
        "production_workshop")},
    "not_in_work": ("other", "not_in_work", ENROLMENT_STATUSES),
    "unknown": ("other", "unknown", ENROLMENT_STATUSES),
}


class CaseClosedV1(CaseRef, type="CaseClosed", version=1):
    outcome = fields.String(required=True, validate=validate.OneOf(OUTCOMES))
    date = fields.Date(required=True)


class CaseClosed(CaseClosedV1, version=2):
    """v2: the final status the closure gives the enrolment (v1 closures: completed)."""
    enrolment_status = fields.String(required=True,
                                     validate=validate.OneOf(ENROLMENT_STATUSES))


@REGISTRY.upcaster("CaseClosed", 1)
def _case_closed_v1_to_v2(payload):
    return {**payload, "enrolment_status": "completed"}


class OutcomeObserved(CaseRef):
    months = fields.Integer(required=True, strict=True, validate=validate.OneOf((1, 3, 6, 12)))
    outcome = fields.String(required=True, validate=validate.OneOf(OUTCOMES))
    date = fields.Date(required=True)
