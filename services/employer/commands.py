"""What employer's callers may ask: the commands its deciders take (one frozen dataclass each) and
the bodies callers send for them (marshmallow, strict), paired in ``OPPORTUNITY_ACTIONS``."""
from dataclasses import dataclass

from marshmallow import RAISE, Schema, ValidationError, fields, validate, validates_schema

from pathways.api.fields import Flag, Whole, day
from pathways.application.views import PageQuerySchema
from pathways.contracts.programmes import CLIENT_NEEDS, PROGRAMMES, SKILLS
from pathways.contracts.employer import (AGREEMENT_KINDS, CLIENT_CLOSE_REASONS, COUNTRIES,
                                         EMPLOYER_CONTACT_CHANNELS,
                                         EMPLOYER_CONTACT_KINDS, EMPLOYER_CONTACT_OUTCOMES,
                                         EMPLOYER_CONTACT_PLACES, OPPORTUNITY_KINDS)


@dataclass(frozen=True, kw_only=True)
class Register:
    employer_id: str
    country: str
    org_number: str
    name: str
    sector: str
    municipality: str


@dataclass(frozen=True, kw_only=True)
class Update:
    """The registry entry's fields to change (None: unchanged)."""
    name: str | None = None
    sector: str | None = None
    municipality: str | None = None


@dataclass(frozen=True, kw_only=True)
class Sign:
    BUSINESS_DATE = "signed_on"   # default: today
    agreement_id: str
    employer_id: str
    kind: str
    valid_from: str
    today: str
    valid_to: str | None = None
    signed_on: str | None = None


@dataclass(frozen=True, kw_only=True)
class EndAgreement:
    BUSINESS_DATE = "end_date"
    status: str
    end_date: str
    today: str


@dataclass(frozen=True, kw_only=True)
class Post:
    opportunity_id: str
    employer_id: str
    kind: str
    title: str
    places: int
    valid_from: str
    hours_per_week: float | None = None
    requirements: str = ""
    valid_to: str | None = None
    shared: bool = False


@dataclass(frozen=True, kw_only=True)
class Share:
    """With whom: ``orgs`` None is every partner organisation; ``municipalities``, the region
    asked for, if the organisations were found by it."""
    orgs: tuple[str, ...] | None = None
    municipalities: tuple[str, ...] | None = None


@dataclass(frozen=True)
class Unshare:
    pass


@dataclass(frozen=True, kw_only=True)
class TakePlace:
    """``force``: a placement that already started (a fact from another service) is recorded
    even on a full or withdrawn opportunity, never refused."""
    placement_id: str
    force: bool = False


@dataclass(frozen=True, kw_only=True)
class ReleasePlace:
    placement_id: str
    force: bool = False


@dataclass(frozen=True, kw_only=True)
class Withdraw:
    reason: str


@dataclass(frozen=True, kw_only=True)
class RecordEmployerContact:
    BUSINESS_DATE = "date"
    employer_id: str
    contact_id: str
    kind: str
    channel: str
    place: str
    outcome: str
    date: str
    today: str


# --- bodies: what a caller sends (strict: unknown fields are refused) ---------------------------
ID = validate.Length(min=1, max=64)
MUNICIPALITY = validate.Regexp(r"^[0-9]{3,4}$", error="must be a 3- or 4-digit municipality number")


class Strict(Schema):
    class Meta:
        unknown = RAISE


class ContactSchema(Strict):
    """A contact person at the employer: personal data, kept out of the event log."""
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    phone = fields.String(load_default=None, allow_none=True,
                          validate=validate.Regexp(r"^\+?[0-9 ]{5,20}$", error="must be a phone number"))
    email = fields.Email(load_default=None, allow_none=True)


class PurposeSchema(Strict):
    purpose = fields.String(required=True, validate=validate.Length(min=3, max=200))


class RegisterEmployerSchema(Strict):
    country = fields.String(required=True, validate=validate.OneOf(COUNTRIES))
    org_number = fields.String(required=True, validate=validate.Length(min=8, max=16))
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    sector = fields.String(required=True, validate=validate.Length(min=1, max=100))
    municipality = fields.String(required=True, validate=MUNICIPALITY)
    contact = fields.Nested(ContactSchema, load_default=None, allow_none=True)


class UpdateEmployerSchema(Strict):
    name = fields.String(validate=validate.Length(min=1, max=200))
    sector = fields.String(validate=validate.Length(min=1, max=100))
    municipality = fields.String(validate=MUNICIPALITY)
    contact = fields.Nested(ContactSchema, allow_none=True)


class SignAgreementSchema(Strict):
    employer_id = fields.String(required=True, validate=ID)
    kind = fields.String(required=True, validate=validate.OneOf(AGREEMENT_KINDS))
    valid_from = day(required=True)
    valid_to = day(load_default=None, allow_none=True)
    signed_on = day()   # when it was signed (default: today); not after today


class EndAgreementSchema(Strict):
    status = fields.String(required=True, validate=validate.OneOf(("ended", "aborted")))
    end_date = day(required=True)


