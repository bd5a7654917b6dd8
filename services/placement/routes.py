"""Placement's API, declared once: HTTP, RPC and the OpenAPI document are generated from ROUTES."""
from pathways.contracts.placement import CLOSURE_ENDS_ENROLMENT
from pathways.api.answers import TimelineSchema
from pathways.api.routes import Route
from pathways.application.views import PageQuerySchema
from services.placement import answers, commands

TITLE = "Pathways placement"
CASE = "/cases/{enrolment_id}"
PLACEMENT = CASE + "/placements/{placement_id}"
WRITERS = ("caseworker", "coordinator", "admin")

CLOSING = (
    "Closing a case ends its enrolment in intake, if it is still running, on the closing date: "
    "with the end reason and outcome hint of the outcome, and with `enrolment_status` "
    "(default `completed`) if the outcome allows it:\n\n"
    "| outcome | intake reason | intake outcome hint | enrolment_status allowed |\n"
    "| --- | --- | --- | --- |\n"
    + "".join(f"| `{o}` | `{r}` | `{h}` | {', '.join(f'`{s}`' for s in allowed)} |\n"
              for o, (r, h, allowed) in CLOSURE_ENDS_ENROLMENT.items())
    + "\nAn outcome that is the enrolment's own programme (a resource course ending in a "
    "resource course, permanent adapted work in permanent adapted work) does not apply: 400 "
    "on `outcome`.\n"
    + "\nIf the enrolment already ended in intake, the closure takes the status it ended with; "
    "an `enrolment_status` or an outcome that contradicts that end (another status; an outcome "
    "in work or education after an end that was not, or the reverse) is refused with 409 "
    "`contradictory_outcome`. Either way round, ending the enrolment then closing the case, "
    "or closing then letting intake end it, gives the same result. When an enrolment ends, "
    "placements that never started are annulled, and ongoing ones end as `shortened` unless "
    "it ended in work or education (they are that outcome and go on). Reports count an "
    "enrolment as work or education by the case outcome once the case is closed, else by "
    "intake's outcome hint.")

ROUTES = [
    Route("GET", "/cases", "list_cases", "The organisation's cases", query=PageQuerySchema,
          listing="cases", response=answers.CaseSchema),
    Route("GET", CASE + "/history", "case_history", "The case's timeline: what happened when, "
          "when it was recorded and by whom", response=TimelineSchema),
    Route("GET", CASE, "get_case", "A case: placements, closure, outcomes",
          response=answers.CaseSchema),
    Route("POST", f"{CASE}/placements", "propose", "Propose a placement with an employer",
          status=201, roles=WRITERS, body=commands.ProposeSchema, what="placement",
          response=answers.OnePlacementSchema),
    Route("GET", PLACEMENT, "placement", "One placement", response=answers.OnePlacementSchema),
    Route("POST", PLACEMENT + "/{action}", "placement_action", "a step of a placement",
          roles=WRITERS, actions=commands.PLACEMENT_ACTIONS, steps={
              "approve": "Record a party's approval (participant, employer, caseworker)",
              "start": "Start the agreed placement",
              "follow-ups": "Record a follow-up (visit, call, meeting)",
              "end": "End the placement (completed, shortened or annulled)"},
          response=answers.OnePlacementSchema),
    Route("POST", f"{CASE}/close", "close_case", "Close the case with an outcome",
          roles=WRITERS, body=commands.CloseSchema, what="closure", description=CLOSING,
          response=answers.CaseSchema),
    Route("POST", f"{CASE}/outcomes", "observe_outcome", "Record the outcome at 1, 3, 6 or 12 "
          "months", roles=WRITERS, body=commands.ObserveSchema, what="outcome",
          response=answers.CaseSchema),
]
