"""Two reporting instances on one database: a rebuild on one is followed by the other, and two
instances never rebuild into the same generation."""
import pytest

from pathways.errors import BadRequest
from services.reporting.app import Reporting


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
    with pytest.raises(BadRequest):
        a.rebuild()
    assert a.generation == 1 and db["reporting_meta"].find_one({"_id": "active"})["generation"] == 1
