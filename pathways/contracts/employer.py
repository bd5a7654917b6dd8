"""Event contracts of the employer service (v1). Employers are firms: no personal data; a contact
person's name and details stay in the employer service's contacts collection."""
from marshmallow import fields, validate

from pathways.contracts.events import Event
from pathways.contracts.programmes import CLIENT_NEEDS, PROGRAMMES, SKILLS
from pathways.contracts.registry import REGISTRY

COUNTRIES = ("NO", "DK", "SE")
AGREEMENT_KINDS = ("inclusion_ia", "work_trial_frame", "wage_subsidy_frame", "small_jobs")
OPPORTUNITY_KINDS = ("work_trial", "internship", "wage_subsidy_job", "small_job", "ordinary_job",
                     "apprenticeship")
ID = validate.Length(min=1, max=64)
MUNICIPALITY = validate.Regexp(r"^[0-9]{3,4}$")


class EmployerRef(Event, abstract=True):
    employer_id = fields.String(required=True, validate=ID)


class EmployerRegistered(EmployerRef):
    country = fields.String(required=True, validate=validate.OneOf(COUNTRIES))
    org_number = fields.String(required=True, validate=validate.Length(min=8, max=12))
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    sector = fields.String(required=True, validate=validate.Length(min=1, max=100))
    municipality = fields.String(required=True, validate=validate.Regexp(r"^[0-9]{3,4}$"))


class EmployerUpdated(EmployerRef):
    name = fields.String(validate=validate.Length(min=1, max=200))
    sector = fields.String(validate=validate.Length(min=1, max=100))
    municipality = fields.String(validate=validate.Regexp(r"^[0-9]{3,4}$"))


class AgreementRef(EmployerRef, abstract=True):
    agreement_id = fields.String(required=True, validate=ID)


class AgreementSigned(AgreementRef):
    kind = fields.String(required=True, validate=validate.OneOf(AGREEMENT_KINDS))
    valid_from = fields.Date(required=True)
    valid_to = fields.Date(required=True, allow_none=True)


class AgreementEnded(AgreementRef):
    status = fields.String(required=True, validate=validate.OneOf(("ended", "aborted")))
    end_date = fields.Date(required=True)


class OpportunityRef(EmployerRef, abstract=True):
    opportunity_id = fields.String(required=True, validate=ID)


class OpportunityPosted(OpportunityRef):
    kind = fields.String(required=True, validate=validate.OneOf(OPPORTUNITY_KINDS))
    title = fields.String(required=True, validate=validate.Length(min=1, max=200))
    places = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=1000))
    hours_per_week = fields.Float(required=True, allow_none=True,
                                  validate=validate.Range(min=0.5, max=60))
    requirements = fields.String(required=True, validate=validate.Length(max=2000))
    valid_from = fields.Date(required=True)
    valid_to = fields.Date(required=True, allow_none=True)
    shared = fields.Boolean(required=True)


class OpportunitySharedV1(OpportunityRef, type="OpportunityShared", version=1):
    """v1: shared with every partner organisation."""


class OpportunityShared(OpportunitySharedV1, version=2):
    """v2: with whom. ``orgs`` null: every partner organisation; else the organisations named,
    or those serving the region ``municipalities`` names (resolved when shared, so that every
    reader, a partner's own service too, decides by ``orgs`` alone). A later share replaces
    the earlier one."""
    orgs = fields.List(fields.String(validate=ID), required=True, allow_none=True)
    municipalities = fields.List(fields.String(validate=MUNICIPALITY), required=True,
                                 allow_none=True)


@REGISTRY.upcaster("OpportunityShared", 1)
def _shared_v1_to_v2(payload):
    return {**payload, "orgs": None, "municipalities": None}


class OpportunityUnshared(OpportunityRef):
    """No longer shared: only the organisation that posted it sees it."""


class PlaceChange(OpportunityRef, abstract=True):
    placement_id = fields.String(required=True, validate=ID)
    filled = fields.Integer(required=True, strict=True, validate=validate.Range(min=0))
    places = fields.Integer(required=True, strict=True, validate=validate.Range(min=1))


class OpportunityPlaceTaken(PlaceChange):
    over_capacity = fields.Boolean(required=True)


class OpportunityPlaceReleased(PlaceChange):
    pass


class OpportunityFilled(OpportunityRef):
    filled = fields.Integer(required=True, strict=True, validate=validate.Range(min=1))


class OpportunityReopened(OpportunityRef):
    filled = fields.Integer(required=True, strict=True, validate=validate.Range(min=0))


class OpportunityWithdrawn(OpportunityRef):
    reason = fields.String(required=True, validate=validate.OneOf(
        ("position_cancelled", "filled_elsewhere", "employer_withdrew", "posted_in_error", "other")))


# --- a partner organisation's contacts with employers ---------------------------------------------
# Aust-Agder's advisers spend most of their time outside the office, recruiting and following up
# employers; "recruited": the contact made the employer a partner of the organisation.
EMPLOYER_CONTACT_KINDS = ("prospecting", "follow_up", "recruited")
EMPLOYER_CONTACT_CHANNELS = ("meeting", "call", "visit", "digital")
EMPLOYER_CONTACT_PLACES = ("office", "outside")
EMPLOYER_CONTACT_OUTCOMES = ("held", "interested", "not_interested", "opening_found",
                             "agreement_planned", "no_answer", "other")


class EmployerContactRecorded(EmployerRef):
    """A contact of the envelope's organisation and actor with the employer, on its business
    date. Codes only: what was said is not an event's to carry."""
    contact_id = fields.String(required=True, validate=ID)
    kind = fields.String(required=True, validate=validate.OneOf(EMPLOYER_CONTACT_KINDS))
    channel = fields.String(required=True, validate=validate.OneOf(EMPLOYER_CONTACT_CHANNELS))
    place = fields.String(required=True, validate=validate.OneOf(EMPLOYER_CONTACT_PLACES))
    outcome = fields.String(required=True, validate=validate.OneOf(EMPLOYER_CONTACT_OUTCOMES))


# --- company clients of a business coach (Strömstad) -------------------------------------------
CLIENT_CLOSE_REASONS = ("needs_met", "no_longer_active", "moved", "other")
NEEDS = fields.List(fields.String(validate=validate.OneOf(CLIENT_NEEDS)), required=True,
                    validate=validate.Length(max=len(CLIENT_NEEDS)))
SKILLS_ASKED = fields.List(fields.String(validate=validate.OneOf(tuple(SKILLS))), required=True,
                           validate=validate.Length(max=len(SKILLS)))


class CompanyClientOpened(EmployerRef):
    """The envelope's organisation takes the employer on as a client of a business coach, on a
    business date (``occurred_at``): a case of its own (needs, skills asked for,
    recruitments), not only a place for participants."""
    coach_id = fields.String(required=True, validate=ID)
    needs = NEEDS
    skills = SKILLS_ASKED


class ClientNeedsRecorded(EmployerRef):
    """What the client needs and the skills it asks for now (replacing what was recorded)."""
    needs = NEEDS
    skills = SKILLS_ASKED


class ClientRecruitmentMade(EmployerRef):
    """The client recruited ``count`` people on a business date, with these skills; through a
    programme (its kind) or directly (null)."""
    recruitment_id = fields.String(required=True, validate=ID)
    count = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=1000))
    skills = SKILLS_ASKED
    programme = fields.String(required=True, allow_none=True,
                              validate=validate.OneOf(PROGRAMMES))


class ClientCaseClosed(EmployerRef):
    reason = fields.String(required=True, validate=validate.OneOf(CLIENT_CLOSE_REASONS))
