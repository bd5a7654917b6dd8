"""What every event log backend shares: the checks before an append, the commit document, the
feed over commits, verification. Backends (MongoDB, in memory) store and find commits."""
import logging
import threading
import uuid
from typing import Callable, Collection

from pathways.contracts import REGISTRY, InvalidEvent
from pathways.errors import PathwaysError
from pathways.operations.metrics import EVENTS_APPENDED
from pathways.eventstore.chain import Verification, canonical, verify_commits
from pathways.timeutil import iso, utcnow

MAX_EVENTS_PER_COMMIT = 1000
log = logging.getLogger("pathways.events")


class ConcurrencyError(PathwaysError):
    """The stream moved on since the caller read it: reload, decide again, or report a conflict."""

    def __init__(self, stream_id, expected, actual=None):
        where = f" (it is at {actual})" if actual is not None else ""
        super().__init__(f"stream {stream_id!r} is not at version {expected}{where}")
        self.stream_id, self.expected, self.actual = stream_id, expected, actual


def envelopes(commit: dict, after: int = 0) -> list[dict]:
    """The events of a stored commit as full envelopes, skipping positions <= ``after``."""
    out = []
    for i, ev in enumerate(commit["events"]):
        position = commit["_id"] + i
        if position <= after:
            continue
        env = dict(ev)
        env.update(source=commit["source"], stream_id=commit["stream_id"],
                   stream_version=commit["stream_version"] + i, position=position,
                   recorded_at=commit["recorded_at"])
        out.append(env)
    return out


class BaseEventStore:
    """The event log of one service (``source``). Subclasses implement ``append``,
    ``stream_version``, ``read_stream``, ``commits_after``, ``head`` and ``iter_commits``."""

    def __init__(self, source, *, registry=REGISTRY, clock=utcnow, validate=True):
        self.source, self.registry, self.validate, self.clock = source, registry, validate, clock
        self._listeners = []
        self._local = threading.local()   # green-local under eventlet: one per request

    def ensure_indexes(self):
        return self

    def on_commit(self, fn: Callable[[], None]) -> None:
        """Call ``fn()`` after every successful write by this process (e.g. to wake the relay)."""
        self._listeners.append(fn)

    def _new_commit(self, stream_id, expected_version, events):
        """The commit document for an append, after every check that needs no stored state:
        arguments, contracts (strict), one organisation, a canonical form."""
        if not isinstance(stream_id, str) or not stream_id or len(stream_id) > 200:
            raise ValueError("stream_id must be a non-empty string of at most 200 characters")
        if not isinstance(expected_version, int) or expected_version < 0:
            raise ValueError("expected_version must be an integer >= 0")
        if not events or len(events) > MAX_EVENTS_PER_COMMIT:
            raise ValueError(f"a commit holds 1..{MAX_EVENTS_PER_COMMIT} events")
        if self.validate:
            events = [self.registry.validate_draft(e) for e in events]
        orgs = {e.get("org") for e in events}
        if len(orgs) != 1:
            raise ValueError(f"a commit is one organisation's (one command by one caller); "
                             f"got events of {sorted(map(str, orgs))}")
        try:
            # The canonical form is made before the commit joins a batch: one caller's input
            # (e.g. a lone surrogate in a string) must never fail another caller's commit.
            canonical({"events": events})
        except (TypeError, ValueError) as err:
            raise InvalidEvent(f"events of stream {stream_id!r} cannot be stored: {err}") from None
        return {"commit_id": str(uuid.uuid4()), "source": self.source, "stream_id": stream_id,
                "stream_version": expected_version + 1, "recorded_at": iso(self.clock()),
                "org": next(iter(orgs)), "count": len(events), "events": list(events)}

    def _appended(self, commit):
        """After a commit is stored: count and log each event (one line each), tell the
        listeners, remember the position for the caller."""
        for fn in self._listeners:
            fn()
        stored = envelopes(commit)
        for env in stored:
            EVENTS_APPENDED.labels(self.source, env["type"]).inc()
            log.info("appended %s at %s", env["type"], env["position"], extra={
                "service": self.source, "org": env.get("org"), "event_type": env["type"],
                "position": env["position"], "stream_id": env["stream_id"],
                "correlation_id": env.get("correlation_id"),
                "causation_id": env.get("causation_id")})
        self._local.last_append = stored[-1]["position"]
        return stored

    def forget_last_append(self):
        self._local.last_append = None

    def last_append(self) -> int | None:
        """The position of the last event this thread (a request's worker) appended, if any:
        a consistency token for reading one's own writes through another service."""
        return getattr(self._local, "last_append", None)

    def events_after(self, after: int = 0, limit: int = 500,
                     orgs: Collection[str] | None = None) -> list[dict]:
        """Up to ``limit`` events with position > ``after``, in position order (the feed); with
        ``orgs``, only those organisations' events (positions then skip the others')."""
        out = []
        for c in self.commits_after(after, limit, orgs, max_events=limit):
            out.extend(envelopes(c, after))
        return out[:limit]

    def feed_page(self, after: int = 0, limit: int = 500,
                  orgs: Collection[str] | None = None) -> tuple[list[dict], int, dict]:
        """A page of the feed: ``(events, next_after, head)``. The caller has seen every event
        visible to it up to ``next_after`` and goes on from there; a page with fewer than
        ``limit`` events reached the head, so an organisation-filtered reader can skip the
        positions it may not see without wondering whether it missed one."""
        head = self.head()   # first: no commit at or below it can appear later
        events = self.events_after(after, limit, orgs)
        if len(events) >= limit:
            return events, events[-1]["position"], head
        last = events[-1]["position"] if events else after
        return events, max(last, head["position"]), head

    def verify(self, seal: dict | None = None) -> Verification:
        """Recompute the chain over the whole log; names the first bad position, if any."""
        return verify_commits(self.iter_commits(), seal=seal)
