"""The employer service's rules as pure deciders: employers, agreements, job opportunities.

- An **employer** (stream ``employer-<country>-<org number>``) is a firm, shared by every partner
  organisation; its id comes from its organisation number, so registering it twice collides on
  the stream's first version: duplicates are refused by the store itself.
- An **agreement** (stream ``agreement-<id>``) binds one partner organisation and one employer:
  draft -> active -> ended | aborted.
- An organisation's **contacts with an employer** (stream ``employer-contacts-<employer>-<org>``):
  its own record of prospecting, follow-ups and the recruiting of the employer as a partner.
- A **job opportunity** (stream ``opportunity-<id>``) belongs to the organisation that posted it
  and may be shared with every partner organisation, with some, or with those serving a region.
  Its filled places are the placements that took one, by placement id,
  so a placement event that arrives twice changes nothing.
"""
from dataclasses import asdict, dataclass, field

from pathways.contracts.employer import (AgreementEnded, AgreementSigned,
                                         EmployerContactRecorded, EmployerRegistered,
                                         EmployerUpdated, OpportunityFilled, OpportunityPlaceReleased,
                                         OpportunityPlaceTaken, OpportunityPosted,
                                         OpportunityReopened, OpportunityShared,
                                         OpportunityUnshared, OpportunityWithdrawn)
from pathways.contracts.events import Event
from pathways.domain.decider import DomainError, Fold, NotFound
from services.employer.commands import (EndAgreement, Post, RecordEmployerContact, Register,
                                        ReleasePlace, Share, Sign, TakePlace, Unshare, Update,
                                        Withdraw)


def employer_id_for(country, org_number):
    return f"{country}-{org_number}"


# --- employer ------------------------------------------------------------------------------------
@dataclass
class Employer:
    employer_id: str | None = None
    country: str | None = None
    org_number: str | None = None
    name: str | None = None
    sector: str | None = None
    municipality: str | None = None

    @property
    def exists(self):
        return self.employer_id is not None

    def view(self):
        return dict(self.__dict__)


def decide_employer(employer: Employer, cmd: object) -> list[Event]:
    if isinstance(cmd, Register):
        if employer.exists:
            raise DomainError("already_registered",
                              f"employer {employer.org_number} ({employer.name}) is already "
                              f"registered as {employer.employer_id}")
        return [EmployerRegistered(**asdict(cmd))]
    if not employer.exists:
        raise NotFound("employer")
    if isinstance(cmd, Update):
        changed = {k: v for k, v in asdict(cmd).items()
                   if v is not None and v != getattr(employer, k)}
        if not changed:
            return []
        return [EmployerUpdated(**{"employer_id": employer.employer_id, **changed})]
    raise DomainError("unknown_command", f"unknown command {type(cmd).__name__}")


def evolve_employer(employer: Employer, event: Event) -> Employer:
    match event:
        case EmployerRegistered() | EmployerUpdated():
            for k, v in event.payload.items():
                setattr(employer, k, v)
    return employer


fold_employer = Fold(Employer, evolve_employer)


# --- an organisation's contacts with an employer ---------------------------------------------------
@dataclass
class EmployerContacts:
    contacts: list = field(default_factory=list)   # newest last
    recruited_on: str | None = None


def decide_employer_contact(c: EmployerContacts, cmd: RecordEmployerContact) -> list[Event]:
    if cmd.date > cmd.today:
        raise DomainError("date_in_future", f"date {cmd.date} is after today ({cmd.today})")
    if cmd.kind == "recruited" and c.recruited_on is not None:
        raise DomainError("already_recruited", "the employer became a partner of your "
                          f"organisation on {c.recruited_on}: record a follow_up instead")
    return [EmployerContactRecorded(employer_id=cmd.employer_id, contact_id=cmd.contact_id,
                                    kind=cmd.kind, channel=cmd.channel, place=cmd.place,
                                    outcome=cmd.outcome)]


def evolve_employer_contacts(c: EmployerContacts, event: Event) -> EmployerContacts:
    if isinstance(event, EmployerContactRecorded):
        p = event.payload
        actor = (event.envelope or {}).get("actor") or {}
        c.contacts.append({"contact_id": p["contact_id"], "date": event.occurred_on,
                           "kind": p["kind"], "channel": p["channel"], "place": p["place"],
                           "outcome": p["outcome"], "by": actor.get("id")})
        if p["kind"] == "recruited":
            c.recruited_on = event.occurred_on
    return c


fold_employer_contacts = Fold(EmployerContacts, evolve_employer_contacts)


# --- agreement -----------------------------------------------------------------------------------
@dataclass
class Agreement:
    agreement_id: str | None = None
    employer_id: str | None = None
    kind: str | None = None
    valid_from: str | None = None
    valid_to: str | None = None
    status: str | None = None
    end_date: str | None = None

    @property
    def exists(self):
        return self.agreement_id is not None

    def view(self):
        return dict(self.__dict__)


def decide_agreement(agreement: Agreement, cmd: object) -> list[Event]:
    if isinstance(cmd, Sign):
        if agreement.exists:
            raise DomainError("already_exists", "agreement already exists")
        if cmd.valid_to and cmd.valid_to < cmd.valid_from:
            raise DomainError("dates_out_of_order", "valid_to is before valid_from")
        if cmd.signed_on and cmd.signed_on > cmd.today:
            raise DomainError("date_in_future", f"signed_on {cmd.signed_on} is after today "
                                                f"({cmd.today})")
        return [AgreementSigned(agreement_id=cmd.agreement_id, employer_id=cmd.employer_id,
                                kind=cmd.kind, valid_from=cmd.valid_from, valid_to=cmd.valid_to)]
    if not agreement.exists:
        raise NotFound("agreement")
    if isinstance(cmd, EndAgreement):
        if agreement.status != "active":
            raise DomainError("illegal_transition", f"the agreement is already {agreement.status}")
        if cmd.end_date < agreement.valid_from:
            raise DomainError("dates_out_of_order", "end_date is before valid_from")
        return [AgreementEnded(**{"agreement_id": agreement.agreement_id,
                                    "employer_id": agreement.employer_id,
                                    "status": cmd.status, "end_date": cmd.end_date})]
    raise DomainError("unknown_command", f"unknown command {type(cmd).__name__}")


