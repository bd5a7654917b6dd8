"""The employer service's use cases; shared by HTTP, RPC and the placement-event reactions.

The registry of employers (organisation number, name, sector) is shared by every partner
organisation; what an organisation holds about its relationship with an employer (its contact
person, agreements, private opportunities) is its own, visible to and changed by it alone."""
import uuid
from contextlib import contextmanager

from pathways.contracts.employer import (AgreementEnded, AgreementSigned, EmployerRegistered,
                                         EmployerUpdated, OpportunityFilled,
                                         OpportunityPlaceReleased, OpportunityPlaceTaken,
                                         OpportunityPosted, OpportunityReopened,
                                         OpportunityShared, OpportunityUnshared,
                                         OpportunityWithdrawn)
from pathways.contracts.placement import PlacementEnded, PlacementStarted
from pathways.errors import BadRequest, Forbidden, NotFoundError
from pathways.domain.identifiers import InvalidIdentifier, org_number
from pathways.security.privacy import Erased
from pathways.security.callers import Caller
from pathways.application.commands import Commands
from pathways.application.validation import load
from pathways.application.views import SummaryView, paging
from pathways.timeutil import dated_command, iso, parse_iso, utcnow, zone
from services.employer import commands
from services.employer.client_cases import ClientCases
from services.employer.commands import (EndAgreement, Post, RecordEmployerContact, Register,
                                        ReleasePlace, Share, Sign, TakePlace, Update)
from services.employer.domain import (Agreement, Employer, decide_agreement,
                                      decide_employer, decide_employer_contact,
                                      decide_opportunity, employer_id_for, fold_agreement,
                                      fold_employer, fold_employer_contacts, fold_opportunity)

WRITERS = ("caseworker", "coordinator", "admin")
DEFAULT_ZONE = zone("Europe/Oslo")
EMPLOYER_EVENTS = (EmployerRegistered, EmployerUpdated)
AGREEMENT_EVENTS = (AgreementSigned, AgreementEnded)
OPPORTUNITY_EVENTS = (OpportunityPosted, OpportunityShared, OpportunityUnshared,
                      OpportunityPlaceTaken,
                      OpportunityPlaceReleased, OpportunityFilled, OpportunityReopened,
                      OpportunityWithdrawn)


def views(db, store, commands):
    def owned(state, org):
        return {**state.view(), "org": org}
    return {
        "employers": SummaryView(db, store, "employers_view", EMPLOYER_EVENTS, fold_employer,
                                 lambda s, org: s.view(), lambda s: s.employer_id, commands),
        "agreements": SummaryView(db, store, "agreements_view", AGREEMENT_EVENTS, fold_agreement,
                                  owned, lambda s: s.agreement_id, commands),
        "opportunities": SummaryView(db, store, "opportunities_view", OPPORTUNITY_EVENTS,
                                     fold_opportunity, owned, lambda s: s.opportunity_id,
                                     commands),
    }


def employer_contacts_stream(employer_id, org):
    return f"employer-contacts-{employer_id}-{org}"


def contact_subject(org, employer_id):
    """Each organisation's contact person at an employer is its own record."""
    return f"{org}|{employer_id}"


