"""Several organisations on one deployment: every feed gives a caller its own organisation's
events only (and what FEED_GRANTS adds), pages that skip other organisations' positions still
tell the reader it missed nothing, and the hash chain of a shared log needs a grant of all."""
import pytest

from pathways.eventstore import EventStore
from pathways.runtime.feeds import HttpFeed
from tests.e2e.conftest import TOKENS
from tests.e2e.flow import FIRM, agreed_placement, enrolled_participant

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
    apps = platform("intake", "employer", "placement")
    b = as_org_b(apps)
    for side, national_id, firm in ((apps, "15108695088", FIRM),
                                    (b, "55108695071", {**FIRM, "org_number": "974760673",
                                                        "name": "Kyst Logistikk AS"})):
        co = side["employer"]["coordinator"]
        firm_id = co.call("POST", "/employers", firm, expect=201)["employer_id"]
        co.call("POST", "/agreements", {"employer_id": firm_id, "kind": "inclusion_ia",
                                        "valid_from": "2026-01-01"}, expect=201)
        _, enrolment = enrolled_participant(side["intake"], national_id=national_id)
        opp = co.call("POST", "/opportunities", {
            "employer_id": firm_id, "kind": "ordinary_job", "title": "Lager",
            "places": 1, "valid_from": "2026-01-01"}, expect=201)
        agreed_placement(side["placement"], enrolment, opp)
    return apps


def log_of(dbs, name):
    return EventStore(dbs[name], name, validate=False).events_after(0, 100_000)


def test_every_feed_gives_each_organisation_its_own_events_and_a_hub_what_it_is_granted(
        shared, dbs):
    for name in FEEDS:
        log = log_of(dbs, name)
        head = log[-1]["position"]
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
