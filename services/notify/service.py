"""The notify nameko service over ``app.Notify``: HTTP and RPC from ``routes.ROUTES``; the
employer service's events through the kernel's ordered idempotent consumer (the public contracts
and feeds only); a timer that delivers what is due.

Config (README): VAULT_MASTER_KEY (seals the addresses), SMTP_HOST / SMTP_PORT / SMTP_FROM,
WEBHOOK_SECRET, SMS_PROVIDER_URL / SMS_PROVIDER_TOKEN / SMS_SENDER, PUBLIC_URL, INTAKE_URL
(due digests; unset: none) and DUE_URL (their link).
"""
from dataclasses import dataclass

from nameko.timer import timer

from pathways.operations.settings import VaultSettings, settings_of
from pathways.runtime import EventLog, FeedEntrypoints, Inbox
from pathways.runtime.api import serves
from pathways.runtime.app import ServiceApp, app_reactions
from pathways.runtime.auth import Auth
from pathways.runtime.entrypoints import on_events
from pathways.runtime.feed import DeadLetterEntrypoints
from pathways.runtime.health import HealthEntrypoints
from pathways.security.privacy import SealedRecords, bind_master_key
from services.notify.app import Notify
from services.notify.channels import Sms, Smtp, Webhook
from services.notify.sources import IntakeDue
from services.notify.routes import ROUTES, TITLE

SEALED_KEYS = "address_keys"


def webhook_secret_from(value):
    if not value or len(str(value)) < 32:
        raise ValueError("config error: WEBHOOK_SECRET must be at least 32 characters (the "
                         "receivers check each webhook's signature with it)")
    return str(value).encode()


def port_from(value):
    try:
        port = int(value or 25)
    except (TypeError, ValueError):
        port = 0
    if not 1 <= port <= 65535:
        raise ValueError("config error: SMTP_PORT must be a port number (1-65535)")
    return port


def url_from(value, name):
    if not value:
        return None
    if not str(value).startswith(("http://", "https://")):
        raise ValueError(f"config error: {name} must be an http(s) URL")
    return str(value)


@dataclass(frozen=True)
class NotifySettings(VaultSettings):
    smtp: tuple            # SMTP_HOST, SMTP_PORT, SMTP_FROM
    webhook_secret: bytes  # WEBHOOK_SECRET
    sms: tuple             # SMS_PROVIDER_URL, SMS_PROVIDER_TOKEN, SMS_SENDER
    public_url: str        # PUBLIC_URL: the links' base (employer's API, or the workbench)
    intake: tuple          # INTAKE_URL (read by notify), DUE_URL (the digests' link)

    READERS = {**VaultSettings.READERS,
               "smtp": lambda c: (c.get("SMTP_HOST") or "localhost", port_from(c.get("SMTP_PORT")),
                                  c.get("SMTP_FROM") or "pathways@localhost"),
               "webhook_secret": lambda c: webhook_secret_from(c.get("WEBHOOK_SECRET")),
               "sms": lambda c: (c.get("SMS_PROVIDER_URL") or None,
                                 c.get("SMS_PROVIDER_TOKEN") or "", c.get("SMS_SENDER") or
                                 "Pathways"),
               "public_url": lambda c: c.get("PUBLIC_URL") or "http://localhost:8002",
               "intake": lambda c: (url_from(c.get("INTAKE_URL"), "INTAKE_URL"),
                                    c.get("DUE_URL") or (f"{c['INTAKE_URL'].rstrip('/')}/due"
                                                         if c.get("INTAKE_URL") else None))}


def build_notify(container, db, store):
    settings = settings_of(container)
    keys = db.client[f"{db.name}_keys"]
    bind_master_key(keys, settings.vault_master_key, SEALED_KEYS)
    addresses = SealedRecords(db["addresses"], keys[SEALED_KEYS], settings.vault_master_key)
    channels = {"email": Smtp(*settings.smtp), "webhook": Webhook(settings.webhook_secret)}
    if settings.sms[0]:
        channels["sms"] = Sms(*settings.sms)
    intake_url, due_url = settings.intake
    return Notify(store, db, addresses, channels, zone_of=settings.zone_of,
                  public_url=settings.public_url,
                  partners=lambda: {c.org for c in settings.tokens.values()},
                  due_of=IntakeDue(intake_url, settings.tokens) if intake_url else None,
                  due_url=due_url or "")


@serves(ROUTES, "notify", TITLE)
class NotifyService(FeedEntrypoints, DeadLetterEntrypoints, HealthEntrypoints):
    name = "notify"
    settings = NotifySettings
    sealed_keys = SEALED_KEYS
    event_log = EventLog()
    notify = ServiceApp(build_notify)
    inbox = Inbox(["employer"], app_reactions)
    auth = Auth()

    @on_events(Notify.REACTIONS)
    def on_event(self, event):
        self.inbox.receive(event)

    @timer(interval=1)
    def deliver(self):
        """The due digests whose hour has come, then what is due to be sent, until none is
        left or a minute has passed. One sender per instance:
        claimers racing for the same next notification slowed each other down (measured:
        3.6 times slower per notification with 8 on SecantusDB); instances each claim their
        own."""
        self.inbox.catch_up()
        self.notify.refresh()
        self.notify.digest_due()
        self.notify.deliver_due(most=100_000, seconds=60)
