"""Two of the seeds, built through HTTP on the real servers as their coordinators would, and
reporting giving the seeds' own figures; then a rebuild from the feeds gives the same.

Hedensted (Denmark's small jobs): 93 citizens in small jobs of 6-8 hours a week with 18 firms,
and 47 % of the completed resource courses ending in a job, a flexjob or education.
Roskilde's Nextwork: 120 young people and 60 member firms over two years, meeting and visiting
each quarter; firms active and young people attending per quarter, and what became of them."""
import random
from datetime import date

import eventlet

from ops.seed import valid_orgnr
from tests.e2e.test_reporting import caught_up, without_build
from tests.e2e.test_target_groups import fnr
from tests.support import wait_until

FIRM = {"country": "NO", "sector": "retail", "municipality": "4601"}
PERSON = {"country": "NO", "given_name": "Test", "family_name": "Person",
          "municipality": "4601", "needs_group": "situational"}


def enrol(cw, run_id, national_id, referred, start, percent=100):
    pid = cw.call("POST", "/participants", {**PERSON, "national_id": national_id},
                  expect=201)["participant_id"]
    eid = cw.call("POST", f"/runs/{run_id}/enrolments", {"participant_id": pid,
                                                          "date": referred},
                  expect=201)["enrolment_id"]
    path = f"/runs/{run_id}/enrolments/{eid}"
    cw.call("POST", f"{path}/consent", {"given_by": "participant"})
    cw.call("POST", f"{path}/apply")
    cw.call("POST", f"{path}/start", {"start_date": start, "percent": percent,
                                      "days_per_week": 3})
    return eid


def in_parallel(fn, items, size=8):
    """``fn`` over ``items`` a few at a time (the caseworkers of a busy office)."""
    return list(eventlet.GreenPool(size).imap(fn, items))


def firms(employer, rng, n):
    co = employer["coordinator"]
    return [co.call("POST", "/employers", {**FIRM, "org_number": valid_orgnr(rng),
                                           "name": f"Firma {i}"}, expect=201)["employer_id"]
            for i in range(n)]


def rebuilt(reporting, dbs):
    """Rebuild reporting's read model from the feeds and wait for it."""
    admin = reporting["admin"]
    generation = admin.call("GET", "/rebuild")["generation"]
    admin.call("POST", "/rebuild", expect=202)
    wait_until(lambda: (lambda s: s.get("state") == "done" and s["generation"] > generation)(
        admin.call("GET", "/rebuild")), timeout=60, what="the rebuild")


def test_hedensted_small_jobs_with_18_firms_and_resource_courses_to_work_or_education(
        platform, dbs):
    apps = platform("intake", "employer", "placement", "reporting")
    intake, placement, reporting = apps["intake"], apps["placement"], apps["reporting"]
    cw, co = intake["caseworker"], intake["coordinator"]
    rng, used = random.Random(93), set()
    small = co.call("POST", "/runs", {"programme": "small_jobs", "name": "Småjobs Hedensted",
                                      "places": 100}, expect=201)["run_id"]
    employers = firms(apps["employer"], rng, 18)
    ids = [fnr(rng, 1960 + i % 40, "FM"[i % 2], used) for i in range(93 + 15)]

    def small_job(i):
        eid = enrol(cw, small, ids[i], "2026-03-02", "2026-03-09")
        p = placement["caseworker"].call("POST", f"/cases/{eid}/placements", {
            "employer_id": employers[i % 18], "kind": "small_job",
            "hours_per_week": 6 + i % 3, "start_date": "2026-04-01"}, expect=201)
        for party in ("participant", "employer", "caseworker"):
            placement["caseworker"].call(
                "POST", f"/cases/{eid}/placements/{p['placement_id']}/approve", {"party": party})
        placement["caseworker"].call("POST", f"/cases/{eid}/placements/{p['placement_id']}/start",
                                     {"start_date": "2026-04-01"})
    in_parallel(small_job, range(93))

    courses = co.call("POST", "/runs", {"programme": "resource_course",
                                        "name": "Ressourceforløb", "places": 20},
                      expect=201)["run_id"]
    outcomes = ["flexjob"] * 3 + ["employed_ordinary"] * 2 + ["education"] * 2 + \
        ["other_programme"] * 3 + ["not_in_work"] * 5                  # 7 of 15

    def course(i):
        eid = enrol(cw, courses, ids[93 + i], "2025-06-02", "2025-06-09")
        placement["caseworker"].call("POST", f"/cases/{eid}/close", {
            "outcome": outcomes[i], "date": "2026-06-30", "enrolment_status": "completed"})
    in_parallel(course, range(15))
    wait_until(lambda: caught_up(dbs, reporting), timeout=60, what="reporting to catch up")

    admin = reporting["coordinator"]
    jobs = admin.call("GET", "/reports/kpis", params={"programme": "small_jobs"})
    assert jobs["small_jobs"] == {"citizens": 93, "firms": 18,
                                  "hours_per_week": float(sum(6 + i % 3 for i in range(93)))}
    resource = admin.call("GET", "/reports/kpis", params={"programme": "resource_course"})
    assert resource["outcomes"]["at_end"] == {"numerator": 7, "denominator": 15,
                                              "rate": 0.4667}              # 47 %
    live = {p: without_build(admin.call("GET", "/reports/kpis", params={"programme": p}))
            for p in ("small_jobs", "resource_course")}
    rebuilt(reporting, dbs)
    assert {p: without_build(admin.call("GET", "/reports/kpis", params={"programme": p}))
            for p in live} == live


