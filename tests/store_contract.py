"""The event log's contract, one suite for every backend: a subclass provides the ``store``
fixture (a fresh, empty log of source ``intake``), ``make_store()`` (another writer on the same
log) and ``edit(position, fn)`` / ``delete(position)`` on the stored commit at a position."""
import eventlet
import pytest

from pathways.contracts import InvalidEvent, new_event
from pathways.eventstore import ConcurrencyError
from tests.support import ACTOR, counted


def noted(text):
    return new_event("Noted", {"text": text}, org="org-a", actor=ACTOR)


def amounts(events):
    return [e["payload"]["amount"] for e in events]


class StoreContract:
    def test_append_assigns_positions_versions_and_envelopes(self, store):
        first = store.append("p-1", 0, [counted(1), counted(2)])
        second = store.append("p-2", 0, [counted(3)])
        third = store.append("p-1", 2, [counted(4)])
        assert [e["position"] for e in first + second + third] == [1, 2, 3, 4]
        assert [e["stream_version"] for e in third] == [3]
        assert {e["source"] for e in first} == {"intake"}
        assert amounts(store.read_stream("p-1")) == [1, 2, 4]
        assert amounts(store.read_stream("p-1", after_version=2)) == [4]
        assert amounts(store.read_stream("p-1", after_version=1)) == [2, 4]   # inside a commit
        assert store.stream_version("p-1") == 3 and store.stream_version("nope") == 0
        assert store.last_append() == 4

    def test_feed_pages_through_positions_even_inside_a_commit(self, store):
        store.append("a", 0, [counted(i) for i in range(5)])   # positions 1-5
        store.append("b", 0, [counted(9)])                     # position 6
        assert [e["position"] for e in store.events_after(0, 3)] == [1, 2, 3]
        assert [e["position"] for e in store.events_after(3, 10)] == [4, 5, 6]
        assert store.events_after(6, 10) == []
        assert store.head()["position"] == 6

    def test_a_page_of_events_fetches_only_the_commits_that_hold_them(self, store):
        for i in range(20):   # 20 commits of 50 events: positions 1-1000
            store.append(f"s-{i}", 0, [counted(j) for j in range(50)])
        assert [c["_id"] for c in store.commits_after(0, 500, max_events=10)] == [1]
        assert [c["_id"] for c in store.commits_after(45, 500, max_events=10)] == [1, 51]
        assert [c["_id"] for c in store.commits_after(50, 500, max_events=120)] == [51, 101, 151]
        assert len(store.commits_after(0, 500)) == 20          # no bound: as many as asked
        page = store.events_after(45, 10)
        assert [e["position"] for e in page] == list(range(46, 56))

    def test_an_organisation_filtered_feed_skips_the_others_and_reaches_the_head(self, store):
        store.append("a", 0, [counted(1, org="org-a")])
        store.append("b", 0, [counted(2, org="org-b"), counted(3, org="org-b")])
        store.append("c", 0, [counted(4, org="org-a")])
        events, next_after, head = store.feed_page(0, 10, orgs={"org-a"})
        assert [e["position"] for e in events] == [1, 4] and next_after == 4 == head["position"]
        events, next_after, _ = store.feed_page(0, 1, orgs={"org-b"})
        assert [e["position"] for e in events] == [2] and next_after == 2
        assert store.feed_page(4, 10, orgs={"org-b"})[0] == []

    def test_a_commit_is_one_organisations(self, store):
        with pytest.raises(ValueError):
            store.append("a", 0, [counted(1, org="org-a"), counted(2, org="org-b")])
        assert store.head()["position"] == 0

    def test_stale_expected_version_is_refused_even_inside_a_multi_event_commit(self, store):
        store.append("p-1", 0, [counted(1), counted(2), counted(3)])
        for stale in (0, 1, 2, 4):
            with pytest.raises(ConcurrencyError) as err:
                store.append("p-1", stale, [counted(9)])
            assert err.value.actual == 3
        assert store.stream_version("p-1") == 3

    def test_a_head_seen_by_one_writer_is_no_licence_after_another_moved_on(self, store):
        other = self.make_store(store)
        assert store.read_stream("p") == []                   # store has seen head 0
        other.append("p", 0, [counted(1), counted(2), counted(3)])
        for expected in (0, 1, 2):                            # 1 and 2 lie inside other's commit
            with pytest.raises(ConcurrencyError):
                store.append("p", expected, [counted(9)])
        assert store.append("p", 3, [counted(4)])[0]["stream_version"] == 4
        assert amounts(other.read_stream("p")) == [1, 2, 3, 4]

    def test_invalid_events_write_nothing(self, store):
        with pytest.raises(InvalidEvent):
            store.append("p-1", 0, [counted(1), counted("x")])
        with pytest.raises(InvalidEvent):
            store.append("p-1", 0, [noted("x\ud800")])      # cannot be hashed or stored
        with pytest.raises(ValueError):
            store.append("", 0, [counted(1)])
        with pytest.raises(ValueError):
            store.append("p-1", -1, [counted(1)])
        with pytest.raises(ValueError):
            store.append("p-1", 0, [])
        assert store.events_after(0) == [] and store.head()["position"] == 0

    def test_32_concurrent_writers_on_one_stream_exactly_one_wins_each_version(self, store):
        for version in range(4):
            def attempt(i, version=version):
                try:
                    return store.append("race", version, [counted(i)])
                except ConcurrencyError:
                    return None
            assert sum(r is not None for r in eventlet.GreenPool(32).imap(attempt, range(32))) == 1
        assert store.stream_version("race") == 4
        assert [e["position"] for e in store.events_after(0)] == [1, 2, 3, 4]
        assert store.verify().ok

    def test_verify_names_an_edited_or_deleted_commit(self, store):
        for i in range(10):
            store.append(f"s{i % 3}", i // 3, [counted(i)])
        assert store.verify().ok and store.verify().checked == 10
        head = store.head()
        self.edit(store, 4, lambda doc: doc["events"][0]["payload"].update(amount=400))
        result = store.verify()
        assert not result.ok and result.bad_position == 4, result
        self.edit(store, 4, lambda doc: doc["events"][0]["payload"].update(amount=3))
        assert store.verify(seal=head).ok
        self.delete(store, 7)
        result = store.verify()
        assert not result.ok and result.bad_position == 7 and "missing" in result.reason
