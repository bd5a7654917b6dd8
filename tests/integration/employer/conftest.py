"""The employer service's fixtures: the service on real RabbitMQ + MongoDB-wire, a stand-in
placement source, and API clients of two organisations."""
import base64
import os

import pytest

from services.employer.service import EmployerService
from tests.integration.placement_source import PlacementSource
from tests.support import ApiClient, free_port

TOKENS = {"coordinator-a": "tok-emp-coordinator-a-01", "caseworker-a": "tok-emp-caseworker-a-001",
          "caseworker-b": "tok-emp-caseworker-b-001"}
AUTH = {TOKENS["coordinator-a"]: {"org": "org-a", "role": "coordinator", "id": "co-a"},
        TOKENS["caseworker-a"]: {"org": "org-a", "role": "caseworker", "id": "cw-a"},
        TOKENS["caseworker-b"]: {"org": "org-b", "role": "caseworker", "id": "cw-b"}}
FIRM = {"country": "NO", "org_number": "988 077 917", "name": "Fjord Verksted AS",
        "sector": "manufacturing", "municipality": "4601",
        "contact": {"name": "Per Hansen", "phone": "+47 55 00 00 00"}}


@pytest.fixture
def config(rabbit_config, web_config, mongo_uri, db_prefix):
    return {**rabbit_config, **web_config, "MONGO_URI": mongo_uri, "MONGO_DB_PREFIX": db_prefix,
            "RELAY_POLL_SECONDS": 0.2, "AUTH_TOKENS": AUTH,
            "VAULT_MASTER_KEY": base64.b64encode(os.urandom(32)).decode()}


@pytest.fixture
def dbs(database):
    return {name: database(name) for name in ("employer", "employer_keys", "placement")}


@pytest.fixture
def api(runner_factory, container_factory, config, web_config_port, dbs):
    runner_factory(config, EmployerService).start()
    # its own web server: two containers cannot share one port
    container_factory(PlacementSource,
                      {**config, "WEB_SERVER_ADDRESS": f"127.0.0.1:{free_port()}"}).start()
    base = f"http://127.0.0.1:{web_config_port}"
    return {k: ApiClient(base, t) for k, t in TOKENS.items()}
