"""Event contracts of the employer service (v1). Employers are firms: no personal data; a contact
person's name and details stay in the employer service's contacts collection."""
from marshmallow import Schema, fields, validate

from pathways.contracts.registry import REGISTRY

COUNTRIES = ("NO", "DK", "SE")
AGREEMENT_KINDS = ("inclusion_ia", "work_trial_frame", "wage_subsidy_frame", "small_jobs")
OPPORTUNITY_KINDS = ("work_trial", "internship", "wage_subsidy_job", "small_job", "ordinary_job",
                     "apprenticeship")
ID = validate.Length(min=1, max=64)


class EmployerRef(Schema):
    employer_id = fields.String(required=True, validate=ID)


@REGISTRY.contract("EmployerRegistered", 1)
class EmployerRegisteredV1(EmployerRef):
    country = fields.String(required=True, validate=validate.OneOf(COUNTRIES))
    org_number = fields.String(required=True, validate=validate.Length(min=8, max=12))
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    sector = fields.String(required=True, validate=validate.Length(min=1, max=100))
    municipality = fields.String(required=True, validate=validate.Regexp(r"^[0-9]{3,4}$"))


@REGISTRY.contract("EmployerUpdated", 1)
class EmployerUpdatedV1(EmployerRef):
    name = fields.String(validate=validate.Length(min=1, max=200))
    sector = fields.String(validate=validate.Length(min=1, max=100))
    municipality = fields.String(validate=validate.Regexp(r"^[0-9]{3,4}$"))


class AgreementRef(EmployerRef):
    agreement_id = fields.String(required=True, validate=ID)


@REGISTRY.contract("AgreementSigned", 1)
class AgreementSignedV1(AgreementRef):
    kind = fields.String(required=True, validate=validate.OneOf(AGREEMENT_KINDS))
    valid_from = fields.Date(required=True)
    valid_to = fields.Date(required=True, allow_none=True)


@REGISTRY.contract("AgreementEnded", 1)
class AgreementEndedV1(AgreementRef):
    status = fields.String(required=True, validate=validate.OneOf(("ended", "aborted")))
    end_date = fields.Date(required=True)


class OpportunityRef(EmployerRef):
    opportunity_id = fields.String(required=True, validate=ID)


@REGISTRY.contract("OpportunityPosted", 1)
class OpportunityPostedV1(OpportunityRef):
    kind = fields.String(required=True, validate=validate.OneOf(OPPORTUNITY_KINDS))
    title = fields.String(required=True, validate=validate.Length(min=1, max=200))
    places = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=1000))
    hours_per_week = fields.Float(required=True, allow_none=True,
                                  validate=validate.Range(min=0.5, max=60))
    requirements = fields.String(required=True, validate=validate.Length(max=2000))
    valid_from = fields.Date(required=True)
    valid_to = fields.Date(required=True, allow_none=True)
    shared = fields.Boolean(required=True)


@REGISTRY.contract("OpportunityShared", 1)
class OpportunitySharedV1(OpportunityRef):
    pass


class PlaceChange(OpportunityRef):
    placement_id = fields.String(required=True, validate=ID)
    filled = fields.Integer(required=True, strict=True, validate=validate.Range(min=0))
    places = fields.Integer(required=True, strict=True, validate=validate.Range(min=1))


@REGISTRY.contract("OpportunityPlaceTaken", 1)
class OpportunityPlaceTakenV1(PlaceChange):
    over_capacity = fields.Boolean(required=True)


@REGISTRY.contract("OpportunityPlaceReleased", 1)
class OpportunityPlaceReleasedV1(PlaceChange):
    pass


@REGISTRY.contract("OpportunityFilled", 1)
class OpportunityFilledV1(OpportunityRef):
    filled = fields.Integer(required=True, strict=True, validate=validate.Range(min=1))


@REGISTRY.contract("OpportunityReopened", 1)
class OpportunityReopenedV1(OpportunityRef):
    filled = fields.Integer(required=True, strict=True, validate=validate.Range(min=0))


@REGISTRY.contract("OpportunityWithdrawn", 1)
class OpportunityWithdrawnV1(OpportunityRef):
    reason = fields.String(required=True, validate=validate.OneOf(
        ("position_cancelled", "filled_elsewhere", "employer_withdrew", "posted_in_error", "other")))
