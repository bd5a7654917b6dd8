"""Reporting on seeded data with all four services in nameko: key figures against an independent
count from the raw feeds, as-of against a snapshot, rebuild against live, duplicate deliveries,
and the dashboard in headless Chromium."""
import json
import random
import time
from collections import defaultdict

from urllib.parse import urlencode

import jsonschema
import kombu
import requests

from pathways.eventstore import EventStore
from ops.seed import seed
from pathways.contracts.intake import PROGRAMMES
from pathways.timeutil import iso, utcnow
from tests.e2e.conftest import TOKENS
from tests.support import chromium, wait_until

WORK_OR_EDUCATION = {"employed", "education", "employed_ordinary", "employed_subsidised",
                     "employed_flexible", "employed_small_job", "self_employed"}


def feeds(dbs):
    return {name: EventStore(dbs[name], name, validate=False).events_after(0, 100_000)
            for name in ("intake", "employer", "placement")}


def caught_up(dbs, reporting):
    heads = {name: EventStore(dbs[name], name).head()["position"]
             for name in ("intake", "employer", "placement")}
    status = reporting["admin"].call("GET", "/rebuild")
    return status["positions"] == heads and status


def independent_figures(events, org=None):
    """The key figures counted straight from the raw feeds, without reporting's code."""
    started, ended, voided, hint, case = {}, {}, set(), {}, {}
    small_jobs, per_employer = {}, defaultdict(int)
    for e in events["intake"]:
        p = e["payload"]
        if org and e["org"] != org:
            continue
        if e["type"] == "ParticipantEnrolled":
            started[p["enrolment_id"]] = p["start_date"]
        elif e["type"] == "EnrolmentEnded":
            ended[p["enrolment_id"]], hint[p["enrolment_id"]] = p["end_date"], p["outcome_hint"]
        elif e["type"] == "EnrolmentVoided":
            voided.add(p["enrolment_id"])
    for e in events["placement"]:
        p = e["payload"]
        if org and e["org"] != org:
            continue
        if e["type"] == "CaseClosed":
            case[p["enrolment_id"]] = p["outcome"]
        elif e["type"] == "PlacementStarted":
            per_employer[p["employer_id"]] += 1
            if p["kind"] == "small_job":
                small_jobs[p["placement_id"]] = p["participant_id"]
        elif e["type"] == "PlacementEnded":
            small_jobs.pop(p["placement_id"], None)
    denominator = [k for k in ended if k in started and k not in voided]
    numerator = [k for k in denominator
                 if hint[k] in WORK_OR_EDUCATION or case.get(k) in WORK_OR_EDUCATION]
    return {"started": len([k for k in started if k not in voided]), "ended": len(denominator),
            "work_or_education": len(numerator), "per_employer": dict(per_employer),
            "small_job_citizens": len(set(small_jobs.values()))}


def rows(db, generation):
    return {c: sorted(({k: v for k, v in d.items() if k != "_applied"}
                       for d in db[f"g{generation}_{c}"].find({})), key=lambda d: d["_id"])
            for c in ("runs", "participants", "enrolments", "placements", "employers")}


def without_build(report):
    return {k: v for k, v in report.items() if k != "built_from"}


