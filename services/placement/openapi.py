"""The OpenAPI document of the placement service's HTTP API."""
import functools

from pathways.runtime.openapi import build
from services.placement import schemas

CASE = "/cases/{enrolment_id}"
PLACEMENT = CASE + "/placements/{placement_id}"


@functools.lru_cache(maxsize=1)
def openapi_document():
    routes = [
        ("GET", "/cases", "The organisation's cases", None, "200", ("limit", "offset")),
        ("GET", CASE, "A case: placements, closure, outcomes", None, "200", ()),
        ("POST", f"{CASE}/placements", "Propose a placement with an employer",
         schemas.ProposeSchema, "201", ()),
        ("GET", PLACEMENT, "One placement", None, "200", ()),
        ("POST", f"{CASE}/close", "Close the case with an outcome", schemas.CloseSchema, "200",
         ()),
        ("POST", f"{CASE}/outcomes", "Record the outcome at 1, 3, 6 or 12 months",
         schemas.ObserveSchema, "200", ()),
    ]
    for action, (command, schema) in schemas.PLACEMENT_ACTIONS.items():
        routes.append(("POST", f"{PLACEMENT}/{action}", f"{command} a placement", schema,
                       "200", ()))
    return build("Pathways placement", routes)
