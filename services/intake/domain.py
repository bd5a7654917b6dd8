"""Intake's rules as pure deciders: no I/O, no clock, no nameko.

Two aggregates:
- a **programme run** (stream ``run-<id>``) holds its places, its enrolments and its waiting list,
  so that capacity is decided in one stream and can never be oversubscribed by two caseworkers;
- a **participant** (stream ``participant-<id>``) is registered and can have its data erased.

``decide_*(state, command) -> [event]`` refuses a broken rule with a :class:`DomainError` naming
it; ``evolve_*(state, event) -> state`` folds history, matching on the event's class.
Enrolment states follow NAV Komet: draft -> shared -> applied -> waitlisted | place_allocated ->
participating -> completed | left | aborted, or not_relevant / registered_in_error.
"""
from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from pathways.contracts.intake import (CoachAssigned, CoachRegistered, ConsentRecorded,
                                       ContactRecorded,
                                       EnrolmentDatesCorrected, EnrolmentEnded, ExtensionDecided,
                                       ExtensionProposed, StayLimitSet, StayPlanned,
                                       EnrolmentVoided, ParticipantApplied, ParticipantDataErased,
                                       ParticipantEnrolled, ParticipantReferred,
                                       ParticipantRegistered, ParticipantWaitlisted,
                                       ParticipationChanged, PlaceAllocated, ProgrammeRunCreated,
                                       ActivityPlanSet, HoursRecorded, HoursReviewed,
                                       FirmJoinedNetwork, FirmLeftNetwork, NetworkActivityHeld,
                                       MilestoneReached, ParticipantFeeCharged,
                                       ParticipantFeePaid,
                                       ReferralRejected, ReferralShared, end_contradiction)
from pathways.contracts.placement import CLOSURE_ENDS_ENROLMENT
from pathways.contracts.programmes import KINDS
from pathways.contracts.events import Event
from pathways.domain.decider import DomainError, FieldProblem, Fold, NotFound
from services.intake import networks
from services.intake.commands import (AllocatePlace, Apply, AssignCoach, ChargeFee,
                                      ChangeParticipation, ReachMilestone, RecordFeePaid,
                                      RecordHours, ReviewHours, SetPlan, HoldActivity,
                                      JoinNetwork, LeaveNetwork,
                                      CloseFromCase, Correct, CreateRun, Dated, DecideExtension,
                                      End, Erase, ProposeExtension, RecordConsent, RecordContact, Refer, Register,
                                      RegisterCoach, Reject, SetStayLimit, Share, Start, Void,
                                      Waitlist)

ACTIVE = ("draft", "shared", "applied", "waitlisted", "place_allocated", "participating")
HOLDS_PLACE = ("place_allocated", "participating")
FINAL = ("completed", "left", "aborted", "not_relevant", "registered_in_error")
PLANNED_START_DAYS = 366
"""How far ahead a start may be planned; every other fact happened by today at the latest."""


@dataclass
class Enrolment:
    enrolment_id: str
    participant_id: str
    state: str
    consent: bool = False
    percent: int | None = None
    days_per_week: int | None = None
    start_date: str | None = None
    referred_on: str | None = None   # business date of the referral: nothing of it comes before
    end_date: str | None = None
    changed_from: str | None = None  # the latest participation change
    coach_id: str | None = None
    co_coach_id: str | None = None
    planned_end: str | None = None   # from the run's stay limit, moved by granted extensions
    proposal: dict | None = None     # an extension awaiting a decision
    last_contact: str | None = None  # the business date of the latest contact
    fees: dict = field(default_factory=dict)   # month -> [charged, paid] (Decimal)
    milestones: dict = field(default_factory=dict)   # milestone -> business date
    plans: list = field(default_factory=list)        # [(from date, {activity: hours a week})]
    hours: dict = field(default_factory=dict)        # month -> {"hours": {...}, "review": ...}

    def planned_in(self, month):
        """The activity types the plan held at any time in ``month``."""
        first, last = f"{month}-01", f"{month}-31"
        before = [p for day, p in self.plans if day <= first][-1:]
        within = [p for day, p in self.plans if first < day <= last]
        return {a for p in before + within for a in p}


