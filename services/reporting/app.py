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
from collections import OrderedDict
from functools import cache
from contextlib import nullcontext
from pathlib import Path

from pymongo.errors import DuplicateKeyError

from pathways.contracts import REGISTRY, ContractError
from pathways.messaging import Consumer, apply_once
from pathways.application.timeouts import WAIT_SECONDS, bounded
from pathways.application.views import plain
from pathways.operations.config import feed_addresses
from pathways.errors import Conflict, NotCaughtUp
from pathways.timeutil import iso, utcnow
from services.reporting import kpis
from services.reporting import payment
from services.reporting.casework import casework as casework_figures
from services.reporting.figures import Figures, LiveRows
from services.reporting.clients import client_figures
from services.reporting.networks import network_figures
from services.reporting.projection import COLLECTIONS, EVENT_TYPES, MemoryRows, project

log = logging.getLogger(__name__)
SOURCES = ("intake", "employer", "placement")
CONTRACT_FIELDS = ("contract_id", "funder", "name", "orgs", "programmes", "period_from",
                   "currency")


def contract_summary(row):
    """A contract as reporting knows it: whom it covers, for what, and its period now."""
    return {**{k: row[k] for k in CONTRACT_FIELDS}, "period_to": payment.period_to(row),
            "administered_by": row["org"]}
SWITCH_WAIT_SECONDS = 3.0
"""How long a rebuild request waits for the live rows' brief switch lock (a rebuild that is
running is answered 409 at once)."""
REBUILD_CLAIM_SECONDS = 3600
FOLLOW_SECONDS = 0.5
"""How often the live rows in memory read the feeds when no event is pushed."""
REPLAY_WAIT_SECONDS = 10
"""The longest a request waits for an "as known at" replay; after that it is 503 with the
replay's progress, and the replay goes on in the background for the next request."""
KEPT_REPLAYS = 8
""""As known at" replays kept in memory (each is brought up to date, not replayed again)."""


@cache
def code_version():
    """Names the code a report was built from: the release, or a hash of the projection code."""
    here = Path(__file__).parent
    digest = hashlib.sha256()
    for name in ("projection.py", "kpis.py", "casework.py", "payment.py", "groups.py",
                 "suppression.py", "networks.py", "clients.py"):
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


def _apply(rows, ev, registry):
    try:
        # The feed's envelopes are the store's own (hash-chained): check the payload against
        # its contract, as the live consumer does.
        rows.apply(registry.read(ev, trusted_envelope=True))
    except ContractError:
        # The live consumer parks these (dead letters): so does a replay.
        rows.positions[ev["source"]] = ev["position"]


def follow(rows, feed, sources, registry=REGISTRY, known_at=None, progress=None, page=1000,
           lock=None):
    """Bring ``rows`` up to date with every feed, from where they stand (``rows.after``); as
    known at ``known_at``, only commits recorded up to then. ``lock`` is held while rows change
    (never while a feed is read)."""
    lock = lock or nullcontext()
    for source in sources:
        after = rows.after.get(source, 0)
        while True:
            events, next_after = feed(source, after, page)
            with lock:
                for ev in events:
                    if known_at and ev["recorded_at"] > known_at:
                        continue
                    _apply(rows, ev, registry)
                after = rows.after[source] = next_after
                # As the live consumer: the whole feed (as far as it is visible) stands behind
                # the rows; as known at T, the last event recorded by then.
                rows.positions[source] = rows.positions.get(source, 0) if known_at else after
            if progress:
                progress(source, after)
            if len(events) < page:
                break
    return rows


def replay(feed, sources, registry=REGISTRY, known_at=None, progress=None, page=1000):
    """Every feed from position 0 into memory; only commits recorded up to ``known_at``."""
    return follow(MemoryRows(), feed, sources, registry, known_at, progress, page)


