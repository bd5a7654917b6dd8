"""Intake's own read models, built from its own log (so always rebuildable): a summary per
programme run, for listing runs, and a row per enrolment with its coaches, for caseloads."""
from pathways.contracts.intake import (ArrivalAssessed, ArrivalClosed, ArrivalRouted,
                                       PersonArrived, CoachAssigned, ContactRecorded, ExtensionDecided,
                                       ExtensionProposed,
                                       StayPlanned, ConsentRecorded, EnrolmentDatesCorrected, EnrolmentEnded,
                                       EnrolmentVoided, ParticipantApplied, ParticipantEnrolled,
                                       ParticipantReferred, ParticipantWaitlisted,
                                       ParticipationChanged, PlaceAllocated, ProgrammeRunCreated,
                                       ReferralRejected, ReferralShared, StayLimitSet)
from pathways.application.history import TimelineView
from pathways.application.views import SummaryView, plain
from pathways.contracts import REGISTRY
from pathways.messaging import apply_once
from services.intake.domain import ACTIVE, fold_run
from services.intake.triage import fold_arrival

ARRIVAL_EVENTS = (PersonArrived, ArrivalAssessed, ArrivalRouted, ArrivalClosed)
RUN_EVENTS = (ProgrammeRunCreated, StayLimitSet, ParticipantReferred, ReferralShared, ConsentRecorded,
              ParticipantApplied, ParticipantWaitlisted, PlaceAllocated, ParticipantEnrolled,
              ParticipationChanged, EnrolmentEnded, EnrolmentDatesCorrected, ReferralRejected,
              EnrolmentVoided)


class ArrivalsView(SummaryView):
    """A row per arrival (one way in), for the inbox of arrivals to assess and route."""

    def __init__(self, db, store, commands=None):
        super().__init__(db, store, "arrivals_view", ARRIVAL_EVENTS, fold_arrival,
                         lambda arrival, org: {**arrival.view(), "org": org},
                         lambda arrival: arrival.arrival_id, commands)

    def list_arrivals(self, org, state, page):
        query = {"org": org, **({"state": state} if state else {})}
        return self.page(query, [("arrived_on", 1)], page, hide=("org",))


class RunsView(SummaryView):
    def __init__(self, db, store, commands=None):
        super().__init__(db, store, "runs_view", RUN_EVENTS, fold_run,
                         lambda run, org: {**run.summary(), "org": org},
                         lambda run: run.run_id, commands)

    def list_runs(self, org, page):
        return self.page({"org": org}, [("name", 1)], page, hide=("org",))


UNASSIGNED = "unassigned"
CASELOAD_EVENTS = (CoachAssigned, StayPlanned, ExtensionProposed, ExtensionDecided,
                   ContactRecorded)
BEFORE_START = ("draft", "shared", "applied", "waitlisted", "place_allocated")


def caseload_row(run, e, org):
    """What a coach's list shows of one enrolment; ``since``: the business date its state began
    (the referral before the start, the start while participating, the end after it)."""
    since = e.start_date if e.state == "participating" else \
        e.referred_on if e.state in BEFORE_START else (e.end_date or e.start_date or e.referred_on)
    return {"org": org, "run_id": run.run_id, "run_name": run.name, "programme": run.programme,
            "enrolment_id": e.enrolment_id, "participant_id": e.participant_id,
            "coach_id": e.coach_id, "co_coach_id": e.co_coach_id,
            "holders": [c for c in (e.coach_id, e.co_coach_id) if c], "state": e.state,
            "active": e.state in ACTIVE, "since": since, "start_date": e.start_date,
            "end_date": e.end_date if e.state not in ACTIVE else None,
            "planned_end": e.planned_end, "extension_pending": e.proposal is not None,
            "last_contact": e.last_contact}


