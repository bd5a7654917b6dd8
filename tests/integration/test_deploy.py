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
STAND_INS = ["deploy/compose/stand-ins.yml", "deploy/compose/stand-ins.multi-org.yml"]
INFRASTRUCTURE = {"rabbitmq", "rabbitmq-b", "mongodb", "proxy"}
ONE_SHOT = {"preflight"}
MONITORING = "deploy/monitoring"
OVERLAY = f"{MONITORING}/docker-compose.monitoring.yml"


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


class ComposeLoader(yaml.SafeLoader):
    """YAML as Compose reads it: nameko's parser (set up by other tests, process-wide) would
    substitute ${VAR} in every SafeLoader."""


def load(path):
    ComposeLoader.yaml_implicit_resolvers = {
        first: [r for r in resolvers if r[0] != "!env_var"]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()}
    with open(os.path.join(ROOT, path)) as f:
        return yaml.load(f, Loader=ComposeLoader)


@pytest.mark.parametrize("path", FILES + STAND_INS)
def test_compose_files_are_valid_against_the_specification(compose_schema, path):
    errors = sorted(Draft7Validator(compose_schema).iter_errors(load(path)), key=str)
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors)


@pytest.mark.parametrize("path", FILES)
def test_every_container_has_a_healthcheck_and_waits_for_what_it_needs(path):
    services = load(path)["services"]
    for name, svc in services.items():
        if name in ONE_SHOT:
            assert svc["restart"] == "no" and "healthcheck" not in svc, name
            continue
        assert "healthcheck" in svc, f"{name} has no healthcheck"
        if name in INFRASTRUCTURE:
            continue
        depends = svc["depends_on"]
        assert all(d["condition"] == ("service_completed_successfully" if dep in ONE_SHOT
                                      else "service_healthy") for dep, d in depends.items()), name
        assert "mongodb" in depends and depends.keys() & {"rabbitmq", "rabbitmq-b"}, \
            f"{name} does not wait for its broker and database"


def test_no_service_of_organisation_a_starts_before_the_preflight_passed():
    """A bad setting stops ``up`` at the preflight (``pathways check-config``), never a service
    in a restart loop; the preflight checks every service that the file starts."""
    services = load("docker-compose.yml")["services"]
    checked = {spec.split(":")[0] for spec in services["preflight"]["command"][2:]}
    for name, svc in services.items():
        if name in INFRASTRUCTURE | ONE_SHOT:
            continue
        assert svc["depends_on"]["preflight"]["condition"] == "service_completed_successfully"
        assert name in checked, f"the preflight does not check {name}"


@pytest.mark.parametrize("path", FILES)
def test_every_service_command_names_a_nameko_service_that_exists(path):
    for name, svc in load(path)["services"].items():
        if name in INFRASTRUCTURE:
            continue
        if name in ONE_SHOT:
            continue
        command = svc["command"]
        assert command[0] == "pathways-service" and len(command) == 2, name
        module, cls = command[1].split(":")
        service = getattr(importlib.import_module(module), cls)
        assert service.name in name or (name, service.name) == ("hub", "reporting")


def test_no_secret_is_written_in_the_compose_files():
    env_example = open(os.path.join(ROOT, ".env.example")).read()
    for path in [*FILES, OVERLAY]:
        text = open(os.path.join(ROOT, path)).read()
        for key in ("AUTH_TOKENS", "VAULT_MASTER_KEY", "RABBITMQ_DEFAULT_PASS",
                    "GF_SECURITY_ADMIN_PASSWORD"):
            for value in re.findall(rf"{key}: (.*)", text):
                assert value.strip().startswith("${"), f"{path}: {key} is not from .env"
        for variable in re.findall(r"\$\{([A-Z_]+)[:?}-]", text):
            assert f"{variable}=" in env_example, f"{variable} is missing from .env.example"


def test_the_monitoring_overlay_is_valid_and_scrapes_every_service(compose_schema):
    overlay = load(OVERLAY)
    errors = sorted(Draft7Validator(compose_schema).iter_errors(overlay), key=str)
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors)
    services = {name for name in load("docker-compose.yml")["services"]
                if name not in INFRASTRUCTURE | ONE_SHOT}
    scrape = load(f"{MONITORING}/prometheus.yml")["scrape_configs"][0]
    assert scrape["metrics_path"] == "/metrics"
    assert set(scrape["static_configs"][0]["targets"]) == {f"{s}:8000" for s in services}
    for name, svc in overlay["services"].items():
        assert "healthcheck" in svc, name
        for volume in svc.get("volumes", ()):
            source = volume.split(":")[0]
            if source.startswith("./"):      # relative to the project directory
                assert os.path.exists(os.path.join(ROOT, source)), (name, source)
        assert all(p.startswith("127.0.0.1:") for p in svc.get("ports", ())), name


def test_the_grafana_dashboard_charts_only_metrics_the_services_export():
    from prometheus_client.metrics import MetricWrapperBase
    from pathways.operations import metrics
    exported = {family.name + suffix for metric in vars(metrics).values()
                if isinstance(metric, MetricWrapperBase) for family in metric.describe()
                for suffix in ("", "_total", "_bucket", "_count", "_sum")}
    with open(os.path.join(ROOT, MONITORING, "grafana", "dashboards", "pathways.json")) as f:
        dashboard = json.load(f)
    datasource = load(f"{MONITORING}/grafana/provisioning/datasources/prometheus.yml")
    uid = datasource["datasources"][0]["uid"]
    charted = set()
    for panel in dashboard["panels"]:
        assert panel["datasource"]["uid"] == uid, panel["title"]
        for target in panel["targets"]:
            charted |= set(re.findall(r"\bpathways_\w+", target["expr"]))
    assert charted and charted <= exported, charted - exported
    assert {"pathways_commands_total", "pathways_relay_lag_events",
            "pathways_consumer_lag_events", "pathways_dead_letters",
            "pathways_http_request_seconds_bucket"} <= charted


@pytest.mark.parametrize("path", ["deploy/docker/nameko.yaml", "deploy/local/nameko.yaml"])
def test_the_config_files_pass_every_key_a_service_reads(path):
    """nameko passes a service only the keys its config file names: a key missing there is an
    environment variable silently ignored (the containers once ignored FEED_GRANTS and
    TIME_ZONE)."""
    from ops.preflight import SERVICES, service_class
    from pathways.operations.settings import Settings

    class Reading(dict):
        def get(self, key, default=None):
            read.add(key)
            return super().get(key, default)

        def __getitem__(self, key):
            read.add(key)
            return super().__getitem__(key)

    read = set()
    for name in SERVICES:
        try:
            getattr(service_class(name), "settings", Settings).from_config(Reading(), name)
        except ValueError:
            pass   # an empty config is a bad one: what matters is which keys were read
    text = open(os.path.join(ROOT, path)).read()
    named = set(re.findall(r"^([A-Z_]+):", text, re.M))
    assert read and read <= named, f"{path} lacks {sorted(read - named)}"
