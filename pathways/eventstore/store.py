"""Append-only event log on MongoDB (or any server speaking its wire protocol).

One document per commit, ``_id`` = global position of its first event. Positions are gapless by
construction: a commit is only ever inserted at the position right after the current head, so there
is never a reserved-but-unwritten position for a reader to pass (a writer that dies mid-append leaves
nothing behind). A writer that finds its position taken by another process reloads the head and
retries. Within a process, concurrent appends are group-committed: one leader writes every queued
commit with one ordered ``insert_many``, chaining the hashes as it goes.

Optimistic concurrency: a unique index on (stream_id, stream_version), where stream_version is the
first version in the commit, plus a check that the expected version was once the stream's head.
Two writers from the same head collide on the index (the next commit after a head always starts at
head + 1); a writer whose expected version lies inside an earlier multi-event commit would slip past
the index, so that is checked against the heads this process has seen (kept in an LRU), and against
the database when it has not seen that head. Only single-document atomic writes are used (no
transactions, no change streams).
"""
import threading
from collections import OrderedDict
from typing import Collection, Iterator

from pymongo import ASCENDING, DESCENDING
from pymongo.errors import BulkWriteError

from pathways.contracts import REGISTRY, InvalidEvent
from pathways.errors import PathwaysError
from pathways.eventstore.base import (MAX_EVENTS_PER_COMMIT, BaseEventStore, ConcurrencyError,
                                      envelopes)
from pathways.eventstore.chain import GENESIS, commit_hash
from pathways.timeutil import utcnow

KNOWN_HEADS = 100_000


class _Pending:
    __slots__ = ("doc", "done", "error")

    def __init__(self, doc):
        self.doc, self.done, self.error = doc, False, None


