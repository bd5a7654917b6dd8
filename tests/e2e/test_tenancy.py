"""Several organisations on one deployment: every feed gives a caller its own organisation's
events only (and what FEED_GRANTS adds), pages that skip other organisations' positions still
tell the reader it missed nothing, and the hash chain of a shared log needs a grant of all."""
import pytest

from pathways.eventstore import EventStore
from pathways.runtime.feeds import HttpFeed
from tests.e2e.conftest import TOKENS
from tests.e2e.flow import FIRM, agreed_placement, enrolled_participant
from tests.support import wait_until

FEEDS = ("intake", "employer", "placement")


def as_org_b(apps):
    """The same services through org B's tokens, under the role names the flow helpers use."""
    return {name: {**clients, "caseworker": clients["caseworker-b"],
                   "coordinator": clients["coordinator-b"]}
            for name, clients in apps.items()}


@pytest.fixture
def shared(platform):
    """Both organisations work in one deployment: runs, participants, employers, private
    opportunities, agreements and placements of each."""
    apps = platform("intake", "employer", "placement", "reporting")
    b = as_org_b(apps)
    made = {}
    for org, side, national_id, firm in (
            ("org-a", apps, "15108695088", FIRM),
            ("org-b", b, "55108695071", {**FIRM, "org_number": "974760673",
                                         "name": "Kyst Logistikk AS"})):
        co = side["employer"]["coordinator"]
        firm_id = co.call("POST", "/employers", firm, expect=201)["employer_id"]
        agreement = co.call("POST", "/agreements", {"employer_id": firm_id, "kind": "inclusion_ia",
                                                    "valid_from": "2026-01-01"}, expect=201)
        run_id, enrolment = enrolled_participant(side["intake"], national_id=national_id)
        run = side["intake"]["caseworker"].call("GET", f"/runs/{run_id}")
        opp = co.call("POST", "/opportunities", {
            "employer_id": firm_id, "kind": "ordinary_job", "title": "Lager",
            "places": 1, "valid_from": "2026-01-01"}, expect=201)
        placement = agreed_placement(side["placement"], enrolment, opp)
        made[org] = {"run": run_id, "enrolment": enrolment, "firm": firm_id,
                     "participant": run["enrolments"][0]["participant_id"],
                     "agreement": agreement["agreement_id"], "opportunity": opp["opportunity_id"],
                     "placement": placement["placement_id"]}
    apps["made"] = made
    return apps


def log_of(dbs, name):
    return EventStore(dbs[name], name, validate=False).events_after(0, 100_000)


def test_every_feed_gives_each_organisation_its_own_events_and_a_hub_what_it_is_granted(
        shared, dbs):
    for name in FEEDS:
        log = log_of(dbs, name)
        head = log[-1]["position"]
        assert head > 0
        assert {e["org"] for e in log} == {"org-a", "org-b"}, name
        for token, orgs in (("auditor", {"org-a"}), ("coordinator", {"org-a"}),
                            ("auditor-b", {"org-b"}), ("coordinator-b", {"org-b"}),
                            ("hub", {"org-a", "org-b"})):
            body = shared[name][token].call("GET", "/events", params={"limit": 1000})
            assert [e["event_id"] for e in body["events"]] == \
                [e["event_id"] for e in log if e["org"] in orgs], (name, token)
            assert body["next_after"] == head, (name, token)
        shared[name]["caseworker"].call("GET", "/events", expect=403)
        shared[name]["caseworker-b"].call("GET", "/events", expect=403)


def test_a_reader_paging_a_filtered_feed_skips_nothing_it_may_see(shared, dbs):
    for name in FEEDS:
        log = log_of(dbs, name)
        base = shared[name]["auditor"].base
        feed = HttpFeed({name: {"url": base, "token": TOKENS["auditor"]}})
        after, seen = 0, []
        while True:
            page, after = feed(name, after, 2)      # tiny pages: most skip org B's positions
            seen += page
            if len(page) < 2:
                break
        assert [e["event_id"] for e in seen] == [e["event_id"] for e in log if e["org"] == "org-a"]
        assert after == log[-1]["position"]


def test_the_chain_of_a_shared_log_needs_a_grant_of_every_organisation_in_it(shared):
    for name in FEEDS:
        for token in ("auditor", "auditor-b"):
            refused = shared[name][token].call("GET", "/events", params={"format": "commits"},
                                               expect=403)
            assert "FEED_GRANTS" in refused["message"]
        commits = shared[name]["hub"].call("GET", "/events", params={"format": "commits"})
        assert commits["commits"] and commits["next_after"] == commits["head"]["position"]


def test_no_resource_of_one_organisation_is_visible_to_or_changeable_by_another(shared):
    a, b = shared["made"]["org-a"], shared["made"]["org-b"]
    for role in ("caseworker-b", "coordinator-b"):
        intake, employer, placement = (shared[n][role] for n in FEEDS)
        enrolment = f"/runs/{a['run']}/enrolments/{a['enrolment']}"
        intake.call("GET", f"/runs/{a['run']}", expect=404)
        intake.call("GET", enrolment, expect=404)
        intake.call("POST", f"{enrolment}/end", {"status": "left", "reason": "other",
                                                 "end_date": "2026-03-01"}, expect=404)
        intake.call("GET", f"/participants/{a['participant']}", params={"purpose": "look"},
                    expect=404)
        intake.call("POST", f"/participants/{a['participant']}/erase",
                    expect=403 if role == "caseworker-b" else 404)
        assert [r["run_id"] for r in intake.call("GET", "/runs")["runs"]] == [b["run"]]
        employer.call("GET", f"/agreements/{a['agreement']}", expect=404)
        employer.call("POST", f"/opportunities/{a['opportunity']}/share", expect=404)
        employer.call("GET", f"/opportunities/{a['opportunity']}", expect=404)   # private
        assert [x["agreement_id"] for x in employer.call("GET", "/agreements")["agreements"]] \
            == [b["agreement"]]
        assert a["opportunity"] not in {
            o["opportunity_id"] for o in employer.call("GET", "/opportunities")["opportunities"]}
        employer.call("GET", f"/employers/{a['firm']}/contact", params={"purpose": "look"},
                      expect=404)
        placement.call("GET", f"/cases/{a['enrolment']}", expect=404)
        placement.call("GET", f"/cases/{a['enrolment']}/placements/{a['placement']}",
                       expect=404)
        placement.call("POST", f"/cases/{a['enrolment']}/placements/{a['placement']}/start",
                       {"start_date": "2026-02-01"}, expect=404)
        assert [c["enrolment_id"] for c in placement.call("GET", "/cases")["cases"]] == \
            [b["enrolment"]]
    # reports: each organisation its own numbers, whatever it asks for
    reporting = shared["reporting"]
    for role, own in (("coordinator", "org-a"), ("coordinator-b", "org-b")):
        report = wait_until(lambda: (r := reporting[role].call(
            "GET", "/reports/kpis", params={"org": "org-a"}))["enrolments"] == 1 and r,
            timeout=60, what="reporting to count one enrolment")
        assert report["filters"]["org"] == [own]
