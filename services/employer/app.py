"""The employer service's use cases; shared by HTTP, RPC and the placement-event reactions."""
import uuid

from pathways.errors import BadRequest
from pathways.identifiers import InvalidIdentifier, org_number
from pathways.runtime.auth import Caller
from pathways.runtime.commands import Commands
from pathways.runtime.http import NotFoundError, load_action, load_command
from pathways.runtime.views import SummaryView
from services.employer import schemas
from services.employer.domain import (decide_agreement, decide_employer, decide_opportunity,
                                      employer_id_for, fold_agreement, fold_employer,
                                      fold_opportunity)

WRITERS = ("caseworker", "coordinator", "admin")
EMPLOYER_EVENTS = ("EmployerRegistered", "EmployerUpdated")
AGREEMENT_EVENTS = ("AgreementSigned", "AgreementEnded")
OPPORTUNITY_EVENTS = ("OpportunityPosted", "OpportunityShared", "OpportunityPlaceTaken",
                      "OpportunityPlaceReleased", "OpportunityFilled", "OpportunityReopened",
                      "OpportunityWithdrawn")


def views(db, store):
    def owned(state, first):
        return {**state.view(), "org": first["org"]}
    return {
        "employers": SummaryView(db, store, "employers_view", EMPLOYER_EVENTS, fold_employer,
                                 lambda s, first: s.view(), lambda s: s.employer_id),
        "agreements": SummaryView(db, store, "agreements_view", AGREEMENT_EVENTS, fold_agreement,
                                  owned, lambda s: s.agreement_id),
        "opportunities": SummaryView(db, store, "opportunities_view", OPPORTUNITY_EVENTS,
                                     fold_opportunity, owned, lambda s: s.opportunity_id),
    }