class EventStore(BaseEventStore):
    """The event log of one service (``source``) in one MongoDB database."""

    def __init__(self, db, source, *, registry=REGISTRY, clock=utcnow, validate=True):
        super().__init__(source, registry=registry, clock=clock, validate=validate)
        self.db, self.commits = db, db["commits"]
        self._queue, self._queue_lock = [], threading.Lock()
        self._write_lock = threading.Lock()
        self._head = None  # (next position, hash of the last commit), cached by the writer
        self._last_seen = 0  # the position of the last commit this process has seen
        self._known_heads = OrderedDict()  # stream_id -> a version that was its head

    def ensure_indexes(self):
        self.commits.create_index([("stream_id", ASCENDING), ("stream_version", ASCENDING)],
                                  unique=True, name="stream_version_unique")
        self.commits.create_index([("recorded_at", ASCENDING)], name="recorded_at")
        self.commits.create_index([("org", ASCENDING)], name="org")
        # Position ranges through a secondary index: some servers (the test server) scan every
        # document for a range on _id.
        self.commits.create_index([("source", ASCENDING), ("_id", ASCENDING)],
                                  name="source_position")
        return self

    # --- writing ------------------------------------------------------------------------------
    def append(self, stream_id: str, expected_version: int, events: list[dict]) -> list[dict]:
        """Append ``events`` (drafts from ``contracts.new_event``) to a stream as one commit.

        Returns the stored envelopes (with positions). Raises :class:`ConcurrencyError` if the
        stream is not at ``expected_version``, ``ContractError`` if an event breaks its contract.
        """
        commit = self._new_commit(stream_id, expected_version, events)
        if self._known_heads.get(stream_id) != expected_version:
            actual = self.stream_version(stream_id)
            if actual != expected_version:
                raise ConcurrencyError(stream_id, expected_version, actual)
        pending = _Pending(commit)
        with self._queue_lock:
            self._queue.append(pending)
        with self._write_lock:
            if not pending.done:
                with self._queue_lock:
                    batch, self._queue = self._queue, []
                self._write(batch)
        if pending.error is not None:
            if isinstance(pending.error, ConcurrencyError):
                self._known_heads.pop(stream_id, None)
            raise pending.error
        self._remember(stream_id, expected_version + commit["count"])
        return self._appended(pending.doc)

    def _load_head(self):
        # The explicit range keeps the sort numeric on servers that sort an empty filter as text;
        # its lower bound, the last commit this process saw (the head only grows), keeps it short
        # on servers that answer a descending sort by reading every document it matches.
        for since in ((self._last_seen, 1) if self._last_seen > 1 else (1,)):
            last = self.commits.find_one({"source": self.source, "_id": {"$gte": since}},
                                         sort=[("_id", DESCENDING)],
                                         projection={"_id": 1, "count": 1, "hash": 1})
            if last is not None:
                self._last_seen = last["_id"]
                return last["_id"] + last["count"], last["hash"]
        return 1, GENESIS

    def _write(self, batch):
        try:
            self._write_batch(batch)
        except BaseException as err:  # outcome unknown (connection lost, leader interrupted)
            # Every caller in the batch must hear it, also when the leader's green thread is
            # killed or timed out: a follower must never take an unwritten commit for written.
            self._head = None
            for p in batch:
                if not p.done and p.error is None:
                    p.error = err if isinstance(err, Exception) else PathwaysError(
                        f"append interrupted ({type(err).__name__}); its outcome is unknown")
            if not isinstance(err, Exception):
                raise

    def _write_batch(self, batch, max_rounds=1000):
        pending, rounds = list(batch), 0
        while pending:
            rounds += 1
            if rounds > max_rounds:
                raise PathwaysError(f"append gave up after {max_rounds} rounds of position "
                                    "conflicts: the log head could not be found")
            position, prev = self._head or self._load_head()
            docs, hashed = [], []
            for p in pending:
                p.doc.update(_id=position, prev=prev)
                p.doc.pop("hash", None)
                try:
                    p.doc["hash"] = commit_hash(p.doc)
                except (TypeError, ValueError) as err:   # its own failure, nobody else's
                    p.error = InvalidEvent(f"commit cannot be stored: {err}")
                    continue
                prev = p.doc["hash"]
                position += p.doc["count"]
                docs.append(p.doc)
                hashed.append(p)
            pending = hashed
            if not docs:
                return
            try:
                self.commits.insert_many(docs, ordered=True)
                inserted, failure = len(docs), None
            except BulkWriteError as err:
                errors = err.details.get("writeErrors") or []
                if not errors:
                    raise PathwaysError(f"append failed: {err.details}") from err
                # An ordered insert stops at its first error, so everything before its index was
                # written. Some servers miscount nInserted after a duplicate key; the index is exact.
                failure = errors[0]
                inserted = failure["index"]
            for p in pending[:inserted]:
                p.done = True
            if inserted:
                last = docs[inserted - 1]
                self._head = (last["_id"] + last["count"], last["hash"])
            if failure is None:
                return
            failed = pending[inserted]
            if failure.get("code") != 11000:
                raise PathwaysError(f"append failed: {failure.get('errmsg', failure)}")
            holder = self.commits.find_one({"_id": failed.doc["_id"]}, projection={"commit_id": 1})
            if holder is None:
                # The position was free, so the stream index refused it: a concurrent writer won.
                failed.error = ConcurrencyError(failed.doc["stream_id"],
                                                failed.doc["stream_version"] - 1)
                pending = pending[inserted + 1:]
            elif holder.get("commit_id") == failed.doc["commit_id"]:
                failed.done = True  # ours after all (an earlier try's reply was lost)
                self._head = None
                pending = pending[inserted + 1:]
            else:
                self._head = None  # another process appended: move past its commit and retry
                pending = pending[inserted:]

    def _remember(self, stream_id, version):
        heads = self._known_heads
        if heads.get(stream_id, -1) < version:
            heads[stream_id] = version
            heads.move_to_end(stream_id)
            if len(heads) > KNOWN_HEADS:
                heads.popitem(last=False)

    # --- reading ------------------------------------------------------------------------------
    def stream_version(self, stream_id: str) -> int:
        last = self.commits.find_one({"stream_id": stream_id},
                                     sort=[("stream_version", DESCENDING)],
                                     projection={"stream_version": 1, "count": 1})
        version = 0 if last is None else last["stream_version"] + last["count"] - 1
        self._remember(stream_id, version)
        return version

    def read_stream(self, stream_id: str, after_version: int = 0) -> list[dict]:
        """All events of a stream with stream_version > ``after_version``, in order: one
        indexed read of only those commits (plus the one ``after_version`` falls inside, if it
        is not a commit boundary)."""
        out = []
        docs = list(self.commits.find(
            {"stream_id": stream_id, "stream_version": {"$gt": after_version}},
            sort=[("stream_version", ASCENDING)]))
        # ``after_version`` may fall inside a commit: then that commit comes first. Not when it
        # is a head this process saw (a kept state's version): heads are commit boundaries, and
        # the lookup is a descending sort some servers answer by reading the whole stream.
        inside = not docs and self._known_heads.get(stream_id) != after_version or \
            docs and docs[0]["stream_version"] != after_version + 1
        if after_version > 0 and inside:
            inner = self._last_before("stream_version", after_version, {"stream_id": stream_id})
            if inner is not None and inner["stream_version"] + inner["count"] - 1 > after_version:
                docs.insert(0, inner)
        for c in docs:
            for env in envelopes(c):
                if env["stream_version"] > after_version:
                    out.append(env)
        if out or after_version == 0:
            self._remember(stream_id, out[-1]["stream_version"] if out else 0)
        return out

    def commits_after(self, after: int = 0, limit: int = 100,
                      orgs: Collection[str] | None = None,
                      max_events: int | None = None) -> list[dict]:
        """Stored commits (with hashes) whose last position is > ``after``, in position order;
        with ``orgs``, only those organisations' commits (a commit is one organisation's). With
        ``max_events``, no more commits than hold that many events after ``after``: a page of
        events never drags a thousand large commits over the wire.

        Positions are gapless, so the next N events start within the next N positions: each
        query asks for a window of positions (indexed by source and position, a range every
        server answers from its index), and a wider one only if that one fell short."""
        docs, events = [], 0
        inner = self._last_before("_id", after, {"source": self.source}) if after > 0 else None
        if inner is not None and inner["_id"] + inner["count"] - 1 > after:
            # ``after`` falls inside a multi-event commit: that commit comes first.
            if orgs is None or inner.get("org") in orgs:
                docs.append(inner)
                events += inner["_id"] + inner["count"] - 1 - after
            after = inner["_id"]
        last, span = self.head()["position"], max(64, max_events or limit)
        while after < last and len(docs) < limit and (max_events is None or events < max_events):
            query = {"source": self.source, "_id": {"$gt": after, "$lte": after + span}}
            if orgs is not None:
                query["org"] = {"$in": sorted(orgs)}
            for doc in self.commits.find(query, sort=[("_id", ASCENDING)]):
                if len(docs) >= limit or (max_events is not None and events >= max_events):
                    break
                docs.append(doc)
                events += doc["count"]
            after += span
            span *= 2    # (fell short: other organisations' commits, or large ones)
        return docs

    def _last_before(self, field, value, query):
        """The commit with the greatest ``field`` <= ``value`` that could hold ``value`` (it
        starts at most MAX_EVENTS_PER_COMMIT before), looking close by first: a short range
        keeps the descending sort cheap on every server."""
        for reach in (16, MAX_EVENTS_PER_COMMIT):
            found = self.commits.find_one({**query, field: {"$lte": value, "$gt": value - reach}},
                                          sort=[(field, DESCENDING)])
            if found is not None:
                return found
        return None

    def head(self) -> dict:
        """The last event position and the chain hash of the last commit (the seal's content)."""
        next_position, last_hash = self._load_head()
        return {"position": next_position - 1, "hash": last_hash}

    def iter_commits(self, batch: int = 1000) -> Iterator[dict]:
        after = 0
        while docs := self.commits_after(after, batch):
            yield from docs
            after = docs[-1]["_id"] + docs[-1]["count"] - 1


__all__ = ["EventStore", "ConcurrencyError", "envelopes"]
