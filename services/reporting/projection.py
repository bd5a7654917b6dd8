"""Reporting's projection as a pure function: an event and the rows it touches -> field patches.

The same function feeds the live read model (rows in MongoDB, one conditional write per patch) and
the rebuild / as-of replays (rows in memory), so they cannot disagree. Each source owns its fields
of a row (intake: the enrolment's life; placement: placements, closure, outcomes), so patches from
two sources never overwrite each other.

Rows (one dict per id): runs, participants, enrolments, placements, employers; and for the
coaches' work: arrivals (one way in) and contacts (with participants and with employers, one row
per contact event); opportunities (who posted each, for openings filled across organisations);
contracts with funders (with their dated extensions, moves of places and funding lines);
networks' activities (one row each, with who attended) and their member firms (on the run);
company clients (one row per organisation and employer: what it asks for, dated, and its
recruitments).
"""
from pathways.contracts import programmes
from pathways.contracts.employer import (ClientCaseClosed, ClientNeedsRecorded,
                                         ClientRecruitmentMade, CompanyClientOpened,
                                         EmployerContactRecorded, EmployerRegistered,
                                         EmployerUpdated, OpportunityPosted)
from pathways.contracts.intake import (ArrivalAssessed, ArrivalClosed, ArrivalRouted,
                                       CoachAssigned, ContactRecorded, EnrolmentDatesCorrected,
                                       EnrolmentEnded, EnrolmentVoided, ExtensionDecided,
                                       ExtensionProposed, ParticipantDataErased,
                                       ParticipantEnrolled, ParticipantReferred,
                                       ParticipantRegistered, ParticipantWaitlisted,
                                       ParticipationChanged, PersonArrived, PlaceAllocated,
                                       ProgrammeRunCreated, ReferralRejected, StayPlanned,
                                       ContractExtended, ContractMade, ContractPlacesMoved,
                                       FundingLineAdded, MilestoneReached,
                                       ActivityPlanSet, HoursRecorded, HoursReviewed,
                                       FirmJoinedNetwork, FirmLeftNetwork, NetworkActivityHeld,
                                       ParticipantFeeCharged, ParticipantFeePaid)
from pathways.contracts.placement import (CaseClosed, OutcomeObserved, PlacementEnded,
                                          PlacementProposed, PlacementStarted)
from services.reporting import groups

COLLECTIONS = ("runs", "participants", "enrolments", "placements", "employers", "arrivals",
               "contacts", "opportunities", "contracts", "activities", "clients")
# The case outcomes of the work, education and business families, and intake's hint "employed".
WORK_OR_EDUCATION = ("employed", *programmes.WORK_OR_EDUCATION)


def _day(event):
    return event["occurred_at"][:10]


def project(event, get):
    """``get(collection, id) -> row | None``. Returns ``[(collection, id, patch)]``."""
    kind, p, org = event["type"], event["payload"], event["org"]
    handler = _BY_TYPE.get(kind)
    return handler(event, p, org, get) if handler else []


def _run_created(ev, p, org, get):
    return [("runs", p["run_id"], {"run_id": p["run_id"], "org": org, "programme": p["programme"],
                                   "name": p["name"], "places": p["places"]})]


def _participant(ev, p, org, get):
    return [("participants", p["participant_id"], {
        "participant_id": p["participant_id"], "org": org, "birth_year": p["birth_year"],
        "gender": p["gender"], "municipality": p["municipality"],
        "needs_group": p["needs_group"], "country": p["country"], "refugee": p["refugee"],
        "reduced_work_capacity": p["reduced_work_capacity"], "erased": False})]


def _erased(ev, p, org, get):
    # The statistics stay valid: only coarse attributes were ever here.
    return [("participants", p["participant_id"], {"erased": True})]