class Employers:
    def __init__(self, store, db):
        self.store, self.contacts = store, db["employer_contacts"]
        self.views = views(db, store)
        self.commands = Commands(store)

    def refresh(self):
        for view in self.views.values():
            view.refresh()

    # --- employers ------------------------------------------------------------------------------
    def _employer(self, employer_id):
        employer, _ = self.commands.load(f"employer-{employer_id}", fold_employer)
        if not employer.exists:
            raise NotFoundError(f"employer {employer_id} not found")
        return employer

    def register_employer(self, caller, body):
        caller.require(*WRITERS)
        data = load_command(schemas.RegisterEmployerSchema(), body, "employer")
        try:
            number = org_number(data["country"], data["org_number"])
        except InvalidIdentifier as err:
            raise BadRequest("invalid employer", {"org_number": [str(err)]}) from None
        employer_id = employer_id_for(data["country"], number)
        contact = data.pop("contact", None)
        employer = self.commands.execute(
            caller, f"employer-{employer_id}", fold_employer, decide_employer,
            {"type": "Register", **data, "org_number": number, "employer_id": employer_id},
            "employer", org_scoped=False)
        if contact:
            self.contacts.replace_one({"_id": employer_id}, {"_id": employer_id, **contact},
                                      upsert=True)
        return self._employer_view(caller, employer)

    def update_employer(self, caller, employer_id, body):
        caller.require(*WRITERS)
        data = load_command(schemas.UpdateEmployerSchema(), body, "employer")
        contact = data.pop("contact", False)
        employer = self.commands.execute(caller, f"employer-{employer_id}", fold_employer,
                                         decide_employer, {"type": "Update", **data}, "employer",
                                         org_scoped=False)
        if contact is None:
            self.contacts.delete_one({"_id": employer_id})
        elif contact:
            self.contacts.replace_one({"_id": employer_id}, {"_id": employer_id, **contact},
                                      upsert=True)
        return self._employer_view(caller, employer)

    def get_employer(self, caller, employer_id):
        return self._employer_view(caller, self._employer(employer_id))

    def _employer_view(self, caller, employer):
        view = employer.view()
        if caller.role != "auditor":
            contact = self.contacts.find_one({"_id": employer.employer_id})
            view["contact"] = {k: v for k, v in contact.items() if k != "_id"} if contact else None
        return view

    def list_employers(self, caller):
        return self.views["employers"].find({}, sort=[("name", 1)])

    # --- agreements -----------------------------------------------------------------------------
    def sign_agreement(self, caller, body):
        caller.require("coordinator", "admin")
        data = load_command(schemas.SignAgreementSchema(), body, "agreement")
        self._employer(data["employer_id"])
        agreement_id = str(uuid.uuid4())
        return self.commands.execute(
            caller, f"agreement-{agreement_id}", fold_agreement, decide_agreement,
            {"type": "Sign", "agreement_id": agreement_id, **data}, "agreement").view()

    def end_agreement(self, caller, agreement_id, body):
        caller.require("coordinator", "admin")
        data = load_command(schemas.EndAgreementSchema(), body, "agreement")
        return self.commands.execute(caller, f"agreement-{agreement_id}", fold_agreement,
                                     decide_agreement, {"type": "End", **data},
                                     "agreement").view()

    def get_agreement(self, caller, agreement_id):
        agreement, _ = self.commands.load(f"agreement-{agreement_id}", fold_agreement, caller.org)
        if not agreement.exists:
            raise NotFoundError("agreement not found")
        return agreement.view()

    def list_agreements(self, caller):
        return [{k: v for k, v in d.items() if k != "org"}
                for d in self.views["agreements"].find({"org": caller.org},
                                                       sort=[("valid_from", 1)])]

    # --- opportunities --------------------------------------------------------------------------
    def _visible_opportunity(self, caller, opportunity_id):
        events = self.store.read_stream(f"opportunity-{opportunity_id}")
        o = fold_opportunity(events)
        if not o.exists or (events[0]["org"] != caller.org and not o.shared):
            raise NotFoundError("opportunity not found")
        return {**o.view(), "org": events[0]["org"]}

    def post_opportunity(self, caller, body):
        caller.require(*WRITERS)
        data = load_command(schemas.PostOpportunitySchema(), body, "opportunity")
        self._employer(data["employer_id"])
        opportunity_id = str(uuid.uuid4())
        o = self.commands.execute(caller, f"opportunity-{opportunity_id}", fold_opportunity,
                                  decide_opportunity,
                                  {"type": "Post", "opportunity_id": opportunity_id, **data},
                                  "opportunity")
        return {**o.view(), "org": caller.org}   # org-scoped command: the caller's org owns it

    def opportunity_action(self, caller, opportunity_id, action, body):
        caller.require(*WRITERS)
        actions = {"share": ("Share", schemas.EmptySchema),
                   "withdraw": ("Withdraw", schemas.WithdrawSchema),
                   "take": ("TakePlace", schemas.TakePlaceSchema)}
        o = self.commands.execute(caller, f"opportunity-{opportunity_id}", fold_opportunity,
                                  decide_opportunity, load_action(actions, action, body),
                                  "opportunity")
        return {**o.view(), "org": caller.org}   # org-scoped command: the caller's org owns it

    def get_opportunity(self, caller, opportunity_id):
        return self._visible_opportunity(caller, opportunity_id)

    def list_opportunities(self, caller):
        view = self.views["opportunities"]
        own = view.find({"org": caller.org}, sort=[("valid_from", 1)])
        shared = [o for o in view.find({"shared": True}, sort=[("valid_from", 1)])
                  if o["org"] != caller.org]
        return own + shared

    # --- reactions to the placement service's events ---------------------------------------------
    def _react(self, event, kind):
        opportunity_id = event["payload"].get("opportunity_id")
        if not opportunity_id:
            return  # a placement without a posted opportunity: nothing to count
        actor = Caller(event["org"], "admin", "placement-events")
        self.commands.execute(actor, f"opportunity-{opportunity_id}", fold_opportunity,
                              decide_opportunity,
                              {"type": kind, "placement_id": event["payload"]["placement_id"],
                               "force": True},
                              "opportunity", org_scoped=False, causation_id=event["event_id"],
                              correlation_id=event["correlation_id"])

    def on_placement_started(self, event):
        self._react(event, "TakePlace")

    def on_placement_ended(self, event):
        self._react(event, "ReleasePlace")

    def handlers(self):
        return {"PlacementStarted": self.on_placement_started,
                "PlacementEnded": self.on_placement_ended}
