"""What every service's pure domain code shares: the errors a decider raises, and folding."""
from typing import Callable, Generic, Iterable, TypeVar

from pathways.contracts import REGISTRY
from pathways.contracts.events import Event

T = TypeVar("T")


class DomainError(Exception):
    """A command broke a rule; ``rule`` names it for clients, the message explains it."""

    def __init__(self, rule, message):
        super().__init__(message)
        self.rule = rule


class FieldProblem(DomainError):
    """A rule about one field of the command that only the aggregate's state can check (places
    beyond those bought): answered as bad input naming ``field``, not as a conflict."""

    def __init__(self, field, message):
        super().__init__("invalid_field", message)
        self.field = field


class NotFound(DomainError):
    def __init__(self, what):
        super().__init__("not_found", f"{what} not found")


def fold(state: T, evolve: Callable[[T, Event], T], events: Iterable[dict]) -> T:
    """Fold stored events (envelopes of the service's own log) into ``state``: each is read as
    its event class, upcast to the newest version, and handed to ``evolve(state, event)``."""
    for envelope in events:
        state = evolve(state, REGISTRY.event(envelope))
    return state


class Fold(Generic[T]):
    """How one kind of aggregate is folded: ``initial()`` makes an empty state and
    ``evolve(state, event)`` applies one event (in place, returning the state). Calling it folds a
    stream from its start; ``more`` brings a state already folded up to date with newer events,
    which is what lets the command path keep states between commands."""

    def __init__(self, initial: Callable[[], T], evolve: Callable[[T, Event], T]):
        self.initial, self.evolve = initial, evolve

    def __call__(self, events: Iterable[dict]) -> T:
        return fold(self.initial(), self.evolve, events)

    def more(self, state: T, events: Iterable[dict]) -> T:
        return fold(state, self.evolve, events)
