"""Intake on real RabbitMQ + MongoDB-wire: the whole flow, capacity, bad input, erasure."""
import copy

import pytest
import requests
from nameko.standalone.rpc import ClusterRpcProxy

from pathways.eventstore import EventStore
from tests.integration.intake.conftest import PERSON, TOKENS
from tests.support import wait_until

RUN = {"programme": "office_places", "name": "Omstilling kontor", "places": 3}


def register(client, national_id="15108695088", **over):
    body = {**PERSON, "national_id": national_id, **over}
    return client.post("/participants", body, expect=201).json()["participant_id"]


def enrol(client, run_id, participant_id, start=True):
    e = client.post(f"/runs/{run_id}/enrolments",
                    {"participant_id": participant_id, "date": "2026-01-02"}, expect=201).json()
    path = f"/runs/{run_id}/enrolments/{e['enrolment_id']}"
    client.post(f"{path}/consent", {"given_by": "participant"}, expect=200)
    e = client.post(f"{path}/apply", expect=200).json()
    if start and e["state"] == "place_allocated":
        e = client.post(f"{path}/start", {"start_date": "2026-01-05", "percent": 100,
                                          "days_per_week": 5}, expect=200).json()
    return e


def feed(intake):
    """The feed, as an auditor or coordinator reads it (a caseworker may not; nobody anonymous)."""
    base = intake["base"]
    assert requests.get(f"{base}/events").status_code == 401
    intake["caseworker-a"].get("/events", expect=403)
    return intake["auditor-a"].get("/events", params={"limit": 1000},
                                   expect=200).json()["events"]


def test_refer_consent_allocate_enrol_change_end_in_the_feed_and_on_rabbitmq(intake, dbs):
    cw, co = intake["caseworker-a"], intake["coordinator-a"]
    run = co.post("/runs", RUN, expect=201).json()
    pid = register(cw)
    e = cw.post(f"/runs/{run['run_id']}/enrolments",
                {"participant_id": pid, "share": True, "date": "2026-01-02"},
                expect=201).json()
    path = f"/runs/{run['run_id']}/enrolments/{e['enrolment_id']}"
    cw.post(f"{path}/consent", {"given_by": "caseworker", "on_behalf_reason": "verbal_consent"},
            expect=200)
    assert cw.post(f"{path}/apply", expect=200).json()["state"] == "place_allocated"
    cw.post(f"{path}/start", {"start_date": "2026-01-05", "percent": 60, "days_per_week": 3},
            expect=200)
    cw.post(f"{path}/participation", {"from_date": "2026-02-01", "percent": 100,
                                      "days_per_week": 5}, expect=200)
    ended = cw.post(f"{path}/end", {"status": "completed", "reason": "got_job",
                                    "outcome_hint": "employed", "end_date": "2026-04-30"},
                    expect=200).json()
    assert ended["state"] == "completed"

    events = feed(intake)
    assert [e["type"] for e in events] == [
        "ProgrammeRunCreated", "ParticipantRegistered", "ParticipantReferred", "ConsentRecorded",
        "ParticipantApplied", "PlaceAllocated", "ParticipantEnrolled", "ParticipationChanged",
        "EnrolmentEnded"]
    assert [e["position"] for e in events] == list(range(1, 10))
    for ev in events:
        assert ev["source"] == "intake" and ev["org"] == "org-a"
        assert ev["actor"]["id"] in ("cw-anne", "co-ola")
        assert "Kari" not in str(ev) and "15108695088" not in str(ev)   # no personal data
    run_events = [e for e in events if e["stream_id"] == f"run-{run['run_id']}"]
    assert [e["stream_version"] for e in run_events] == list(range(1, 9))
    assert events[5]["correlation_id"] == events[4]["correlation_id"]   # one command, one commit

    received = wait_until(lambda: (lambda r: r if len(r) == 9 else None)(
        [d["event"] for d in dbs["recorder"]["received"].find({})]))
    assert sorted(received, key=lambda e: e["position"]) == events   # same envelopes, all of them
    assert EventStore(dbs["intake"], "intake").verify().ok


def test_three_places_five_enrolments_two_waitlisted_and_an_ending_lets_the_next_in(intake):
    cw, co = intake["caseworker-a"], intake["coordinator-a"]
    run_id = co.post("/runs", RUN, expect=201).json()["run_id"]
    ids = ["15108695088", "55108695071", "01019012480", "02028545692", "04046623407"]
    pids = []
    for nid in ids:
        pids.append(register(cw, nid))
    enrolments = [enrol(cw, run_id, pid) for pid in pids]
    assert [e["state"] for e in enrolments] == ["participating"] * 3 + ["waitlisted"] * 2
    assert [e["queue_position"] for e in enrolments[3:]] == [1, 2]
    summary = cw.get(f"/runs/{run_id}", expect=200).json()
    assert summary["places_in_use"] == 3 and len(summary["waitlist"]) == 2
    first = enrolments[0]
    cw.post(f"/runs/{run_id}/enrolments/{first['enrolment_id']}/end",
            {"status": "left", "reason": "got_job", "outcome_hint": "employed",
             "end_date": "2026-03-01"}, expect=200)
    nxt = cw.get(f"/runs/{run_id}/enrolments/{enrolments[3]['enrolment_id']}", expect=200).json()
    assert nxt["state"] == "place_allocated"
    listed = cw.get("/runs", expect=200).json()["runs"]
    assert [(r["run_id"], r["places_in_use"], len(r["waitlist"])) for r in listed] == [(run_id, 3, 1)]


