"""Intake's use cases: load a stream, decide, append; the vault for personal data. Each takes the
caller and checked input (``routes.ROUTES`` checks roles and bodies first) and raises errors that
know no transport, so HTTP, RPC and the use-case tests share one implementation."""
import uuid
from copy import copy
from datetime import date

from pathways.contracts.intake import DEFAULT_SPECIALTIES, END_STATUSES
from pathways.contracts.placement import CaseClosed, OutcomeObserved
from pathways.errors import BadRequest, Conflict, Forbidden, Gone, NotFoundError
from pathways.domain.identifiers import InvalidIdentifier, national_id
from pathways.security.callers import Caller
from pathways.application.commands import Commands
from pathways.application.views import paging
from pathways.application.validation import load
from pathways.timeutil import dated, dated_command, iso, today_in, utcnow, zone
from pathways.application.history import timeline
from services.intake import commands
from services.intake.commands import (AssignCoach, CloseFromCase, CreateRun, DecideExtension,
                                      Erase, ProposeExtension, Refer, Register, RegisterCoach,
                                      ReviewHours, SetStayLimit, HoldActivity, JoinNetwork,
                                      LeaveNetwork)
from services.intake.domain import (decide_coaches, decide_participant, decide_run,
                                    fold_coaches, fold_participant, fold_run)
from services.intake.due import DEFAULT_FOLLOW_UP_DAYS, due_items, ended_between
from services.intake.funding_cases import FundingCases
from services.intake.triage import (Arrival, Assess, MarkRouted, RecordArrival,
                                    decide_arrival, fold_arrival)
from services.intake.views import UNASSIGNED
from services.intake.vault import AlreadyRegistered, Erased

READERS_OF_PERSONAL_DATA = ("caseworker", "coordinator")
DEFAULT_ZONE = zone("Europe/Oslo")
EARLIEST_BIRTH_YEAR = 1900   # the contract's lower bound: checked here, before anything is stored


def run_stream(run_id):
    return f"run-{run_id}"


def participant_stream(participant_id):
    return f"participant-{participant_id}"


def coaches_stream(org):
    return f"coaches-{org}"


def arrival_stream(arrival_id):
    return f"arrival-{arrival_id}"


