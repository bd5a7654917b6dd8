"""Intake's own read model: a summary per programme run, for listing runs."""
from pathways.contracts.intake import (ConsentRecorded, EnrolmentDatesCorrected, EnrolmentEnded,
                                       EnrolmentVoided, ParticipantApplied, ParticipantEnrolled,
                                       ParticipantReferred, ParticipantWaitlisted,
                                       ParticipationChanged, PlaceAllocated, ProgrammeRunCreated,
                                       ReferralRejected, ReferralShared)
from pathways.application.views import SummaryView
from services.intake.domain import fold_run

RUN_EVENTS = (ProgrammeRunCreated, ParticipantReferred, ReferralShared, ConsentRecorded,
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
