"""Placement rules: given past events, when a command, then new events or the broken rule."""
import pytest

from pathways.contracts.placement import CaseClosed
from tests.support import envelope

from pathways.domain.decider import DomainError, NotFound
from services.placement import commands
from services.placement.domain import decide_case, fold_case

ENROLMENT = {"enrolment_id": "e1", "participant_id": "p1", "run_id": "r1",
             "state": "participating", "start_date": "2026-01-05"}
OPPORTUNITY = {"opportunity_id": "o1", "employer_id": "NO-1", "status": "open", "places": 2,
               "filled": 0}
PROPOSE = {"type": "Propose", "placement_id": "pl1", "employer_id": "NO-1",
           "opportunity_id": "o1", "kind": "small_job", "hours_per_week": 7.0,
           "wage_subsidy_percent": None, "has_mentor": False, "start_date": "2026-02-01",
           "planned_end_date": None, "enrolment": ENROLMENT, "opportunity": OPPORTUNITY}


TODAY = "2026-11-23"


def command(cmd):
    """The command as the use case builds it from a caller's input, decided on TODAY."""
    kind = getattr(commands, cmd["type"])
    values = {k: v for k, v in cmd.items() if k != "type"}
    if issubclass(kind, commands.CaseCommand):
        values.setdefault("today", TODAY)
    return kind(**values)


def given(*cmds):
    events = []
    for cmd in cmds:
        events += [envelope(e)
                   for e in decide_case(fold_case(events), command(cmd))]
    return events


def when(events, cmd):
    return decide_case(fold_case(events), command(cmd))


def approvals(pid="pl1"):
    return [{"type": "Approve", "placement_id": pid, "party": party}
            for party in ("participant", "employer", "caseworker")]


def started():
    return given(PROPOSE, *approvals(), {"type": "Start", "placement_id": "pl1",
                                         "start_date": "2026-02-01", "opportunity": OPPORTUNITY})


def test_a_placement_starts_once_all_three_parties_approved():
    history = given(PROPOSE, *approvals()[:2])
    with pytest.raises(DomainError, match="approved by participant, employer"):
        when(history, {"type": "Start", "placement_id": "pl1", "start_date": "2026-02-01"})
    history = given(PROPOSE, *approvals())
    assert history[-1]["payload"]["agreed"] is True
    out = when(history, {"type": "Start", "placement_id": "pl1", "start_date": "2026-02-01",
                         "opportunity": OPPORTUNITY})
    assert [e.type for e in out] == ["PlacementStarted"]


@pytest.mark.parametrize("change,rule", [
    ({"enrolment": {**ENROLMENT, "state": "waitlisted"}}, "not_enrolled"),
    ({"opportunity": {**OPPORTUNITY, "status": "withdrawn"}}, "opportunity_withdrawn"),
    ({"opportunity": {**OPPORTUNITY, "filled": 2}}, "opportunity_filled"),
    ({"planned_end_date": "2026-01-01"}, "dates_out_of_order"),
    ({"start_date": "2025-12-01"}, "dates_out_of_order"),
    ({"kind": "wage_subsidy_temporary"}, "wage_subsidy_percent_required"),
    ({"wage_subsidy_percent": 40}, "wage_subsidy_percent_not_allowed"),
    ({"employer_id": "NO-2"}, "employer_mismatch"),
])
def test_proposals_that_break_a_rule_are_refused(change, rule):
    with pytest.raises(DomainError) as err:
        when([], {**PROPOSE, **change})
    assert err.value.rule == rule


def test_unknown_enrolment_or_opportunity_is_not_found():
    with pytest.raises(NotFound):
        when([], {**PROPOSE, "enrolment": None})
    with pytest.raises(NotFound):
        when([], {**PROPOSE, "opportunity": None})


def test_closing_twice_and_observing_outcomes():
    history = given(*[], PROPOSE, *approvals())
    closed = history + [envelope(e) for e in when(history, {
        "type": "Close", "outcome": "employed_ordinary", "date": "2026-05-01",
        "enrolment": ENROLMENT})]
    with pytest.raises(DomainError) as err:
        when(closed, {"type": "Close", "outcome": "education", "date": "2026-05-02",
                      "enrolment": ENROLMENT})
    assert err.value.rule == "case_closed"
    obs = when(closed, {"type": "Observe", "months": 3, "outcome": "employed_ordinary",
                        "date": "2026-08-01"})
    assert obs[0].run_id == "r1"
    with pytest.raises(DomainError):
        when(closed, {"type": "Observe", "months": 3, "outcome": "education", "date": "2026-04-01"})


def test_a_case_can_close_without_placements():
    out = when([], {"type": "Close", "outcome": "education", "date": "2026-03-01",
                    "enrolment": ENROLMENT})
    assert out == [CaseClosed(participant_id="p1", enrolment_id="e1", run_id="r1",
                              outcome="education", date="2026-03-01",
                              enrolment_status="completed")]


