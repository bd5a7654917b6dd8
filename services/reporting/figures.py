"""Key figures kept up to date part by part, so that a report costs what changed since the last
one, not the whole history.

``LiveRows`` are the projected rows in memory; each enrolment (with its placements) belongs to one
of ``PARTS`` parts, by a hash of its id, and each part counts its changes. ``Figures`` keeps, per
set of filters, the tally of every part (``kpis.tally``) and their sum; a report recounts only the
parts that changed, takes their old tallies away and adds the new ones, then finishes the sum.
Tallies add up exactly, so the answer is the one ``kpis.report`` gives over all rows.
"""
import json
import threading
import zlib
from collections import Counter, OrderedDict, defaultdict

from services.reporting import kpis
from services.reporting.projection import MemoryRows

PARTS = 1024
"""Enough that a report after a hundred commands recounts a tenth of a percent of a large history
each, few enough that an idle report compares a short list."""
KEPT_FILTERS = 16
"""Sets of filters whose tallies are kept (least recently asked for goes first)."""


def part_of(enrolment_id):
    return zlib.crc32(str(enrolment_id).encode()) % PARTS


class LiveRows(MemoryRows):
    """Rows in memory that know which parts each event changed."""

    def __init__(self):
        super().__init__()
        self.members = defaultdict(set)        # part -> enrolment ids
        self.placements = defaultdict(set)     # enrolment id -> placement ids
        self.changes = [0] * PARTS             # per part: how many patches it has had
        self.ready = False                     # every feed followed to its head once

    def patched(self, collection, row_id, row):
        if collection == "enrolments":
            part = part_of(row_id)
            self.members[part].add(row_id)
            self.changes[part] += 1
        elif collection == "placements" and row.get("enrolment_id"):
            self.placements[row["enrolment_id"]].add(row_id)
            self.changes[part_of(row["enrolment_id"])] += 1

    def placements_of(self, enrolment_id):
        found = self.rows["placements"]
        return [found[p] for p in self.placements.get(enrolment_id, ())]

    def tally(self, part, filters):
        found = self.rows["enrolments"]
        return kpis.tally((found[e] for e in self.members.get(part, ())), self.placements_of,
                          filters)


class _Kept:
    """One set of filters: each part's tally, their sum, and apart from it the DISTINCT keys
    (one per participant in a small job: many) with how many of each group are held, so that
    finishing a report never walks them."""
    __slots__ = ("seen", "parts", "total", "people", "distinct")

    def __init__(self):
        self.seen, self.parts, self.total = [-1] * PARTS, [None] * PARTS, Counter()
        self.people, self.distinct = Counter(), Counter({g: 0 for g in kpis.DISTINCT})

    def add(self, tally, sign):
        for key, n in tally.items():
            if not n:
                continue
            people = isinstance(key, tuple) and key[0] in kpis.DISTINCT
            held = self.people if people else self.total
            before = held[key]
            after = before + sign * n
            if after:
                held[key] = after
            else:
                del held[key]
            if people and (before > 0) != (after > 0):
                self.distinct[key[0]] += 1 if after > 0 else -1


class Figures:
    """``report(filters)`` over ``rows``, recounting only the parts changed since the last report
    with the same filters. ``lock`` is held while rows change and while a report is counted."""

    def __init__(self, rows: LiveRows, lock=None, kept_filters=KEPT_FILTERS):
        self.rows, self.kept_filters = rows, kept_filters
        self.lock = lock or threading.Lock()
        self._kept: OrderedDict[str, _Kept] = OrderedDict()

    def report(self, filters=None):
        filters = dict(filters or {})
        key = json.dumps(filters, sort_keys=True)
        with self.lock:
            kept = self._kept.pop(key, None) or _Kept()
            self._kept[key] = kept
            while len(self._kept) > self.kept_filters:
                self._kept.popitem(last=False)
            changes = self.rows.changes
            for part in range(PARTS):
                if kept.seen[part] == changes[part]:
                    continue
                new = self.rows.tally(part, filters)
                if kept.parts[part]:
                    kept.add(kept.parts[part], -1)
                kept.add(new, +1)
                kept.parts[part], kept.seen[part] = new or None, changes[part]
            return kpis.finish(kept.total, filters, self.rows.rows["employers"], kept.distinct)
