"""Errors that cross boundaries with a clear message (what went wrong, and where)."""


class PathwaysError(Exception):
    """Base of the kernel's errors."""


class ConfigError(PathwaysError, ValueError):
    """The configuration is wrong: the process must not start (``pathways-service`` exits 78)."""


class BadRequest(PathwaysError):
    """Input at a boundary failed validation; ``errors`` maps field names to messages."""

    def __init__(self, message, errors=None):
        self.message, self.errors = message, errors or {}
        super().__init__(f"{message}: {self.errors}" if self.errors else message)

    def to_dict(self):
        return {"error": "bad_request", "message": self.message, "errors": self.errors}


class Unauthorized(PathwaysError):
    """No valid credentials (HTTP 401)."""


class Forbidden(PathwaysError):
    """Valid credentials, but this role may not do this (HTTP 403)."""


class NotFoundError(PathwaysError):
    """HTTP 404."""


class Conflict(PathwaysError):
    """A rule or the current state refuses the command (HTTP 409); ``rule`` names it."""

    def __init__(self, rule, message, **extra):
        super().__init__(message)
        self.rule, self.extra = rule, extra


class Gone(PathwaysError):
    """HTTP 410: it existed and was erased."""


class RequestTimeout(PathwaysError):
    """HTTP 408: the client did not send its request within the server's bound."""


class TooLarge(PathwaysError):
    """HTTP 413: the body is larger than the server takes."""


class NotCaughtUp(PathwaysError):
    """HTTP 503 with Retry-After: a fact from another service has not arrived yet (or that
    service does not answer); ``waiting_for`` names each source and the position awaited."""

    def __init__(self, message, waiting_for, applied=None):
        super().__init__(message)
        self.waiting_for, self.applied = waiting_for, applied or {}