def enrolment_of_arrival(arrival_id):
    """The enrolment a routing makes: the same id on a retry, which then finds it made."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"pathways:arrival:{arrival_id}"))


CASELOAD_READERS = ("caseworker", "coordinator", "admin")
DUE_ROW = ("run_id", "run_name", "programme", "enrolment_id", "participant_id", "coach_id",
           "co_coach_id", "state")
PLANNERS = ("coordinator", "admin")


class Intake(FundingCases):
    """``zone_of(org)``: the organisation's time zone, for "today" and business dates;
    ``specialties(org)``: its kinds of coach; ``people(org)``: the ids of its caseworkers and
    coordinators, who may be made coaches (None: not checked); ``follow_up_days(programme)``:
    how long a participant may go without a contact; ``grants``: FEED_GRANTS (the
    organisations an organisation administers contracts for besides itself)."""

    def __init__(self, store, vault, access_log, *, views=None, caseload=None, arrivals=None,
                 contracts=None, timelines=None, commands=None,
                 clock=utcnow, zone_of=lambda org: DEFAULT_ZONE,
                 specialties=lambda org: DEFAULT_SPECIALTIES, people=None,
                 follow_up_days=lambda programme: DEFAULT_FOLLOW_UP_DAYS, grants=None):
        self.store, self.vault, self.access_log = store, vault, access_log
        self.views, self.caseload_view, self.arrivals_view = views, caseload, arrivals
        self.timelines = timelines
        self.clock, self.zone_of = clock, zone_of
        self.specialties, self.people = specialties, people
        self.follow_up_days = follow_up_days
        self.commands = commands or Commands(store)
        self.grants = grants or {}
        self.contracts_view = contracts

    def _dated(self, caller: Caller, command, data, **ids):
        return dated_command(command, {**data, **ids}, self.zone_of(caller.org), self.clock())

    def _read(self, caller: Caller, stream, fold, answer):
        return self.commands.read(stream, fold, lambda state, _: answer(state), caller.org)

    # --- programme runs ---------------------------------------------------------------------------
    def create_run(self, caller: Caller, data):
        run_id = str(uuid.uuid4())
        return self.commands.execute(caller, run_stream(run_id), fold_run, decide_run,
                                     CreateRun(run_id=run_id, **data), "programme run",
                                     answer=self._run_view)

    def get_run(self, caller: Caller, run_id):
        view = self._read(caller, run_stream(run_id), fold_run,
                          lambda run: self._run_view(run) if run.exists else None)
        if view is None:
            raise NotFoundError("programme run not found")
        return view

    def _run_view(self, run):
        return {**run.summary(), "enrolments": [self._enrolment_view(run, e)
                                                for e in run.enrolments.values()]}

    def list_runs(self, caller: Caller, query=None):
        """A page of the organisation's runs: ``(runs, next_offset)``."""
        return self.views.list_runs(caller.org, paging(query))

    @staticmethod
    def _enrolment_view(run, e):
        return {"run_id": run.run_id, "run_name": run.name, "programme": run.programme,
                "enrolment_id": e.enrolment_id,
                "participant_id": e.participant_id, "state": e.state, "consent": e.consent,
                "percent": e.percent, "days_per_week": e.days_per_week,
                "referred_on": e.referred_on, "start_date": e.start_date,
                "end_date": e.end_date if e.state in END_STATUSES else None,
                "queue_position": run.queue_position(e.enrolment_id),
                "coach_id": e.coach_id, "co_coach_id": e.co_coach_id,
                "planned_end": e.planned_end, "extension_proposed": e.proposal,
                "milestones": dict(sorted(e.milestones.items(), key=lambda m: m[1])),
                "fees": {month: {"charged": f"{charged:.2f}", "paid": f"{paid:.2f}"}
                         for month, (charged, paid) in sorted(e.fees.items())},
                "plan": {"since": e.plans[-1][0], "hours_per_week": e.plans[-1][1]}
                if e.plans else None,
                "hours": {month: {"hours": record["hours"], "review": dict(zip(
                    ("decision", "by", "reason"), record["review"])) if record["review"]
                    else None} for month, record in sorted(e.hours.items())}}

    # --- enrolments -------------------------------------------------------------------------------
    def refer(self, caller: Caller, run_id, data):
        self._participant(caller, data["participant_id"])      # must exist in this org
        enrolment_id = str(uuid.uuid4())
        cmd, occurred_at = self._dated(caller, Refer, data, enrolment_id=enrolment_id)
        return self.commands.execute(caller, run_stream(run_id), fold_run, decide_run, cmd,
                                     "programme run", occurred_at=occurred_at,
                                     answer=self._enrolment_of(enrolment_id))

    def _enrolment_of(self, enrolment_id):
        return lambda run: self._enrolment_view(run, run.enrolments[enrolment_id])

    def enrolment_action(self, caller: Caller, run_id, enrolment_id, action):
        """``action``: (command class, checked body), as the route's actions table gives it."""
        command, data = action
        if command in (DecideExtension, AssignCoach):
            caller.require(*PLANNERS)     # a coach proposes; a coordinator decides and assigns
        if command is AssignCoach:
            self._are_coaches(caller, data)
        if command is ProposeExtension:
            self._within_longest_stay(caller, run_id, enrolment_id, data["planned_end"])
            data = {**data, "proposal_id": str(uuid.uuid4())}
        if command is ReviewHours:
            data = {**data, "recorded_by": caller.id}
        cmd, occurred_at = self._dated(caller, command, data, enrolment_id=enrolment_id)
        return self.commands.execute(caller, run_stream(run_id), fold_run, decide_run, cmd,
                                     "programme run", occurred_at=occurred_at,
                                     answer=self._enrolment_of(enrolment_id))

    def _are_coaches(self, caller, data):
        coaches = self._coaches(caller)
        errors = {field: [f"no coach {data[field]!r} in {caller.org} (POST /coaches first)"]
                  for field in ("coach_id", "co_coach_id")
                  if data.get(field) and data[field] not in coaches}
        if errors:
            raise BadRequest("unknown coach", errors)

    def _within_longest_stay(self, caller, run_id, enrolment_id, planned_end):
        """A proposed end past the run's longest stay is a mistake in the field, said as such."""
        latest = self._read(caller, run_stream(run_id), fold_run, lambda run: run.latest_end(
            run.enrolments[enrolment_id]) if enrolment_id in run.enrolments else None)
        if latest is not None and str(planned_end) > latest:
            raise BadRequest("invalid extension", {"planned_end": [
                f"after the longest stay the run allows ({latest})"]})

    def set_stay_limit(self, caller: Caller, run_id, data):
        days = data["days"]
        return self.commands.execute(
            caller, run_stream(run_id), fold_run, decide_run,
            SetStayLimit(days=days, with_extensions_days=data.get("with_extensions_days") or days),
            "programme run", answer=self._run_view)

    # --- networks: member firms and activities ----------------------------------------------------
    def join_network(self, caller: Caller, run_id, data):
        return self._on_run(caller, run_id, JoinNetwork, data)

    def leave_network(self, caller: Caller, run_id, data):
        return self._on_run(caller, run_id, LeaveNetwork, data)

    def hold_activity(self, caller: Caller, run_id, data):
        activity_id = str(uuid.uuid4())
        return {"activity_id": activity_id, **self._on_run(
            caller, run_id, HoldActivity, {**data, "activity_id": activity_id})}

    def _on_run(self, caller, run_id, command, data):
        cmd, occurred_at = self._dated(caller, command, data)
        return self.commands.execute(caller, run_stream(run_id), fold_run, decide_run, cmd,
                                     "programme run", occurred_at=occurred_at,
                                     answer=lambda run: run.summary())

    def enrolment_history(self, caller: Caller, run_id, enrolment_id):
        """The enrolment's timeline from the run's log (``pathways.application.history``)."""
        self.get_enrolment(caller, run_id, enrolment_id)     # 404 unless the caller's
        if self.timelines is not None:
            return {"entries": self.timelines.entries(enrolment_id, caller.org)}
        return {"entries": timeline(            # without the view: the run's whole stream
            self.store.read_stream(run_stream(run_id)),
            lambda env: env["payload"].get("enrolment_id") == enrolment_id)}

    def get_enrolment(self, caller: Caller, run_id, enrolment_id):
        view = self._read(caller, run_stream(run_id), fold_run,
                          lambda run: self._enrolment_of(enrolment_id)(run)
                          if enrolment_id in run.enrolments else None)
        if view is None:
            raise NotFoundError("enrolment not found")
        return view

    # --- coaches and caseloads --------------------------------------------------------------------
    def register_coach(self, caller: Caller, data):
        errors = {}
        if data["specialty"] not in self.specialties(caller.org):
            errors["specialty"] = [f"not one of {caller.org}'s kinds of coach: "
                                   f"{', '.join(self.specialties(caller.org))}"]
        people = self.people(caller.org) if self.people else None
        if people is not None and data["coach_id"] not in people:
            errors["coach_id"] = [f"no caseworker or coordinator {data['coach_id']!r} in "
                                  f"{caller.org}"]
        if errors:
            raise BadRequest("invalid coach", errors)
        self.commands.execute(caller, coaches_stream(caller.org), fold_coaches, decide_coaches,
                              RegisterCoach(**data), "coaches")
        return dict(data)

    def _coaches(self, caller: Caller):
        return self._read(caller, coaches_stream(caller.org), fold_coaches,
                          lambda coaches: dict(coaches.specialty_of))

    def list_coaches(self, caller: Caller):
        caller.require("coordinator", "admin")
        specialty_of = self._coaches(caller)
        load, unassigned = self.caseload_view.load(caller.org, specialty_of)
        overdue = {}   # coach -> enrolments with an item past its date
        for item in self.due(caller, {})["items"]:
            if item["days_overdue"] > 0 and item["coach_id"]:
                overdue.setdefault(item["coach_id"], set()).add(item["enrolment_id"])
        return {"coaches": [{"coach_id": c, "specialty": s, **load[c],
                             "overdue": len(overdue.get(c, ()))}
                            for c, s in sorted(specialty_of.items())],
                "unassigned": unassigned, "specialties": list(self.specialties(caller.org))}

    def _whose(self, caller: Caller, q, default):
        """The coach a list is for, and the business date it is computed for."""
        caller.require(*CASELOAD_READERS)
        coach = q.get("coach") or default
        if caller.role == "caseworker" and coach != caller.id:
            raise Forbidden("a caseworker sees their own caseload only")
        on = q["on"].isoformat() if q.get("on") else today_in(self.zone_of(caller.org),
                                                                self.clock())
        return coach, on

    def due(self, caller: Caller, query=None):
        """What is due on a business date: a coach's (the caller's by default), or for a
        coordinator the whole organisation's (``coach`` not given)."""
        q = load(commands.DueQuerySchema(), query or {}, "query")
        default = caller.id if caller.role == "caseworker" else None
        coach, on = self._whose(caller, q, default)
        day = date.fromisoformat(on)
        active, ended, observed = self.caseload_view.due_rows(caller.org, coach, ended_between(day))
        items = [{**{k: row.get(k) for k in DUE_ROW}, **item}
                 for row in active + ended
                 for item in due_items(row, day, self.follow_up_days(row["programme"]),
                                       observed.get(row["enrolment_id"], ()))]
        items.sort(key=lambda i: (i["due_on"], i["enrolment_id"], i["what"]))
        return {"on": on, "coach": coach, "items": items}

    def caseload(self, caller: Caller, query=None):
        """A coach's enrolments (a page): the caller's own, or, for a coordinator, anyone's."""
        q = load(commands.CaseloadQuerySchema(), query or {}, "query")
        coach, on = self._whose(caller, q, caller.id)
        rows, next_offset = self.caseload_view.caseload(
            caller.org, coach, q["include_closed"], {"limit": q["limit"], "offset": q["offset"]})
        for row in rows:
            row["role"] = UNASSIGNED if coach == UNASSIGNED else \
                "coach" if row["coach_id"] == coach else "co_coach"
            row["days_in_state"] = (date.fromisoformat(on) - date.fromisoformat(row["since"])
                                    ).days if row.get("since") else None
        return rows, next_offset

    # --- one way in: arrivals ---------------------------------------------------------------------
    def _business_date(self, caller: Caller, data):
        """``(date, occurred_at)`` of a fact told with an optional ``date``: not after today."""
        today, occurred_at = dated(str(data["date"]) if data.get("date") else None,
                                   self.zone_of(caller.org), self.clock())
        if data.get("date") and str(data["date"]) > today:
            raise Conflict("date_in_future", f"date {data['date']} is after today ({today})")
        return (str(data["date"]) if data.get("date") else today), occurred_at

    def record_arrival(self, caller: Caller, data):
        self._participant(caller, data["participant_id"])      # registered, in this org
        _, occurred_at = self._business_date(caller, data)
        arrival_id = str(uuid.uuid4())
        return self.commands.execute(
            caller, arrival_stream(arrival_id), fold_arrival, decide_arrival,
            RecordArrival(arrival_id=arrival_id, participant_id=data["participant_id"],
                          route=data["route"]), "arrival", occurred_at=occurred_at,
            answer=Arrival.view)

    def get_arrival(self, caller: Caller, arrival_id):
        view = self._read(caller, arrival_stream(arrival_id), fold_arrival,
                          lambda a: a.view() if a.exists else None)
        if view is None:
            raise NotFoundError("arrival not found")
        return view

    def list_arrivals(self, caller: Caller, query=None):
        q = load(commands.ArrivalsQuerySchema(), query or {}, "query")
        return self.arrivals_view.list_arrivals(caller.org, q.get("state"),
                                                {"limit": q["limit"], "offset": q["offset"]})

    def arrival_action(self, caller: Caller, arrival_id, action):
        command, data = action
        day, occurred_at = self._business_date(caller, data)
        if command is commands.RouteArrival:
            return self.route_arrival(caller, arrival_id, data, day, occurred_at)
        fields = {k: v for k, v in data.items() if k != "date"}
        if command is Assess and fields["specialty"] not in self.specialties(caller.org):
            raise BadRequest("invalid assessment", {"specialty": [
                f"not one of {caller.org}'s kinds of coach: "
                f"{', '.join(self.specialties(caller.org))}"]})
        return self.commands.execute(caller, arrival_stream(arrival_id), fold_arrival,
                                     decide_arrival, command(**fields), "arrival",
                                     occurred_at=occurred_at, answer=Arrival.view)

    def route_arrival(self, caller: Caller, arrival_id, data, day, occurred_at):
        """The referral in the run first (an id derived from the arrival: a retry finds it),
        then the coach, then ``ArrivalRouted``: each step can be repeated, none is undone."""
        arrival = self._read(caller, arrival_stream(arrival_id), fold_arrival, copy)
        if not arrival.exists:
            raise NotFoundError("arrival not found")
        if arrival.state != "assessed":
            raise Conflict("not_assessed" if arrival.state == "arrived" else "arrival_done",
                           f"the arrival is {arrival.state}: only an assessed one is routed")
        specialty_of = self._coaches(caller)
        coach = data["coach_id"]
        if specialty_of.get(coach) != arrival.specialty:
            raise BadRequest("invalid routing", {"coach_id": [
                f"no coach {coach!r} in {caller.org}" if coach not in specialty_of else
                f"{coach} is a {specialty_of[coach]} coach; the assessment calls for "
                f"{arrival.specialty}"]})
        enrolment_id, run = enrolment_of_arrival(arrival_id), run_stream(data["run_id"])
        refer = Refer(enrolment_id=enrolment_id, participant_id=arrival.participant_id,
                      today=today_in(self.zone_of(caller.org), self.clock()), date=day)
        try:
            self.commands.execute(caller, run, fold_run, decide_run, refer, "programme run",
                                  occurred_at=occurred_at)
        except Conflict as err:
            if err.rule != "already_exists":
                raise            # e.g. already_referred: the person is in the run already
        self.commands.execute(caller, run, fold_run, decide_run,
                              AssignCoach(enrolment_id=enrolment_id, coach_id=coach,
                                          today=refer.today, date=day),
                              "programme run", occurred_at=occurred_at)
        return self.commands.execute(
            caller, arrival_stream(arrival_id), fold_arrival, decide_arrival,
            MarkRouted(run_id=data["run_id"], enrolment_id=enrolment_id, coach_id=coach),
            "arrival", occurred_at=occurred_at, answer=Arrival.view)

    # --- participants and personal data ----------------------------------------------------------
    def _participant(self, caller: Caller, participant_id):
        participant = self._read(caller, participant_stream(participant_id), fold_participant,
                                 copy)   # (a copy: the kept state changes with the stream)
        if not participant.exists:
            raise NotFoundError("participant not found")
        return participant

    def register_participant(self, caller: Caller, data):
        try:
            nid = national_id(data["country"], data["national_id"])
        except InvalidIdentifier as err:
            raise BadRequest("invalid participant", {"national_id": [str(err)]}) from None
        if not EARLIEST_BIRTH_YEAR <= nid.birth_date.year <= self.clock().year:
            raise BadRequest("invalid participant", {"national_id": [
                f"birth year {nid.birth_date.year} is not plausible for a participant "
                f"(from {EARLIEST_BIRTH_YEAR} to this year)"]})
        participant_id = str(uuid.uuid4())
        try:
            self.vault.reserve(caller.org, nid.country, nid.number, participant_id)
        except AlreadyRegistered as err:
            # Naming the existing participant tells the caller who that person is: a read.
            self._record_access(caller, err.participant_id, "duplicate registration",
                                disclosed="participant_id")
            raise Conflict("already_registered", str(err),
                           participant_id=err.participant_id) from None
        try:
            # the target groups are coarse attributes: in the event, like the municipality
            self.vault.store(participant_id, caller.org, {
                **{k: v for k, v in data.items() if k not in ("refugee", "reduced_work_capacity")},
                "national_id": nid.number})
            self.commands.execute(caller, participant_stream(participant_id), fold_participant,
                                  decide_participant,
                                  Register(participant_id=participant_id,
                                           birth_year=nid.birth_date.year, gender=nid.gender,
                                           municipality=data["municipality"],
                                           needs_group=data["needs_group"],
                                           country=nid.country, refugee=data["refugee"],
                                           reduced_work_capacity=data[
                                               "reduced_work_capacity"]),
                                  "participant")
        except Exception:
            self.vault.erase(participant_id)   # no personal data without its event
            raise
        return {"participant_id": participant_id, "birth_year": nid.birth_date.year,
                "gender": nid.gender, "municipality": data["municipality"],
                "needs_group": data["needs_group"], "country": nid.country,
                "refugee": data["refugee"],
                "reduced_work_capacity": data["reduced_work_capacity"]}

    def _record_access(self, caller: Caller, whose, why, **outcome):
        """Who read (or tried to read) whose personal data, when and why."""
        self.access_log.insert_one({
            "who": caller.id, "role": caller.role, "org": caller.org, "whose": str(whose)[:100],
            "when": iso(self.clock()), "why": str(why)[:500] if why is not None else None,
            **outcome})

    def read_personal_data(self, caller: Caller, participant_id, query):
        try:
            caller.require(*READERS_OF_PERSONAL_DATA)
            purpose = load(commands.PurposeSchema(), query, "query")["purpose"]
            participant = self._participant(caller, participant_id)
        except (Forbidden, BadRequest, NotFoundError) as err:
            self._record_access(caller, participant_id, query.get("purpose"),
                                refused=type(err).__name__, reason=str(err)[:500])
            raise
        self._record_access(caller, participant_id, purpose, erased=participant.erased)
        if participant.erased:
            raise Gone("the participant's personal data was erased")
        try:
            return {"participant_id": participant_id, **self.vault.read(participant_id)}
        except Erased:
            raise Gone("the participant's personal data was erased") from None

    def erase_participant(self, caller: Caller, participant_id):
        participant = self._participant(caller, participant_id)
        if participant.erased:
            raise Conflict("already_erased", "the participant's data is already erased")
        self.vault.erase(participant_id)   # key first: a retry after a crash finishes the job
        self.commands.execute(caller, participant_stream(participant_id), fold_participant,
                              decide_participant, Erase(), "participant")
        return {"participant_id": participant_id, "erased": True}

    # --- reactions to the placement service's events ---------------------------------------------
    def on_case_closed(self, event: dict) -> None:
        """A case closed in placement ends its enrolment here (once: a repeat finds it ended)."""
        p = event["payload"]
        actor = Caller(event["org"], "admin", "placement-events")
        tz = self.zone_of(event["org"])
        self.commands.execute(actor, run_stream(p["run_id"]), fold_run, decide_run,
                              CloseFromCase(enrolment_id=p["enrolment_id"],
                                            outcome=p["outcome"], status=p["enrolment_status"],
                                            closed_on=p["date"]),
                              "programme run", org_scoped=False, causation_id=event["event_id"],
                              correlation_id=event["correlation_id"],
                              occurred_at=dated(p["date"], tz)[1])

    def on_outcome_observed(self, event: dict) -> None:
        """An outcome recorded in placement takes its follow-up off the due list."""
        self.caseload_view.outcome_observed(event)

    REACTIONS = {CaseClosed: on_case_closed, OutcomeObserved: on_outcome_observed}
