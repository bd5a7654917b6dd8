"""The employer service on real RabbitMQ + MongoDB-wire."""
import json
import time

import kombu
from nameko.standalone.rpc import ServiceRpcProxy

from pathways.eventstore import EventStore
from tests.integration.employer.conftest import FIRM


def post_opportunity(client, employer_id, **over):
    body = {"employer_id": employer_id, "kind": "small_job", "title": "Lager, 6-8 timer",
            "places": 2, "hours_per_week": 7, "valid_from": "2026-01-01", **over}
    return client.call("POST", "/opportunities", body, expect=201)


def test_register_sign_post_share_and_what_each_organisation_sees(api):
    co, cw_b = api["coordinator-a"], api["caseworker-b"]
    firm = co.call("POST", "/employers", FIRM, expect=201)
    assert firm["employer_id"] == "NO-988077917" and firm["contact_on_file"] is True
    contact = co.call("GET", "/employers/NO-988077917/contact", params={"purpose": "call"})
    assert contact["name"] == "Per Hansen"
    agreement = co.call("POST", "/agreements", {"employer_id": firm["employer_id"],
                                                 "kind": "small_jobs",
                                                 "valid_from": "2026-01-01"}, expect=201)
    assert agreement["status"] == "active"
    private = post_opportunity(co, firm["employer_id"], title="Private small job")
    shared = post_opportunity(co, firm["employer_id"], title="Shared CNC track",
                              kind="apprenticeship", hours_per_week=None, places=4)
    co.call("POST", f"/opportunities/{shared['opportunity_id']}/share")
    seen_by_b = cw_b.call("GET", "/opportunities")["opportunities"]
    assert [o["title"] for o in seen_by_b] == ["Shared CNC track"]
    cw_b.call("GET", f"/opportunities/{private['opportunity_id']}", expect=404)
    assert cw_b.call("GET", f"/opportunities/{shared['opportunity_id']}")["shared"] is True
    seen_by_a = co.call("GET", "/opportunities")["opportunities"]
    assert sorted(o["title"] for o in seen_by_a) == ["Private small job", "Shared CNC track"]
    assert cw_b.call("GET", "/agreements")["agreements"] == []
    assert [a["agreement_id"] for a in co.call("GET", "/agreements")["agreements"]] == [
        agreement["agreement_id"]]
    assert [e["name"] for e in cw_b.call("GET", "/employers")["employers"]] == ["Fjord Verksted AS"]
    # org B may not withdraw org A's opportunity
    cw_b.call("POST", f"/opportunities/{shared['opportunity_id']}/withdraw",
              {"reason": "other"}, expect=404)


def test_filled_places_stay_exact_with_duplicated_and_reordered_placement_events(
        api, config, dbs):
    co = api["coordinator-a"]
    firm = co.call("POST", "/employers", FIRM, expect=201)
    opp = post_opportunity(co, firm["employer_id"], places=2, shared=True)
    oid = opp["opportunity_id"]

    def placement(pid, type_):
        return {"placement_id": pid, "participant_id": f"part-{pid}", "enrolment_id": f"e-{pid}",
                "employer_id": firm["employer_id"], "opportunity_id": oid,
                **({"kind": "small_job", "hours_per_week": 7, "start_date": "2026-02-01"}
                   if type_ == "PlacementStarted" else
                   {"status": "completed", "reason": "got_job", "end_date": "2026-03-01"})}

    with ServiceRpcProxy("placement", config) as source:
        emitted = [source.emit(f"placement-{pid}", t, placement(pid, t)) for pid, t in (
            ("p1", "PlacementStarted"), ("p2", "PlacementStarted"),
            ("p1", "PlacementEnded"), ("p3", "PlacementStarted"))]
    # Deliver every event again, newest first, twice: duplicates and reordering over RabbitMQ.
    with kombu.Connection(config["AMQP_URI"]) as conn:
        producer = conn.Producer()
        exchange = kombu.Exchange("placement.events", type="topic", durable=True,
                                  auto_delete=False)
        for ev in list(reversed(emitted)) * 2:
            producer.publish(json.dumps(ev), exchange=exchange, routing_key=ev["type"],
                             content_type="application/json", content_encoding="utf-8")

    def settled():
        o = co.call("GET", f"/opportunities/{oid}")
        return o if o["filled"] == 2 and o["status"] == "filled" else None
    deadline, o = time.monotonic() + 20, None
    while time.monotonic() < deadline and not (o := settled()):
        time.sleep(0.2)
    assert o, co.call("GET", f"/opportunities/{oid}")
    time.sleep(1.5)   # let every duplicate arrive and be dropped
    log = EventStore(dbs["employer"], "employer").read_stream(f"opportunity-{oid}")
    assert [(e["type"], e["payload"].get("placement_id")) for e in log] == [
        ("OpportunityPosted", None),
        ("OpportunityPlaceTaken", "p1"), ("OpportunityPlaceTaken", "p2"),
        ("OpportunityFilled", None),
        ("OpportunityPlaceReleased", "p1"), ("OpportunityReopened", None),
        ("OpportunityPlaceTaken", "p3"), ("OpportunityFilled", None)]
    assert log[1]["causation_id"] == emitted[0]["event_id"]
    assert co.call("GET", f"/opportunities/{oid}")["filled"] == 2


