"""The platform's services together on real RabbitMQ + MongoDB-wire, each on its own port."""
import base64
import os

import pytest

from services.employer.service import EmployerService
from services.intake.service import IntakeService
from services.notify.service import NotifyService
from services.placement.service import PlacementService
from services.reporting.service import ReportingService
from services.workbench.service import WorkbenchService
from tests.e2e.processes import Instance
from tests.support import ApiClient, free_port, wait_until

TOKENS = {"caseworker": "tok-e2e-caseworker-org-a", "coordinator": "tok-e2e-coordinator-org-a",
          "caseworker-b": "tok-e2e-caseworker-org-b", "coordinator-b": "tok-e2e-coordinator-org-b",
          "auditor": "tok-e2e-auditor-org-a-0001", "auditor-b": "tok-e2e-auditor-org-b-0001",
          "hub": "tok-e2e-auditor-hub-000001", "admin": "tok-e2e-admin-hub-00000001",
          "caseworker-c": "tok-e2e-caseworker-org-c", "coordinator-c": "tok-e2e-coordinator-org-c",
          "caseworker-d": "tok-e2e-caseworker-org-d",
          "funder": "tok-e2e-funder-nav-agder-01", "funder-af": "tok-e2e-funder-af-000001"}
AUTH = {TOKENS["caseworker"]: {"org": "org-a", "role": "caseworker", "id": "cw-anne"},
        TOKENS["coordinator"]: {"org": "org-a", "role": "coordinator", "id": "co-ola"},
        TOKENS["caseworker-b"]: {"org": "org-b", "role": "caseworker", "id": "cw-bo"},
        TOKENS["coordinator-b"]: {"org": "org-b", "role": "coordinator", "id": "co-bea"},
        TOKENS["auditor"]: {"org": "org-a", "role": "auditor", "id": "au-siri"},
        TOKENS["auditor-b"]: {"org": "org-b", "role": "auditor", "id": "au-bjorn"},
        TOKENS["hub"]: {"org": "hub", "role": "auditor", "id": "au-hub"},
        TOKENS["admin"]: {"org": "hub", "role": "admin", "id": "ad-hub"},
        TOKENS["caseworker-c"]: {"org": "org-c", "role": "caseworker", "id": "cw-cato"},
        TOKENS["coordinator-c"]: {"org": "org-c", "role": "coordinator", "id": "co-cille"},
        TOKENS["caseworker-d"]: {"org": "org-d", "role": "caseworker", "id": "cw-dag"},
        TOKENS["funder"]: {"org": "nav-agder", "role": "funder", "id": "fu-nav"},
        TOKENS["funder-af"]: {"org": "af", "role": "funder", "id": "fu-af"}}
WEBHOOK_SECRET = "e2e-webhook-secret-0123456789abcdef"
# The hub reads the organisations' events, and administers their contracts (six: Aust-Agder's).
GRANTS = {"hub": ["org-a", "org-b", "org-c", "org-d", "org-e", "org-f"]}
SERVICES = {"intake": IntakeService, "employer": EmployerService, "placement": PlacementService,
            "reporting": ReportingService, "notify": NotifyService,
            "workbench": WorkbenchService}


@pytest.fixture
def base_config(rabbit_config, mongo_uri, db_prefix):
    return {**rabbit_config, "MONGO_URI": mongo_uri, "MONGO_DB_PREFIX": db_prefix,
            "RELAY_POLL_SECONDS": 0.2, "AUTH_TOKENS": AUTH, "FEED_GRANTS": GRANTS,
            "VAULT_MASTER_KEY": base64.b64encode(os.urandom(32)).decode(),
            "WEBHOOK_SECRET": WEBHOOK_SECRET}


@pytest.fixture
def dbs(database):
    return {name: database(name) for name in ("intake", "intake_keys", "employer", "placement",
                                              "reporting", "notify")}


@pytest.fixture
def platform(container_factory, base_config, dbs):
    """Start the named services in nameko; returns {service: {role: ApiClient}}. The containers
    are kept in ``start.containers`` (to stop one in a test); ``start.config`` is added to each
    service's config (e.g. the SMTP server of a test)."""
    def start(*names):
        apis = {}
        for name in names:
            port = free_port()
            container = container_factory(
                SERVICES[name], {**base_config, **start.config,
                                 "WEB_SERVER_ADDRESS": f"127.0.0.1:{port}"})
            container.start()
            start.containers[name] = container
            apis[name] = {role: ApiClient(f"http://127.0.0.1:{port}", token)
                          for role, token in TOKENS.items()}
        return apis
    start.containers, start.config = {}, {}
    return start


@pytest.fixture
def intake_process(base_config, tmp_path, dbs):
    """Intake as a `pathways-service` process of its own, as in production (tried from outside);
    killed afterwards."""
    intake = Instance("intake", 0, base_config, tmp_path)
    intake.start()
    try:
        wait_until(intake.up, timeout=60, what="intake to start")
        yield intake
    finally:
        intake.proc.kill()
        intake.proc.wait()
