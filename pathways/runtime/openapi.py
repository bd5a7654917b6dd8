"""OpenAPI 3.1 documents from a service's routes and marshmallow schemas (apispec): every
request body, query parameter and answer is typed by the schema the service itself uses."""
import re

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin

from pathways.api import answers
from pathways.api.routes import Route
from pathways.runtime.feed import FeedQuerySchema
from pathways.runtime.http import positions_pattern

ERROR = {"$ref": "#/components/schemas/Error"}
ERROR_EXAMPLES = {
    "400": {"error": "bad_request", "message": "invalid referral",
            "errors": {"participant_id": ["Missing data for required field."]}},
    "401": {"error": "unauthorized", "message": "missing bearer token"},
    "403": {"error": "forbidden", "message": "role 'auditor' may not do this (needs one of: "
                                            "coordinator, admin)"},
    "404": {"error": "not_found", "message": "programme run not found"},
    "408": {"error": "request_timeout", "message": "the request body did not arrive within 10s"},
    "409": {"error": "dates_out_of_order", "message": "the start (2026-03-01) would lie "
                                                     "before the referral (2026-03-03)"},
    "410": {"error": "gone", "message": "the participant's personal data was erased"},
    "411": {"error": "length_required", "message": "send the body with a Content-Length "
                                                   "(chunked bodies are not accepted)"},
    "413": {"error": "too_large", "message": "body larger than 1000000 bytes"},
    "414": {"error": "uri_too_long", "message": "the request line is longer than 8192 bytes"},
    "503": {"error": "not_caught_up", "message": "intake's events up to 812 have not arrived",
            "waiting_for": {"intake": 812}, "applied": {"intake": 790}},
}
ERRORS = {
    "400": "invalid input; `errors` maps each field to its messages",
    "401": "missing or unknown token",
    "403": "the caller's role may not do this",
    "404": "not found (or another organisation's)",
    "408": "the request's headers or body did not arrive within the server's bound "
           "(`HTTP_HEADER_TIMEOUT`, `HTTP_BODY_TIMEOUT`); the connection is closed",
    "409": "a rule refuses it; `error` names the rule",
    "414": "a request line longer than 8 KB",
    "503": "another service's events it needs have not arrived, or that service did not answer "
           "within 3 s: `waiting_for` names each source (and position); or the service holds "
           "as many connections as it takes (`busy`); try again after `Retry-After` seconds",
}
BODY_ERRORS = {
    "411": "a body without a `Content-Length` (chunked): not accepted",
    "413": "a body larger than the server takes (`HTTP_MAX_BODY_BYTES`, 1 MB unless "
           "configured), refused before it is read",
}
"""What an operation that takes a body may answer besides ``ERRORS``."""
def after(sources):
    """The ``Pathways-After`` header of a service that consumes ``sources``."""
    return {"in": "header", "name": "Pathways-After", "required": False,
            "description": "answer only once these events of other services are applied (read "
                           "your own writes): `source=position[, ...]` of "
                           f"{', '.join(sources)}, as that service's `Pathways-Position` answer "
                           "header gave them; waits at most 3 s (then 503), and a position no "
                           "write has given is refused at once (409 `position_not_written`)",
            "schema": {"type": "string", "pattern": positions_pattern(sources),
                       "examples": [f"{sources[0]}=1", ", ".join(f"{s}=2" for s in sources)]}}
POSITION = {"Pathways-Position": {
    "description": "where a write put its events: `source=position` (send it on as "
                   "`Pathways-After` to read your own write in another service)",
    "schema": {"type": "string"}}}
PATH_PARAMETER = {"type": "string", "minLength": 1, "maxLength": 64}
ABOUT = """Every request but the kernel's (feed, health, metrics) carries a bearer token, which
names the caller's organisation and role. Everything read or listed is the caller's
organisation's only, unless the deployment grants more. Dates are ISO 8601 (`YYYY-MM-DD`),
business dates where the organisation is; moments are UTC.

Errors are JSON: `{"error": code, "message": text}`, with `errors` (each field's messages) on a
400. A service never answers 500 to bad input."""

