"""Event contracts of the notify service (v1): subscriptions to shared openings, and what became
of each notification. Contact addresses are personal data: never in an event (notify keeps them
sealed); a subscription's events say only whose it is, how it reaches them and what it wants."""
from marshmallow import fields, validate

from pathways.contracts.employer import OPPORTUNITY_KINDS
from pathways.contracts.events import Event

CHANNELS = ("email", "sms", "webhook")
LANGUAGES = ("nb", "sv", "da", "en")
ID = validate.Length(min=1, max=64)
MUNICIPALITY = validate.Regexp(r"^[0-9]{3,4}$")
CLOCK = validate.Regexp(r"^([01][0-9]|2[0-3]):[0-5][0-9]$")


class SubscriptionRef(Event, abstract=True):
    subscription_id = fields.String(required=True, validate=ID)


class SubscriptionCreated(SubscriptionRef):
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


class SubscriptionCancelled(SubscriptionRef):
    """Opted out: nothing more is sent to it (its sealed address is erased)."""


class NotificationRef(Event, abstract=True):
    notification_id = fields.String(required=True, validate=validate.Length(min=1, max=200))
    subscription_id = fields.String(required=True, validate=ID)
    opportunity_id = fields.String(required=True, validate=ID)
    channel = fields.String(required=True, validate=validate.OneOf(CHANNELS))
    attempts = fields.Integer(required=True, strict=True, validate=validate.Range(min=1))


class NotificationSent(NotificationRef):
    """Accepted by the mail server, the SMS provider or the webhook receiver (2xx)."""
    shared_at = fields.String(required=True)   # when the share it tells of was recorded


class NotificationAbandoned(NotificationRef):
    """Given up after the last attempt: in the dead-letter list, where an operator may retry."""
    reason = fields.String(required=True, validate=validate.Length(max=500))
