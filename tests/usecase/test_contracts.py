"""Contracts with funders, without servers: the hub makes one for a consortium of the
organisations it administers; the covered organisations read it and nobody else does; places
move between them within what was bought; the period only grows; bad input names its field and
writes nothing."""
import pytest

from pathways.errors import BadRequest, Conflict, Forbidden, NotFoundError
from tests.usecase.harness import World

AUST_AGDER = {"funder": "nav-agder", "name": "Aust-Agder VTA", "orgs": ["org-a", "org-b"],
              "programmes": ["vta"], "period_from": "2026-01-01", "period_to": "2026-06-30",
              "places": {"org-a": 3, "org-b": 2}, "currency": "NOK", "rate": 15840}


@pytest.fixture
def world():
    return World()


def make(world, who="hub-admin", **over):
    return world.apis["intake"]("POST", "/contracts", who, {**AUST_AGDER, **over})


def refused(call, *args, **kw):
    with pytest.raises(BadRequest) as err:
        call(*args, **kw)
    return err.value.errors


def test_the_hub_makes_a_consortium_contract_its_organisations_read(world):
    api = world.apis["intake"]
    made = make(world)
    assert (made["places"], made["rate"], made["moves"], made["lines"]) == \
        ({"org-a": 3, "org-b": 2}, "15840.00", [], [])
    path = f"/contracts/{made['contract_id']}"
    assert api("GET", path, "coordinator")["administered_by"] == "hub"     # org-a: covered
    assert [c["contract_id"] for c in api("GET", "/contracts", "coordinator-b")["contracts"]] \
        == [made["contract_id"]]
    with pytest.raises(NotFoundError):                                       # org-c: not
        api("GET", path, "coordinator-c")
    assert api("GET", "/contracts", "coordinator-c")["contracts"] == []
    for who in ("caseworker", "funder"):                                     # roles
        with pytest.raises(Forbidden):
            api("GET", path, who)
    with pytest.raises(Forbidden):                                           # covered, not its
        api("POST", f"{path}/extend", "coordinator", {"period_to": "2026-12-31"})


def test_places_move_within_what_was_bought_and_the_period_only_grows(world):
    api = world.apis["intake"]
    path = f"/contracts/{make(world)['contract_id']}"
    moved = api("POST", f"{path}/move-places", "hub-admin", {
        "from_org": "org-a", "to_org": "org-b", "places": 1, "from_date": "2026-03-15"})
    assert moved["places"] == {"org-a": 2, "org-b": 3}
    assert moved["moves"] == [{"from_org": "org-a", "to_org": "org-b", "places": 1,
                               "from_date": "2026-03-15"}]
    assert refused(api, "POST", f"{path}/move-places", "hub-admin", {
        "from_org": "org-a", "to_org": "org-b", "places": 3, "from_date": "2026-04-01"}) == \
        {"places": ["org-a has 2 places in this contract, not 3"]}
    assert list(refused(api, "POST", f"{path}/move-places", "hub-admin", {
        "from_org": "org-a", "to_org": "org-c", "places": 1, "from_date": "2026-04-01"})) == \
        ["to_org"]
    assert list(refused(api, "POST", f"{path}/move-places", "hub-admin", {
        "from_org": "org-a", "to_org": "org-b", "places": 1, "from_date": "2027-01-01"})) == \
        ["from_date"]
    assert api("POST", f"{path}/extend", "hub-admin",
               {"period_to": "2026-12-31"})["period_to"] == "2026-12-31"
    with pytest.raises(Conflict) as earlier:
        api("POST", f"{path}/extend", "hub-admin", {"period_to": "2026-09-30"})
    assert earlier.value.rule == "not_an_extension"
    line = {"line_id": "nav-2026", "source": "state", "amount": 3500000, "currency": "NOK",
            "period_from": "2026-01-01", "period_to": "2026-12-31"}
    api("POST", f"{path}/funding-lines", "hub-admin", line)
    again = api("POST", f"{path}/funding-lines", "hub-admin", line)        # the same line id
    assert [(l["line_id"], l["amount"]) for l in again["lines"]] == [("nav-2026", "3500000.00")]
    assert list(refused(api, "POST", f"{path}/funding-lines", "hub-admin",
                        {**line, "line_id": "x", "currency": "SEK"})) == ["currency"]
    assert list(refused(api, "POST", f"{path}/funding-lines", "hub-admin",
                        {**line, "line_id": "y", "period_to": "2027-03-01"})) == ["period_to"]
    kinds = [e["type"] for e in world.events("intake")]
    assert kinds == ["ContractMade", "ContractPlacesMoved", "ContractExtended",
                     "FundingLineAdded"]


