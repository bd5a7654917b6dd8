"""The ordered, idempotent consumer: each source's events applied once, in position order.

Messages from RabbitMQ are hints: the event at checkpoint + 1 is applied from the message itself,
a later one first pulls the gap from the source's feed, an earlier one is a duplicate and has no
effect. ``catch_up`` pulls each feed on a timer, so a lost message (or the last one of a source)
is applied within seconds.

Events of a type the consumer has no handler for are skipped. An event it handles whose contract
is unknown or broken, or whose handler keeps failing, is parked in the
dead-letter collection with the reason, and its stream is blocked (later events of that stream are
parked behind it, in order) so that no read model applies a stream with a hole in it. Other streams
keep flowing. ``retry`` re-applies a stream's parked events once the cause is fixed.

Handlers must make their effects idempotent per position (see ``effects.apply_once``): a crash
between a handler's write and the checkpoint write redelivers that event.

A consumer given ``batch`` (``fn(events)``, effects of consecutive events of one source, as
idempotent as a handler's) applies each page of a feed in runs: one call and one checkpoint write
per run instead of per event. A run ends before an event that must be parked; a run whose call
fails is applied again one event at a time, so failures are counted and parked as without it.
"""
import logging
import threading
import time
import uuid
from collections import defaultdict

import eventlet

from pymongo import ASCENDING, ReturnDocument
from pymongo.errors import DuplicateKeyError

from pathways.contracts import REGISTRY, ContractError
from pathways.timeutil import iso, utcnow

log = logging.getLogger(__name__)

APPLIED, DUPLICATE, CAUGHT_UP, PARKED, FAILED, STALLED = (
    "applied", "duplicate", "caught_up", "parked", "failed", "stalled")


