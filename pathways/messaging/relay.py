"""The outbox relay: the log is the outbox; publish it in position order, checkpoint after confirm.

One relay is active per service (lease). A broker outage stops the relay at its checkpoint; when
the broker is back it goes on from there, so an outage delays events and never loses them. A crash
between confirm and checkpoint republishes a batch: delivery is at-least-once, and consumers drop
the duplicates by position.
"""
import logging
import uuid

from pathways.messaging.lease import Lease
from pathways.messaging.publisher import PublishError

log = logging.getLogger(__name__)


class Relay:
    def __init__(self, store, publisher, *, holder=None, batch_size=500, lease_ttl=10.0):
        self.store, self.publisher, self.batch_size = store, publisher, batch_size
        self.state = store.db["relay"]
        self.lease = Lease(store.db["leases"], "relay", holder or str(uuid.uuid4()), ttl=lease_ttl)

    def checkpoint(self):
        doc = self.state.find_one({"_id": "checkpoint"})
        return doc["position"] if doc else 0

    def _save_checkpoint(self, position):
        # $max: a relay that lost its lease mid-batch can never move the checkpoint back.
        self.state.update_one({"_id": "checkpoint"}, {"$max": {"position": position}}, upsert=True)

    def run_once(self):
        """Publish the next batch if this process holds the lease. Returns the number published."""
        if not self.lease.acquire():
            return 0
        events = self.store.events_after(self.checkpoint(), self.batch_size)
        if not events:
            return 0
        self.publisher.publish(events)
        self._save_checkpoint(events[-1]["position"])
        return len(events)

    def drain(self):
        """Publish until caught up; returns the count. Raises PublishError if the broker fails."""
        total = 0
        while True:
            n = self.run_once()
            total += n
            if n < self.batch_size:
                return total

    def pending(self):
        return self.store.head()["position"] - self.checkpoint()


__all__ = ["Relay", "PublishError"]