def _referred(ev, p, org, get):
    # the target groups go with the enrolment (reports filter and break down by them): the
    # registration comes first in intake's one ordered log
    participant = get("participants", p["participant_id"]) or {}
    return [("enrolments", p["enrolment_id"], {
        **{f: participant.get(f) for f in groups.PARTICIPANT_FIELDS},
        "enrolment_id": p["enrolment_id"], "org": org, "run_id": p["run_id"],
        "programme": p["programme"], "participant_id": p["participant_id"],
        "referred_on": _day(ev), "waitlisted_on": None, "allocated_on": None,
        "started_on": None, "ended_on": None, "end_status": None, "end_reason": None,
        "outcome_hint": None, "voided": False, "rejected": False})]


def _enrolment_field(**fields):
    def handler(ev, p, org, get):
        return [("enrolments", p["enrolment_id"],
                 {k: (_day(ev) if v == "$day" else p[v] if isinstance(v, str) else v)
                  for k, v in fields.items()})]
    return handler


def _waitlisted(ev, p, org, get):
    row = get("enrolments", p["enrolment_id"]) or {}
    return [("enrolments", p["enrolment_id"],
             {"waitlisted_on": row.get("waitlisted_on") or _day(ev)})]


def _ended(ev, p, org, get):
    return [("enrolments", p["enrolment_id"], {
        "ended_on": p["end_date"], "end_status": p["status"], "end_reason": p["reason"],
        "outcome_hint": p["outcome_hint"]})]


def _corrected(ev, p, org, get):
    # A correction changes the business dates from here on; replays as known before it (recorded
    # earlier) never see it, so they keep what was believed then.
    names = {"referred_on": "referred_on", "start_date": "started_on", "end_date": "ended_on"}
    return [("enrolments", p["enrolment_id"], {row: p[f] for f, row in names.items() if p[f]})]


def _employer(ev, p, org, get):
    return [("employers", p["employer_id"], {k: v for k, v in p.items()})]


def _placement_proposed(ev, p, org, get):
    return [("placements", p["placement_id"], {
        "placement_id": p["placement_id"], "org": org, "enrolment_id": p["enrolment_id"],
        "participant_id": p["participant_id"], "employer_id": p["employer_id"],
        "opportunity_id": p["opportunity_id"], "kind": p["kind"],
        "hours_per_week": p["hours_per_week"], "started_on": None, "ended_on": None,
        "end_status": None})]


def _placement_started(ev, p, org, get):
    row = get("enrolments", p["enrolment_id"]) or {}
    first = row.get("first_placement_on")
    return [("placements", p["placement_id"], {"started_on": p["start_date"]}),
            ("enrolments", p["enrolment_id"], {
                "first_placement_on": min(first, p["start_date"]) if first else p["start_date"],
                "placements_started": (row.get("placements_started") or 0) + 1})]


def _placement_ended(ev, p, org, get):
    return [("placements", p["placement_id"], {"ended_on": p["end_date"],
                                                "end_status": p["status"]})]


def _case_closed(ev, p, org, get):
    return [("enrolments", p["enrolment_id"], {"case_closed_on": p["date"],
                                                "case_outcome": p["outcome"]})]


def _observed(ev, p, org, get):
    return [("enrolments", p["enrolment_id"], {f"observed_{p['months']}": p["outcome"]})]


# --- the coaches' work ----------------------------------------------------------------------------
def _actor(ev):
    return (ev.get("actor") or {}).get("id")


def _arrived(ev, p, org, get):
    return [("arrivals", p["arrival_id"], {
        "arrival_id": p["arrival_id"], "org": org, "route": p["route"], "arrived_on": _day(ev),
        "assessed_on": None, "specialty": None, "goal": None, "routed_on": None,
        "enrolment_id": None, "closed_on": None, "close_reason": None})]


def _assessed(ev, p, org, get):
    return [("arrivals", p["arrival_id"], {"assessed_on": _day(ev), "specialty": p["specialty"],
                                           "goal": p["goal"]})]


def _routed(ev, p, org, get):
    return [("arrivals", p["arrival_id"], {"routed_on": _day(ev),
                                           "enrolment_id": p["enrolment_id"]})]


def _arrival_closed(ev, p, org, get):
    return [("arrivals", p["arrival_id"], {"closed_on": _day(ev), "close_reason": p["reason"]})]


