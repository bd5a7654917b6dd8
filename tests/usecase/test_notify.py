"""Notify's use cases without servers: openings shared with some organisations reach those
organisations' subscribers once each and nobody else; failures back off, end in the dead-letter
list and are retried by an operator; quiet hours; opting out; bad subscriptions."""
from datetime import datetime, timedelta, timezone

import pytest

from pathways.errors import BadRequest, Conflict, Forbidden, NotFoundError
from services.notify.domain import MAX_ATTEMPTS
from tests.usecase.harness import World
from tests.usecase.test_employer import FIRM


@pytest.fixture
def world():
    return World()


def subscribe(world, who, channel, address, **criteria):
    return world.apis["notify"]("POST", "/subscriptions", who, {
        "channel": channel, "address": address, **criteria})


def shared_opening(world, orgs=None, kind="small_job", hours=7):
    api = world.apis["employer"]
    employer_id = api("POST", "/employers", "coordinator", FIRM)["employer_id"] \
        if not world.events("employer", "EmployerRegistered") else f"NO-{FIRM['org_number']}"
    opening = api("POST", "/opportunities", "coordinator", {
        "employer_id": employer_id, "kind": kind, "title": "Kantinehjelp", "places": 1,
        "hours_per_week": hours, "valid_from": "2026-01-01"})["opportunity_id"]
    api("POST", f"/opportunities/{opening}/share", "coordinator",
        {"orgs": orgs} if orgs else {})
    world.deliver()
    return opening


def test_an_opening_shared_with_two_organisations_reaches_their_subscribers_once(world):
    subscribe(world, "caseworker-b", "email", "kari@example.no", language="nb")
    subscribe(world, "caseworker-c", "webhook", "https://hooks.org-c.example/pathways",
              language="en")
    subscribe(world, "caseworker-d", "email", "dag@example.no")          # not shared with
    subscribe(world, "caseworker", "email", "own@example.no")            # the posting org
    opening = shared_opening(world, orgs=["org-b", "org-c"])
    assert world.notify.deliver_due() == 2
    sent = {m["address"]: m for m in world.outbox.sent}
    assert set(sent) == {"kari@example.no", "https://hooks.org-c.example/pathways"}
    assert sent["kari@example.no"]["subject"] == "Ny delt mulighet: Kantinehjelp"
    assert "småjobb, 7 timer/uke" in sent["kari@example.no"]["text"]
    assert opening in sent["https://hooks.org-c.example/pathways"]["text"]   # the link
    # the same events again, and the timer again: nothing new
    world.delivered["employer"] = 0
    world.deliver()
    assert world.notify.deliver_due() == 0 and len(world.outbox.sent) == 2
    assert len(world.events("notify", "NotificationSent")) == 2
    log = world.apis["notify"]("GET", "/notifications", "caseworker-b")["notifications"]
    assert [(n["status"], n["attempts"], n["channel"]) for n in log] == [("sent", 1, "email")]
    assert world.apis["notify"]("GET", "/notifications", "caseworker-d")["notifications"] == []
    figures = world.apis["notify"]("GET", "/notifications/figures", "coordinator-b")
    assert figures["per_channel"] == {"email": {"sent": 1, "waiting": 0, "dead": 0,
                                                "cancelled": 0}}
    assert (figures["shares_notified"], figures["seconds_to_first"]["n"]) == (1, 1)
    assert 0 <= figures["seconds_to_first"]["median"] < 60    # sent at the first round
    assert world.apis["notify"]("GET", "/notifications/figures", "auditor") == {   # org A's
        "per_channel": {}, "shares_notified": 0,
        "seconds_to_first": {"n": 0, "median": None, "p90": None}}
    with pytest.raises(Forbidden):
        world.apis["notify"]("GET", "/notifications/figures", "caseworker-b")
    with pytest.raises(BadRequest):
        world.apis["notify"]("GET", "/notifications/figures", "coordinator-b",
                             since="2026-03-02", until="2026-03-01")


def test_criteria_choose_the_openings(world):
    subscribe(world, "caseworker-b", "email", "small@example.no", kinds=["small_job"],
              min_hours=6, max_hours=8)
    subscribe(world, "caseworker-b", "email", "trial@example.no", kinds=["work_trial"])
    subscribe(world, "caseworker-b", "email", "oslo@example.no", municipalities=["0301"])
    subscribe(world, "caseworker-b", "email", "here@example.no", municipalities=["4601"])
    shared_opening(world, kind="small_job", hours=7.5)       # the firm is in 4601
    shared_opening(world, kind="small_job", hours=12)
    world.notify.deliver_due()
    assert sorted(m["address"] for m in world.outbox.sent) == \
        ["here@example.no", "here@example.no", "small@example.no"]


