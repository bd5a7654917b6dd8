"""The employer nameko service over ``app.Employers``: HTTP and RPC from ``routes.ROUTES``.

Serves every partner organisation (tokens say which); reacts to the placement service's
PlacementStarted / PlacementEnded through the kernel's ordered idempotent consumer.
"""
from dataclasses import dataclass

from nameko.timer import timer

from pathways.runtime.health import HealthEntrypoints
from pathways.runtime.api import serves
from pathways.runtime.entrypoints import on_events
from pathways.runtime import EventLog, FeedEntrypoints, Inbox
from pathways.runtime.feed import DeadLetterEntrypoints
from pathways.runtime.app import ServiceApp, app_reactions
from pathways.runtime.auth import Auth
from pathways.operations.config import service_areas_from
from pathways.operations.settings import VaultSettings, settings_of
from pathways.security.privacy import SealedRecords, bind_master_key
from services.employer.app import Employers
from services.employer.routes import ROUTES, TITLE


SEALED_KEYS = "contact_keys"   # the wrapped keys, in <db>_keys, that the master key must open


def build_employers(container, db, store):
    keys = db.client[f"{db.name}_keys"]
    bind_master_key(keys, settings_of(container).vault_master_key, SEALED_KEYS)
    contacts = SealedRecords(db["contacts"], keys[SEALED_KEYS],
                             settings_of(container).vault_master_key)
    settings = settings_of(container)
    return Employers(store, db, contacts, db["access_log"], zone_of=settings.zone_of,
                     partners=lambda: {c.org for c in settings.tokens.values()},
                     service_areas=settings.service_areas)


@dataclass(frozen=True)
class EmployerSettings(VaultSettings):
    service_areas: dict   # SERVICE_AREAS: {org: [municipality number, ...]}

    READERS = {**VaultSettings.READERS, "service_areas": service_areas_from}


@serves(ROUTES, "employers", TITLE)
class EmployerService(FeedEntrypoints, DeadLetterEntrypoints, HealthEntrypoints):
    name = "employer"
    settings = EmployerSettings
    sealed_keys = SEALED_KEYS
    event_log = EventLog()
    employers = ServiceApp(build_employers)
    inbox = Inbox(["placement"], app_reactions)
    auth = Auth()

    # --- events from placement, and the timer -----------------------------------------------------
    @on_events(Employers.REACTIONS)
    def on_event(self, event):
        self.inbox.receive(event)

    @timer(interval=2)
    def catch_up(self):
        self.inbox.catch_up()
        self.employers.refresh()
