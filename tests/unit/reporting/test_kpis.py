"""Reporting's projection and key figures on hand-made events (no servers)."""
from services.reporting.kpis import as_effective_on, capacity, report
from services.reporting.projection import MemoryRows

POS = {"intake": 0, "placement": 0, "employer": 0}


def ev(source, type_, payload, day="2026-01-01", org="org-a"):
    POS[source] += 1
    return {"source": source, "type": type_, "payload": payload, "org": org,
            "position": POS[source], "occurred_at": f"{day}T09:00:00.000000Z",
            "recorded_at": f"{day}T09:00:00.000000Z", "stream_id": "s", "event_id": "x"}


def enrolment(rows, eid, start, end=None, hint=None, programme="aft", case=None, voided=False):
    ref = {"run_id": "r1", "enrolment_id": eid, "participant_id": f"p-{eid}"}
    rows.apply(ev("intake", "ParticipantReferred", {**ref, "programme": programme,
                                                     "status": "draft"}, start))
    rows.apply(ev("intake", "ParticipantEnrolled", {**ref, "programme": programme,
                                                     "start_date": start, "percent": 100,
                                                     "days_per_week": 5}, start))
    if end:
        rows.apply(ev("intake", "EnrolmentEnded", {
            **ref, "programme": programme, "status": "completed", "reason": "other",
            "outcome_hint": hint, "start_date": start, "end_date": end}, end))
    if case:
        rows.apply(ev("placement", "CaseClosed", {**ref, "outcome": case, "date": end}, end))
    if voided:
        rows.apply(ev("intake", "EnrolmentVoided", {**ref, "previous_state": "participating"}))


def sample():
    rows = MemoryRows()
    rows.apply(ev("intake", "ProgrammeRunCreated", {
        "run_id": "r1", "programme": "aft", "name": "AFT", "places": 3, "start_mode": "rolling",
        "start_date": None, "approval_required": False}))
    enrolment(rows, "a", "2026-01-05", "2026-03-01", "employed")
    enrolment(rows, "b", "2026-01-10", "2026-03-15", "not_in_work", case="education")
    enrolment(rows, "c", "2026-02-01", "2026-04-01", "not_in_work")
    enrolment(rows, "d", "2026-02-01", "2026-04-10", "employed", voided=True)   # excluded
    enrolment(rows, "e", "2026-03-01")                                          # still active
    rows.apply(ev("placement", "PlacementProposed", {
        "placement_id": "pl", "enrolment_id": "e", "participant_id": "p-e", "employer_id": "NO-1",
        "opportunity_id": None, "kind": "small_job", "hours_per_week": 7.0,
        "wage_subsidy_percent": None, "has_mentor": False, "start_date": "2026-03-10",
        "planned_end_date": None, "run_id": "r1"}))
    rows.apply(ev("placement", "PlacementStarted", {
        "placement_id": "pl", "enrolment_id": "e", "participant_id": "p-e", "employer_id": "NO-1",
        "opportunity_id": None, "kind": "small_job", "hours_per_week": 7.0,
        "start_date": "2026-03-10"}))
    return rows.rows


def test_outcome_rate_counts_work_or_education_of_started_and_ended_only():
    r = report(sample())
    assert r["outcomes"]["at_end"] == {"numerator": 2, "denominator": 3, "rate": 0.6667}
    assert r["started"] == 4 and r["ended"] == 3


def test_per_month_small_jobs_and_time_to_first_placement():
    r = report(sample())
    assert [(m["month"], m["enrolments"], m["endings"]) for m in r["per_month"]] == [
        ("2026-01", 2, 0), ("2026-02", 1, 0), ("2026-03", 1, 2), ("2026-04", 0, 1)]
    assert r["small_jobs"] == {"citizens": 1, "firms": 1, "hours_per_week": 7.0}
    assert r["days_to_first_placement"] == {"n": 1, "median": 9, "p90": 9}


def test_as_effective_on_a_past_day():
    r = report(as_effective_on(sample(), "2026-03-10"))
    assert r["ended"] == 1 and r["outcomes"]["at_end"]["numerator"] == 1   # only a had ended


def test_filters_and_cohorts():
    assert report(sample(), {"org": "org-b"})["started"] == 0
    assert report(sample(), {"cohort": "enrolment:2026-01"})["ended"] == 2


