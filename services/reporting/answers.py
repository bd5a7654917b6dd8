"""What reporting answers (documented in its OpenAPI document; see ``pathways.api.answers``)."""
from marshmallow import fields, validate

from pathways.api.answers import Answer, SpreadSchema, count, date, text

RATE = {"description": "numerator ÷ denominator; null when nothing to divide"}


class ShareSchema(Answer):
    numerator = count("went on to work or education")
    denominator = count("ended (or observed)")
    rate = fields.Float(required=True, allow_none=True, validate=validate.Range(0, 1),
                        metadata=RATE)


class ObservedShareSchema(ShareSchema):
    observed = count("enrolments with an outcome observed that many months on")


class OutcomesSchema(Answer):
    at_end = fields.Nested(ShareSchema, required=True)
    at_1_months = fields.Nested(ObservedShareSchema, required=True)
    at_3_months = fields.Nested(ObservedShareSchema, required=True)
    at_6_months = fields.Nested(ObservedShareSchema, required=True)
    at_12_months = fields.Nested(ObservedShareSchema, required=True)


class MonthSchema(Answer):
    month = text("YYYY-MM", validate=validate.Regexp(r"^[0-9]{4}-[0-9]{2}$"))
    enrolments = count("referred that month")
    endings = count("ended that month")
    work_or_education = count("of those, went on to work or education")


class EmployerRowSchema(Answer):
    employer_id = text()
    name = text(allow_none=True)
    placements = count()
    hires = count("placements that ended in work there")
    small_jobs = count()


class SmallJobsSchema(Answer):
    citizens = count("participants in small jobs")
    firms = count("employers with small jobs")
    hours_per_week = fields.Float(required=True)


class WaitingSchema(Answer):
    length = count("waitlisted now")
    days_waited = fields.Nested(SpreadSchema, required=True)


class BuiltFromSchema(Answer):
    feed_positions = fields.Dict(keys=fields.String(), values=fields.Integer(), required=True,
                                 metadata={"description": "the last position of each source "
                                                          "in the figures"})
    code_version = text("the projection code's version")
    known_at = fields.String(required=True, allow_none=True,
                             metadata={"description": "as known at this moment (a replay)"})
    effective_on = date("as effective on this date", allow_none=True)
    generation = fields.Integer(required=True, allow_none=True, metadata={
        "description": "the persisted read model's generation; null for a replay"})
    at = text("when the figures were counted")


class MilestoneShareSchema(ShareSchema):
    numerator = count("starts that reached the milestone")
    denominator = count("starts in the programme")
    days = fields.Nested(SpreadSchema, required=True,
                         metadata={"description": "days from the start to the milestone"})


class StaysSchema(Answer):
    active = count("stays not ended")
    ended = count("stays ended (not counted as failures)")
    to_work = count("of those, moved on to work (ordinary, with support, or a business)")


class ActivityHoursSchema(Answer):
    planned = fields.Float(required=True, metadata={"description": "hours the plan held for "
                                                                   "the months recorded"})
    attended = fields.Float(required=True)
    approved = fields.Float(required=True, metadata={"description": "of attended, approved"})
    disputed = fields.Float(required=True, metadata={"description": "of attended, disputed"})


class HoursMonthsSchema(Answer):
    approved = count()
    disputed = count()
    unreviewed = count()


class HoursFiguresSchema(Answer):
    per_activity = fields.Dict(keys=fields.String(), values=fields.Nested(ActivityHoursSchema),
                               required=True)
    planned = fields.Float(required=True)
    attended = fields.Float(required=True)
    months = fields.Nested(HoursMonthsSchema, required=True, metadata={
        "description": "months of hours recorded, by their review"})


