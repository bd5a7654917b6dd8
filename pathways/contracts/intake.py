"""Event contracts of the intake service (v1). No personal data: a participant is a random id with
coarse reporting attributes; names, national IDs, contact details and notes stay in the vault."""
from marshmallow import fields, validate

from pathways.contracts.events import Event

PROGRAMMES = ("oppfolging", "aft", "vta", "office_places", "trade_certificate", "small_jobs",
              "youth_network", "other")
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


class ParticipantRegistered(Event):
    participant_id = fields.String(required=True, validate=ID)
    birth_year = fields.Integer(required=True, strict=True, validate=validate.Range(1900, 2100))
    gender = fields.String(required=True, validate=validate.OneOf(GENDERS))
    municipality = fields.String(required=True, validate=validate.Regexp(r"^[0-9]{3,4}$"))
    needs_group = fields.String(required=True, validate=validate.OneOf(NEEDS_GROUPS))
    country = fields.String(required=True, validate=validate.OneOf(("NO", "DK", "SE")))


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
