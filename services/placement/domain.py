"""The placement service's rules as pure deciders.

A **case** (stream ``case-<enrolment id>``) is the follow-up of one enrolment: its placements with
employers (draft -> agreed once participant, employer and caseworker approved -> ongoing -> ended:
completed | shortened | annulled), follow-up contacts, the closure with an outcome, and outcome
observations at 1, 3, 6 and 12 months.

What other services know arrives as facts in the command (from placement's local views of intake's
enrolments and employer's opportunities), so the deciders stay pure.
"""
from dataclasses import dataclass, field
from datetime import date, timedelta

from pathways.contracts.intake import WORK_HINTS
from pathways.contracts.placement import (CLOSURE_ENDS_ENROLMENT, ENROLMENT_STATUSES, CaseClosed,
                                          FollowUpRecorded, OutcomeObserved, PlacementApproved,
                                          PlacementEnded, PlacementProposed, PlacementStarted)
from pathways.contracts.events import Event
from pathways.contracts.programmes import KINDS
from pathways.domain.decider import DomainError, FieldProblem, Fold, NotFound
from services.placement.commands import (Approve, Close, EndOpenPlacements, EndPlacement,
                                         FollowUp, Observe, Propose, Start)

PARTIES = ("participant", "employer", "caseworker")
WAGE_SUBSIDY_KINDS = ("wage_subsidy_temporary", "wage_subsidy_permanent", "wage_subsidy_job")
OPEN_STATES = ("draft", "agreed", "ongoing")


@dataclass
class Placement:
    placement_id: str
    employer_id: str
    opportunity_id: str | None
    kind: str
    hours_per_week: float
    wage_subsidy_percent: int | None
    has_mentor: bool
    start_date: str
    planned_end_date: str | None
    state: str = "draft"
    approvals: list = field(default_factory=list)
    started_on: str | None = None
    ended_on: str | None = None
    end_status: str | None = None
    follow_ups: int = 0


@dataclass
class Case:
    enrolment_id: str | None = None
    participant_id: str | None = None
    run_id: str | None = None
    placements: dict = field(default_factory=dict)
    closed_on: str | None = None
    outcome: str | None = None
    observed: dict = field(default_factory=dict)   # months -> outcome

    @property
    def exists(self):
        return self.enrolment_id is not None

    def view(self):
        return {"enrolment_id": self.enrolment_id, "participant_id": self.participant_id,
                "run_id": self.run_id, "closed_on": self.closed_on, "outcome": self.outcome,
                "observed": {str(k): v for k, v in self.observed.items()},
                "placements": [dict(p.__dict__) for p in self.placements.values()]}


def _ref(case, p):
    return {"placement_id": p.placement_id, "participant_id": case.participant_id,
            "enrolment_id": case.enrolment_id, "employer_id": p.employer_id,
            "opportunity_id": p.opportunity_id}


def _case_ref(case):
    return {"participant_id": case.participant_id, "enrolment_id": case.enrolment_id,
            "run_id": case.run_id}


def _placement(case, placement_id):
    p = case.placements.get(placement_id)
    if p is None:
        raise NotFound("placement")
    return p


def _open_for_placing(case, cmd):
    enrolment = cmd.enrolment
    if enrolment is None:
        raise NotFound("enrolment")
    if enrolment["state"] != "participating":
        raise DomainError("not_enrolled",
                          f"the participant is not participating in the programme "
                          f"(enrolment is {enrolment['state']})")
    if case.closed_on:
        raise DomainError("case_closed", f"the case was closed on {case.closed_on}")


def _opportunity_open(cmd):
    opportunity = cmd.opportunity
    if cmd.opportunity_id is None:
        return
    if opportunity is None:
        raise NotFound("opportunity")
    if opportunity["status"] == "withdrawn":
        raise DomainError("opportunity_withdrawn", "the opportunity was withdrawn")
    if opportunity["status"] == "filled" or opportunity["filled"] >= opportunity["places"]:
        raise DomainError("opportunity_filled",
                          f"all {opportunity['places']} places of the opportunity are filled")


PLANNED_START_DAYS = 366
"""How far ahead a placement may be planned; every other fact happened by today at the latest."""


def _not_after_today(day, cmd, what):
    if day > cmd.today:
        raise DomainError("date_in_future", f"{what} {day} is after today ({cmd.today}): "
                                            "record what has happened")


def _plannable(day, cmd, what):
    latest = (date.fromisoformat(cmd.today) + timedelta(days=PLANNED_START_DAYS)).isoformat()
    if day > latest:
        raise DomainError("start_too_far_ahead",
                          f"{what} {day} is more than {PLANNED_START_DAYS} days ahead ({latest})")