@dataclass
class Run:
    run_id: str | None = None
    programme: str | None = None
    name: str | None = None
    places: int = 0
    start_mode: str | None = None
    start_date: str | None = None
    approval_required: bool = False
    stay_days: int | None = None             # a place lasts this long from the start
    stay_max_days: int | None = None         # and at most this long with extensions
    enrolments: dict = field(default_factory=dict)
    # Kept as the events come, so that no decision or summary walks every enrolment: a run with
    # rolling intake holds years of them.
    waitlist: dict = field(default_factory=dict)        # enrolment ids in queue order
    states: Counter = field(default_factory=Counter)    # enrolments per state
    of_participant: dict = field(default_factory=dict)  # participant id -> enrolment ids
    members: dict = field(default_factory=dict)   # a network's firms: id -> [[joined, left]]
    activities: set = field(default_factory=set)  # a network's activity ids

    @property
    def exists(self):
        return self.run_id is not None

    @property
    def in_use(self):
        return sum(self.states[s] for s in HOLDS_PLACE)

    def queue_position(self, enrolment_id):
        return list(self.waitlist).index(enrolment_id) + 1 if enrolment_id in self.waitlist \
            else None

    def summary(self):
        states = {s: n for s, n in self.states.items() if n}
        return {"run_id": self.run_id, "programme": self.programme, "name": self.name,
                "places": self.places, "places_in_use": self.in_use,
                "start_mode": self.start_mode, "start_date": self.start_date,
                "approval_required": self.approval_required, "waitlist": list(self.waitlist),
                "enrolments_by_state": states, "stay_days": self.stay_days,
                "stay_max_days": self.stay_max_days,
                "members": [{"employer_id": firm, "joined_on": joined, "left_on": left}
                            for firm, spells in sorted(self.members.items())
                            for joined, left in spells],
                "activities": len(self.activities)}

    def latest_end(self, e):
        """The latest planned end extensions may reach, or None (no limit, or not started)."""
        if self.stay_max_days is None or e.start_date is None:
            return None
        return _plus_days(e.start_date, self.stay_max_days)


def _plus_days(day, days):
    return (date.fromisoformat(str(day)) + timedelta(days=days)).isoformat()


# --- programme run -------------------------------------------------------------------------------
def _ref(run, e):
    return {"run_id": run.run_id, "enrolment_id": e.enrolment_id, "participant_id": e.participant_id}


def _enrolment(run, enrolment_id):
    if not run.exists:
        raise NotFound("programme run")
    e = run.enrolments.get(enrolment_id)
    if e is None:
        raise NotFound("enrolment")
    return e


def _check_day(day, today, e=None, what="date"):
    """A fact happened by ``today`` and not before the enrolment's referral."""
    if day > today:
        raise DomainError("date_in_future", f"{what} {day} is after today ({today}): record "
                                            "what has happened (a start may be planned ahead)")
    _not_before_referral(day, e, what)


def _not_before_referral(day, e, what):
    if e is not None and e.referred_on and day < e.referred_on:
        raise DomainError("dates_out_of_order",
                          f"{what} {day} is before the referral on {e.referred_on}")


def _plausible_start(day, today, e):
    latest = (date.fromisoformat(today) + timedelta(days=PLANNED_START_DAYS)).isoformat()
    if day > latest:
        raise DomainError("start_too_far_ahead", f"start_date {day} is more than "
                                                 f"{PLANNED_START_DAYS} days ahead ({latest})")
    _not_before_referral(day, e, "start_date")


def _require_state(e, allowed, action):
    if e.state not in allowed:
        raise DomainError("illegal_transition",
                          f"cannot {action} an enrolment that is {e.state} "
                          f"(allowed from: {', '.join(allowed)})")


def _allocation(run, e, places_in_use):
    return PlaceAllocated(**{**_ref(run, e), "places_in_use": places_in_use,
                               "places": run.places})


def _next_in_line(run, freed_by):
    """With rolling intake (no approval step) a freed place goes to the first on the waiting list."""
    if run.approval_required:
        return []
    first = next((w for w in run.waitlist if w != freed_by), None)
    if first is None:
        return []
    return [_allocation(run, run.enrolments[first], run.in_use)]


