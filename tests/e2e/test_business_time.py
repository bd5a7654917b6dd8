"""Business time in intake: a history registered late keeps the dates it happened on
(``occurred_at``) apart from when the system learned it (``recorded_at``), and reports "as
effective on" a past day count it as it stood that day."""
from pathways.eventstore import EventStore
from pathways.timeutil import utcnow
from tests.e2e.flow import PERSON

LATE = [("consent", {"given_by": "participant", "date": "2024-03-01"}),
        ("apply", {"date": "2024-03-04"}),
        ("start", {"start_date": "2024-03-11", "percent": 100, "days_per_week": 5}),
        ("end", {"status": "completed", "reason": "got_job", "outcome_hint": "employed",
                 "end_date": "2024-09-02"})]


def test_a_history_registered_today_keeps_its_business_dates_and_reports_as_it_stood(
        platform, dbs):
    began = utcnow().date().isoformat()
    apps = platform("intake", "reporting")
    cw, co = apps["intake"]["caseworker"], apps["intake"]["coordinator"]
    run_id = co.call("POST", "/runs", {"programme": "office_places", "name": "Kontor 2024",
                                        "places": 5}, expect=201)["run_id"]
    pid = cw.call("POST", "/participants", PERSON, expect=201)["participant_id"]
    e = cw.call("POST", f"/runs/{run_id}/enrolments", {"participant_id": pid,
                                                        "date": "2024-02-26"}, expect=201)
    path = f"/runs/{run_id}/enrolments/{e['enrolment_id']}"
    for action, body in LATE:
        cw.call("POST", f"{path}/{action}", body)
    events = EventStore(dbs["intake"], "intake").read_stream(f"run-{run_id}")
    days = {ev["type"]: ev["occurred_at"][:10] for ev in events}
    assert days == {"ProgrammeRunCreated": events[0]["recorded_at"][:10],   # no business date
                    "ParticipantReferred": "2024-02-26", "ConsentRecorded": "2024-03-01",
                    "ParticipantApplied": "2024-03-04", "PlaceAllocated": "2024-03-04",
                    "ParticipantEnrolled": "2024-03-11", "EnrolmentEnded": "2024-09-02"}
    assert {ev["recorded_at"][:10] for ev in events} <= {began, utcnow().date().isoformat()}
    reporting = apps["reporting"]["coordinator"]
    after = {"Pathways-After": f"intake={events[-1]['position']}"}

    def on(day):
        return reporting.call("GET", "/reports/kpis", params={"effective_on": day},
                              headers=after)
    assert (on("2024-02-01")["enrolments"], on("2024-02-01")["started"]) == (0, 0)
    mid = on("2024-06-01")
    assert (mid["enrolments"], mid["started"], mid["ended"]) == (1, 1, 0)
    late = on("2024-12-31")
    assert (late["started"], late["ended"]) == (1, 1)
    assert late["outcomes"]["at_end"]["numerator"] == 1
    # a fact dated after today is refused, naming the rule
    refused = cw.call("POST", f"{path}/consent", {"given_by": "participant",
                                                  "date": "2099-01-01"}, expect=409)
    assert refused["error"] == "date_in_future"
