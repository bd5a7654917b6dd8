"""What the services answer over HTTP, as marshmallow schemas (dump side only): each service's
OpenAPI document names them for its responses, and the end-to-end tests check every answer they
get against the document. An answer schema refuses unknown keys, so the document says all."""
from marshmallow import INCLUDE, RAISE, Schema, fields, validate

from pathways.contracts.envelope import EnvelopeSchema


class Answer(Schema):
    """An answer: every field is always there (``null`` where it has no value yet)."""
    class Meta:
        unknown = RAISE


class SpreadSchema(Answer):
    """How a measure spreads: how many, the median and the 90th percentile (null: none)."""
    n = fields.Integer(required=True, validate=validate.Range(min=0))
    median = fields.Float(required=True, allow_none=True)
    p90 = fields.Float(required=True, allow_none=True)


def choice(meanings: dict[str, str], transitions: str | None = None, **kw):
    """A string from ``meanings`` (an enum), each value documented with what it means (and,
    for a state, the ``transitions`` between them)."""
    described = "; ".join(f"`{value}`: {meaning}" for value, meaning in meanings.items())
    if transitions:
        described = f"{transitions}. {described}"
    return fields.String(required=True, validate=validate.OneOf(tuple(meanings)),
                         metadata={"description": described}, **kw)


def text(description=None, **kw):
    return fields.String(required=True, metadata={"description": description} if description
                         else {}, **kw)


def date(description=None, **kw):
    return fields.Date(required=True, metadata={"description": description} if description
                       else {}, **kw)


def count(description=None, **kw):
    return fields.Integer(required=True, validate=validate.Range(min=0),
                          metadata={"description": description} if description else {}, **kw)


class ErrorSchema(Schema):
    """Every 4xx and 503 answer."""
    class Meta:
        unknown = INCLUDE   # a 409 may name what it refers to (e.g. ``participant_id``)

    error = fields.String(required=True, metadata={
        "description": "a stable code: `bad_request` (400), `unauthorized` (401), `forbidden` "
                       "(403), `not_found` (404), `request_timeout` (408), `gone` (410), "
                       "`length_required` (411), `too_large` (413), `not_caught_up` or `busy` "
                       "(503), or the rule a 409 names (e.g. `no_consent`, "
                       "`dates_out_of_order`)"})
    message = fields.String(required=True, metadata={"description": "what went wrong, in words"})
    errors = fields.Dict(metadata={"description": "400: each field that is wrong, with its "
                                                  "messages (`_schema`: the body as a whole)"})
    waiting_for = fields.Dict(metadata={"description": "503: each source (and position) "
                                                       "still awaited"})
    applied = fields.Raw(metadata={"description": "503: how far the awaited work has come"})


class HeadSchema(Answer):
    position = count("the last position in the log (0: empty)")
    hash = fields.String(required=True, allow_none=True,
                         metadata={"description": "the hash chain's value at that position"})


class FeedPageSchema(Schema):
    """A page of a service's log (``GET /events``)."""
    class Meta:
        unknown = RAISE

    source = text("the service whose log this is")
    after = count("the position the page starts after")
    head = fields.Nested(HeadSchema, required=True)
    next_after = count("ask for the next page after this position")
    events = fields.List(fields.Nested(EnvelopeSchema), metadata={
        "description": "`format=events`: the events after `after`, in log order, the caller's "
                       "organisations' only"})
    orgs = fields.Raw(metadata={"description": "the organisations whose events the page holds "
                                               "(a list), or `*` for all"})
    commits = fields.List(fields.Dict(), metadata={
        "description": "`format=commits`: the stored commits, with their hashes, to check the "
                       "chain"})


class LiveSchema(Answer):
    live = fields.Boolean(required=True)


class ReadySchema(Answer):
    ready = fields.Boolean(required=True)
    checks = fields.Dict(keys=fields.String(), values=fields.String(), required=True, metadata={
        "description": "each check (`mongodb`, `rabbitmq`, `relay`, `consumer:<source>`, …): "
                       "`ok …`, `failing: why` or `unknown: why`"})


class TimelineEntrySchema(Answer):
    type = fields.String(required=True, metadata={"description": "the event's type"})
    occurred_at = fields.String(required=True, metadata={"description": "when it happened "
                                                                        "(business time)"})
    recorded_at = fields.String(required=True, metadata={"description": "when it was recorded"})
    recorded_by = fields.String(required=True, allow_none=True,
                                metadata={"description": "who recorded it (the token's id)"})
    correction = fields.Boolean(required=True, metadata={
        "description": "a correction of dates recorded before"})
    details = fields.Dict(required=True, metadata={"description": "what the event said (codes "
                                                                  "and dates)"})


class TimelineSchema(Answer):
    """What happened, when, and who recorded it (newest 500), in business order."""
    entries = fields.List(fields.Nested(TimelineEntrySchema), required=True)