class ReportSchema(Answer):
    """Key figures for the organisations, programmes, runs, period and cohort asked for."""
    filters = fields.Dict(required=True, metadata={"description": "the filters applied (your "
                                                                  "organisation unless granted)"})
    enrolments = count()
    started = count()
    ended = count()
    outcomes = fields.Nested(OutcomesSchema, required=True)
    per_month = fields.List(fields.Nested(MonthSchema), required=True)
    days_to_first_placement = fields.Nested(SpreadSchema, required=True)
    days_to_outcome = fields.Nested(SpreadSchema, required=True)
    per_employer = fields.List(fields.Nested(EmployerRowSchema), required=True)
    small_jobs = fields.Nested(SmallJobsSchema, required=True)
    waiting_list = fields.Nested(WaitingSchema, required=True)
    end_reasons = fields.Dict(keys=fields.String(), values=fields.Integer(), required=True)
    milestones = fields.Dict(
        keys=fields.String(), required=True,
        values=fields.Dict(keys=fields.String(), values=fields.Nested(MilestoneShareSchema)),
        metadata={"description": "per programme with declared milestones: each milestone's "
                                 "share of the starts, and the days to it"})
    hours = fields.Nested(HoursFiguresSchema, required=True, metadata={
        "description": "activity plans against hours attended, over the months recorded"})
    stays = fields.Dict(keys=fields.String(), values=fields.Nested(StaysSchema), required=True,
                        metadata={"description": "programmes judged by their stays (permanent "
                                                 "adapted work): left out of the outcome rates"})
    built_from = fields.Nested(BuiltFromSchema, required=True)


def count_or_hidden(description=None):
    """A count, or ``"<k"`` where it is hidden (small-cell suppression)."""
    return fields.Raw(required=True, metadata={
        "description": description or "a count, or \"<k\" (e.g. \"<5\") where it is hidden",
        "oneOf": [{"type": "integer", "minimum": 0},
                  {"type": "string", "pattern": "^<[0-9]+$"}]})


class GroupRowSchema(Answer):
    group = text("the row's group")
    cells = fields.Dict(keys=fields.String(), values=count_or_hidden(), required=True,
                        metadata={"description": "per group of `columns` (`all` without)"})
    total = count_or_hidden()


class BreakdownSchema(Answer):
    """One measure by target groups. Counts from 1 to k-1 are hidden, and so is whatever would
    give them away by subtraction from a row's, a column's or the table's total."""
    filters = fields.Dict(required=True)
    measure = text("enrolments, started, ended or work_or_education (as the report counts "
                   "them)")
    rows = text("the groups of the rows")
    columns = text("the groups of the columns (null: one column, all)", allow_none=True)
    k = count("counts under it are hidden (SUPPRESS_BELOW)")
    table = fields.List(fields.Nested(GroupRowSchema), required=True)
    column_totals = fields.Dict(keys=fields.String(), values=count_or_hidden(), required=True)
    total = count_or_hidden()
    hidden = count("counts hidden")
    built_from = fields.Nested(BuiltFromSchema, required=True)


class NetworkQuarterSchema(Answer):
    quarter = text("YYYY-Qn", validate=validate.Regexp(r"^[0-9]{4}-Q[1-4]$"))
    activities = count()
    company_visits = count()
    firms_active = count("member firms that attended an activity")
    participants_attending = count("participants who attended an activity")


class NetworkSchema(Answer):
    run_id = text()
    org = text()
    name = text()
    programme = text()
    members = count("member firms now")
    members_ever = count("firms that were members at any time")
    participants = count("participants started")
    firms_active = count("firms that attended an activity in the period")
    participants_attending = count("participants who attended an activity in the period")
    per_quarter = fields.List(fields.Nested(NetworkQuarterSchema), required=True)
    ended = count("participants ended")
    work_or_education = count("of those, went on to work or education")


class NetworksSchema(Answer):
    """Networks (runs of a network kind) with their member firms and activities."""
    filters = fields.Dict(required=True)
    networks = fields.List(fields.Nested(NetworkSchema), required=True)
    built_from = fields.Nested(BuiltFromSchema, required=True)


class ClientRowSchema(Answer):
    org = text()
    employer_id = text()
    name = text(allow_none=True)
    coach_id = text("the business coach")
    opened_on = date("a client since")
    closed_on = date("case closed (null: open)", allow_none=True)
    needs = fields.List(fields.String(), required=True)
    skills = fields.List(fields.String(), required=True,
                         metadata={"description": "skills it asks for now"})
    recruited = count("people it recruited in the period")
    through_programmes = count("of those, through a programme")


class SkillRowSchema(Answer):
    skill = text()
    clients_asking = count("open client cases asking for it")
    recruited_with = count("people recruited with it in the period")
    trained_by = fields.List(fields.String(), required=True,
                             metadata={"description": "kinds of programme that train it"})
    runs_offered = count("programme runs of those kinds the organisations offer")


