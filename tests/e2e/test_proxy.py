"""The Compose deployment's reverse proxy, run here: Debian's nginx with the very file Compose
mounts (deploy/proxy/nginx.conf), its upstreams and ports pointed at this test's services. It
passes requests and answers through, refuses a body over 1 MB itself, and slows a client that
guesses sign-in tokens (429) while another client's requests go on."""
import os
import re
import shutil
import subprocess

import pytest
import requests

from tests.e2e.conftest import TOKENS
from tests.support import ROOT, free_port, wait_until

CONF = os.path.join(ROOT, "deploy", "proxy", "nginx.conf")


@pytest.fixture
def proxy(platform, tmp_path):
    """{service: base URL through nginx}, with intake and reporting behind it."""
    apps = platform("intake", "reporting")
    binary = shutil.which("nginx") or "/usr/sbin/nginx"
    assert os.path.exists(binary), "nginx is not installed (deploy/local/test installs it)"
    upstreams = {name: clients["coordinator"].base.rsplit(":", 1)[1]
                 for name, clients in apps.items()}
    text = open(CONF).read()
    ports = {}

    def listen(match):
        port = free_port()
        ports[match.group(2)] = port
        return f"listen {match.group(1) or ''}{port};"
    text = re.sub(r"listen (127\.0\.0\.1:)?(\d+);", listen, text)
    for name in ("intake", "employer", "placement", "reporting", "notify", "workbench"):
        # services this test does not run point at a closed port (nginx needs an address)
        text = text.replace(f"server {name}:8000;",
                            f"server 127.0.0.1:{upstreams.get(name, free_port())};")
    (tmp_path / "pathways.conf").write_text(text)
    (tmp_path / "nginx.conf").write_text(
        f"worker_processes 1;\npid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\n"
        f"events {{ worker_connections 1024; }}\n"
        f"http {{\n  access_log off;\n  client_body_temp_path {tmp_path}/body;\n"
        f"  proxy_temp_path {tmp_path}/proxy;\n  fastcgi_temp_path {tmp_path}/fastcgi;\n"
        f"  uwsgi_temp_path {tmp_path}/uwsgi;\n  scgi_temp_path {tmp_path}/scgi;\n"
        f"  include {tmp_path}/pathways.conf;\n}}\n")
    proc = subprocess.Popen([binary, "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf"),
                             "-g", "daemon off;"], stderr=subprocess.PIPE)
    bases = {"intake": f"http://127.0.0.1:{ports['8001']}",
             "reporting": f"http://127.0.0.1:{ports['8004']}",
             "health": f"http://127.0.0.1:{ports['8099']}"}

    def up():
        try:
            return requests.get(bases["health"] + "/health", timeout=2).ok
        except requests.RequestException:
            return proc.poll() is not None   # died: fail below with its message
    wait_until(up, timeout=30, what="nginx to start")
    assert proc.poll() is None, proc.stderr.read().decode()
    yield bases
    proc.terminate()
    proc.wait(timeout=10)


def test_the_proxy_passes_requests_through_and_holds_the_edge_bounds(proxy):
    coordinator = {"Authorization": f"Bearer {TOKENS['coordinator']}"}
    resp = requests.post(proxy["intake"] + "/runs", headers=coordinator, timeout=10, json={
        "programme": "office_places", "name": "Kontor", "places": 15})
    assert resp.status_code == 201 and resp.headers["Pathways-Position"].startswith("intake=")
    runs = requests.get(proxy["intake"] + "/runs", headers=coordinator, timeout=10).json()
    assert [r["name"] for r in runs["runs"]] == ["Kontor"]
    assert requests.get(proxy["intake"] + "/runs", timeout=10).status_code == 401
    big = requests.post(proxy["intake"] + "/runs", headers=coordinator, timeout=30,
                        data=b"x" * 2_000_000)
    assert big.status_code == 413   # nginx's own answer: the service never saw it


def test_a_client_guessing_sign_in_tokens_is_slowed_and_others_go_on(proxy):
    guesses = [requests.post(proxy["reporting"] + "/dashboard/session", timeout=10,
                             data={"token": f"guess-{n}"}, allow_redirects=False).status_code
               for n in range(12)]
    assert 429 in guesses and set(guesses) <= {401, 403, 429}, guesses
    coordinator = {"Authorization": f"Bearer {TOKENS['coordinator']}"}
    report = requests.get(proxy["reporting"] + "/reports/kpis", headers=coordinator, timeout=30)
    assert report.status_code == 200, report.text