def test_reporting_on_seeded_data(platform, dbs, base_config, tmp_path):
    apps = platform("intake", "employer", "placement", "reporting")
    urls = {name: apps[name]["caseworker"].base for name in ("intake", "employer", "placement")}
    orgs = {"org-a": {"caseworker": TOKENS["caseworker"], "coordinator": TOKENS["coordinator"]},
            "org-b": {"caseworker": TOKENS["caseworker-b"],
                      "coordinator": TOKENS["coordinator-b"]}}
    reporting = apps["reporting"]
    admin = reporting["admin"]
    stats = seed(urls, orgs, participants=40, seed_value=3, log=lambda *_: None)
    assert stats["participants"] == 40 and stats["closed"] > 5 and stats["placements"] > 5
    wait_until(lambda: caught_up(dbs, reporting), what="reporting to catch up")

    # 1. key figures equal an independent count from the raw feeds, combined and per org;
    # every event is what its service's AsyncAPI document says it publishes
    events = feeds(dbs)
    for name, logged in events.items():
        assert_documented_events(urls[name], logged)
    for org, caller in ((None, admin), ("org-a", reporting["auditor"])):
        expected = independent_figures(events, org)
        got = caller.call("GET", "/reports/kpis", params={"org": org} if org else None)
        assert got["started"] == expected["started"]
        assert got["ended"] == expected["ended"]
        assert got["outcomes"]["at_end"]["numerator"] == expected["work_or_education"]
        assert {r["employer_id"]: r["placements"] for r in got["per_employer"]} == \
            expected["per_employer"]
        assert got["small_jobs"]["citizens"] == expected["small_job_citizens"]
        assert set(got["built_from"]["feed_positions"]) == {"intake", "employer", "placement"}
        assert got["built_from"]["code_version"].startswith("projection-")
    # an organisation's auditor only ever sees its own organisation
    assert reporting["auditor"].call("GET", "/reports/kpis", params={"org": "org-b"})[
        "filters"]["org"] == ["org-a"]

    # 2. as known at T equals the live read model at T
    snapshot = admin.call("GET", "/reports/kpis")
    known_at = iso(utcnow())
    time.sleep(0.01)
    seed(urls, orgs, participants=10, seed_value=4, log=lambda *_: None)
    wait_until(lambda: caught_up(dbs, reporting), what="reporting to catch up again")
    assert admin.call("GET", "/reports/kpis")["started"] > snapshot["started"]
    as_of = admin.call("GET", "/reports/kpis", params={"known_at": known_at})
    assert without_build(as_of) == without_build(snapshot)
    assert as_of["built_from"]["known_at"] == known_at

    # 3. rebuild equals live
    live_generation = admin.call("GET", "/rebuild")["generation"]
    live_rows = rows(dbs["reporting"], live_generation)
    live_report = admin.call("GET", "/reports/kpis")
    assert admin.call("POST", "/rebuild", expect=202)
    done = wait_until(lambda: (lambda s: s if s.get("state") == "done" else None)(
        admin.call("GET", "/rebuild")), what="the rebuild")
    assert done["generation"] == live_generation + 1
    assert rows(dbs["reporting"], done["generation"]) == live_rows
    assert without_build(admin.call("GET", "/reports/kpis")) == without_build(live_report)

    # 4. duplicated and reordered deliveries leave the read model exact
    with kombu.Connection(base_config["AMQP_URI"]) as conn:
        producer = conn.Producer()
        copies = [e for name in ("intake", "placement") for e in events[name]] * 2
        random.Random(5).shuffle(copies)
        for e in copies:
            producer.publish(json.dumps(e), routing_key=e["type"], content_type="application/json",
                             exchange=kombu.Exchange(f"{e['source']}.events", type="topic",
                                                     durable=True, auto_delete=False))
    time.sleep(3)
    assert rows(dbs["reporting"], done["generation"]) == live_rows
    assert dbs["reporting"]["dead_letters"].count_documents({}) == 0

    # 5. CSV and bad queries
    csv_text = admin.session.get(admin.base + "/reports/kpis",
                                 params={"format": "csv", "table": "per_employer"}).text
    assert csv_text.splitlines()[0] == "employer_id,name,placements,hires,small_jobs"
    bad = admin.call("GET", "/reports/kpis", params={"cohort": "last-year", "from": "x",
                                                     "colour": "red"}, expect=400)
    assert set(bad["errors"]) == {"cohort", "from", "colour"}
    reporting["caseworker"].call("GET", "/reports/kpis", expect=403)

    # 6. the dashboard renders its charts, axes and table in headless Chromium, unfiltered and
    # filtered, with the API's figures; its CSV links answer the signed-in browser only
    shot = tmp_path / "dashboard.png"
    url = admin.base + admin.call("POST", "/dashboard/links", expect=201)["url"]
    chromium(tmp_path, url, f"--screenshot={shot}", size="900,1600")
    assert coloured_pixels(shot, (0x2a, 0x9d, 0x8f)) > 50     # work-or-education bars
    assert coloured_pixels(shot, (0xe7, 0x6f, 0x51)) > 50     # the active-participants line
    report = admin.call("GET", "/reports/kpis")
    dom = chromium(tmp_path, admin.base + admin.call("POST", "/dashboard/links", expect=201)[
        "url"], "--dump-dom", size="900,1600")
    assert dom.count("class=\"axis\"") >= 4 and "class=\"tick\"" in dom
    assert dom.count("<tr><td>") == len(report["per_employer"]) > 0
    assert f"<b>{report['started']}</b>started" in dom

    programme = max(PROGRAMMES, key=lambda p: admin.call(
        "GET", "/reports/kpis", params={"programme": p})["started"])
    filters = {"programme": programme, "from": "2025-01-01"}
    narrowed = admin.call("GET", "/reports/kpis", params=filters)
    assert 0 < narrowed["started"] < report["started"]
    link = admin.base + admin.call("POST", "/dashboard/links", expect=201)["url"] + "&" + \
        urlencode(filters)
    chromium(tmp_path, link, f"--screenshot={shot}", size="900,1600")
    assert coloured_pixels(shot, (0xe7, 0x6f, 0x51)) > 50
    link = admin.base + admin.call("POST", "/dashboard/links", expect=201)["url"] + "&" + \
        urlencode(filters)
    dom = chromium(tmp_path, link, "--dump-dom", size="900,1600")
    assert f"<b>{narrowed['started']}</b>started" in dom
    assert f"<option value=\"{programme}\" selected=\"\">" in dom
    assert dom.count("class=\"capacity-chart\"") == 1 and "value=\"2025-01-01\"" in dom

    browser = requests.Session()                   # the link signs in, then shows the page
    browser.get(admin.base + admin.call("POST", "/dashboard/links", expect=201)["url"],
                timeout=30)
    export = f"{admin.base}/dashboard/export?table=per_employer&{urlencode(filters)}"
    csv_rows = browser.get(export, timeout=30).text.splitlines()
    assert csv_rows[0] == "employer_id,name,placements,hires,small_jobs"
    assert len(csv_rows) - 1 == len(narrowed["per_employer"])
    assert requests.get(export, timeout=30).status_code == 401     # no session, no table
    # another organisation's browser gets its own figures, whatever organisation it names
    other = reporting["auditor-b"]
    browser_b = requests.Session()
    browser_b.get(other.base + other.call("POST", "/dashboard/links", expect=201)["url"],
                  timeout=30)
    own = other.call("GET", "/reports/kpis")["per_employer"]
    rows_b = browser_b.get(f"{other.base}/dashboard/export?table=per_employer&org=org-a",
                           timeout=30).text.splitlines()[1:]
    assert sorted(r.split(",")[0] for r in rows_b) == sorted(r["employer_id"] for r in own)
    assert own != admin.call("GET", "/reports/kpis", params={"org": "org-a"})["per_employer"]


def assert_documented_events(base, events):
    """Each event validates against the AsyncAPI message of its type and schema version."""
    document = requests.get(f"{base}/asyncapi.json", timeout=10).json()
    seen = set()
    for e in events:
        name = f"{e['type']}V{e['schema_version']}"
        message = document["components"]["messages"][name]
        schema = {**message["payload"], "components": document["components"]}
        errors = [f"{list(x.absolute_path)}: {x.message}" for x in jsonschema.Draft7Validator(
            schema).iter_errors(json.loads(json.dumps(e, default=str)))]
        assert not errors, (name, errors[:3])
        seen.add(name)
    assert len(seen) > 3, seen


def coloured_pixels(png_path, rgb, tolerance=40):
    from PIL import Image
    data = Image.open(png_path).convert("RGB").tobytes()
    return sum(1 for i in range(0, len(data), 3)
               if all(abs(data[i + k] - rgb[k]) <= tolerance for k in range(3)))
