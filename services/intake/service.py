"""The intake nameko service: entrypoints only (HTTP, RPC, timer) over ``app.Intake``.

HTTP callers authenticate with ``Authorization: Bearer <token>``; RPC callers pass the same value
as context data ``authorization``. Config: see README (AUTH_TOKENS, VAULT_MASTER_KEY, MONGO_*).
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
from services.intake.app import Intake
from services.intake.openapi import openapi_document
from services.intake.vault import Vault, master_key_from
from services.intake.views import RunsView


def build_intake(container, db, store):
    keys = db.client[f"{db.name}_keys"]
    vault = Vault(db, keys, master_key_from(container.config.get("VAULT_MASTER_KEY")))
    return Intake(store, vault, db["access_log"], views=RunsView(db, store),
                  zone_of=zones_from(container.config))


def placement_handlers(container, db):
    return dependency_of(container, ServiceApp).instance().handlers()


class IntakeService(FeedEntrypoints, DeadLetterEntrypoints, HealthEntrypoints):
    name = "intake"
    event_log = EventLog()
    intake = ServiceApp(build_intake)
    inbox = Inbox(["placement"], placement_handlers)
    auth = Auth()

    # --- HTTP ------------------------------------------------------------------------------------
    @http("GET", "/openapi.json")
    def http_openapi(self, request):
        return respond(200, openapi_document())

    @http("POST", "/runs")
    @json_endpoint
    def http_create_run(self, request):
        return respond(201, self.intake.create_run(self.auth.from_request(request), read_json(request)))

    @http("GET", "/runs")
    @json_endpoint
    def http_list_runs(self, request):
        runs, next_offset = self.intake.list_runs(self.auth.from_request(request),
                                                  request.args.to_dict())
        return respond(200, {"runs": runs, "next_offset": next_offset})

    @http("GET", "/runs/<string:run_id>")
    @json_endpoint
    def http_get_run(self, request, run_id):
        return respond(200, self.intake.get_run(self.auth.from_request(request), run_id))

    @http("POST", "/runs/<string:run_id>/enrolments")
    @json_endpoint
    def http_refer(self, request, run_id):
        caller = self.auth.from_request(request)
        return respond(201, self.intake.refer(caller, run_id, read_json(request)))

    @http("GET", "/runs/<string:run_id>/enrolments/<string:enrolment_id>")
    @json_endpoint
    def http_get_enrolment(self, request, run_id, enrolment_id):
        caller = self.auth.from_request(request)
        return respond(200, self.intake.get_enrolment(caller, run_id, enrolment_id))

    @http("POST", "/runs/<string:run_id>/enrolments/<string:enrolment_id>/<string:action>")
    @json_endpoint
    def http_enrolment_action(self, request, run_id, enrolment_id, action):
        caller = self.auth.from_request(request)
        return respond(200, self.intake.enrolment_action(caller, run_id, enrolment_id, action,
                                                         read_json(request)))

    @http("POST", "/participants")
    @json_endpoint
    def http_register(self, request):
        caller = self.auth.from_request(request)
        return respond(201, self.intake.register_participant(caller, read_json(request)))

    @http("GET", "/participants/<string:participant_id>")
    @json_endpoint
    def http_read_participant(self, request, participant_id):
        caller = self.auth.from_request(request)
        return respond(200, self.intake.read_personal_data(caller, participant_id,
                                                           request.args.to_dict()))

    @http("POST", "/participants/<string:participant_id>/erase")
    @json_endpoint
    def http_erase(self, request, participant_id):
        caller = self.auth.from_request(request)
        return respond(200, self.intake.erase_participant(caller, participant_id))

    # --- RPC (credentials in context data) -------------------------------------------------------
    @rpc(expected_exceptions=EXPECTED)
    def create_run(self, body):
        return self.intake.create_run(self.auth.from_context(), body)

    @rpc(expected_exceptions=EXPECTED)
    def list_runs(self, limit=100, offset=0):
        runs, next_offset = self.intake.list_runs(self.auth.from_context(),
                                                  {"limit": limit, "offset": offset})
        return {"runs": runs, "next_offset": next_offset}

    @rpc(expected_exceptions=EXPECTED)
    def get_run(self, run_id):
        return self.intake.get_run(self.auth.from_context(), run_id)

    @rpc(expected_exceptions=EXPECTED)
    def refer(self, run_id, body):
        return self.intake.refer(self.auth.from_context(), run_id, body)

    @rpc(expected_exceptions=EXPECTED)
    def enrolment_action(self, run_id, enrolment_id, action, body=None):
        return self.intake.enrolment_action(self.auth.from_context(), run_id, enrolment_id,
                                            action, body or {})

    @rpc(expected_exceptions=EXPECTED)
    def get_enrolment(self, run_id, enrolment_id):
        return self.intake.get_enrolment(self.auth.from_context(), run_id, enrolment_id)

    @rpc(expected_exceptions=EXPECTED)
    def register_participant(self, body):
        return self.intake.register_participant(self.auth.from_context(), body)

    @rpc(expected_exceptions=EXPECTED)
    def read_personal_data(self, participant_id, purpose):
        return self.intake.read_personal_data(self.auth.from_context(), participant_id,
                                              {"purpose": purpose})

    @rpc(expected_exceptions=EXPECTED)
    def erase_participant(self, participant_id):
        return self.intake.erase_participant(self.auth.from_context(), participant_id)

    # --- events from placement, and the timer -----------------------------------------------------
    @on_events(Intake.SUBSCRIBES)
    def on_event(self, event):
        self.inbox.receive(event)

    @timer(interval=2)
    def catch_up(self):
        self.inbox.catch_up()
        self.intake.views.refresh()
