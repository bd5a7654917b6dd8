"""Programme kinds as data, without servers: a milestone is one its kind declares, after the
start, once; an activity plan's hours are recorded per month (not ahead, only the plan's
activities) and reviewed by the participant or their coach; anything else names its field or
rule and writes nothing."""
from datetime import timedelta

import pytest

from pathways.timeutil import utcnow
from pathways.errors import BadRequest, Conflict
from tests.usecase.harness import World
from tests.usecase.test_intake import referred


@pytest.fixture
def world():
    return World()


def cnc_run(api):
    return api("POST", "/runs", "coordinator", {"programme": "trade_certificate",
                                                "name": "CNC Gjøvik", "places": 8})["run_id"]


def test_a_milestone_is_one_its_kind_declares_after_the_start_and_once(world):
    api = world.apis["intake"]
    path, _ = referred(api, cnc_run(api))
    with pytest.raises(Conflict) as early:
        api("POST", f"{path}/milestone", "caseworker", {"milestone": "firm_introduction"})
    assert early.value.rule == "not_started"
    api("POST", f"{path}/start", "caseworker", {"start_date": "2026-01-05", "percent": 100,
                                                "days_per_week": 5})
    written = len(world.events("intake"))
    with pytest.raises(BadRequest) as undeclared:       # a milestone of another kind
        api("POST", f"{path}/milestone", "caseworker", {"milestone": "business_plan"})
    assert undeclared.value.errors == {"milestone": [
        "trade_certificate declares firm_introduction, education, certificate_passed"]}
    with pytest.raises(BadRequest) as unknown:          # no kind's word at all
        api("POST", f"{path}/milestone", "caseworker", {"milestone": "graduated"})
    assert list(unknown.value.errors) == ["milestone"]
    with pytest.raises(Conflict) as before:
        api("POST", f"{path}/milestone", "caseworker", {"milestone": "firm_introduction",
                                                        "date": "2026-01-04"})
    assert before.value.rule == "dates_out_of_order"
    assert len(world.events("intake")) == written       # nothing written

    for milestone, day in (("firm_introduction", "2026-01-05"), ("education", "2026-03-01"),
                           ("certificate_passed", "2026-11-20")):
        api("POST", f"{path}/milestone", "caseworker", {"milestone": milestone, "date": day})
    api("POST", f"{path}/milestone", "caseworker", {"milestone": "education",
                                                    "date": "2026-03-01"})    # again: nothing
    with pytest.raises(Conflict) as twice:
        api("POST", f"{path}/milestone", "caseworker", {"milestone": "education",
                                                        "date": "2026-03-02"})
    assert twice.value.rule == "milestone_already_reached"
    reached = world.events("intake", "MilestoneReached")
    assert [(e["payload"]["milestone"], e["occurred_at"][:10]) for e in reached] == [
        ("firm_introduction", "2026-01-05"), ("education", "2026-03-01"),
        ("certificate_passed", "2026-11-20")]
    assert api("GET", path, "caseworker")["milestones"] == {
        "firm_introduction": "2026-01-05", "education": "2026-03-01",
        "certificate_passed": "2026-11-20"}


def test_a_kind_without_milestones_says_so(world):
    api = world.apis["intake"]
    run_id = api("POST", "/runs", "coordinator", {"programme": "vta", "name": "VTA Sølve",
                                                  "places": 4})["run_id"]
    path, _ = referred(api, run_id)
    api("POST", f"{path}/start", "caseworker", {"start_date": "2026-01-05", "percent": 100,
                                                "days_per_week": 5})
    with pytest.raises(BadRequest) as none:
        api("POST", f"{path}/milestone", "caseworker", {"milestone": "plan_agreed"})
    assert none.value.errors == {"milestone": ["vta declares no milestones"]}
    with pytest.raises(BadRequest) as limit:            # permanent: no end in view
        api("PUT", f"/runs/{run_id}/stay-limit", "coordinator", {"days": 365})
    assert limit.value.errors == {"days": ["vta is permanent: its places have no end in view"]}


def started_with_coach(world, coach="coordinator@org-a"):
    api = world.apis["intake"]
    api("POST", "/coaches", "coordinator", {"coach_id": coach, "specialty": "labour_market"})
    path, _ = referred(api, api("POST", "/runs", "coordinator", {
        "programme": "resource_course", "name": "Rusta och matcha", "places": 5})["run_id"])
    api("POST", f"{path}/start", "caseworker", {"start_date": "2026-01-05", "percent": 100,
                                                "days_per_week": 5})
    api("POST", f"{path}/coach", "coordinator", {"coach_id": coach})
    return api, path