FEED = Route("GET", "/events", "events_after", "The service's event log as a paged feed",
             query=FeedQuerySchema, response=answers.FeedPageSchema, generated=False,
             description="Each event in the envelope of DESIGN.md §2. Read it in order: ask "
                         "again with `after=next_after` until `next_after` is `head.position`. "
                         "Auditors, coordinators and admins; the caller's organisations' "
                         "events only (`orgs`).")
KERNEL = (FEED,
          Route("GET", "/health/live", "health_live", "Liveness: the process answers",
                response=answers.LiveSchema, generated=False),
          Route("GET", "/health/ready", "health_ready", "Readiness: MongoDB and RabbitMQ "
                "reachable, the relay's lag within bounds (503 naming the failing check)",
                response=answers.ReadySchema, generated=False, extra={"503": (
                    "application/json", "not ready: `checks` names the failing one",
                    answers.ReadySchema)}),
          Route("GET", "/metrics", "metrics", "Prometheus metrics: commands by outcome, events "
                "appended, relay and consumer lag, dead letters, request latency (text format; "
                "no organisation or person is a label)", media="text/plain", generated=False))
"""Routes every service has, served by the kernel's own entrypoints."""


def _operations(route):
    """(path, summary, body schema, description) per operation: one, or one per action."""
    summary = route.summary + (f" ({', '.join(route.roles)})" if route.roles else "")
    if route.actions is None:
        return [(route.path, summary, route.body, route.description)]
    roles = f" ({', '.join(route.roles)})" if route.roles else ""
    return [(route.path.replace("{action}", action),
             route.steps[action] + roles if action in route.steps
             else f"{getattr(command, '__name__', command)}: {summary}", schema,
             route.notes.get(action, route.description))
            for action, (command, schema) in route.actions.items()]


def _ref(spec, schema):
    """A ``$ref`` to ``schema``'s component, registered on first use."""
    name = schema.__name__.removesuffix("Schema")
    if name not in spec.components.schemas:
        spec.components.schema(name, schema=schema)
        # what marshmallow checks in a method (at least one field, a pair that may not go
        # together), said in JSON Schema by the schema class itself
        spec.components.schemas[name].update(getattr(schema, "JSON_SCHEMA", {}))
    return {"$ref": f"#/components/schemas/{name}"}


def _answer(spec, route):
    """The success response of ``route``: its media type and schema."""
    out = {"description": route.response.__doc__.strip().splitlines()[0]
           if route.response is not None and route.response.__doc__ else "OK"}
    if route.response is None:
        if route.media != "application/json":
            out["content"] = {route.media: {"schema": {"type": "string"}}}
        return out
    schema = _ref(spec, route.response)
    example = getattr(route.response, "EXAMPLE", None)
    if route.listing:
        schema = {"type": "object", "additionalProperties": False,
                  "required": [route.listing, "next_offset"],
                  "properties": {route.listing: {"type": "array", "items": schema},
                                 "next_offset": {"type": ["integer", "null"], "minimum": 1,
                                                 "description": "ask for the next page at "
                                                                "this offset; null: no more"}}}
    out["content"] = {route.media: {"schema": schema}}
    if example is not None:
        out["content"][route.media]["example"] = \
            {route.listing: [example], "next_offset": None} if route.listing else example
    if "format" in route.query_names and route.response is not answers.FeedPageSchema:
        out["content"]["text/csv"] = {"schema": {
            "type": "string", "description": "`format=csv`: the table with its header row "
            "always; the `Pathways-Built-From` header says what it was built from"}}
    if route.method != "GET":
        out["headers"] = POSITION
    return out


def _parameters(plugin, route, path, sources):
    params = [{"in": "path", "name": n, "required": True, "schema": PATH_PARAMETER}
              for n in re.findall(r"{(\w+)}", path)]
    if isinstance(route.query, tuple):
        params += [{"in": "query", "name": n, "schema": {"type": "string"}} for n in route.query]
    else:
        params += plugin.converter.schema2parameters(route.query, location="query")
    if route.after and sources and route not in KERNEL:
        params.append(after(sources))
    return params