def decide_run(run: Run, cmd: object) -> list[Event]:
    if isinstance(cmd, CreateRun):
        if run.exists:
            raise DomainError("already_exists", f"programme run {run.run_id} already exists")
        if cmd.start_mode == "common" and not cmd.start_date:
            raise DomainError("start_date_required", "a run with a common start needs a start_date")
        return [ProgrammeRunCreated(**{
            "run_id": cmd.run_id, "programme": cmd.programme, "name": cmd.name,
            "places": cmd.places, "start_mode": cmd.start_mode,
            "start_date": cmd.start_date, "approval_required": cmd.approval_required})]
    if not run.exists:
        raise NotFound("programme run")
    if isinstance(cmd, JoinNetwork):
        return networks.join(run, cmd)
    if isinstance(cmd, LeaveNetwork):
        return networks.leave(run, cmd)
    if isinstance(cmd, HoldActivity):
        return networks.hold(run, cmd)
    if isinstance(cmd, SetStayLimit):
        if KINDS[run.programme].expected_days is None:
            raise FieldProblem("days", f"{run.programme} is permanent: its places have no end "
                                       "in view")
        if (run.stay_days, run.stay_max_days) == (cmd.days, cmd.with_extensions_days):
            return []
        return [StayLimitSet(run_id=run.run_id, days=cmd.days,
                             with_extensions_days=cmd.with_extensions_days)]
    if isinstance(cmd, Refer):
        _check_day(cmd.date, cmd.today, what="date")
        if cmd.enrolment_id in run.enrolments:
            raise DomainError("already_exists", "enrolment already exists")
        for other in map(run.enrolments.get, run.of_participant.get(cmd.participant_id, ())):
            if other.state in ACTIVE:
                raise DomainError("already_referred",
                                  f"participant already has an active enrolment "
                                  f"{other.enrolment_id} ({other.state}) in this run")
        return [ParticipantReferred(**{
            "run_id": run.run_id, "enrolment_id": cmd.enrolment_id,
            "participant_id": cmd.participant_id, "programme": run.programme,
            "status": "shared" if cmd.share else "draft"})]

    e = _enrolment(run, cmd.enrolment_id)
    if isinstance(cmd, Dated):
        _check_day(cmd.date, cmd.today, e)
    match cmd:
        case Share():
            _require_state(e, ("draft",), "share")
            return [ReferralShared(**_ref(run, e))]
        case RecordConsent():
            _require_state(e, ACTIVE, "record consent for")
            by, reason = cmd.given_by, cmd.on_behalf_reason
            if by == "caseworker" and not reason:
                raise DomainError("on_behalf_reason_required",
                                  "consent given by a caseworker on the participant's behalf needs "
                                  "an on_behalf_reason")
            return [ConsentRecorded(**_ref(run, e), given_by=by,
                                    on_behalf_reason=reason if by == "caseworker" else None)]
        case Apply():
            _require_state(e, ("draft", "shared"), "apply for")
            if not e.consent:
                raise DomainError("consent_required",
                                  "record the participant's consent before applying")
            events = [ParticipantApplied(**_ref(run, e))]
            if not run.approval_required:
                if run.in_use < run.places:
                    events.append(_allocation(run, e, run.in_use + 1))
                else:
                    events.append(ParticipantWaitlisted(**_ref(run, e),
                                                        queue_position=len(run.waitlist) + 1))
            return events
        case Waitlist():
            _require_state(e, ("applied",), "waitlist")
            return [ParticipantWaitlisted(**_ref(run, e), queue_position=len(run.waitlist) + 1)]
        case AllocatePlace():
            _require_state(e, ("applied", "waitlisted"), "allocate a place to")
            if run.in_use >= run.places:
                raise DomainError("no_free_place", f"all {run.places} places are in use; "
                                                   "put the participant on the waiting list")
            return [_allocation(run, e, run.in_use + 1)]
        case Start():
            _require_state(e, ("place_allocated",), "start")
            _plausible_start(cmd.start_date, cmd.today, e)
            if run.start_mode == "common" and run.start_date and cmd.start_date < run.start_date:
                raise DomainError("dates_out_of_order",
                                  f"start_date {cmd.start_date} is before the run's common start "
                                  f"{run.start_date}")
            planned = [StayPlanned(**_ref(run, e), planned_end=_plus_days(
                cmd.start_date, run.stay_days))] if run.stay_days else []
            return [ParticipantEnrolled(**{**_ref(run, e), "programme": run.programme,
                                             "start_date": cmd.start_date, "percent": cmd.percent,
                                             "days_per_week": cmd.days_per_week}), *planned]
        case ProposeExtension():
            return [_proposal(run, e, cmd)]
        case AssignCoach():
            return _assignment(run, e, cmd)
        case RecordContact():
            if e.state == "registered_in_error":
                raise DomainError("illegal_transition", "the enrolment was registered in error")
            return [ContactRecorded(**_ref(run, e), kind=cmd.kind, place=cmd.place,
                                    outcome=cmd.outcome)]
        case DecideExtension():
            _require_state(e, ("participating",), "decide an extension for")
            if e.proposal is None:
                raise DomainError("no_open_proposal", "no extension awaits a decision")
            return [ExtensionDecided(**_ref(run, e), proposal_id=e.proposal["proposal_id"],
                                     granted=cmd.granted,
                                     planned_end=e.proposal["planned_end"] if cmd.granted
                                     else e.planned_end)]
        case ChangeParticipation():
            _require_state(e, ("participating",), "change participation of")
            _plausible_start(cmd.from_date, cmd.today, e)
            if cmd.from_date < e.start_date:
                raise DomainError("dates_out_of_order",
                                  f"from_date {cmd.from_date} is before the start {e.start_date}")
            return [ParticipationChanged(**{**_ref(run, e), "percent": cmd.percent,
                                              "days_per_week": cmd.days_per_week,
                                              "from_date": cmd.from_date})]
        case End():
            _require_state(e, ("participating",), "end")
            _check_day(cmd.end_date, cmd.today, e, "end_date")
            if cmd.end_date < e.start_date:
                raise DomainError("dates_out_of_order",
                                  f"end_date {cmd.end_date} is before the start {e.start_date}")
            why = end_contradiction(cmd.status, cmd.reason, cmd.outcome_hint)
            if why:
                raise DomainError("contradictory_outcome", why)
            return [EnrolmentEnded(**{**_ref(run, e), "programme": run.programme,
                                        "status": cmd.status, "reason": cmd.reason,
                                        "outcome_hint": cmd.outcome_hint,
                                        "start_date": e.start_date, "end_date": cmd.end_date}),
                    *_next_in_line(run, e.enrolment_id)]
        case CloseFromCase():
            if e.state != "participating":
                return []   # already ended here, or never started: nothing to end
            reason, hint, _ = CLOSURE_ENDS_ENROLMENT[cmd.outcome]
            return [EnrolmentEnded(**{**_ref(run, e), "programme": run.programme,
                                        "status": cmd.status, "reason": reason,
                                        "outcome_hint": hint, "start_date": e.start_date,
                                        "end_date": max(cmd.closed_on, e.start_date)}),
                    *_next_in_line(run, e.enrolment_id)]
        case ReachMilestone():
            return _milestone(run, e, cmd)
        case SetPlan():
            return _plan(run, e, cmd)
        case RecordHours():
            return _hours(run, e, cmd)
        case ReviewHours():
            return _review(run, e, cmd)
        case ChargeFee():
            return _fee(run, e, cmd)
        case RecordFeePaid():
            charged, paid = e.fees.get(cmd.month, (None, Decimal(0)))
            if charged is None:
                raise DomainError("no_fee_charged", f"no fee is charged for {cmd.month}")
            if Decimal(cmd.amount) > charged - paid:
                raise FieldProblem("amount", f"{charged - paid} is outstanding for {cmd.month}")
            return [ParticipantFeePaid(**_ref(run, e), month=cmd.month, amount=cmd.amount)]
        case Correct():
            return [EnrolmentDatesCorrected(**_correction(run, e, cmd))]
        case Reject():
            _require_state(e, ("draft", "shared", "applied", "waitlisted", "place_allocated"),
                           "reject")
            freed = _next_in_line(run, e.enrolment_id) if e.state in HOLDS_PLACE else []
            return [ReferralRejected(**{**_ref(run, e), "reason": cmd.reason,
                                          "previous_state": e.state}), *freed]
        case Void():
            if e.state == "registered_in_error":
                raise DomainError("illegal_transition",
                                  "the enrolment is already registered in error")
            freed = _next_in_line(run, e.enrolment_id) if e.state in HOLDS_PLACE else []
            return [EnrolmentVoided(**{**_ref(run, e), "previous_state": e.state}), *freed]
        case _:
            raise DomainError("unknown_command", f"unknown command {type(cmd).__name__}")