def test_a_refusing_receiver_backs_off_ends_dead_and_is_retried_holding_up_no_one(world):
    world.now = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
    hook = "https://hooks.org-c.example/broken"
    world.outbox.refusing.add(hook)
    subscribe(world, "caseworker-c", "webhook", hook)
    subscribe(world, "caseworker-b", "email", "kari@example.no")
    shared_opening(world)
    world.notify.deliver_due()
    assert [m["address"] for m in world.outbox.sent] == ["kari@example.no"]
    for _ in range(MAX_ATTEMPTS + 2):                 # through every backoff
        world.now += timedelta(minutes=6)
        world.notify.deliver_due()
    (dead,) = world.apis["notify"]("GET", "/notifications", "coordinator-c",
                                   status="dead")["notifications"]
    assert (dead["attempts"], dead["last_error"]) == (MAX_ATTEMPTS, f"{hook} refused it")
    assert len(world.events("notify", "NotificationAbandoned")) == 1
    (sent,) = world.apis["notify"]("GET", "/notifications", "caseworker-b")["notifications"]
    with pytest.raises(Conflict):                     # only a dead letter is retried
        world.apis["notify"]("POST", f"/notifications/{sent['notification_id']}/retry",
                             "coordinator-b", {})
    with pytest.raises(NotFoundError):                # another organisation's
        world.apis["notify"]("POST", f"/notifications/{dead['notification_id']}/retry",
                             "coordinator-b", {})
    world.outbox.refusing.clear()                     # the receiver is mended
    world.apis["notify"]("POST", f"/notifications/{dead['notification_id']}/retry",
                         "coordinator-c", {})
    world.notify.deliver_due()
    assert [m["address"] for m in world.outbox.sent] == ["kari@example.no", hook]
    figures = world.apis["notify"]("GET", "/notifications/figures", "coordinator-c")
    assert figures["per_channel"]["webhook"]["sent"] == 1
    assert figures["seconds_to_first"]["n"] == 1


def test_quiet_hours_hold_a_notification_until_they_end(world):
    subscribe(world, "caseworker-b", "sms", "+4791234567", quiet_from="21:00",
              quiet_to="07:00")
    world.now = datetime(2026, 3, 2, 21, 30, tzinfo=timezone.utc)   # 22:30 in Oslo
    shared_opening(world)
    assert world.notify.deliver_due() == 0
    world.now = datetime(2026, 3, 3, 5, 59, tzinfo=timezone.utc)    # 06:59
    assert world.notify.deliver_due() == 0
    world.now = datetime(2026, 3, 3, 6, 0, tzinfo=timezone.utc)     # 07:00
    assert world.notify.deliver_due() == 1
    assert world.outbox.sent[0]["address"] == "+4791234567"


def test_a_cancelled_subscription_hears_nothing_and_its_address_is_gone(world):
    sub = subscribe(world, "caseworker-b", "email", "kari@example.no")
    path = f"/subscriptions/{sub['subscription_id']}"
    with pytest.raises(NotFoundError):                # another organisation's caseworker
        world.apis["notify"]("POST", f"{path}/cancel", "caseworker-c", {})
    assert world.apis["notify"]("POST", f"{path}/cancel", "caseworker-b", {})["active"] is False
    assert not world.notify.addresses.exists(sub["subscription_id"])
    shared_opening(world)
    assert world.notify.deliver_due() == 0 and world.outbox.sent == []
    listed = world.apis["notify"]("GET", "/subscriptions", "coordinator-b")["subscriptions"]
    assert [s["active"] for s in listed] == [False]
    assert world.apis["notify"]("GET", "/subscriptions", "coordinator")["subscriptions"] == []


@pytest.mark.parametrize("body,field", [
    ({"channel": "email", "address": "not-an-address"}, "address"),
    ({"channel": "sms", "address": "+47 12"}, "address"),
    ({"channel": "sms", "address": "91234567"}, "address"),           # no country
    ({"channel": "webhook", "address": "http://hooks.example.com/x"}, "address"),
    ({"channel": "webhook", "address": "ftp://127.0.0.1/x"}, "address"),
    ({"channel": "email", "address": "a@b.no", "municipalities": ["Oslo"]}, "municipalities"),
    ({"channel": "email", "address": "a@b.no", "min_hours": 9, "max_hours": 6}, "max_hours"),
    ({"channel": "email", "address": "a@b.no", "quiet_from": "21:00"}, "quiet_to"),
    ({"channel": "pigeon", "address": "a@b.no"}, "channel"),
    ({"channel": "email", "address": "a@b.no", "note": "x"}, "note"),
])
def test_bad_subscriptions_are_400s_naming_the_field_and_write_nothing(world, body, field):
    with pytest.raises(BadRequest) as bad:
        world.apis["notify"]("POST", "/subscriptions", "caseworker", body)
    assert field in bad.value.errors, bad.value.errors
    assert world.events("notify") == [] and world.notify.addresses.data.count_documents({}) == 0