def _participant_contact(ev, p, org, get):
    enrolment = get("enrolments", p["enrolment_id"]) or {}
    return [("contacts", ev["event_id"], {
        "org": org, "with": "participant", "by": _actor(ev), "on": _day(ev), "kind": p["kind"],
        "place": p["place"], "outcome": p["outcome"], "enrolment_id": p["enrolment_id"],
        "run_id": p["run_id"], "programme": enrolment.get("programme")})]


def _employer_contact(ev, p, org, get):
    return [("contacts", ev["event_id"], {
        "org": org, "with": "employer", "by": _actor(ev), "on": _day(ev), "kind": p["channel"],
        "place": p["place"], "outcome": p["outcome"], "employer_id": p["employer_id"],
        "purpose": p["kind"]})]


def _opportunity(ev, p, org, get):
    return [("opportunities", p["opportunity_id"], {"opportunity_id": p["opportunity_id"],
                                                    "org": org, "kind": p["kind"]})]


def _appended(field, item):
    """A patch adding ``item`` to the enrolment row's list ``field`` (dated facts, so that an
    as-effective-on view can drop the later ones)."""
    def handler(ev, p, org, get):
        row = get("enrolments", p["enrolment_id"]) or {}
        return [("enrolments", p["enrolment_id"],
                 {field: [*(row.get(field) or []), item(ev, p)]})]
    return handler


def _enrolled(ev, p, org, get):
    # levels: the participation percentage from each date on (part-time counts in proportion)
    return [("enrolments", p["enrolment_id"], {"started_on": p["start_date"],
                                               "levels": [[p["start_date"], p["percent"]]]})]


# --- contracts with funders -----------------------------------------------------------------------
def _contract_made(ev, p, org, get):
    return [("contracts", p["contract_id"], {
        **p, "org": org, "extensions": [], "moves": [], "lines": []})]


def _contract_list(field, item):
    def handler(ev, p, org, get):
        row = get("contracts", p["contract_id"]) or {}
        return [("contracts", p["contract_id"], {field: [*(row.get(field) or []), item(ev, p)]})]
    return handler


def _membership(change):
    def handler(ev, p, org, get):
        row = get("runs", p["run_id"]) or {}
        return [("runs", p["run_id"], {"membership": [*(row.get("membership") or []),
                                                      [_day(ev), p["employer_id"], change]]})]
    return handler


def _activity(ev, p, org, get):
    return [("activities", p["activity_id"], {
        "activity_id": p["activity_id"], "org": org, "run_id": p["run_id"], "kind": p["kind"],
        "on": _day(ev), "enrolment_ids": p["enrolment_ids"], "employer_ids": p["employer_ids"]})]


def _client_key(org, p):
    return f"{org}|{p['employer_id']}"


def _client_opened(ev, p, org, get):
    row = get("clients", _client_key(org, p)) or {}
    return [("clients", _client_key(org, p), {
        "org": org, "employer_id": p["employer_id"], "coach_id": p["coach_id"],
        "opened_on": _day(ev), "closed_on": None,
        "asks": [*(row.get("asks") or []), [_day(ev), p["needs"], p["skills"]]],
        "recruitments": row.get("recruitments") or []})]


def _client_list(field, item):
    def handler(ev, p, org, get):
        row = get("clients", _client_key(org, p)) or {}
        return [("clients", _client_key(org, p), {field: [*(row.get(field) or []),
                                                          item(ev, p)]})]
    return handler


def _decided(ev, p, org, get):
    row = get("enrolments", p["enrolment_id"]) or {}
    what = "granted" if p["granted"] else "refused"
    return [("enrolments", p["enrolment_id"], {
        "extensions": [*(row.get("extensions") or []), [_day(ev), what]],
        "planned_ends": [*(row.get("planned_ends") or []), [_day(ev), p["planned_end"]]]})]


