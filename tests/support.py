"""Helpers shared by the tests: kernel test contracts and event builders."""
from marshmallow import Schema, fields, validate

from pathways.contracts import Registry, new_event

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