def evolve_agreement(agreement: Agreement, event: Event) -> Agreement:
    match event:
        case AgreementSigned():
            for k, v in event.payload.items():
                setattr(agreement, k, v)
            agreement.status = "active"
        case AgreementEnded():
            agreement.status, agreement.end_date = event.status, event.end_date
    return agreement


fold_agreement = Fold(Agreement, evolve_agreement)


# --- job opportunity -----------------------------------------------------------------------------
@dataclass
class Opportunity:
    opportunity_id: str | None = None
    employer_id: str | None = None
    kind: str | None = None
    title: str | None = None
    places: int = 0
    hours_per_week: float | None = None
    requirements: str = ""
    valid_from: str | None = None
    valid_to: str | None = None
    shared: bool = False
    shared_with: list | None = None      # with ``shared``: None is every partner organisation
    municipalities: list | None = None   # the region it was shared with, if so
    status: str | None = None
    taken: list = field(default_factory=list)

    def visible_to(self, owner, org):
        return org == owner or self.shared and (self.shared_with is None
                                                or org in self.shared_with)

    @property
    def exists(self):
        return self.opportunity_id is not None

    @property
    def filled(self):
        return len(self.taken)

    def view(self):
        return {**{k: v for k, v in self.__dict__.items() if k != "taken"},
                "filled": self.filled, "free": max(self.places - self.filled, 0)}


def _oref(o):
    return {"opportunity_id": o.opportunity_id, "employer_id": o.employer_id}


def decide_opportunity(o: Opportunity, cmd: object) -> list[Event]:
    if isinstance(cmd, Post):
        if o.exists:
            raise DomainError("already_exists", "opportunity already exists")
        if cmd.kind == "small_job" and not cmd.hours_per_week:
            raise DomainError("hours_required", "a small job needs hours_per_week")
        if cmd.valid_to and cmd.valid_to < cmd.valid_from:
            raise DomainError("dates_out_of_order", "valid_to is before valid_from")
        return [OpportunityPosted(**asdict(cmd))]
    if not o.exists:
        raise NotFound("opportunity")
    if isinstance(cmd, Share):
        if o.status == "withdrawn":
            raise DomainError("withdrawn", "the opportunity was withdrawn")
        orgs = None if cmd.orgs is None else sorted(set(cmd.orgs))
        municipalities = None if cmd.municipalities is None else sorted(set(cmd.municipalities))
        if o.shared and (o.shared_with, o.municipalities) == (orgs, municipalities):
            return []
        return [OpportunityShared(**_oref(o), orgs=orgs, municipalities=municipalities)]
    if isinstance(cmd, Unshare):
        return [OpportunityUnshared(**_oref(o))] if o.shared else []
    if isinstance(cmd, TakePlace):
        # ``force``: a placement that already started (a fact from another service) is recorded
        # even on a full or withdrawn opportunity, flagged, never refused.
        if cmd.placement_id in o.taken:
            return []
        if not cmd.force:
            if o.status == "withdrawn":
                raise DomainError("withdrawn", "the opportunity was withdrawn")
            if o.filled >= o.places:
                raise DomainError("no_free_place",
                                  f"all {o.places} places of the opportunity are filled")
        filled = o.filled + 1
        events = [OpportunityPlaceTaken(**{**_oref(o), "placement_id": cmd.placement_id,
                                             "filled": filled, "places": o.places,
                                             "over_capacity": filled > o.places})]
        if o.status == "open" and filled >= o.places:
            events.append(OpportunityFilled(**{**_oref(o), "filled": filled}))
        return events
    if isinstance(cmd, ReleasePlace):
        if cmd.placement_id not in o.taken:
            return []
        filled = o.filled - 1
        events = [OpportunityPlaceReleased(**{**_oref(o), "placement_id": cmd.placement_id,
                                                "filled": filled, "places": o.places})]
        if o.status == "filled" and filled < o.places:
            events.append(OpportunityReopened(**{**_oref(o), "filled": filled}))
        return events
    if isinstance(cmd, Withdraw):
        if o.status == "withdrawn":
            raise DomainError("illegal_transition", "the opportunity is already withdrawn")
        return [OpportunityWithdrawn(**{**_oref(o), "reason": cmd.reason})]
    raise DomainError("unknown_command", f"unknown command {type(cmd).__name__}")


def evolve_opportunity(o: Opportunity, event: Event) -> Opportunity:
    match event:
        case OpportunityPosted():
            for k, v in event.payload.items():
                setattr(o, k, v)
            o.status = "open"
        case OpportunityShared():
            o.shared, o.shared_with = True, event.payload["orgs"]
            o.municipalities = event.payload["municipalities"]
        case OpportunityUnshared():
            o.shared, o.shared_with, o.municipalities = False, None, None
        case OpportunityPlaceTaken():
            o.taken.append(event.placement_id)
        case OpportunityPlaceReleased():
            o.taken.remove(event.placement_id)
        case OpportunityFilled():
            o.status = "filled"
        case OpportunityReopened():
            o.status = "open"
        case OpportunityWithdrawn():
            o.status = "withdrawn"
    return o


fold_opportunity = Fold(Opportunity, evolve_opportunity)
