"""Positions stay gapless and in commit order while writer processes are killed mid-append, and a
reader tailing the log sees every commit exactly once, in order."""
import os
import random
import signal
import subprocess
import sys
import time

import eventlet

from pathways.eventstore import EventStore
from tests.support import make_registry

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def spawn_writer(uri, db_name):
    return subprocess.Popen(
        [sys.executable, "-m", "tests.integration.writer_proc", uri, db_name, "20", "0.05"],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_killed_writers_leave_no_hole_and_the_tailing_reader_misses_nothing(mongo_uri, db):
    store = EventStore(db, "intake", registry=make_registry()).ensure_indexes()
    seen, stop_reading = [], eventlet.event.Event()

    def tail():
        last = 0
        while True:
            page = store.events_after(last, 200)
            for e in page:
                assert e["position"] == last + 1, f"reader jumped from {last} to {e['position']}"
                last = e["position"]
                seen.append(e)
            if not page:
                if stop_reading.ready() and last >= store.head()["position"]:
                    return
                eventlet.sleep(0.01)

    reader = eventlet.spawn(tail)
    writers, finished, kills = [spawn_writer(mongo_uri, db.name) for _ in range(6)], [], 0
    # Enough kills over enough commits, however slow the machine is; the deadline only bounds it.
    deadline = time.monotonic() + 90
    rng = random.Random(7)
    while (kills < 15 or store.head()["position"] < 100) and time.monotonic() < deadline:
        eventlet.sleep(rng.uniform(0.2, 0.6))
        victim = writers.pop(rng.randrange(len(writers)))
        victim.send_signal(signal.SIGKILL)   # wherever it is: between position and insert, or not
        finished.append(victim)
        kills += 1
        writers.append(spawn_writer(mongo_uri, db.name))
    for w in writers:
        w.terminate()
        finished.append(w)
    acknowledged = set()
    for w in finished:
        out, err = w.communicate(timeout=30)
        assert "Traceback" not in err or w.returncode in (-9, -15), err
        for line in out.splitlines():
            acknowledged.update(line.split())
    stop_reading.send(True)
    reader.wait()

    head = store.head()["position"]
    assert kills >= 15 and head > 0, (kills, head)     # something to check, however slow
    assert [e["position"] for e in seen] == list(range(1, head + 1))
    assert len({e["event_id"] for e in seen}) == head
    assert acknowledged <= {e["event_id"] for e in seen}, "an acknowledged append was lost"
    result = store.verify()
    assert result.ok and result.head_position == head, result
