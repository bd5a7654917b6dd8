"""The employer nameko service: entrypoints only, over ``app.Employers``.

Serves every partner organisation (tokens say which); reacts to the placement service's
PlacementStarted / PlacementEnded through the kernel's ordered idempotent consumer.
"""

from nameko.timer import timer

from pathways.runtime.health import HealthEntrypoints
from pathways.runtime.entrypoints import http, on_events, rpc
from pathways.runtime import EventLog, FeedEntrypoints, Inbox
from pathways.runtime.feed import DeadLetterEntrypoints
from pathways.runtime.app import ServiceApp, dependency_of
from pathways.runtime.auth import Auth
from pathways.runtime.http import EXPECTED, json_endpoint, read_json, respond
from pathways.config import zones_from
from pathways.privacy import SealedRecords, master_key_from
from services.employer.app import Employers
from services.employer.openapi import openapi_document


def build_employers(container, db, store):
    keys = db.client[f"{db.name}_keys"]
    contacts = SealedRecords(db["contacts"], keys["contact_keys"],
                             master_key_from(container.config.get("VAULT_MASTER_KEY")))
    return Employers(store, db, contacts, db["access_log"], zone_of=zones_from(container.config))


def placement_handlers(container, db):
    return dependency_of(container, ServiceApp).instance().handlers()


