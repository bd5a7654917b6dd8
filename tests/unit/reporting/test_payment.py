"""The payment basis as pure functions: participant-days weighted by percentage, place-months
after moves from their day, the period and its extensions, as effective on a date, the result
line, and only the organisations asked for."""
from services.reporting.payment import participant_days, payment_basis
from datetime import date

CONTRACT = {"contract_id": "c1", "org": "hub", "funder": "nav", "orgs": ["a", "b"],
            "programmes": ["vta"], "period_from": "2026-01-15", "period_to": "2026-03-31",
            "places": {"a": 3, "b": 2}, "currency": "NOK", "rate": "1000.00",
            "result_amount": None, "result_months": None, "extensions": [], "moves": [],
            "lines": [{"line_id": "l", "source": "state", "amount": "90000.00",
                       "currency": "NOK", "period_from": "2026-01-15",
                       "period_to": "2026-03-31"}]}


def enrolment(org="a", start="2026-01-01", end=None, levels=None, **more):
    return {"org": org, "programme": "vta", "started_on": start, "ended_on": end,
            "levels": levels or [[start, 100]], **more}


def line(basis, org):
    (found,) = [x for x in basis["per_org"] if x["org"] == org]
    return found


def test_a_full_month_full_time_is_one_participant_month_and_part_time_counts_in_proportion():
    full = enrolment()
    half_from_16th = enrolment(levels=[["2026-02-01", 100], ["2026-02-16", 50]],
                               start="2026-02-01")
    basis = payment_basis(CONTRACT, [full, half_from_16th, enrolment(programme="aft"),
                                     enrolment(org="x")], "2026-02")
    assert line(basis, "a")["participant_days"] == 28 + 15 + 13 * 0.5
    assert line(basis, "a")["participant_months"] == round((28 + 15 + 6.5) / 28, 4)
    assert line(basis, "a")["amount"] == "1767.86"          # 1.7679 months x 1000
    assert (line(basis, "b")["participant_days"], line(basis, "b")["use_share"]) == (0, 0)
    assert basis["total"]["participant_days"] == 49.5
    assert (basis["budget"]["funding"], basis["budget"]["period_elapsed_share"]) == \
        ("90000.00", round(45 / 76, 4))


def test_only_the_contracts_period_counts_and_an_extension_adds_the_next_month():
    jan = payment_basis(CONTRACT, [enrolment()], "2026-01")
    assert jan["days_in_period"] == 17                       # from the 15th
    assert line(jan, "a")["participant_days"] == 17
    assert line(jan, "a")["place_months"] == round(3 * 17 / 31, 4)
    assert payment_basis(CONTRACT, [enrolment()], "2026-04")["days_in_period"] == 0
    extended = {**CONTRACT, "extensions": [["2026-03-20", "2026-06-30"]]}
    april = payment_basis(extended, [enrolment()], "2026-04")
    assert (april["days_in_period"], line(april, "a")["participant_months"]) == (30, 1.0)
    # as effective on a day before the extension was made: not yet
    before = payment_basis(extended, [enrolment()], "2026-04", effective_on="2026-03-19")
    assert before["days_in_period"] == 0 and before["period_to"] == "2026-03-31"


def test_places_moved_mid_month_change_the_place_months_from_that_day():
    moved = {**CONTRACT, "moves": [["2026-02-15", "a", "b", 1, "2026-02-10"]]}
    basis = payment_basis(moved, [], "2026-02")
    assert line(basis, "a")["place_months"] == round((3 * 14 + 2 * 14) / 28, 4)
    assert line(basis, "b")["place_months"] == round((2 * 14 + 3 * 14) / 28, 4)
    assert (line(basis, "a")["places_on_last_day"], line(basis, "b")["places_on_last_day"]) \
        == (2, 3)
    as_before = payment_basis(moved, [], "2026-02", effective_on="2026-02-09")
    assert line(as_before, "a")["place_months"] == 3.0


def test_as_effective_on_a_day_later_ends_and_changes_have_not_happened():
    e = enrolment(end="2026-02-10", levels=[["2026-01-01", 100], ["2026-02-05", 50]])
    assert participant_days(e, date(2026, 2, 1), date(2026, 2, 28)) == 4 + 6 * 0.5
    assert participant_days(e, date(2026, 2, 1), date(2026, 2, 28), "2026-02-04") == 28
    assert participant_days(enrolment(start="2026-02-20"), date(2026, 2, 1),
                            date(2026, 2, 28), "2026-02-19") == 0
    assert participant_days(enrolment(voided=True), date(2026, 2, 1), date(2026, 2, 28)) == 0


