"""What notify answers (documented in its OpenAPI document; see ``pathways.api.answers``)."""
from marshmallow import fields

from pathways.api.answers import Answer, SpreadSchema, choice, count, text
from pathways.contracts.employer import OPPORTUNITY_KINDS
from pathways.contracts.notify import CHANNELS

TOPICS = {"openings": "openings shared with the organisation",
          "due": "the owner's own due items, once a day"}

STATUSES = {"pending": "waiting for its time (quiet hours, backoff)",
            "sending": "being sent (a claim that lapses if its sender died)",
            "sent": "accepted by the other side", "cancelled": "its subscription was cancelled",
            "dead": "given up after the last attempt: the dead-letter list (retry it)"}


class SubscriptionSchema(Answer):
    """A subscription (its address is sealed: never shown again)."""
    EXAMPLE = {"subscription_id": "5c0f1d0e-8f0c-4c52-9d43-1b8b1f6b2f10", "owner": "cw-anne",
               "channel": "email", "language": "nb", "kinds": ["small_job"],
               "municipalities": ["4203"], "min_hours": 6, "max_hours": 8,
               "quiet_from": "21:00", "quiet_to": "07:00", "topic": "openings", "at": None,
               "active": True}

    subscription_id = text()
    owner = text("who made it (a token's id)")
    channel = choice({c: c for c in CHANNELS})
    topic = choice(TOPICS)
    at = text("a due digest's local time (HH:MM)", allow_none=True)
    language = choice({"nb": "Norwegian bokmål", "sv": "Swedish", "da": "Danish",
                       "en": "English"})
    kinds = fields.List(fields.String(), required=True, metadata={
        "description": f"of {', '.join(OPPORTUNITY_KINDS)} (empty: any)"})
    municipalities = fields.List(fields.String(), required=True)
    min_hours = fields.Float(required=True, allow_none=True)
    max_hours = fields.Float(required=True, allow_none=True)
    quiet_from = text(allow_none=True)
    quiet_to = text(allow_none=True)
    active = fields.Boolean(required=True, metadata={"description": "false once cancelled"})


class NotificationSchema(Answer):
    EXAMPLE = {"notification_id": "5c0f1d0e-8f0c-4c52-9d43-1b8b1f6b2f10|9b2d...",
               "subscription_id": "5c0f1d0e-8f0c-4c52-9d43-1b8b1f6b2f10", "owner": "cw-anne",
               "channel": "email", "topic": "openings",
               "opportunity_id": "05ec0418-6f21-4803-aa77-7c0d14b9cda2", "due_on": None,
               "status": "sent", "attempts": 1, "last_error": None,
               "shared_at": "2026-03-02T09:14:03.120000Z",
               "created_at": "2026-03-02T09:14:03.500000Z",
               "next_at": "2026-03-02T09:15:03.500000Z"}

    notification_id = text("`<subscription id>|<event id>`: one per subscription and share; "
                           "`<subscription id>|due-<day>`: one due digest a day")
    subscription_id = text()
    owner = text()
    channel = choice({c: c for c in CHANNELS})
    topic = choice(TOPICS)
    opportunity_id = text("the opening (topic openings)", allow_none=True)
    due_on = text("the day of a due digest", allow_none=True)
    status = choice(STATUSES, transitions="pending → sending → sent | pending (backoff) | dead; "
                                          "dead → pending (retry)")
    attempts = count()
    last_error = text("why the last attempt failed", allow_none=True)
    shared_at = text("when the share was recorded (topic openings)", allow_none=True)
    created_at = text()
    next_at = text("the next attempt (pending) or when a claim lapses (sending)")


class ChannelFiguresSchema(Answer):
    sent = count()
    waiting = count("pending or being sent")
    dead = count("given up: the dead-letter list")
    cancelled = count("not sent: the subscription was cancelled first")


class FiguresSchema(Answer):
    """Your organisation's notifications in figures."""
    EXAMPLE = {"per_channel": {"email": {"sent": 41, "waiting": 0, "dead": 1, "cancelled": 0}},
               "shares_notified": 12,
               "seconds_to_first": {"n": 12, "median": 0.8, "p90": 2.1}}

    per_channel = fields.Dict(keys=fields.String(), values=fields.Nested(ChannelFiguresSchema),
                              required=True, metadata={"description": "notifications of openings"})
    shares_notified = count("shares that reached at least one of your subscribers")
    seconds_to_first = fields.Nested(SpreadSchema, required=True, metadata={
        "description": "per share: from the share to its first notification sent"})
