"""Log lines as JSON objects (one per line) for log shippers, or plain text for development.
Each line names the service and, where the record carries them, the event's type, position,
stream, organisation and correlation and causation ids; never a token or personal data (records
carry ids, and the web server's request lines are redacted before they get here)."""
import json
import logging
import os

FIELDS = ("service", "org", "event_type", "position", "stream_id", "correlation_id",
          "causation_id", "error_id", "status", "method", "path", "caller", "role")


class JsonFormatter(logging.Formatter):
    """``{"time", "level", "logger", "message", ...FIELDS}``; an exception as ``exception``."""

    def __init__(self, service=None, **kwargs):
        super().__init__(**kwargs)
        self.service = service or os.environ.get("PATHWAYS_SERVICE")

    def format(self, record):
        line = {"time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S") + f".{int(record.msecs):03d}",
                "level": record.levelname, "logger": record.name,
                "message": record.getMessage()}
        if self.service:
            line["service"] = self.service
        line.update({k: getattr(record, k) for k in FIELDS if getattr(record, k, None) is not None})
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False, default=str)