def decide_case(case: Case, cmd: object) -> list[Event]:
    if not case.exists and isinstance(cmd, (Propose, Close)) and cmd.enrolment:
        enrolment = cmd.enrolment   # the case opens with its first placement or its closure
        case = Case(enrolment["enrolment_id"], enrolment["participant_id"], enrolment["run_id"])
    if isinstance(cmd, Propose):
        _open_for_placing(case, cmd)
        _opportunity_open(cmd)
        opportunity = cmd.opportunity
        if opportunity and opportunity["employer_id"] != cmd.employer_id:
            raise DomainError("employer_mismatch", "the opportunity belongs to another employer")
        if cmd.placement_id in case.placements:
            raise DomainError("already_exists", "placement already exists")
        subsidised = cmd.kind in WAGE_SUBSIDY_KINDS
        if subsidised and cmd.wage_subsidy_percent is None:
            raise DomainError("wage_subsidy_percent_required",
                              "a wage-subsidy placement needs wage_subsidy_percent")
        if not subsidised and cmd.wage_subsidy_percent is not None:
            raise DomainError("wage_subsidy_percent_not_allowed",
                              f"a {cmd.kind} placement has no wage subsidy")
        _plannable(cmd.start_date, cmd, "start_date")
        if cmd.planned_end_date and cmd.planned_end_date < cmd.start_date:
            raise DomainError("dates_out_of_order", "planned_end_date is before start_date")
        enrolment = cmd.enrolment
        if enrolment.get("start_date") and cmd.start_date < enrolment["start_date"]:
            raise DomainError("dates_out_of_order",
                              f"start_date is before the enrolment started ({enrolment['start_date']})")
        return [PlacementProposed(**{
            "placement_id": cmd.placement_id, "participant_id": enrolment["participant_id"],
            "enrolment_id": enrolment["enrolment_id"], "employer_id": cmd.employer_id,
            "opportunity_id": cmd.opportunity_id, "kind": cmd.kind,
            "hours_per_week": cmd.hours_per_week,
            "wage_subsidy_percent": cmd.wage_subsidy_percent,
            "has_mentor": cmd.has_mentor, "start_date": cmd.start_date,
            "planned_end_date": cmd.planned_end_date, "run_id": enrolment["run_id"]})]
    if not case.exists:
        raise NotFound("case")
    if isinstance(cmd, Approve):
        p = _placement(case, cmd.placement_id)
        if p.state != "draft":
            raise DomainError("illegal_transition", f"the placement is already {p.state}")
        if cmd.party in p.approvals:
            raise DomainError("already_approved", f"the {cmd.party} already approved")
        agreed = len(set(p.approvals) | {cmd.party}) == len(PARTIES)
        return [PlacementApproved(**{**_ref(case, p), "party": cmd.party, "agreed": agreed})]
    if isinstance(cmd, Start):
        p = _placement(case, cmd.placement_id)
        if p.state != "agreed":
            raise DomainError("illegal_transition",
                              f"a placement starts once agreed by all parties (it is {p.state}"
                              + (f", approved by {', '.join(p.approvals)}" if p.approvals else "")
                              + ")")
        _opportunity_open(cmd)
        _not_after_today(cmd.start_date, cmd, "start_date")
        if cmd.start_date < p.start_date:
            raise DomainError("dates_out_of_order",
                              f"start_date is before the agreed start {p.start_date}")
        return [PlacementStarted(**{**_ref(case, p), "kind": p.kind,
                                      "hours_per_week": p.hours_per_week,
                                      "start_date": cmd.start_date})]
    if isinstance(cmd, FollowUp):
        p = _placement(case, cmd.placement_id)
        if p.state not in ("agreed", "ongoing"):
            raise DomainError("illegal_transition", f"cannot follow up a {p.state} placement")
        _not_after_today(cmd.date, cmd, "date")
        if cmd.date < (p.started_on or p.start_date):
            raise DomainError("dates_out_of_order", "the follow-up is before the placement start")
        return [FollowUpRecorded(**{**_ref(case, p), "date": cmd.date, "kind": cmd.kind,
                                      "with_whom": cmd.with_whom})]
    if isinstance(cmd, EndPlacement):
        p = _placement(case, cmd.placement_id)
        _not_after_today(cmd.end_date, cmd, "end_date")
        return [_end(case, p, cmd.status, cmd.reason, cmd.end_date)]
    if isinstance(cmd, EndOpenPlacements):
        # The enrolment ended in intake (or was voided): placements that never started are
        # annulled; an ongoing one ends too, unless the participant went on to work or education
        # (it is that outcome, e.g. the job itself, and goes on until a caseworker ends it). The
        # same rule whether the case was closed first or not, so the order does not matter.
        went_on = cmd.outcome_hint in WORK_HINTS.values()
        return [_end(case, p, "shortened" if p.state == "ongoing" else "annulled",
                     "participant_ended", max(cmd.end_date, p.started_on or p.start_date))
                for p in case.placements.values()
                if p.state in OPEN_STATES and not (went_on and p.state == "ongoing")]
    if isinstance(cmd, Close):
        if case.closed_on:
            raise DomainError("case_closed", f"the case was already closed on {case.closed_on}")
        _not_after_today(cmd.date, cmd, "date")
        enrolment = cmd.enrolment or {}
        if not enrolment.get("start_date"):
            raise DomainError("not_started", "the enrolment never started: there is no case to "
                                             "close (reject or void the referral in intake)")
        if cmd.date < enrolment["start_date"]:
            raise DomainError("dates_out_of_order", f"the closing date is before the enrolment "
                                                    f"started ({enrolment['start_date']})")
        latest = max([p.started_on for p in case.placements.values() if p.started_on],
                     default=None)
        if latest and cmd.date < latest:
            raise DomainError("dates_out_of_order", f"the closing date is before {latest}")
        kind = KINDS.get(enrolment.get("programme"))
        if kind is not None and not kind.applies(cmd.outcome):
            raise FieldProblem("outcome", f"{cmd.outcome} does not apply to "
                                          f"{enrolment['programme']}: it is the same programme")
        status = _closing_status(cmd.outcome, cmd.enrolment_status, enrolment)
        return [CaseClosed(**{**_case_ref(case), "outcome": cmd.outcome,
                                "date": cmd.date, "enrolment_status": status})]
    if isinstance(cmd, Observe):
        if not case.closed_on:
            raise DomainError("case_open", "outcomes are observed after the case is closed")
        _not_after_today(cmd.date, cmd, "date")
        if cmd.months in case.observed:
            raise DomainError("already_observed",
                              f"the {cmd.months}-month outcome is already recorded")
        if cmd.date < case.closed_on:
            raise DomainError("dates_out_of_order", "the observation is before the closure")
        return [OutcomeObserved(**{**_case_ref(case), "months": cmd.months,
                                     "outcome": cmd.outcome, "date": cmd.date})]
    raise DomainError("unknown_command", f"unknown command {type(cmd).__name__}")