def test_bad_input_gets_a_clear_4xx(api):
    co, cw_b = api["coordinator-a"], api["caseworker-b"]
    bad = co.call("POST", "/employers", {**FIRM, "org_number": "988077918"}, expect=400)
    assert "not a valid Norwegian organisasjonsnummer" in bad["errors"]["org_number"][0]
    firm = co.call("POST", "/employers", FIRM, expect=201)
    dup = cw_b.call("POST", "/employers", {**FIRM, "org_number": "988077917"}, expect=409)
    assert dup["error"] == "already_registered"
    co.call("POST", "/agreements", {"employer_id": "NO-000000000", "kind": "small_jobs",
                                    "valid_from": "2026-01-01"}, expect=404)
    co.call("GET", "/employers/NO-000000000", expect=404)
    missing = co.call("POST", "/opportunities", {"employer_id": firm["employer_id"]}, expect=400)
    assert {"kind", "title", "places", "valid_from"} <= set(missing["errors"])
    assert co.call("POST", "/opportunities", {
        "employer_id": firm["employer_id"], "kind": "small_job", "title": "x", "places": 1,
        "valid_from": "2026-01-01"}, expect=409)["error"] == "hours_required"
    opp = post_opportunity(co, firm["employer_id"], places=1)
    path = f"/opportunities/{opp['opportunity_id']}"
    co.call("POST", f"{path}/take", {"placement_id": "x1"})
    assert co.call("POST", f"{path}/take", {"placement_id": "x2"},
                   expect=409)["error"] == "no_free_place"
    co.call("POST", f"{path}/withdraw", {"reason": "position_cancelled"})
    assert co.call("POST", f"{path}/take", {"placement_id": "x3"},
                   expect=409)["error"] == "withdrawn"
    resp = co.session.post(co.base + "/employers", data="{", headers={"Content-Type": "application/json"})
    assert resp.status_code == 400 and "malformed JSON" in resp.json()["message"]
    assert co.call("POST", f"{path}/explode", {}, expect=404)["error"] == "not_found"


def test_agreements_carry_the_dates_they_were_signed_and_ended_on(api, dbs):
    co = api["coordinator-a"]
    firm = co.call("POST", "/employers", FIRM, expect=201)
    a = co.call("POST", "/agreements", {"employer_id": firm["employer_id"], "kind": "small_jobs",
                                        "valid_from": "2025-01-01", "signed_on": "2024-12-12"},
                expect=201)
    co.call("POST", f"/agreements/{a['agreement_id']}/end", {"status": "ended",
                                                              "end_date": "2025-06-30"})
    log = EventStore(dbs["employer"], "employer").read_stream(f"agreement-{a['agreement_id']}")
    assert [(e["type"], e["occurred_at"][:10]) for e in log] == [
        ("AgreementSigned", "2024-12-12"), ("AgreementEnded", "2025-06-30")]
    assert {e["recorded_at"][:10] for e in log} != {"2024-12-12", "2025-06-30"}
    for body, field in (({"signed_on": "2199-01-01"}, None),
                        ({"signed_on": "20224-01-01"}, "signed_on"),
                        ({"valid_from": "0024-01-01"}, "valid_from")):
        expect = 409 if field is None else 400
        refused = co.call("POST", "/agreements", {"employer_id": firm["employer_id"],
                                                  "kind": "small_jobs",
                                                  "valid_from": "2025-01-01", **body},
                          expect=expect)
        assert (refused["error"] == "date_in_future") if field is None else \
            field in refused["errors"], refused
