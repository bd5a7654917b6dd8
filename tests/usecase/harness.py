"""The use-case tier's world: each service's app over an in-memory event log and in-memory
collections (mongomock), called through its route table as HTTP would call it (roles, bodies,
path parameters), and events handed from one service to another as the consumer would."""
import re

import mongomock

from pathways.security.callers import Caller
from pathways.application.commands import Commands
from pathways.eventstore import MemoryEventStore
from pathways.application.reactions import handlers
from pathways.api.routes import call
from services.employer.app import Employers
from services.employer.routes import ROUTES as EMPLOYER_ROUTES
from services.intake.app import Intake
from services.intake.routes import ROUTES as INTAKE_ROUTES
from services.intake.funding_cases import contracts_view
from services.intake.vault import Vault
from services.intake.views import ArrivalsView, CaseloadView, RunsView, timeline_view
from services.placement.app import Placements
from services.placement.routes import ROUTES as PLACEMENT_ROUTES
from services.notify.app import Notify
from services.notify.domain import DeliveryError
from services.notify.routes import ROUTES as NOTIFY_ROUTES
from pathways.timeutil import utcnow
from pathways.security.privacy import SealedRecords

MASTER_KEY = bytes(range(32))
CALLERS = {name: Caller(org, role, f"{name}@{org}") for name, org, role in (
    ("caseworker", "org-a", "caseworker"), ("coordinator", "org-a", "coordinator"),
    ("auditor", "org-a", "auditor"), ("admin", "org-a", "admin"),
    ("caseworker-b", "org-b", "caseworker"), ("coordinator-b", "org-b", "coordinator"),
    ("caseworker-c", "org-c", "caseworker"), ("coordinator-c", "org-c", "coordinator"),
    ("caseworker-d", "org-d", "caseworker"), ("hub-admin", "hub", "admin"),
    ("hub-coordinator", "hub", "coordinator"), ("funder", "nav-agder", "funder"),
    ("other-funder", "af", "funder"))}
GRANTS = {"hub": frozenset({"org-a", "org-b", "org-c", "org-d"})}   # the hub administers them
SERVICE_AREAS = {"org-a": ["4204"], "org-b": ["4201", "4202"], "org-c": ["4203"],
                 "org-d": ["0301"]}


class Api:
    """``api("POST", "/runs", "coordinator", body)``: the route that serves that path, run."""

    def __init__(self, app, routes):
        self.app, self.routes = app, routes

    def __call__(self, method, path, who, body=None, **query):
        for route in self.routes:
            pattern = re.sub(r"{(\w+)}", r"(?P<\1>[^/]+)", route.path)
            found = re.fullmatch(pattern, path)
            if route.method == method and found:
                return call(self.app, route, CALLERS[who], found.groupdict(), body,
                            {k: str(v) for k, v in query.items()})
        raise AssertionError(f"no route serves {method} {path}")


class Outbox:
    """notify's channels in memory: each message accepted, unless its address is ``refusing``."""

    def __init__(self):
        self.sent, self.refusing = [], set()

    def send(self, address, subject, text, notification_id, payload):
        if address in self.refusing:
            raise DeliveryError(f"{address} refused it")
        self.sent.append({"address": address, "subject": subject, "text": text,
                          "id": notification_id})


class World:
    """Intake, employer, placement and notify, each with its own log and database, wired by
    events; notify's channels are the ``outbox`` (what was sent, by whom refused)."""

    def __init__(self):
        client = mongomock.MongoClient()
        self.stores = {s: MemoryEventStore(s) for s in ("intake", "employer", "placement",
                                                         "notify")}
        self.dbs = {s: client[s] for s in self.stores}
        db = self.dbs["intake"]
        self.vault = Vault(db, client["intake_keys"], MASTER_KEY)
        commands = Commands(self.stores["intake"])
        self.intake = Intake(self.stores["intake"], self.vault, db["access_log"],
                             views=RunsView(db, self.stores["intake"], commands),
                             caseload=CaseloadView(db, self.stores["intake"], commands),
                             arrivals=ArrivalsView(db, self.stores["intake"], commands),
                             contracts=contracts_view(db, self.stores["intake"], commands),
                             timelines=timeline_view(db, self.stores["intake"]),
                             commands=commands, grants=GRANTS,
                             people=lambda org: {c.id for c in CALLERS.values() if c.org == org
                                                 and c.role in ("caseworker", "coordinator")})
        db = self.dbs["employer"]
        contacts = SealedRecords(db["contacts"], client["employer_keys"]["contact_keys"],
                                 MASTER_KEY)
        self.employers = Employers(self.stores["employer"], db, contacts, db["access_log"],
                                   partners=lambda: {c.org for c in CALLERS.values()},
                                   service_areas=SERVICE_AREAS)
        self.placements = Placements(self.stores["placement"], self.dbs["placement"],
                                     sync=self.deliver)
        self.now = None   # notify's clock (None: now)
        self.outbox = Outbox()
        self.due_unreadable = False   # intake's due list cannot be read (a fault)
        db = self.dbs["notify"]
        self.notify = Notify(self.stores["notify"], db,
                             SealedRecords(db["addresses"], client["notify_keys"]["address_keys"],
                                           MASTER_KEY),
                             {"email": self.outbox, "sms": self.outbox, "webhook": self.outbox},
                             clock=lambda: self.now or utcnow(),
                             partners=lambda: {c.org for c in CALLERS.values()},
                             due_of=self.due_of, due_url="https://intake.example/due")
        self.apis = {"intake": Api(self.intake, INTAKE_ROUTES),
                     "employer": Api(self.employers, EMPLOYER_ROUTES),
                     "placement": Api(self.placements, PLACEMENT_ROUTES),
                     "notify": Api(self.notify, NOTIFY_ROUTES)}
        self.consumers = {"intake": handlers(self.intake),
                          "employer": handlers(self.employers),
                          "placement": handlers(self.placements),
                          "notify": handlers(self.notify)}
        self.delivered = {s: 0 for s in self.stores}

    def due_of(self, org, day):
        """notify's reader of an organisation's due list: intake's ``GET /due``, as the
        organisation's coordinator."""
        if self.due_unreadable:
            raise DeliveryError("intake did not answer")
        (who,) = [k for k, c in CALLERS.items() if c.org == org and c.role == "coordinator"]
        return self.apis["intake"]("GET", "/due", who, on=day.isoformat())["items"]

    def deliver(self, sources=None):
        """Hand every new event to the services that subscribe to it, in position order (what
        the kernel's consumer does); returns the sources it could not bring up to date (none)."""
        for source in sources or self.stores:
            for event in self.stores[source].events_after(self.delivered[source], 10_000):
                for consumer, reactions in self.consumers.items():
                    handler = reactions.get(event["type"])
                    if consumer != source and handler is not None:
                        handler(self.stores[source].registry.read(event, trusted_envelope=True))
                self.delivered[source] = event["position"]
        return set()

    def events(self, source, type_=None):
        return [e for e in self.stores[source].events_after(0, 10_000)
                if type_ is None or e["type"] == type_]