def test_the_result_line_pays_for_work_or_education_in_time_and_a_line_shows_its_org_only():
    paid = {**CONTRACT, "rate": None, "result_amount": "5000.00", "result_months": 3}
    in_time = enrolment(end="2026-01-31", case_closed_on="2026-03-10", case_outcome="employed")
    too_late = enrolment(org="b", end="2025-10-31", case_closed_on="2026-03-12",
                         case_outcome="employed")
    not_work = enrolment(end="2026-02-28", case_closed_on="2026-03-05",
                         case_outcome="not_in_work")
    basis = payment_basis(paid, [in_time, too_late, not_work], "2026-03")
    assert (line(basis, "a")["results"], line(basis, "a")["amount"]) == (1, "5000.00")
    assert line(basis, "b")["results"] == 0
    mine = payment_basis(paid, [in_time, too_late], "2026-03", orgs={"b"})
    assert [x["org"] for x in mine["per_org"]] == ["b"] and mine["total"]["results"] == 0


def test_the_projection_keeps_the_levels_and_the_contract_with_its_dated_changes():
    from services.reporting.projection import MemoryRows
    from tests.unit.reporting.test_kpis import enrolment as enrolled, ev
    rows = MemoryRows()
    enrolled(rows, "e1", "2026-02-01", programme="vta")
    rows.apply(ev("intake", "ParticipationChanged", {
        "run_id": "r1", "enrolment_id": "e1", "participant_id": "p-e1", "percent": 50,
        "days_per_week": 3, "from_date": "2026-02-16"}, "2026-02-16"))
    made = {k: v for k, v in CONTRACT.items() if k not in ("org", "extensions", "moves",
                                                            "lines")}
    rows.apply(ev("intake", "ContractMade", {**made, "orgs": ["org-a"],
                                             "places": {"org-a": 3}}, "2026-01-10", org="hub"))
    rows.apply(ev("intake", "ContractExtended", {"contract_id": "c1",
                                                 "period_to": "2026-06-30"}, "2026-03-20",
                  org="hub"))
    contract = rows.rows["contracts"]["c1"]
    assert (contract["org"], contract["extensions"]) == ("hub", [["2026-03-20", "2026-06-30"]])
    basis = payment_basis(contract, rows.rows["enrolments"].values(), "2026-02")
    assert line(basis, "org-a")["participant_days"] == 15 + 13 * 0.5


def test_costs_to_a_month_add_up_the_monthly_bases_and_divide_by_what_was_bought():
    from services.reporting.payment import costs
    rows = [enrolment(), enrolment(levels=[["2026-01-20", 100], ["2026-02-10", 40]],
                                   start="2026-01-20", end="2026-03-05"),
            enrolment(end="2026-02-20", case_closed_on="2026-02-25", case_outcome="education")]
    found = costs(CONTRACT, rows, "2026-02")
    monthly = sum(line(payment_basis(CONTRACT, rows, m), "a")["participant_months"]
                  for m in ("2026-01", "2026-02"))
    a = line(found, "a")
    assert abs(a["participant_months"] - monthly) < 1e-3
    assert (a["participants"], a["outcomes"], found["until"]) == (3, 1, "2026-02-28")
    assert abs(float(a["paid"]) - a["participant_months"] * 1000) < 0.06   # (4 decimals shown)
    assert a["cost_per_outcome"] == a["paid"]
    assert a["place_months"] == round(3 * (17 / 31 + 1), 4)
    assert line(found, "b")["cost_per_participant"] is None
    assert found["budget"]["period_elapsed_share"] == round(45 / 76, 4)
    assert found["budget"]["used_share"] == round(float(found["total"]["paid"]) / 90000, 4)


def test_a_contract_paid_by_its_funding_costs_the_funding_evenly_by_places():
    from services.reporting.payment import costs
    funded = {**CONTRACT, "rate": None}
    found = costs(funded, [enrolment()], "2026-02")
    assert line(found, "a")["paid"] == f"{90000 * round(45 / 76, 4) * 3 / 5:.2f}"
    assert found["budget"]["used_share"] == round(45 / 76, 4)


def test_the_basis_counts_the_months_fees_charged_and_paid_as_effective_on_a_day():
    e = enrolment(fees=[["2026-02-02", "2026-02", "charged", "1000.00"],
                        ["2026-02-20", "2026-02", "paid", "600.00"],
                        ["2026-03-01", "2026-03", "charged", "1000.00"]])
    basis = payment_basis(CONTRACT, [e], "2026-02")
    assert (line(basis, "a")["fees_charged"], line(basis, "a")["fees_paid"]) == \
        ("1000.00", "600.00")
    before = payment_basis(CONTRACT, [e], "2026-02", effective_on="2026-02-10")
    assert line(before, "a")["fees_paid"] == "0.00"
