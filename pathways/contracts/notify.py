"""Event contracts of the notify service: subscriptions to shared openings (v1) and, since v2, to
a coach's own due items; what became of each notification. Contact addresses are personal data: never in an event (notify keeps them
sealed); a subscription's events say only whose it is, how it reaches them and what it wants."""
from marshmallow import fields, validate

from pathways.contracts.employer import OPPORTUNITY_KINDS
from pathways.contracts.events import Event
from pathways.contracts.registry import REGISTRY

CHANNELS = ("email", "sms", "webhook")
TOPICS = ("openings", "due")
LANGUAGES = ("nb", "sv", "da", "en")
ID = validate.Length(min=1, max=64)
MUNICIPALITY = validate.Regexp(r"^[0-9]{3,4}$")
CLOCK = validate.Regexp(r"^([01][0-9]|2[0-3]):[0-5][0-9]$")


class SubscriptionRef(Event, abstract=True):
    subscription_id = fields.String(required=True, validate=ID)


class SubscriptionCreatedV1(SubscriptionRef, type="SubscriptionCreated", version=1):
    """A caseworker's (or the organisation's) wish to hear of openings shared with it: by
    ``channel``, in ``language``, for openings that match (empty lists: any), outside quiet
    hours (local time of the organisation; null: any time)."""
    owner = fields.String(required=True, validate=ID)
    channel = fields.String(required=True, validate=validate.OneOf(CHANNELS))
    language = fields.String(required=True, validate=validate.OneOf(LANGUAGES))
    kinds = fields.List(fields.String(validate=validate.OneOf(OPPORTUNITY_KINDS)), required=True)
    municipalities = fields.List(fields.String(validate=MUNICIPALITY), required=True)
    min_hours = fields.Float(required=True, allow_none=True)
    max_hours = fields.Float(required=True, allow_none=True)
    quiet_from = fields.String(required=True, allow_none=True, validate=CLOCK)
    quiet_to = fields.String(required=True, allow_none=True, validate=CLOCK)


class SubscriptionCreated(SubscriptionCreatedV1, version=2):
    """v2: ``topic`` ``openings`` (as v1) or ``due``: the owner's own due items from the
    caseload, told once a local day at ``at`` (HH:MM; null for openings)."""
    topic = fields.String(required=True, validate=validate.OneOf(TOPICS))
    at = fields.String(required=True, allow_none=True, validate=CLOCK)


@REGISTRY.upcaster("SubscriptionCreated", 1)
def _subscription_v1_to_v2(payload):
    return {**payload, "topic": "openings", "at": None}


class SubscriptionCancelled(SubscriptionRef):
    """Opted out: nothing more is sent to it (its sealed address is erased)."""


class NotificationRef(Event, abstract=True):
    notification_id = fields.String(required=True, validate=validate.Length(min=1, max=200))
    subscription_id = fields.String(required=True, validate=ID)
    opportunity_id = fields.String(required=True, validate=ID)
    channel = fields.String(required=True, validate=validate.OneOf(CHANNELS))
    attempts = fields.Integer(required=True, strict=True, validate=validate.Range(min=1))


class NotificationSentV1(NotificationRef, type="NotificationSent", version=1):
    """Accepted by the mail server, the SMS provider or the webhook receiver (2xx)."""
    shared_at = fields.String(required=True)   # when the share it tells of was recorded


class NotificationSent(NotificationSentV1, version=2):
    """v2: ``topic`` ``openings`` (the opening ``opportunity_id``, shared at ``shared_at``)
    or ``due`` (a coach's items due on ``due_on``)."""
    topic = fields.String(required=True, validate=validate.OneOf(TOPICS))
    opportunity_id = fields.String(required=True, allow_none=True, validate=ID)   # (openings)
    due_on = fields.Date(required=True, allow_none=True)                          # (due)
    shared_at = fields.String(required=True, allow_none=True)   # (an opening's share)


class NotificationAbandonedV1(NotificationRef, type="NotificationAbandoned", version=1):
    """Given up after the last attempt: in the dead-letter list, where an operator may retry."""
    reason = fields.String(required=True, validate=validate.Length(max=500))


class NotificationAbandoned(NotificationAbandonedV1, version=2):
    """v2: of either topic, as NotificationSent v2."""
    topic = fields.String(required=True, validate=validate.OneOf(TOPICS))
    opportunity_id = fields.String(required=True, allow_none=True, validate=ID)   # (openings)
    due_on = fields.Date(required=True, allow_none=True)                          # (due)


@REGISTRY.upcaster("NotificationSent", 1)
@REGISTRY.upcaster("NotificationAbandoned", 1)
def _notification_v1_to_v2(payload):
    return {**payload, "topic": "openings", "due_on": None}