def test_roskilde_nextwork_120_young_people_and_60_firms_over_two_years(platform, dbs):
    apps = platform("intake", "employer", "placement", "reporting")
    intake, placement, reporting = apps["intake"], apps["placement"], apps["reporting"]
    cw, co = intake["caseworker"], intake["coordinator"]
    rng, used = random.Random(120), set()
    net = co.call("POST", "/runs", {"programme": "youth_network", "name": "Nextwork",
                                    "places": 150}, expect=201)["run_id"]
    youth = in_parallel(lambda i: enrol(cw, net, fnr(rng, 2002 + i % 6, "FM"[i % 2], used),
                                        "2025-01-02", "2025-01-06", percent=20), range(120))
    members = [f"NO-{valid_orgnr(rng)}" for _ in range(60)]
    for i, firm in enumerate(members):   # 40 from the start, 20 in the second year
        cw.call("POST", f"/runs/{net}/members", {"employer_id": firm,
                                                 "date": "2025-01-06" if i < 40 else "2026-01-05"})
    # each quarter of two years: a meeting of 60 young people with 10 firms, and a company
    # visit hosted by one firm for 15 young people
    expected = {}
    for q in range(8):
        year, month = 2025 + q // 4, 1 + 3 * (q % 4)
        firms_now = members[:40] if year == 2025 else members
        day = date(year, month, 20).isoformat()
        came = [youth[(q * 13 + k) % 120] for k in range(60)]
        firms_came = [firms_now[(q * 7 + k) % len(firms_now)] for k in range(10)]
        host = firms_now[(q * 11) % len(firms_now)]
        visitors = came[:15]
        cw.call("POST", f"/runs/{net}/activities", {"kind": "meeting", "date": day,
                                                    "participants": came, "firms": firms_came},
                expect=201)
        cw.call("POST", f"/runs/{net}/activities", {
            "kind": "company_visit", "date": date(year, month + 1, 10).isoformat(),
            "host": host, "participants": visitors}, expect=201)
        expected[f"{year}-Q{q % 4 + 1}"] = (2, len(set(firms_came) | {host}), len(set(came)))
    late = cw.call("POST", f"/runs/{net}/activities", {
        "kind": "meeting", "date": "2025-06-01", "firms": [members[50]]}, expect=400)
    assert list(late["errors"]) == ["firms"]             # not a member in the first year
    # what became of them: 40 ended, 26 of them in work or education
    ends = ["employed_ordinary"] * 14 + ["education"] * 12 + ["not_in_work"] * 14

    def end(i):
        placement["caseworker"].call("POST", f"/cases/{youth[i]}/close", {
            "outcome": ends[i], "date": "2026-11-30", "enrolment_status": "completed"})
    in_parallel(end, range(40))
    wait_until(lambda: caught_up(dbs, reporting), timeout=60, what="reporting to catch up")

    co_r = reporting["coordinator"]
    (found,) = co_r.call("GET", "/reports/networks")["networks"]
    assert (found["participants"], found["members"], found["members_ever"]) == (120, 60, 60)
    assert {q["quarter"]: (q["activities"], q["firms_active"], q["participants_attending"])
            for q in found["per_quarter"]} == expected
    assert (found["ended"], found["work_or_education"]) == (40, 26)
    first_year = co_r.call("GET", "/reports/networks", params={"effective_on": "2025-12-31"})
    assert first_year["networks"][0]["members"] == 40
    live = without_build(co_r.call("GET", "/reports/networks"))
    rebuilt(reporting, dbs)
    assert without_build(co_r.call("GET", "/reports/networks")) == live