class ClientFiguresSchema(Answer):
    """Company clients of business coaches: recruitments per client; skills asked for against
    the programmes offered."""
    filters = fields.Dict(required=True)
    open = count("open client cases")
    recruited = count("people recruited by clients in the period")
    per_client = fields.List(fields.Nested(ClientRowSchema), required=True)
    skills = fields.List(fields.Nested(SkillRowSchema), required=True)
    unmet = fields.List(fields.String(), required=True, metadata={
        "description": "skills clients ask for that no programme offered trains"})
    built_from = fields.Nested(BuiltFromSchema, required=True)


class RouteRowSchema(Answer):
    route = text("how the person came (self_referred, nav, arbetsformedlingen, ...)")
    arrived = count()
    routed = count("sent on to a programme run")
    closed = count("closed without a programme")
    open = count("still to be assessed or routed")


class SpecialtyShareSchema(Answer):
    specialty = text("the kind of coach the assessment called for")
    numerator = count("routed to a programme")
    denominator = count("assessed for this kind of coach")
    rate = fields.Float(required=True, allow_none=True, validate=validate.Range(0, 1),
                        metadata=RATE)


class ArrivalFiguresSchema(Answer):
    arrived = count()
    per_route = fields.List(fields.Nested(RouteRowSchema), required=True)
    routed_per_specialty = fields.List(fields.Nested(SpecialtyShareSchema), required=True)
    days_to_first_programme = fields.Nested(SpreadSchema, required=True, metadata={
        "description": "from the arrival to the start in the programme it was routed to"})


class OutsideShareSchema(Answer):
    numerator = count("contacts outside the office")
    denominator = count("contacts")
    rate = fields.Float(required=True, allow_none=True, validate=validate.Range(0, 1),
                        metadata=RATE)


class CoachWeekSchema(Answer):
    coach_id = text("who recorded the contacts", allow_none=True)
    week = text("ISO week, YYYY-Www", validate=validate.Regexp(r"^[0-9]{4}-W[0-9]{2}$"))
    participants = count("contacts with participants")
    employers = count("contacts with employers")


class ContactFiguresSchema(Answer):
    contacts = count()
    outside_office = fields.Nested(OutsideShareSchema, required=True)
    per_coach_week = fields.List(fields.Nested(CoachWeekSchema), required=True)
    employers_recruited = count("employers recruited as partners")
    recruited_per_coach = fields.Dict(keys=fields.String(), values=fields.Integer(),
                                      required=True)


class ExtensionFiguresSchema(Answer):
    proposed = count()
    granted = count()
    refused = count()


class StayFiguresSchema(Answer):
    ended_with_limit = count("stays with a planned end that ended in the period")
    over_limit = count("of those, ended after the planned end as it stood then")
    extensions = fields.Nested(ExtensionFiguresSchema, required=True)


class SharingFiguresSchema(Answer):
    filled_from_others = count("your participants placed in openings other organisations "
                               "posted")
    filled_by_others = count("other organisations' participants placed in your openings")


class CaseworkSchema(Answer):
    """The coaches' work: one way in, contacts, stays and extensions."""
    filters = fields.Dict(required=True, metadata={"description": "the filters applied (your "
                                                                  "organisation unless granted)"})
    arrivals = fields.Nested(ArrivalFiguresSchema, required=True)
    contacts = fields.Nested(ContactFiguresSchema, required=True)
    stays = fields.Nested(StayFiguresSchema, required=True)
    sharing = fields.Nested(SharingFiguresSchema, required=True)
    built_from = fields.Nested(BuiltFromSchema, required=True)


class DaySchema(Answer):
    day = date()
    active = count("participating that day")
    places = count("places that day")


class CapacitySchema(Answer):
    EXAMPLE = {"capacity": {"aft": [{"day": "2026-03-01", "active": 14, "places": 15},
                                    {"day": "2026-03-02", "active": 15, "places": 15}]}}

    capacity = fields.Dict(keys=fields.String(), values=fields.List(fields.Nested(DaySchema)),
                           required=True, metadata={"description": "per programme, one point "
                                                                   "a day"})