def test_capacity_series():
    series = capacity(sample(), "2026-01-01", "2026-04-30", step_days=30)
    assert [p["active"] for p in series["aft"]] == [0, 2, 3, 1]
    assert {p["places"] for p in series["aft"]} == {3}


def test_the_case_outcome_takes_precedence_over_intakes_hint():
    rows = MemoryRows()
    enrolment(rows, "x", "2026-01-05", "2026-03-01", "employed", case="not_in_work")
    enrolment(rows, "y", "2026-01-05", "2026-03-01", "not_in_work", case="employed_ordinary")
    enrolment(rows, "z", "2026-01-05", "2026-03-01", "employed")          # no case: the hint
    r = report(rows.rows)
    assert r["outcomes"]["at_end"] == {"numerator": 2, "denominator": 3, "rate": 0.6667}


def test_a_correction_moves_the_business_dates_and_durations_never_go_negative():
    rows = MemoryRows()
    enrolment(rows, "x", "2026-01-05", "2026-03-01", "employed", case="employed_ordinary")
    rows.apply(ev("placement", "PlacementStarted", {
        "placement_id": "pl", "enrolment_id": "x", "participant_id": "p-x", "employer_id": "NO-1",
        "opportunity_id": None, "kind": "ordinary_job", "hours_per_week": 37.5,
        "start_date": "2026-01-20"}))
    rows.apply(ev("intake", "EnrolmentDatesCorrected", {
        "run_id": "r1", "enrolment_id": "x", "participant_id": "p-x", "referred_on": None,
        "start_date": "2026-02-02", "end_date": None}, "2026-06-01"))
    e = rows.rows["enrolments"]["x"]
    assert (e["started_on"], e["ended_on"]) == ("2026-02-02", "2026-03-01")
    assert report(as_effective_on(rows.rows, "2026-01-31"))["started"] == 0
    assert report(as_effective_on(rows.rows, "2026-02-02"))["started"] == 1
    r = report(rows.rows)
    # the placement started before the corrected start: day 0, not -13
    assert r["days_to_first_placement"] == {"n": 1, "median": 0, "p90": 0}
    assert r["days_to_outcome"]["median"] == 27


def milestone(rows, eid, name, day, programme="trade_certificate"):
    rows.apply(ev("intake", "MilestoneReached", {"run_id": "r1", "enrolment_id": eid,
                                                 "participant_id": f"p-{eid}",
                                                 "milestone": name}, day))


def test_milestones_give_the_share_of_starts_reaching_each_and_the_days_to_it():
    rows = MemoryRows()
    for eid, start in (("a", "2026-01-05"), ("b", "2026-01-05"), ("c", "2026-02-01")):
        enrolment(rows, eid, start, programme="trade_certificate")
    milestone(rows, "a", "firm_introduction", "2026-01-05")
    milestone(rows, "b", "firm_introduction", "2026-01-15")
    milestone(rows, "a", "certificate_passed", "2026-06-05")
    cnc = report(rows.rows)["milestones"]["trade_certificate"]
    assert list(cnc) == ["firm_introduction", "education", "certificate_passed"]
    assert {k: cnc["firm_introduction"][k] for k in ("numerator", "denominator", "rate")} == \
        {"numerator": 2, "denominator": 3, "rate": 0.6667}
    assert cnc["firm_introduction"]["days"] == {"n": 2, "median": 5, "p90": 10}
    assert cnc["education"]["numerator"] == 0
    assert cnc["certificate_passed"]["days"]["median"] == 151
    # as effective before the certificate: not yet reached
    before = report(as_effective_on(rows.rows, "2026-06-04"))["milestones"]
    assert before["trade_certificate"]["certificate_passed"]["numerator"] == 0


def test_permanent_adapted_work_is_judged_by_its_stays_never_as_a_failure():
    rows = MemoryRows()
    enrolment(rows, "a", "2026-01-05", "2026-03-01", "employed")            # aft: counts
    enrolment(rows, "b", "2026-01-05", "2026-03-01", "not_in_work")         # aft: counts
    for eid in ("v1", "v2", "v3"):                                          # never end
        enrolment(rows, eid, "2025-01-05", programme="vta")
    enrolment(rows, "v4", "2025-01-05", "2026-05-01", programme="vta",
              case="employed_ordinary")                                     # moved on
    enrolment(rows, "v5", "2025-01-05", "2026-05-01", "not_in_work", programme="vta")
    r = report(rows.rows)
    assert r["outcomes"]["at_end"] == {"numerator": 1, "denominator": 2, "rate": 0.5}
    assert r["ended"] == 2
    assert r["stays"] == {"vta": {"active": 3, "ended": 2, "to_work": 1}}
    assert r["started"] == 7