def _milestone(run, e, cmd):
    declared = KINDS[run.programme].milestones
    if cmd.milestone not in declared:
        raise FieldProblem("milestone", f"{run.programme} declares "
                                        f"{', '.join(declared) or 'no milestones'}")
    if not e.start_date or e.state == "registered_in_error":
        raise DomainError("not_started", "the enrolment has not started")
    if cmd.date < e.start_date:
        raise DomainError("dates_out_of_order",
                          f"date {cmd.date} is before the start {e.start_date}")
    reached = e.milestones.get(cmd.milestone)
    if reached == cmd.date:
        return []
    if reached:
        raise DomainError("milestone_already_reached", f"{cmd.milestone} was reached on {reached}")
    return [MilestoneReached(**_ref(run, e), milestone=cmd.milestone)]


def _plan(run, e, cmd):
    if e.state in ("registered_in_error", "rejected") or e.end_date:
        raise DomainError("enrolment_closed", "the enrolment has ended: no plan for it")
    if sum(cmd.hours_per_week.values()) > 60:
        raise FieldProblem("hours_per_week", f"{sum(cmd.hours_per_week.values()):g} hours a "
                                             "week in all: at most 60")
    if e.plans and e.plans[-1] == (cmd.date, cmd.hours_per_week):
        return []
    if e.plans and cmd.date < e.plans[-1][0]:
        raise DomainError("dates_out_of_order", f"a plan from {e.plans[-1][0]} is recorded: a "
                                                f"new one starts on it or later")
    return [ActivityPlanSet(**_ref(run, e), hours_per_week=cmd.hours_per_week)]