def _closing_status(outcome, status, enrolment):
    """The enrolment's final status with this closure: the one it ended with in intake, if it
    has; else the one asked for (default completed). Refuses what contradicts intake's end."""
    _, hint, allowed = CLOSURE_ENDS_ENROLMENT[outcome]
    if enrolment.get("state") in ENROLMENT_STATUSES:
        ended, ended_hint = enrolment["state"], enrolment.get("outcome_hint")
        if status not in (None, ended):
            raise DomainError("contradictory_outcome",
                              f"the enrolment already ended as {ended}, not {status}")
        if ended_hint and ended_hint != hint:
            raise DomainError("contradictory_outcome",
                              f"the enrolment ended with outcome_hint {ended_hint}; the outcome "
                              f"{outcome} means {hint}")
        status = ended
    status = status or "completed"
    if status not in allowed:
        raise DomainError("contradictory_outcome",
                          f"a case closed as {outcome} ends the enrolment as "
                          f"{' or '.join(allowed)}, not {status}")
    return status


def _end(case, p, status, reason, end_date):
    if p.state not in OPEN_STATES:
        raise DomainError("illegal_transition", f"the placement is already {p.state}")
    if p.state != "ongoing" and status != "annulled":
        raise DomainError("illegal_transition",
                          f"a placement that never started can only be annulled (it is {p.state})")
    if status in ("shortened", "annulled") and reason == "completed_as_planned":
        raise DomainError("reason_required", f"a {status} placement needs a reason")
    if end_date < (p.started_on or p.start_date) and status != "annulled":
        raise DomainError("dates_out_of_order", "end_date is before the placement started")
    return PlacementEnded(**{**_ref(case, p), "status": status, "reason": reason,
                               "end_date": end_date})


def evolve_case(case: Case, event: Event) -> Case:
    if not case.exists:
        case.enrolment_id, case.participant_id = event.enrolment_id, event.participant_id
        case.run_id = event.run_id
    placement = case.placements.get(getattr(event, "placement_id", None))
    match event:
        case PlacementProposed():
            case.placements[event.placement_id] = Placement(
                event.placement_id, event.employer_id, event.opportunity_id, event.kind,
                event.hours_per_week, event.wage_subsidy_percent, event.has_mentor,
                event.start_date, event.planned_end_date)
        case CaseClosed():
            case.closed_on, case.outcome = event.date, event.outcome
        case OutcomeObserved():
            case.observed[event.months] = event.outcome
        case PlacementApproved() if placement:
            placement.approvals.append(event.party)
            if event.agreed:
                placement.state = "agreed"
        case PlacementStarted() if placement:
            placement.state, placement.started_on = "ongoing", event.start_date
        case FollowUpRecorded() if placement:
            placement.follow_ups += 1
        case PlacementEnded() if placement:
            placement.state = "ended"
            placement.ended_on, placement.end_status = event.end_date, event.status
    return case


fold_case = Fold(Case, evolve_case)