def test_bad_input_gets_4xx_with_field_messages_and_writes_nothing(intake, dbs):
    cw, co, other = intake["caseworker-a"], intake["coordinator-a"], intake["caseworker-b"]
    run_id = co.post("/runs", RUN, expect=201).json()["run_id"]
    pid = register(cw)
    enrolment = cw.post(f"/runs/{run_id}/enrolments", {"participant_id": pid,
                                                       "date": "2026-01-02"}, expect=201).json()
    path = f"/runs/{run_id}/enrolments/{enrolment['enrolment_id']}"
    head = EventStore(dbs["intake"], "intake").head()
    vault_before = dbs["intake"]["vault"].count_documents({})

    bad_id = cw.post("/participants", {**PERSON, "national_id": "15108695089"}, expect=400).json()
    assert "check digit" in bad_id["errors"]["national_id"][0]
    missing = cw.post("/participants", {"country": "NO"}, expect=400).json()
    assert {"national_id", "given_name", "family_name", "municipality",
            "needs_group"} <= set(missing["errors"])
    wrong = co.post("/runs", {**RUN, "programme": "juggling", "places": "three", "extra": 1},
                    expect=400).json()
    assert set(wrong["errors"]) == {"programme", "places", "extra"}
    malformed = cw.session.post(intake["base"] + "/participants", data="{not json",
                                headers={"Content-Type": "application/json"})
    assert malformed.status_code == 400 and "malformed JSON" in malformed.json()["message"]
    cw.post("/runs/nope/enrolments", {"participant_id": pid}, expect=404)
    cw.post(f"/runs/{run_id}/enrolments", {"participant_id": "nobody"}, expect=404)
    state = cw.post(f"{path}/start", {"start_date": "2026-01-05", "percent": 50,
                                      "days_per_week": 3}, expect=409).json()
    assert state["error"] == "illegal_transition" and "draft" in state["message"]
    assert cw.post(f"{path}/apply", expect=409).json()["error"] == "consent_required"
    cw.post(f"{path}/fly", expect=404)
    cw.post(f"{path}/end", {"status": "completed", "reason": "did_not_show",
                                   "end_date": "2026-01-01"}, expect=400)
    dup = cw.post("/participants", PERSON, expect=409).json()
    assert dup["error"] == "already_registered" and dup["participant_id"] == pid
    # another organisation sees none of it
    other.get(f"/runs/{run_id}", expect=404)
    other.get(f"/participants/{pid}", params={"purpose": "follow-up"}, expect=404)
    other.post(f"{path}/apply", expect=404)
    assert other.get("/runs", expect=200).json()["runs"] == []
    # credentials and roles
    assert requests.get(intake["base"] + "/runs").status_code == 401
    assert requests.get(intake["base"] + "/runs",
                        headers={"Authorization": "Bearer forged-token-0000000"}).status_code == 401
    cw.post("/runs", RUN, expect=403)
    intake["auditor-a"].get(f"/participants/{pid}", params={"purpose": "audit"},
                                   expect=403)
    assert cw.get(f"/participants/{pid}", expect=400).json()["errors"] == {
        "purpose": ["Missing data for required field."]}

    assert EventStore(dbs["intake"], "intake").head() == head          # nothing half-written
    assert dbs["intake"]["vault"].count_documents({}) == vault_before


def test_after_erasure_personal_data_is_unreadable_and_the_chain_still_verifies(intake, dbs):
    cw, co = intake["caseworker-a"], intake["coordinator-a"]
    pid = register(cw)
    person = cw.get(f"/participants/{pid}", params={"purpose": "plan follow-up"},
                    expect=200).json()
    assert person["given_name"] == "Kari" and person["national_id"] == "15108695088"
    stored = dbs["intake"]["vault"].find_one({"_id": pid})
    assert b"Kari" not in bytes(stored["sealed"])                         # encrypted at rest
    co.post(f"/participants/{pid}/erase", expect=200)
    gone = cw.get(f"/participants/{pid}", params={"purpose": "plan follow-up"}, expect=410)
    assert "erased" in gone.json()["message"]
    assert dbs["intake_keys"]["participant_keys"].find_one({"_id": pid}) is None
    assert dbs["intake"]["vault"].find_one({"_id": pid}) is None
    assert co.post(f"/participants/{pid}/erase", expect=409).json()["error"] == "already_erased"
    store = EventStore(dbs["intake"], "intake")
    assert [e["type"] for e in store.read_stream(f"participant-{pid}")] == [
        "ParticipantRegistered", "ParticipantDataErased"]
    assert store.verify().ok
    log = list(dbs["intake"]["access_log"].find({"whose": pid}, sort=[("when", 1)]))
    assert [(a["who"], a["why"], a["erased"]) for a in log] == [
        ("cw-anne", "plan follow-up", False), ("cw-anne", "plan follow-up", True)]
    # the same person may be registered again as a new participant
    assert register(cw) != pid


def test_rpc_takes_credentials_from_context_data(intake, config):
    ctx = {"authorization": f"Bearer {TOKENS['coordinator-a']}"}
    with ClusterRpcProxy(config, context_data=ctx) as rpc:
        run = rpc.intake.create_run(copy.deepcopy(RUN))
        assert rpc.intake.get_run(run["run_id"])["places"] == 3
    with ClusterRpcProxy(config, context_data={"authorization": "Bearer nope-nope-nope-nope"}) as rpc:
        with pytest.raises(Exception) as err:
            rpc.intake.list_runs()
        assert "Unauthorized" in str(type(err.value).__name__) + str(err.value)
