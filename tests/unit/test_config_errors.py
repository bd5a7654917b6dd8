"""A bad configuration stops a service at start with a message that names the key."""
import json
import re

import pytest

from pathways.operations.config import service_areas_from
from pathways.security.callers import load_tokens
from services.intake.vault import master_key_from
from services.reporting.app import load_feeds


@pytest.mark.parametrize("raw,message", [
    ("{not json", "AUTH_TOKENS is not valid JSON"),
    (["a list"], "AUTH_TOKENS must map tokens"),
    ({"tok-0123456789abcdef": {"org": "a", "role": "wizard", "id": "x"}}, "role 'wizard'"),
    ({"tok-0123456789abcdef": {"org": "a", "role": "caseworker"}}, "needs org, role, id"),
    ({"short": {"org": "a", "role": "caseworker", "id": "x"}}, "shorter than 16"),
])
def test_bad_auth_tokens(raw, message):
    with pytest.raises(ValueError, match=message):
        load_tokens(raw)


def test_good_auth_tokens_as_json_string():
    tokens = load_tokens('{"tok-0123456789abcdef": {"org": "a", "role": "auditor", "id": "x"}}')
    assert tokens["tok-0123456789abcdef"].actor == {"type": "system", "id": "x"}


@pytest.mark.parametrize("value", [None, "", "not base64!", "c2hvcnQ="])
def test_bad_vault_master_key(value):
    with pytest.raises(ValueError, match="VAULT_MASTER_KEY must be 32 random bytes"):
        master_key_from(value)


@pytest.mark.parametrize("raw", ['{"a": "ftp://x"}', '{"a": {"token": "t"}}', "[1]"])
def test_bad_reporting_feeds(raw):
    with pytest.raises(ValueError, match="REPORTING_FEEDS must map feed names"):
        load_feeds(raw)


def test_feed_grants_are_checked_at_start():
    from pathways.security.callers import ALL_ORGS, load_grants
    assert load_grants('{"hub": ["org-a", "org-b"], "audit": "*"}') == {
        "hub": frozenset({"org-a", "org-b"}), "audit": ALL_ORGS}
    for bad, says in (("{nope", "not valid JSON"), ("[1]", "must map"),
                      ({"hub": "org-a"}, "FEED_GRANTS['hub']"), ({"hub": [""]}, "FEED_GRANTS")):
        with pytest.raises(ValueError) as err:
            load_grants(bad)
        assert says in str(err.value)


def test_time_zones_are_checked_at_start():
    from pathways.operations.config import zones_from
    zone_of = zones_from({"TIME_ZONE": "Europe/Copenhagen",
                          "ORG_TIME_ZONES": '{"af-malmo": "Europe/Stockholm"}'})
    assert (str(zone_of("af-malmo")), str(zone_of("anyone"))) == ("Europe/Stockholm",
                                                                  "Europe/Copenhagen")
    for config, says in (({"TIME_ZONE": "Mars/Olympus"}, "Mars/Olympus"),
                         ({"ORG_TIME_ZONES": '{"a": "Nowhere"}'}, "Nowhere"),
                         ({"ORG_TIME_ZONES": "[1]"}, "ORG_TIME_ZONES")):
        with pytest.raises(ValueError) as err:
            zones_from(config)
        assert says in str(err.value)


def test_the_date_of_occurred_at_is_the_business_date_also_just_after_midnight():
    from datetime import datetime, timezone

    from pathways.timeutil import business_time, iso, zone
    oslo = zone("Europe/Oslo")
    night = datetime(2026, 11, 23, 23, 30, tzinfo=timezone.utc)    # 00:30 on the 24th in Oslo
    assert iso(business_time("2026-11-24", oslo, night))[:10] == "2026-11-24"
    noon = datetime(2026, 11, 24, 11, 0, tzinfo=timezone.utc)
    assert business_time("2026-11-24", oslo, noon) == noon         # today: the moment itself
    assert iso(business_time("2024-03-01", oslo, noon)) == "2024-03-01T12:00:00.000000Z"


