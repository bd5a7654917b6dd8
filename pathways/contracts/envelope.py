"""The event envelope of DESIGN.md §2, as marshmallow schemas.

Producers build envelopes with :func:`new_event` (strict); consumers read them with
``EnvelopeSchema(unknown=EXCLUDE)`` (tolerant: unknown fields are ignored).
"""
import uuid

from marshmallow import EXCLUDE, RAISE, Schema, fields, validate

from pathways.timeutil import iso, utcnow

ACTOR_TYPES = ("caseworker", "participant", "employer", "provider", "system")
# A service ("intake"), or a named feed of one deployment as a reporting hub reads it
# ("org-a.intake").
SERVICE_NAME = validate.Regexp(r"^[a-z][a-z0-9_.-]{0,79}$",
                               error="must be a lowercase service or feed name")
EVENT_TYPE = validate.Regexp(r"^[A-Z][A-Za-z0-9]{0,79}$", error="must be a PascalCase event type")


class ActorSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    type = fields.String(required=True, validate=validate.OneOf(ACTOR_TYPES))
    id = fields.String(required=True, validate=validate.Length(min=1, max=200))


class EventDraftSchema(Schema):
    """What a producer hands to the event store: the envelope minus what the store assigns."""

    class Meta:
        unknown = RAISE

    event_id = fields.String(required=True, validate=validate.Length(equal=36))
    type = fields.String(required=True, validate=EVENT_TYPE)
    schema_version = fields.Integer(required=True, strict=True, validate=validate.Range(min=1))
    org = fields.String(required=True, validate=validate.Length(min=1, max=100))
    occurred_at = fields.String(required=True, validate=validate.Length(equal=27))
    actor = fields.Nested(ActorSchema, required=True)
    correlation_id = fields.String(required=True, validate=validate.Length(min=1, max=100))
    causation_id = fields.String(required=True, allow_none=True, validate=validate.Length(max=100))
    payload = fields.Dict(required=True)


class EnvelopeSchema(EventDraftSchema):
    """A stored event as read back from a log: the draft plus the store-assigned fields."""

    class Meta:
        unknown = EXCLUDE

    source = fields.String(required=True, validate=SERVICE_NAME)
    stream_id = fields.String(required=True, validate=validate.Length(min=1, max=200))
    stream_version = fields.Integer(required=True, strict=True, validate=validate.Range(min=1))
    position = fields.Integer(required=True, strict=True, validate=validate.Range(min=1))
    recorded_at = fields.String(required=True, validate=validate.Length(equal=27))


def new_event(type, payload, *, org, actor, schema_version=1, occurred_at=None,
              correlation_id=None, causation_id=None, event_id=None):
    """Build an event draft. ``actor`` is ``{"type": ..., "id": ...}``; times default to now."""
    event_id = event_id or str(uuid.uuid4())
    return {
        "event_id": event_id,
        "type": type,
        "schema_version": schema_version,
        "org": org,
        "occurred_at": iso(occurred_at or utcnow()),
        "actor": dict(actor),
        "correlation_id": correlation_id or event_id,
        "causation_id": causation_id,
        "payload": payload,
    }
