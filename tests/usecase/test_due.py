"""What is due, without servers: a follow-up falls due after the programme's interval without a
contact and goes when one is recorded; a place ending within 14 days, an extension to decide and
a long wait are listed on the right business date; a caseworker sees their own list only."""
import pytest

from pathways.errors import BadRequest, Conflict, Forbidden
from tests.usecase.harness import World
from tests.usecase.test_intake import referred, run

CW = "caseworker@org-a"


@pytest.fixture
def world():
    w = World()
    w.apis["intake"]("POST", "/coaches", "coordinator", {"coach_id": CW,
                                                         "specialty": "labour_market"})
    return w


def started(api, limit=None):
    run_id = run(api, places=1)
    if limit:
        api("PUT", f"/runs/{run_id}/stay-limit", "coordinator", {"days": limit,
                                                                 "with_extensions_days": 365})
    path, _ = referred(api, run_id)
    api("POST", f"{path}/start", "caseworker", {"start_date": "2026-01-05", "percent": 100,
                                                "days_per_week": 5})
    api("POST", f"{path}/coach", "coordinator", {"coach_id": CW})
    return run_id, path


def due(api, on, who="caseworker", **query):
    return [(i["what"], i["due_on"], i["days_overdue"])
            for i in api("GET", "/due", who, on=on, **query)["items"]]


def test_a_follow_up_falls_due_without_a_contact_and_goes_with_one(world):
    api = world.apis["intake"]
    started(api)
    _, path = started(api)
    assert due(api, "2026-01-18") == []                  # 13 days after the start
    assert due(api, "2026-01-19") == [("follow_up", "2026-01-19", 0)] * 2
    # today (long after): both overdue, and the coordinator's view of the loads says so
    (load,) = api("GET", "/coaches", "coordinator")["coaches"]
    assert (load["coach_id"], load["enrolments"], load["overdue"]) == (CW, 2, 2)
    api("POST", f"{path}/contact", "caseworker", {"kind": "visit", "place": "outside",
                                                  "date": "2026-01-20"})
    assert due(api, "2026-01-21") == [("follow_up", "2026-01-19", 2)]
    assert due(api, "2026-02-03") == [("follow_up", "2026-01-19", 15),
                                      ("follow_up", "2026-02-03", 0)]
    (row,) = [r for r in api("GET", "/caseload", "caseworker")["enrolments"]
              if r["last_contact"]]
    assert row["last_contact"] == "2026-01-20"


def test_a_place_ending_and_an_extension_to_decide_are_listed(world):
    api = world.apis["intake"]
    _, path = started(api, limit=30)                      # planned end 2026-02-04
    api("POST", f"{path}/contact", "caseworker", {"kind": "call", "place": "office",
                                                  "date": "2026-01-20"})
    assert due(api, "2026-01-20") == []
    assert due(api, "2026-01-21") == [("place_ending", "2026-02-04", 0)]
    api("POST", f"{path}/extend", "caseworker", {"planned_end": "2026-03-01",
                                                 "reason": "job_in_sight", "date": "2026-01-21"})
    assert ("extension_decision", "2026-01-22", 0) in due(api, "2026-01-22", "coordinator")
    assert due(api, "2026-02-10", "coordinator", coach=CW)[0] == ("follow_up", "2026-02-03", 7)


def test_a_long_wait_is_listed_after_thirty_days(world):
    api = world.apis["intake"]
    run_id = run(api, places=1)
    referred(api, run_id)
    waiting, _ = referred(api, run_id)                    # referred 2026-01-02, waitlisted
    api("POST", f"{waiting}/coach", "coordinator", {"coach_id": CW})
    assert due(api, "2026-01-31") == []
    assert due(api, "2026-02-01") == [("waiting_long", "2026-02-01", 0)]


def test_a_caseworker_sees_their_own_list_and_bad_queries_name_the_field(world):
    api = world.apis["intake"]
    started(api)
    with pytest.raises(Forbidden):
        api("GET", "/due", "caseworker", coach="coordinator@org-a")
    assert api("GET", "/due", "coordinator-b", on="2026-03-01")["items"] == []
    for query, field in (({"on": "2026-13-01"}, "on"), ({"what": "x"}, "what")):
        with pytest.raises(BadRequest) as err:
            api("GET", "/due", "caseworker", **query)
        assert field in err.value.errors


def test_contacts_are_codes_on_a_business_date_and_refusals_write_nothing(world):
    api = world.apis["intake"]
    _, path = started(api)
    before = len(world.events("intake"))
    for body, field in (({"kind": "lunch", "place": "office"}, "kind"),
                        ({"kind": "call", "place": "office", "note": "free text"}, "note"),
                        ({"kind": "call", "place": "office", "date": "2200-01-01"}, "date")):
        with pytest.raises(BadRequest) as err:
            api("POST", f"{path}/contact", "caseworker", body)
        assert field in err.value.errors
    for day, rule in (("2099-01-01", "date_in_future"), ("2025-12-31", "dates_out_of_order")):
        with pytest.raises(Conflict) as err:
            api("POST", f"{path}/contact", "caseworker", {"kind": "call", "place": "office",
                                                          "date": day})
        assert err.value.rule == rule
    assert len(world.events("intake")) == before
    api("POST", f"{path}/contact", "caseworker", {"kind": "digital", "place": "outside",
                                                  "outcome": "job_lead", "date": "2026-01-06"})
    (event,) = world.events("intake", "ContactRecorded")
    assert event["occurred_at"].startswith("2026-01-06")
    assert set(event["payload"]) == {"run_id", "enrolment_id", "participant_id", "kind",
                                     "place", "outcome"}


def test_outcome_follow_ups_fall_due_after_the_end_and_go_when_placement_records_them(world):
    api, placement = world.apis["intake"], world.apis["placement"]
    _, path = started(api)
    enrolment_id = path.rsplit("/", 1)[1]
    world.deliver()
    placement("POST", f"/cases/{enrolment_id}/close", "caseworker",
              {"outcome": "employed_ordinary", "date": "2026-01-31"})
    world.deliver()                                        # intake ends the enrolment
    assert api("GET", path, "caseworker")["state"] == "completed"
    assert due(api, "2026-02-27") == []
    assert due(api, "2026-02-28") == [("outcome_follow_up", "2026-02-28", 0)]   # a month on
    (item,) = api("GET", "/due", "coordinator", on="2026-03-01")["items"]
    assert (item["months"], item["enrolment_id"]) == (1, enrolment_id)
    placement("POST", f"/cases/{enrolment_id}/outcomes", "caseworker",
              {"months": 1, "outcome": "employed_ordinary", "date": "2026-03-01"})
    world.deliver()
    world.delivered["placement"] = 0
    world.deliver()                                        # redelivered: no harm
    assert due(api, "2026-03-01") == []
    # not recorded at 3 months: due from the mark until the 6-month one falls due
    assert due(api, "2026-04-30") == [("outcome_follow_up", "2026-04-30", 0)]
    assert due(api, "2026-07-30") == [("outcome_follow_up", "2026-04-30", 91)]
    assert due(api, "2026-07-31") == [("outcome_follow_up", "2026-07-31", 0)]
    assert due(api, "2027-02-27") == [("outcome_follow_up", "2027-01-31", 27)]
    assert due(api, "2027-02-28") == []                   # a month after the last mark: done
    assert due(api, "2027-03-01", who="coordinator") == []
