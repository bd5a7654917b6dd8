"""The Compose files against the Compose Specification's JSON schema (no Docker engine here), and
every container's command against the code it names."""
import importlib
import json
import os
import re
import subprocess
import sys
import zipfile

import pytest
import yaml
from jsonschema import Draft7Validator

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
FILES = ["docker-compose.yml", "deploy/multi-org/docker-compose.multi-org.yml"]
INFRASTRUCTURE = {"rabbitmq", "rabbitmq-b", "mongodb"}


@pytest.fixture(scope="module")
def compose_schema():
    """The Compose Specification schema, as shipped in the docker-compose 1.29.2 wheel (PyPI)."""
    cache = os.path.join(ROOT, ".local", "wheels")
    wheel = os.path.join(cache, "docker_compose-1.29.2-py2.py3-none-any.whl")
    if not os.path.exists(wheel):
        subprocess.run([sys.executable, "-m", "pip", "download", "-q", "--no-deps", "-d", cache,
                        "docker-compose==1.29.2"], check=True, timeout=300)
    with zipfile.ZipFile(wheel) as z:
        return json.loads(z.read("compose/config/compose_spec.json"))


def load(path):
    with open(os.path.join(ROOT, path)) as f:
        return yaml.safe_load(f)


@pytest.mark.parametrize("path", FILES)
def test_compose_files_are_valid_against_the_specification(compose_schema, path):
    errors = sorted(Draft7Validator(compose_schema).iter_errors(load(path)), key=str)
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors)


@pytest.mark.parametrize("path", FILES)
def test_every_container_has_a_healthcheck_and_waits_for_what_it_needs(path):
    services = load(path)["services"]
    for name, svc in services.items():
        assert "healthcheck" in svc, f"{name} has no healthcheck"
        if name in INFRASTRUCTURE:
            continue
        depends = svc["depends_on"]
        assert all(d["condition"] == "service_healthy" for d in depends.values()), name
        assert "mongodb" in depends and depends.keys() & {"rabbitmq", "rabbitmq-b"}, \
            f"{name} does not wait for its broker and database"


@pytest.mark.parametrize("path", FILES)
def test_every_service_command_names_a_nameko_service_that_exists(path):
    for name, svc in load(path)["services"].items():
        if name in INFRASTRUCTURE:
            continue
        command = svc["command"]
        assert command[:4] == ["nameko", "run", "--config", "/app/config.yaml"], name
        module, cls = command[4].split(":")
        service = getattr(importlib.import_module(module), cls)
        assert service.name in name or (name, service.name) == ("hub", "reporting")


def test_no_secret_is_written_in_the_compose_files():
    env_example = open(os.path.join(ROOT, ".env.example")).read()
    for path in FILES:
        text = open(os.path.join(ROOT, path)).read()
        for key in ("AUTH_TOKENS", "VAULT_MASTER_KEY", "RABBITMQ_DEFAULT_PASS"):
            for value in re.findall(rf"{key}: (.*)", text):
                assert value.strip().startswith("${"), f"{path}: {key} is not from .env"
        for variable in re.findall(r"\$\{([A-Z_]+)[:?}-]", text):
            assert f"{variable}=" in env_example, f"{variable} is missing from .env.example"
