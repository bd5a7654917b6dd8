"""Input at a boundary checked by marshmallow: field errors become a BadRequest naming them."""
from typing import Any, Mapping

from marshmallow import Schema, ValidationError

from pathways.errors import BadRequest, NotFoundError


def load(schema: Schema, data: Any, what: str = "request") -> dict:
    """Validate ``data`` with a marshmallow schema instance; BadRequest with field errors."""
    try:
        return schema.load(data)
    except ValidationError as err:
        raise BadRequest(f"invalid {what}", err.messages) from None


def load_command(schema: Schema, data: Any, what: str = "request") -> dict:
    """Like :func:`load`, with dates back as ISO strings: commands and events carry text dates."""
    return {k: (v.isoformat() if hasattr(v, "isoformat") else v)
            for k, v in load(schema, data, what).items()}


def load_action(actions: Mapping[str, tuple[type, type[Schema]]], action: str,
                body: Any) -> tuple[type, dict]:
    """A command named by the last part of a URL: ``actions`` maps it to (command, body schema).
    Returns (command, checked body); an unknown action is a 404 that lists the known ones."""
    if action not in actions:
        raise NotFoundError(f"unknown action {action!r} (one of: {', '.join(actions)})")
    command, schema = actions[action]
    return command, load_command(schema(), body, action)
