"""Reporting's read model, rebuild and as-of replays.

The live read model lives in a *generation* of collections (``g<N>_<rows>``). A rebuild replays
every feed from position 0 in memory, writes generation N+1 in bulk, catches it up under the live
consumer's locks and switches the active generation in one write. "As known at T" replays only
commits recorded up to T, in memory; "as effective on D" masks every business date after D.
"""
import hashlib
import logging
import os
import re
import threading
import time
from pathlib import Path

from pymongo.errors import DuplicateKeyError

from pathways.contracts import REGISTRY, ContractError
from pathways.messaging import Consumer, apply_once
from pathways.timeouts import WAIT_SECONDS, bounded
from pathways.config import feed_addresses
from pathways.errors import BadRequest
from pathways.timeutil import iso, utcnow
from services.reporting import kpis
from services.reporting.projection import COLLECTIONS, EVENT_TYPES, MemoryRows, project

log = logging.getLogger(__name__)
SOURCES = ("intake", "employer", "placement")
REBUILD_CLAIM_SECONDS = 3600


def code_version():
    """Names the code a report was built from: the release, or a hash of the projection code."""
    here = Path(__file__).parent
    digest = hashlib.sha256()
    for name in ("projection.py", "kpis.py"):
        digest.update((here / name).read_bytes())
    return os.environ.get("PATHWAYS_RELEASE") or f"projection-{digest.hexdigest()[:12]}"


def load_feeds(raw):
    """``REPORTING_FEEDS``: {feed name: base URL or {"url", "token"}}, as a mapping or JSON."""
    return feed_addresses(raw or {}, "REPORTING_FEEDS")


def relabelled(feed):
    """Events of a named feed carry the feed's name as their source: two organisations' intake
    logs are two sources, each with its own positions and checkpoints."""
    def pull(name, after, limit):
        events, next_after = feed(name, after, limit)
        return [{**ev, "source": name} for ev in events], next_after
    return pull


def replay(feed, sources, registry=REGISTRY, known_at=None, progress=None, page=1000):
    """Every feed from position 0 into memory; only commits recorded up to ``known_at``."""
    rows = MemoryRows()
    for source in sources:
        after = 0
        while True:
            events, next_after = feed(source, after, page)
            for ev in events:
                if known_at and ev["recorded_at"] > known_at:
                    continue
                try:
                    # The feed's envelopes are the store's own (hash-chained): check the
                    # payload against its contract, as the live consumer does.
                    rows.apply(registry.read(ev, trusted_envelope=True))
                except ContractError:
                    # The live consumer parks these (dead letters): so does the replay.
                    rows.positions[source] = ev["position"]
            after = next_after
            if progress:
                progress(source, after)
            if len(events) < page:
                break
        # As the live consumer: the whole feed (as far as it is visible) stands behind the rows;
        # as known at T, the last event recorded by then.
        rows.positions[source] = rows.positions.get(source, 0) if known_at else after
    return rows


