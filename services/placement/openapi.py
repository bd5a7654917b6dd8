"""The OpenAPI document of the placement service's HTTP API."""
import functools

from pathways.contracts.placement import CLOSURE_ENDS_ENROLMENT
from pathways.runtime.openapi import build
from services.placement import schemas

CASE = "/cases/{enrolment_id}"
PLACEMENT = CASE + "/placements/{placement_id}"


CLOSING = (
    "Closing a case ends its enrolment in intake, if it is still running, on the closing date: "
    "with the end reason and outcome hint of the outcome, and with `enrolment_status` "
    "(default `completed`) if the outcome allows it:\n\n"
    "| outcome | intake reason | intake outcome hint | enrolment_status allowed |\n"
    "| --- | --- | --- | --- |\n"
    + "".join(f"| `{o}` | `{r}` | `{h}` | {', '.join(f'`{s}`' for s in allowed)} |\n"
              for o, (r, h, allowed) in CLOSURE_ENDS_ENROLMENT.items())
    + "\nIf the enrolment already ended in intake, the closure takes the status it ended with; "
    "an `enrolment_status` or an outcome that contradicts that end (another status; an outcome "
    "in work or education after an end that was not, or the reverse) is refused with 409 "
    "`contradictory_outcome`. Either way round, ending the enrolment then closing the case, "
    "or closing then letting intake end it, gives the same result. When an enrolment ends, "
    "placements that never started are annulled, and ongoing ones end as `shortened` unless "
    "it ended in work or education (they are that outcome and go on). Reports count an "
    "enrolment as work or education by the case outcome once the case is closed, else by "
    "intake's outcome hint.")


@functools.lru_cache(maxsize=1)
def openapi_document():
    routes = [
        ("GET", "/cases", "The organisation's cases", None, "200", ("limit", "offset")),
        ("GET", CASE, "A case: placements, closure, outcomes", None, "200", ()),
        ("POST", f"{CASE}/placements", "Propose a placement with an employer",
         schemas.ProposeSchema, "201", ()),
        ("GET", PLACEMENT, "One placement", None, "200", ()),
        ("POST", f"{CASE}/close", "Close the case with an outcome", schemas.CloseSchema, "200",
         (), CLOSING),
        ("POST", f"{CASE}/outcomes", "Record the outcome at 1, 3, 6 or 12 months",
         schemas.ObserveSchema, "200", ()),
    ]
    for action, (command, schema) in schemas.PLACEMENT_ACTIONS.items():
        routes.append(("POST", f"{PLACEMENT}/{action}", f"{command} a placement", schema,
                       "200", ()))
    return build("Pathways placement", routes)
