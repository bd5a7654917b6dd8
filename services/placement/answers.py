"""What placement answers (documented in its OpenAPI document; see ``pathways.answers``)."""
from marshmallow import fields, validate

from pathways.answers import Answer, choice, count, date, text
from pathways.contracts.placement import END_STATUSES, OUTCOMES, PARTIES, PLACEMENT_KINDS

PLACEMENT_STATES = {
    "draft": "proposed; waiting for the parties' approvals",
    "agreed": "approved by participant, employer and caseworker; not started",
    "ongoing": "started",
    "ended": "ended (`end_status` says how)"}
END_MEANINGS = {"completed": "ran as planned", "shortened": "ended before the planned end",
                "annulled": "never started"}
OUTCOME_MEANINGS = {o: o.replace("_", " ") for o in OUTCOMES}
IDENTIFIER = validate.Length(min=1, max=64)


class PlacementSchema(Answer):
    placement_id = text(validate=IDENTIFIER)
    employer_id = text()
    opportunity_id = text("the opportunity it fills", allow_none=True)
    kind = choice({k: k.replace("_", " ") for k in PLACEMENT_KINDS})
    hours_per_week = fields.Float(required=True, validate=validate.Range(min=0, max=80))
    wage_subsidy_percent = fields.Integer(required=True, allow_none=True,
                                          validate=validate.Range(0, 100))
    has_mentor = fields.Boolean(required=True)
    start_date = date("the planned start")
    planned_end_date = date(allow_none=True)
    state = choice(PLACEMENT_STATES, transitions="draft → agreed → ongoing → ended; draft or "
                   "agreed → ended (annulled)")
    approvals = fields.List(fields.String(validate=validate.OneOf(PARTIES)), required=True,
                            metadata={"description": "the parties that approved it"})
    started_on = date(allow_none=True)
    ended_on = date(allow_none=True)
    end_status = fields.String(required=True, allow_none=True,
                               validate=validate.OneOf(END_STATUSES),
                               metadata={"description": "; ".join(
                                   f"`{k}`: {v}" for k, v in END_MEANINGS.items())})
    follow_ups = count("follow-ups recorded")


class OnePlacementSchema(PlacementSchema):
    enrolment_id = text(validate=IDENTIFIER)


class CaseSchema(Answer):
    """A participant's case for one enrolment: open until closed with an outcome."""
    enrolment_id = text(validate=IDENTIFIER)
    participant_id = text(validate=IDENTIFIER)
    run_id = text(validate=IDENTIFIER)
    closed_on = date(allow_none=True)
    outcome = fields.String(required=True, allow_none=True, validate=validate.OneOf(OUTCOMES),
                            metadata={"description": "the outcome at closure"})
    observed = fields.Dict(keys=fields.String(validate=validate.OneOf(("1", "3", "6", "12"))),
                           values=fields.String(validate=validate.OneOf(OUTCOMES)),
                           required=True, metadata={"description": "the outcome observed "
                                                                   "1, 3, 6 and 12 months on"})
    placements = fields.List(fields.Nested(PlacementSchema), required=True)
