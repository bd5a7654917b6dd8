"""The services' nameko configs load as `nameko run` loads them (its YAML parser, values from the
environment) and their logging configs apply: a quoted ${VAR} is not substituted by nameko, and
an unknown level or formatter stops a container before it logs a line."""
import io
import json
import logging
import logging.config

import pytest
import yaml
from nameko.cli.main import setup_yaml_parser

from tests.support import ROOT

CONFIGS = ["deploy/local/nameko.yaml", "deploy/docker/nameko.yaml"]


def load(path, monkeypatch, **env):
    for key, value in {"AMQP_URI": "pyamqp://x", "MONGO_URI": "mongodb://x/", **env}.items():
        monkeypatch.setenv(key, value)
    setup_yaml_parser()
    with open(f"{ROOT}/{path}") as f:
        return yaml.safe_load(f)


@pytest.mark.parametrize("path", CONFIGS)
@pytest.mark.parametrize("log_format", ["plain", "json"])
def test_the_logging_config_applies_in_both_formats(path, log_format, monkeypatch):
    config = load(path, monkeypatch, LOG_FORMAT=log_format, LOG_LEVEL="WARNING",
                  PATHWAYS_SERVICE="intake")
    assert "${" not in json.dumps(config), "a value nameko did not substitute"
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    try:
        logging.config.dictConfig(config["LOGGING"])
        assert root.level == logging.WARNING
        out = io.StringIO()
        root.handlers[0].setStream(out)
        logging.getLogger("pathways.test").warning("hello")
        line = out.getvalue().strip()
        if log_format == "json":
            assert json.loads(line)["message"] == "hello"
            assert json.loads(line)["service"] == "intake"
        else:
            assert line.endswith("WARNING pathways.test: hello")
    finally:
        root.handlers[:], root.level = saved
