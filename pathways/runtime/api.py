"""A service's HTTP and RPC entrypoints, and its ``GET /openapi.json``, generated from its route
table (``pathways.api.routes``): each path, role and body schema is written once."""
import functools
import inspect
import re

from pathways.api.routes import Route, call
from pathways.runtime import asyncapi, docs, openapi
from pathways.runtime.entrypoints import http, rpc
from pathways.runtime.http import EXPECTED, json_endpoint, read_json, respond, wait_for_positions

P = inspect.Parameter


def serves(routes: list[Route], app: str, title: str):
    """Class decorator: for every route an HTTP entrypoint ``http_<use case>`` and (unless
    ``rpc=False``) an RPC entrypoint ``<use case>`` over the dependency named ``app``; the
    service's OpenAPI document at ``/openapi.json``, browsable at ``/docs``; the AsyncAPI
    document of the events it publishes at ``/asyncapi.json``. Callers come from the ``auth``
    dependency."""
    def decorate(cls):
        for route in routes:
            if not route.generated:
                continue
            setattr(cls, f"http_{route.use_case}", _http(route, app))
            if route.rpc:
                setattr(cls, route.use_case, _rpc(route, app))
        sources = tuple(getattr(getattr(cls, "inbox", None), "sources", ()))
        document = functools.cache(lambda: openapi.build(title, routes, sources))

        def http_openapi(self, request):
            return respond(200, document())
        cls.http_openapi = http("GET", "/openapi.json")(http_openapi)
        events = functools.cache(lambda: asyncapi.build(cls.name))
        cls.http_asyncapi = http("GET", "/asyncapi.json")(
            lambda self, request: respond(200, events()))
        cls.asyncapi_document = staticmethod(events)
        cls.http_docs = http("GET", "/docs")(lambda self, request: docs.page(title))
        cls.http_docs_asset = http("GET", "/docs/<string:name>")(
            lambda self, request, name: docs.asset(name))
        cls.openapi_document = staticmethod(document)
        cls.routes = list(routes)
        return cls
    return decorate


def _http(route, app):
    def handler(self, request, **params):
        # One order for every request: who is asking, may they, is it well formed, then wait
        # for other services' events (Pathways-After) and work.
        caller = self.auth.from_request(request)
        if route.roles:
            caller.require(*route.roles)
        body = read_json(request) if route.takes_body else None
        query = request.args.to_dict() if route.query_names else None
        return respond(route.status, call(getattr(self, app), route, caller, params, body, query,
                                          ready=lambda: wait_for_positions(self, request)))
    handler.__name__ = handler.__qualname__ = f"http_{route.use_case}"
    path = route.path
    if route.actions:   # only the declared actions: a sibling path (…/history) stays its own
        path = path.replace("{action}", f"<any({', '.join(map(repr, route.actions))}):action>")
    path = re.sub(r"{(\w+)}", r"<string:\1>", path)
    return http(route.method, path)(json_endpoint(handler))


def _rpc(route, app):
    """``use_case(*path values[, body][, query parameters as keywords])``, credentials in the
    context data (``authorization``), as an HTTP caller's header."""
    parameters = [P("self", P.POSITIONAL_OR_KEYWORD)]
    parameters += [P(name, P.POSITIONAL_OR_KEYWORD) for name in route.params]
    if route.takes_body:
        parameters.append(P("body", P.POSITIONAL_OR_KEYWORD, default=None))
    parameters += [P(name, P.POSITIONAL_OR_KEYWORD, default=None) for name in route.query_names]
    signature = inspect.Signature(parameters)

    def entry(*args, **kwargs):
        given = signature.bind(*args, **kwargs).arguments
        self = given.pop("self")
        body = given.pop("body", None)
        query = {k: v for k in route.query_names if (v := given.pop(k, None)) is not None}
        return call(getattr(self, app), route, self.auth.from_context(), given, body, query)
    entry.__signature__ = signature   # nameko checks a call's arguments against it
    entry.__name__ = entry.__qualname__ = route.use_case
    return rpc(expected_exceptions=EXPECTED)(entry)