def test_an_activity_plan_and_a_months_hours_reviewed_by_the_participant_or_their_coach(world):
    api, path = started_with_coach(world)
    api("POST", f"{path}/plan", "caseworker", {"hours_per_week": {
        "work_training": 15, "job_search": 5}, "date": "2026-01-05"})
    written = len(world.events("intake"))
    this_month = utcnow().strftime("%Y-%m")
    next_month = (utcnow().replace(day=1) + timedelta(days=32)).strftime("%Y-%m")
    refusals = {
        "future": ({"month": next_month, "hours": {"work_training": 10}}, "month"),
        "not in plan": ({"month": "2026-01", "hours": {"language": 4}}, "hours"),
    }
    for body, field_name in refusals.values():
        with pytest.raises(BadRequest) as err:
            api("POST", f"{path}/hours", "caseworker", body)
        assert list(err.value.errors) == [field_name]
    with pytest.raises(BadRequest) as too_much:
        api("POST", f"{path}/plan", "caseworker", {"hours_per_week": {
            "work_training": 40, "job_search": 25}})
    assert list(too_much.value.errors) == ["hours_per_week"]
    with pytest.raises(Conflict) as early:
        api("POST", f"{path}/hours", "caseworker", {"month": "2025-12",
                                                    "hours": {"work_training": 1}})
    assert early.value.rule == "dates_out_of_order"
    with pytest.raises(Conflict) as nothing:
        api("POST", f"{path}/review-hours", "caseworker", {
            "month": "2026-01", "decision": "approved", "by": "participant"})
    assert nothing.value.rule == "no_hours_recorded"
    assert len(world.events("intake")) == written          # nothing written

    api("POST", f"{path}/hours", "caseworker", {"month": "2026-01", "hours": {
        "work_training": 52.5, "job_search": 14}})
    api("POST", f"{path}/hours", "caseworker", {"month": this_month, "hours": {
        "work_training": 40}})
    # the caseworker is not the participant's coach: may not review on their behalf
    with pytest.raises(BadRequest) as not_coach:
        api("POST", f"{path}/review-hours", "caseworker", {
            "month": "2026-01", "decision": "approved", "by": "coach"})
    assert not_coach.value.errors == {"by": [
        "only the participant or their coach (coordinator@org-a) reviews their hours: you "
        "(caseworker@org-a) are not their coach"]}
    assert world.events("intake", "HoursReviewed") == []        # nothing written
    with pytest.raises(BadRequest) as why:
        api("POST", f"{path}/review-hours", "caseworker", {
            "month": "2026-01", "decision": "disputed", "by": "participant"})
    assert list(why.value.errors) == ["reason"]
    api("POST", f"{path}/review-hours", "caseworker", {
        "month": "2026-01", "decision": "disputed", "by": "participant",
        "reason": "too_many_hours"})
    with pytest.raises(Conflict) as again:
        api("POST", f"{path}/review-hours", "coordinator", {
            "month": "2026-01", "decision": "approved", "by": "coach"})
    assert again.value.rule == "hours_already_reviewed"
    # corrected, then approved by the coach on the participant's behalf, recorded as such
    api("POST", f"{path}/hours", "caseworker", {"month": "2026-01", "hours": {
        "work_training": 48, "job_search": 14}})
    api("POST", f"{path}/review-hours", "coordinator", {
        "month": "2026-01", "decision": "approved", "by": "coach"})
    enrolment = api("GET", path, "caseworker")
    assert enrolment["plan"] == {"since": "2026-01-05", "hours_per_week": {
        "work_training": 15.0, "job_search": 5.0}}
    assert enrolment["hours"]["2026-01"] == {
        "hours": {"work_training": 48.0, "job_search": 14.0},
        "review": {"decision": "approved", "by": "coach", "reason": None}}
    reviews = world.events("intake", "HoursReviewed")
    assert [(r["payload"]["decision"], r["payload"]["by"], r["actor"]["id"]) for r in reviews] \
        == [("disputed", "participant", "caseworker@org-a"),
            ("approved", "coach", "coordinator@org-a")]


FIRM, OTHER = "NO-988077917", "NO-974760673"


