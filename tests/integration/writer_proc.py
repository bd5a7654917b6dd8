"""A writer process for the gapless-log test: appends to random streams until killed, printing
``<event_id>`` for every append the store acknowledged. With --pause, it sleeps between choosing
its position and inserting, so that kills land in that window."""
import random
import sys
import time

from pymongo import MongoClient

from pathways.eventstore import ConcurrencyError, EventStore
from tests.support import counted, make_registry


class PausingCollection:
    def __init__(self, coll, pause):
        self._coll, self._pause = coll, pause

    def insert_many(self, docs, **kw):
        time.sleep(random.uniform(0, self._pause))
        return self._coll.insert_many(docs, **kw)

    def __getattr__(self, name):
        return getattr(self._coll, name)


def main(uri, db_name, streams, pause):
    db = MongoClient(uri)[db_name]
    store = EventStore(db, "intake", registry=make_registry())
    if pause:
        store.commits = PausingCollection(store.commits, pause)
    while True:
        stream = f"s{random.randrange(streams)}"
        events = [counted(random.randrange(100)) for _ in range(random.choice((1, 1, 2, 3)))]
        try:
            stored = store.append(stream, store.stream_version(stream), events)
        except ConcurrencyError:
            continue
        print(" ".join(e["event_id"] for e in stored), flush=True)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4]))
