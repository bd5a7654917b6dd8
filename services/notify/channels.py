"""How a notification leaves: e-mail over SMTP, a webhook (a signed JSON POST) and SMS through
one HTTP provider shape. Each ``send`` returns when the other side accepted the message and
raises ``DeliveryError`` (saying why) when it did not; the caller retries with backoff.

Signed webhooks: ``Pathways-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">``
with WEBHOOK_SECRET (receivers check it and refuse an old ``t``), and
``Pathways-Notification-Id`` (the same on every retry: a receiver drops repeats by it).

SMS provider shape: ``POST SMS_PROVIDER_URL`` with ``Authorization: Bearer SMS_PROVIDER_TOKEN`` and
``{"to": "+47...", "from": SMS_SENDER, "text": ..., "reference": <notification id>}``; any 2xx is
accepted."""
import hashlib
import hmac
import json
import smtplib
import time
from email.message import EmailMessage
from email.utils import make_msgid

import requests

from services.notify.domain import DeliveryError

TIMEOUT_SECONDS = 10
"""The longest one attempt waits on a mail server, provider or receiver."""


def signature(secret: bytes, timestamp: int, body: bytes) -> str:
    mac = hmac.new(secret, f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={mac}"


class Smtp:
    def __init__(self, host, port, sender):
        self.host, self.port, self.sender = host, int(port), sender

    def send(self, address, subject, text, notification_id, payload):
        msg = EmailMessage()
        msg["From"], msg["To"], msg["Subject"] = self.sender, address, subject
        # The same id on every retry: a mail system (and a test) can tell a repeat.
        msg["Message-ID"] = make_msgid(idstring=notification_id.replace("|", "."),
                                       domain="pathways.invalid")
        msg.set_content(text)
        try:
            with smtplib.SMTP(self.host, self.port, timeout=TIMEOUT_SECONDS) as smtp:
                smtp.send_message(msg)
        except (OSError, smtplib.SMTPException) as err:
            raise DeliveryError(f"mail server {self.host}:{self.port}: {err!r}"[:500]) from None


class Webhook:
    def __init__(self, secret: bytes):
        self.secret = secret

    def send(self, address, subject, text, notification_id, payload):
        body = json.dumps({**payload, "subject": subject, "text": text},
                          separators=(",", ":")).encode()
        headers = {"Content-Type": "application/json",
                   "Pathways-Notification-Id": notification_id,
                   "Pathways-Signature": signature(self.secret, int(time.time()), body)}
        _post(address, body, headers, "webhook receiver")


class Sms:
    def __init__(self, url, token, sender):
        self.url, self.token, self.sender = url, token, sender

    def send(self, address, subject, text, notification_id, payload):
        if not self.url:
            raise DeliveryError("no SMS provider is configured (SMS_PROVIDER_URL)")
        body = json.dumps({"to": address, "from": self.sender, "text": text,
                           "reference": notification_id}).encode()
        _post(self.url, body, {"Content-Type": "application/json",
                               "Authorization": f"Bearer {self.token}"}, "SMS provider")


def _post(url, body, headers, who):
    try:
        resp = requests.post(url, data=body, headers=headers, timeout=TIMEOUT_SECONDS,
                             allow_redirects=False)
    except requests.RequestException as err:
        raise DeliveryError(f"{who}: {err!r}"[:500]) from None
    if not 200 <= resp.status_code < 300:
        raise DeliveryError(f"{who} answered {resp.status_code}")
