"""Reporting's live rows and kept "as known at" replays, over in-memory logs (no servers)."""
import threading
import time

import mongomock
import pytest

from pathways.contracts import new_event
from pathways.errors import NotCaughtUp
from pathways.eventstore import MemoryEventStore
from services.reporting import app as reporting_app
from services.reporting.app import Reporting, replay
from services.reporting.kpis import report
from tests.support import ACTOR


def referred(store, i, org="org-a"):
    return store.append(f"run-{i}", 0, [new_event("ParticipantReferred", {
        "run_id": "r1", "enrolment_id": f"e{i}", "participant_id": f"p{i}", "programme": "aft",
        "status": "draft"}, org=org, actor=ACTOR)])


class Feeds:
    """The sources' feeds, counting the pages read; ``delay`` per page."""

    def __init__(self, delay=0.0):
        self.stores = {s: MemoryEventStore(s) for s in ("intake", "employer", "placement")}
        self.pages, self.delay = 0, delay

    def __call__(self, source, after, limit):
        self.pages += 1
        time.sleep(self.delay)
        return self.stores[source].feed_page(after, limit)[:2]


def test_live_rows_follow_pushed_and_pulled_events_and_report_as_a_replay_would():
    feeds = Feeds()
    intake = feeds.stores["intake"]
    for i in range(5):
        referred(intake, i, org="org-a" if i % 2 else "org-b")
    reporting = Reporting(mongomock.MongoClient().db, feeds)
    assert reporting.report({})["enrolments"] == 0          # (not followed yet: persisted model)
    assert reporting.follow_live() and reporting.live.ready
    pushed = referred(intake, 5)[0]
    reporting.receive(pushed)                                 # next in line: applied at once
    assert reporting.live.after["intake"] == pushed["position"]
    referred(intake, 6)
    reporting.receive(referred(intake, 7)[0])                 # a gap: the feed is read
    rows = replay(feeds, reporting.sources).rows
    for filters in ({}, {"org": ["org-a"]}, {"org": ["org-b"]}):
        got = reporting.report(filters)
        assert {k: v for k, v in got.items() if k != "built_from"} == report(rows, filters)
    assert reporting.report({})["enrolments"] == 8
    assert reporting.report({})["built_from"]["feed_positions"]["intake"] == 8
    reporting.receive({"source": "intake", "position": "x"})  # malformed: parked, not applied
    assert reporting.report({})["enrolments"] == 8


def test_a_new_as_known_at_replay_is_built_in_the_background_and_kept(monkeypatch):
    feeds = Feeds(delay=0.05)
    for i in range(3):
        referred(feeds.stores["intake"], i)
    known_at = "2199-01-01T00:00:00.000000Z"
    reporting = Reporting(mongomock.MongoClient().db, feeds)
    monkeypatch.setattr(reporting_app, "REPLAY_WAIT_SECONDS", 0.01)
    with pytest.raises(NotCaughtUp) as building:
        reporting.report({}, known_at=known_at)
    assert "being built" in str(building.value)
    monkeypatch.setattr(reporting_app, "REPLAY_WAIT_SECONDS", 10)
    assert reporting.report({}, known_at=known_at)["enrolments"] == 3
    referred(feeds.stores["intake"], 3)
    before = feeds.pages
    assert reporting.report({}, known_at=known_at)["enrolments"] == 4
    assert feeds.pages - before == 3          # one page per source from where it stood
    # Two requests for the same new time share one build.
    other = "2198-01-01T00:00:00.000000Z"
    answers = []
    threads = [threading.Thread(target=lambda: answers.append(
        reporting.report({}, known_at=other)["enrolments"])) for _ in range(2)]
    before = feeds.pages
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert answers == [4, 4] and feeds.pages - before == 3
