"""JSON over HTTP for nameko ``@http`` entrypoints: bodies validated by marshmallow, every error a
4xx with a clear message (and field errors), never a traceback."""
import functools
import json
import logging
import re
import time
import uuid

from werkzeug.exceptions import ClientDisconnected

from pathways.operations.metrics import HTTP_SECONDS
from pathways.application.timeouts import WAIT_SECONDS
from pathways.errors import (BadRequest, Conflict, Forbidden, Gone, NotCaughtUp, NotFoundError,
                             RequestTimeout, TooLarge, Unauthorized)

log = logging.getLogger(__name__)

SECRET_PARAMETER = re.compile(r"(?i)\b(token|link|access_token|authorization)=[^&\s\"]*")


class RedactSecrets(logging.Filter):
    """Request lines logged by the web server never carry a credential in clear, whatever a
    client put in a URL (the APIs refuse tokens in URLs; this is the second line)."""

    def filter(self, record):
        message = record.getMessage()
        redacted = SECRET_PARAMETER.sub(r"\1=[redacted]", message)
        if redacted != message:
            record.msg, record.args = redacted, None
        return True


logging.getLogger("nameko.web.server").addFilter(RedactSecrets())


EXPECTED = (BadRequest, Unauthorized, Forbidden, NotFoundError, Conflict, Gone, NotCaughtUp,
            RequestTimeout, TooLarge)
"""What an RPC entrypoint declares as ``expected_exceptions``: not a fault of ours."""

POSITION_HEADER = "Pathways-Position"
"""On a command's answer: ``<source>=<position>`` of the last event it wrote."""
AFTER_HEADER = "Pathways-After"
"""On any request: ``<source>=<position>[, ...]``: answer only once those events are applied."""


NO_STORE = {"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"}
"""Answers may hold personal data or an organisation's figures: no shared cache keeps them."""


def respond(status, body):
    return status, {"Content-Type": "application/json", **NO_STORE}, json.dumps(body, default=str)


def error_response(err):
    if isinstance(err, BadRequest):
        return respond(400, err.to_dict())
    if isinstance(err, Unauthorized):
        return respond(401, {"error": "unauthorized", "message": str(err)})
    if isinstance(err, Forbidden):
        return respond(403, {"error": "forbidden", "message": str(err)})
    if isinstance(err, NotFoundError):
        return respond(404, {"error": "not_found", "message": str(err)})
    if isinstance(err, Conflict):
        return respond(409, {"error": err.rule, "message": str(err), **err.extra})
    if isinstance(err, Gone):
        return respond(410, {"error": "gone", "message": str(err)})
    if isinstance(err, RequestTimeout):
        return respond(408, {"error": "request_timeout", "message": str(err)})
    if isinstance(err, TooLarge):
        return respond(413, {"error": "too_large", "message": str(err)})
    if isinstance(err, NotCaughtUp):
        status, headers, body = respond(503, {
            "error": "not_caught_up", "message": str(err), "waiting_for": err.waiting_for,
            "applied": err.applied})
        return status, {**headers, "Retry-After": "1"}, body
    return None


def json_endpoint(fn):
    """Wrap an HTTP handler: known errors become 4xx JSON; anything else a 500 with an id to
    find it in the log (the body never carries a traceback)."""
    route = fn.__name__.removeprefix("http_")

    @functools.wraps(fn)
    def wrapper(self, request, *args, **kwargs):
        began = time.monotonic()
        answer = _answer(self, fn, request, *args, **kwargs)
        HTTP_SECONDS.labels(getattr(self, "name", "?"), route, str(answer[0])).observe(
            time.monotonic() - began)
        return answer
    return wrapper


def _answer(self, fn, request, *args, **kwargs):
    """``fn``'s answer, or the answer its error maps to."""
    try:
        store = getattr(self, "event_log", None)
        if store is not None:
            store.forget_last_append()
        status, headers, body = fn(self, request, *args, **kwargs)
        written = store.last_append() if store is not None else None
        if written is not None:
            headers = {**headers, POSITION_HEADER: f"{store.source}={written}"}
        return status, headers, body
    except Exception as err:
        mapped = error_response(err)
        if mapped is not None:
            if mapped[0] in (401, 403):
                _refused(self, request, mapped[0], err)
            return mapped
        error_id = uuid.uuid4().hex[:12]
        log.exception("unhandled error %s in %s", error_id, fn.__name__,
                      extra={"error_id": error_id})
        return respond(500, {"error": "internal", "message": "unexpected error",
                             "error_id": error_id})


ACCESS = logging.getLogger("pathways.access")