def registered(rows, eid, born, gender="F", refugee=None, capacity=None, needs="situational"):
    rows.apply(ev("intake", "ParticipantRegistered", {
        "participant_id": f"p-{eid}", "birth_year": born, "gender": gender,
        "municipality": "4601", "needs_group": needs, "country": "NO", "refugee": refugee,
        "reduced_work_capacity": capacity}))


def test_target_groups_go_with_the_enrolment_and_narrow_every_figure():
    rows = MemoryRows()
    for eid, born, refugee in (("a", 2004, True), ("b", 2003, False), ("c", 1980, None)):
        registered(rows, eid, born, refugee=refugee, capacity=eid == "c")
        enrolment(rows, eid, "2026-01-05", "2026-03-01", "employed" if eid != "b" else None)
    young = report(rows.rows, {"age_band": ["16-24"]})
    assert (young["started"], young["outcomes"]["at_end"]["numerator"]) == (2, 1)
    assert report(rows.rows, {"refugee": True})["started"] == 1
    assert report(rows.rows, {"refugee": False})["started"] == 1      # not told: neither
    assert report(rows.rows, {"reduced_work_capacity": True,
                              "age_band": ["40-49"]})["started"] == 1
    assert report(rows.rows, {"gender": ["M"]})["started"] == 0
    from services.reporting.kpis import breakdown
    by_flag = breakdown(rows.rows, {}, "refugee", None, "started", 1)
    assert {line["group"]: line["total"] for line in by_flag["table"]} == \
        {"yes": 1, "no": 1, "unknown": 1}


def test_planned_against_attended_hours_over_the_months_recorded():
    rows = MemoryRows()
    enrolment(rows, "a", "2026-01-15", programme="resource_course")
    ref = {"run_id": "r1", "enrolment_id": "a", "participant_id": "p-a"}
    rows.apply(ev("intake", "ActivityPlanSet", {**ref, "hours_per_week": {
        "work_training": 14.0, "job_search": 7.0}}, "2026-01-15"))
    rows.apply(ev("intake", "ActivityPlanSet", {**ref, "hours_per_week": {
        "work_training": 21.0}}, "2026-02-15"))
    rows.apply(ev("intake", "HoursRecorded", {**ref, "month": "2026-01", "hours": {
        "work_training": 30.0, "job_search": 10.5}}, "2026-02-01"))
    rows.apply(ev("intake", "HoursReviewed", {**ref, "month": "2026-01", "decision": "approved",
                                              "by": "participant", "reason": None},
                  "2026-02-02"))
    rows.apply(ev("intake", "HoursRecorded", {**ref, "month": "2026-02", "hours": {
        "work_training": 40.0}}, "2026-03-01"))
    hours = report(rows.rows)["hours"]
    # January: 17 days of 14 and 7 a week; February: 14 days of 14, then 14 days of 21 a week
    assert hours["per_activity"]["work_training"] == {
        "planned": 34.0 + 28.0 + 42.0, "attended": 70.0, "approved": 30.0, "disputed": 0.0}
    assert hours["per_activity"]["job_search"] == {
        "planned": 17.0 + 14.0, "attended": 10.5, "approved": 10.5, "disputed": 0.0}
    assert hours["months"] == {"approved": 1, "disputed": 0, "unreviewed": 1}
    # as effective before February's record: January only
    before = report(as_effective_on(rows.rows, "2026-02-20"))["hours"]
    assert before["attended"] == 40.5 and before["planned"] == 34.0 + 17.0