@pytest.mark.parametrize("over, field", [
    ({"rate": -1}, "rate"),
    ({"rate": "1000"}, "rate"),
    ({"rate": 10.005}, "rate"),
    ({"currency": "XYZ"}, "currency"),
    ({"currency": "nok"}, "currency"),
    ({"period_to": "2025-12-31"}, "period_to"),
    ({"places": {"org-a": 3}}, "places"),
    ({"places": {"org-a": -1, "org-b": 2}}, "places"),
    ({"orgs": ["org-a", "org-a"], "places": {"org-a": 1}}, "orgs"),
    ({"result_amount": 5000}, "result_months"),
    ({"programmes": ["astrology"]}, "programmes"),
])
def test_bad_contracts_name_the_field_and_write_nothing(world, over, field):
    assert field in refused(make, world, **over)
    assert world.events("intake") == []


def test_a_contract_for_an_organisation_not_administered_or_overlapping_is_refused(world):
    assert refused(make, world, "coordinator") == {   # org-a's coordinator, org-b in it
        "orgs": ["your organisation does not administer org-b"]}
    make(world, "coordinator", orgs=["org-a"], places={"org-a": 3})      # its own: fine
    assert list(refused(make, world, period_from="2026-06-01",
                        period_to="2026-12-31")) == ["period_from"]    # org-a, vta, June
    make(world, period_from="2026-07-01", period_to="2026-12-31")       # after it: fine
    make(world, funder="other-funder", period_to="2026-03-31")          # another funder: fine
    make(world, programmes=["aft"])                                     # another programme
    assert [e["type"] for e in world.events("intake")] == ["ContractMade"] * 4


def test_a_participants_own_fee_is_charged_once_a_month_and_paid_up_to_what_is_due(world):
    from tests.usecase.test_intake import referred, run
    api = world.apis["intake"]
    path, _ = referred(api, run(api))
    api("POST", f"{path}/start", "caseworker", {"start_date": "2026-01-05", "percent": 100,
                                                "days_per_week": 5})
    with pytest.raises(Conflict) as early:                       # before the start
        api("POST", f"{path}/fee", "caseworker", {"month": "2025-12", "amount": 1000})
    assert early.value.rule == "dates_out_of_order"
    with pytest.raises(Conflict) as unpaid:
        api("POST", f"{path}/fee-paid", "caseworker", {"month": "2026-01", "amount": 1000})
    assert unpaid.value.rule == "no_fee_charged"
    api("POST", f"{path}/fee", "caseworker", {"month": "2026-01", "amount": 1000})
    api("POST", f"{path}/fee", "caseworker", {"month": "2026-01", "amount": 1000})   # again
    with pytest.raises(Conflict) as other:
        api("POST", f"{path}/fee", "caseworker", {"month": "2026-01", "amount": 900})
    assert other.value.rule == "fee_already_charged"
    api("POST", f"{path}/fee-paid", "caseworker", {"month": "2026-01", "amount": 600,
                                                   "date": "2026-02-03"})
    assert refused(api, "POST", f"{path}/fee-paid", "caseworker",
                   {"month": "2026-01", "amount": 500}) == \
        {"amount": ["400.00 is outstanding for 2026-01"]}
    assert list(refused(api, "POST", f"{path}/fee", "caseworker",
                        {"month": "2026-02", "amount": 1000, "currency": "NOKK"})) == \
        ["currency"]
    enrolment = api("GET", path, "caseworker")
    assert enrolment["fees"] == {"2026-01": {"charged": "1000.00", "paid": "600.00"}}
    fees = [e for e in world.events("intake") if e["type"].startswith("ParticipantFee")]
    assert [(e["type"], e["payload"]["amount"]) for e in fees] == [
        ("ParticipantFeeCharged", "1000.00"), ("ParticipantFeePaid", "600.00")]
    assert set(fees[0]["payload"]) == {"run_id", "enrolment_id", "participant_id", "month",
                                       "amount", "currency"}
