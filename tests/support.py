"""Helpers shared by the tests: kernel test contracts and event builders."""
import os
import re
import shutil
import socket
import subprocess
import threading
import time
from collections import Counter, defaultdict

import jsonschema
import requests

from marshmallow import Schema, fields, validate

from pathways.contracts import Registry, new_event
from pathways.messaging import apply_once

ACTOR = {"type": "system", "id": "tests"}


def make_registry():
    """Contracts used by kernel tests (the services register the real ones)."""
    registry = Registry()

    @registry.contract("Counted", 1)
    class CountedV1(Schema):
        amount = fields.Integer(required=True)

    @registry.contract("Counted", 2)
    class CountedV2(Schema):
        amount = fields.Integer(required=True)
        unit = fields.String(required=True, validate=validate.OneOf(["hours", "places"]))

    @registry.upcaster("Counted", 1)
    def counted_v1_to_v2(payload):
        return {**payload, "unit": "places"}

    @registry.contract("Noted", 1)
    class NotedV1(Schema):
        text = fields.String(required=True)

    return registry


def counted(amount, unit="places", org="org-a", **kw):
    return new_event("Counted", {"amount": amount, "unit": unit}, org=org, actor=ACTOR,
                     schema_version=2, **kw)


class Totals:
    """A read model: per stream, the sum of amounts and the number of events applied."""

    def __init__(self, db, fail_on=()):
        self.coll, self.fail_on, self.calls = db["totals"], set(fail_on), Counter()

    def on_counted(self, event):
        self.calls[event["position"]] += 1
        if event["payload"]["amount"] in self.fail_on:
            raise RuntimeError(f"cannot apply amount {event['payload']['amount']}")
        apply_once(self.coll, event["stream_id"],
                   {"$inc": {"amount": event["payload"]["amount"], "events": 1}},
                   event["source"], event["position"])

    def state(self):
        return {d["_id"]: (d["amount"], d["events"]) for d in self.coll.find({})}


def expected_from_log(events):
    out = defaultdict(lambda: [0, 0])
    for e in events:
        if e["type"] == "Counted":
            out[e["stream_id"]][0] += e["payload"]["amount"]
            out[e["stream_id"]][1] += 1
    return {k: tuple(v) for k, v in out.items()}


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def timed(call, seconds, pause=0.05):
    """The wall times of ``call(n)`` made one after another for ``seconds`` (n counts the calls),
    sorted: a caller's latency, measured from outside."""
    times, ends, n = [], time.monotonic() + seconds, 0
    while time.monotonic() < ends:
        began = time.monotonic()
        call(n)
        times.append(time.monotonic() - began)
        n += 1
        time.sleep(pause)
    return sorted(times)


def wait_until(check, timeout=30, what="condition"):
    """Poll ``check()`` until it returns something truthy; fail loudly on timeout."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        time.sleep(0.2)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


class ApiClient:
    """A caller of one service's HTTP API with one token. Every answer it gets is checked against
    the service's own OpenAPI document: its status must be documented, and a JSON body must
    validate against the schema documented for that status."""

    def __init__(self, base, token):
        self.base, self.session, self.document = base, requests.Session(), None
        self.session.headers["Authorization"] = f"Bearer {token}"

    def call(self, method, path, body=None, expect=200, **kw):
        resp = self.session.request(method, self.base + path,
                                    json=body if method != "GET" else None, **kw)
        assert resp.status_code == expect, (method, path, resp.status_code, resp.text)
        self.check(method, path, resp)
        return resp.json()

    def check(self, method, path, resp):
        """Fail unless ``resp`` is what the document says ``method path`` answers."""
        if self.document is None:
            self.document = requests.get(self.base + "/openapi.json", timeout=10).json()
        document = self.document
        operation = documented_operation(document, method, path.split("?")[0])
        if operation is None:     # no such operation: a 404 with the documented error body
            assert resp.status_code == 404, f"{method} {path} is not in the OpenAPI document"
            operation = {"responses": {"404": {"content": {"application/json": {
                "schema": {"$ref": "#/components/schemas/Error"}}}}}}
        answer = operation["responses"].get(str(resp.status_code))
        assert answer is not None, f"{method} {path}: status {resp.status_code} is undocumented"
        media = resp.headers.get("Content-Type", "").split(";")[0]
        assert media in answer.get("content", {}), (method, path, media, "undocumented media")
        if media == "application/json":
            schema = {**answer["content"][media]["schema"], "components": document["components"]}
            errors = sorted(jsonschema.Draft202012Validator(
                schema, format_checker=jsonschema.FormatChecker()).iter_errors(resp.json()),
                key=lambda e: list(e.absolute_path))
            assert not errors, (method, path, resp.status_code, [
                f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in errors[:5]])


def documented_operation(document, method, path):
    """The operation of ``document`` that serves ``method path`` (a literal path first)."""
    candidates = []
    for template, operations in document["paths"].items():
        pattern = "^" + re.sub(r"\\{\w+\\}", "[^/]+", re.escape(template)) + "$"
        if method.lower() in operations and re.match(pattern, path):
            candidates.append((template.count("{"), operations[method.lower()]))
    return min(candidates, key=lambda c: c[0])[1] if candidates else None


def chromium(tmp_path, url, *args, size="900,900"):
    """Headless Chromium (Debian's, which deploy/local/test installs) on ``url``: its stdout.
    Background networking off: this machine's network is closed."""
    binary = shutil.which("chromium")
    assert binary, "chromium is not installed (deploy/local/test installs it)"
    return subprocess.run(
        [binary, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
         "--no-first-run", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", f"--user-data-dir={tmp_path / 'chromium'}", f"--window-size={size}",
         *args, url], check=True, timeout=120, capture_output=True, text=True).stdout


ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def rabbitmqctl(*args):
    """This checkout's own RabbitMQ node (deploy/local/servers), never a shared broker."""
    subprocess.run([os.path.join(ROOT, "deploy", "local", "servers"), "rabbitmqctl", *args],
                   check=True, timeout=120, capture_output=True)


def envelope(event, occurred_at=None):
    """A decided event as the log would hold it, for folding in domain tests."""
    out = {"type": event.type, "schema_version": event.version, "payload": event.payload}
    if occurred_at:
        out["occurred_at"] = occurred_at
    return out


class TcpProxy:
    """Forwards a local port to a server, and can cut every connection (a network partition)."""

    def __init__(self, target):
        self.target, self.port = target, free_port()
        self.conns, self.listener = [], None
        self.restore()

    def restore(self):
        self.listener = socket.socket()
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", self.port))
        self.listener.listen(64)
        threading.Thread(target=self._accept, args=(self.listener,), daemon=True).start()

    def _accept(self, listener):
        while True:
            try:
                client, _ = listener.accept()
                upstream = socket.create_connection(self.target)
            except OSError:
                return
            self.conns += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    @staticmethod
    def _pump(src, dst):
        try:
            while data := src.recv(65536):
                dst.sendall(data)
        except Exception:   # the other side was cut: eventlet may say so in other ways than OSError
            pass
        finally:
            for s in (src, dst):
                try:
                    s.close()
                except OSError:
                    pass

    def cut(self):
        self.listener.close()
        for s in self.conns:
            try:
                s.shutdown(socket.SHUT_RDWR)
                s.close()
            except OSError:
                pass
        self.conns = []
