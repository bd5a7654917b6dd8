"""The OpenAPI document of intake's HTTP API, generated from its marshmallow schemas."""
import functools

from pathways.runtime.openapi import build
from services.intake import schemas

RUN, ENROLMENT = "/runs/{run_id}", "/runs/{run_id}/enrolments/{enrolment_id}"


@functools.lru_cache(maxsize=1)
def openapi_document():
    routes = [
        ("POST", "/runs", "Create a programme run (coordinator, admin)",
         schemas.CreateRunSchema, "201", ()),
        ("GET", "/runs", "The organisation's programme runs with places in use (a page: limit "
         "up to 500, offset; next_offset leads on)", None, "200", ("limit", "offset")),
        ("GET", RUN, "A programme run with its enrolments and waiting list", None, "200", ()),
        ("POST", f"{RUN}/enrolments", "Refer a registered participant to the run",
         schemas.ReferSchema, "201", ()),
        ("GET", ENROLMENT, "One enrolment", None, "200", ()),
        ("POST", "/participants", "Register a participant; personal data goes to the vault only",
         schemas.ParticipantSchema, "201", ()),
        ("GET", "/participants/{participant_id}",
         "Read personal data (caseworker, coordinator); the read is recorded",
         None, "200", ("purpose",)),
        ("POST", "/participants/{participant_id}/erase",
         "Erase personal data (crypto-shredding; coordinator, admin)", None, "200", ()),
    ]
    for action, (command, schema) in schemas.ENROLMENT_ACTIONS.items():
        body = schema
        routes.append(("POST", f"{ENROLMENT}/{action}", f"{command} on an enrolment", body,
                       "200", ()))
    return build("Pathways intake", routes)
