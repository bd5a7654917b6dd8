"""Intake's own read models, built from its own log (so always rebuildable): a summary per
programme run, for listing runs, and a row per enrolment with its coaches, for caseloads."""
from pathways.contracts.intake import (CoachAssigned, ContactRecorded, ExtensionDecided,
                                       ExtensionProposed,
                                       StayPlanned, ConsentRecorded, EnrolmentDatesCorrected, EnrolmentEnded,
                                       EnrolmentVoided, ParticipantApplied, ParticipantEnrolled,
                                       ParticipantReferred, ParticipantWaitlisted,
                                       ParticipationChanged, PlaceAllocated, ProgrammeRunCreated,
                                       ReferralRejected, ReferralShared, StayLimitSet)
from pathways.application.views import SummaryView
from pathways.messaging import apply_once
from services.intake.domain import ACTIVE, fold_run

RUN_EVENTS = (ProgrammeRunCreated, StayLimitSet, ParticipantReferred, ReferralShared, ConsentRecorded,
              ParticipantApplied, ParticipantWaitlisted, PlaceAllocated, ParticipantEnrolled,
              ParticipationChanged, EnrolmentEnded, EnrolmentDatesCorrected, ReferralRejected,
              EnrolmentVoided)


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
            "coach_id": e.coach_id, "co_coach_id": e.co_coach_id, "state": e.state,
            "active": e.state in ACTIVE, "since": since, "start_date": e.start_date,
            "end_date": e.end_date if e.state not in ACTIVE else None,
            "planned_end": e.planned_end, "extension_pending": e.proposal is not None,
            "last_contact": e.last_contact}


class CaseloadView(SummaryView):
    """A row per enrolment (``caseload_row``), kept by the kernel's consumer like RunsView."""

    def __init__(self, db, store, commands=None):
        super().__init__(db, store, "caseload_view", RUN_EVENTS + CASELOAD_EVENTS, fold_run,
                         None, None, commands)
        for field in ("coach_id", "co_coach_id"):
            self.coll.create_index([("org", 1), (field, 1), ("active", 1)])

    def _on_event(self, event):
        enrolment_id = event["payload"].get("enrolment_id")
        if enrolment_id is None:
            return   # the run's creation: no enrolment yet
        row = self.commands.read(event["stream_id"], self.fold, lambda run, org: caseload_row(
            run, run.enrolments[enrolment_id], org) if enrolment_id in run.enrolments else None)
        if row is not None:
            apply_once(self.coll, enrolment_id, {"$set": row}, event["source"],
                       event["position"])

    def caseload(self, org, coach, include_closed, page):
        """A coach's enrolments, as coach or co-coach (``UNASSIGNED``: those with no coach)."""
        if coach == UNASSIGNED:
            query = {"org": org, "coach_id": None}
        else:
            query = {"org": org, "$or": [{"coach_id": coach}, {"co_coach_id": coach}]}
        if not include_closed:
            query["active"] = True
        return self.page(query, [("since", 1)], page, hide=("org",))

    def active(self, org, coach=None):
        """Every active row of a coach (as coach or co-coach), or of the organisation."""
        self.refresh()
        query = {"org": org, "active": True}
        if coach == UNASSIGNED:
            query["coach_id"] = None
        elif coach:
            query["$or"] = [{"coach_id": coach}, {"co_coach_id": coach}]
        return [{k: v for k, v in d.items() if not k.startswith("_")}
                for d in self.coll.find(query)]

    def load(self, org, coaches):
        """Per coach: active enrolments held as coach, as co-coach, and those not yet started."""
        self.refresh()
        active = {"org": org, "active": True}
        out = {}
        for coach in coaches:
            out[coach] = {
                "enrolments": self.coll.count_documents({**active, "coach_id": coach}),
                "co_coached": self.coll.count_documents({**active, "co_coach_id": coach}),
                "waiting": self.coll.count_documents({**active, "coach_id": coach,
                                                      "state": {"$in": list(BEFORE_START)}}),
                "participating": self.coll.count_documents({**active, "coach_id": coach,
                                                            "state": "participating"})}
        unassigned = self.coll.count_documents({**active, "coach_id": None})
        return out, unassigned
