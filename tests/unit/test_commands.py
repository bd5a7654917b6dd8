"""The command path's kept states: decided on without reading, brought up to date with only the
newer events, never trusted over the log (another instance's writes), bounded."""
import pytest

from pathways.security.callers import Caller
from pathways.application.commands import Commands
from pathways.domain.decider import Fold
from pathways.eventstore import MemoryEventStore
from pathways.errors import Conflict, NotFoundError
from pathways.timeutil import utcnow
from services.intake.commands import (Apply, CloseFromCase, CreateRun, RecordConsent, Refer,
                                      Start)
from services.intake.domain import decide_run, fold_run
from pathways.contracts import new_event
from tests.support import ACTOR

CALLER = Caller("org-a", "coordinator", "c@org-a")
OTHER = Caller("org-b", "coordinator", "c@org-b")
TODAY = utcnow().date().isoformat()   # the referrals happen now (no occurred_at given)


class CountingStore(MemoryEventStore):
    """Records every read of a stream as (stream, after_version)."""

    def __init__(self, source="intake"):
        super().__init__(source)
        self.reads = []

    def read_stream(self, stream_id, after_version=0):
        self.reads.append((stream_id, after_version))
        return super().read_stream(stream_id, after_version)


def refer(enrolment_id, participant_id):
    return Refer(enrolment_id=enrolment_id, participant_id=participant_id, today=TODAY,
                 date=TODAY)


def run_with(commands, n):
    commands.execute(CALLER, "run-r", fold_run, decide_run,
                     CreateRun(run_id="r", programme="aft", name="r", places=5), "run")
    for i in range(n):
        commands.execute(CALLER, "run-r", fold_run, decide_run, refer(f"e{i}", f"p{i}"), "run")


def test_a_command_on_a_kept_state_reads_nothing_and_a_query_reads_only_newer_events():
    store = CountingStore()
    commands = Commands(store)
    run_with(commands, 3)
    assert store.reads == [("run-r", 0)]       # the first command only: the state is kept
    store.reads.clear()
    names = commands.read("run-r", fold_run, lambda run, org: (sorted(run.enrolments), org))
    assert names == (["e0", "e1", "e2"], "org-a")
    assert store.reads == [("run-r", 4)]       # the events after the kept version: none


def test_another_instances_writes_are_never_overwritten_and_are_seen():
    store = MemoryEventStore("intake")
    mine, theirs = Commands(store), Commands(store)
    run_with(mine, 1)
    # The other instance refers e1, then this one (its kept state stale) refers e2: the append
    # is refused by the store, the newer event read, and the decision made again on it.
    theirs.execute(CALLER, "run-r", fold_run, decide_run, refer("e1", "p1"), "run")
    after = mine.execute(CALLER, "run-r", fold_run, decide_run, refer("e2", "p2"), "run",
                         answer=lambda run: sorted(run.enrolments))
    assert after == ["e0", "e1", "e2"]
    assert [e["stream_version"] for e in store.read_stream("run-r")] == [1, 2, 3, 4]
    # A refusal made on a stale state is checked against the log first: e3 exists there.
    theirs.execute(CALLER, "run-r", fold_run, decide_run, refer("e3", "p3"), "run")
    consent = RecordConsent(enrolment_id="e3", today=TODAY, date=TODAY, given_by="participant")
    state = mine.execute(CALLER, "run-r", fold_run, decide_run, consent, "run",
                         answer=lambda run: run.enrolments["e3"].consent)
    assert state is True
    # ... and a refusal that stands on the log is still a refusal.
    with pytest.raises(Conflict) as refused:
        mine.execute(CALLER, "run-r", fold_run, decide_run, refer("e4", "p3"), "run")
    assert refused.value.rule == "already_referred"


def test_another_organisations_kept_stream_counts_as_absent():
    commands = Commands(MemoryEventStore("intake"))
    run_with(commands, 1)
    assert commands.read("run-r", fold_run, lambda run, org: (run.exists, org), "org-b") == \
        (False, None)
    with pytest.raises(NotFoundError):
        commands.execute(OTHER, "run-r", fold_run, decide_run, refer("e9", "p9"), "run")
    assert len(MemoryEventStore.read_stream(commands.store, "run-r")) == 2


def test_kept_states_are_bounded_by_their_events():
    store = CountingStore()
    commands = Commands(store, kept_events=10)
    for s in range(6):
        pid = f"p{s}"
        store.append(f"s-{s}", 0, [new_event("ParticipantRegistered", {
            "participant_id": pid, "birth_year": 1990, "gender": "F", "municipality": "0301",
            "needs_group": "situational", "country": "NO"}, org="org-a", actor=ACTOR)] + [
            new_event("ParticipantDataErased", {"participant_id": pid}, org="org-a", actor=ACTOR)
            for _ in range(3)])
    count = Fold(lambda: 0, lambda n, event: n + 1)
    for s in range(6):
        assert commands.read(f"s-{s}", count, lambda n, org: n) == 4
    assert commands._size <= 10 and len(commands._kept) == 2
    store.reads.clear()
    commands.read("s-0", count, lambda n, org: n)        # forgotten: read from the start
    commands.read("s-5", count, lambda n, org: n)        # kept: only what is newer
    assert store.reads == [("s-0", 0), ("s-5", 4)]


def test_nothing_to_do_is_only_decided_on_the_logs_latest_state():
    """A reaction (a closed case ends its enrolment) on an instance whose kept state predates
    the start another instance recorded: "not participating, nothing to end" would lose it."""
    store = MemoryEventStore("intake")
    mine, theirs = Commands(store), Commands(store)
    run_with(mine, 1)
    for cmd in (RecordConsent(enrolment_id="e0", today=TODAY, date=TODAY, given_by="participant"),
                Apply(enrolment_id="e0", today=TODAY, date=TODAY),
                Start(enrolment_id="e0", today=TODAY, start_date=TODAY, percent=100,
                      days_per_week=5)):
        theirs.execute(CALLER, "run-r", fold_run, decide_run, cmd, "run")
    state = mine.execute(CALLER, "run-r", fold_run, decide_run,
                         CloseFromCase(enrolment_id="e0", outcome="employed_ordinary",
                                       status="completed", closed_on=TODAY), "run",
                         org_scoped=False, answer=lambda run: run.enrolments["e0"].state)
    assert state == "completed"
    assert store.read_stream("run-r")[-1]["type"] == "EnrolmentEnded"