def test_a_network_has_member_firms_and_its_activities_gather_members_only(world):
    api = world.apis["intake"]
    net = api("POST", "/runs", "coordinator", {"programme": "youth_network", "name": "Nextwork",
                                               "places": 120})["run_id"]
    path, _ = referred(api, net)
    api("POST", f"{path}/start", "caseworker", {"start_date": "2026-01-05", "percent": 100,
                                                "days_per_week": 5})
    eid = path.rsplit("/", 1)[1]
    api("POST", f"/runs/{net}/members", "caseworker", {"employer_id": FIRM,
                                                       "date": "2026-01-10"})
    api("POST", f"/runs/{net}/members", "caseworker", {"employer_id": FIRM,
                                                       "date": "2026-01-10"})   # again: nothing
    written = len(world.events("intake"))
    for body, field_name in (
            ({"kind": "company_visit", "date": "2026-02-01", "participants": [eid],
              "firms": [OTHER]}, "firms"),                      # not a member
            ({"kind": "meeting", "date": "2026-01-08", "firms": [FIRM]}, "firms"),   # not yet
            ({"kind": "meeting", "date": "2026-02-01", "participants": ["nobody"]},
             "participants"),
            ({"kind": "meeting", "date": "2026-01-04", "participants": [eid]},
             "participants"),                                   # before the start
            ({"kind": "meeting", "date": "2026-02-01"}, "participants"),     # nobody came
            ({"kind": "meeting", "date": "2026-02-01", "firms": ["NO-123"]}, "firms")):
        with pytest.raises(BadRequest) as err:
            api("POST", f"/runs/{net}/activities", "caseworker", body)
        assert list(err.value.errors) == [field_name], body
    other_run = api("POST", "/runs", "coordinator", {"programme": "aft", "name": "AFT",
                                                     "places": 3})["run_id"]
    with pytest.raises(Conflict) as not_network:
        api("POST", f"/runs/{other_run}/members", "caseworker", {"employer_id": FIRM})
    assert not_network.value.rule == "not_a_network"
    assert len(world.events("intake")) == written + 1  # the other run; nothing else
    held = api("POST", f"/runs/{net}/activities", "caseworker", {
        "kind": "company_visit", "date": "2026-02-01", "host": FIRM, "participants": [eid]})
    assert held["activities"] == 1 and held["activity_id"]
    event = world.events("intake", "NetworkActivityHeld")[0]
    assert (event["payload"]["employer_ids"], event["payload"]["enrolment_ids"],
            event["occurred_at"][:10]) == ([FIRM], [eid], "2026-02-01")
    left = api("POST", f"/runs/{net}/members/leave", "caseworker", {"employer_id": FIRM,
                                                                    "date": "2026-03-01"})
    assert left["members"] == [{"employer_id": FIRM, "joined_on": "2026-01-10",
                                "left_on": "2026-03-01"}]
    with pytest.raises(BadRequest) as gone:
        api("POST", f"/runs/{net}/activities", "caseworker", {
            "kind": "meeting", "date": "2026-03-05", "firms": [FIRM]})
    assert list(gone.value.errors) == ["firms"]
    with pytest.raises(BadRequest) as not_member:
        api("POST", f"/runs/{net}/members/leave", "caseworker", {"employer_id": OTHER})
    assert list(not_member.value.errors) == ["employer_id"]
    # another organisation's caseworker cannot reach the network at all
    from pathways.errors import NotFoundError
    with pytest.raises(NotFoundError):
        api("POST", f"/runs/{net}/members", "caseworker-b", {"employer_id": OTHER})


def test_an_outcome_that_is_the_same_programme_does_not_apply(world):
    api = world.apis["intake"]
    path, _ = referred(api, api("POST", "/runs", "coordinator", {
        "programme": "resource_course", "name": "Ressourceforløb", "places": 3})["run_id"])
    api("POST", f"{path}/start", "caseworker", {"start_date": "2026-01-05", "percent": 100,
                                                "days_per_week": 5})
    eid = path.rsplit("/", 1)[1]
    world.deliver()
    with pytest.raises(BadRequest) as same:
        world.apis["placement"]("POST", f"/cases/{eid}/close", "caseworker",
                                {"outcome": "resource_course", "date": "2026-03-31"})
    assert same.value.errors == {"outcome": [
        "resource_course does not apply to resource_course: it is the same programme"]}
    assert world.events("placement") == []
    world.apis["placement"]("POST", f"/cases/{eid}/close", "caseworker",
                            {"outcome": "flexjob", "date": "2026-03-31"})
    assert [e["payload"]["outcome"] for e in world.events("placement", "CaseClosed")] == \
        ["flexjob"]


def test_an_enrolments_timeline_shows_what_happened_when_and_who_recorded_it(world):
    api, path = started_with_coach(world)
    api("POST", f"{path}/milestone", "caseworker", {"milestone": "plan_agreed",
                                                    "date": "2026-01-20"})
    api("POST", f"{path}/correct", "coordinator", {"start_date": "2026-01-07"})
    entries = api("GET", f"{path}/history", "caseworker")["entries"]
    # in business order: referred 2 January, started 5 January, consent recorded today
    assert [e["type"] for e in entries][:2] == ["ParticipantReferred", "ParticipantEnrolled"]
    milestone = next(e for e in entries if e["type"] == "MilestoneReached")
    assert (milestone["occurred_at"][:10], milestone["recorded_by"], milestone["details"]) == (
        "2026-01-20", "caseworker@org-a", {"milestone": "plan_agreed"})
    assert [e["correction"] for e in entries if e["type"] == "EnrolmentDatesCorrected"] == [True]
    assert "participant_id" not in str(entries)
    from pathways.errors import NotFoundError
    with pytest.raises(NotFoundError):
        api("GET", f"{path}/history", "caseworker-b")