def _refused(self, request, status, err):
    """Every refusal in the access log: who (as far as the token says), what, and why."""
    caller = None
    try:
        caller = self.auth.from_request(request)
    except Exception:   # no token, or not a valid one: the refusal says so itself
        pass
    ACCESS.warning("refused: %s", err, extra={
        "status": status, "method": request.method, "path": request.path,
        "caller": caller.id if caller else None, "org": caller.org if caller else None,
        "role": caller.role if caller else None})


def positions_pattern(sources=None):
    """What a ``Pathways-After`` value looks like: ``source=position`` pairs, comma-separated
    (one space at most after a comma); ``sources`` narrows the names to those given."""
    name = "(" + "|".join(map(re.escape, sources)) + ")" if sources else "[a-z][a-z0-9_.-]*"
    pair = f"{name}=[0-9]{{1,18}}"
    return f"^{pair}(, ?{pair})*$"


POSITIONS = re.compile(positions_pattern())


def parse_positions(header):
    """``intake=2542, employer=17`` -> {"intake": 2542, "employer": 17}; BadRequest if malformed
    (exactly what the documents' pattern admits, no more)."""
    if not POSITIONS.fullmatch(header or ""):
        raise BadRequest(f"invalid {AFTER_HEADER} header: expected source=position[, ...]",
                         {AFTER_HEADER: [f"not source=position[, ...]: {(header or '')[:50]!r}"]})
    return {source: int(position) for source, position in
            (part.strip().split("=") for part in header.split(","))}


def wait_for_positions(service, request):
    """Read-your-writes across services: before answering, apply the named sources' events up
    to the given positions (at most WAIT_SECONDS); NotCaughtUp (503) if they did not arrive,
    Conflict (409) at once for a position beyond the source's log (the request is well formed;
    the log's state refuses it). A handler calls it once it has
    authenticated, authorised and checked the request: nothing waits for a caller it would
    refuse."""
    header = request.headers.get(AFTER_HEADER)
    if header is None:   # (an empty one is malformed: 400)
        return
    wanted = parse_positions(header)
    consumers = service.consumers() if hasattr(service, "consumers") else []
    known = {s for c in consumers for s in c.sources}
    unknown = sorted(set(wanted) - known)
    if unknown:
        raise BadRequest(f"this service does not consume {', '.join(unknown)}",
                         {AFTER_HEADER: [f"unknown source {s!r}" for s in unknown]})
    applied, beyond = {}, {}
    for consumer in consumers:
        for source in consumer.sources:
            if source in wanted:
                applied[source], whole = consumer.reach(source, wanted[source], WAIT_SECONDS)
                if whole and applied[source] < wanted[source]:
                    beyond[source] = applied[source]
    if beyond:   # no write gave such a position: waiting would not bring it, so say so at once
        raise Conflict("position_not_written", f"{AFTER_HEADER} names positions that no write "
                       "has given: " + ", ".join(f"{s}'s log ends at {p}" for s, p in
                                                 beyond.items()), log_ends_at=beyond)
    behind = {s: p for s, p in wanted.items() if applied[s] < p}
    if behind:
        raise NotCaughtUp(f"not yet applied: {', '.join(f'{s} up to {p}' for s, p in behind.items())}"
                          f" (waited {WAIT_SECONDS:g}s; catch-up goes on)", behind, applied)


def read_json(request):
    """The request body as a JSON object, or BadRequest saying what is wrong with it. The web
    server bounds its size and the time it takes to arrive (``pathways.runtime.webserver``)."""
    try:
        raw = request.get_data(as_text=True)
    except ClientDisconnected:   # fewer bytes than its Content-Length: the client went away
        log.info("client went away while sending its request body")
        raise _body_error("cut off before its Content-Length") from None
    if not raw.strip():
        return {}
    try:
        body = json.loads(raw)
    except RecursionError:
        raise _body_error(f"nested deeper than {MAX_DEPTH} levels") from None
    except ValueError as err:
        raise _body_error(f"malformed JSON: {err}") from None
    if not isinstance(body, dict):
        raise _body_error("must be a JSON object")
    if _depth(body) > MAX_DEPTH:
        raise _body_error(f"nested deeper than {MAX_DEPTH} levels")
    try:
        json.dumps(body, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        raise _body_error("text that is not valid Unicode (a lone surrogate, e.g. \\ud800)") from None
    return body


MAX_DEPTH = 16
"""How deeply a request body may nest: every command schema is far flatter than this."""


def _body_error(what):
    return BadRequest(f"invalid body: {what}", {"_body": [what]})


def _depth(value):
    depth, level = 0, [value]
    while level:
        depth += 1
        if depth > MAX_DEPTH:
            return depth
        level = [v for item in level if isinstance(item, (dict, list))
                 for v in (item.values() if isinstance(item, dict) else item)]
    return depth
