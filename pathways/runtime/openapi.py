"""OpenAPI 3 documents from a service's routes and marshmallow schemas (apispec)."""
import re

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin

from pathways.routes import Route

ERRORS = {
    "400": {"description": "invalid input; `errors` maps each field to its messages"},
    "401": {"description": "missing or unknown token"},
    "403": {"description": "the caller's role may not do this"},
    "404": {"description": "not found (or another organisation's)"},
    "409": {"description": "a rule refuses it; `error` names the rule"},
    "503": {"description": "another service's events it needs have not arrived, or that service "
                           "did not answer within 3 s: `waiting_for` names each source (and "
                           "position); try again after `Retry-After` seconds"},
}
AFTER = {"in": "header", "name": "Pathways-After", "required": False,
         "description": "answer only once these events of other services are applied "
                        "(read your own writes): `source=position[, ...]`, as another service's "
                        "`Pathways-Position` answer header gave them; waits at most 3 s",
         "schema": {"type": "string", "pattern": r"^[a-z][a-z0-9_.-]*=[0-9]{1,18}"
                                                 r"(, ?[a-z][a-z0-9_.-]*=[0-9]{1,18})*$"}}
FEED = Route("GET", "/events", "events_after", "The service's event log as a paged feed "
             "(after, limit, format)", query=("after", "limit", "format"), generated=False)
KERNEL = (FEED,
          Route("GET", "/health/live", "health_live", "Liveness: the process answers",
                generated=False),
          Route("GET", "/health/ready", "health_ready", "Readiness: MongoDB and RabbitMQ "
                "reachable, the relay's lag within bounds (503 naming the failing check)",
                generated=False),
          Route("GET", "/metrics", "metrics", "Prometheus metrics: commands by outcome, events "
                "appended, relay and consumer lag, dead letters, request latency (text format; "
                "no organisation or person is a label)", generated=False))
"""Routes every service has, served by the kernel's own entrypoints."""


def _operations(route):
    """(path, summary, body schema, description) per operation: one, or one per action."""
    summary = route.summary + (f" ({', '.join(route.roles)})" if route.roles else "")
    if route.actions is None:
        return [(route.path, summary, route.body, route.description)]
    return [(route.path.replace("{action}", action),
             f"{getattr(command, '__name__', command)}: {summary}", schema,
             route.notes.get(action, route.description))
            for action, (command, schema) in route.actions.items()]


def build(title, routes):
    """The OpenAPI document of ``routes`` (``pathways.routes.Route``) and the service's feed."""
    spec = APISpec(title=title, version="1.0.0", openapi_version="3.0.3",
                   plugins=[MarshmallowPlugin()])
    spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer"})
    paths = {}
    for route in (*routes, *KERNEL):
        for path, summary, body, description in _operations(route):
            op = {"summary": summary,
                  "responses": {str(route.status): {"description": "OK"}, **ERRORS}}
            if description:
                op["description"] = description
            if route not in KERNEL:
                op["security"] = [{"bearer": []}]
            params = [{"in": "path", "name": n, "required": True, "schema": {"type": "string"}}
                      for n in re.findall(r"{(\w+)}", path)]
            params += [{"in": "query", "name": n, "schema": {"type": "string"}}
                       for n in route.query]
            op["parameters"] = params + [AFTER]
            if body is not None:
                name = body.__name__.removesuffix("Schema")
                if name not in spec.components.schemas:
                    spec.components.schema(name, schema=body)
                op["requestBody"] = {"required": True,
                                     "content": {"application/json": {"schema": name}}}
            paths.setdefault(path, {})[route.method.lower()] = op
    for path, operations in paths.items():
        spec.path(path=path, operations=operations)
    return spec.to_dict()
