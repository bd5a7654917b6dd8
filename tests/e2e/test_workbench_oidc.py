"""OpenID Connect sign-in on the real servers, against a real provider started locally (NAV's
mock-oauth2-server from Maven Central, deploy/local/oidc): the workbench sends the browser to
the provider, takes the code back and signs the person in; every service accepts the access
token the provider signed, as that person (organisation and role from its claims). A token
signed by anyone else, or one that came back with another sign-in's state, opens nothing."""
import json
import os
import subprocess
import time
from urllib.parse import parse_qs, urlparse

import pytest
import requests
from joserfc import jwt
from joserfc.jwk import RSAKey

from tests.e2e.test_workbench import workbench
from tests.support import free_port, wait_until

CLAIMS = {"sub": "cw-anne", "aud": ["pathways", "workbench"], "pathways_org": "org-a",
          "pathways_role": "caseworker"}


@pytest.fixture
def provider(tmp_path):
    lib = os.environ.get("PATHWAYS_OIDC_LIB")
    assert lib and os.path.isdir(lib), "PATHWAYS_OIDC_LIB: run the suite with deploy/local/test"
    port = free_port()
    config = {"interactiveLogin": False, "tokenCallbacks": [{
        "issuerId": "pathways", "tokenExpiry": 600, "requestMappings": [{
            "requestParam": "grant_type", "match": "authorization_code", "claims": CLAIMS}]}]}
    log = open(tmp_path / "oidc.log", "wb")
    proc = subprocess.Popen(["java", "-cp", f"{lib}/*",
                             "no.nav.security.mock.oauth2.StandaloneMockOAuth2ServerKt"],
                            env={**os.environ, "SERVER_PORT": str(port),
                                 "JSON_CONFIG": json.dumps(config)}, stdout=log, stderr=log)
    issuer = f"http://127.0.0.1:{port}/pathways"

    def up():
        assert proc.poll() is None, (tmp_path / "oidc.log").read_text()[-2000:]
        try:
            return requests.get(f"{issuer}/.well-known/openid-configuration", timeout=2).ok
        except requests.RequestException:
            return False
    try:
        wait_until(up, timeout=90, what="the OpenID Connect provider to start")
        yield issuer
    finally:
        proc.kill()
        proc.wait()
        log.close()


def access_token(issuer):
    """An access token the provider issues for a code, as a client would get it."""
    authorize = requests.get(f"{issuer}/authorize", allow_redirects=False, timeout=10, params={
        "response_type": "code", "client_id": "workbench", "scope": "openid", "state": "s",
        "nonce": "n", "redirect_uri": "http://127.0.0.1:9/cb"})
    code = parse_qs(urlparse(authorize.headers["Location"]).query)["code"][0]
    return requests.post(f"{issuer}/token", timeout=10, data={
        "grant_type": "authorization_code", "code": code, "client_id": "workbench",
        "client_secret": "s", "redirect_uri": "http://127.0.0.1:9/cb"}).json()["access_token"]


def test_a_coach_signs_in_at_the_organisations_provider_and_every_service_takes_its_token(
        platform, provider):
    platform.config.update({"OIDC_ISSUER": provider, "OIDC_AUDIENCE": "pathways",
                            "OIDC_CLIENT_ID": "workbench", "OIDC_CLIENT_SECRET": "s"})
    apps = workbench(platform)
    base = apps["workbench"]["caseworker"].base
    run = apps["intake"]["coordinator"].call("POST", "/runs", {
        "programme": "aft", "name": "AFT Øst", "places": 3}, expect=201)["run_id"]

    browser = requests.Session()
    assert 'id="oidc-sign-in"' in browser.get(base + "/sign-in", timeout=10).text
    landed = browser.get(base + "/oidc/start", timeout=20)     # to the provider and back
    assert landed.status_code == 200 and 'url=/caseload' in landed.text
    caseload = browser.get(base + "/caseload", allow_redirects=False, timeout=10)
    assert caseload.status_code == 200 and "caseload" in caseload.text
    assert "AFT Øst" in browser.get(base + f"/runs/{run}", timeout=10).text

    # the provider's token, straight at a service: that person, in that organisation
    token = access_token(provider)
    runs = requests.get(apps["intake"]["caseworker"].base + "/runs", timeout=10,
                        headers={"Authorization": f"Bearer {token}"})
    assert runs.status_code == 200 and [r["run_id"] for r in runs.json()["runs"]] == [run]
    other = apps["intake"]["coordinator-b"].call("POST", "/runs", {
        "programme": "aft", "name": "B", "places": 1}, expect=201)["run_id"]
    assert requests.get(apps["intake"]["caseworker"].base + f"/runs/{other}", timeout=10,
                        headers={"Authorization": f"Bearer {token}"}).status_code == 404

    # a token with the same claims signed by someone else's key opens nothing
    key = RSAKey.generate_key(2048, parameters={"kid": "forged"})
    forged = jwt.encode({"alg": "RS256", "kid": "forged"}, {
        **CLAIMS, "iss": provider, "aud": "pathways", "exp": int(time.time()) + 600}, key)
    assert requests.get(apps["intake"]["caseworker"].base + "/runs", timeout=10, headers={
        "Authorization": f"Bearer {forged}"}).status_code == 401
    # a callback that did not start in this browser is refused
    stranger = requests.Session()
    refused = stranger.get(base + "/oidc/callback?code=x&state=y", timeout=10)
    assert refused.status_code == 400
    assert stranger.get(base + "/caseload", allow_redirects=False,
                        timeout=10).status_code == 303
