"""Shared openings reach the right people, on the real servers: org A shares an opening with
org B and org C; B's caseworker gets an e-mail on a real SMTP server (aiosmtpd, its own process)
and C's webhook receiver a signed POST, each exactly once; org D, subscribed but not shared
with, gets nothing."""
import hashlib
import hmac
import json
import mailbox
import socket
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.e2e.conftest import TOKENS, WEBHOOK_SECRET
from tests.e2e.processes import Instance
from tests.e2e.flow import _firm, agreed_placement, enrolled_participant
from tests.e2e.test_reporting import caught_up
from tests.support import ApiClient, free_port, wait_until


class SmtpServer:
    """A real SMTP server (aiosmtpd) in a process of its own, keeping each message in a Maildir;
    stopped and started again on the same port and Maildir."""

    def __init__(self, maildir):
        self.port, self.maildir, self.proc = free_port(), maildir, None

    def start(self):
        self.proc = subprocess.Popen([sys.executable, "-m", "aiosmtpd", "-n", "-l",
                                      f"127.0.0.1:{self.port}", "-c",
                                      "aiosmtpd.handlers.Mailbox", str(self.maildir)],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

        def up():
            with socket.socket() as s:
                return s.connect_ex(("127.0.0.1", self.port)) == 0
        wait_until(up, timeout=30, what="the SMTP server to listen")

    def stop(self):
        self.proc.kill()
        self.proc.wait()

    def messages(self):
        return list(mailbox.Maildir(str(self.maildir))) if self.maildir.exists() else []


@pytest.fixture
def smtp_server(tmp_path):
    server = SmtpServer(tmp_path / "mail")
    server.start()
    yield server
    if server.proc.poll() is None:
        server.stop()


@pytest.fixture
def receiver():
    """A webhook receiver on this machine: every POST kept with its headers."""
    got = []

    class Hook(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            got.append({"path": self.path, "headers": dict(self.headers), "body": body})
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args):
            pass
    server = ThreadingHTTPServer(("127.0.0.1", 0), Hook)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield {"url": f"http://127.0.0.1:{server.server_port}/hook", "got": got}
    server.shutdown()


def test_a_shared_opening_reaches_two_organisations_once_each_and_no_one_else(
        platform, smtp_server, receiver, dbs):
    """... and when org B fills it, reporting counts an opening filled across organisations;
    B's caseworker, coach of that participant, gets their due items in one daily e-mail
    (notify reads B's due list from intake's API)."""
    apps = platform("intake", "employer", "placement", "reporting")
    platform.config = {"SMTP_HOST": "127.0.0.1", "SMTP_PORT": smtp_server.port,
                       "INTAKE_URL": apps["intake"]["coordinator"].base}
    apps.update(platform("notify"))
    notify = apps["notify"]
    notify["caseworker-b"].call("POST", "/subscriptions", {
        "channel": "email", "address": "kari@org-b.example", "language": "nb"}, expect=201)
    notify["caseworker-c"].call("POST", "/subscriptions", {
        "channel": "webhook", "address": receiver["url"], "language": "sv"}, expect=201)
    notify["caseworker-d"].call("POST", "/subscriptions", {
        "channel": "email", "address": "dag@org-d.example"}, expect=201)
    bad = notify["caseworker-d"].call("POST", "/subscriptions", {
        "channel": "webhook", "address": "http://hooks.example.com/x"}, expect=400)
    assert list(bad["errors"]) == ["address"]

    employer = apps["employer"]["coordinator"]
    firm = _firm(employer)
    opening = employer.call("POST", "/opportunities", {
        "employer_id": firm["employer_id"], "kind": "small_job", "title": "Lagerhjelp",
        "places": 1, "hours_per_week": 7, "valid_from": "2026-01-01"}, expect=201)
    employer.call("POST", f"/opportunities/{opening['opportunity_id']}/share",
                  {"orgs": ["org-b", "org-c"]})

    wait_until(lambda: smtp_server.messages() and receiver["got"], timeout=30,
               what="the e-mail and the webhook")
    time.sleep(3)   # more timer rounds and redeliveries: still one each
    (mail,) = smtp_server.messages()
    assert mail["To"] == "kari@org-b.example"
    assert mail["Subject"] == "Ny delt mulighet: Lagerhjelp"
    assert opening["opportunity_id"] in mail.get_payload()
    (hook,) = receiver["got"]
    t, v1 = (part.split("=", 1)[1] for part in hook["headers"]["Pathways-Signature"].split(","))
    assert hmac.compare_digest(v1, hmac.new(WEBHOOK_SECRET.encode(), f"{t}.".encode() +
                                            hook["body"], hashlib.sha256).hexdigest())
    body = json.loads(hook["body"])
    assert body["opportunity"]["opportunity_id"] == opening["opportunity_id"]
    assert body["subject"] == "Ny delad möjlighet: Lagerhjelp"
    assert hook["headers"]["Pathways-Notification-Id"] == body["notification_id"]
    log = notify["caseworker-b"].call("GET", "/notifications")["notifications"]
    assert [(n["status"], n["channel"]) for n in log] == [("sent", "email")]
    assert notify["caseworker-d"].call("GET", "/notifications")["notifications"] == []
    figures = notify["coordinator-b"].call("GET", "/notifications/figures")
    assert (figures["per_channel"]["email"]["sent"], figures["shares_notified"]) == (1, 1)
    assert notify["coordinator"].call("GET", "/notifications/figures")["per_channel"] == {}

    # org B fills it with a participant of its own
    def as_b(clients):
        return {"caseworker": clients["caseworker-b"], "coordinator": clients["coordinator-b"]}
    _, enrolment_id = enrolled_participant(as_b(apps["intake"]))
    placement = agreed_placement(as_b(apps["placement"]), enrolment_id, opening)
    apps["placement"]["caseworker-b"].call(
        "POST", f"/cases/{enrolment_id}/placements/{placement['placement_id']}/start",
        {"start_date": "2026-02-01"})
    reporting = apps["reporting"]
    wait_until(lambda: caught_up(dbs, reporting), what="reporting to catch up")
    assert reporting["coordinator"].call("GET", "/reports/casework")["sharing"] == \
        {"filled_from_others": 0, "filled_by_others": 1}
    assert reporting["coordinator-b"].call("GET", "/reports/casework")["sharing"] == \
        {"filled_from_others": 1, "filled_by_others": 0}

    # B's caseworker coaches that participant, whose follow-up is long overdue
    intake = apps["intake"]["coordinator-b"]
    intake.call("POST", "/coaches", {"coach_id": "cw-bo", "specialty": "labour_market"},
                expect=201)
    (row,) = intake.call("GET", "/caseload?coach=unassigned")["enrolments"]
    intake.call("POST", f"/runs/{row['run_id']}/enrolments/{enrolment_id}/coach",
                {"coach_id": "cw-bo"})
    digest = notify["caseworker-b"].call("POST", "/subscriptions", {
        "channel": "email", "address": "kari@org-b.example", "language": "en", "topic": "due",
        "at": "00:00"}, expect=201)
    wait_until(lambda: len(smtp_server.messages()) == 2, timeout=30, what="the due digest")
    time.sleep(2)   # more timer rounds: still one digest today
    (mail,) = [m for m in smtp_server.messages() if m["Subject"] != "Ny delt mulighet: Lagerhjelp"]
    assert mail["Subject"] == "Due today: 1"
    assert "1 follow-up" in mail.get_payload() and "Kari" not in mail.get_payload()
    assert len(smtp_server.messages()) == 2
    (logged,) = [n for n in notify["caseworker-b"].call("GET", "/notifications")["notifications"]
                 if n["topic"] == "due"]
    assert logged["subscription_id"] == digest["subscription_id"]
    assert logged["status"] == "sent"


BURST = 200


def test_a_mail_server_down_during_a_burst_delays_every_notification_and_loses_none(
        platform, smtp_server):
    """The SMTP server stops, 200 openings are shared, the server starts again: every one of
    the 200 e-mails arrives once (by its Message-ID), none is given up."""
    platform.config = {"SMTP_HOST": "127.0.0.1", "SMTP_PORT": smtp_server.port}
    apps = platform("employer", "notify")
    notify = apps["notify"]["caseworker-b"]
    notify.call("POST", "/subscriptions", {"channel": "email", "address": "kari@org-b.example"},
                expect=201)
    employer = apps["employer"]["coordinator"]
    firm = _firm(employer)
    smtp_server.stop()
    for i in range(BURST):
        employer.call("POST", "/opportunities", {
            "employer_id": firm["employer_id"], "kind": "small_job", "title": f"Jobb {i}",
            "places": 1, "hours_per_week": 6, "valid_from": "2026-01-01", "shared": True},
            expect=201)

    def failing():
        log = notify.call("GET", "/notifications?limit=500")["notifications"]
        return len(log) == BURST and all(n["last_error"] for n in log) and log
    wait_until(failing, timeout=60, what="every notification to have failed once")
    smtp_server.start()
    wait_until(lambda: len(smtp_server.messages()) >= BURST, timeout=240,
               what=f"{BURST} e-mails after the mail server came back")
    time.sleep(3)
    ids = [m["Message-ID"] for m in smtp_server.messages()]
    assert len(ids) == BURST and len(set(ids)) == BURST
    assert {m["Subject"] for m in smtp_server.messages()} == \
        {f"Ny delt mulighet: Jobb {i}" for i in range(BURST)}
    log = notify.call("GET", "/notifications?limit=500")["notifications"]
    assert {n["status"] for n in log} == {"sent"} and all(n["attempts"] > 1 for n in log)


def test_notify_killed_mid_burst_loses_nothing_and_repeats_only_with_the_same_id(
        platform, base_config, receiver, tmp_path):
    """notify is SIGKILLed while it delivers 200 webhooks and started again: every notification
    arrives; one the killed process had in hand may arrive again, with the same
    Pathways-Notification-Id (a receiver applies it once)."""
    notify = Instance("notify", 0, base_config, tmp_path)
    notify.start()
    try:
        wait_until(notify.up, timeout=60, what="notify to start")
        ApiClient(notify.base, TOKENS["caseworker-b"]).call(
            "POST", "/subscriptions", {"channel": "webhook", "address": receiver["url"]},
            expect=201)
        employer = platform("employer")["employer"]["coordinator"]
        firm = _firm(employer)
        for i in range(BURST):
            employer.call("POST", "/opportunities", {
                "employer_id": firm["employer_id"], "kind": "small_job", "title": f"Jobb {i}",
                "places": 1, "hours_per_week": 6, "valid_from": "2026-01-01", "shared": True},
                expect=201)
            if i == BURST // 4:
                wait_until(lambda: receiver["got"], timeout=30, what="the first webhooks")
                notify.kill_and_restart()
        ids = lambda: [h["headers"]["Pathways-Notification-Id"] for h in receiver["got"]]
        # a notification the killed process held is taken up when its claim lapses (60 s)
        wait_until(lambda: len(set(ids())) >= BURST, timeout=240,
                   what=f"{BURST} distinct notifications")
        time.sleep(3)
        assert len(set(ids())) == BURST
        assert len(ids()) - BURST <= 1, "a repeat beyond the one in hand at the kill"
        titles = {json.loads(h["body"])["opportunity"]["title"] for h in receiver["got"]}
        assert titles == {f"Jobb {i}" for i in range(BURST)}
    finally:
        notify.proc.kill()
        notify.proc.wait()


def test_an_sms_goes_to_the_provider_in_its_documented_shape(platform, receiver):
    """SMS through the one provider shape notify speaks (a local HTTP receiver stands in for
    the provider): the number, the sender, a short text with the link, the notification id as
    reference, and the provider's token."""
    platform.config = {"SMS_PROVIDER_URL": receiver["url"], "SMS_PROVIDER_TOKEN": "sms-token",
                       "SMS_SENDER": "Jobbsenter"}
    apps = platform("employer", "notify")
    bad = apps["notify"]["caseworker-b"].call("POST", "/subscriptions", {
        "channel": "sms", "address": "+47 12"}, expect=400)
    assert list(bad["errors"]) == ["address"]
    apps["notify"]["caseworker-b"].call("POST", "/subscriptions", {
        "channel": "sms", "address": "+4791234567", "language": "da"}, expect=201)
    employer = apps["employer"]["coordinator"]
    firm = _firm(employer)
    opening = employer.call("POST", "/opportunities", {
        "employer_id": firm["employer_id"], "kind": "work_trial", "title": "Lager",
        "places": 1, "valid_from": "2026-01-01", "shared": True}, expect=201)
    wait_until(lambda: receiver["got"], timeout=30, what="the SMS at the provider")
    (sms,) = receiver["got"]
    assert sms["headers"]["Authorization"] == "Bearer sms-token"
    body = json.loads(sms["body"])
    assert (body["to"], body["from"]) == ("+4791234567", "Jobbsenter")
    assert body["text"].startswith("Lager (praktik) hos Fjord Verksted AS, delt af org-a.")
    assert body["text"].endswith(f"/opportunities/{opening['opportunity_id']}")
    assert "|" in body["reference"]
