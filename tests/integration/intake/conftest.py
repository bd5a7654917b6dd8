import base64
import os
import time

import pytest


from pathways.runtime.entrypoints import event_handler
from pathways.runtime import ServiceDatabase
from services.intake.service import IntakeService
from services.intake.views import RUN_EVENTS
from tests.support import ApiClient

TOKENS = {
    "caseworker-a": "tok-caseworker-org-a-0001",
    "coordinator-a": "tok-coordinator-org-a-01",
    "auditor-a": "tok-auditor-org-a-000001",
    "caseworker-b": "tok-caseworker-org-b-0001",
}
AUTH_TOKENS = {
    TOKENS["caseworker-a"]: {"org": "org-a", "role": "caseworker", "id": "cw-anne"},
    TOKENS["coordinator-a"]: {"org": "org-a", "role": "coordinator", "id": "co-ola"},
    TOKENS["auditor-a"]: {"org": "org-a", "role": "auditor", "id": "au-siri"},
    TOKENS["caseworker-b"]: {"org": "org-b", "role": "caseworker", "id": "cw-bo"},
}
ALL_EVENTS = [cls.type for cls in RUN_EVENTS] + ["ParticipantRegistered", "ParticipantDataErased"]


class Recorder:
    """Records every intake event that arrives over RabbitMQ."""
    name = "recorder"
    db = ServiceDatabase()


for _type in ALL_EVENTS:
    def _record(self, event, _type=_type):
        self.db["received"].insert_one({"event": event, "arrived": time.time()})
    _record.__name__ = f"on_{_type}"
    setattr(Recorder, _record.__name__, event_handler("intake", _type)(_record))


@pytest.fixture
def config(rabbit_config, web_config, mongo_uri, db_prefix):
    return {**rabbit_config, **web_config, "MONGO_URI": mongo_uri, "MONGO_DB_PREFIX": db_prefix,
            "RELAY_POLL_SECONDS": 0.2, "AUTH_TOKENS": AUTH_TOKENS,
            "VAULT_MASTER_KEY": base64.b64encode(os.urandom(32)).decode()}


@pytest.fixture
def dbs(database):
    return {name: database(name) for name in ("intake", "intake_keys", "recorder")}


class Client(ApiClient):
    """The shared client, answering with the response itself (tests look at status codes)."""

    def post(self, path, body=None, expect=None, **kw):
        resp = self.session.post(self.base + path, json=body if body is not None else {}, **kw)
        if expect is not None:
            assert resp.status_code == expect, (path, resp.status_code, resp.text)
        return resp

    def get(self, path, expect=None, **kw):
        resp = self.session.get(self.base + path, **kw)
        if expect is not None:
            assert resp.status_code == expect, (path, resp.status_code, resp.text)
        return resp


@pytest.fixture
def intake(runner_factory, config, web_config_port, dbs):
    runner = runner_factory(config, IntakeService, Recorder)
    runner.start()
    base = f"http://127.0.0.1:{web_config_port}"
    return {name: Client(base, token) for name, token in TOKENS.items()} | {"base": base}


PERSON = {"country": "NO", "national_id": "15108695088", "given_name": "Kari",
          "family_name": "Nordmann", "email": "kari@example.no", "phone": "+47 912 34 567",
          "municipality": "0301", "needs_group": "situational", "notes": "Wants office work."}