def with_second_draft():
    history = started()
    return history + [envelope(e) for e in when(history, {
        **PROPOSE, "placement_id": "pl2", "opportunity_id": None, "opportunity": None})]


@pytest.mark.parametrize("hint,ends", [
    ("not_in_work", [("pl1", "shortened"), ("pl2", "annulled")]),
    (None, [("pl1", "shortened"), ("pl2", "annulled")]),        # voided
    ("employed", [("pl2", "annulled")]),                        # the job goes on
    ("education", [("pl2", "annulled")]),
])
def test_an_ended_enrolment_ends_open_placements_unless_it_went_on_to_work(hint, ends):
    ended = when(with_second_draft(), {"type": "EndOpenPlacements", "end_date": "2026-03-01",
                                       "outcome_hint": hint})
    assert [(e.placement_id, e.status) for e in ended] == ends


def test_the_same_placements_end_whether_the_case_was_closed_first_or_not():
    history = with_second_draft()
    for outcome, hint in (("employed_small_job", "employed"), ("not_in_work", "not_in_work")):
        closed = history + [envelope(e) for e in when(history, {
            "type": "Close", "outcome": outcome, "date": "2026-03-01", "enrolment": ENROLMENT})]
        end = {"type": "EndOpenPlacements", "end_date": "2026-03-01", "outcome_hint": hint}
        assert when(closed, end) == when(history, end)


ENDED = {**ENROLMENT, "state": "left", "outcome_hint": "employed", "end_date": "2026-03-01"}


@pytest.mark.parametrize("enrolment,change,rule", [
    # the closure contradicts how the enrolment already ended in intake
    (ENDED, {"outcome": "not_in_work"}, "contradictory_outcome"),
    (ENDED, {"enrolment_status": "completed"}, "contradictory_outcome"),
    # a final status the outcome does not allow
    (ENROLMENT, {"enrolment_status": "aborted"}, "contradictory_outcome"),
    ({**ENROLMENT, "start_date": None, "state": "place_allocated"}, {}, "not_started"),
    (ENROLMENT, {"date": "2026-01-01"}, "dates_out_of_order"),   # before the enrolment started
    (ENROLMENT, {"date": "2099-01-01"}, "date_in_future"),
])
def test_closures_that_break_a_rule_are_refused(enrolment, change, rule):
    with pytest.raises(DomainError) as err:
        when([], {"type": "Close", "outcome": "employed_ordinary", "date": "2026-03-01",
                  "enrolment": enrolment, **change})
    assert err.value.rule == rule


@pytest.mark.parametrize("enrolment,asked,status", [
    (ENROLMENT, None, "completed"), (ENROLMENT, "left", "left"),
    (ENDED, None, "left"), (ENDED, "left", "left")])
def test_a_closure_gives_the_enrolment_the_final_status_asked_for_or_it_ended_with(
        enrolment, asked, status):
    out = when([], {"type": "Close", "outcome": "employed_ordinary", "date": "2026-03-01",
                    "enrolment": enrolment, "enrolment_status": asked})
    assert out[0].enrolment_status == status


def test_ending_rules():
    history = started()
    with pytest.raises(DomainError) as err:
        when(history, {"type": "EndPlacement", "placement_id": "pl1", "status": "shortened",
                       "reason": "completed_as_planned", "end_date": "2026-03-01"})
    assert err.value.rule == "reason_required"
    with pytest.raises(DomainError) as err:
        when(history, {"type": "EndPlacement", "placement_id": "pl1", "status": "completed",
                       "reason": "completed_as_planned", "end_date": "2026-01-01"})
    assert err.value.rule == "dates_out_of_order"


def test_implausible_dates_are_refused_naming_the_rule():
    never_started = {**ENROLMENT, "state": "place_allocated", "start_date": None}
    close = {"type": "Close", "outcome": "employed_ordinary", "enrolment": ENROLMENT}
    for cmd, rule in (
            ({**PROPOSE, "start_date": "2099-01-01"}, "start_too_far_ahead"),
            ({**close, "date": "2020-01-01"}, "dates_out_of_order"),     # before the start
            ({**close, "date": "2026-11-24"}, "date_in_future"),
            ({**close, "date": "2026-05-01", "enrolment": never_started}, "not_started")):
        with pytest.raises(DomainError) as err:
            when([], cmd)
        assert err.value.rule == rule, (cmd, err.value)
    history = started()
    for cmd, rule in (({"type": "EndPlacement", "placement_id": "pl1", "status": "completed",
                        "reason": "completed_as_planned", "end_date": "2026-12-01"},
                       "date_in_future"),
                      ({"type": "FollowUp", "placement_id": "pl1", "date": "2027-01-01",
                        "kind": "visit", "with_whom": "employer"}, "date_in_future")):
        with pytest.raises(DomainError) as err:
            when(history, cmd)
        assert err.value.rule == rule
    assert [e.type for e in when([], {**PROPOSE, "start_date": "2027-06-01"})] == \
        ["PlacementProposed"]                                            # planned ahead: fine