def _hours(run, e, cmd):
    """A month's hours: not a future month, a month of participation, activities of the plan."""
    if cmd.month > cmd.today[:7]:
        raise FieldProblem("month", f"{cmd.month} has not come yet (today is {cmd.today})")
    if not e.start_date or e.state == "registered_in_error":
        raise DomainError("not_started", "the enrolment has not started")
    if cmd.month < e.start_date[:7] or (e.end_date and cmd.month > e.end_date[:7]):
        raise DomainError("dates_out_of_order", f"{cmd.month} is not a month of participation")
    planned = e.planned_in(cmd.month)
    outside = sorted(set(cmd.hours) - planned)
    if outside:
        raise FieldProblem("hours", f"{', '.join(outside)} not in the activity plan for "
                                    f"{cmd.month} ({', '.join(sorted(planned)) or 'no plan'})")
    if e.hours.get(cmd.month, {}).get("hours") == cmd.hours:
        return []
    return [HoursRecorded(**_ref(run, e), month=cmd.month, hours=cmd.hours)]


def _review(run, e, cmd):
    """The participant reviews their month (or their coach, on their behalf, as such)."""
    record = e.hours.get(cmd.month)
    if record is None:
        raise DomainError("no_hours_recorded", f"no hours are recorded for {cmd.month}")
    if cmd.by == "coach" and cmd.recorded_by not in (e.coach_id, e.co_coach_id):
        raise FieldProblem("by", f"only the participant or their coach "
                                 f"({e.coach_id or 'none assigned'}) reviews their hours: you "
                                 f"({cmd.recorded_by}) are not their coach")
    review = (cmd.decision, cmd.by, cmd.reason)
    if record["review"] == review:
        return []
    if record["review"] is not None:
        raise DomainError("hours_already_reviewed", f"the hours of {cmd.month} were "
                                                    f"{record['review'][0]} (record them again "
                                                    "to review anew)")
    return [HoursReviewed(**_ref(run, e), month=cmd.month, decision=cmd.decision, by=cmd.by,
                          reason=cmd.reason)]


def _fee(run, e, cmd):
    """A month's fee: of a month the participant took part in, charged once."""
    if not e.start_date or cmd.month < e.start_date[:7] or cmd.month > cmd.today[:7] or \
            (e.end_date and cmd.month > e.end_date[:7]):
        raise DomainError("dates_out_of_order", f"{cmd.month} is not a month of participation "
                                                f"up to this month")
    charged = e.fees.get(cmd.month, (None,))[0]
    if charged is not None:
        if charged == Decimal(cmd.amount):
            return []
        raise DomainError("fee_already_charged", f"{charged} is charged for {cmd.month}")
    return [ParticipantFeeCharged(**_ref(run, e), month=cmd.month, amount=cmd.amount,
                                  currency=cmd.currency)]


