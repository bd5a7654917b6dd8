"""Feed entrypoints any service can mount: RPC ``events_after``/``commits_after``/``head`` and
HTTP ``GET /events?after=N&limit=M`` (add ``&format=commits`` for stored commits with hashes).

Over HTTP, a service that authenticates its callers (an ``auth = Auth()`` dependency) serves its
feed to auditors, coordinators and admins only: the feed holds no personal data, but it is the
organisation's whole history. RPC callers are trusted by their broker credentials."""
from marshmallow import RAISE, Schema, fields, validate

from pathways.runtime.entrypoints import http, rpc
from pathways.errors import BadRequest, Forbidden
from pathways.runtime.http import json_endpoint, respond
from pathways.application.validation import load

MAX_PAGE = 1000
MAX_POSITION = 2**62   # far beyond any log; larger integers do not fit a BSON int64
FEED_READERS = ("auditor", "coordinator", "admin")


class FeedQuerySchema(Schema):
    class Meta:
        unknown = RAISE

    after = fields.Integer(load_default=0, validate=validate.Range(min=0, max=MAX_POSITION))
    limit = fields.Integer(load_default=500, validate=validate.Range(min=1, max=MAX_PAGE))
    format = fields.String(load_default="events", validate=validate.OneOf(["events", "commits"]))


def _query(data):
    return load(FeedQuerySchema(), data, "feed query")


class FeedEntrypoints:
    """Mixin for a nameko service with an ``event_log = EventLog()`` dependency."""

    @rpc(expected_exceptions=BadRequest)
    def events_after(self, after=0, limit=500):
        q = _query({"after": after, "limit": limit})
        return self.event_log.events_after(q["after"], q["limit"])

    @rpc(expected_exceptions=BadRequest)
    def commits_after(self, after=0, limit=100):
        q = _query({"after": after, "limit": limit})
        return self.event_log.commits_after(q["after"], q["limit"])

    @rpc
    def head(self):
        return self.event_log.head()

    @http("GET", "/events")
    @json_endpoint
    def http_events(self, request):
        """The log as pages. With an ``auth`` dependency, a caller reads only its organisation's
        events (and those FEED_GRANTS gives it); ``next_after`` says how far the page has looked,
        so a reader whose page skips other organisations' positions knows it missed nothing.
        Stored commits (``format=commits``, for checking the hash chain) are served only where
        every commit in the page is readable by the caller: a chain over a shared log needs a
        grant of every organisation in it."""
        orgs = None
        if getattr(self, "auth", None) is not None:
            caller = self.auth.from_request(request).require(*FEED_READERS)
            orgs = self.auth.readable_orgs(caller)
        q = _query(request.args.to_dict())
        store = self.event_log
        if q["format"] == "commits":
            items = store.commits_after(q["after"], q["limit"])
            if orgs is not None and any(c.get("org") not in orgs for c in items):
                raise Forbidden("this log holds other organisations' commits: checking its chain "
                                "needs a FEED_GRANTS entry for every organisation in it")
            next_after = (items[-1]["_id"] + items[-1]["count"] - 1) if items else q["after"]
            return respond(200, {"source": store.source, "after": q["after"],
                                 "head": store.head(), "commits": items,
                                 "next_after": next_after})
        events, next_after, head = store.feed_page(q["after"], q["limit"], orgs)
        return respond(200, {"source": store.source, "after": q["after"], "head": head,
                             "events": events, "next_after": next_after,
                             "orgs": sorted(orgs) if orgs is not None else "*"})


class DeadLetterEntrypoints:
    """Mixin for a service that consumes other services' events: its parked events, and a retry
    once their cause is fixed (a deploy that knows the contract, a repaired handler). Over RPC,
    for operators (`pathways retry`)."""

    def consumers(self):
        return [self.inbox]

    @rpc
    def parked(self):
        return [{k: d.get(k) for k in ("consumer", "source", "position", "stream_id", "type",
                                       "event_id", "reason", "attempts", "blocked_by")}
                for c in self.consumers() for d in c.parked()]

    @rpc(expected_exceptions=BadRequest)
    def retry_parked(self, source, stream_id):
        if not isinstance(source, str) or not isinstance(stream_id, str):
            raise BadRequest("source and stream_id are strings",
                             {"source": ["required"], "stream_id": ["required"]})
        return {c.name: c.retry(source, stream_id) for c in self.consumers()
                if source in c.sources}
