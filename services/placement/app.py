"""The placement service's use cases, and its process manager: reactions to other services'
events, each idempotent and driven by events (never by calls to another service)."""
import uuid

from pathways.security.callers import Caller
from pathways.contracts.intake import EnrolmentEnded, EnrolmentVoided
from pathways.contracts.placement import (CaseClosed, FollowUpRecorded, OutcomeObserved,
                                          PlacementApproved, PlacementEnded, PlacementProposed,
                                          PlacementStarted)
from pathways.application.commands import Commands
from pathways.errors import NotCaughtUp, NotFoundError
from pathways.application.views import SummaryView, paging
from pathways.timeutil import dated_command, utcnow, zone
from pathways.application.history import timeline
from services.placement.commands import Close, EndOpenPlacements, Observe, Propose, Start
from services.placement.domain import Case, decide_case, fold_case
from services.placement.views import LocalViews

DEFAULT_ZONE = zone("Europe/Oslo")
CASE_EVENTS = (PlacementProposed, PlacementApproved, PlacementStarted, FollowUpRecorded,
               PlacementEnded, CaseClosed, OutcomeObserved)


def case_stream(enrolment_id):
    return f"case-{enrolment_id}"


class Placements:
    def __init__(self, store, db, sync, *, clock=utcnow, zone_of=lambda org: DEFAULT_ZONE):
        """``sync(sources)`` pulls those services' feeds now, within a bound, and returns the
        ones it could not bring up to date."""
        self.store, self.sync, self.clock, self.zone_of = store, sync, clock, zone_of
        self.local = LocalViews(db)
        self.commands = Commands(store)
        self.cases = SummaryView(db, store, "cases_view", CASE_EVENTS, fold_case,
                                 lambda case, org: {**case.view(), "org": org},
                                 lambda case: case.enrolment_id, self.commands)

    # --- facts from the local views ---------------------------------------------------------------
    def _facts(self, caller: Caller, enrolment_id, opportunity_id=None):
        """The enrolment and opportunity as placement knows them. If one is missing or the
        enrolment is not (yet) participating, pull those sources' feeds once, for a bounded
        time (it may have changed a moment ago), before deciding on what the views say; if a
        source that could change the answer did not answer in time, NotCaughtUp (503 with
        Retry-After) says which, instead of refusing on a stale view."""
        def look():
            enrolment = self.local.enrolment(caller.org, enrolment_id)
            opportunity = (self.local.opportunity(caller.org, opportunity_id)
                           if opportunity_id else None)
            return enrolment, opportunity

        def doubtful(enrolment, opportunity):
            out = set()
            if enrolment is None or enrolment["state"] != "participating":
                out.add("intake")
            if opportunity_id and opportunity is None:
                out.add("employer")
            return out
        enrolment, opportunity = look()
        doubts = doubtful(enrolment, opportunity)
        if doubts:
            lagging = self.sync(doubts)
            enrolment, opportunity = look()
            unsure = doubtful(enrolment, opportunity) & lagging
            if unsure:
                raise NotCaughtUp(f"{' and '.join(sorted(unsure))} did not answer in time, so "
                                  "the enrolment or opportunity cannot be confirmed",
                                  {s: None for s in sorted(unsure)})
        return {"enrolment": enrolment, "opportunity": opportunity,
                "opportunity_id": opportunity_id}

    def _execute(self, caller: Caller, enrolment_id, command, data):
        """Decide ``command`` (built from ``data``) with today's date where the organisation
        is; the events carry the date the fact happened on (a proposal or an approval: today).
        Returns the case's view after it."""
        cmd, occurred_at = dated_command(command, data, self.zone_of(caller.org), self.clock())
        return self.commands.execute(caller, case_stream(enrolment_id), fold_case, decide_case,
                                     cmd, "case", occurred_at=occurred_at, answer=Case.view)

    # --- commands -------------------------------------------------------------------------------
    def propose(self, caller: Caller, enrolment_id, data):
        placement_id = str(uuid.uuid4())
        facts = self._facts(caller, enrolment_id, data.get("opportunity_id"))
        case = self._execute(caller, enrolment_id, Propose,
                             {"placement_id": placement_id, **data, **facts})
        return _placement_view(case, enrolment_id, placement_id)

    def placement_action(self, caller: Caller, enrolment_id, placement_id, action):
        """``action``: (command class, checked body), as the route's actions table gives it."""
        command, data = action
        data = {**data, "placement_id": placement_id}
        if command is Start:
            case = self.get_case(caller, enrolment_id)
            placed = next((p for p in case["placements"] if p["placement_id"] == placement_id),
                          None)
            if placed and placed["opportunity_id"]:
                data.update(self._facts(caller, enrolment_id, placed["opportunity_id"]))
        case = self._execute(caller, enrolment_id, command, data)
        return _placement_view(case, enrolment_id, placement_id)

    def close_case(self, caller: Caller, enrolment_id, data):
        facts = self._facts(caller, enrolment_id)
        return self._execute(caller, enrolment_id, Close,
                             {**data, "enrolment": facts["enrolment"]})

    def observe_outcome(self, caller: Caller, enrolment_id, data):
        return self._execute(caller, enrolment_id, Observe, data)

    # --- queries --------------------------------------------------------------------------------
    def get_case(self, caller: Caller, enrolment_id):
        case = self.commands.read(case_stream(enrolment_id), fold_case,
                                  lambda c, _: c.view() if c.exists else None, caller.org)
        if case is None:
            raise NotFoundError("case not found")
        return case

    def case_history(self, caller: Caller, enrolment_id):
        """The case's timeline (``pathways.application.history``)."""
        self.get_case(caller, enrolment_id)     # 404 unless the caller's
        return {"entries": timeline(self.store.read_stream(case_stream(enrolment_id)))}

    def placement(self, caller: Caller, enrolment_id, placement_id):
        return _placement_view(self.get_case(caller, enrolment_id), enrolment_id, placement_id)

    def list_cases(self, caller: Caller, query=None):
        """A page of the organisation's cases: ``(cases, next_offset)``."""
        return self.cases.page({"org": caller.org}, [("enrolment_id", 1)], paging(query),
                               hide=("org",))

    # --- process manager: reactions to intake's and employer's events ----------------------------
    def on_enrolment_ended(self, event: dict) -> None:
        p = event["payload"]
        if not self.commands.read(case_stream(p["enrolment_id"]), fold_case,
                                  lambda case, _: case.exists):
            return  # no case, no placements to end (the state read is kept for the command)
        actor = Caller(event["org"], "admin", "intake-events")
        end_date = p.get("end_date") or event["occurred_at"][:10]
        self.commands.execute(actor, case_stream(p["enrolment_id"]), fold_case, decide_case,
                              EndOpenPlacements(end_date=end_date,
                                                outcome_hint=p.get("outcome_hint")), "case",
                              org_scoped=False, causation_id=event["event_id"],
                              correlation_id=event["correlation_id"])

    def keep_in_view(self, event):
        self.local.apply(event)

    def enrolment_ended(self, event):
        """An enrolment ended or voided: kept in the view, then its open placements end."""
        self.local.apply(event)
        self.on_enrolment_ended(event)

    REACTIONS = {**dict.fromkeys(LocalViews.EVENTS, keep_in_view),
                 EnrolmentEnded: enrolment_ended, EnrolmentVoided: enrolment_ended}


def _placement_view(case_view, enrolment_id, placement_id):
    for p in case_view["placements"]:
        if p["placement_id"] == placement_id:
            return {**p, "enrolment_id": enrolment_id}
    raise NotFoundError("placement not found")
