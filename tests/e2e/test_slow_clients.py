"""Slow and idle clients cannot starve a service, tried from outside on the real servers: intake
runs as its own `pathways-service` process and a slowloris process holds 2,000 half-sent requests
against it for 30 s while a caseworker works; a 50 MB body is refused unread; a connection cap
answers 503 at once. Latency is printed, and asserted only against a bound far above normal
(1 s, where a starved server took 24 s)."""
import json
import socket
import subprocess
import sys
import time

import requests

from tests.e2e.conftest import TOKENS
from tests.support import ROOT, timed, wait_until

ATTACKERS, ATTACK_SECONDS = 2000, 30.0


def rss_kb(pid):
    with open(f"/proc/{pid}/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmRSS:"))


def open_connections(base):
    text = requests.get(base + "/metrics", timeout=5).text
    line = next(l for l in text.splitlines() if l.startswith("pathways_http_connections{"))
    return float(line.rsplit(" ", 1)[1])


def timed_calls(base, seconds):
    """A caseworker's reads and a coordinator's writes, one after another: their wall times."""
    caseworker = {"Authorization": f"Bearer {TOKENS['caseworker']}"}
    coordinator = {"Authorization": f"Bearer {TOKENS['coordinator']}"}

    def call(n):
        if n % 4 == 3:
            resp = requests.post(base + "/runs", headers=coordinator, timeout=30, json={
                "programme": "office_places", "name": f"run {n}", "places": 15})
            assert resp.status_code == 201, resp.text
        else:
            resp = requests.get(base + "/runs", headers=caseworker, timeout=30)
            assert resp.status_code == 200, resp.text
    return timed(call, seconds)


def p(times, q):
    return times[min(int(len(times) * q), len(times) - 1)]


def test_slowloris_does_not_starve_intake_and_a_huge_body_is_refused_unread(intake_process):
    intake = intake_process
    quiet = timed_calls(intake.base, 5)
    attack = subprocess.Popen(
        [sys.executable, "-m", "tests.e2e.slowloris", str(intake.port), str(ATTACKERS),
         str(ATTACK_SECONDS)], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    held = 0
    for _ in range(10):   # the connections open and trickle in
        time.sleep(0.5)
        held = max(held, open_connections(intake.base))
    during = timed_calls(intake.base, ATTACK_SECONDS - 6)
    seen = json.loads(attack.communicate(timeout=60)[0])
    # the attack's connections are all gone again: only ours are left
    wait_until(lambda: open_connections(intake.base) <= 2, timeout=20,
               what="the attack's connections to close")
    after = timed_calls(intake.base, 5)
    print(f"\nslowloris: {seen}; open connections at the server, most in the first 5 s: {held:.0f}")
    for name, times in (("quiet", quiet), ("under attack", during), ("after", after)):
        print(f"{name}: {len(times)} calls, p50 {p(times, .5) * 1000:.1f} ms, "
              f"p99 {p(times, .99) * 1000:.1f} ms, max {times[-1] * 1000:.1f} ms")
    assert held >= ATTACKERS * 0.9, "the attack did not hold its connections"
    assert seen["answers"].get("408", 0) > 0, "no half-sent request was timed out"
    assert p(during, .99) < 1.0 and p(after, .99) < 1.0

    before = rss_kb(intake.proc.pid)
    answer, sent = huge_body(intake.port, 50_000_000)
    grown = rss_kb(intake.proc.pid) - before
    print(f"50 MB body: answered {answer.splitlines()[0]!r} after {sent} bytes sent; "
          f"intake's RSS grew {grown} kB")
    assert answer.startswith("HTTP/1.1 413") and '"too_large"' in answer
    assert sent < 50_000_000 and grown < 20_000


def huge_body(port, size):
    """POST a body of ``size`` bytes, sending until the server answers or closes: the answer and
    how much was sent."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=10)
    sock.sendall(f"POST /runs HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                 f"Authorization: Bearer {TOKENS['coordinator']}\r\n"
                 f"Content-Length: {size}\r\n\r\n".encode())
    sent, chunk = 0, b"x" * 65536
    sock.setblocking(False)
    answer = b""
    try:
        while sent < size:
            try:
                answer += sock.recv(65536)
                if answer:
                    break
            except BlockingIOError:
                pass
            try:
                sent += sock.send(chunk)
            except BlockingIOError:
                time.sleep(0.01)
    except OSError:
        pass   # reset: the server closed without reading the rest
    sock.setblocking(True)
    sock.settimeout(5)
    try:
        while b"\r\n\r\n" not in answer or not answer.rstrip().endswith(b"}"):
            data = sock.recv(65536)
            if not data:
                break
            answer += data
    except OSError:
        pass
    sock.close()
    return answer.decode(errors="replace"), sent
