"""Errors that cross boundaries with a clear message (what went wrong, and where)."""


class PathwaysError(Exception):
    """Base of the kernel's errors."""


class BadRequest(PathwaysError):
    """Input at a boundary failed validation; ``errors`` maps field names to messages."""

    def __init__(self, message, errors=None):
        self.message, self.errors = message, errors or {}
        super().__init__(f"{message}: {self.errors}" if self.errors else message)

    def to_dict(self):
        return {"error": "bad_request", "message": self.message, "errors": self.errors}
