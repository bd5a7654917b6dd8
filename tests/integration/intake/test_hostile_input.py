"""Hostile input against intake: every refusal is a 4xx that names the field, nothing is stored,
and every attempt on personal data, refused or not, leaves an access record."""
import json

import eventlet

from pathways.eventstore import EventStore
from tests.integration.intake.conftest import PERSON

RUN = {"programme": "office_places", "name": "Omstilling kontor", "places": 3}


def register(cw, **person):
    return cw.post("/participants", {**PERSON, **person}, expect=201).json()["participant_id"]


def test_refused_reads_of_personal_data_are_recorded_with_who_whose_and_why(intake, dbs):
    cw, other = intake["caseworker-a"], intake["caseworker-b"]
    pid = register(cw)
    read = cw.get(f"/participants/{pid}", params={"purpose": "plan"}, expect=200)
    assert read.headers["Cache-Control"] == "no-store"         # personal data: never cached
    other.get(f"/participants/{pid}", params={"purpose": "curious"}, expect=404)
    intake["auditor-a"].get(f"/participants/{pid}", params={"purpose": "audit"}, expect=403)
    cw.get("/participants/no-such-person", params={"purpose": "guessing"}, expect=404)
    cw.get(f"/participants/{pid}", expect=400)                       # no purpose given
    dup = cw.post("/participants", PERSON, expect=409).json()        # names the existing one
    assert dup["participant_id"] == pid
    log = {(a["who"], a["whose"], a["why"], a.get("refused"), a.get("disclosed"))
           for a in dbs["intake"]["access_log"].find({})}
    assert log == {
        ("cw-anne", pid, "plan", None, None),
        ("cw-bo", pid, "curious", "NotFoundError", None),
        ("au-siri", pid, "audit", "Forbidden", None),
        ("cw-anne", "no-such-person", "guessing", "NotFoundError", None),
        ("cw-anne", pid, None, "BadRequest", None),
        ("cw-anne", pid, "duplicate registration", None, "participant_id"),
    }


def test_implausible_national_ids_deep_nesting_and_lone_surrogates_are_4xx(intake, dbs):
    cw, co = intake["caseworker-a"], intake["coordinator-a"]
    head = EventStore(dbs["intake"], "intake").head()
    # a valid Danish CPR of someone born in 1858: refused before anything is stored
    old = cw.post("/participants", {**PERSON, "country": "DK", "national_id": "0101585001"},
                  expect=400).json()
    assert "1858" in old["errors"]["national_id"][0]
    deep = '{"name": ' + "[" * 1000 + "]" * 1000 + "}"
    for raw in (deep, '{"programme": "office_places", "name": "x\\ud800", "places": 3}'):
        resp = co.session.post(intake["base"] + "/runs", data=raw,
                               headers={"Content-Type": "application/json"})
        assert resp.status_code == 400, resp.text
        assert "_body" in resp.json()["errors"]
    nested = {"programme": "office_places", "name": "x", "places": 3}
    for _ in range(20):
        nested = {"a": nested}
    assert co.post("/runs", nested, expect=400).json()["errors"]["_body"]
    auditor = intake["auditor-a"]
    for after in ("9223372036854775808", "-1", "1e3"):
        resp = auditor.get("/events", params={"after": after})
        assert resp.status_code == 400 and "after" in resp.json()["errors"], resp.text
    assert EventStore(dbs["intake"], "intake").head() == head
    assert dbs["intake"]["vault"].count_documents({}) == 0


def test_concurrent_valid_writes_beside_poisoned_ones_all_succeed(intake, dbs):
    co = intake["coordinator-a"]

    def create(i):
        name = "x\ud800" if i % 2 else f"Run {i}"
        body = json.dumps({**RUN, "name": name})    # json escapes the surrogate as \\ud800
        return i, co.session.post(intake["base"] + "/runs", data=body,
                                  headers={"Content-Type": "application/json"}).status_code
    statuses = dict(eventlet.GreenPool(40).imap(create, range(120)))
    assert {statuses[i] for i in statuses if i % 2 == 0} == {201}
    assert {statuses[i] for i in statuses if i % 2} == {400}
    store = EventStore(dbs["intake"], "intake")
    assert store.head()["position"] == 60 and store.verify().ok


def test_lists_come_in_bounded_pages(intake):
    co, other = intake["coordinator-a"], intake["caseworker-b"]
    made = {co.post("/runs", {**RUN, "name": f"Run {i}"}, expect=201).json()["run_id"]
            for i in range(7)}
    seen, offset, pages = [], 0, 0
    while offset is not None:
        page = co.get("/runs", params={"limit": 3, "offset": offset}, expect=200).json()
        assert len(page["runs"]) <= 3
        seen += [r["run_id"] for r in page["runs"]]
        offset, pages = page["next_offset"], pages + 1
    assert sorted(seen) == sorted(made) and len(seen) == 7 and pages == 3
    for bad in ({"limit": 501}, {"limit": 0}, {"offset": -1}, {"limit": "x"}, {"page": 2}):
        assert co.get("/runs", params=bad, expect=400).json()["errors"]
    assert other.get("/runs", expect=200).json() == {"runs": [], "next_offset": None}
