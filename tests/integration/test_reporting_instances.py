"""Two reporting instances on one database: a rebuild on one is followed by the other, and two
instances never rebuild into the same generation; one rebuild at a time, the second caller told
so at once."""
import logging

import eventlet
import pytest

from pathways.errors import Conflict
from services.reporting.app import Reporting
from tests.support import wait_until


def no_events(source, after, limit):
    return [], after


def test_an_instance_follows_a_rebuild_made_by_another(db):
    a, b = Reporting(db, no_events), Reporting(db, no_events)
    assert a.generation == b.generation == 1
    db["g1_runs"].insert_one({"_id": "stray-from-a-dead-instance"})
    db["g7_runs"].insert_one({"_id": "stray"})
    assert a.rebuild() == 2
    assert "g7_runs" not in db.list_collection_names()
    b.catch_up()
    assert b.generation == 2 and b.consumer.name == "reporting-g2"
    assert b.live_rows() == a.live_rows()
    # the next rebuild on b starts from what is active: generation 3, not a second 2
    assert b.rebuild() == 3
    assert a.live_rows() is not None and a.generation == 3


def test_two_instances_never_rebuild_into_the_same_generation(db):
    a = Reporting(db, no_events)
    db["reporting_meta"].insert_one({"_id": "rebuild-2", "at": 9e18})   # another one is at it
    with pytest.raises(Conflict) as refused:
        a.rebuild()
    assert refused.value.rule == "rebuild_running" and "another instance" in str(refused.value)
    assert a.generation == 1 and db["reporting_meta"].find_one({"_id": "active"})["generation"] == 1


def test_a_second_rebuild_while_one_runs_is_refused_at_once_with_its_state(db, caplog):
    gate = eventlet.event.Event()

    def held_feed(source, after, limit):   # the replay waits here until the test lets it go
        gate.wait()
        return [], after
    a = Reporting(db, held_feed)
    caplog.set_level(logging.INFO)
    started = a.start_rebuild(eventlet.spawn)
    assert started["state"] == "replaying" and started["generation"] == 2
    eventlet.sleep(0)
    with pytest.raises(Conflict) as refused:
        a.start_rebuild(eventlet.spawn)
    assert refused.value.rule == "rebuild_running"
    assert refused.value.extra["rebuild"]["generation"] == 2
    gate.send()
    wait_until(lambda: a.rebuild_status["state"] == "done", what="the rebuild")
    assert a.generation == 2
    assert not [r for r in caplog.records if r.exc_info], "a traceback was logged"
    assert a.start_rebuild(eventlet.spawn)["generation"] == 3   # free again once it ended
    wait_until(lambda: a.rebuild_status["state"] == "done", what="the next rebuild")


def test_a_rebuild_asked_for_while_the_timer_holds_the_switch_a_moment_waits_for_it(db):
    """The timer's follow_active holds the switch lock for one read; a rebuild asked for in
    that moment waits for it, rather than being told one is running (it was not)."""
    a = Reporting(db, lambda source, after, limit: ([], after))
    a._switch.acquire()
    eventlet.spawn_after(0.3, a._switch.release)
    started = a.start_rebuild(eventlet.spawn)
    assert started["state"] == "replaying"
    wait_until(lambda: a.rebuild_status["state"] == "done", what="the rebuild")