class Reporting:
    def __init__(self, db, feed, sources=SOURCES, registry=REGISTRY, pull_only=False):
        self.db, self.feed, self.sources, self.registry = db, feed, tuple(sources), registry
        self.pull_only = pull_only
        self.meta = db["reporting_meta"]
        self._switch = threading.Lock()
        self.rebuild_status = {"state": "idle"}
        self.generation = self._active_generation()
        self.consumer = self._consumer(self.generation)

    # --- generations ------------------------------------------------------------------------------
    def _active_generation(self):
        doc = self.meta.find_one({"_id": "active"})
        if doc is None:
            try:
                self.meta.insert_one({"_id": "active", "generation": 1})
            except DuplicateKeyError:
                doc = self.meta.find_one({"_id": "active"})
        return doc["generation"] if doc else 1

    def _rows(self, generation, collection):
        return self.db[f"g{generation}_{collection}"]

    def _consumer(self, generation):
        handlers = {t: lambda ev, g=generation: self._apply_live(g, ev) for t in EVENT_TYPES}
        return Consumer(self.db, f"reporting-g{generation}", handlers, self.feed,
                        sources=self.sources, registry=self.registry).ensure_indexes()

    def _apply_live(self, generation, event):
        def get(collection, row_id):
            return self._rows(generation, collection).find_one({"_id": row_id})
        for collection, row_id, patch in project(event, get):
            apply_once(self._rows(generation, collection), row_id, {"$set": patch},
                       event["source"], event["position"])

    def receive(self, event):
        if self.pull_only:
            return "ignored"   # a hub reads the feeds; broker messages are not its sources
        return self.consumer.receive(event)

    def catch_up(self):
        self.follow_active()
        return self.consumer.catch_up()

    def follow_active(self):
        """Another instance may have rebuilt and switched: follow it (one read by _id)."""
        if not self._switch.locked():       # not while this instance switches itself
            with self._switch:
                self._adopt_active()

    def _adopt_active(self):
        doc = self.meta.find_one({"_id": "active"})
        if doc and doc["generation"] != self.generation:
            self.generation, self.consumer = doc["generation"], self._consumer(doc["generation"])

    def live_rows(self):
        """The active generation's rows, as plain dicts (marks dropped). A report does not wait
        for the feeds (the timer pulls them): it states the positions it stands on instead."""
        self.follow_active()
        rows = {}
        for c in COLLECTIONS:
            rows[c] = {d["_id"]: {k: v for k, v in d.items() if not k.startswith("_")}
                       for d in self._rows(self.generation, c).find({})}
        return rows

    def positions(self):
        return {s: self.consumer.checkpoint(s) for s in self.sources}

    # --- replays ----------------------------------------------------------------------------------
    def replay(self, known_at=None, progress=None, feed=None):
        return replay(feed or self.feed, self.sources, self.registry, known_at, progress)

    def rebuild(self):
        """Replay into a fresh generation, then switch to it; returns the new generation. On a
        failure the live generation stays active and the status says what went wrong."""
        if not self._switch.acquire(blocking=False):
            raise BadRequest("a rebuild is already running")
        try:
            return self._rebuild()
        except Exception as err:
            log.exception("rebuild failed")
            self.rebuild_status = {**self.rebuild_status, "state": "failed", "error": repr(err)}
            raise
        finally:
            self._switch.release()

    def _rebuild(self):
        started = time.monotonic()
        self._adopt_active()
        new = self.generation + 1
        # One rebuild per generation across instances: the claim is a document of its own (a
        # claim left by a process that died is taken over after REBUILD_CLAIM_SECONDS).
        now = time.time()
        try:
            self.meta.insert_one({"_id": f"rebuild-{new}", "at": now})
        except DuplicateKeyError:
            taken = self.meta.find_one_and_update(
                {"_id": f"rebuild-{new}", "at": {"$lt": now - REBUILD_CLAIM_SECONDS}},
                {"$set": {"at": now}})
            if taken is None:
                raise BadRequest("a rebuild is already running (on another instance)") from None
        self.rebuild_status = {"state": "replaying", "generation": new, "positions": {}}
        for name in self.db.list_collection_names():   # strays of earlier generations
            if re.match(r"^g[0-9]+_", name) and not name.startswith(
                    (f"g{self.generation}_", f"g{new}_")):
                self.db[name].drop()

        def progress(source, position):
            self.rebuild_status["positions"][source] = position
        rows = self.replay(progress=progress)
        self.rebuild_status["state"] = "writing"
        for c in COLLECTIONS:
            self._rows(new, c).drop()
            docs = [{"_id": k, **v, "_applied": dict(rows.positions)}
                    for k, v in rows.rows[c].items()]
            for i in range(0, len(docs), 1000):
                self._rows(new, c).insert_many(docs[i:i + 1000], ordered=False)
        consumer = self._consumer(new)
        for source, position in rows.positions.items():
            consumer.checkpoints.replace_one(
                {"_id": consumer._key(source)},
                {"_id": consumer._key(source), "position": position}, upsert=True)
        # Switch: hold the live consumer still, let the new generation catch up, then flip.
        locks = [self.consumer._locks[s] for s in self.sources]
        for lock in locks:
            lock.acquire()
        try:
            consumer.catch_up()
            self.meta.update_one({"_id": "active"}, {"$set": {"generation": new}})
            old, self.generation, self.consumer = self.generation, new, consumer
        finally:
            for lock in locks:
                lock.release()
        for c in COLLECTIONS:
            self._rows(old, c).drop()
        self.rebuild_status = {"state": "done", "generation": new,
                               "positions": self.positions(),
                               "seconds": round(time.monotonic() - started, 3)}
        return new

    # --- reports ------------------------------------------------------------------------------------
    def report(self, filters=None, known_at=None, effective_on=None):
        if known_at:
            # Inside a request: a source that does not answer is a 503 within the bound.
            replayed = self.replay(known_at=known_at, feed=bounded(self.feed, WAIT_SECONDS))
            rows, positions = replayed.rows, replayed.positions
        else:
            rows, positions = self.live_rows(), self.positions()
        if effective_on:
            rows = kpis.as_effective_on(rows, effective_on)
        return self._report(rows, positions, filters, known_at, effective_on)

    def _report(self, rows, positions, filters, known_at=None, effective_on=None):
        return {**kpis.report(rows, filters),
                "built_from": {"feed_positions": positions, "code_version": code_version(),
                               "known_at": known_at, "effective_on": effective_on,
                               "generation": None if known_at else self.generation,
                               "at": iso(utcnow())}}

    def capacity(self, day_from, day_to, filters=None):
        return kpis.capacity(self.live_rows(), day_from, day_to, filters)

    def dashboard(self, filters=None):
        """The report and the capacity series over its months, from one read of the rows."""
        rows, positions = self.live_rows(), self.positions()
        report = self._report(rows, positions, filters)
        # The chart covers at most the last three years of months: bounded work per request.
        months = [m["month"] for m in report["per_month"]][-36:] or ["2026-01"]
        return report, kpis.capacity(rows, f"{months[0]}-01", f"{months[-1]}-28", filters)
