"""Load a stream, decide, append: the command path every service shares."""
import random
import time
import uuid
from typing import Any, Callable, TypeVar

from pathways.contracts import new_event
from pathways.domain import DomainError, NotFound
from pathways.callers import Caller
from pathways.contracts.events import Event
from pathways.eventstore import BaseEventStore, ConcurrencyError
from pathways.metrics import COMMANDS
from pathways.errors import Conflict, NotFoundError

S = TypeVar("S")
MAX_RETRIES = 12
"""Attempts on a contended stream (one programme run, many caseworkers, several instances); each
retry first waits a little, at random, so that writers racing for the same stream spread out."""


class Commands:
    def __init__(self, store: BaseEventStore):
        self.store = store

    def _events(self, stream, org):
        events = self.store.read_stream(stream)
        if org is not None and events and events[0]["org"] != org:
            return []
        return events

    def load(self, stream: str, fold: Callable[[list[dict]], S],
             org: str | None = None) -> tuple[S, int]:
        """Fold a stream; with ``org``, another organisation's stream counts as absent."""
        events = self._events(stream, org)
        return fold(events), len(events)

    def execute(self, caller: Caller, stream: str, fold: Callable[[list[dict]], S],
                decide: Callable[[S, Any], list[Event]], cmd: Any, what: str, *,
                org_scoped: bool = True, causation_id: str | None = None,
                correlation_id: str | None = None, occurred_at: str | None = None) -> S:
        """Decide on the freshest state and append as ``caller``; on a concurrent write, decide
        again. Domain errors become 404/409 for the entrypoints. Returns the state after the
        command (folded here, so that the answer needs no second read of the stream). Each event
        is written in the version its class declares (deciders build the newest)."""
        for attempt in range(MAX_RETRIES):
            events = self._events(stream, caller.org if org_scoped else None)
            state, version = fold(events), len(events)
            try:
                decided = decide(state, cmd)
            except NotFound as err:
                self._count(cmd, "not_found")
                raise NotFoundError(str(err)) from None
            except DomainError as err:
                self._count(cmd, err.rule)
                raise Conflict(err.rule, str(err)) from None
            if not decided:
                self._count(cmd, "unchanged")
                return state
            correlation = correlation_id or str(uuid.uuid4())
            drafts = [new_event(e.type, e.payload, org=caller.org, actor=caller.actor,
                                schema_version=e.version, correlation_id=correlation,
                                causation_id=causation_id, occurred_at=occurred_at)
                      for e in decided]
            try:
                stored = self.store.append(stream, version, drafts)
            except ConcurrencyError:
                time.sleep(random.uniform(0.002, 0.02) * (attempt + 1))
                continue
            self._count(cmd, "accepted")
            return fold(events + stored)
        self._count(cmd, "concurrent_update")
        raise Conflict("concurrent_update", f"{what} is being changed by someone else; try again")

    def _count(self, cmd, outcome):
        COMMANDS.labels(self.store.source, type(cmd).__name__, outcome).inc()
