"""The OpenAPI document of intake's HTTP API, generated from its marshmallow schemas."""
import functools

from pathways.runtime.openapi import build
from services.intake import schemas

RUN, ENROLMENT = "/runs/{run_id}", "/runs/{run_id}/enrolments/{enrolment_id}"


DATED = ("`date`: the business date it happened on (default: today where the organisation "
         "is); not after today (409 `date_in_future`), not before the referral (409 "
         "`dates_out_of_order`).")
ACTION_NOTES = {
    "start": "`start_date` may be planned up to 366 days ahead (409 `start_too_far_ahead`), "
             "never before the referral or a common start (409 `dates_out_of_order`).",
    "participation": "`from_date`: from when the new level holds; not before the start.",
    "end": "`end_date`: not after today, not before the start. Reason and outcome hint must "
           "agree: `got_job` means `employed` and `education` means `education`, and no other "
           "reason gives either; an `aborted` enrolment did not end in work or education "
           "(409 `contradictory_outcome`).",
    "correct": "Corrects dates recorded earlier (`referred_on`, `start_date` of a started "
               "enrolment, `end_date` of an ended one) with an `EnrolmentDatesCorrected` event; "
               "nothing recorded is rewritten. Reports as known at a time before the correction "
               "still show what was believed then; reports as effective on a date use the "
               "corrected dates. The dates must stay in order: referral <= start <= end <= "
               "today (409 `dates_out_of_order`, `date_in_future`, `start_too_far_ahead`; "
               "`not_started`, `not_ended`, `nothing_to_correct`).",
}


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
        routes.append(("POST", f"{ENROLMENT}/{action}", f"{command} on an enrolment", schema,
                       "200", (), ACTION_NOTES.get(action, DATED)))
    return build("Pathways intake", routes)