def test_a_services_settings_are_read_in_one_place_and_every_bad_key_is_named_at_once():
    from pathways.operations.settings import Settings, SettingsError, VaultSettings

    good = {"AMQP_URI": "pyamqp://guest:guest@localhost:5672/", "MONGO_URI": "mongodb://x/"}
    settings = Settings.from_config(good, "placement")
    assert (settings.mongo_db, settings.relay_poll_seconds, settings.health_max_relay_lag,
            dict(settings.tokens), dict(settings.feeds)) == ("pathways_placement", 0.5, 10_000,
                                                               {}, {})
    assert str(settings.zone_of("org-a")) == "Europe/Oslo"
    with pytest.raises(SettingsError) as err:
        VaultSettings.from_config({"AMQP_URI": "pyamqp://x", "RELAY_POLL_SECONDS": "soon",
                                   "HEALTH_MAX_RELAY_LAG": -1, "FEEDS": {"intake": "ftp://x"},
                                   "TIME_ZONE": "Mars/Olympus"}, "intake")
    said = str(err.value)
    assert said.startswith("config error in intake: ")
    for key in ("MONGO_URI is not set", "RELAY_POLL_SECONDS must be a number > 0, not 'soon'",
                "HEALTH_MAX_RELAY_LAG must be a number >= 0", "FEEDS['intake']",
                "Mars/Olympus", "VAULT_MASTER_KEY must be 32 random bytes"):
        assert key in said, (key, said)
    assert len(err.value.problems) == 6


def test_feeds_over_http_may_carry_a_token_as_readme_says():
    from pathways.operations.settings import Settings

    feeds = {"intake": "rpc", "employer": "https://employer.example",
             "placement": {"url": "https://placement.example", "token": "tok-0123456789abcdef"}}
    settings = Settings.from_config({"AMQP_URI": "pyamqp://x", "MONGO_URI": "mongodb://x/",
                                     "FEEDS": json.dumps(feeds)}, "reporting")
    assert settings.feeds == feeds
    assert load_feeds({"hub.intake": {"url": "https://a.example", "token": "t"}})


@pytest.mark.parametrize("raw,message", [
    ('{"org-a": "4201"}', r"SERVICE_AREAS\['org-a'\] must be a list"),
    ('{"org-a": ["Oslo"]}', r"SERVICE_AREAS\['org-a'\] must be a list"),
    ("[1]", "SERVICE_AREAS must map organisations"),
    ("{broken", "SERVICE_AREAS is not valid JSON"),
])
def test_bad_service_areas(raw, message):
    with pytest.raises(ValueError, match=message):
        service_areas_from({"SERVICE_AREAS": raw})


def test_service_areas_as_json_string():
    assert service_areas_from({"SERVICE_AREAS": '{"org-a": ["4201", "0301"]}'}) == \
        {"org-a": ("4201", "0301")}


def test_the_suppression_threshold_is_a_whole_number_of_two_or_more():
    from pathways.operations.settings import SettingsError
    from services.reporting.service import ReportingSettings
    good = {"AMQP_URI": "pyamqp://guest:guest@localhost:5672/", "MONGO_URI": "mongodb://x/"}
    assert ReportingSettings.from_config(good, "reporting").suppress_below == 5
    assert ReportingSettings.from_config({**good, "SUPPRESS_BELOW": 10},
                                         "reporting").suppress_below == 10
    for bad in (1, 0, "few", True):
        with pytest.raises(SettingsError, match="SUPPRESS_BELOW must be a number"):
            ReportingSettings.from_config({**good, "SUPPRESS_BELOW": bad}, "reporting")


def test_an_openid_connect_issuer_is_checked_at_start():
    from pathways.operations.settings import Settings, SettingsError
    from pathways.security.issued import IssuedTokens
    good = {"AMQP_URI": "pyamqp://guest:guest@localhost:5672/", "MONGO_URI": "mongodb://x/"}
    tokens = Settings.from_config({**good, "OIDC_ISSUER": "https://idp.example/realms/a"},
                                  "intake").tokens
    assert isinstance(tokens, IssuedTokens) and tokens.audience == "pathways"
    assert tokens.get("not-a-jwt") is None
    for bad, said in (({"OIDC_ISSUER": "idp.example"}, "OIDC_ISSUER must be"),
                      ({"OIDC_ISSUER": "https://i", "OIDC_CLAIMS": {"name": "n"}},
                       "OIDC_CLAIMS names ['name']")):
        with pytest.raises(SettingsError, match=re.escape(said)):
            Settings.from_config({**good, **bad}, "intake")
