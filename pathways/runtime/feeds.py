"""Feed clients: how a consumer pulls a source's log (RPC over the broker, or HTTP).

A feed is called as ``feed(source, after, limit)`` and returns ``(events, next_after)``: the
events after ``after`` in position order, and the position up to which the reader has now seen
everything it may see (an organisation-filtered page skips other organisations' positions)."""
import threading

import requests
from nameko.standalone.rpc import ClusterRpcProxy



class RpcFeed:
    """``<source>.events_after`` over nameko RPC; one proxy, calls serialised."""

    def __init__(self, config, timeout=10):
        self.config, self.timeout = config, timeout
        self._proxy_ctx = self._proxy = None
        self._lock = threading.Lock()

    def __call__(self, source, after, limit):
        with self._lock:
            try:
                if self._proxy is None:
                    self._proxy_ctx = ClusterRpcProxy(self.config, timeout=self.timeout)
                    self._proxy = self._proxy_ctx.start()
                events = getattr(self._proxy, source).events_after(after=after, limit=limit)
            except BaseException:   # also a caller's timeout: never reuse a proxy mid-call
                self.close()
                raise
        # The RPC feed is the whole log: its positions follow each other without a gap.
        if [e.get("position") for e in events] != list(range(after + 1, after + 1 + len(events))):
            raise ValueError(f"feed of {source} skipped a position after {after}")
        return events, (events[-1]["position"] if events else after)

    def close(self):
        ctx, self._proxy_ctx, self._proxy = self._proxy_ctx, None, None
        if ctx is not None:
            try:
                ctx.stop()
            except Exception:  # the connection is already gone
                pass


def feed_target(value):
    """A feed's address: a base URL, or ``{"url": ..., "token": ...}`` for a feed that asks for
    credentials. Returns (url, token or None)."""
    if isinstance(value, dict):
        return value["url"], value.get("token")
    return value, None


class HttpFeed:
    """``GET {base_url}/events?after=&limit=`` per source, e.g. a hub reading other orgs' feeds."""

    def __init__(self, targets, timeout=10, session=None):
        self.targets = {name: feed_target(v) for name, v in dict(targets).items()}
        self.timeout, self.session = timeout, session or requests.Session()

    def __call__(self, source, after, limit):
        url, token = self.targets[source]
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        resp = self.session.get(f"{url.rstrip('/')}/events", headers=headers,
                                params={"after": after, "limit": limit}, timeout=self.timeout)
        resp.raise_for_status()
        body = resp.json()
        return body["events"], body["next_after"]

    def close(self):
        self.session.close()