def _correction(run, e, cmd):
    """Corrected dates must hold together with the others as they will stand: referral <= start
    <= end <= today (a start not yet ended may still be planned ahead)."""
    new = {f: getattr(cmd, f) for f in ("referred_on", "start_date", "end_date")}
    if e.state == "registered_in_error":
        raise DomainError("illegal_transition", "the enrolment is registered in error")
    if new["start_date"] and not e.start_date:
        raise DomainError("not_started", "the enrolment has not started: there is no start "
                                         "date to correct")
    if new["end_date"] and not e.end_date:
        raise DomainError("not_ended", "the enrolment has not ended: there is no end date "
                                       "to correct")
    referred = new["referred_on"] or e.referred_on
    start = new["start_date"] or e.start_date
    end = new["end_date"] or e.end_date   # only an ended enrolment has one (voided: refused)
    today = cmd.today
    if new["referred_on"] and referred > today:
        raise DomainError("date_in_future", f"referred_on {referred} is after today ({today})")
    if end and end > today:
        raise DomainError("date_in_future", f"end_date {end} is after today ({today})")
    if start and not end:
        _plausible_start(start, today, None)
    for (a, an), (b, bn) in (((referred, "referral"), (start, "start")),
                             ((start, "start"), (end, "end")),
                             ((start, "start"), (e.changed_from, "participation change")),
                             ((run.start_date if run.start_mode == "common" else None,
                               "run's common start"), (start, "start"))):
        if a and b and b < a:
            raise DomainError("dates_out_of_order", f"the {bn} ({b}) would lie before the "
                                                    f"{an} ({a})")
    if all(new[f] in (None, old) for f, old in (("referred_on", e.referred_on),
                                                ("start_date", e.start_date),
                                                ("end_date", e.end_date))):
        raise DomainError("nothing_to_correct", "the dates given are the ones recorded")
    return {**_ref(run, e), **new}


def _proposal(run, e, cmd):
    _require_state(e, ("participating",), "propose an extension for")
    if e.planned_end is None:
        raise DomainError("no_stay_limit", "the run sets no stay limit: there is no planned end "
                                           "to extend")
    if e.proposal is not None:
        raise DomainError("proposal_open", f"an extension to {e.proposal['planned_end']} awaits "
                                           "a decision")
    if cmd.planned_end <= e.planned_end:
        raise DomainError("not_an_extension", f"planned_end {cmd.planned_end} is not after the "
                                              f"planned end {e.planned_end}")
    latest = run.latest_end(e)
    if cmd.planned_end > latest:
        raise DomainError("past_maximum_stay", f"planned_end {cmd.planned_end} is after the "
                                               f"longest stay the run allows ({latest})")
    return ExtensionProposed(**_ref(run, e), proposal_id=cmd.proposal_id,
                             planned_end=cmd.planned_end, reason=cmd.reason)


def _assignment(run, e, cmd):
    if e.state in FINAL:
        raise DomainError("enrolment_closed", f"the enrolment is {e.state}: a closed enrolment "
                                              "keeps the coaches it had")
    if (e.coach_id, e.co_coach_id) == (cmd.coach_id, cmd.co_coach_id):
        return []
    return [CoachAssigned(**{**_ref(run, e), "coach_id": cmd.coach_id,
                             "co_coach_id": cmd.co_coach_id, "previous_coach_id": e.coach_id})]