def build(title, routes, sources=()):
    """The OpenAPI document of ``routes`` (``pathways.api.routes.Route``) and the kernel's, for a
    service that consumes ``sources`` (the names its ``Pathways-After`` header takes)."""
    plugin = MarshmallowPlugin()
    spec = APISpec(title=title, version="1.0.0", openapi_version="3.1.0", plugins=[plugin],
                   info={"description": ABOUT})
    spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer"})
    spec.components.security_scheme("dashboard_session", {
        "type": "apiKey", "in": "cookie", "name": "pathways_dashboard",
        "description": "the dashboard's session cookie (signed, HttpOnly, SameSite=Strict; "
                       "reads reports only), set by signing in at /dashboard"})
    spec.components.schema("Error", schema=answers.ErrorSchema)
    paths = {}
    for route in (*routes, *KERNEL):
        for path, summary, body, description in _operations(route):
            errors = {**ERRORS, **(BODY_ERRORS if body is not None else {})}
            op = {"summary": summary, "operationId": _operation_id(route, path),
                  "responses": {str(route.status): _answer(spec, route),
                                **{status: {"description": text, "content": {
                                    "application/json": {"schema": ERROR,
                                                         "example": ERROR_EXAMPLES[status]}}}
                                   for status, text in sorted(errors.items())},
                                **{status: _extra(spec, status, *answer)
                                   for status, answer in route.extra.items()}}}
            if description:
                op["description"] = description
            if route not in KERNEL and route.security:
                op["security"] = [{scheme: []} for scheme in route.security]
            op["parameters"] = _parameters(plugin, route, path, sources)
            if body is not None:
                op["requestBody"] = {"required": True,
                                     "content": {"application/json": {"schema": _ref(spec, body)}}}
            paths.setdefault(path, {})[route.method.lower()] = op
    for path, operations in paths.items():
        spec.path(path=path, operations=operations)
    return with_links(spec.to_dict())


def with_links(document):
    """OpenAPI links, derived from the answers: where an operation's answer carries an id that
    another operation's path names (a run's ``run_id``, an enrolment's ``enrolment_id`` and its
    ``run_id``), that operation follows from it, its other path values taken from the request.
    A client (or a stateful fuzzer) walks the API from what it created."""
    schemas = document["components"]["schemas"]
    operations = [(path, method, op) for path, ops in document["paths"].items()
                  for method, op in ops.items()]
    for path, method, source in operations:
        ids = set(_answer_properties(source, schemas))
        known = set(re.findall(r"{(\w+)}", path))
        for target_path, target_method, target in operations:
            needed = set(re.findall(r"{(\w+)}", target_path))
            if target is source or not needed or not (needed - known) & ids or \
                    not needed <= ids | known:
                continue
            success = next(s for s in source["responses"] if s < "300")
            source["responses"][success].setdefault("links", {})[target["operationId"]] = {
                "operationId": target["operationId"],
                "parameters": {p: f"$response.body#/{p}" if p in ids else f"$request.path.{p}"
                               for p in sorted(needed)}}
    return document


def _answer_properties(operation, schemas):
    """The properties of an operation's success answer (one object, not a listing)."""
    for status, answer in operation["responses"].items():
        if status < "300":
            ref = answer.get("content", {}).get("application/json", {}).get("schema", {})
            name = ref.get("$ref", "").rsplit("/", 1)[-1]
            return schemas.get(name, {}).get("properties", {})
    return {}


def _extra(spec, status, media, text, schema=None):
    """An answer a route gives beside (or instead of) the usual ones: no body (a redirect), a
    JSON body (an error, unless ``schema`` says what else), or a page."""
    if not media:
        return {"description": text}
    if schema is not None:
        return {"description": text, "content": {media: {"schema": _ref(spec, schema)}}}
    if media == "application/json":
        return {"description": text, "content": {media: {
            "schema": ERROR, "example": ERROR_EXAMPLES.get(status, ERROR_EXAMPLES["400"])}}}
    return {"description": text, "content": {media: {"schema": {"type": "string"}}}}


def _operation_id(route, path):
    if route.actions is None:
        return route.use_case
    return f"{route.use_case}_{path.rsplit('/', 1)[1].replace('-', '_')}"
