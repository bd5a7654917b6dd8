"""The event log on a real MongoDB-wire server: the store contract every backend passes, and
what only a shared database has (several processes, group commit, a server's quirks)."""
import uuid

import eventlet
import pytest
from pymongo.errors import BulkWriteError

from pathways.contracts import InvalidEvent
from pathways.eventstore import ConcurrencyError, EventStore
from pathways.eventstore.store import _Pending
from tests.store_contract import StoreContract, noted
from tests.support import counted


@pytest.fixture
def store(db, registry):
    return EventStore(db, "intake", registry=registry).ensure_indexes()


class TestMongoStore(StoreContract):
    @staticmethod
    def make_store(store):
        return EventStore(store.db, "intake", registry=store.registry)   # another process's

    @staticmethod
    def edit(store, position, fn):
        doc = store.commits.find_one({"_id": position})
        fn(doc)
        store.commits.replace_one({"_id": position}, doc)

    @staticmethod
    def delete(store, position):
        store.commits.delete_one({"_id": position})


def _race(stores, stream="race"):
    def attempt(i):
        try:
            return stores[i % len(stores)].append(stream, 0, [counted(i)])
        except ConcurrencyError:
            return None
    pool = eventlet.GreenPool(32)
    return list(pool.imap(attempt, range(32)))


def test_32_writers_in_32_processes_on_one_stream_exactly_one_wins(db, registry):
    stores = [EventStore(db, "intake", registry=registry).ensure_indexes() for _ in range(32)]
    results = _race(stores)
    winners = [r for r in results if r is not None]
    assert len(winners) == 1
    assert stores[0].stream_version("race") == 1
    assert [e["position"] for e in stores[0].events_after(0)] == [1]
    # every later expected version also has exactly one winner
    for version in range(1, 4):
        def attempt(i, version=version):
            try:
                return stores[i % len(stores)].append("race", version, [counted(i)])
            except ConcurrencyError:
                return None
        assert sum(r is not None for r in eventlet.GreenPool(32).imap(attempt, range(32))) == 1
    assert stores[0].verify().ok


def test_writer_that_loses_its_position_to_another_process_retries(db, registry):
    a = EventStore(db, "intake", registry=registry).ensure_indexes()
    b = EventStore(db, "intake", registry=registry)
    a.append("x", 0, [counted(1)])
    b.append("y", 0, [counted(2)])      # b's head cache now says next = 3
    a.append("x", 1, [counted(3)])      # a's cache said 2: taken by b, so it moves on
    b.append("y", 1, [counted(4)])
    assert [e["position"] for e in a.events_after(0)] == [1, 2, 3, 4]
    assert a.verify().ok


class MiscountingCommits:
    """A commits collection whose server reports the whole batch as inserted after a duplicate-key
    error (as mongo-java-server does): the store must trust the error's index, not the count."""

    def __init__(self, coll):
        self._coll = coll

    def insert_many(self, docs, **kw):
        try:
            return self._coll.insert_many(docs, **kw)
        except BulkWriteError as err:
            err.details["nInserted"] = len(docs)
            raise

    def __getattr__(self, name):
        return getattr(self._coll, name)


def test_a_group_commit_counts_written_commits_by_the_first_error_index(db, registry):
    other = EventStore(db, "intake", registry=registry).ensure_indexes()
    other.append("b", 0, [counted(1)])                   # stream b is at version 1
    store = EventStore(db, "intake", registry=registry)
    store.commits = MiscountingCommits(store.commits)
    first, stale = (_Pending({"commit_id": str(uuid.uuid4()), "source": "intake", "stream_id": s,
                              "stream_version": 1, "recorded_at": "2026-11-23T00:00:00+00:00",
                              "count": 1, "events": [registry.validate_draft(counted(n))]})
                    for s, n in (("a", 2), ("b", 3)))
    store._write([first, stale])                         # one batch: a is new, b collides
    assert first.done and first.error is None
    assert not stale.done and isinstance(stale.error, ConcurrencyError), stale.error
    assert [e["payload"]["amount"] for e in other.read_stream("b")] == [1]
    assert other.verify().ok and other.head()["position"] == 2


def test_a_poisoned_commit_fails_alone_beside_concurrent_valid_ones(store):
    """A lone surrogate passes a String field but cannot be hashed or stored: the commit that
    carries it is refused before it joins a group commit, so every valid commit beside it lands."""
    def append(i):
        text = "x\ud800" if i % 3 == 0 else f"valid {i}"
        try:
            return i, store.append(f"s-{i}", 0, [noted(text)])
        except InvalidEvent as err:
            return i, err

    pool = eventlet.GreenPool(60)
    results = dict(pool.imap(append, range(120)))
    poisoned = {i for i in results if i % 3 == 0}
    assert all(isinstance(results[i], InvalidEvent) for i in poisoned)
    valid = [results[i] for i in results if i not in poisoned]
    assert all(isinstance(r, list) for r in valid), [r for r in valid if not isinstance(r, list)]
    assert store.head()["position"] == len(valid) == 80
    assert store.verify().ok


class Interrupted(BaseException):
    """What a killed or timed-out green thread sees: not an Exception."""


def test_an_interrupted_leader_tells_every_commit_in_its_batch(db, registry):
    store = EventStore(db, "intake", registry=registry).ensure_indexes()

    class Interrupting(MiscountingCommits):
        def insert_many(self, docs, **kw):
            raise Interrupted()
    store.commits = Interrupting(store.commits)
    batch = [_Pending({"commit_id": str(uuid.uuid4()), "source": "intake", "stream_id": s,
                       "stream_version": 1, "recorded_at": "2026-11-23T00:00:00+00:00",
                       "org": "org-a", "count": 1,
                       "events": [registry.validate_draft(counted(1))]}) for s in ("a", "b")]
    with pytest.raises(Interrupted):
        store._write(batch)
    assert all(not p.done and p.error is not None for p in batch)   # nobody takes it for written
