"""JSON over HTTP for nameko ``@http`` entrypoints: bodies validated by marshmallow, every error a
4xx with a clear message (and field errors), never a traceback."""
import functools
import json
import logging
import re
import uuid

from marshmallow import ValidationError

from pathways.errors import BadRequest, PathwaysError
from pathways.runtime.auth import Forbidden, Unauthorized

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


class NotFoundError(PathwaysError):
    """HTTP 404."""


class Conflict(PathwaysError):
    """A rule or the current state refuses the command (HTTP 409); ``rule`` names it."""

    def __init__(self, rule, message, **extra):
        super().__init__(message)
        self.rule, self.extra = rule, extra


class Gone(PathwaysError):
    """HTTP 410: it existed and was erased."""


EXPECTED = (BadRequest, Unauthorized, Forbidden, NotFoundError, Conflict, Gone)
"""What an RPC entrypoint declares as ``expected_exceptions``: the caller's fault, not ours."""


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
    return None


def json_endpoint(fn):
    """Wrap an HTTP handler: known errors become 4xx JSON; anything else a 500 with an id to
    find it in the log (the body never carries a traceback)."""
    @functools.wraps(fn)
    def wrapper(self, request, *args, **kwargs):
        try:
            return fn(self, request, *args, **kwargs)
        except Exception as err:
            mapped = error_response(err)
            if mapped is not None:
                return mapped
            error_id = uuid.uuid4().hex[:12]
            log.exception("unhandled error %s in %s", error_id, fn.__name__)
            return respond(500, {"error": "internal", "message": "unexpected error",
                                 "error_id": error_id})
    return wrapper


def read_json(request, max_bytes=1_000_000):
    """The request body as a JSON object, or BadRequest saying what is wrong with it."""
    if request.content_length and request.content_length > max_bytes:
        raise BadRequest(f"body larger than {max_bytes} bytes")
    raw = request.get_data(as_text=True)
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


def load(schema, data, what="request"):
    """Validate ``data`` with a marshmallow schema instance; BadRequest with field errors."""
    try:
        return schema.load(data)
    except ValidationError as err:
        raise BadRequest(f"invalid {what}", err.messages) from None


def load_command(schema, data, what="request"):
    """Like :func:`load`, with dates back as ISO strings: commands and events carry text dates."""
    return {k: (v.isoformat() if hasattr(v, "isoformat") else v)
            for k, v in load(schema, data, what).items()}


def load_action(actions, action, body):
    """A command named by the last part of a URL: ``actions`` maps it to (command type, body
    schema). Returns the command; an unknown action is a 404 that lists the known ones."""
    if action not in actions:
        raise NotFoundError(f"unknown action {action!r} (one of: {', '.join(actions)})")
    kind, schema = actions[action]
    return {"type": kind, **load_command(schema(), body, action)}
