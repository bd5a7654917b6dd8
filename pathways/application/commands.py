"""Load a stream, decide, append: the command path every service shares.

States are kept between commands, per stream, in the process: a command decides on the state it
has and appends; only when the append finds the stream moved on (another instance wrote), or the
decision is a refusal, does it read the newer events, with one indexed read of only those. The log
stays the truth: a kept state is only ever the fold of a prefix of its stream, a write made from a
stale one is refused by the store, and a refusal or a "nothing to do" is only given on the log's
latest state. Kept states are bounded (``KEPT_EVENTS``), least recently
used first out.
"""
import random
import threading
import time
import uuid
from collections import OrderedDict
from typing import Any, Callable, TypeVar

from pathways.security.callers import Caller
from pathways.contracts import new_event
from pathways.contracts.events import Event
from pathways.domain.decider import DomainError, FieldProblem, Fold, NotFound
from pathways.errors import BadRequest, Conflict, NotFoundError
from pathways.eventstore import BaseEventStore, ConcurrencyError
from pathways.operations.metrics import COMMANDS

S = TypeVar("S")
R = TypeVar("R")
MAX_RETRIES = 12
"""Attempts on a contended stream (one programme run, many caseworkers, several instances); each
retry first waits a little, at random, so that writers racing for the same stream spread out."""
KEPT_EVENTS = 500_000
"""How many events' worth of folded states one process keeps (the sum of the kept streams'
versions): a few hundred MB at most for the largest aggregates (a programme run)."""


class _Kept:
    """One stream's folded state. ``lock`` orders this process's commands on the stream: they
    would conflict anyway, and in turn none of them has to read again."""
    __slots__ = ("state", "version", "org", "lock", "read")

    def __init__(self, state):
        self.state, self.version, self.org = state, 0, None
        self.lock, self.read = threading.Lock(), False


class Commands:
    def __init__(self, store: BaseEventStore, kept_events: int = KEPT_EVENTS):
        self.store, self.kept_events = store, kept_events
        self._kept: OrderedDict[tuple, _Kept] = OrderedDict()
        self._size, self._kept_lock = 0, threading.Lock()

    # --- kept states ----------------------------------------------------------------------------
    def _entry(self, stream: str, fold: Fold) -> _Kept:
        key = (stream, fold)
        with self._kept_lock:
            entry = self._kept.get(key)
            if entry is None:
                entry = self._kept[key] = _Kept(fold.initial())
            self._kept.move_to_end(key)
            return entry

    def _catch_up(self, stream: str, fold: Fold, entry: _Kept) -> bool:
        """Fold the events newer than the kept state's version; True if there were any."""
        newer = self.store.read_stream(stream, after_version=entry.version)
        entry.read = True
        if not newer:
            return False
        try:
            entry.state = fold.more(entry.state, newer)
        except BaseException:
            self._forget(stream, fold)    # half folded: never decide on it again
            raise
        entry.org = entry.org or newer[0]["org"]
        self._grown((stream, fold), entry, newer[-1]["stream_version"])
        return True

    def _grown(self, key: tuple, entry: _Kept, version: int) -> None:
        with self._kept_lock:
            if self._kept.get(key) is entry:   # (not one forgotten meanwhile)
                self._size += version - entry.version
            entry.version = version
            while self._size > self.kept_events and len(self._kept) > 1:
                _, oldest = self._kept.popitem(last=False)
                self._size -= oldest.version

    def _forget(self, stream: str, fold: Fold) -> None:
        with self._kept_lock:
            gone = self._kept.pop((stream, fold), None)
            if gone is not None:
                self._size -= gone.version

    @staticmethod
    def _visible(entry: _Kept, fold: Fold, org: str | None):
        """The state and version a caller of ``org`` decides on: another organisation's stream
        counts as absent, at version 0, so that a write on it is refused."""
        if org is not None and entry.org is not None and entry.org != org:
            return fold.initial(), 0
        return entry.state, entry.version

    # --- reading ----------------------------------------------------------------------------------
    def read(self, stream: str, fold: Fold[S], answer: Callable[[S, str | None], R],
             org: str | None = None) -> R:
        """``answer(state, owner)`` on the stream's state as the log has it now (one indexed read
        of the newer events); ``owner`` is the organisation whose stream it is (None: no events).
        With ``org``, another organisation's stream counts as absent. The answer is made while
        no command of this process changes the state, so it may read all of it."""
        entry = self._entry(stream, fold)
        with entry.lock:
            self._catch_up(stream, fold, entry)
            state, _ = self._visible(entry, fold, org)
            return answer(state, entry.org if state is entry.state else None)

    # --- deciding ---------------------------------------------------------------------------------
    def execute(self, caller: Caller, stream: str, fold: Fold[S],
                decide: Callable[[S, Any], list[Event]], cmd: Any, what: str, *,
                answer: Callable[[S], R] | None = None, org_scoped: bool = True,
                causation_id: str | None = None, correlation_id: str | None = None,
                occurred_at: str | None = None) -> R | None:
        """Decide on the kept state and append as ``caller``; if the stream moved on, or the
        decision is a refusal or "nothing to do" on a state that may be stale, read the newer
        events and decide again. Domain errors become 404/409 for the entrypoints. Returns
        ``answer(state)`` on the state after the command. Each event is written in the version
        its class declares."""
        entry = self._entry(stream, fold)
        org = caller.org if org_scoped else None
        with entry.lock:
            fresh = not entry.read
            if fresh:
                self._catch_up(stream, fold, entry)
            for attempt in range(MAX_RETRIES):
                state, version = self._visible(entry, fold, org)
                try:
                    decided, refused = decide(state, cmd), None
                except DomainError as err:
                    decided, refused = [], err
                if not decided and not fresh and self._catch_up(stream, fold, entry):
                    fresh = True
                    continue     # a refusal or "nothing to do" on a stale state: again
                if refused is not None:
                    self._count(cmd, "not_found" if isinstance(refused, NotFound)
                                else refused.rule)
                    if isinstance(refused, NotFound):
                        raise NotFoundError(str(refused)) from None
                    if isinstance(refused, FieldProblem):
                        raise BadRequest(f"invalid {what}", {refused.field: [str(refused)]}) \
                            from None
                    raise Conflict(refused.rule, str(refused)) from None
                if not decided:
                    self._count(cmd, "unchanged")
                    return answer(state) if answer else None
                correlation = correlation_id or str(uuid.uuid4())
                drafts = [new_event(e.type, e.payload, org=caller.org, actor=caller.actor,
                                    schema_version=e.version, correlation_id=correlation,
                                    causation_id=causation_id, occurred_at=occurred_at)
                          for e in decided]
                try:
                    stored = self.store.append(stream, version, drafts)
                except ConcurrencyError:
                    time.sleep(random.uniform(0.002, 0.02) * (attempt + 1))
                    self._catch_up(stream, fold, entry)
                    fresh = True
                    continue
                except BaseException:
                    self._forget(stream, fold)   # outcome unknown: read the log next time
                    raise
                self._count(cmd, "accepted")
                # (only the stream's own organisation, or an unscoped caller, gets this far)
                entry.state = fold.more(entry.state, stored)
                entry.org = entry.org or caller.org
                self._grown((stream, fold), entry, stored[-1]["stream_version"])
                return answer(entry.state) if answer else None
            self._count(cmd, "concurrent_update")
            raise Conflict("concurrent_update",
                           f"{what} is being changed by someone else; try again")

    def _count(self, cmd, outcome):
        COMMANDS.labels(self.store.source, type(cmd).__name__, outcome).inc()
