"""OpenAPI 3 documents from a service's routes and marshmallow schemas (apispec)."""
import re

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin

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
FEED = ("GET", "/events", "The service's event log as a paged feed (after, limit, format)",
        None, "200", ("after", "limit", "format"))


def build(title, routes):
    """``routes``: (method, path with {params}, summary, body schema class or None, ok status,
    query parameter names[, description in Markdown])."""
    spec = APISpec(title=title, version="1.0.0", openapi_version="3.0.3",
                   plugins=[MarshmallowPlugin()])
    spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer"})
    paths = {}
    for method, path, summary, body, ok, query, *description in (*routes, FEED):
        op = {"summary": summary, "responses": {ok: {"description": "OK"}, **ERRORS}}
        if description:
            op["description"] = description[0]
        if path != "/events":
            op["security"] = [{"bearer": []}]
        params = [{"in": "path", "name": n, "required": True, "schema": {"type": "string"}}
                  for n in re.findall(r"{(\w+)}", path)]
        params += [{"in": "query", "name": n, "schema": {"type": "string"}} for n in query]
        params.append(AFTER)
        if params:
            op["parameters"] = params
        if body is not None:
            name = body.__name__.removesuffix("Schema")
            if name not in spec.components.schemas:
                spec.components.schema(name, schema=body)
            op["requestBody"] = {"required": True,
                                 "content": {"application/json": {"schema": name}}}
        paths.setdefault(path, {})[method.lower()] = op
    for path, operations in paths.items():
        spec.path(path=path, operations=operations)
    return spec.to_dict()