class CaseloadView(SummaryView):
    """A row per enrolment (``caseload_row``), kept by the kernel's consumer like RunsView."""

    def __init__(self, db, store, commands=None):
        super().__init__(db, store, "caseload_view", RUN_EVENTS + CASELOAD_EVENTS, fold_run,
                         None, None, commands)
        # One index serves a coach's list (as coach or co-coach, oldest state first), one the
        # unassigned and the loads.
        # (_id last: a page is sorted by since, then _id, so MongoDB reads it off the index
        # instead of sorting every row of the coach in memory)
        self.coll.create_index([("org", 1), ("holders", 1), ("active", 1), ("since", 1),
                                ("_id", 1)])
        self.coll.create_index([("org", 1), ("active", 1), ("coach_id", 1)])
        self.coll.create_index([("org", 1), ("active", 1), ("since", 1)])
        # The outcomes placement recorded at 1/3/6/12 months (its OutcomeObserved, through
        # intake's inbox): they take outcome follow-ups off the due list.
        self.outcomes = db["outcome_follow_ups"]

    def _on_events(self, events):
        """A row per enrolment the run's events touch, each marked with the position of the
        last event that touched it."""
        last = {}
        for e in events:
            if e["payload"].get("enrolment_id") is not None:   # (not the run's creation)
                last[e["payload"]["enrolment_id"]] = (e["stream_id"], e["position"])
        writes = []
        for stream in {s for s, _ in last.values()}:
            mine = [k for k, (s, _) in last.items() if s == stream]
            rows = self.commands.read(stream, self.fold, lambda run, org: {
                k: caseload_row(run, run.enrolments[k], org) for k in mine
                if k in run.enrolments})
            writes += [(k, {"$set": row}, last[k][1]) for k, row in rows.items()]
        for row_id, update, position in writes:
            apply_once(self.coll, row_id, update, events[0]["source"], position)

    @staticmethod
    def _whose(org, coach, include_closed=False):
        query = {"org": org}
        if coach == UNASSIGNED:
            query["coach_id"] = None
        elif coach:
            query["holders"] = coach
        if not include_closed:
            query["active"] = True
        return query

    def caseload(self, org, coach, include_closed, page):
        """A coach's enrolments, as coach or co-coach (``UNASSIGNED``: those with no coach)."""
        return self.page(self._whose(org, coach, include_closed), [("since", 1)], page,
                         hide=("org", "holders"))

    def due_rows(self, org, coach, ended):
        """What a due list reads, after one refresh: the active rows of a coach (as coach or
        co-coach) or of the organisation; the rows that left the active states within
        ``ended`` (first and last day: their outcome follow-ups may be due); and for those, the
        months whose outcome placement recorded ({enrolment id: {months}})."""
        self.refresh()
        active = [plain(d, ("holders",)) for d in self.coll.find(self._whose(org, coach))]
        ended = [plain(d, ("holders",)) for d in self.coll.find({
            **self._whose(org, coach, include_closed=True), "active": False,
            "since": {"$gte": ended[0], "$lte": ended[1]}})]
        observed = {d["_id"]: {int(m) for m in d.get("months", {})} for d in self.outcomes.find(
            {"_id": {"$in": [r["enrolment_id"] for r in ended]}})} if ended else {}
        return active, ended, observed

    def outcome_observed(self, event):
        """Placement recorded the outcome at a mark: once per event (``apply_once``)."""
        p = event["payload"]
        apply_once(self.outcomes, p["enrolment_id"], {"$set": {f"months.{p['months']}": p["date"]}},
                   event["source"], event["position"])

    def load(self, org, coaches):
        """Per coach: active enrolments held as coach, as co-coach, those not started yet and
        those participating; and how many have no coach. Two aggregations, whatever the size."""
        self.refresh()
        out = {c: {"enrolments": 0, "co_coached": 0, "waiting": 0, "participating": 0}
               for c in coaches}
        active = {"$match": {"org": org, "active": True}}
        unassigned = 0
        # Grouped by coach and state, summed here: FerretDB has no $cond in $group.
        for group in self.coll.aggregate([active, {"$group": {
                "_id": {"coach": "$coach_id", "state": "$state"}, "n": {"$sum": 1}}}]):
            coach, state, n = group["_id"].get("coach"), group["_id"].get("state"), group["n"]
            if coach is None:
                unassigned += n
            elif coach in out:
                out[coach]["enrolments"] += n
                out[coach]["waiting"] += n if state in BEFORE_START else 0
                out[coach]["participating"] += n if state == "participating" else 0
        for group in self.coll.aggregate([active, {"$match": {"co_coach_id": {"$ne": None}}},
                                          {"$group": {"_id": "$co_coach_id",
                                                      "n": {"$sum": 1}}}]):
            if group["_id"] in out:
                out[group["_id"]]["co_coached"] = group["n"]
        return out, unassigned


def timeline_view(db, store):
    """Each enrolment's timeline (``pathways.application.history``): every intake event that
    names an enrolment."""
    types = [t for t, _, cls in REGISTRY.contracts(owner="intake")
             if "enrolment_id" in cls().fields]
    return TimelineView(db, store, "timelines", types,
                        lambda env: env["payload"].get("enrolment_id"))
