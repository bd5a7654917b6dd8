"""Property-based fuzzing of every service's OpenAPI document (schemathesis, a bounded number of
derandomised examples per operation): no server error, no status code or body the document does
not describe, and no refused request leaves a write behind; every log still verifies
afterwards."""
import requests
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import (not_a_server_error, response_schema_conformance,
                                 status_code_conformance)

from pathways.eventstore import EventStore
from tests.e2e.conftest import TOKENS

schemathesis.experimental.OPEN_API_3_1.enable()   # the documents are OpenAPI 3.1
EXAMPLES = 12   # per operation and caller; ~60 operations, so about 1,500 requests in all
CALLERS = ("coordinator", "caseworker-b")


def fuzz(operation, base, token, heads):
    strategy = operation.as_strategy()

    @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    @given(case=strategy)
    def check(case):
        before = heads()
        response = case.call(base_url=base, headers={"Authorization": f"Bearer {token}"},
                             timeout=30, allow_redirects=False)
        case.validate_response(response, checks=(not_a_server_error, status_code_conformance,
                                                 response_schema_conformance))
        if response.status_code >= 300:
            assert heads() == before, (case.method, case.formatted_path, response.status_code,
                                       "a refused request wrote to the log")
    check()


def test_every_operation_of_every_service_under_generated_input(platform, dbs):
    apps = platform("intake", "employer", "placement", "reporting")
    stores = {name: EventStore(dbs[name], name, validate=False)
              for name in ("intake", "employer", "placement", "reporting")}

    def heads():
        return {name: store.head()["position"] for name, store in stores.items()}
    operations = 0
    for name, clients in apps.items():
        base = clients["coordinator"].base
        schema = schemathesis.from_dict(requests.get(f"{base}/openapi.json").json(),
                                        base_url=base)
        for result in schema.get_all_operations():
            operation = result.ok()
            for who in CALLERS:
                fuzz(operation, base, TOKENS[who], heads)
            operations += 1
    assert operations > 50
    for name, store in stores.items():
        assert store.verify().ok, name
