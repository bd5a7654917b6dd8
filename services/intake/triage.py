"""One way in, as a pure decider: an arrival (stream ``arrival-<id>``) is recorded, assessed
(again, until it is routed), then routed to a programme run and a coach, or closed with a reason.
Routing itself is orchestrated by ``app.Intake.route_arrival``: the referral in the run first
(with an enrolment id derived from the arrival, so a retry finds it), then the coach, then the
arrival's own ``ArrivalRouted``."""
from dataclasses import asdict, dataclass

from pathways.contracts.events import Event
from pathways.contracts.intake import ArrivalAssessed, ArrivalClosed, ArrivalRouted, PersonArrived
from pathways.domain.decider import DomainError, Fold, NotFound
from services.intake.commands import Assess, CloseArrival, MarkRouted, RecordArrival

OPEN = ("arrived", "assessed")


@dataclass
class Arrival:
    arrival_id: str | None = None
    participant_id: str | None = None
    route: str | None = None
    state: str | None = None
    arrived_on: str | None = None
    needs_group: str | None = None
    goal: str | None = None
    specialty: str | None = None
    run_id: str | None = None
    enrolment_id: str | None = None
    coach_id: str | None = None
    reason: str | None = None
    closed_on: str | None = None      # routed or closed

    @property
    def exists(self):
        return self.arrival_id is not None

    def view(self):
        return {k: v for k, v in asdict(self).items()}


def decide_arrival(arrival: Arrival, cmd: object) -> list[Event]:
    if isinstance(cmd, RecordArrival):
        if arrival.exists:
            raise DomainError("already_exists", "arrival already recorded")
        return [PersonArrived(**asdict(cmd))]
    if not arrival.exists:
        raise NotFound("arrival")
    ref = {"arrival_id": arrival.arrival_id, "participant_id": arrival.participant_id}
    if arrival.state not in OPEN:
        raise DomainError("arrival_done", f"the arrival is already {arrival.state}")
    match cmd:
        case Assess():
            return [ArrivalAssessed(**ref, **asdict(cmd))]
        case MarkRouted():
            if arrival.state != "assessed":
                raise DomainError("not_assessed", "assess the arrival before routing it")
            return [ArrivalRouted(**ref, **asdict(cmd))]
        case CloseArrival():
            return [ArrivalClosed(**ref, reason=cmd.reason)]
    raise DomainError("unknown_command", f"unknown command {type(cmd).__name__}")


def evolve_arrival(arrival: Arrival, event: Event) -> Arrival:
    match event:
        case PersonArrived():
            arrival.arrival_id, arrival.participant_id = event.arrival_id, event.participant_id
            arrival.route, arrival.state = event.route, "arrived"
            arrival.arrived_on = str(event.occurred_on)
        case ArrivalAssessed():
            arrival.state = "assessed"
            arrival.needs_group, arrival.goal = event.needs_group, event.goal
            arrival.specialty = event.specialty
        case ArrivalRouted():
            arrival.state, arrival.closed_on = "routed", str(event.occurred_on)
            arrival.run_id, arrival.enrolment_id = event.run_id, event.enrolment_id
            arrival.coach_id = event.coach_id
        case ArrivalClosed():
            arrival.state, arrival.closed_on = "closed", str(event.occurred_on)
            arrival.reason = event.reason
    return arrival


fold_arrival = Fold(Arrival, evolve_arrival)