class EmployerService(FeedEntrypoints, DeadLetterEntrypoints, HealthEntrypoints):
    name = "employer"
    event_log = EventLog()
    employers = ServiceApp(build_employers)
    inbox = Inbox(["placement"], placement_handlers)
    auth = Auth()

    # --- HTTP ------------------------------------------------------------------------------------
    @http("GET", "/openapi.json")
    def http_openapi(self, request):
        return respond(200, openapi_document())

    @http("POST", "/employers")
    @json_endpoint
    def http_register(self, request):
        caller = self.auth.from_request(request)
        return respond(201, self.employers.register_employer(caller, read_json(request)))

    @http("GET", "/employers")
    @json_endpoint
    def http_list_employers(self, request):
        caller = self.auth.from_request(request)
        items, next_offset = self.employers.list_employers(caller, request.args.to_dict())
        return respond(200, {"employers": items, "next_offset": next_offset})

    @http("GET", "/employers/<string:employer_id>")
    @json_endpoint
    def http_get_employer(self, request, employer_id):
        return respond(200, self.employers.get_employer(self.auth.from_request(request),
                                                        employer_id))

    @http("GET", "/employers/<string:employer_id>/contact")
    @json_endpoint
    def http_read_contact(self, request, employer_id):
        caller = self.auth.from_request(request)
        return respond(200, self.employers.read_contact(caller, employer_id,
                                                        request.args.to_dict()))

    @http("PATCH", "/employers/<string:employer_id>")
    @json_endpoint
    def http_update_employer(self, request, employer_id):
        caller = self.auth.from_request(request)
        return respond(200, self.employers.update_employer(caller, employer_id,
                                                           read_json(request)))

    @http("POST", "/agreements")
    @json_endpoint
    def http_sign(self, request):
        caller = self.auth.from_request(request)
        return respond(201, self.employers.sign_agreement(caller, read_json(request)))

    @http("GET", "/agreements")
    @json_endpoint
    def http_list_agreements(self, request):
        caller = self.auth.from_request(request)
        items, next_offset = self.employers.list_agreements(caller, request.args.to_dict())
        return respond(200, {"agreements": items, "next_offset": next_offset})

    @http("GET", "/agreements/<string:agreement_id>")
    @json_endpoint
    def http_get_agreement(self, request, agreement_id):
        return respond(200, self.employers.get_agreement(self.auth.from_request(request),
                                                         agreement_id))

    @http("POST", "/agreements/<string:agreement_id>/end")
    @json_endpoint
    def http_end_agreement(self, request, agreement_id):
        caller = self.auth.from_request(request)
        return respond(200, self.employers.end_agreement(caller, agreement_id,
                                                         read_json(request)))

    @http("POST", "/opportunities")
    @json_endpoint
    def http_post_opportunity(self, request):
        caller = self.auth.from_request(request)
        return respond(201, self.employers.post_opportunity(caller, read_json(request)))

    @http("GET", "/opportunities")
    @json_endpoint
    def http_list_opportunities(self, request):
        caller = self.auth.from_request(request)
        items, next_offset = self.employers.list_opportunities(caller, request.args.to_dict())
        return respond(200, {"opportunities": items, "next_offset": next_offset})

    @http("GET", "/opportunities/<string:opportunity_id>")
    @json_endpoint
    def http_get_opportunity(self, request, opportunity_id):
        return respond(200, self.employers.get_opportunity(self.auth.from_request(request),
                                                           opportunity_id))

    @http("POST", "/opportunities/<string:opportunity_id>/<string:action>")
    @json_endpoint
    def http_opportunity_action(self, request, opportunity_id, action):
        caller = self.auth.from_request(request)
        return respond(200, self.employers.opportunity_action(caller, opportunity_id, action,
                                                              read_json(request)))

    # --- RPC (credentials in context data) -------------------------------------------------------
    @rpc(expected_exceptions=EXPECTED)
    def register_employer(self, body):
        return self.employers.register_employer(self.auth.from_context(), body)

    @rpc(expected_exceptions=EXPECTED)
    def list_employers(self, limit=100, offset=0):
        items, next_offset = self.employers.list_employers(self.auth.from_context(),
                                                        {"limit": limit, "offset": offset})
        return {"employers": items, "next_offset": next_offset}

    @rpc(expected_exceptions=EXPECTED)
    def get_employer(self, employer_id):
        return self.employers.get_employer(self.auth.from_context(), employer_id)

    @rpc(expected_exceptions=EXPECTED)
    def read_contact(self, employer_id, purpose):
        return self.employers.read_contact(self.auth.from_context(), employer_id,
                                           {"purpose": purpose})

    @rpc(expected_exceptions=EXPECTED)
    def update_employer(self, employer_id, body):
        return self.employers.update_employer(self.auth.from_context(), employer_id, body)

    @rpc(expected_exceptions=EXPECTED)
    def sign_agreement(self, body):
        return self.employers.sign_agreement(self.auth.from_context(), body)

    @rpc(expected_exceptions=EXPECTED)
    def end_agreement(self, agreement_id, body):
        return self.employers.end_agreement(self.auth.from_context(), agreement_id, body)

    @rpc(expected_exceptions=EXPECTED)
    def list_agreements(self, limit=100, offset=0):
        items, next_offset = self.employers.list_agreements(self.auth.from_context(),
                                                        {"limit": limit, "offset": offset})
        return {"agreements": items, "next_offset": next_offset}

    @rpc(expected_exceptions=EXPECTED)
    def post_opportunity(self, body):
        return self.employers.post_opportunity(self.auth.from_context(), body)

    @rpc(expected_exceptions=EXPECTED)
    def opportunity_action(self, opportunity_id, action, body=None):
        return self.employers.opportunity_action(self.auth.from_context(), opportunity_id,
                                                 action, body or {})

    @rpc(expected_exceptions=EXPECTED)
    def get_opportunity(self, opportunity_id):
        return self.employers.get_opportunity(self.auth.from_context(), opportunity_id)

    @rpc(expected_exceptions=EXPECTED)
    def list_opportunities(self, limit=100, offset=0):
        items, next_offset = self.employers.list_opportunities(self.auth.from_context(),
                                                        {"limit": limit, "offset": offset})
        return {"opportunities": items, "next_offset": next_offset}

    # --- events from placement -------------------------------------------------------------------
    @on_events(Employers.SUBSCRIBES)
    def on_event(self, event):
        self.inbox.receive(event)

    @timer(interval=2)
    def catch_up(self):
        self.inbox.catch_up()
        self.employers.refresh()
