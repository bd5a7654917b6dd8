"""Placement's local views of other services, built from their events by the kernel consumer:
enrolments (from intake) and job opportunities (from employer). Placement checks its rules
against these, never by calling another service."""
from pathways.messaging import apply_once


class LocalViews:
    EVENTS = ("ParticipantReferred", "ParticipantEnrolled", "EnrolmentEnded",
              "EnrolmentDatesCorrected", "ReferralRejected", "EnrolmentVoided",
              "OpportunityPosted", "OpportunityShared", "OpportunityPlaceTaken",
              "OpportunityPlaceReleased", "OpportunityFilled", "OpportunityReopened",
              "OpportunityWithdrawn")
    def __init__(self, db):
        self.enrolments, self.opportunities = db["enrolments_view"], db["opportunities_view"]

    def _enrolment(self, event, fields):
        p = event["payload"]
        apply_once(self.enrolments, p["enrolment_id"], {"$set": fields}, event["source"],
                   event["position"])

    def _opportunity(self, event, update):
        apply_once(self.opportunities, event["payload"]["opportunity_id"], update,
                   event["source"], event["position"])

    def handlers(self):
        def referred(e):
            p = e["payload"]
            self._enrolment(e, {"enrolment_id": p["enrolment_id"], "org": e["org"],
                                "participant_id": p["participant_id"], "run_id": p["run_id"],
                                "programme": p["programme"], "state": "referred",
                                "start_date": None})

        def state(name):
            return lambda e: self._enrolment(e, {"state": name})

        def posted(e):
            p = e["payload"]
            self._opportunity(e, {"$set": {
                "opportunity_id": p["opportunity_id"], "org": e["org"],
                "employer_id": p["employer_id"], "kind": p["kind"], "places": p["places"],
                "shared": p["shared"], "status": "open", "filled": 0}})

        return {
            "ParticipantReferred": referred,
            "ParticipantEnrolled": lambda e: self._enrolment(
                e, {"state": "participating", "start_date": e["payload"]["start_date"]}),
            "EnrolmentEnded": lambda e: self._enrolment(e, {
                "state": e["payload"]["status"], "outcome_hint": e["payload"]["outcome_hint"],
                "end_date": e["payload"]["end_date"]}),
            "EnrolmentDatesCorrected": lambda e: self._enrolment(e, {
                k: e["payload"][k] for k in ("start_date", "end_date") if e["payload"][k]}),
            "ReferralRejected": state("not_relevant"),
            "EnrolmentVoided": state("registered_in_error"),
            "OpportunityPosted": posted,
            "OpportunityShared": lambda e: self._opportunity(e, {"$set": {"shared": True}}),
            "OpportunityPlaceTaken": lambda e: self._opportunity(
                e, {"$set": {"filled": e["payload"]["filled"]}}),
            "OpportunityPlaceReleased": lambda e: self._opportunity(
                e, {"$set": {"filled": e["payload"]["filled"]}}),
            "OpportunityFilled": lambda e: self._opportunity(e, {"$set": {"status": "filled"}}),
            "OpportunityReopened": lambda e: self._opportunity(e, {"$set": {"status": "open"}}),
            "OpportunityWithdrawn": lambda e: self._opportunity(
                e, {"$set": {"status": "withdrawn"}}),
        }

    def enrolment(self, org, enrolment_id):
        doc = self.enrolments.find_one({"_id": enrolment_id})
        return _clean(doc) if doc and doc.get("org") == org else None

    def opportunity(self, org, opportunity_id):
        doc = self.opportunities.find_one({"_id": opportunity_id})
        return _clean(doc) if doc and (doc.get("org") == org or doc.get("shared")) else None


def _clean(doc):
    return {k: v for k, v in doc.items() if not k.startswith("_")}
