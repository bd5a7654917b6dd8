"""The OpenAPI document of intake's HTTP API, generated from its marshmallow schemas."""
import functools

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin

from services.intake import schemas

ERRORS = {
    "400": {"description": "invalid input; `errors` maps each field to its messages"},
    "401": {"description": "missing or unknown token"},
    "403": {"description": "the caller's role may not do this"},
    "404": {"description": "not found (or another organisation's)"},
    "409": {"description": "a rule refuses it; `error` names the rule"},
}


def _op(summary, body=None, ok="200", extra_params=()):
    op = {"summary": summary, "security": [{"bearer": []}],
          "responses": {ok: {"description": "OK"}, **ERRORS}}
    if body is not None:
        op["requestBody"] = {"required": True,
                             "content": {"application/json": {"schema": body}}}
    if extra_params:
        op["parameters"] = list(extra_params)
    return op


def _path_params(*names):
    return [{"in": "path", "name": n, "required": True, "schema": {"type": "string"}}
            for n in names]


@functools.lru_cache(maxsize=1)
def openapi_document():
    spec = APISpec(title="Pathways intake", version="1.0.0", openapi_version="3.0.3",
                   plugins=[MarshmallowPlugin()])
    spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer"})
    for name, schema in (("CreateRun", schemas.CreateRunSchema),
                         ("Participant", schemas.ParticipantSchema),
                         ("Refer", schemas.ReferSchema)):
        spec.components.schema(name, schema=schema)
    spec.path(path="/runs", operations={
        "post": _op("Create a programme run (coordinator, admin)", "CreateRun", "201"),
        "get": _op("List the organisation's programme runs with places in use")})
    spec.path(path="/runs/{run_id}", parameters=_path_params("run_id"), operations={
        "get": _op("A programme run with its enrolments and waiting list")})
    spec.path(path="/runs/{run_id}/enrolments", parameters=_path_params("run_id"), operations={
        "post": _op("Refer a registered participant to the run", "Refer", "201")})
    spec.path(path="/runs/{run_id}/enrolments/{enrolment_id}",
              parameters=_path_params("run_id", "enrolment_id"),
              operations={"get": _op("One enrolment")})
    for action, (command, schema) in schemas.ENROLMENT_ACTIONS.items():
        body = None
        if schema is not schemas.EmptySchema:
            spec.components.schema(command, schema=schema)
            body = command
        spec.path(path=f"/runs/{{run_id}}/enrolments/{{enrolment_id}}/{action}",
                  parameters=_path_params("run_id", "enrolment_id"),
                  operations={"post": _op(f"{command} on an enrolment", body)})
    spec.path(path="/participants", operations={
        "post": _op("Register a participant; personal data goes to the vault only",
                    "Participant", "201")})
    spec.path(path="/participants/{participant_id}", parameters=_path_params("participant_id"),
              operations={"get": _op(
                  "Read personal data (caseworker, coordinator); the read is recorded",
                  extra_params=[{"in": "query", "name": "purpose", "required": True,
                                 "schema": {"type": "string"}}])})
    spec.path(path="/participants/{participant_id}/erase",
              parameters=_path_params("participant_id"),
              operations={"post": _op("Erase personal data (crypto-shredding)")})
    spec.path(path="/events", operations={"get": {
        "summary": "The service's event log as a paged feed",
        "parameters": [{"in": "query", "name": n, "schema": {"type": t}}
                       for n, t in (("after", "integer"), ("limit", "integer"),
                                    ("format", "string"))],
        "responses": {"200": {"description": "events after the position"},
                      "400": ERRORS["400"]}}})
    return spec.to_dict()
