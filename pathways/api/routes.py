"""A service's API declared once. Each :class:`Route` names its method and path, the use case that
serves it, who may call it, the body it takes and the answer it gives; the HTTP and RPC entrypoints
(``pathways.runtime.api``) and the OpenAPI document (``pathways.runtime.openapi``) are generated
from the same table. No transport here: :func:`call` runs a route with a caller and plain data."""
import functools
import re
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

from pathways.security.callers import Caller
from pathways.application.validation import load_action, load_command


@dataclass(frozen=True)
class Route:
    method: str
    path: str                          # with {params}; a last {action} picks one of ``actions``
    use_case: str                      # the app's method; also the RPC name
    summary: str
    status: int = 200
    roles: tuple[str, ...] = ()        # checked before the use case; () = the use case checks
    body: type | None = None           # marshmallow schema of the JSON body, checked here
    what: str = "request"              # how a 400 names the body ("invalid <what>")
    actions: Mapping[str, tuple[str, type]] | None = None   # action -> (command, body schema)
    notes: Mapping[str, str] = field(default_factory=dict)  # action -> description
    steps: Mapping[str, str] = field(default_factory=dict)  # action -> what it does (a summary)
    query: tuple[str, ...] | type = ()  # query parameters, passed on as given (the use case
    #                                    checks): their names, or the schema that documents them
    response: type | None = None       # marshmallow schema of the answer (of each listed item)
    media: str = "application/json"    # the answer's media type
    listing: str | None = None         # the use case gives (items, next_offset)
    description: str | None = None
    rpc: bool = True
    after: bool = True                 # honours Pathways-After (waits for other services' events)
    security: tuple[str, ...] = ("bearer",)   # how a caller proves who it is; () = nobody asks
    extra: Mapping[str, tuple] = field(default_factory=dict)  # status -> (media, what it
    #                                    means[, schema]): answers beside or instead of the usual
    generated: bool = True             # False: a hand-written entrypoint serves it (documented)

    @property
    def params(self) -> list[str]:
        return re.findall(r"{(\w+)}", self.path)

    @functools.cached_property   # asked on every request
    def query_names(self) -> tuple[str, ...]:
        if isinstance(self.query, tuple):
            return self.query
        return tuple(f.data_key or name for name, f in self.query().fields.items())

    @property
    def takes_body(self) -> bool:
        return self.body is not None or self.actions is not None


def call(app: Any, route: Route, caller: Caller, params: Mapping[str, str],
         body: Mapping | None = None, query: Mapping | None = None,
         ready: Callable[[], None] | None = None) -> Any:
    """Run ``route``'s use case on ``app``: roles first, then the body (400 with field errors),
    then ``ready()`` (e.g. wait for other services' events), then
    ``use_case(caller, *path values[, command or body][, query])``."""
    if route.roles:
        caller.require(*route.roles)
    args = [params[p] for p in route.params if not (route.actions and p == "action")]
    if route.actions is not None:
        args.append(load_action(route.actions, params["action"], body or {}))
    elif route.body is not None:
        args.append(load_command(route.body(), body or {}, route.what))
    if route.query_names:
        args.append(dict(query or {}))
    if ready is not None:
        ready()
    result = getattr(app, route.use_case)(caller, *args)
    if route.listing:
        items, next_offset = result
        return {route.listing: items, "next_offset": next_offset}
    return result