class PostOpportunitySchema(Strict):
    employer_id = fields.String(required=True, validate=ID)
    kind = fields.String(required=True, validate=validate.OneOf(OPPORTUNITY_KINDS))
    title = fields.String(required=True, validate=validate.Length(min=1, max=200))
    places = Whole(required=True, validate=validate.Range(min=1, max=1000))
    hours_per_week = fields.Float(load_default=None, allow_none=True,
                                  validate=validate.Range(min=0.5, max=60))
    requirements = fields.String(load_default="", validate=validate.Length(max=2000))
    valid_from = day(required=True)
    valid_to = day(load_default=None, allow_none=True)
    shared = Flag(load_default=False)


class RecordEmployerContactSchema(Strict):
    kind = fields.String(required=True, validate=validate.OneOf(EMPLOYER_CONTACT_KINDS), metadata={
        "description": "prospecting a new employer, following one up, or the contact that made "
                       "it a partner (`recruited`, once per organisation)"})
    channel = fields.String(required=True, validate=validate.OneOf(EMPLOYER_CONTACT_CHANNELS))
    place = fields.String(required=True, validate=validate.OneOf(EMPLOYER_CONTACT_PLACES))
    outcome = fields.String(load_default="held", validate=validate.OneOf(EMPLOYER_CONTACT_OUTCOMES))
    date = day(metadata={"description": "when it happened (default: today where the "
                                        "organisation is); not after today"})


class WithdrawSchema(Strict):
    reason = fields.String(required=True, validate=validate.OneOf(
        ("position_cancelled", "filled_elsewhere", "employer_withdrew", "posted_in_error", "other")))


class TakePlaceSchema(Strict):
    placement_id = fields.String(required=True, validate=ID)


class EmptySchema(Strict):
    pass


class ShareSchema(Strict):
    """With whom (neither: every partner organisation)."""
    orgs = fields.List(fields.String(validate=ID), validate=validate.Length(min=1, max=100),
                       metadata={"description": "only these partner organisations"})
    municipalities = fields.List(fields.String(validate=MUNICIPALITY),
                                 validate=validate.Length(min=1, max=400), metadata={
        "description": "a region: the partner organisations that serve any of these "
                       "municipalities (SERVICE_AREAS)"})

    @validates_schema
    def one_way(self, data, **kwargs):
        if data.get("orgs") and data.get("municipalities"):
            raise ValidationError("give orgs or municipalities, not both", "municipalities")


# action in the URL -> (command, body schema)
OPPORTUNITY_ACTIONS = {"share": (Share, ShareSchema),
                       "unshare": (Unshare, EmptySchema),
                       "withdraw": (Withdraw, WithdrawSchema),
                       "take": (TakePlace, TakePlaceSchema)}


class EmployersQuerySchema(PageQuerySchema):
    """``GET /employers``: a page, optionally one organisation number (with its country)."""
    country = fields.String(validate=validate.OneOf(COUNTRIES))
    org_number = fields.String(validate=validate.Length(min=8, max=16))

    @validates_schema
    def number_needs_country(self, data, **kwargs):
        if data.get("org_number") and not data.get("country"):
            raise ValidationError("an org_number needs its country", "country")


# --- company clients of a business coach ------------------------------------------------------
@dataclass(frozen=True, kw_only=True)
class OpenClientCase:
    BUSINESS_DATE = "date"
    employer_id: str
    coach_id: str
    needs: list
    skills: list
    date: str
    today: str


@dataclass(frozen=True, kw_only=True)
class RecordClientNeeds:
    BUSINESS_DATE = "date"
    employer_id: str
    needs: list
    skills: list
    date: str
    today: str


@dataclass(frozen=True, kw_only=True)
class RecordRecruitment:
    BUSINESS_DATE = "date"
    employer_id: str
    recruitment_id: str
    count: int
    skills: list
    programme: str | None
    date: str
    today: str


@dataclass(frozen=True, kw_only=True)
class CloseClientCase:
    BUSINESS_DATE = "date"
    employer_id: str
    reason: str
    date: str
    today: str


def _codes(choices):
    return fields.List(fields.String(validate=validate.OneOf(choices)), load_default=list,
                       validate=validate.Length(max=len(choices)))


class ClientNeedsSchema(Strict):
    needs = _codes(CLIENT_NEEDS)
    skills = _codes(tuple(SKILLS))
    date = day(metadata={"description": "when (default: today where the organisation is)"})


class OpenClientSchema(ClientNeedsSchema):
    coach_id = fields.String(load_default=None, allow_none=True,
                             validate=validate.Length(min=1, max=64), metadata={
                                 "description": "the business coach who holds the case "
                                                "(default: you)"})


class RecruitmentSchema(Strict):
    count = Whole(load_default=1, validate=validate.Range(min=1, max=1000))
    skills = _codes(tuple(SKILLS))
    programme = fields.String(load_default=None, allow_none=True,
                              validate=validate.OneOf(PROGRAMMES), metadata={
                                  "description": "the kind of programme it recruited through "
                                                 "(null: directly)"})
    date = day()


class CloseClientSchema(Strict):
    reason = fields.String(required=True, validate=validate.OneOf(CLIENT_CLOSE_REASONS))
    date = day()
