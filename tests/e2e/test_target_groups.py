"""Target groups on the real servers: participants registered with their groups through HTTP;
a breakdown of starts by age band and gender with a cell of three shows "<5" in the JSON, the
CSV and the dashboard, and an attacker with the totals cannot get it back; a report narrowed
to a group of three is refused; another organisation's breakdown holds none of them."""
import csv
import io
import random
from datetime import date

import requests

from stdnum.no import fodselsnummer

from pathways.domain.identifiers import national_id
from tests.e2e.conftest import TOKENS
from tests.e2e.flow import PERSON, REFERRED
from tests.e2e.test_reporting import caught_up
from tests.support import wait_until
from tests.unit.reporting.test_suppression import recover

GROUPS = {(2004, "F"): 3, (2004, "M"): 12, (1998, "F"): 9, (1998, "M"): 14}   # 16-24, 25-29


def fnr(rng, born, gender, used):
    """A valid Norwegian national ID of someone born in ``born`` (individual numbers 500-999
    for 2000-2039, 000-499 for the 1900s) of ``gender``, not drawn before."""
    while True:
        day = date(born, rng.randrange(1, 13), rng.randrange(1, 29)).strftime("%d%m%y")
        base = day + f"{rng.randrange(500, 1000) if born >= 2000 else rng.randrange(500):03d}"
        try:
            number = base + fodselsnummer.calc_check_digit1(base)
            number += fodselsnummer.calc_check_digit2(number)
        except Exception:
            continue
        if fodselsnummer.is_valid(number) and number not in used and \
                national_id("NO", number).gender == gender:
            used.add(number)
            return number


def test_a_small_cell_is_hidden_in_json_csv_and_dashboard_and_cannot_be_recovered(
        platform, dbs):
    apps = platform("intake", "employer", "placement", "reporting")
    intake, reporting = apps["intake"], apps["reporting"]
    cw = intake["caseworker"]
    run = intake["coordinator"].call("POST", "/runs", {"programme": "youth_network",
                                                       "name": "Nextwork", "places": 40},
                                     expect=201)["run_id"]
    rng, used = random.Random(5), set()
    for (born, gender), n in GROUPS.items():
        for i in range(n):
            person = {**PERSON, "national_id": fnr(rng, born, gender, used),
                      "refugee": born == 2004 and gender == "F"}
            pid = cw.call("POST", "/participants", person, expect=201)["participant_id"]
            e = cw.call("POST", f"/runs/{run}/enrolments", {"participant_id": pid,
                                                             "date": REFERRED}, expect=201)
            path = f"/runs/{run}/enrolments/{e['enrolment_id']}"
            cw.call("POST", f"{path}/consent", {"given_by": "participant"})
            cw.call("POST", f"{path}/apply")
            cw.call("POST", f"{path}/start", {"start_date": "2026-01-05", "percent": 100,
                                              "days_per_week": 5})
    bad = cw.call("POST", "/participants", {**PERSON, "refugee": "maybe"}, expect=400)
    assert list(bad["errors"]) == ["refugee"]
    wait_until(lambda: caught_up(dbs, reporting), what="reporting to catch up")
    co = reporting["coordinator"]

    found = co.call("GET", "/reports/breakdown", params={"by": "age_band",
                                                          "columns": "gender"})
    young = next(line for line in found["table"] if line["group"] == "16-24")
    assert young["cells"]["F"] == "<5" and found["total"] == 38 and found["k"] == 5
    assert found["filters"]["org"] == ["org-a"]
    assert not {pos for pos in recover(found) if pos[0] == "cell"} & {
        ("cell", "16-24", "F")}
    assert recover(found) == {}

    as_csv = co.session.get(co.base + "/reports/breakdown", timeout=10,
                            params={"by": "age_band", "columns": "gender", "format": "csv"},
                            headers={"Authorization": f"Bearer {TOKENS['coordinator']}"})
    table = {row["age_band"]: row for row in csv.DictReader(io.StringIO(as_csv.text))}
    assert table["16-24"]["F"] == "<5" and table["total"]["total"] == "38"

    # a report narrowed to the three: refused; to the twelve: given
    small = co.call("GET", "/reports/kpis", params={"age_band": "16-24", "gender": "F"},
                    expect=409)
    assert small["error"] == "group_too_small"
    assert co.call("GET", "/reports/kpis", params={"refugee": "true"}, expect=409)
    assert co.call("GET", "/reports/kpis", params={"age_band": "16-24",
                                                   "gender": "M"})["started"] == 12

    # the dashboard's table shows it the same way, and so does its CSV
    browser = requests.Session()
    base = co.base
    assert browser.post(f"{base}/dashboard/session", allow_redirects=False, headers={
        "Authorization": f"Bearer {TOKENS['coordinator']}"}).status_code == 303
    page = browser.get(f"{base}/dashboard", timeout=10)
    assert page.status_code == 200
    assert "<th scope='row'>16-24</th><td class='n hidden'>&lt;5</td>" in page.text
    exported = browser.get(f"{base}/dashboard/export", params={"table": "target_groups"},
                           timeout=10)
    assert {row["age_band"]: row["F"] for row in csv.DictReader(io.StringIO(exported.text))}[
        "16-24"] == "<5"
    refused = browser.get(f"{base}/dashboard", params={"refugee": "true"}, timeout=10)
    assert refused.status_code == 409 and "fewer than 5" in refused.text

    # from the other side: org-b's coordinator sees none of org-a's groups
    other = reporting["coordinator-b"].call("GET", "/reports/breakdown",
                                            params={"by": "age_band", "org": "org-a"})
    assert other["total"] == 0 and other["filters"]["org"] == ["org-b"]
