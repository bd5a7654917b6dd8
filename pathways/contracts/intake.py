"""Event contracts of the intake service (v1). No personal data: a participant is a random id with
coarse reporting attributes; names, national IDs, contact details and notes stay in the vault."""
from marshmallow import Schema, fields, validate

from pathways.contracts.registry import REGISTRY

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


class RunRef(Schema):
    run_id = fields.String(required=True, validate=ID)


class EnrolmentRef(RunRef):
    enrolment_id = fields.String(required=True, validate=ID)
    participant_id = fields.String(required=True, validate=ID)


@REGISTRY.contract("ProgrammeRunCreated", 1)
class ProgrammeRunCreatedV1(RunRef):
    programme = fields.String(required=True, validate=validate.OneOf(PROGRAMMES))
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    places = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=10_000))
    start_mode = fields.String(required=True, validate=validate.OneOf(START_MODES))
    start_date = fields.Date(required=True, allow_none=True)
    approval_required = fields.Boolean(required=True)


@REGISTRY.contract("ParticipantRegistered", 1)
class ParticipantRegisteredV1(Schema):
    participant_id = fields.String(required=True, validate=ID)
    birth_year = fields.Integer(required=True, strict=True, validate=validate.Range(1900, 2100))
    gender = fields.String(required=True, validate=validate.OneOf(GENDERS))
    municipality = fields.String(required=True, validate=validate.Regexp(r"^[0-9]{3,4}$"))
    needs_group = fields.String(required=True, validate=validate.OneOf(NEEDS_GROUPS))
    country = fields.String(required=True, validate=validate.OneOf(("NO", "DK", "SE")))


@REGISTRY.contract("ParticipantDataErased", 1)
class ParticipantDataErasedV1(Schema):
    participant_id = fields.String(required=True, validate=ID)


@REGISTRY.contract("ParticipantReferred", 1)
class ParticipantReferredV1(EnrolmentRef):
    programme = fields.String(required=True, validate=validate.OneOf(PROGRAMMES))
    status = fields.String(required=True, validate=validate.OneOf(("draft", "shared")))


@REGISTRY.contract("ReferralShared", 1)
class ReferralSharedV1(EnrolmentRef):
    pass


@REGISTRY.contract("ConsentRecorded", 1)
class ConsentRecordedV1(EnrolmentRef):
    given_by = fields.String(required=True, validate=validate.OneOf(CONSENT_BY))
    on_behalf_reason = fields.String(required=True, allow_none=True,
                                     validate=validate.OneOf(("participant_unreachable",
                                                              "verbal_consent", "guardian", "other")))


@REGISTRY.contract("ParticipantApplied", 1)
class ParticipantAppliedV1(EnrolmentRef):
    pass


@REGISTRY.contract("ParticipantWaitlisted", 1)
class ParticipantWaitlistedV1(EnrolmentRef):
    queue_position = fields.Integer(required=True, strict=True, validate=validate.Range(min=1))


@REGISTRY.contract("PlaceAllocated", 1)
class PlaceAllocatedV1(EnrolmentRef):
    places_in_use = fields.Integer(required=True, strict=True, validate=validate.Range(min=1))
    places = fields.Integer(required=True, strict=True, validate=validate.Range(min=1))


class ParticipationLevel(EnrolmentRef):
    percent = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=100))
    days_per_week = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=7))


@REGISTRY.contract("ParticipantEnrolled", 1)
class ParticipantEnrolledV1(ParticipationLevel):
    programme = fields.String(required=True, validate=validate.OneOf(PROGRAMMES))
    start_date = fields.Date(required=True)


@REGISTRY.contract("ParticipationChanged", 1)
class ParticipationChangedV1(ParticipationLevel):
    from_date = fields.Date(required=True)


@REGISTRY.contract("EnrolmentEnded", 1)
class EnrolmentEndedV1(EnrolmentRef):
    programme = fields.String(required=True, validate=validate.OneOf(PROGRAMMES))
    status = fields.String(required=True, validate=validate.OneOf(END_STATUSES))
    reason = fields.String(required=True, validate=validate.OneOf(END_REASONS))
    outcome_hint = fields.String(required=True, validate=validate.OneOf(OUTCOME_HINTS))
    start_date = fields.Date(required=True)
    end_date = fields.Date(required=True)


@REGISTRY.contract("ReferralRejected", 1)
class ReferralRejectedV1(EnrolmentRef):
    reason = fields.String(required=True, validate=validate.OneOf(END_REASONS))
    previous_state = fields.String(required=True)


@REGISTRY.contract("EnrolmentVoided", 1)
class EnrolmentVoidedV1(EnrolmentRef):
    previous_state = fields.String(required=True)


@REGISTRY.contract("EnrolmentDatesCorrected", 1)
class EnrolmentDatesCorrectedV1(EnrolmentRef):
    """A correction of dates recorded earlier (null: unchanged). The earlier events stay as they
    were: reports as known before the correction still show what was believed then."""
    referred_on = fields.Date(required=True, allow_none=True)
    start_date = fields.Date(required=True, allow_none=True)
    end_date = fields.Date(required=True, allow_none=True)