def test_a_networks_members_firms_active_and_participants_attending_per_quarter():
    from services.reporting.networks import network_figures
    rows = MemoryRows()
    rows.apply(ev("intake", "ProgrammeRunCreated", {
        "run_id": "net", "programme": "youth_network", "name": "Nextwork", "places": 120,
        "start_mode": "rolling", "start_date": None, "approval_required": False}))
    for firm, day in (("NO-1", "2026-01-10"), ("NO-2", "2026-01-10"), ("NO-3", "2026-05-01")):
        rows.apply(ev("intake", "FirmJoinedNetwork", {"run_id": "net", "employer_id": firm}, day))
    rows.apply(ev("intake", "FirmLeftNetwork", {"run_id": "net", "employer_id": "NO-2"},
                  "2026-06-01"))
    for eid in ("y1", "y2", "y3"):
        ref = {"run_id": "net", "enrolment_id": eid, "participant_id": f"p-{eid}"}
        rows.apply(ev("intake", "ParticipantReferred", {**ref, "programme": "youth_network",
                                                         "status": "draft"}))
        rows.apply(ev("intake", "ParticipantEnrolled", {
            **ref, "programme": "youth_network", "start_date": "2026-01-12", "percent": 50,
            "days_per_week": 2}, "2026-01-12"))
    for aid, day, kind, youth, firms in (
            ("a1", "2026-02-01", "meeting", ["y1", "y2"], ["NO-1"]),
            ("a2", "2026-03-01", "company_visit", ["y1"], ["NO-2"]),
            ("a3", "2026-05-05", "event", ["y3"], ["NO-1", "NO-3"])):
        rows.apply(ev("intake", "NetworkActivityHeld", {
            "run_id": "net", "activity_id": aid, "kind": kind, "host": None,
            "enrolment_ids": youth, "employer_ids": firms}, day))
    (net,) = network_figures(rows.rows, {})["networks"]
    assert (net["members"], net["members_ever"], net["participants"]) == (2, 3, 3)
    assert (net["firms_active"], net["participants_attending"]) == (3, 3)
    assert net["per_quarter"] == [
        {"quarter": "2026-Q1", "activities": 2, "company_visits": 1, "firms_active": 2,
         "participants_attending": 2},
        {"quarter": "2026-Q2", "activities": 1, "company_visits": 0, "firms_active": 2,
         "participants_attending": 1}]
    (before,) = network_figures(as_effective_on(rows.rows, "2026-03-31"), {})["networks"]
    assert (before["members"], before["members_ever"], len(before["per_quarter"])) == (2, 2, 1)
    assert network_figures(rows.rows, {"org": ["org-b"]})["networks"] == []


def test_company_clients_recruitments_and_skills_asked_against_programmes_offered():
    from services.reporting.clients import client_figures
    rows = MemoryRows()
    rows.apply(ev("intake", "ProgrammeRunCreated", {
        "run_id": "r1", "programme": "aft", "name": "AFT", "places": 5, "start_mode": "rolling",
        "start_date": None, "approval_required": False}))
    rows.apply(ev("employer", "CompanyClientOpened", {
        "employer_id": "SE-1", "coach_id": "lena", "needs": ["recruitment"],
        "skills": ["warehouse_logistics", "cnc_machining"]}, "2026-02-01"))
    rows.apply(ev("employer", "ClientRecruitmentMade", {
        "employer_id": "SE-1", "recruitment_id": "x", "count": 2,
        "skills": ["warehouse_logistics"], "programme": "aft"}, "2026-04-01"))
    rows.apply(ev("employer", "ClientRecruitmentMade", {
        "employer_id": "SE-1", "recruitment_id": "y", "count": 1, "skills": [],
        "programme": None}, "2026-05-01"))
    rows.apply(ev("employer", "CompanyClientOpened", {
        "employer_id": "SE-2", "coach_id": "lena", "needs": [], "skills": ["cnc_machining"]},
        "2026-03-01", org="org-b"))
    found = client_figures(rows.rows, {"org": ["org-a"]})
    assert (found["open"], found["recruited"]) == (1, 3)
    assert found["per_client"][0]["through_programmes"] == 2
    assert {s["skill"]: (s["clients_asking"], s["recruited_with"], s["runs_offered"])
            for s in found["skills"]} == {"warehouse_logistics": (1, 2, 1),
                                          "cnc_machining": (1, 0, 0)}
    assert found["unmet"] == ["cnc_machining"]        # no trade-certificate run offered
    early = client_figures(as_effective_on(rows.rows, "2026-04-15"), {"org": ["org-a"]})
    assert early["recruited"] == 2
    assert client_figures(rows.rows, {"org": ["org-b"]})["per_client"][0]["employer_id"] == \
        "SE-2"
