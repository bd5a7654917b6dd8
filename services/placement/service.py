"""The placement nameko service: entrypoints only, over ``app.Placements``.

Keeps local views of intake's enrolments and employer's opportunities (kernel consumer), and
reacts to an enrolment ending in intake by ending that case's open placements.
"""

from nameko.timer import timer

from pathways.runtime.health import HealthEntrypoints
from pathways.runtime.entrypoints import http, on_events, rpc
from pathways.runtime import EventLog, FeedEntrypoints, Inbox
from pathways.runtime.feed import DeadLetterEntrypoints
from pathways.runtime.app import ServiceApp, dependency_of
from pathways.config import zones_from
from pathways.runtime.auth import Auth
from pathways.runtime.http import EXPECTED, json_endpoint, read_json, respond
from pathways.timeouts import WAIT_SECONDS
from services.placement.app import Placements
from services.placement.openapi import openapi_document

def build_placements(container, db, store):
    def sync(sources):
        return dependency_of(container, Inbox).consumer.catch_up_within(WAIT_SECONDS, sources)
    return Placements(store, db, sync=sync, zone_of=zones_from(container.config))


def handlers(container, db):
    return dependency_of(container, ServiceApp).instance().handlers()


class PlacementService(FeedEntrypoints, DeadLetterEntrypoints, HealthEntrypoints):
    name = "placement"
    event_log = EventLog()
    placements = ServiceApp(build_placements)
    inbox = Inbox(["intake", "employer"], handlers)
    auth = Auth()

    # --- HTTP ------------------------------------------------------------------------------------
    @http("GET", "/openapi.json")
    def http_openapi(self, request):
        return respond(200, openapi_document())

    @http("GET", "/cases")
    @json_endpoint
    def http_list_cases(self, request):
        cases, next_offset = self.placements.list_cases(self.auth.from_request(request),
                                                        request.args.to_dict())
        return respond(200, {"cases": cases, "next_offset": next_offset})

    @http("GET", "/cases/<string:enrolment_id>")
    @json_endpoint
    def http_get_case(self, request, enrolment_id):
        return respond(200, self.placements.get_case(self.auth.from_request(request),
                                                     enrolment_id))

    @http("POST", "/cases/<string:enrolment_id>/placements")
    @json_endpoint
    def http_propose(self, request, enrolment_id):
        caller = self.auth.from_request(request)
        return respond(201, self.placements.propose(caller, enrolment_id, read_json(request)))

    @http("GET", "/cases/<string:enrolment_id>/placements/<string:placement_id>")
    @json_endpoint
    def http_get_placement(self, request, enrolment_id, placement_id):
        return respond(200, self.placements.placement(self.auth.from_request(request),
                                                      enrolment_id, placement_id))

    @http("POST", "/cases/<string:enrolment_id>/placements/<string:placement_id>/<string:action>")
    @json_endpoint
    def http_placement_action(self, request, enrolment_id, placement_id, action):
        caller = self.auth.from_request(request)
        return respond(200, self.placements.placement_action(
            caller, enrolment_id, placement_id, action, read_json(request)))

    @http("POST", "/cases/<string:enrolment_id>/close")
    @json_endpoint
    def http_close(self, request, enrolment_id):
        caller = self.auth.from_request(request)
        return respond(200, self.placements.close_case(caller, enrolment_id, read_json(request)))

    @http("POST", "/cases/<string:enrolment_id>/outcomes")
    @json_endpoint
    def http_observe(self, request, enrolment_id):
        caller = self.auth.from_request(request)
        return respond(200, self.placements.observe_outcome(caller, enrolment_id,
                                                            read_json(request)))

    # --- RPC (credentials in context data) -------------------------------------------------------
    @rpc(expected_exceptions=EXPECTED)
    def list_cases(self, limit=100, offset=0):
        cases, next_offset = self.placements.list_cases(self.auth.from_context(),
                                                        {"limit": limit, "offset": offset})
        return {"cases": cases, "next_offset": next_offset}

    @rpc(expected_exceptions=EXPECTED)
    def get_case(self, enrolment_id):
        return self.placements.get_case(self.auth.from_context(), enrolment_id)

    @rpc(expected_exceptions=EXPECTED)
    def propose(self, enrolment_id, body):
        return self.placements.propose(self.auth.from_context(), enrolment_id, body)

    @rpc(expected_exceptions=EXPECTED)
    def placement_action(self, enrolment_id, placement_id, action, body=None):
        return self.placements.placement_action(self.auth.from_context(), enrolment_id,
                                                placement_id, action, body or {})

    @rpc(expected_exceptions=EXPECTED)
    def close_case(self, enrolment_id, body):
        return self.placements.close_case(self.auth.from_context(), enrolment_id, body)

    @rpc(expected_exceptions=EXPECTED)
    def observe_outcome(self, enrolment_id, body):
        return self.placements.observe_outcome(self.auth.from_context(), enrolment_id, body)

    # --- events from intake and employer (hints; the consumer orders and completes them) --------
    @on_events(Placements.SUBSCRIBES)
    def on_event(self, event):
        self.inbox.receive(event)

    @timer(interval=2)
    def catch_up(self):
        self.inbox.catch_up()
        self.placements.cases.refresh()
