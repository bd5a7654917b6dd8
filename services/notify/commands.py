"""What notify's callers send (marshmallow, strict: unknown fields are refused)."""
import ipaddress
from urllib.parse import urlsplit

import phonenumbers
from marshmallow import RAISE, Schema, ValidationError, fields, validate, validates_schema

from pathways.api.fields import day
from pathways.application.views import PageQuerySchema
from pathways.contracts.employer import OPPORTUNITY_KINDS
from pathways.contracts.notify import CHANNELS, LANGUAGES, TOPICS

MUNICIPALITY = validate.Regexp(r"^[0-9]{3,4}$", error="must be a 3- or 4-digit municipality number")
CLOCK = validate.Regexp(r"^([01][0-9]|2[0-3]):[0-5][0-9]$", error="must be HH:MM")
LOOPBACK_NAMES = ("localhost",)


class Strict(Schema):
    class Meta:
        unknown = RAISE


def address_problem(channel, address):
    """Why ``address`` cannot be used for ``channel``, or None."""
    if channel == "email":
        try:
            validate.Email()(address)
        except ValidationError:
            return "not an e-mail address"
    elif channel == "sms":
        try:
            number = phonenumbers.parse(address, None)
        except phonenumbers.NumberParseException:
            return "not a phone number in international form (e.g. +4791234567)"
        if not phonenumbers.is_valid_number(number):
            return "not a valid phone number"
    else:
        parts = urlsplit(address)
        host = parts.hostname or ""
        try:
            loopback = host in LOOPBACK_NAMES or ipaddress.ip_address(host).is_loopback
        except ValueError:
            loopback = False
        if parts.scheme not in ("https", "http") or not host:
            return "not an http(s) URL"
        if parts.scheme == "http" and not loopback:
            return "must be https (http only to this machine: localhost, 127.0.0.1)"
        if parts.username or parts.password:
            return "must not carry credentials"
    return None


class SubscribeSchema(Strict):
    channel = fields.String(required=True, validate=validate.OneOf(CHANNELS))
    topic = fields.String(load_default="openings", validate=validate.OneOf(TOPICS), metadata={
        "description": "`openings`: openings shared with your organisation; `due`: your own "
                       "due items (as `GET /due` of intake gives them), once a day at `at`"})
    at = fields.String(load_default=None, allow_none=True, validate=CLOCK, metadata={
        "description": "a due digest's local time (HH:MM; default 07:30); only with "
                       "topic `due`"})
    address = fields.String(required=True, validate=validate.Length(min=3, max=500), metadata={
        "description": "an e-mail address, a phone number (+47...) or an https URL, by "
                       "`channel`; personal data: kept sealed, never in an event"})
    language = fields.String(load_default="nb", validate=validate.OneOf(LANGUAGES))
    kinds = fields.List(fields.String(validate=validate.OneOf(OPPORTUNITY_KINDS)),
                        load_default=list, validate=validate.Length(max=20))
    municipalities = fields.List(fields.String(validate=MUNICIPALITY), load_default=list,
                                 validate=validate.Length(max=400), metadata={
        "description": "openings at employers in these municipalities (empty: any)"})
    min_hours = fields.Float(load_default=None, allow_none=True,
                             validate=validate.Range(min=0, max=60))
    max_hours = fields.Float(load_default=None, allow_none=True,
                             validate=validate.Range(min=0, max=60))
    quiet_from = fields.String(load_default=None, allow_none=True, validate=CLOCK, metadata={
        "description": "no notifications from this local time (with quiet_to)"})
    quiet_to = fields.String(load_default=None, allow_none=True, validate=CLOCK)

    @validates_schema
    def consistent(self, data, **kwargs):
        problem = address_problem(data.get("channel"), data.get("address") or "") \
            if data.get("channel") in CHANNELS else None
        if problem:
            raise ValidationError(problem, "address")
        if data.get("topic") == "due":
            for criterion in ("kinds", "municipalities", "min_hours", "max_hours"):
                if data.get(criterion):
                    raise ValidationError("chooses openings: not with topic due", criterion)
        elif data.get("at"):
            raise ValidationError("only with topic due", "at")
        if bool(data.get("quiet_from")) != bool(data.get("quiet_to")):
            raise ValidationError("give quiet_from and quiet_to together", "quiet_to")
        if data.get("min_hours") is not None and data.get("max_hours") is not None and \
                data["min_hours"] > data["max_hours"]:
            raise ValidationError("must not be below min_hours", "max_hours")


class EmptySchema(Strict):
    pass


class FiguresQuerySchema(Strict):
    since = day(metadata={"description": "shares recorded on or after this day (UTC)"})
    until = day(metadata={"description": "shares recorded on or before this day (UTC)"})

    @validates_schema
    def in_order(self, data, **kwargs):
        if data.get("since") and data.get("until") and data["since"] > data["until"]:
            raise ValidationError("must not be before since", "until")


class NotificationsQuerySchema(PageQuerySchema):
    status = fields.String(validate=validate.OneOf(("pending", "sending", "sent", "dead", "cancelled")),
                           metadata={"description": "`dead`: the dead-letter list"})