class Employers(ClientCases):
    """``contacts``: the organisations' contact persons at employers (``pathways.security.privacy``:
    encrypted, erasable); ``access_log``: every read of one, or attempt."""

    def __init__(self, store, db, contacts, access_log, *, clock=utcnow,
                 zone_of=lambda org: DEFAULT_ZONE, partners=None, service_areas=None):
        """``partners()``: the partner organisations (AUTH_TOKENS'); ``service_areas``: the
        municipalities each serves (SERVICE_AREAS), for sharing with a region."""
        self.store, self.contacts, self.access_log = store, contacts, access_log
        self.clock, self.zone_of = clock, zone_of
        self.partners = partners or (lambda: set())
        self.service_areas = service_areas or {}
        self.commands = Commands(store)
        self.views = views(db, store, self.commands)

    def refresh(self):
        for view in self.views.values():
            view.refresh()

    # --- employers ------------------------------------------------------------------------------
    def _employer(self, employer_id):
        """The employer's registry entry (a dict), or NotFoundError."""
        employer = self.commands.read(f"employer-{employer_id}", fold_employer,
                                      lambda e, _: e.view() if e.exists else None)
        if employer is None:
            raise NotFoundError(f"employer {employer_id} not found")
        return employer

    def register_employer(self, caller: Caller, data):
        try:
            number = org_number(data["country"], data["org_number"])
        except InvalidIdentifier as err:
            raise BadRequest("invalid employer", {"org_number": [str(err)]}) from None
        employer_id = employer_id_for(data["country"], number)
        data = dict(data)   # the caller's input stays as given
        contact = data.pop("contact", None)
        with self._contact_written(caller, employer_id, contact):
            employer = self.commands.execute(
                caller, f"employer-{employer_id}", fold_employer, decide_employer,
                Register(**{**data, "org_number": number, "employer_id": employer_id}),
                "employer", org_scoped=False, answer=Employer.view)
        return self._employer_view(caller, employer)

    def update_employer(self, caller: Caller, employer_id, data):
        """The registry entry (name, sector, municipality) is changed by the organisation that
        registered the employer (or an admin); the contact person is the caller's own."""
        data = dict(data)   # the caller's input stays as given
        contact = data.pop("contact", False)
        registrar = self.commands.read(f"employer-{employer_id}", fold_employer,
                                       lambda _, owner: owner)
        if registrar is None:
            raise NotFoundError(f"employer {employer_id} not found")
        if data and caller.org != registrar and caller.role != "admin":
            raise Forbidden(f"only the organisation that registered employer {employer_id} "
                            "may change its registry entry (name, sector, municipality)")
        with self._contact_written(caller, employer_id, contact):
            employer = self.commands.execute(caller, f"employer-{employer_id}", fold_employer,
                                             decide_employer, Update(**data),
                                             "employer", org_scoped=False, answer=Employer.view)
        return self._employer_view(caller, employer)

    @contextmanager
    def _contact_written(self, caller: Caller, employer_id, contact):
        """Write (``dict``), erase (``None``) or keep (``False``) the caller's contact person,
        then run the block; if the block fails, put back what was there: no contact without
        its employer, no half-done request."""
        subject = contact_subject(caller.org, employer_id)
        if contact is False:
            yield
            return
        undo = self.contacts.store(subject, contact, org=caller.org) if contact else \
            self._erasure(subject, caller.org)
        try:
            yield
        except BaseException:
            undo()
            raise

    def _erasure(self, subject, org):
        """Erase a record; the undo (before the erasure is final) is the record written back."""
        try:
            previous = self.contacts.read(subject)
        except Erased:
            return lambda: None
        self.contacts.erase(subject)
        return lambda: self.contacts.store(subject, previous, org=org)

    def get_employer(self, caller: Caller, employer_id):
        return self._employer_view(caller, self._employer(employer_id))

    def _employer_view(self, caller: Caller, employer):
        return {**employer, "contact_on_file": self.contacts.exists(
            contact_subject(caller.org, employer["employer_id"]))}

    def read_contact(self, caller: Caller, employer_id, query):
        """The caller's organisation's contact person at an employer (personal data): needs a
        purpose, and every read or attempt is recorded."""
        record = {"who": caller.id, "role": caller.role, "org": caller.org,
                  "whose": f"contact:{str(employer_id)[:64]}", "when": iso(self.clock())}
        try:
            caller.require(*WRITERS)
            purpose = load(commands.PurposeSchema(), query, "query")["purpose"]
            self._employer(employer_id)
            contact = self.contacts.read(contact_subject(caller.org, employer_id))
        except Erased:
            self.access_log.insert_one({**record, "why": purpose, "refused": "NotFoundError"})
            raise NotFoundError("no contact person on file for your organisation") from None
        except (Forbidden, BadRequest, NotFoundError) as err:
            why = query.get("purpose")
            self.access_log.insert_one({**record, "why": str(why)[:500] if why else None,
                                        "refused": type(err).__name__})
            raise
        self.access_log.insert_one({**record, "why": purpose})
        return {"employer_id": employer_id, **contact}

    def list_employers(self, caller: Caller, query=None):
        """A page of the shared registry: ``(employers, next_offset)``."""
        q = load(commands.EmployersQuerySchema(), query or {}, "query")
        found = {"employer_id": {"$gt": ""}}
        if q.get("country"):
            found["country"] = q["country"]
        if q.get("org_number"):
            try:
                found["org_number"] = org_number(q["country"], q["org_number"])
            except InvalidIdentifier as err:
                raise BadRequest("invalid query", {"org_number": [str(err)]}) from None
        return self.views["employers"].page(found, [("name", 1)], q)   # q holds the page too

    # --- the organisation's contacts with employers ---------------------------------------------
    def record_employer_contact(self, caller: Caller, employer_id, data):
        """A contact with an employer (prospecting, follow-up, recruited as a partner), dated in
        business time; the organisation's own record."""
        self._employer(employer_id)
        contact_id = str(uuid.uuid4())
        cmd, occurred_at = dated_command(
            RecordEmployerContact, {**data, "employer_id": employer_id, "contact_id": contact_id},
            self.zone_of(caller.org), self.clock())
        contacts = self.commands.execute(
            caller, employer_contacts_stream(employer_id, caller.org), fold_employer_contacts,
            decide_employer_contact, cmd, "employer contacts", occurred_at=occurred_at,
            answer=lambda c: c.contacts)
        return next(c for c in contacts if c["contact_id"] == contact_id)

    def list_employer_contacts(self, caller: Caller, employer_id, query=None):
        """The caller's organisation's contacts with the employer, newest first (a page)."""
        page = paging(query)
        self._employer(employer_id)
        contacts = self.commands.read(employer_contacts_stream(employer_id, caller.org),
                                      fold_employer_contacts,
                                      lambda c, _: sorted(c.contacts, key=lambda x: x["date"],
                                                          reverse=True), caller.org)
        end = page["offset"] + page["limit"]
        return contacts[page["offset"]:end], (end if end < len(contacts) else None)

    # --- agreements -----------------------------------------------------------------------------
    def _agreement(self, caller: Caller, agreement_id, command, data):
        """An agreement signed or ended on its business date, decided on today's."""
        cmd, occurred_at = dated_command(command, data, self.zone_of(caller.org), self.clock())
        return self.commands.execute(caller, f"agreement-{agreement_id}", fold_agreement,
                                     decide_agreement, cmd, "agreement",
                                     occurred_at=occurred_at, answer=Agreement.view)

    def sign_agreement(self, caller: Caller, data):
        self._employer(data["employer_id"])
        agreement_id = str(uuid.uuid4())
        return self._agreement(caller, agreement_id, Sign,
                               {**data, "agreement_id": agreement_id})

    def end_agreement(self, caller: Caller, agreement_id, data):
        return self._agreement(caller, agreement_id, EndAgreement, data)

    def get_agreement(self, caller: Caller, agreement_id):
        agreement = self.commands.read(f"agreement-{agreement_id}", fold_agreement,
                                       lambda a, _: a.view() if a.exists else None, caller.org)
        if agreement is None:
            raise NotFoundError("agreement not found")
        return agreement

    def list_agreements(self, caller: Caller, query=None):
        return self.views["agreements"].page({"org": caller.org}, [("valid_from", 1)],
                                             paging(query), hide=("org",))

    # --- opportunities --------------------------------------------------------------------------
    def _visible_opportunity(self, caller: Caller, opportunity_id):
        def visible(o, owner):
            if o.exists and o.visible_to(owner, caller.org):
                return {**o.view(), "org": owner}
        found = self.commands.read(f"opportunity-{opportunity_id}", fold_opportunity, visible)
        if found is None:
            raise NotFoundError("opportunity not found")
        return found

    def _audience(self, caller: Caller, data):
        """A share's organisations: those named (each a partner), those serving the region
        named, or every partner (None). Never the caller's own: it owns the opportunity."""
        if data.get("orgs"):
            unknown = sorted(set(data["orgs"]) - self.partners())
            if unknown:
                raise BadRequest("invalid share", {"orgs": [
                    f"not a partner organisation: {', '.join(unknown)}"]})
            return Share(orgs=tuple(sorted(set(data["orgs"]) - {caller.org})))
        if data.get("municipalities"):
            wanted = set(data["municipalities"])
            served = set().union(*self.service_areas.values()) if self.service_areas else set()
            if wanted - served:
                raise BadRequest("invalid share", {"municipalities": [
                    "no partner organisation serves "
                    f"{', '.join(sorted(wanted - served))} (SERVICE_AREAS)"]})
            orgs = sorted(org for org, areas in self.service_areas.items()
                          if wanted & set(areas) and org != caller.org)
            return Share(orgs=tuple(orgs), municipalities=tuple(sorted(wanted)))
        return Share()

    def post_opportunity(self, caller: Caller, data):
        self._employer(data["employer_id"])
        opportunity_id = str(uuid.uuid4())
        return self.commands.execute(caller, f"opportunity-{opportunity_id}", fold_opportunity,
                                     decide_opportunity,
                                     Post(opportunity_id=opportunity_id, **data),
                                     "opportunity", answer=self._owned(caller))

    @staticmethod
    def _owned(caller: Caller):
        # An org-scoped command: the caller's organisation owns the opportunity.
        return lambda o: {**o.view(), "org": caller.org}

    def opportunity_action(self, caller: Caller, opportunity_id, action):
        """``action``: (command class, checked body), as the route's actions table gives it."""
        command, data = action
        cmd = self._audience(caller, data) if command is Share else command(**data)
        return self.commands.execute(caller, f"opportunity-{opportunity_id}", fold_opportunity,
                                     decide_opportunity, cmd, "opportunity",
                                     answer=self._owned(caller))

    def get_opportunity(self, caller: Caller, opportunity_id):
        return self._visible_opportunity(caller, opportunity_id)

    def list_opportunities(self, caller: Caller, query=None):
        """The organisation's own opportunities and those shared with it, a page at a time."""
        return self.views["opportunities"].page(
            {"$or": [{"org": caller.org}, {"shared": True, "shared_with": None},
                     {"shared": True, "shared_with": caller.org}]}, [("valid_from", 1)],
            paging(query))

    # --- reactions to the placement service's events ---------------------------------------------
    def _react(self, event, command):
        opportunity_id = event["payload"].get("opportunity_id")
        if not opportunity_id:
            return  # a placement without a posted opportunity: nothing to count
        actor = Caller(event["org"], "admin", "placement-events")
        self.commands.execute(actor, f"opportunity-{opportunity_id}", fold_opportunity,
                              decide_opportunity,
                              command(placement_id=event["payload"]["placement_id"],
                                      force=True),
                              "opportunity", org_scoped=False, causation_id=event["event_id"],
                              correlation_id=event["correlation_id"],
                              # the place was taken (or freed) when the placement started (ended)
                              occurred_at=parse_iso(event["occurred_at"]))

    def on_placement_started(self, event: dict) -> None:
        self._react(event, TakePlace)

    def on_placement_ended(self, event: dict) -> None:
        self._react(event, ReleasePlace)

    REACTIONS = {PlacementStarted: on_placement_started, PlacementEnded: on_placement_ended}
