"""Each service's route table is its API: every HTTP entrypoint is declared (and documented) in
it, every declared route is served, RPC mirrors it; ``call`` checks roles before bodies."""
import inspect
import re

import pytest
from nameko.web.handlers import HttpRequestHandler
from nameko.rpc import Rpc

from pathways.security.callers import Caller
from pathways.errors import BadRequest, Forbidden, NotFoundError
from pathways.api.routes import Route, call
from pathways.runtime.openapi import KERNEL
from services.employer.service import EmployerService
from services.intake.service import IntakeService
from services.placement.service import PlacementService
from services.reporting.service import ReportingService
from services.intake import commands
from services.intake.commands import Reject

SERVICES = [IntakeService, EmployerService, PlacementService, ReportingService]


def entrypoints(cls, kind):
    """(method name, entrypoint) of every ``kind`` entrypoint (a method may carry several)."""
    return [(name, e) for name, member in inspect.getmembers(cls)
            for e in getattr(member, "nameko_entrypoints", ()) if isinstance(e, kind)]


def served(cls):
    return {(e.method, re.sub(r"<(?:string|any\([^)]*\)):(\w+)>", r"{\1}", e.url))
            for _, e in entrypoints(cls, HttpRequestHandler)}


@pytest.mark.parametrize("cls", SERVICES, ids=lambda c: c.name)
def test_every_http_entrypoint_is_a_documented_route_and_every_route_is_served(cls):
    document = cls.openapi_document()
    documented = {(m.upper(), path) for path, ops in document["paths"].items() for m in ops}
    declared = {(r.method, r.path) for r in cls.routes} | {(r.method, r.path) for r in KERNEL}
    assert served(cls) - {("GET", "/openapi.json"), ("GET", "/asyncapi.json"), ("GET", "/docs"),
                          ("GET", "/docs/{name}")} == declared
    assert {(m, p) for m, p in declared if "{action}" not in p} <= documented


def test_actions_are_documented_one_operation_each_with_their_body():
    paths = IntakeService.openapi_document()["paths"]
    for action in commands.ENROLMENT_ACTIONS:
        op = paths[f"/runs/{{run_id}}/enrolments/{{enrolment_id}}/{action}"]["post"]
        assert op["requestBody"] and "(caseworker, coordinator, admin)" in op["summary"]


def test_rpc_mirrors_each_generated_route():
    rpcs = {name for name, _ in entrypoints(IntakeService, Rpc)}
    for route in IntakeService.routes:
        assert route.use_case in rpcs or not (route.generated and route.rpc)
    assert str(inspect.signature(IntakeService.enrolment_action)) == \
        "(self, run_id, enrolment_id, action, body=None)"
    assert str(inspect.signature(IntakeService.read_personal_data)) == \
        "(self, participant_id, purpose=None)"


class App:
    def __init__(self):
        self.calls = []

    def create(self, caller, data):
        self.calls.append(data)
        return data

    def listing(self, caller, query):
        return [query], 5

    def act(self, caller, thing_id, action):
        return {"thing_id": thing_id, "action": action}


CREATE = Route("POST", "/things", "create", "Create", roles=("coordinator",),
               body=commands.CreateRunSchema, what="thing")
LIST = Route("GET", "/things", "listing", "List", query=("limit",), listing="things")
ACT = Route("POST", "/things/{thing_id}/{action}", "act", "Act",
            actions={"reject": (Reject, commands.RejectSchema)})
COORDINATOR, CASEWORKER = Caller("org-a", "coordinator", "c"), Caller("org-a", "caseworker", "w")


def test_call_checks_roles_before_the_body_and_gives_the_use_case_checked_data():
    app = App()
    with pytest.raises(Forbidden):
        call(app, CREATE, CASEWORKER, {}, {"nonsense": 1})
    with pytest.raises(BadRequest) as err:
        call(app, CREATE, COORDINATOR, {}, {"name": "x"})
    assert "invalid thing" in str(err.value) and "programme" in err.value.errors
    assert app.calls == []
    data = call(app, CREATE, COORDINATOR, {}, {"programme": "aft", "name": "A", "places": 3,
                                               "start_date": "2026-01-05"})
    assert data["start_date"] == "2026-01-05" and data["start_mode"] == "rolling"


def test_call_picks_the_action_and_wraps_a_listing():
    assert call(App(), LIST, CASEWORKER, {}, query={"limit": "3"}) == \
        {"things": [{"limit": "3"}], "next_offset": 5}
    assert call(App(), ACT, CASEWORKER, {"thing_id": "t", "action": "reject"},
                {"reason": "moved"})["action"] == (Reject, {"reason": "moved"})
    with pytest.raises(NotFoundError) as err:
        call(App(), ACT, CASEWORKER, {"thing_id": "t", "action": "explode"}, {})
    assert "reject" in str(err.value)
