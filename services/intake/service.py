"""The intake nameko service over ``app.Intake``: HTTP and RPC from ``routes.ROUTES``, events, timer.

HTTP callers authenticate with ``Authorization: Bearer <token>``; RPC callers pass the same value
as context data ``authorization``. Config: see README (AUTH_TOKENS, VAULT_MASTER_KEY, MONGO_*).
"""

from dataclasses import dataclass
from typing import Callable

from nameko.timer import timer

from pathways.contracts.intake import DEFAULT_SPECIALTIES, PROGRAMMES
from pathways.operations.config import days_per_name, specialties_from
from pathways.runtime.health import HealthEntrypoints
from pathways.runtime.api import serves
from pathways.runtime.entrypoints import http, on_events
from pathways.runtime.http import json_endpoint, wait_for_positions
from pathways.runtime.tables import csv_response
from pathways.runtime import EventLog, FeedEntrypoints, Inbox
from pathways.runtime.feed import DeadLetterEntrypoints
from pathways.runtime.app import ServiceApp, app_reactions
from pathways.application.commands import Commands
from pathways.operations.settings import VaultSettings, settings_of
from pathways.runtime.auth import Auth
from pathways.security.privacy import bind_master_key
from services.intake.app import Intake
from services.intake.due import DEFAULT_FOLLOW_UP_DAYS
from services.intake.funding_cases import contracts_view
from services.intake.routes import COMMANDERS, ROUTES, TITLE
from services.intake.vault import Vault
from services.intake.views import ArrivalsView, CaseloadView, RunsView, timeline_view


DUE_COLUMNS = ("on", "what", "due_on", "days_overdue", "months", "enrolment_id", "participant_id",
               "run_id", "run_name", "programme", "coach_id", "co_coach_id", "state")
SEALED_KEYS = "participant_keys"   # the wrapped keys, in <db>_keys, that the master key must open


def build_intake(container, db, store):
    keys = db.client[f"{db.name}_keys"]
    bind_master_key(keys, settings_of(container).vault_master_key, SEALED_KEYS)
    vault = Vault(db, keys, settings_of(container).vault_master_key)
    commands = Commands(store)   # one command path: the views share its kept states
    settings = settings_of(container)
    return Intake(store, vault, db["access_log"], views=RunsView(db, store, commands),
                  caseload=CaseloadView(db, store, commands),
                  arrivals=ArrivalsView(db, store, commands),
                  contracts=contracts_view(db, store, commands), commands=commands,
                  timelines=timeline_view(db, store),
                  grants=settings.grants,
                  zone_of=settings.zone_of, specialties=settings.coach_specialties,
                  follow_up_days=settings.follow_up_days,
                  people=lambda org: {c.id for c in settings.tokens.values()
                                      if c.org == org and c.role in ("caseworker", "coordinator")})


@dataclass(frozen=True)
class IntakeSettings(VaultSettings):
    coach_specialties: Callable   # COACH_SPECIALTIES: {org: [specialty, ...]}
    follow_up_days: Callable      # FOLLOW_UP_DAYS: {programme: days without a contact}

    READERS = {**VaultSettings.READERS,
               "coach_specialties": lambda config: specialties_from(config, DEFAULT_SPECIALTIES),
               "follow_up_days": lambda config: days_per_name(
                   config, "FOLLOW_UP_DAYS", PROGRAMMES, DEFAULT_FOLLOW_UP_DAYS)}


@serves(ROUTES, "intake", TITLE)
class IntakeService(FeedEntrypoints, DeadLetterEntrypoints, HealthEntrypoints):
    name = "intake"
    settings = IntakeSettings
    sealed_keys = SEALED_KEYS
    event_log = EventLog()
    intake = ServiceApp(build_intake)
    inbox = Inbox(["placement"], app_reactions)
    auth = Auth()

    @http("GET", "/due/export")
    @json_endpoint
    def http_due_export(self, request):
        caller = self.auth.from_request(request)
        caller.require(*COMMANDERS)
        wait_for_positions(self, request)
        due = self.intake.due(caller, request.args.to_dict())
        return csv_response("due", DUE_COLUMNS, [{"on": due["on"], **i} for i in due["items"]])

    # --- events from placement, and the timer -----------------------------------------------------
    @on_events(Intake.REACTIONS)
    def on_event(self, event):
        self.inbox.receive(event)

    @timer(interval=2)
    def catch_up(self):
        self.inbox.catch_up()
        self.intake.views.refresh()
        self.intake.caseload_view.refresh()
        self.intake.arrivals_view.refresh()
        self.intake.contracts_view.refresh()
        if self.intake.timelines is not None:
            self.intake.timelines.refresh()
