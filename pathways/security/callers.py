"""Callers: who is asking, for which organisation, in which role.

A simple per-organisation token scheme: config ``AUTH_TOKENS`` maps a token to
``{org, role, id}``. HTTP callers send ``Authorization: Bearer <token>``; RPC callers put the same
header value in nameko's context data (``authorization``). The org and actor of every command come
from here, never from a request body.
"""
from dataclasses import dataclass
from typing import Any, Mapping

from pathways.operations.config import config_mapping
from pathways.errors import Forbidden, Unauthorized

ROLES = ("caseworker", "coordinator", "auditor", "admin", "funder")
# funder: a contract's funder (its org is the funder's id), reading its contracts' reports only.
ACTOR_TYPE = {"caseworker": "caseworker", "coordinator": "caseworker", "auditor": "system",
              "admin": "system", "funder": "system"}


@dataclass(frozen=True)
class Caller:
    org: str
    role: str
    id: str

    @property
    def actor(self) -> dict:
        return {"type": ACTOR_TYPE[self.role], "id": self.id}

    def require(self, *roles: str) -> "Caller":
        if self.role not in roles:
            raise Forbidden(f"role {self.role!r} may not do this (needs one of: {', '.join(roles)})")
        return self


def load_tokens(raw: Any) -> dict[str, Caller]:
    """Validate the AUTH_TOKENS config; a bad entry is a startup error that names it."""
    raw = config_mapping(raw, "AUTH_TOKENS", "tokens to {org, role, id}")
    tokens = {}
    for token, entry in raw.items():
        if not isinstance(entry, dict) or not all(isinstance(entry.get(k), str) and entry.get(k)
                                                  for k in ("org", "role", "id")):
            raise ValueError(f"config error: AUTH_TOKENS entry {str(token)[:4]}… needs org, role, id")
        if entry["role"] not in ROLES:
            raise ValueError(f"config error: AUTH_TOKENS role {entry['role']!r} is not one of {ROLES}")
        if len(str(token)) < 16:
            raise ValueError(f"config error: AUTH_TOKENS token {str(token)[:4]}… is shorter than 16")
        tokens[str(token)] = Caller(entry["org"], entry["role"], entry["id"])
    return tokens


def caller_from(header: str | None, tokens: Mapping[str, Caller]) -> Caller:
    if not header or not isinstance(header, str) or not header.startswith("Bearer "):
        raise Unauthorized("missing credentials: send 'Authorization: Bearer <token>'")
    caller = tokens.get(header[len("Bearer "):].strip())
    if caller is None:
        raise Unauthorized("unknown or revoked token")
    return caller


ALL_ORGS = "*"


def load_grants(raw: Any) -> dict[str, Any]:
    """Validate ``FEED_GRANTS``: {reader org: [organisations whose events it may read] or "*"}
    (mapping or JSON). Without a grant an organisation reads its own events only."""
    raw = config_mapping(raw, "FEED_GRANTS", 'an organisation to a list of organisations or "*"')
    grants = {}
    for reader, orgs in raw.items():
        if orgs == ALL_ORGS:
            grants[str(reader)] = ALL_ORGS
        elif isinstance(orgs, list) and all(isinstance(o, str) and o for o in orgs):
            grants[str(reader)] = frozenset(orgs)
        else:
            raise ValueError(f"config error: FEED_GRANTS[{reader!r}] must be a list of "
                             'organisations or "*"')
    return grants
