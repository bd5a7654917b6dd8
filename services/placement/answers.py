"""What placement answers (documented in its OpenAPI document; see ``pathways.api.answers``)."""
from marshmallow import fields, validate

from pathways.api.answers import Answer, choice, count, date, text
from pathways.contracts.placement import END_STATUSES, OUTCOMES, PARTIES, PLACEMENT_KINDS
from pathways.contracts.programmes import OUTCOME_FAMILIES, word

PLACEMENT_STATES = {
    "draft": "proposed; waiting for the parties' approvals",
    "agreed": "approved by participant, employer and caseworker; not started",
    "ongoing": "started",
    "ended": "ended (`end_status` says how)"}
END_MEANINGS = {"completed": "ran as planned", "shortened": "ended before the planned end",
                "annulled": "never started"}
OUTCOME_MEANINGS = {o: f"{word(o, 'en')} ({OUTCOME_FAMILIES[o].replace('_', ' ')})"
                    for o in OUTCOMES}
IDENTIFIER = validate.Length(min=1, max=64)


class PlacementSchema(Answer):
    EXAMPLE = {"placement_id": "67771fa8-3db1-4217-ae63-26076662a5fb",
               "employer_id": "NO-988077917",
               "opportunity_id": "05ec0418-6f21-4803-aa77-7c0d14b9cda2", "kind": "small_job",
               "hours_per_week": 7.5, "wage_subsidy_percent": None, "has_mentor": False,
               "start_date": "2026-02-01", "planned_end_date": None, "state": "ongoing",
               "approvals": ["participant", "employer", "caseworker"],
               "started_on": "2026-02-01", "ended_on": None, "end_status": None, "follow_ups": 1}

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
    EXAMPLE = {**PlacementSchema.EXAMPLE, "enrolment_id": "d1738b64-81d7-4dd7-83b7-cee401dd77ed"}

    enrolment_id = text(validate=IDENTIFIER)


class CaseSchema(Answer):
    """A participant's case for one enrolment: open until closed with an outcome."""
    EXAMPLE = {"enrolment_id": "d1738b64-81d7-4dd7-83b7-cee401dd77ed",
               "participant_id": "3c3ca2ed-5ce3-4d78-9bd4-b0c01d773678",
               "run_id": "29899f07-4e66-4424-b033-370894783a70", "closed_on": "2026-06-30",
               "outcome": "employed_small_job", "observed": {"3": "employed_small_job"},
               "placements": [PlacementSchema.EXAMPLE]}

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