class Reporting:
    def __init__(self, db, feed, sources=SOURCES, registry=REGISTRY, pull_only=False):
        self.db, self.feed, self.sources, self.registry = db, feed, tuple(sources), registry
        self.pull_only = pull_only
        self.suppress_below = 5   # SUPPRESS_BELOW (the service's settings set it)
        self.meta = db["reporting_meta"]
        self._switch = threading.Lock()
        self.rebuild_status = {"state": "idle"}
        self.generation = self._active_generation()
        self.consumer = self._consumer(self.generation)
        # The live rows in memory (reports), beside the persisted generation (rebuilds, audits):
        # each instance follows the feeds itself, so that its figures never depend on which
        # instance applied an event.
        self.live = LiveRows()
        self._rows_lock, self._follow_lock = threading.RLock(), threading.Lock()
        self.figures = Figures(self.live, self._rows_lock)
        self._again, self._stopping = False, threading.Event()
        self._known, self._known_lock = OrderedDict(), threading.Lock()
        self._building = {}   # known_at -> {"progress", "error", "done", "rows"}

    # --- the live rows in memory ------------------------------------------------------------------
    def start(self):
        """Follow the feeds in the background (a first full read, then every FOLLOW_SECONDS and
        whenever an event is pushed)."""
        threading.Thread(target=self._follow_forever, name="reporting-live", daemon=True).start()

    def stop(self):
        self._stopping.set()

    def _follow_forever(self):
        trouble = None
        while not self._stopping.is_set():
            try:
                self.follow_live()
                if trouble:
                    log.info("live rows: the feeds answer again")
                trouble = None
            except Exception as err:   # a source down or slow: the next round tries again
                if str(err) != trouble:     # once per trouble, not twice a second
                    log.warning("live rows: %s", err)
                trouble = str(err)
            self._stopping.wait(FOLLOW_SECONDS)

    def follow_live(self, sources=None, wait=False):
        """Read the feeds into the live rows; if another green thread is at it, leave it a note
        to read again (or, with ``wait``, wait for it, within the bound). False if not done."""
        self._again = True
        if not self._follow_lock.acquire(timeout=WAIT_SECONDS if wait else 0):
            return False
        try:
            while self._again:
                self._again = False
                follow(self.live, bounded(self.feed, WAIT_SECONDS), sources or self.sources,
                       self.registry, lock=self._rows_lock)
            if not sources:
                self.live.ready = True
            return True
        finally:
            self._follow_lock.release()

    def _take(self, event):
        """A pushed event: applied at once if it is the next one the live rows need, else its
        source's feed is read from where they stand."""
        source = event.get("source") if isinstance(event, dict) else None
        position = event.get("position") if source in self.sources else None
        if type(position) is not int or not self.live.ready or \
                position <= self.live.after.get(source, 0):
            return   # (a malformed message was parked by the consumer; the feed has the truth)
        if position == self.live.after.get(source, 0) + 1 and \
                self._follow_lock.acquire(blocking=False):
            try:
                with self._rows_lock:
                    if position == self.live.after.get(source, 0) + 1:
                        _apply(self.live, event, self.registry)
                        self.live.after[source] = self.live.positions[source] = position
                return
            finally:
                self._follow_lock.release()
        self.follow_live([source])

    def _live(self):
        """The live rows, no older than the persisted model (a reader's Pathways-After waited
        on that); None until the first full read of the feeds is done."""
        if not self.live.ready:
            return None
        behind = [s for s in self.sources
                  if self.live.positions.get(s, 0) < self.consumer.checkpoint(s)]
        if behind:
            self.follow_live(behind, wait=True)
        return self.live

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
        outcome = self.consumer.receive(event)
        self._take(event)
        return outcome

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
            rows[c] = {d["_id"]: plain(d) for d in self._rows(self.generation, c).find({})}
        return rows

    def positions(self):
        return {s: self.consumer.checkpoint(s) for s in self.sources}

    # --- replays ----------------------------------------------------------------------------------
    def replay(self, known_at=None, progress=None, feed=None):
        return replay(feed or self.feed, self.sources, self.registry, known_at, progress)

    def rebuild(self):
        """Replay into a fresh generation, then switch to it; returns the new generation. On a
        failure the live generation stays active and the status says what went wrong.
        Conflict (409) at once if a rebuild runs already, here or on another instance."""
        return self._run_rebuild(self._claim_rebuild(), reraise=True)

    def start_rebuild(self, spawn):
        """Claim the next generation now (Conflict if a rebuild runs) and replay it in the
        background with ``spawn(fn)``; returns the status to answer with."""
        new = self._claim_rebuild()
        spawn(lambda: self._run_rebuild(new, reraise=False))
        return dict(self.rebuild_status)

    def _claim_rebuild(self):
        """One rebuild at a time: in this process (a lock, held until the rebuild ends) and
        per generation across instances (a claim document; one left by a process that died is
        taken over after REBUILD_CLAIM_SECONDS)."""
        # The lock is also held a moment by the timer's follow_active (one read): wait that
        # out, but never for a rebuild that is running (it holds the lock until it ends).
        if self.rebuild_status.get("state") in ("replaying", "writing") or \
                not self._switch.acquire(timeout=SWITCH_WAIT_SECONDS):
            raise Conflict("rebuild_running", "a rebuild is already running",
                           rebuild=dict(self.rebuild_status))
        try:
            self._adopt_active()
            new = self.generation + 1
            now = time.time()
            try:
                self.meta.insert_one({"_id": f"rebuild-{new}", "at": now})
            except DuplicateKeyError:
                taken = self.meta.find_one_and_update(
                    {"_id": f"rebuild-{new}", "at": {"$lt": now - REBUILD_CLAIM_SECONDS}},
                    {"$set": {"at": now}})
                if taken is None:
                    raise Conflict("rebuild_running", "a rebuild is already running (on "
                                   "another instance)", rebuild={"generation": new}) from None
            self.rebuild_status = {"state": "replaying", "generation": new, "positions": {}}
            return new
        except BaseException:
            self._switch.release()
            raise

    def _run_rebuild(self, new, reraise):
        try:
            return self._rebuild(new)
        except Exception as err:
            log.exception("rebuild of generation %s failed", new)
            self.rebuild_status = {**self.rebuild_status, "state": "failed", "error": repr(err)}
            if reraise:
                raise
        finally:
            self._switch.release()

    def _rebuild(self, new):
        started = time.monotonic()
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
            replayed = self.as_known_at(known_at)
            rows, positions = replayed.rows, dict(replayed.positions)
        elif (live := self._live()) is not None:
            if not effective_on:   # the common case: only what changed is counted again
                with self._rows_lock:
                    positions = dict(live.positions)
                    figures = self.figures.report(filters)
                return self._built(figures, positions, None, None)
            with self._rows_lock:
                positions = dict(live.positions)
                rows = kpis.as_effective_on(live.rows, effective_on)
            return self._report(rows, positions, filters, None, effective_on)
        else:
            rows, positions = self.live_rows(), self.positions()
        if effective_on:
            rows = kpis.as_effective_on(rows, effective_on)
        return self._report(rows, positions, filters, known_at, effective_on)

    def _figures(self, figures_of, known_at=None, effective_on=None):
        """``figures_of(rows)`` on the rows as known at ``known_at`` (a replay), or on the live
        rows (under their lock, so that they hold still), with what they were built from."""
        live = None if known_at else self._live()
        if known_at:
            replayed = self.as_known_at(known_at)
            rows, positions, lock = replayed.rows, dict(replayed.positions), nullcontext()
        elif live is not None:
            rows, positions, lock = live.rows, None, self._rows_lock
        else:
            rows, positions, lock = self.live_rows(), self.positions(), nullcontext()
        with lock:
            if positions is None:
                positions = dict(live.positions)
            figures = figures_of(rows)
        return self._built(figures, positions, known_at, effective_on)

    def breakdown(self, filters, by, columns, measure, k, known_at=None, effective_on=None):
        """One measure by target groups, suppressed below ``k`` (``kpis.breakdown``)."""
        return self._figures(lambda rows: {"filters": filters, **kpis.breakdown(
            kpis.as_effective_on(rows, effective_on) if effective_on else rows, filters, by,
            columns, measure, k)}, known_at, effective_on)

    def networks(self, filters, known_at=None, effective_on=None):
        """Networks' figures (``networks``), from the same rows as ``report``."""
        return self._figures(lambda rows: {"filters": filters, **network_figures(
            kpis.as_effective_on(rows, effective_on) if effective_on else rows, filters)},
            known_at, effective_on)

    def clients(self, filters, known_at=None, effective_on=None):
        """Company clients' figures (``clients``), from the same rows as ``report``."""
        return self._figures(lambda rows: {"filters": filters, **client_figures(
            kpis.as_effective_on(rows, effective_on) if effective_on else rows, filters)},
            known_at, effective_on)

    def casework(self, filters=None, known_at=None, effective_on=None):
        """The coaches' work (``casework``) from the same rows as ``report``."""
        return self._figures(lambda rows: casework_figures(
            kpis.as_effective_on(rows, effective_on) if effective_on else rows, filters),
            known_at, effective_on)

    def contracts(self, visible):
        """The contracts ``visible(contract)`` lets the caller see (live rows), newest first."""
        found = self._figures(lambda rows: {"contracts": sorted(
            (contract_summary(c) for c in rows["contracts"].values() if visible(c)),
            key=lambda c: (c["period_from"], c["contract_id"]), reverse=True)})
        return found

    def contract_figures(self, figures, contract_id, orgs_of, known_at=None, effective_on=None):
        """``figures(contract, enrolment rows, orgs)`` of one contract (``payment``):
        ``orgs_of(contract)`` says which of its organisations the caller may see (None: all;
        raises when none)."""
        def figures_of(rows):
            contract = rows["contracts"].get(contract_id)
            orgs = orgs_of(contract)
            return figures(contract, rows["enrolments"].values(), orgs)
        return self._figures(figures_of, known_at, effective_on)

    def payment_basis(self, contract_id, month, orgs_of, known_at=None, effective_on=None):
        """A contract's payment basis for a month."""
        return self.contract_figures(
            lambda c, enrolments, orgs: payment.payment_basis(c, enrolments, month, orgs,
                                                              effective_on),
            contract_id, orgs_of, known_at, effective_on)

    def contract_costs(self, contract_id, until, orgs_of, known_at=None, effective_on=None):
        """What a contract has cost to the end of month ``until``."""
        return self.contract_figures(
            lambda c, enrolments, orgs: payment.costs(c, enrolments, until, orgs, effective_on),
            contract_id, orgs_of, known_at, effective_on)

    # --- as known at --------------------------------------------------------------------------------
    def as_known_at(self, known_at):
        """The rows as known at ``known_at``: kept, and brought up to date from the positions
        they stand on (commits recorded later are skipped, so that is quick); a new one is
        replayed in the background, and a request waits for it at most REPLAY_WAIT_SECONDS
        (then 503 with its progress: the next request finds it further on or done)."""
        with self._known_lock:
            build = self._building.get(known_at)
            if build is None:
                build = {"progress": {}, "error": None, "done": threading.Event()}
                self._building[known_at] = build
                threading.Thread(target=self._build_known, args=(known_at, build),
                                 name="reporting-as-known-at", daemon=True).start()
        if not build["done"].wait(REPLAY_WAIT_SECONDS):
            raise NotCaughtUp(f"the replay as known at {known_at} is being built (read so far: "
                              f"{build['progress'] or 'nothing yet'}); try again shortly",
                              {s: None for s in self.sources if s not in build["progress"]},
                              dict(build["progress"]))
        with self._known_lock:
            if self._building.get(known_at) is build:
                del self._building[known_at]
        if build["error"] is not None:
            raise build["error"]
        return build["rows"]

    def _build_known(self, known_at, build):
        try:
            with self._known_lock:
                rows = self._known.pop(known_at, None) or MemoryRows()
            follow(rows, bounded(self.feed, WAIT_SECONDS), self.sources, self.registry,
                   known_at=known_at, progress=build["progress"].__setitem__)
            with self._known_lock:
                self._known[known_at] = rows
                while len(self._known) > KEPT_REPLAYS:
                    self._known.popitem(last=False)
            build["rows"] = rows
        except Exception as err:
            build["error"] = err
        finally:
            build["done"].set()

    def _report(self, rows, positions, filters, known_at=None, effective_on=None):
        return self._built(kpis.report(rows, filters), positions, known_at, effective_on)

    def _built(self, report, positions, known_at, effective_on):
        return {**report,
                "built_from": {"feed_positions": positions, "code_version": code_version(),
                               "known_at": known_at, "effective_on": effective_on,
                               "generation": None if known_at else self.generation,
                               "at": iso(utcnow())}}

    def capacity(self, day_from, day_to, filters=None):
        live = self._live()
        if live is None:
            return kpis.capacity(self.live_rows(), day_from, day_to, filters)
        with self._rows_lock:
            return kpis.capacity(live.rows, day_from, day_to, filters)

    def dashboard(self, filters=None):
        """The report and the capacity series over its months."""
        report = self.report(filters)
        # The chart covers at most the last three years of months: bounded work per request.
        months = [m["month"] for m in report["per_month"]][-36:] or ["2026-01"]
        return report, self.capacity(f"{months[0]}-01", f"{months[-1]}-28", filters)
