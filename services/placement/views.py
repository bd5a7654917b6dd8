"""Placement's local views of other services, built from their events by the kernel consumer:
enrolments (from intake) and job opportunities (from employer). Placement checks its rules
against these, never by calling another service."""
from pathways.contracts import REGISTRY
from pathways.contracts.employer import (OpportunityFilled, OpportunityPlaceReleased,
                                         OpportunityPlaceTaken, OpportunityPosted,
                                         OpportunityReopened, OpportunityShared,
                                         OpportunityUnshared, OpportunityWithdrawn)
from pathways.contracts.intake import (EnrolmentDatesCorrected, EnrolmentEnded, EnrolmentVoided,
                                       ParticipantEnrolled, ParticipantReferred, ReferralRejected)
from pathways.application.views import plain
from pathways.messaging import apply_once


class LocalViews:
    def __init__(self, db):
        self.enrolments, self.opportunities = db["enrolments_view"], db["opportunities_view"]

    def apply(self, event):
        """Keep ``event`` (one of ``EVENTS``) in its view, once."""
        type(self).REACTIONS[REGISTRY.event_class(event["type"])](self, event)

    def _enrolment(self, event, fields):
        apply_once(self.enrolments, event["payload"]["enrolment_id"], {"$set": fields},
                   event["source"], event["position"])

    def _opportunity(self, event, fields):
        apply_once(self.opportunities, event["payload"]["opportunity_id"], {"$set": fields},
                   event["source"], event["position"])

    def referred(self, e):
        p = e["payload"]
        self._enrolment(e, {"enrolment_id": p["enrolment_id"], "org": e["org"],
                            "participant_id": p["participant_id"], "run_id": p["run_id"],
                            "programme": p["programme"], "state": "referred",
                            "start_date": None})

    def enrolled(self, e):
        self._enrolment(e, {"state": "participating", "start_date": e["payload"]["start_date"]})

    def ended(self, e):
        p = e["payload"]
        self._enrolment(e, {"state": p["status"], "outcome_hint": p["outcome_hint"],
                            "end_date": p["end_date"]})

    def corrected(self, e):
        self._enrolment(e, {k: e["payload"][k] for k in ("start_date", "end_date")
                            if e["payload"][k]})

    def rejected(self, e):
        self._enrolment(e, {"state": "not_relevant"})

    def voided(self, e):
        self._enrolment(e, {"state": "registered_in_error"})

    def posted(self, e):
        p = e["payload"]
        self._opportunity(e, {"opportunity_id": p["opportunity_id"], "org": e["org"],
                              "employer_id": p["employer_id"], "kind": p["kind"],
                              "places": p["places"], "shared": p["shared"], "status": "open",
                              "filled": 0})

    def shared(self, e):
        self._opportunity(e, {"shared": True, "shared_with": e["payload"]["orgs"]})

    def unshared(self, e):
        self._opportunity(e, {"shared": False, "shared_with": None})

    def places_changed(self, e):
        self._opportunity(e, {"filled": e["payload"]["filled"]})

    def filled(self, e):
        self._opportunity(e, {"status": "filled"})

    def reopened(self, e):
        self._opportunity(e, {"status": "open"})

    def withdrawn(self, e):
        self._opportunity(e, {"status": "withdrawn"})

    REACTIONS = {ParticipantReferred: referred, ParticipantEnrolled: enrolled,
                 EnrolmentEnded: ended, EnrolmentDatesCorrected: corrected,
                 ReferralRejected: rejected, EnrolmentVoided: voided,
                 OpportunityPosted: posted, OpportunityShared: shared,
                 OpportunityUnshared: unshared,
                 OpportunityPlaceTaken: places_changed, OpportunityPlaceReleased: places_changed,
                 OpportunityFilled: filled, OpportunityReopened: reopened,
                 OpportunityWithdrawn: withdrawn}
    EVENTS = tuple(REACTIONS)

    def enrolment(self, org, enrolment_id):
        doc = self.enrolments.find_one({"_id": enrolment_id})
        return plain(doc) if doc and doc.get("org") == org else None

    def opportunity(self, org, opportunity_id):
        doc = self.opportunities.find_one({"_id": opportunity_id})
        visible = doc and (doc.get("org") == org or doc.get("shared") and (
            doc.get("shared_with") is None or org in doc["shared_with"]))
        return plain(doc) if visible else None