class RebuildSchema(Answer):
    EXAMPLE = {"state": "done", "generation": 3, "seconds": 41.2,
               "positions": {"intake": 812, "employer": 140, "placement": 377}}

    state = fields.String(required=True, validate=validate.OneOf(
        ("idle", "replaying", "writing", "done", "failed")))
    generation = fields.Integer()
    positions = fields.Dict(keys=fields.String(), values=fields.Integer())
    seconds = fields.Float()
    error = fields.String()


class LinkSchema(Answer):
    EXAMPLE = {"url": "/dashboard?link=eyJvcmciOiJvcmctYSJ9.c2lnbmF0dXJl", "expires_in": 300}

    url = text("open it in a browser within `expires_in` seconds")
    expires_in = count()


class ContractSummarySchema(Answer):
    contract_id = text()
    funder = text("the funder's organisation id")
    name = text()
    orgs = fields.List(fields.String(), required=True)
    programmes = fields.List(fields.String(), required=True)
    period_from = date()
    period_to = date("after the extensions")
    currency = text("ISO 4217")
    administered_by = text()


class ContractsSchema(Answer):
    """The contracts you may read the figures of (a funder: its own)."""
    contracts = fields.List(fields.Nested(ContractSummarySchema), required=True)
    built_from = fields.Nested(BuiltFromSchema, required=True)


class BasisLineSchema(Answer):
    org = text()
    participant_days = fields.Float(required=True, metadata={
        "description": "days participating in the month within the period, each weighted by "
                       "the participation percentage that day"})
    participant_months = fields.Float(required=True, metadata={
        "description": "participant-days / the month's days"})
    place_months = fields.Float(required=True, metadata={
        "description": "places bought, per day after moves, / the month's days"})
    places_on_last_day = count("places on the month's last day within the period")
    use_share = fields.Float(required=True, allow_none=True, metadata={
        "description": "participant-days / place-days (none: no places)"})
    results = count("enrolments whose case closed this month in work or education within "
                    "the contract's result_months of their end")
    amount = text("participant-months x rate + results x result_amount, two decimals")
    fees_charged = text("the participants' own fees charged for the month")
    fees_paid = text("paid of them (so far, or by effective_on)")


class BasisTotalSchema(Answer):
    participant_days = fields.Float(required=True)
    participant_months = fields.Float(required=True)
    place_months = fields.Float(required=True)
    results = count()
    amount = text()


class BudgetSchema(Answer):
    funding = text("the funding lines' total")
    period_elapsed_share = fields.Float(required=True, metadata={
        "description": "the share of the period gone by the month's end"})


class BasisSchema(Answer):
    """A contract's payment basis for a month: per organisation you may see, and in total."""
    contract_id = text()
    month = text("YYYY-MM")
    days_in_period = count("the month's days within the contract's period")
    period_to = date("the period's end (after the extensions by then)")
    currency = text()
    rate = text("per participant-month", allow_none=True)
    per_org = fields.List(fields.Nested(BasisLineSchema), required=True)
    total = fields.Nested(BasisTotalSchema, required=True)
    budget = fields.Nested(BudgetSchema, required=True)
    built_from = fields.Nested(BuiltFromSchema, required=True)


class CostLineSchema(Answer):
    paid = text("by the rate and the result line (a contract with neither: its funding, "
                "evenly over the period, by places)")
    participant_months = fields.Float(required=True)
    participants = count("enrolments participating at some time in the span")
    outcomes = count("cases closed in work or education in the span (within the result "
                     "line's months of their end, where the contract has one)")
    place_months = fields.Float(required=True)
    cost_per_participant = text(allow_none=True)
    cost_per_outcome = text(allow_none=True)
    cost_per_place_month = text(allow_none=True)


class CostOrgLineSchema(CostLineSchema):
    org = text()


class CostBudgetSchema(BudgetSchema):
    used_share = fields.Float(required=True, allow_none=True, metadata={
        "description": "paid / funding (none: no funding lines)"})


class CostsSchema(Answer):
    """What a contract has cost from the start of its period to a month's end."""
    contract_id = text()
    from_ = date("the period's start", data_key="from")
    until = date("the span's last day")
    currency = text()
    per_org = fields.List(fields.Nested(CostOrgLineSchema), required=True)
    total = fields.Nested(CostLineSchema, required=True)
    budget = fields.Nested(CostBudgetSchema, required=True)
    built_from = fields.Nested(BuiltFromSchema, required=True)
