"""Two small nameko services on the kernel: a source with a log and a consumer with a read model."""
import json


from nameko.timer import timer

from pathways.runtime.entrypoints import event_handler, http, rpc
from pathways.eventstore import ConcurrencyError
from pathways.runtime import EventLog, FeedEntrypoints, Inbox, ServiceDatabase
from pathways.runtime.feed import DeadLetterEntrypoints
from tests.support import Totals, counted, make_registry


class SourceService(FeedEntrypoints):
    name = "intake"
    event_log = EventLog(registry=make_registry())

    def _count(self, stream_id, amount):
        while True:
            try:
                version = self.event_log.stream_version(stream_id)
                return self.event_log.append(stream_id, version, [counted(amount)])[0]
            except ConcurrencyError:
                continue

    @rpc
    def count(self, stream_id, amount):
        return self._count(stream_id, amount)["position"]

    @http("POST", "/count")
    def http_count(self, request):
        body = json.loads(request.get_data(as_text=True))
        event = self._count(body["stream_id"], body["amount"])
        return 201, json.dumps({"position": event["position"], "event_id": event["event_id"]})


class CounterService(DeadLetterEntrypoints):
    name = "reporting"
    db = ServiceDatabase()
    inbox = Inbox(["intake"], lambda container, db: {"Counted": Totals(db).on_counted},
                  registry=make_registry())

    @event_handler("intake", "Counted")
    def on_counted(self, event):
        self.inbox.receive(event)

    @event_handler("intake", "Counted")
    def record_delivery(self, event):
        # Raw broker deliveries, duplicates included: proves what came over RabbitMQ.
        self.db["deliveries"].insert_one({"event_id": event["event_id"],
                                          "position": event["position"]})

    @timer(interval=1)
    def catch_up(self):
        self.inbox.catch_up()
