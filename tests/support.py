"""Helpers shared by the tests: kernel test contracts and event builders."""
from collections import Counter, defaultdict

from marshmallow import Schema, fields, validate

from pathways.contracts import Registry, new_event
from pathways.messaging import apply_once

ACTOR = {"type": "system", "id": "tests"}


def make_registry():
    """Contracts used by kernel tests (the services register the real ones)."""
    registry = Registry()

    @registry.contract("Counted", 1)
    class CountedV1(Schema):
        amount = fields.Integer(required=True)

    @registry.contract("Counted", 2)
    class CountedV2(Schema):
        amount = fields.Integer(required=True)
        unit = fields.String(required=True, validate=validate.OneOf(["hours", "places"]))

    @registry.upcaster("Counted", 1)
    def counted_v1_to_v2(payload):
        return {**payload, "unit": "places"}

    @registry.contract("Noted", 1)
    class NotedV1(Schema):
        text = fields.String(required=True)

    return registry


def counted(amount, unit="places", org="org-a", **kw):
    return new_event("Counted", {"amount": amount, "unit": unit}, org=org, actor=ACTOR,
                     schema_version=2, **kw)


class Totals:
    """A read model: per stream, the sum of amounts and the number of events applied."""

    def __init__(self, db, fail_on=()):
        self.coll, self.fail_on, self.calls = db["totals"], set(fail_on), Counter()

    def on_counted(self, event):
        self.calls[event["position"]] += 1
        if event["payload"]["amount"] in self.fail_on:
            raise RuntimeError(f"cannot apply amount {event['payload']['amount']}")
        apply_once(self.coll, event["stream_id"],
                   {"$inc": {"amount": event["payload"]["amount"], "events": 1}},
                   event["source"], event["position"])

    def state(self):
        return {d["_id"]: (d["amount"], d["events"]) for d in self.coll.find({})}


def expected_from_log(events):
    out = defaultdict(lambda: [0, 0])
    for e in events:
        if e["type"] == "Counted":
            out[e["stream_id"]][0] += e["payload"]["amount"]
            out[e["stream_id"]][1] += 1
    return {k: tuple(v) for k, v in out.items()}
