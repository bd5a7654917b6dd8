"""`deploy/local/run` supervises its services like Compose's `restart: unless-stopped`: a service
that dies is started again (its log says why), and Ctrl-C still stops everything cleanly."""
import os
import signal
import socket
import subprocess

import requests

from tests.support import ROOT, wait_until

SERVICES = ("intake", "employer", "placement", "reporting")


def free_block(count=4):
    """``count`` consecutive free ports above the ephemeral range (where free_port() draws)."""
    for slot in range(1000):
        base = 61000 + ((os.getpid() + slot) % 1000) * count
        socks = []
        try:
            for port in range(base, base + count):
                sock = socket.socket()
                socks.append(sock)
                sock.bind(("127.0.0.1", port))
            return base
        except OSError:
            continue
        finally:
            for sock in socks:
                sock.close()
    raise AssertionError("no block of free ports")


def listening(port):
    try:
        return requests.get(f"http://127.0.0.1:{port}/openapi.json", timeout=2).ok
    except requests.RequestException:
        return False


def service_pids(address):
    """nameko processes started with WEB_SERVER_ADDRESS=address (this run's only)."""
    out = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/environ", "rb") as f:
                if f"WEB_SERVER_ADDRESS={address}".encode() in f.read().split(b"\0"):
                    out.append(int(pid))
        except OSError:
            continue
    return out


def test_a_killed_service_is_restarted_and_ctrl_c_stops_all(tmp_path, database, db_prefix):
    for name in SERVICES:
        database(name)                    # dropped afterwards
    base = free_block()
    env = {**os.environ, "MONGO_DB_PREFIX": db_prefix, "PATHWAYS_HTTP_PORT": str(base),
           "SEED_PARTICIPANTS": "0"}
    log = open(tmp_path / "run.log", "w")
    # As from a terminal: SIGINT handled by default (a test run as a background job, e.g. under
    # nohup or a CI runner, would pass on SIGINT ignored, and Ctrl-C would never arrive).
    run = subprocess.Popen([os.path.join(ROOT, "deploy", "local", "run")], cwd=ROOT, env=env,
                           stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
                           preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    ports = [base + i for i in range(4)]
    try:
        try:
            wait_until(lambda: all(listening(p) for p in ports) or run.poll() is not None,
                       timeout=180, what="the four services to answer")
            assert run.poll() is None
        except AssertionError:
            raise AssertionError("deploy/local/run did not start: "
                                 + open(tmp_path / "run.log").read()[-3000:]) from None
        intake = f"127.0.0.1:{ports[0]}"
        (victim,) = service_pids(intake)
        os.kill(victim, signal.SIGKILL)
        wait_until(lambda: service_pids(intake) and service_pids(intake) != [victim]
                   and listening(ports[0]), timeout=120, what="intake to be restarted")
        state = os.environ.get("PATHWAYS_STATE_DIR", os.path.join(ROOT, ".local"))
        with open(os.path.join(state, "intake.log")) as f:
            assert "intake exited with status 137 (signal 9); restarting" in f.read()
        assert all(listening(p) for p in ports[1:])       # the others never noticed
    finally:
        os.killpg(run.pid, signal.SIGINT)                  # what Ctrl-C sends
        code = run.wait(timeout=90)
    assert code == 0, open(tmp_path / "run.log").read()[-3000:]
    assert not any(listening(p) for p in ports)
    assert not any(service_pids(f"127.0.0.1:{p}") for p in ports)
