"""A timeline of one thing's events, for the people who work on it: what happened when (the
business time), when it was recorded, who recorded it, and what it said (codes and dates: events
carry no personal data). Corrections are marked, not merged: the timeline shows what was told."""
from pathways.messaging import Consumer, apply_once

IDS = ("run_id", "enrolment_id", "participant_id", "placement_id")
CORRECTIONS = ("EnrolmentDatesCorrected",)


def timeline(envelopes, keep=lambda env: True, limit=500):
    """The newest ``limit`` of ``envelopes`` (a stream, oldest first) that ``keep`` keeps, as
    timeline entries in business order (then as recorded)."""
    entries = [{"type": env["type"], "occurred_at": env["occurred_at"],
                "recorded_at": env["recorded_at"],
                "recorded_by": (env.get("actor") or {}).get("id"),
                "correction": env["type"] in CORRECTIONS,
                "details": {k: v for k, v in env["payload"].items() if k not in IDS}}
               for env in envelopes if keep(env)][-limit:]
    return sorted(entries, key=lambda e: (e["occurred_at"], e["recorded_at"]))


class TimelineView:
    """Each thing's timeline kept as the service's log grows (one document per key, e.g. an
    enrolment), so that reading one costs one indexed read, not a walk of its stream (a run's
    stream holds every enrolment of years of rolling intake). Each event is added once: the
    document remembers the last position it took (``apply_once``)."""

    def __init__(self, db, store, name, types, key):
        """``types``: the event types that go on a timeline; ``key(envelope)``: whose."""
        self.store, self.coll, self.key = store, db[name], key
        self.consumer = Consumer(db, name, {t: self._on_event for t in types},
                                 lambda source, after, limit: store.feed_page(after, limit)[:2],
                                 sources=[store.source], batch=self._on_events).ensure_indexes()

    def _on_event(self, event):
        self._on_events([event])

    def _on_events(self, events):
        for env in events:
            key = self.key(env)
            if key:
                entry = next(iter(timeline([env])))
                apply_once(self.coll, key, {"$push": {"entries": entry},
                                            "$set": {"org": env["org"]}},
                           env["source"], env["position"])

    def refresh(self):
        """Take what the log holds beyond the view (two reads when nothing is new); the
        service's timer calls it too, so that a read seldom has anything to take."""
        if self.store.head()["position"] > self.consumer.checkpoint(self.store.source):
            self.consumer.catch_up()

    def entries(self, key, org, limit=500):
        """The timeline of ``key`` if it is ``org``'s (else empty), in business order."""
        self.refresh()
        doc = self.coll.find_one({"_id": key, "org": org}) or {}
        entries = doc.get("entries", [])[-limit:]
        return sorted(entries, key=lambda e: (e["occurred_at"], e["recorded_at"]))