def evolve_run(run: Run, event: Event) -> Run:
    match event:
        case ProgrammeRunCreated():
            run.run_id, run.programme, run.name = event.run_id, event.programme, event.name
            run.places, run.start_mode = event.places, event.start_mode
            run.start_date, run.approval_required = event.start_date, event.approval_required
            return run
        case StayLimitSet():
            run.stay_days, run.stay_max_days = event.days, event.with_extensions_days
            return run
        case FirmJoinedNetwork():
            run.members.setdefault(event.employer_id, []).append([str(event.occurred_on), None])
            return run
        case FirmLeftNetwork():
            run.members[event.employer_id][-1][1] = str(event.occurred_on)
            return run
        case NetworkActivityHeld():
            run.activities.add(event.activity_id)
            return run
        case ParticipantReferred():
            run.enrolments[event.enrolment_id] = Enrolment(
                event.enrolment_id, event.participant_id, event.status,
                referred_on=event.occurred_on)
            run.states[event.status] += 1
            run.of_participant.setdefault(event.participant_id, []).append(event.enrolment_id)
            return run
    e = run.enrolments.get(event.enrolment_id)
    if e is None:
        return run
    match event:
        case ReferralShared():
            _move(run, e, "shared")
        case ConsentRecorded():
            e.consent = True
        case ParticipantApplied():
            _move(run, e, "applied")
        case ParticipantWaitlisted():
            _move(run, e, "waitlisted")
            run.waitlist[e.enrolment_id] = None
        case PlaceAllocated():
            _move(run, e, "place_allocated")
        case ParticipantEnrolled():
            e.percent, e.days_per_week = event.percent, event.days_per_week
            _move(run, e, "participating")
            e.start_date = event.start_date
        case ParticipationChanged():
            e.percent, e.days_per_week = event.percent, event.days_per_week
            e.changed_from = event.from_date
        case EnrolmentEnded():
            _move(run, e, event.status)
            e.end_date = event.end_date
        case EnrolmentDatesCorrected():
            e.referred_on = event.referred_on or e.referred_on
            e.start_date = event.start_date or e.start_date
            e.end_date = event.end_date or e.end_date
        case ReferralRejected():
            _move(run, e, "not_relevant")
        case EnrolmentVoided():
            _move(run, e, "registered_in_error")
        case CoachAssigned():
            e.coach_id, e.co_coach_id = event.coach_id, event.co_coach_id
        case StayPlanned():
            e.planned_end = str(event.planned_end)
        case ExtensionProposed():
            e.proposal = {"proposal_id": event.proposal_id,
                          "planned_end": str(event.planned_end), "reason": event.reason}
        case ExtensionDecided():
            e.proposal, e.planned_end = None, str(event.planned_end)
        case ContactRecorded():
            e.last_contact = max(e.last_contact or "", str(event.occurred_on))
        case MilestoneReached():
            e.milestones[event.milestone] = str(event.occurred_on)
        case ActivityPlanSet():
            e.plans.append((str(event.occurred_on), dict(event.hours_per_week)))
        case HoursRecorded():
            e.hours[event.month] = {"hours": dict(event.hours), "review": None}
        case HoursReviewed():
            e.hours[event.month]["review"] = (event.decision, event.by, event.reason)
        case ParticipantFeeCharged():
            e.fees[event.month] = (Decimal(event.amount), Decimal(0))
        case ParticipantFeePaid():
            charged, paid = e.fees[event.month]
            e.fees[event.month] = (charged, paid + Decimal(event.amount))
    return run


def _move(run, e, state):
    """A new state; leaving the waiting list (allocated, rejected, voided) leaves the queue."""
    if state != "waitlisted":
        run.waitlist.pop(e.enrolment_id, None)
    run.states[e.state] -= 1
    run.states[state] += 1
    e.state = state


fold_run = Fold(Run, evolve_run)


# --- participant ---------------------------------------------------------------------------------
@dataclass
class Participant:
    participant_id: str | None = None
    erased: bool = False

    @property
    def exists(self):
        return self.participant_id is not None


def decide_participant(participant: Participant, cmd: object) -> list[Event]:
    if isinstance(cmd, Register):
        if participant.exists:
            raise DomainError("already_exists", "participant already registered")
        return [ParticipantRegistered(**asdict(cmd))]
    if not participant.exists:
        raise NotFound("participant")
    if isinstance(cmd, Erase):
        if participant.erased:
            raise DomainError("already_erased", "the participant's data is already erased")
        return [ParticipantDataErased(**{"participant_id": participant.participant_id})]
    raise DomainError("unknown_command", f"unknown command {type(cmd).__name__}")


def evolve_participant(participant: Participant, event: Event) -> Participant:
    match event:
        case ParticipantRegistered():
            participant.participant_id = event.participant_id
        case ParticipantDataErased():
            participant.erased = True
    return participant


fold_participant = Fold(Participant, evolve_participant)


# --- an organisation's coaches (stream ``coaches-<org>``) ----------------------------------------
@dataclass
class Coaches:
    specialty_of: dict = field(default_factory=dict)   # coach id -> specialty


def decide_coaches(coaches: Coaches, cmd: object) -> list[Event]:
    if isinstance(cmd, RegisterCoach):
        if cmd.coach_id in coaches.specialty_of:
            raise DomainError("coach_exists", f"{cmd.coach_id} is already a coach here "
                                              f"({coaches.specialty_of[cmd.coach_id]})")
        return [CoachRegistered(**asdict(cmd))]
    raise DomainError("unknown_command", f"unknown command {type(cmd).__name__}")


def evolve_coaches(coaches: Coaches, event: Event) -> Coaches:
    match event:
        case CoachRegistered():
            coaches.specialty_of[event.coach_id] = event.specialty
    return coaches


fold_coaches = Fold(Coaches, evolve_coaches)