class Consumer:
    """Applies events of ``sources`` to ``handlers`` ({event type: fn(event)})."""

    def __init__(self, db, name, handlers, feed, *, sources, registry=REGISTRY,
                 max_attempts=5, page_size=500, batch=None):
        self.name, self.handlers, self.feed, self.batch = name, dict(handlers), feed, batch
        self.sources, self.registry = tuple(sources), registry
        self.max_attempts, self.page_size = max_attempts, page_size
        self.checkpoints = db["consumer_checkpoints"]
        self.attempts = db["consumer_attempts"]
        self.dead_letters = db["dead_letters"]
        self.blocked = db["blocked_streams"]
        self._locks = defaultdict(threading.Lock)
        self._failing = set()
        self._heads = {}   # source -> the highest position seen from it (a message or a page)

    def ensure_indexes(self):
        self.dead_letters.create_index([("consumer", ASCENDING), ("source", ASCENDING),
                                        ("stream_id", ASCENDING), ("position", ASCENDING)])
        return self

    # --- keys and small stores -----------------------------------------------------------------
    def _key(self, *parts):
        return "|".join([self.name, *map(str, parts)])

    def checkpoint(self, source):
        doc = self.checkpoints.find_one({"_id": self._key(source)})
        return doc["position"] if doc else 0

    def _advance(self, source, last, position):
        """Move the checkpoint from ``last`` to ``position``; False if another consumer did."""
        key = self._key(source)
        try:
            if last == 0:
                res = self.checkpoints.update_one({"_id": key, "position": 0},
                                                  {"$set": {"position": position}})
                if not res.matched_count:
                    self.checkpoints.insert_one({"_id": key, "position": position})
                return True
            res = self.checkpoints.update_one({"_id": key, "position": last},
                                              {"$set": {"position": position}})
            if res.matched_count:
                return True
        except DuplicateKeyError:
            pass
        log.warning("%s: checkpoint of %s moved past %s under us (another consumer process?)",
                    self.name, source, last)
        return False

    def _blocker(self, source, stream_id):
        return self.blocked.find_one({"_id": self._key(source, stream_id)})

    def _park(self, env, reason, *, attempts=0, blocked_by=None, block=True):
        source, position = env.get("source"), env.get("position")
        doc = {
            "consumer": self.name, "source": source, "position": position,
            "stream_id": env.get("stream_id"), "event_id": env.get("event_id"),
            "type": env.get("type"), "envelope": env, "reason": reason, "attempts": attempts,
            "blocked_by": blocked_by, "parked_at": iso(utcnow()), "status": "parked",
        }
        doc_id = self._key(source, position)
        self.dead_letters.replace_one({"_id": doc_id}, {"_id": doc_id, **doc}, upsert=True)
        if block and blocked_by is None:
            blocker_id = self._key(source, env.get("stream_id"))
            try:
                self.blocked.insert_one({"_id": blocker_id, "position": position, "reason": reason})
            except DuplicateKeyError:
                pass
        log.warning("%s parked %s event %s at %s:%s: %s", self.name, env.get("type"),
                    env.get("event_id"), source, position, reason)

    def _record_failure(self, env, err):
        key = self._key(env["source"], env["position"])
        self._failing.add(key)
        doc = self.attempts.find_one_and_update(
            {"_id": key}, {"$inc": {"count": 1}, "$set": {"error": repr(err)}},
            upsert=True, return_document=ReturnDocument.AFTER)
        return doc["count"] if doc else 1

    def _clear_failure(self, env):
        key = self._key(env["source"], env["position"])
        if key in self._failing:
            self.attempts.delete_one({"_id": key})
            self._failing.discard(key)

    # --- applying --------------------------------------------------------------------------------
    def _apply(self, source, env, last):
        """Apply the next event after checkpoint ``last``; True if the checkpoint moved past it."""
        position = env["position"]
        type_ = env.get("type")
        handler = self.handlers.get(type_) if isinstance(type_, str) else None
        if handler is None and isinstance(type_, str):
            # Not subscribed: nothing of this consumer depends on it, whatever it is (a producer
            # may add event types before its consumers are redeployed).
            return self._advance(source, last, position)
        blocker = self._blocker(source, env.get("stream_id"))
        if blocker is not None:
            self._park(env, f"stream blocked since position {blocker['position']}: "
                            f"{blocker['reason']}", blocked_by=blocker["position"])
            return self._advance(source, last, position)
        try:
            event = self.registry.read(env)
        except ContractError as err:
            self._park(env, str(err))
            return self._advance(source, last, position)
        if handler is not None:
            try:
                handler(event)
            except Exception as err:
                attempts = self._record_failure(env, err)
                if attempts < self.max_attempts:
                    log.warning("%s: handler for %s at %s:%s failed (attempt %d of %d): %r",
                                self.name, type_, source, position, attempts,
                                self.max_attempts, err)
                    return False
                self._park(env, f"handler failed {attempts} times: {err!r}", attempts=attempts)
                self._clear_failure(env)
                return self._advance(source, last, position)
            self._clear_failure(env)
        return self._advance(source, last, position)

    def _pull(self, source, until=None, deadline=None):
        """Apply feed events after the checkpoint (up to ``until``); False if stopped on a failure.

        The feed returns ``(events, next_after)``: everything this consumer may see up to
        ``next_after``. An unfiltered feed's events follow each other without a gap; an
        organisation-filtered one skips positions, and ``next_after`` vouches for the skipped."""
        last = self.checkpoint(source)
        while until is None or last < until:
            try:
                if deadline is None:
                    page, next_after = self.feed(source, last, self.page_size)
                else:   # only the wait on the peer is bounded, never a handler's own writes
                    with eventlet.Timeout(max(deadline - time.monotonic(), 0.01), TimeoutError):
                        page, next_after = self.feed(source, last, self.page_size)
            except Exception as err:  # source down: the next catch-up tries again
                log.warning("%s: feed of %s unavailable after %s: %r", self.name, source, last, err)
                return False
            good = self._in_order(source, page, last, next_after)
            if self.batch is not None:
                ok, last = self._apply_runs(source, good, last)
                if not ok:
                    return False
            else:
                for env in good:
                    if not self._apply(source, env, last):   # moves the checkpoint to position
                        return False
                    last = env["position"]
            if len(good) < len(page):
                return False
            self._seen(source, next_after)
            if next_after > last:   # positions the feed vouched for but did not show
                if not self._advance(source, last, next_after):
                    return False
                last = next_after
            if len(page) < self.page_size:
                return True
        return True

    def _in_order(self, source, page, last, next_after):
        """The page up to its first event out of order (a broken feed: stop there)."""
        for i, env in enumerate(page):
            position = env.get("position")
            if not isinstance(position, int) or not last < position <= next_after:
                log.error("%s: feed of %s returned position %r after %s (page up to %s); "
                          "stopping", self.name, source, position, last, next_after)
                return page[:i]
            last = position
        return page

    def _apply_runs(self, source, page, last):
        """Apply ``page`` in runs through ``batch``; returns ``(ok, checkpoint)``."""
        i = 0
        while i < len(page):
            blocked = {d["_id"] for d in self.blocked.find(
                {"_id": {"$in": sorted({self._key(source, e.get("stream_id")) for e in page[i:]})}})}
            run, events = [], []
            while i < len(page):
                env, type_ = page[i], page[i].get("type")
                if not isinstance(type_, str):
                    break
                if type_ in self.handlers:
                    if self._key(source, env.get("stream_id")) in blocked:
                        break
                    try:
                        events.append(self.registry.read(env))
                    except ContractError:
                        break
                run.append(env)
                i += 1
            if run:
                try:
                    if events:
                        self.batch(events)
                except Exception as err:
                    log.warning("%s: a run of %d events at %s:%s failed (%r); one by one",
                                self.name, len(run), source, run[0]["position"], err)
                    for env in run:
                        if not self._apply(source, env, last):
                            return False, last
                        last = env["position"]
                    continue
                for event in events:
                    self._clear_failure(event)
                if not self._advance(source, last, run[-1]["position"]):
                    return False, last
                last = run[-1]["position"]
            if i < len(page):   # one that must be parked (or skipped): the usual path
                if not self._apply(source, page[i], last):
                    return False, last
                last = page[i]["position"]
                i += 1
        return True, last

    def receive(self, message):
        """Handle one delivered message (a hint); returns what happened to it."""
        source = message.get("source") if isinstance(message, dict) else None
        position = message.get("position") if isinstance(message, dict) else None
        if source not in self.sources or not isinstance(position, int) or isinstance(position, bool):
            env = message if isinstance(message, dict) else {"raw": repr(message)[:2000]}
            self._park({**env, "source": str(source), "position": f"malformed-{uuid.uuid4()}"},
                       f"malformed message: source {source!r} / position {position!r} "
                       f"(expected one of {list(self.sources)} and an integer)", block=False)
            return PARKED
        self._seen(source, position)
        with self._locks[source]:
            last = self.checkpoint(source)
            if position <= last:
                return DUPLICATE
            if position == last + 1:
                return APPLIED if self._apply(source, message, last) else FAILED
            return CAUGHT_UP if self._pull(source, until=position) else STALLED

    def catch_up(self):
        """Pull every source's feed up to its head (timer-driven)."""
        done = True
        for source in self.sources:
            with self._locks[source]:
                done = self._pull(source) and done
        return done

    def catch_up_within(self, seconds, sources=None):
        """Pull the sources' feeds, giving up after ``seconds`` in all (a request must not wait
        on a slow or dead peer). Returns the sources that are not known to be caught up."""
        deadline = time.monotonic() + seconds
        return {source for source in (sources or self.sources)
                if not self._pull_by(source, deadline)}

    def reach(self, source, position, seconds):
        """Apply ``source``'s events up to ``position`` (pulling its feed), within ``seconds``.
        Returns ``(checkpoint, whole)``: the checkpoint reached, below ``position`` if the
        source did not answer in time or has no such position; ``whole`` when the feed was read
        to its head, so that a checkpoint still below ``position`` means the source's log ends
        before it."""
        whole = False
        if self.checkpoint(source) < position:
            whole = self._pull_by(source, time.monotonic() + seconds, until=position)
        return self.checkpoint(source), whole

    def _pull_by(self, source, deadline, until=None):
        lock = self._locks[source]
        if not lock.acquire(timeout=max(deadline - time.monotonic(), 0.01)):
            return False     # another pull holds the source (maybe waiting on its feed)
        try:
            return self._pull(source, until=until, deadline=deadline)
        finally:
            lock.release()

    def _seen(self, source, position):
        if position > self._heads.get(source, 0):
            self._heads[source] = position

    def lag(self):
        """Per source: events seen (delivered or in a page) but not yet applied."""
        return {s: max(self._heads.get(s, 0) - self.checkpoint(s), 0) for s in self.sources}

    def parked_count(self):
        return self.dead_letters.count_documents({"consumer": self.name, "status": "parked"})

    # --- dead letters ---------------------------------------------------------------------------
    def parked(self, source=None, stream_id=None):
        query = {"consumer": self.name, "status": "parked"}
        if source is not None:
            query["source"] = source
        if stream_id is not None:
            query["stream_id"] = stream_id
        return list(self.dead_letters.find(query, sort=[("position", ASCENDING)]))

    def retry(self, source, stream_id):
        """Re-apply a blocked stream's parked events in order; True if the stream is unblocked."""
        with self._locks[source]:
            self.blocked.delete_one({"_id": self._key(source, stream_id)})
            for dl in self.parked(source, stream_id):
                env = dl["envelope"]
                try:
                    handler = self.handlers.get(env.get("type"))
                    if handler is not None or not self.registry.knows(env.get("type"),
                                                                      env.get("schema_version")):
                        event = self.registry.read(env)
                        if handler is not None:
                            handler(event)
                except Exception as err:
                    reason = str(err) if isinstance(err, ContractError) else repr(err)
                    self.dead_letters.update_one({"_id": dl["_id"]}, {
                        "$set": {"reason": reason, "blocked_by": None},
                        "$inc": {"attempts": 1}})
                    self.blocked.insert_one({"_id": self._key(source, stream_id),
                                             "position": dl["position"], "reason": reason})
                    return False
                self.dead_letters.update_one({"_id": dl["_id"]}, {
                    "$set": {"status": "retried", "retried_at": iso(utcnow())}})
            return True
