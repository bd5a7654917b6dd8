import pytest

from pathways.contracts import InvalidEvent, UnknownEventType, new_event
from tests.support import ACTOR, counted


def stored(draft, **over):
    env = dict(draft, source="intake", stream_id="s-1", stream_version=1, position=7,
               recorded_at=draft["occurred_at"])
    env.update(over)
    return env


def test_producer_accepts_a_valid_draft_and_normalises_it(registry):
    draft = registry.validate_draft(counted(3))
    assert draft["payload"] == {"amount": 3, "unit": "places"}
    assert draft["correlation_id"] == draft["event_id"] and draft["causation_id"] is None


def test_producer_refuses_unknown_payload_fields(registry):
    with pytest.raises(InvalidEvent) as err:
        registry.validate_draft(new_event("Counted", {"amount": 1, "unit": "places", "name": "Ola"},
                                          org="o", actor=ACTOR, schema_version=2))
    assert err.value.errors == {"payload": {"name": ["Unknown field."]}}


def test_producer_refuses_a_bad_envelope(registry):
    draft = counted(1)
    draft["actor"] = {"type": "robot", "id": "x"}
    with pytest.raises(InvalidEvent) as err:
        registry.validate_draft(draft)
    assert "actor" in err.value.errors


def test_producer_refuses_unknown_type_and_version(registry):
    with pytest.raises(UnknownEventType, match="unknown event type 'Nope'"):
        registry.validate_draft(new_event("Nope", {}, org="o", actor=ACTOR))
    with pytest.raises(UnknownEventType, match=r"unknown schema_version 9 .*known: \[1, 2\]"):
        registry.validate_draft(new_event("Counted", {"amount": 1}, org="o", actor=ACTOR,
                                          schema_version=9))


def test_consumer_ignores_unknown_fields_and_upcasts_old_versions(registry):
    old = new_event("Counted", {"amount": 4, "later_field": True}, org="o", actor=ACTOR)
    env = registry.read(stored(old, extra_envelope_field="x"))
    assert env["schema_version"] == 2
    assert env["payload"] == {"amount": 4, "unit": "places"}
    assert "extra_envelope_field" not in env


def test_consumer_names_what_is_wrong(registry):
    with pytest.raises(InvalidEvent, match="amount"):
        registry.read(stored(counted(1), payload={"amount": "many", "unit": "places"}))
    with pytest.raises(InvalidEvent, match="position"):
        registry.read(stored(counted(1), position="x"))
    with pytest.raises(InvalidEvent, match="must be an object"):
        registry.read(["not", "an", "event"])


def test_a_case_closed_before_v2_reads_as_v2_with_the_status_it_always_gave():
    from pathways.contracts import REGISTRY
    v1 = new_event("CaseClosed", {"participant_id": "p", "enrolment_id": "e", "run_id": "r",
                                  "outcome": "education", "date": "2025-05-01"},
                   org="o", actor=ACTOR, schema_version=1)
    read = REGISTRY.read(stored(REGISTRY.validate_draft(v1), source="placement"))
    assert read["schema_version"] == 2 and read["payload"]["enrolment_status"] == "completed"
    assert REGISTRY.latest_version("CaseClosed") == 2


def test_an_event_class_is_its_type_version_and_schema_in_one_declaration():
    from pathways.contracts import REGISTRY
    from pathways.contracts.placement import CaseClosed, CaseClosedV1

    assert (CaseClosed.type, CaseClosed.version, CaseClosedV1.version) == ("CaseClosed", 2, 1)
    assert REGISTRY.event_class("CaseClosed") is CaseClosed and REGISTRY.owner("CaseClosed") == \
        "placement"
    with pytest.raises(TypeError, match="no field outcom"):
        CaseClosed(outcom="unknown")
    old = {"type": "CaseClosed", "schema_version": 1, "occurred_at": "2026-03-01T10:00:00Z",
           "payload": {"participant_id": "p", "enrolment_id": "e", "run_id": "r",
                       "outcome": "education", "date": "2026-03-01"}}
    event = REGISTRY.event(old)   # a v1 event in the log is read as the newest class
    assert isinstance(event, CaseClosed) and event.enrolment_status == "completed"
    assert event.occurred_on == "2026-03-01" and event.envelope is old
    draft = REGISTRY.validate_draft(new_event(event.type, event.payload, org="o", actor=ACTOR,
                                              schema_version=event.version))
    assert draft["schema_version"] == 2


def test_notify_events_before_due_digests_read_as_v2_of_the_openings_topic():
    from pathways.contracts import REGISTRY
    created = new_event("SubscriptionCreated", {
        "subscription_id": "s", "owner": "cw", "channel": "email", "language": "nb",
        "kinds": [], "municipalities": [], "min_hours": None, "max_hours": None,
        "quiet_from": None, "quiet_to": None}, org="o", actor=ACTOR, schema_version=1)
    read = REGISTRY.read(stored(REGISTRY.validate_draft(created), source="notify"))
    assert (read["schema_version"], read["payload"]["topic"], read["payload"]["at"]) == \
        (2, "openings", None)
    for kind, extra in (("NotificationSent", {"shared_at": "2026-03-02T09:14:03Z"}),
                        ("NotificationAbandoned", {"reason": "refused"})):
        v1 = new_event(kind, {"notification_id": "s|e", "subscription_id": "s",
                              "opportunity_id": "op", "channel": "webhook", "attempts": 1,
                              **extra}, org="o", actor=ACTOR, schema_version=1)
        read = REGISTRY.read(stored(REGISTRY.validate_draft(v1), source="notify"))
        assert (read["schema_version"], read["payload"]["topic"], read["payload"]["due_on"],
                read["payload"]["opportunity_id"]) == (2, "openings", None, "op")


def test_a_registration_before_target_groups_reads_as_v2_not_told():
    from pathways.contracts import REGISTRY
    v1 = new_event("ParticipantRegistered", {
        "participant_id": "p", "birth_year": 1990, "gender": "F", "municipality": "4601",
        "needs_group": "situational", "country": "NO"}, org="o", actor=ACTOR, schema_version=1)
    read = REGISTRY.read(stored(REGISTRY.validate_draft(v1), source="intake"))
    assert (read["schema_version"], read["payload"]["refugee"],
            read["payload"]["reduced_work_capacity"]) == (2, None, None)
