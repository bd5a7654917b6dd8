"""Errors that cross boundaries with a clear message (what went wrong, and where)."""


class PathwaysError(Exception):
    """Base of the kernel's errors."""


class BadRequest(PathwaysError):
    """Input at a boundary failed validation; ``errors`` maps field names to messages."""

    def __init__(self, message, errors=None):
        super().__init__(message)
        self.errors = errors or {}

    def to_dict(self):
        return {"error": "bad_request", "message": str(self), "errors": self.errors}
