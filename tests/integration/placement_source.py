"""A stand-in for the placement service's log: appends placement events (validated against the
real contracts) so that consumers can be tested before and apart from the placement service."""

from pathways.runtime.entrypoints import rpc
from pathways.contracts import new_event
from pathways.runtime import EventLog, FeedEntrypoints


class PlacementSource(FeedEntrypoints):
    name = "placement"
    event_log = EventLog()

    @rpc
    def emit(self, stream_id, type, payload, org="org-b"):
        version = self.event_log.stream_version(stream_id)
        event = new_event(type, payload, org=org, actor={"type": "caseworker", "id": "cw-test"})
        return self.event_log.append(stream_id, version, [event])[0]
