"""The Auth dependency: callers from a request's or an RPC call's credentials (``pathways.security.callers``),
and which organisations' events each may read from a feed (config ``FEED_GRANTS``)."""
from nameko.extensions import DependencyProvider

from pathways.security.callers import ALL_ORGS, caller_from
from pathways.operations.settings import settings_of


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
        settings = settings_of(self.container)
        self.tokens, self.grants = settings.tokens, settings.grants

    def get_dependency(self, worker_ctx):
        return Authenticator(self.tokens, worker_ctx, self.grants)
