"""The seeds' programmes on the real servers, through HTTP. Gjøvik's CNC track: eight
participants introduced at a firm, through the compressed education, all eight passing the
trade certificate and all eight in permanent jobs; reporting gives the certificate as a
milestone reached by 8 of 8 and 8 of 8 in work. Sølve's permanent adapted work (VTA): places with
no end in view are never counted as failures."""
import random
from datetime import date

from ops.seed import valid_fnr
from tests.e2e.flow import enrolled_participant
from tests.e2e.test_reporting import caught_up
from tests.support import wait_until

_RNG = random.Random(28)
IDS = [valid_fnr(_RNG, date(1990 + i, 1 + i, 3 + i)) for i in range(11)]
CNC = (("firm_introduction", "2026-01-05"), ("education", "2026-02-02"),
       ("certificate_passed", "2026-11-16"))


def test_the_cnc_cohort_reaches_its_certificate_and_vta_stays_are_no_failure(platform, dbs):
    apps = platform("intake", "employer", "placement", "reporting")
    intake, placement, reporting = apps["intake"], apps["placement"], apps["reporting"]
    cw, co = intake["caseworker"], intake["coordinator"]
    cnc = co.call("POST", "/runs", {"programme": "trade_certificate", "name": "CNC Gjøvik",
                                    "places": 8}, expect=201)["run_id"]
    cohort = [enrolled_participant(intake, national_id, run_id=cnc)[1]
              for national_id in IDS[:8]]
    for eid in cohort:
        for milestone, day in CNC:
            cw.call("POST", f"/runs/{cnc}/enrolments/{eid}/milestone",
                    {"milestone": milestone, "date": day})
    refused = cw.call("POST", f"/runs/{cnc}/enrolments/{cohort[0]}/milestone",
                      {"milestone": "business_registered"}, expect=400)
    assert list(refused["errors"]) == ["milestone"]
    for eid in cohort:
        placement["caseworker"].call("POST", f"/cases/{eid}/close", {
            "outcome": "employed_ordinary", "date": "2026-11-30"})

    vta = co.call("POST", "/runs", {"programme": "vta", "name": "VTA Sølve", "places": 3},
                  expect=201)["run_id"]
    for national_id in IDS[8:]:
        enrolled_participant(intake, national_id, run_id=vta)
    wait_until(lambda: caught_up(dbs, reporting), what="reporting to catch up")

    kpis = reporting["coordinator"].call("GET", "/reports/kpis",
                                         params={"programme": "trade_certificate"})
    assert (kpis["started"], kpis["ended"]) == (8, 8)
    assert kpis["outcomes"]["at_end"] == {"numerator": 8, "denominator": 8, "rate": 1.0}
    passed = kpis["milestones"]["trade_certificate"]["certificate_passed"]
    assert (passed["numerator"], passed["denominator"], passed["days"]["median"]) == \
        (8, 8, (date(2026, 11, 16) - date(2026, 1, 5)).days)

    everything = reporting["coordinator"].call("GET", "/reports/kpis")
    assert everything["started"] == 11
    assert everything["outcomes"]["at_end"] == kpis["outcomes"]["at_end"]   # VTA: no failure
    assert everything["stays"] == {"vta": {"active": 3, "ended": 0, "to_work": 0}}
    only_vta = reporting["coordinator"].call("GET", "/reports/kpis", params={"programme": "vta"})
    assert only_vta["outcomes"]["at_end"]["denominator"] == 0 and only_vta["ended"] == 0
