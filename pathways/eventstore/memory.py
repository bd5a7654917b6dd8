"""The event log in memory: the same contract as the MongoDB store (one suite tests both), for
use-case tests and tools that need no server. One process only; nothing survives it."""
import threading
from bisect import bisect_right
from typing import Collection, Iterator

from pathways.eventstore.base import BaseEventStore, ConcurrencyError, envelopes
from pathways.eventstore.chain import GENESIS, commit_hash


class MemoryEventStore(BaseEventStore):
    def __init__(self, source, **options):
        super().__init__(source, **options)
        self._commits = []    # in position order
        self._streams = {}    # stream_id -> [commit, ...]
        self._lock = threading.Lock()

    def append(self, stream_id: str, expected_version: int, events: list[dict]) -> list[dict]:
        """Append ``events`` to a stream as one commit; see ``EventStore.append``."""
        commit = self._new_commit(stream_id, expected_version, events)
        with self._lock:
            actual = self.stream_version(stream_id)
            if actual != expected_version:
                raise ConcurrencyError(stream_id, expected_version, actual)
            position, prev = self._next()
            commit.update(_id=position, prev=prev)
            commit["hash"] = commit_hash(commit)
            self._commits.append(commit)
            self._streams.setdefault(stream_id, []).append(commit)
        return self._appended(commit)

    def _next(self):
        if not self._commits:
            return 1, GENESIS
        last = self._commits[-1]
        return last["_id"] + last["count"], last["hash"]

    def stream_version(self, stream_id: str) -> int:
        commits = self._streams.get(stream_id)
        return commits[-1]["stream_version"] + commits[-1]["count"] - 1 if commits else 0

    def read_stream(self, stream_id: str, after_version: int = 0) -> list[dict]:
        """All events of a stream with stream_version > ``after_version``, in order."""
        commits = self._streams.get(stream_id, [])
        first = max(0, bisect_right(commits, after_version, key=lambda c: c["stream_version"]) - 1)
        return [e for c in commits[first:] for e in envelopes(c)
                if e["stream_version"] > after_version]

    def commits_after(self, after: int = 0, limit: int = 100,
                      orgs: Collection[str] | None = None,
                      max_events: int | None = None) -> list[dict]:
        """Stored commits whose last position is > ``after`` (the one holding ``after + 1``
        included), in position order; with ``orgs``, only those organisations'; see
        ``EventStore.commits_after``."""
        out, events = [], 0
        first = max(0, bisect_right(self._commits, after, key=lambda c: c["_id"]) - 1)
        for c in self._commits[first:]:
            if c["_id"] + c["count"] - 1 <= after or (orgs is not None and c["org"] not in orgs):
                continue
            out.append(c)
            events += c["count"] - max(0, after - c["_id"] + 1)
            if len(out) >= limit or (max_events is not None and events >= max_events):
                break
        return out

    def head(self) -> dict:
        position, last_hash = self._next()
        return {"position": position - 1, "hash": last_hash}

    def iter_commits(self, batch: int = 1000) -> Iterator[dict]:
        yield from list(self._commits)
