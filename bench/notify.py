"""Notifications end to end: openings shared through the employer service, carried by RabbitMQ
to the notify service, sent to an SMTP server; side by side with a bare smtplib loop.

    deploy/local/servers start && set -a && . .local/servers.env && set +a
    .venv/bin/python -m bench.notify [--openings 50] [--subscribers 20]

Starts employer and notify as `pathways-service` processes of their own (a fresh database
prefix) and an SMTP server in this process (aiosmtpd) that notes when each message arrives.
``--subscribers`` caseworkers of org B subscribe by e-mail; org A posts ``--openings`` openings
shared with every partner, one request each: openings x subscribers notifications. Prints their
rate (first share to last arrival) and the latency from each share's answer to each e-mail's
arrival (p50, p99), then the rate of the same number of messages sent by a bare smtplib loop
(one connection per message, as notify sends them), and the latency of one share at a time
with nothing queued. Asserts nothing.
"""
import argparse
import base64
import os
import secrets
import smtplib
import socket
import subprocess
import sys
import tempfile
import time
from email.message import EmailMessage
from email.parser import BytesParser

import requests
import yaml
from aiosmtpd.controller import Controller

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CLASSES = {"employer": "EmployerService", "notify": "NotifyService"}


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Arrivals:
    """aiosmtpd handler: the arrival time of each message, by subject."""

    def __init__(self):
        self.at = []

    async def handle_DATA(self, server, session, envelope):
        msg = BytesParser().parsebytes(envelope.content)
        self.at.append((time.time(), msg["Subject"]))
        return "250 OK"


def wait(what, check, timeout=120):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.2)
    raise SystemExit(f"timed out waiting for {what}")


def percentiles(values):
    ordered = sorted(values)
    return {p: ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]
            for p in (50, 99)}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--openings", type=int, default=50)
    parser.add_argument("--subscribers", type=int, default=20)
    args = parser.parse_args()
    for key in ("MONGO_URI", "AMQP_URI"):
        if not os.environ.get(key):
            raise SystemExit(f"{key} is not set: start deploy/local/servers and source "
                             ".local/servers.env")
    arrivals = Arrivals()
    smtp = Controller(arrivals, hostname="127.0.0.1", port=free_port())
    smtp.start()
    tokens = {"coordinator-a": secrets.token_urlsafe(24)}
    auth = {tokens["coordinator-a"]: {"org": "org-a", "role": "coordinator", "id": "co-a"}}
    for i in range(args.subscribers):
        tokens[f"cw-b{i}"] = secrets.token_urlsafe(24)
        auth[tokens[f"cw-b{i}"]] = {"org": "org-b", "role": "caseworker", "id": f"cw-b{i}"}
    config = {"AMQP_URI": os.environ["AMQP_URI"], "MONGO_URI": os.environ["MONGO_URI"],
              "MONGO_DB_PREFIX": f"bench{secrets.token_hex(4)}", "AUTH_TOKENS": auth,
              "VAULT_MASTER_KEY": base64.b64encode(os.urandom(32)).decode(),
              "WEBHOOK_SECRET": secrets.token_urlsafe(32), "SMTP_HOST": "127.0.0.1",
              "SMTP_PORT": smtp.port, "RELAY_POLL_SECONDS": 0.2,
              "LOGGING": {"version": 1, "root": {"level": "ERROR"}}}
    procs, bases, workdir = [], {}, tempfile.mkdtemp(prefix="bench-notify-")
    try:
        for name in ("employer", "notify"):
            port = free_port()
            path = os.path.join(workdir, f"{name}.yaml")
            with open(path, "w") as f:
                yaml.safe_dump({**config, "WEB_SERVER_ADDRESS": f"127.0.0.1:{port}"}, f)
            procs.append(subprocess.Popen(
                [os.path.join(os.path.dirname(sys.executable), "pathways-service"), "--config",
                 path, f"services.{name}.service:{CLASSES[name]}"], cwd=ROOT,
                stdout=subprocess.DEVNULL, stderr=open(os.path.join(workdir, f"{name}.log"), "w")))
            bases[name] = f"http://127.0.0.1:{port}"
        for base in bases.values():
            wait(f"{base} to start", lambda b=base: _up(b))

        def call(base, who, method, path, body=None):
            r = requests.request(method, base + path, json=body, timeout=30,
                                 headers={"Authorization": f"Bearer {tokens[who]}"})
            r.raise_for_status()
            return r.json()
        for i in range(args.subscribers):
            call(bases["notify"], f"cw-b{i}", "POST", "/subscriptions",
                 {"channel": "email", "address": f"cw{i}@org-b.example"})
        firm = call(bases["employer"], "coordinator-a", "POST", "/employers", {
            "country": "NO", "org_number": "988077917", "name": "Fjord Verksted AS",
            "sector": "manufacturing", "municipality": "4601"})
        shared_at = {}
        started = time.time()
        for i in range(args.openings):
            call(bases["employer"], "coordinator-a", "POST", "/opportunities", {
                "employer_id": firm["employer_id"], "kind": "small_job", "title": f"Jobb {i}",
                "places": 1, "hours_per_week": 7, "valid_from": "2026-01-01", "shared": True})
            shared_at[f"Ny delt mulighet: Jobb {i}"] = time.time()
        total = args.openings * args.subscribers
        wait(f"{total} e-mails", lambda: len(arrivals.at) >= total, timeout=600)
        last = max(t for t, _ in arrivals.at)
        latency = [(t - shared_at[subject]) * 1000 for t, subject in arrivals.at]
        p = percentiles(latency)
        print(f"{total} notifications ({args.openings} shares x {args.subscribers} subscribers) "
              f"through RabbitMQ to SMTP: {total / (last - started):.0f}/s; share to e-mail "
              f"p50 {p[50]:.0f} ms, p99 {p[99]:.0f} ms")
        arrivals.at.clear()
        idle = []
        for i in range(10):   # one share at a time, the queue empty: the latency of one
            title = f"Alene {i}"
            call(bases["employer"], "coordinator-a", "POST", "/opportunities", {
                "employer_id": firm["employer_id"], "kind": "small_job", "title": title,
                "places": 1, "hours_per_week": 7, "valid_from": "2026-01-01", "shared": True})
            at = time.time()
            wait(title, lambda: sum(1 for _, s in arrivals.at if s.endswith(title)) >=
                 args.subscribers)
            idle.append((max(t for t, s in arrivals.at if s.endswith(title)) - at) * 1000)
        p = percentiles(idle)
        print(f"one share at a time ({args.subscribers} e-mails each): share to the last "
              f"e-mail p50 {p[50]:.0f} ms, p99 {p[99]:.0f} ms")
        arrivals.at.clear()
        msg = EmailMessage()
        msg["From"], msg["To"], msg["Subject"] = "bench@localhost", "x@org-b.example", "bare"
        msg.set_content("bare smtplib")
        started = time.time()
        for _ in range(total):
            with smtplib.SMTP("127.0.0.1", smtp.port, timeout=10) as s:
                s.send_message(msg)
        took = time.time() - started
        print(f"bare smtplib loop, one connection per message: {total / took:.0f}/s")
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
        smtp.stop()
        from pymongo import MongoClient
        client = MongoClient(os.environ["MONGO_URI"])
        for name in client.list_database_names():
            if name.startswith(config["MONGO_DB_PREFIX"]):
                client.drop_database(name)


def _up(base):
    try:
        return requests.get(base + "/health/ready", timeout=2).ok
    except requests.RequestException:
        return False


if __name__ == "__main__":
    main()