def test_webhooks_to_this_machine_may_be_plain_http(world):
    sub = subscribe(world, "caseworker", "webhook", "http://127.0.0.1:9/hook")
    assert sub["channel"] == "webhook"


def test_a_coach_gets_their_own_due_items_once_a_day_at_their_hour(world):
    """A due subscription: at its local hour, the counts of the owner's items on intake's due
    list (no participant), once that day, whatever the timer does; a day with nothing due
    sends nothing; an unreadable list is read at the next round; nobody else's items."""
    from tests.usecase.test_due import CW, started
    intake = world.apis["intake"]
    intake("POST", "/coaches", "coordinator", {"coach_id": CW, "specialty": "labour_market"})
    started(intake)
    started(intake, limit=30)                              # planned end 2026-02-04
    mine = subscribe(world, "caseworker", "email", "kari@example.no", topic="due", at="07:30",
                     language="en")
    assert (mine["topic"], mine["at"], mine["kinds"]) == ("due", "07:30", [])
    subscribe(world, "coordinator", "sms", "+4791234567", topic="due")   # holds no caseload
    subscribe(world, "caseworker", "email", "openings@example.no")      # openings only
    oslo = timezone(timedelta(hours=1))
    world.now = datetime(2026, 1, 22, 7, 0, tzinfo=oslo)  # before its hour
    assert world.notify.digest_due() == 0
    world.now = datetime(2026, 1, 22, 7, 31, tzinfo=oslo)
    world.due_unreadable = True                           # intake is away
    assert world.notify.digest_due() == 0
    world.due_unreadable = False
    assert world.notify.digest_due() == 1
    assert world.notify.digest_due() == 0                 # once that day
    world.notify.deliver_due()
    (sent,) = world.outbox.sent
    assert sent["address"] == "kari@example.no"
    assert sent["subject"] == "Due today: 3"
    assert sent["text"] == ("Due today: 3 (2 overdue): 2 follow-up, 1 place ending. "
                            "https://intake.example/due?on=2026-01-22")
    assert sent["id"] == f"{mine['subscription_id']}|due-2026-01-22"
    (logged,) = world.apis["notify"]("GET", "/notifications", "caseworker")["notifications"]
    assert (logged["topic"], logged["due_on"], logged["opportunity_id"]) == \
        ("due", "2026-01-22", None)
    (event,) = world.events("notify", "NotificationSent")
    assert (event["payload"]["topic"], event["payload"]["due_on"]) == ("due", "2026-01-22")
    assert "participant" not in str(event["payload"])
    # the next day: again; a caseworker of another organisation: nothing of org A's
    subscribe(world, "caseworker-b", "email", "b@example.no", topic="due")
    world.now += timedelta(days=1)
    assert world.notify.digest_due() == 1
    world.notify.deliver_due()
    assert [m["address"] for m in world.outbox.sent] == ["kari@example.no"] * 2
    figures = world.apis["notify"]("GET", "/notifications/figures", "coordinator")
    assert figures["per_channel"] == {}                   # openings' figures only


def test_a_due_subscription_takes_no_opening_criteria_and_needs_a_due_source(world):
    with pytest.raises(BadRequest) as refused:
        subscribe(world, "caseworker", "email", "kari@example.no", topic="due",
                  kinds=["small_job"])
    assert refused.value.errors == {"kinds": ["chooses openings: not with topic due"]}
    with pytest.raises(BadRequest) as refused:
        subscribe(world, "caseworker", "email", "kari@example.no", at="07:00")
    assert refused.value.errors == {"at": ["only with topic due"]}
    with pytest.raises(BadRequest) as refused:
        subscribe(world, "caseworker", "email", "kari@example.no", topic="due", at="7:00")
    assert list(refused.value.errors) == ["at"]
    world.notify.due_of = None                            # no INTAKE_URL here
    with pytest.raises(BadRequest) as refused:
        subscribe(world, "caseworker", "email", "kari@example.no", topic="due")
    assert list(refused.value.errors) == ["topic"]
    assert world.events("notify") == []
