"""Intake's own read model: a summary per programme run, for listing runs without reading every
stream. Built by the kernel's consumer from intake's own log, so it can always be rebuilt."""
from pathways.messaging import Consumer, apply_once
from services.intake.domain import fold_run

RUN_EVENTS = ("ProgrammeRunCreated", "ParticipantReferred", "ReferralShared", "ConsentRecorded",
              "ParticipantApplied", "ParticipantWaitlisted", "PlaceAllocated",
              "ParticipantEnrolled", "ParticipationChanged", "EnrolmentEnded", "ReferralRejected",
              "EnrolmentVoided")


class RunsView:
    def __init__(self, db, store):
        self.store, self.coll = store, db["runs_view"]
        handlers = {t: self._on_run_event for t in RUN_EVENTS}
        self.consumer = Consumer(db, "runs_view", handlers,
                                 lambda source, after, limit: store.events_after(after, limit),
                                 sources=[store.source]).ensure_indexes()

    def _on_run_event(self, event):
        run = fold_run(self.store.read_stream(event["stream_id"]))
        apply_once(self.coll, run.run_id, {"$set": {**run.summary(), "org": event["org"]}},
                   event["source"], event["position"])

    def refresh(self):
        return self.consumer.catch_up()

    def list_runs(self, org):
        self.refresh()
        return [{k: v for k, v in d.items() if not k.startswith("_") and k != "org"}
                for d in self.coll.find({"org": org}, sort=[("name", 1)])]