HANDLERS = {
    ProgrammeRunCreated: _run_created,
    ParticipantRegistered: _participant,
    ParticipantDataErased: _erased,
    ParticipantReferred: _referred,
    ParticipantWaitlisted: _waitlisted,
    PlaceAllocated: _enrolment_field(allocated_on="$day"),
    ParticipantEnrolled: _enrolled,
    ParticipationChanged: _appended("levels", lambda ev, p: [p["from_date"], p["percent"]]),
    EnrolmentEnded: _ended,
    ReferralRejected: _enrolment_field(rejected=True, ended_on="$day"),
    EnrolmentVoided: _enrolment_field(voided=True),
    EnrolmentDatesCorrected: _corrected,
    EmployerRegistered: _employer,
    EmployerUpdated: _employer,
    PlacementProposed: _placement_proposed,
    PlacementStarted: _placement_started,
    PlacementEnded: _placement_ended,
    CaseClosed: _case_closed,
    OutcomeObserved: _observed,
    PersonArrived: _arrived,
    ArrivalAssessed: _assessed,
    ArrivalRouted: _routed,
    ArrivalClosed: _arrival_closed,
    ContactRecorded: _participant_contact,
    EmployerContactRecorded: _employer_contact,
    OpportunityPosted: _opportunity,
    CoachAssigned: _enrolment_field(coach_id="coach_id", co_coach_id="co_coach_id"),
    StayPlanned: _appended("planned_ends", lambda ev, p: [_day(ev), p["planned_end"]]),
    ExtensionProposed: _appended("extensions", lambda ev, p: [_day(ev), "proposed"]),
    ExtensionDecided: _decided,
    MilestoneReached: _appended("milestones", lambda ev, p: [_day(ev), p["milestone"]]),
    # an activity plan from its date; a month's hours and their reviews in one list, in the
    # order they came (a review reviews the month's record before it)
    CompanyClientOpened: _client_opened,
    ClientNeedsRecorded: _client_list("asks", lambda ev, p: [_day(ev), p["needs"], p["skills"]]),
    ClientRecruitmentMade: _client_list("recruitments", lambda ev, p: [
        _day(ev), p["count"], p["skills"], p["programme"]]),
    ClientCaseClosed: lambda ev, p, org, get: [("clients", _client_key(org, p),
                                                {"closed_on": _day(ev)})],
    FirmJoinedNetwork: _membership("joined"),
    FirmLeftNetwork: _membership("left"),
    NetworkActivityHeld: _activity,
    ActivityPlanSet: _appended("plans", lambda ev, p: [_day(ev), p["hours_per_week"]]),
    HoursRecorded: _appended("hours", lambda ev, p: [_day(ev), p["month"], "recorded",
                                                     p["hours"]]),
    HoursReviewed: _appended("hours", lambda ev, p: [_day(ev), p["month"], p["decision"],
                                                     p["by"]]),
    ParticipantFeeCharged: _appended("fees", lambda ev, p: [_day(ev), p["month"], "charged",
                                                           p["amount"]]),
    ParticipantFeePaid: _appended("fees", lambda ev, p: [_day(ev), p["month"], "paid",
                                                        p["amount"]]),
    ContractMade: _contract_made,
    ContractExtended: _contract_list("extensions", lambda ev, p: [_day(ev), p["period_to"]]),
    ContractPlacesMoved: _contract_list("moves", lambda ev, p: [
        p["from_date"], p["from_org"], p["to_org"], p["places"], _day(ev)]),
    FundingLineAdded: _contract_list("lines", lambda ev, p: {
        k: v for k, v in p.items() if k != "contract_id"}),
}
EVENT_TYPES = tuple(cls.type for cls in HANDLERS)
_BY_TYPE = {cls.type: fn for cls, fn in HANDLERS.items()}


class MemoryRows:
    """Rows in memory, for rebuilds and as-of replays."""

    def __init__(self):
        self.rows = {c: {} for c in COLLECTIONS}
        self.positions = {}   # per source: the position the rows stand on
        self.after = {}       # per source: how far its feed has been read

    def get(self, collection, row_id):
        return self.rows[collection].get(row_id)

    def apply(self, event):
        for collection, row_id, patch in project(event, self.get):
            row = self.rows[collection].setdefault(row_id, {})
            row.update(patch)
            self.patched(collection, row_id, row)
        self.positions[event["source"]] = event["position"]

    def patched(self, collection, row_id, row):
        """Called after each patch (``figures.LiveRows`` notes which part changed)."""
