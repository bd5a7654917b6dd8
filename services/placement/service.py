"""The placement nameko service over ``app.Placements``: HTTP and RPC from ``routes.ROUTES``.

Keeps local views of intake's enrolments and employer's opportunities (kernel consumer), and
reacts to an enrolment ending in intake by ending that case's open placements.
"""

from nameko.timer import timer

from pathways.runtime.health import HealthEntrypoints
from pathways.runtime.api import serves
from pathways.runtime.entrypoints import on_events
from pathways.runtime import EventLog, FeedEntrypoints, Inbox
from pathways.runtime.feed import DeadLetterEntrypoints
from pathways.runtime.app import ServiceApp, app_reactions, dependency_of
from pathways.operations.settings import settings_of
from pathways.runtime.auth import Auth
from pathways.application.timeouts import WAIT_SECONDS
from services.placement.app import Placements
from services.placement.routes import ROUTES, TITLE

def build_placements(container, db, store):
    def sync(sources):
        return dependency_of(container, Inbox).consumer.catch_up_within(WAIT_SECONDS, sources)
    return Placements(store, db, sync=sync, zone_of=settings_of(container).zone_of)


@serves(ROUTES, "placements", TITLE)
class PlacementService(FeedEntrypoints, DeadLetterEntrypoints, HealthEntrypoints):
    name = "placement"
    event_log = EventLog()
    placements = ServiceApp(build_placements)
    inbox = Inbox(["intake", "employer"], app_reactions)
    auth = Auth()

    # --- events from intake and employer (hints; the consumer orders and completes them) --------
    @on_events(Placements.REACTIONS)
    def on_event(self, event):
        self.inbox.receive(event)

    @timer(interval=2)
    def catch_up(self):
        self.inbox.catch_up()
        self.placements.cases.refresh()
