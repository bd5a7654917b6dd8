"""The Auth dependency: callers from a request's or an RPC call's credentials (``pathways.callers``),
and which organisations' events each may read from a feed (config ``FEED_GRANTS``)."""
from nameko.extensions import DependencyProvider

from pathways.callers import caller_from, load_tokens
from pathways.config import config_mapping

ALL_ORGS = "*"


def load_grants(raw):
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


class Authenticator:
    def __init__(self, tokens, worker_ctx, grants=None):
        self.tokens, self.worker_ctx, self.grants = tokens, worker_ctx, grants or {}

    def readable_orgs(self, caller):
        """The organisations whose events ``caller`` may read from a feed: its own, plus what
        FEED_GRANTS gives its organisation; ``None`` means all of them."""
        granted = self.grants.get(caller.org, frozenset())
        return None if granted == ALL_ORGS else frozenset({caller.org}) | granted

    def from_request(self, request):
        return caller_from(request.headers.get("Authorization"), self.tokens)

    def from_context(self):
        return caller_from(self.worker_ctx.context_data.get("authorization"), self.tokens)


class Auth(DependencyProvider):
    def setup(self):
        self.tokens = load_tokens(self.container.config.get("AUTH_TOKENS") or {})
        self.grants = load_grants(self.container.config.get("FEED_GRANTS") or {})

    def get_dependency(self, worker_ctx):
        return Authenticator(self.tokens, worker_ctx, self.grants)
