"""Intake's use cases: load a stream, decide, append; the vault for personal data. Each takes the
caller and checked input (``routes.ROUTES`` checks roles and bodies first) and raises errors that
know no transport, so HTTP, RPC and the use-case tests share one implementation."""
import uuid
from copy import copy

from pathways.contracts.intake import END_STATUSES
from pathways.contracts.placement import CaseClosed
from pathways.errors import BadRequest, Conflict, Forbidden, Gone, NotFoundError
from pathways.domain.identifiers import InvalidIdentifier, national_id
from pathways.security.callers import Caller
from pathways.application.commands import Commands
from pathways.application.views import paging
from pathways.application.validation import load
from pathways.timeutil import dated, dated_command, iso, utcnow, zone
from services.intake import commands
from services.intake.commands import CloseFromCase, CreateRun, Erase, Refer, Register
from services.intake.domain import (decide_participant, decide_run, fold_participant,
                                    fold_run)
from services.intake.vault import AlreadyRegistered, Erased

READERS_OF_PERSONAL_DATA = ("caseworker", "coordinator")
DEFAULT_ZONE = zone("Europe/Oslo")
EARLIEST_BIRTH_YEAR = 1900   # the contract's lower bound: checked here, before anything is stored


def run_stream(run_id):
    return f"run-{run_id}"


def participant_stream(participant_id):
    return f"participant-{participant_id}"


class Intake:
    """``zone_of(org)``: the organisation's time zone, for "today" and business dates."""

    def __init__(self, store, vault, access_log, *, views=None, commands=None, clock=utcnow,
                 zone_of=lambda org: DEFAULT_ZONE):
        self.store, self.vault, self.access_log = store, vault, access_log
        self.views, self.clock, self.zone_of = views, clock, zone_of
        self.commands = commands or Commands(store)

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
        return {"run_id": run.run_id, "enrolment_id": e.enrolment_id,
                "participant_id": e.participant_id, "state": e.state, "consent": e.consent,
                "percent": e.percent, "days_per_week": e.days_per_week,
                "referred_on": e.referred_on, "start_date": e.start_date,
                "end_date": e.end_date if e.state in END_STATUSES else None,
                "queue_position": run.queue_position(e.enrolment_id)}

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
        cmd, occurred_at = self._dated(caller, command, data, enrolment_id=enrolment_id)
        return self.commands.execute(caller, run_stream(run_id), fold_run, decide_run, cmd,
                                     "programme run", occurred_at=occurred_at,
                                     answer=self._enrolment_of(enrolment_id))

    def get_enrolment(self, caller: Caller, run_id, enrolment_id):
        view = self._read(caller, run_stream(run_id), fold_run,
                          lambda run: self._enrolment_of(enrolment_id)(run)
                          if enrolment_id in run.enrolments else None)
        if view is None:
            raise NotFoundError("enrolment not found")
        return view

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
            self.vault.store(participant_id, caller.org, {**data, "national_id": nid.number})
            self.commands.execute(caller, participant_stream(participant_id), fold_participant,
                                  decide_participant,
                                  Register(participant_id=participant_id,
                                           birth_year=nid.birth_date.year, gender=nid.gender,
                                           municipality=data["municipality"],
                                           needs_group=data["needs_group"],
                                           country=nid.country),
                                  "participant")
        except Exception:
            self.vault.erase(participant_id)   # no personal data without its event
            raise
        return {"participant_id": participant_id, "birth_year": nid.birth_date.year,
                "gender": nid.gender, "municipality": data["municipality"],
                "needs_group": data["needs_group"], "country": nid.country}

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

    REACTIONS = {CaseClosed: on_case_closed}
