"""The events partners consume are documented where they look: each service's AsyncAPI document
is valid AsyncAPI 3.0 (the published JSON Schema, which deploy/local/test fetches pinned), it
holds exactly the contracts the registry says the service publishes, on the exchange the
publisher uses, and the partner guide lists every event type and version, and the platform's
words for programme kinds, outcomes and milestones."""
import copy
import json
import os
import re

import jsonschema
import pytest

from pathways.contracts import REGISTRY, programmes
from pathways.messaging.publisher import exchange_name
from services.employer.service import EmployerService
from services.intake.service import IntakeService
from services.placement.service import PlacementService
from services.reporting.service import ReportingService
from tests.support import ROOT

SERVICES = [IntakeService, EmployerService, PlacementService, ReportingService]


@pytest.fixture(scope="module")
def asyncapi_validator():
    path = os.environ.get("PATHWAYS_ASYNCAPI_SCHEMA")
    assert path and os.path.exists(path), \
        "PATHWAYS_ASYNCAPI_SCHEMA is not set: run the suite with deploy/local/test"
    with open(path) as f:
        schema = json.load(f)
    return jsonschema.validators.validator_for(schema)(schema)


@pytest.mark.parametrize("cls", SERVICES, ids=lambda c: c.name)
def test_the_document_is_valid_asyncapi_3(cls, asyncapi_validator):
    document = cls.asyncapi_document()
    assert document["asyncapi"] == "3.0.0"
    errors = [f"{list(e.absolute_path)}: {e.message[:200]}"
              for e in asyncapi_validator.iter_errors(document)]
    assert not errors, errors[:5]
    broken = copy.deepcopy(document)
    del broken["info"]
    assert not asyncapi_validator.is_valid(broken)      # the check has teeth


@pytest.mark.parametrize("cls", SERVICES, ids=lambda c: c.name)
def test_the_document_holds_exactly_the_contracts_the_service_publishes(cls):
    document = cls.asyncapi_document()
    documented = {(m["name"], m["payload"]["allOf"][1]["properties"]["schema_version"]["const"])
                  for m in document["components"]["messages"].values()}
    assert documented == {(t, v) for t, v, _ in REGISTRY.contracts(owner=cls.name)}
    for type_, channel in document["channels"].items():
        assert channel["address"] == type_
        assert channel["bindings"]["amqp"]["exchange"]["name"] == exchange_name(cls.name)
    schemas = document["components"]["schemas"]
    for type_, version, contract in REGISTRY.contracts(owner=cls.name):
        assert set(schemas[f"{type_}V{version}"]["properties"]) == set(contract().fields)
    if cls is not ReportingService:
        assert document["channels"], cls.name


def test_the_partner_guide_lists_every_event_type_and_version():
    with open(os.path.join(ROOT, "docs", "partners.md")) as f:
        guide = f.read()
    listed = {(t, int(v), owner) for t, v, owner in
              re.findall(r"^\| `(\w+)` \| (\d+) \| (\w+) \|$", guide, re.MULTILINE)}
    assert listed == {(t, v, REGISTRY.owner(t)) for t, v, _ in REGISTRY.contracts()}
    assert f"`{exchange_name('<source>')}`" in guide and "GET /asyncapi.json" in guide


def _table(guide, header):
    """The rows of the guide's table whose header starts with ``header``: code -> cells."""
    block = guide.split(f"| {header} |", 1)[1].split("\n\n", 1)[0]
    return {m[1]: [c.strip() for c in m[2].split("|")[:-1]]
            for m in re.finditer(r"^\| `(\w+)` \|(.*)$", block, re.MULTILINE)}


def test_the_partner_guide_lists_every_kind_outcome_milestone_and_activity_in_four_languages():
    with open(os.path.join(ROOT, "docs", "partners.md")) as f:
        guide = f.read()
    kinds, outcomes = _table(guide, "kind"), _table(guide, "outcome")
    assert {k: (row[0].split(", ") if row[0] != "—" else [], row[2], row[-4:])
            for k, row in kinds.items()} == \
        {k: (list(kind.milestones), kind.judged_by, list(programmes.WORDS[k]))
         for k, kind in programmes.KINDS.items()}
    assert {o: (row[0], row[-4:]) for o, row in outcomes.items()} == \
        {o: (family, list(programmes.WORDS[o]))
         for o, family in programmes.OUTCOME_FAMILIES.items()}
    assert _table(guide, "milestone") == {m: list(programmes.WORDS[m])
                                          for m in programmes.MILESTONES}
    assert _table(guide, "activity") == {a: list(programmes.WORDS[a])
                                         for a in programmes.ACTIVITIES}
    assert _table(guide, "network activity") == {a: list(programmes.WORDS[a])
                                                 for a in programmes.NETWORK_ACTIVITIES}
    assert _table(guide, "need") == {a: list(programmes.WORDS[a])
                                     for a in programmes.CLIENT_NEEDS if a != "other"}
    assert {k: (row[0].split(", ") if row[0] != "—" else [], row[-4:])
            for k, row in _table(guide, "skill").items()} == \
        {k: (list(trained), list(programmes.WORDS[k])) for k, trained in programmes.SKILLS.items()}
