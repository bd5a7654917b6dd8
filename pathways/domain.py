"""What every service's pure domain code shares: the errors a decider raises, and folding."""


class DomainError(Exception):
    """A command broke a rule; ``rule`` names it for clients, the message explains it."""

    def __init__(self, rule, message):
        super().__init__(message)
        self.rule = rule


class NotFound(DomainError):
    def __init__(self, what):
        super().__init__("not_found", f"{what} not found")


def fold(state, evolve, events):
    """Fold stored events (``{"type", "payload", ...}``) into ``state`` with ``evolve``."""
    for ev in events:
        state = evolve(state, ev["type"], ev["payload"])
    return state
