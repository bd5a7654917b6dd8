"""How long a request waits for another service, and what it answers when that is not enough."""
import eventlet

from pathways.errors import NotCaughtUp

WAIT_SECONDS = 3.0
"""The longest an HTTP request waits for another service's events (read-your-writes or a fact a
command needs) before it answers 503 with Retry-After; catch-up goes on in the background."""


def bounded(feed, seconds):
    """The same feed, for use inside a request: a page that does not come within ``seconds``
    (a source down or slow) is NotCaughtUp (503 with Retry-After, naming the source)."""
    def pull(source, after, limit):
        try:
            with eventlet.Timeout(seconds, TimeoutError):
                return feed(source, after, limit)
        except Exception as err:
            raise NotCaughtUp(f"the feed of {source} did not answer within {seconds:g}s "
                              f"({type(err).__name__}); try again shortly",
                              {source: None}) from None
    return pull
