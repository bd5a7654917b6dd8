"""A service refuses to start on a bad configuration, and says why in one line: its settings,
and a master key that is not the one its personal data was sealed with. ``pathways-service`` and
``pathways check-config`` (Compose's preflight) make the same checks before anything starts."""
import base64
import os
import subprocess
import sys

import pytest

from pathways.errors import ConfigError
from pathways.security.privacy import SealedRecords, bind_master_key

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.path.dirname(sys.executable)
TOKENS = '{"tok-0123456789abcdef": {"org": "org-a", "role": "coordinator", "id": "x"}}'


def key():
    return os.urandom(32)


def test_the_first_key_binds_and_another_is_refused_naming_the_database(database):
    keys = database("keys")
    first = key()
    bind_master_key(keys, first, "participant_keys")
    bind_master_key(keys, first, "participant_keys")          # a restart with the same key
    with pytest.raises(ConfigError) as err:
        bind_master_key(keys, key(), "participant_keys", "EMPLOYER_VAULT_MASTER_KEY")
    assert "EMPLOYER_VAULT_MASTER_KEY is not the key" in str(err.value)
    assert f"{keys.name}.master_key" in str(err.value)


def test_a_database_sealed_before_the_check_is_judged_by_its_wrapped_keys(database):
    keys, data = database("keys"), database("data")
    old = key()
    SealedRecords(data["vault"], keys["participant_keys"], old).store("p-1", {"name": "Kari"})
    with pytest.raises(ConfigError, match=r"participant_keys"):
        bind_master_key(keys, key(), "participant_keys")
    assert keys["master_key"].count_documents({}) == 0        # a wrong key binds nothing
    bind_master_key(keys, old, "participant_keys")
    assert keys["master_key"].count_documents({}) == 1
    assert SealedRecords(data["vault"], keys["participant_keys"], old).read("p-1") == {
        "name": "Kari"}


def _env(mongo_uri, prefix, **values):
    env = {k: v for k, v in os.environ.items() if k not in ("AUTH_TOKENS", "VAULT_MASTER_KEY")}
    return {**env, "MONGO_URI": mongo_uri, "MONGO_DB_PREFIX": prefix, "PYTHONWARNINGS": "ignore",
            **values}


def test_pathways_service_refuses_a_bad_setting_in_one_line_with_status_78(mongo_uri, db_prefix):
    proc = subprocess.run(
        [f"{BIN}/pathways-service", "--config", "deploy/local/nameko.yaml",
         "services.placement.service:PlacementService"], cwd=ROOT, capture_output=True,
        text=True, timeout=60, env=_env(mongo_uri, db_prefix, AUTH_TOKENS='{"tok": [1'))
    assert proc.returncode == 78, proc.stderr[-2000:]
    assert proc.stderr.strip() == ("pathways-service: config error in placement: AUTH_TOKENS is "
                                   "not valid JSON: Expecting ',' delimiter: line 1 column 11 "
                                   "(char 10)")


def test_a_restart_with_another_master_key_is_refused_before_the_service_starts(
        mongo_uri, db_prefix, database):
    first, other = (base64.b64encode(key()).decode() for _ in range(2))
    check = [f"{BIN}/pathways", "check-config", "--config", "deploy/docker/nameko.yaml",
             "intake", "placement"]
    ok = subprocess.run(check, cwd=ROOT, capture_output=True, text=True, timeout=60,
                        env=_env(mongo_uri, db_prefix, AUTH_TOKENS=TOKENS, VAULT_MASTER_KEY=first))
    database("intake_keys")   # dropped afterwards
    assert ok.returncode == 0 and "configuration good" in ok.stdout, ok.stderr
    refused = subprocess.run(
        check, cwd=ROOT, capture_output=True, text=True, timeout=60,
        env=_env(mongo_uri, db_prefix, AUTH_TOKENS=TOKENS, VAULT_MASTER_KEY=other))
    assert refused.returncode == 78
    assert "VAULT_MASTER_KEY is not the key" in refused.stderr
    service = subprocess.run(
        [f"{BIN}/pathways-service", "--config", "deploy/local/nameko.yaml",
         "services.intake.service:IntakeService"], cwd=ROOT, capture_output=True, text=True,
        timeout=60, env=_env(mongo_uri, db_prefix, AUTH_TOKENS=TOKENS, VAULT_MASTER_KEY=other))
    assert service.returncode == 78
    assert "Traceback" not in service.stderr
    assert f"{db_prefix}_intake_keys.master_key" in service.stderr


def test_check_config_names_the_variable_a_deployment_renames(mongo_uri, db_prefix):
    proc = subprocess.run(
        [f"{BIN}/pathways", "check-config", "--config", "deploy/docker/nameko.yaml",
         "employer:VAULT_MASTER_KEY=EMPLOYER_VAULT_MASTER_KEY"], cwd=ROOT, capture_output=True,
        text=True, timeout=60, env=_env(mongo_uri, db_prefix, AUTH_TOKENS=TOKENS,
                                        VAULT_MASTER_KEY=base64.b64encode(key()).decode(),
                                        EMPLOYER_VAULT_MASTER_KEY="too-short"))
    assert proc.returncode == 78
    assert "config error in employer: VAULT_MASTER_KEY must be 32 random bytes" in proc.stderr
    assert "(VAULT_MASTER_KEY is EMPLOYER_VAULT_MASTER_KEY here)" in proc.stderr
