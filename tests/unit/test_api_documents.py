"""Each service's OpenAPI document is valid OpenAPI 3.1 and says what every operation answers:
a typed body for each success and each error, typed and bounded parameters, a summary of what
each step does, and enums that match the contracts. (The end-to-end tests check every answer they get against these documents.)"""
import jsonschema
import pytest
from openapi_spec_validator import validate

from pathways.contracts import intake as intake_contracts
from pathways.contracts import placement as placement_contracts
from services.employer.service import EmployerService
from services.intake import answers as intake_answers
from services.intake.domain import ACTIVE, FINAL
from services.intake.service import IntakeService
from services.placement import answers as placement_answers
from services.placement.domain import OPEN_STATES
from services.placement.service import PlacementService
from services.notify.service import NotifyService
from services.reporting.service import ReportingService

SERVICES = [IntakeService, EmployerService, PlacementService, ReportingService, NotifyService]


def operations(document):
    return [(method.upper(), path, op) for path, ops in document["paths"].items()
            for method, op in ops.items()]


@pytest.mark.parametrize("cls", SERVICES, ids=lambda c: c.name)
def test_the_document_is_valid_openapi_3_1(cls):
    document = cls.openapi_document()
    assert document["openapi"] == "3.1.0"
    validate(document)


@pytest.mark.parametrize("cls", SERVICES, ids=lambda c: c.name)
def test_every_answer_and_every_parameter_is_typed(cls):
    for method, path, op in operations(cls.openapi_document()):
        success = [s for s in op["responses"] if s.startswith("2")] or \
            [s for s in op["responses"] if s.startswith("3")]    # a sign-in answers a redirect
        assert len(success) == 1, (method, path)
        answer = op["responses"][success[0]]
        if success[0] != "303":
            assert answer.get("content"), (method, path, "documents no body")
        json_body = answer.get("content", {}).get("application/json")
        assert json_body is None or "$ref" in json_body["schema"] or \
            json_body["schema"]["type"] == "object", (method, path)
        bodied = ("411", "413") if "requestBody" in op else ()
        for status in ("400", "401", "403", "404", "408", "409", "414", "503", *bodied):
            content = op["responses"][status]["content"]
            if "text/html" in content:   # a page for a person (the dashboard's sign-in page)
                assert content["text/html"]["schema"] == {"type": "string"}, (method, path)
                continue
            if (path, status) == ("/health/ready", "503"):   # not ready: which check fails
                assert content["application/json"]["schema"] == \
                    {"$ref": "#/components/schemas/Ready"}
                continue
            assert content["application/json"]["schema"] == \
                {"$ref": "#/components/schemas/Error"}, (method, path, status)
        for param in op["parameters"]:
            schema = param["schema"]
            assert schema.get("type") or schema.get("enum"), (method, path, param["name"])
            if param["in"] == "query":
                assert set(schema) - {"type"}, (method, path, param["name"], "unbounded")
        assert op["operationId"] and "a step of" not in op["summary"], (method, path)


def test_documented_states_and_enums_are_the_domains():
    assert set(intake_answers.ENROLMENT_STATES) == set(ACTIVE) | set(FINAL)
    assert set(intake_answers.NEEDS) == set(intake_contracts.NEEDS_GROUPS)
    assert set(placement_answers.PLACEMENT_STATES) == set(OPEN_STATES) | {"ended"}
    assert set(placement_answers.END_MEANINGS) == set(placement_contracts.END_STATUSES)
    enrolment = IntakeService.openapi_document()["components"]["schemas"]["Enrolment"]
    state = enrolment["properties"]["state"]
    assert state["enum"] == list(intake_answers.ENROLMENT_STATES)
    assert "`waitlisted`: on the run's waiting list" in state["description"]
    assert enrolment["additionalProperties"] is False


def test_a_listing_documents_its_items_and_the_next_page():
    op = IntakeService.openapi_document()["paths"]["/runs"]["get"]
    schema = op["responses"]["200"]["content"]["application/json"]["schema"]
    assert schema["properties"]["runs"]["items"] == {"$ref": "#/components/schemas/RunSummary"}
    assert schema["required"] == ["runs", "next_offset"]
    limit = next(p for p in op["parameters"] if p["name"] == "limit")
    assert limit["schema"] == {"type": "integer", "default": 100, "minimum": 1, "maximum": 500}


@pytest.mark.parametrize("cls", SERVICES, ids=lambda c: c.name)
def test_every_example_is_what_its_schema_allows(cls):
    document = cls.openapi_document()
    examples, successes, errors = 0, 0, 0   # errors: the JSON error answers documented
    for method, path, op in operations(document):
        errors += sum(1 for status, answer in op["responses"].items()   # every error answer
                      if status >= "400" and answer.get("content", {}).get(
                          "application/json", {}).get("schema") == {
                          "$ref": "#/components/schemas/Error"})
        assert errors >= 8   # 400 401 403 404 408 409 414 503 at least
        for status, answer in op["responses"].items():
            for media in answer.get("content", {}).values():
                if "example" in media:
                    schema = {**media["schema"], "components": document["components"]}
                    jsonschema.validate(media["example"], schema,
                                        format_checker=jsonschema.FormatChecker())
                    examples += 1
                    successes += status < "400"
    assert examples - successes == errors                            # every error
    assert successes >= 3, successes                                  # the main answers


@pytest.mark.parametrize("cls", SERVICES, ids=lambda c: c.name)
def test_no_two_schemas_share_a_component_name(cls):
    """apispec names a component after its class (less ``Schema``): a body and an answer of one
    name would be documented as one of them (a request body once showed the answer's fields)."""
    seen = {}
    for route in cls.routes:
        for schema in (route.body, route.response, route.query):
            if isinstance(schema, type):
                name = schema.__name__.removesuffix("Schema")
                assert seen.setdefault(name, schema) is schema, (name, seen[name], schema)
