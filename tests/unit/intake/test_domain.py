"""Intake's rules, given past events, when a command, then new events or the broken rule."""
import pytest

from pathways.contracts.intake import EnrolmentDatesCorrected
from tests.support import envelope

from services.intake import commands
from services.intake.domain import DomainError, NotFound, decide_participant, decide_run, fold_participant, fold_run

RUN = {"type": "CreateRun", "run_id": "r1", "programme": "office_places", "name": "Office places",
       "places": 3, "start_mode": "rolling", "start_date": None, "approval_required": False}


TODAY, REFERRED = "2026-06-01", "2026-01-02"


def dated(cmd, today=TODAY):
    """The command as the use case builds it from a caller's input: with today's date; a fact
    on today unless it names its date (referrals on REFERRED)."""
    command = getattr(commands, cmd["type"])
    values = {k: v for k, v in cmd.items() if k != "type"}
    if issubclass(command, commands.OnEnrolment):
        values.setdefault("today", today)
    if issubclass(command, commands.Dated):
        values.setdefault("date", REFERRED if command is commands.Refer else today)
    return command(**values)


def given(*commands, run=None):
    """Fold the events that a sequence of accepted commands produced (each on its date)."""
    events = []
    for cmd in commands:
        cmd = dated(cmd)
        state = fold_run(events)
        on = f"{getattr(cmd, 'date', TODAY)}T12:00:00.000000Z"
        events += [envelope(e, on)
                   for e in decide_run(state, cmd)]
    return events


def when(events, cmd):
    return decide_run(fold_run(events), dated(cmd))


def enrol_cmds(eid, pid=None, start=True):
    cmds = [{"type": "Refer", "enrolment_id": eid, "participant_id": pid or f"p-{eid}"},
            {"type": "RecordConsent", "enrolment_id": eid, "given_by": "participant"},
            {"type": "Apply", "enrolment_id": eid}]
    if start:
        cmds.append({"type": "Start", "enrolment_id": eid, "start_date": "2026-01-05",
                     "percent": 100, "days_per_week": 5})
    return cmds


def types(events):
    return [e.type for e in events]


def test_three_places_five_applicants_two_wait_and_an_ending_lets_the_next_in():
    history = given(RUN, *[c for i in range(3) for c in enrol_cmds(f"e{i}")],
                    *[c for i in (3, 4) for c in enrol_cmds(f"e{i}", start=False)])
    run = fold_run(history)
    assert run.in_use == 3 and list(run.waitlist) == ["e3", "e4"]
    ended = when(history, {"type": "End", "enrolment_id": "e0", "status": "completed",
                           "reason": "got_job", "outcome_hint": "employed",
                           "end_date": "2026-03-01"})
    assert types(ended) == ["EnrolmentEnded", "PlaceAllocated"]
    assert ended[1].enrolment_id == "e3" and ended[1].places_in_use == 3
    after = fold_run(history + [envelope(e) for e in ended])
    assert list(after.waitlist) == ["e4"] and after.enrolments["e3"].state == "place_allocated"


def test_with_approval_nothing_is_allocated_automatically_and_capacity_is_enforced():
    history = given({**RUN, "places": 1, "approval_required": True},
                    *enrol_cmds("a", start=False), *enrol_cmds("b", start=False))
    assert [e.state for e in fold_run(history).enrolments.values()] == ["applied", "applied"]
    allocated = given({**RUN, "places": 1, "approval_required": True},
                      *enrol_cmds("a", start=False), *enrol_cmds("b", start=False),
                      {"type": "AllocatePlace", "enrolment_id": "a"})
    with pytest.raises(DomainError) as err:
        when(allocated, {"type": "AllocatePlace", "enrolment_id": "b"})
    assert err.value.rule == "no_free_place"
    assert types(when(allocated, {"type": "Waitlist", "enrolment_id": "b"})) == ["ParticipantWaitlisted"]


def test_applying_needs_consent_and_a_caseworker_needs_a_reason():
    history = given(RUN, {"type": "Refer", "enrolment_id": "e", "participant_id": "p"})
    with pytest.raises(DomainError, match="consent") as err:
        when(history, {"type": "Apply", "enrolment_id": "e"})
    assert err.value.rule == "consent_required"
    with pytest.raises(DomainError) as err:
        when(history, {"type": "RecordConsent", "enrolment_id": "e", "given_by": "caseworker"})
    assert err.value.rule == "on_behalf_reason_required"
    ok = when(history, {"type": "RecordConsent", "enrolment_id": "e", "given_by": "caseworker",
                        "on_behalf_reason": "verbal_consent"})
    assert ok[0].on_behalf_reason == "verbal_consent"


@pytest.mark.parametrize("cmd", [
    {"type": "Start", "enrolment_id": "e", "start_date": "2026-01-05", "percent": 50, "days_per_week": 3},
    {"type": "End", "enrolment_id": "e", "status": "completed", "reason": "got_job",
     "outcome_hint": "employed", "end_date": "2026-02-01"},
    {"type": "Share", "enrolment_id": "e"},
])
def test_illegal_transitions_are_refused_with_the_allowed_states(cmd):
    history = given(RUN, *enrol_cmds("e", start=False),
                    {"type": "Reject", "enrolment_id": "e", "reason": "course_full"})
    with pytest.raises(DomainError, match="not_relevant") as err:
        when(history, cmd)
    assert err.value.rule == "illegal_transition"


def test_dates_out_of_order_are_refused():
    history = given(RUN, *enrol_cmds("e"))
    with pytest.raises(DomainError) as err:
        when(history, {"type": "End", "enrolment_id": "e", "status": "left", "reason": "sick",
                       "outcome_hint": "not_in_work", "end_date": "2025-12-31"})
    assert err.value.rule == "dates_out_of_order"


def test_voiding_a_place_holder_frees_the_place_for_the_waiting_list():
    history = given({**RUN, "places": 1}, *enrol_cmds("a"), *enrol_cmds("b", start=False))
    out = when(history, {"type": "Void", "enrolment_id": "a"})
    assert types(out) == ["EnrolmentVoided", "PlaceAllocated"] and out[0].previous_state == "participating"


def test_one_active_enrolment_per_participant_and_run():
    history = given(RUN, {"type": "Refer", "enrolment_id": "e1", "participant_id": "p"})
    with pytest.raises(DomainError) as err:
        when(history, {"type": "Refer", "enrolment_id": "e2", "participant_id": "p"})
    assert err.value.rule == "already_referred"


def test_unknown_run_and_enrolment_are_not_found():
    with pytest.raises(NotFound):
        when([], {"type": "Refer", "enrolment_id": "e", "participant_id": "p"})
    with pytest.raises(NotFound):
        when(given(RUN), {"type": "Apply", "enrolment_id": "nope"})


def test_participant_is_registered_once_and_erased_once():
    reg = {"type": "Register", "participant_id": "p", "birth_year": 1986, "gender": "F",
           "municipality": "0301", "needs_group": "situational", "country": "NO"}
    events = [envelope(e) for e in decide_participant(fold_participant([]), dated(reg))]
    with pytest.raises(DomainError):
        decide_participant(fold_participant(events), dated(reg))
    erased = decide_participant(fold_participant(events), commands.Erase())
    events += [envelope(e) for e in erased]
    with pytest.raises(DomainError) as err:
        decide_participant(fold_participant(events), commands.Erase())
    assert err.value.rule == "already_erased"


def test_facts_are_dated_when_they_happened_and_implausible_dates_are_refused():
    history = given(RUN, {"type": "Refer", "enrolment_id": "e1", "participant_id": "p1",
                          "date": "2025-03-03"})
    assert fold_run(history).enrolments["e1"].referred_on == "2025-03-03"
    for cmd, rule in (
            ({"type": "RecordConsent", "enrolment_id": "e1", "given_by": "participant",
              "date": "2026-06-02"}, "date_in_future"),
            ({"type": "RecordConsent", "enrolment_id": "e1", "given_by": "participant",
              "date": "2025-03-02"}, "dates_out_of_order"),
            ({"type": "Refer", "enrolment_id": "e2", "participant_id": "p2",
              "date": "2026-07-01"}, "date_in_future")):
        with pytest.raises(DomainError) as err:
            when(history, cmd)
        assert err.value.rule == rule, (cmd, err.value)
    history = given(*([RUN, {"type": "Refer", "enrolment_id": "e1", "participant_id": "p1",
                              "date": "2025-03-03"},
                       {"type": "RecordConsent", "enrolment_id": "e1", "given_by": "participant",
                        "date": "2025-03-04"}, {"type": "Apply", "enrolment_id": "e1"}]))
    start = {"type": "Start", "enrolment_id": "e1", "percent": 100, "days_per_week": 5}
    for day, rule in (("2099-01-01", "start_too_far_ahead"), ("2025-01-01", "dates_out_of_order")):
        with pytest.raises(DomainError) as err:
            when(history, {**start, "start_date": day})
        assert err.value.rule == rule
    assert types(when(history, {**start, "start_date": "2026-09-01"})) == ["ParticipantEnrolled"]
    history += [envelope(e, "2025-03-10T12:00:00.000000Z")
                for e in when(history, {**start, "start_date": "2025-03-10"})]
    end = {"type": "End", "enrolment_id": "e1", "status": "completed", "reason": "got_job",
           "outcome_hint": "employed"}
    with pytest.raises(DomainError) as err:
        when(history, {**end, "end_date": "2026-06-02"})     # an end is never ahead
    assert err.value.rule == "date_in_future"
    assert types(when(history, {**end, "end_date": "2025-09-30"}))[0] == "EnrolmentEnded"


def started_e1():
    return given(RUN, *enrol_cmds("e1"))


END = {"type": "End", "enrolment_id": "e1", "end_date": "2026-03-01"}


@pytest.mark.parametrize("status,reason,hint", [
    ("left", "got_job", "not_in_work"),       # got a job, yet not in work
    ("completed", "education", "employed"),
    ("completed", "other", "employed"),       # employed, yet no job
    ("left", "sick", "education"),
    ("aborted", "got_job", "employed"),       # aborted by the provider, yet went on to work
])
def test_an_end_that_contradicts_itself_is_refused(status, reason, hint):
    with pytest.raises(DomainError) as err:
        when(started_e1(), {**END, "status": status, "reason": reason, "outcome_hint": hint})
    assert err.value.rule == "contradictory_outcome"


@pytest.mark.parametrize("outcome,status,reason,hint", [
    ("employed_ordinary", "left", "got_job", "employed"),
    ("education", "completed", "education", "education"),
    ("not_in_work", "aborted", "other", "not_in_work"),
    ("other_programme", "completed", "needs_other_support", "other_programme"),
])
def test_a_closed_case_ends_the_enrolment_with_the_status_it_was_closed_with(
        outcome, status, reason, hint):
    out = when(started_e1(), {"type": "CloseFromCase", "enrolment_id": "e1", "outcome": outcome,
                              "status": status, "closed_on": "2026-03-01"})
    assert (out[0].status, out[0].reason, out[0].outcome_hint) == (
        status, reason, hint)
    ended = started_e1() + [envelope(e) for e in out]
    assert when(ended, {"type": "CloseFromCase", "enrolment_id": "e1", "outcome": outcome,
                        "status": status, "closed_on": "2026-03-01"}) == []   # once


def correct(history, **dates):
    return when(history, {"type": "Correct", "enrolment_id": "e1", **dates})


def test_a_correction_is_an_event_and_the_state_follows_it():
    history = started_e1()
    out = correct(history, start_date="2026-01-12")
    assert out == [EnrolmentDatesCorrected(run_id="r1", enrolment_id="e1", participant_id="p-e1",
                                           referred_on=None, start_date="2026-01-12",
                                           end_date=None)]
    history += [envelope(e) for e in out]
    assert fold_run(history).enrolments["e1"].start_date == "2026-01-12"
    with pytest.raises(DomainError) as err:   # the end is still checked against the new start
        when(history, {**END, "end_date": "2026-01-08", "status": "completed", "reason": "other",
                       "outcome_hint": "unknown"})
    assert err.value.rule == "dates_out_of_order"


@pytest.mark.parametrize("dates,rule", [
    ({"start_date": "2025-12-01"}, "dates_out_of_order"),    # before the referral
    ({"referred_on": "2026-02-01"}, "dates_out_of_order"),   # after the start
    ({"referred_on": "2026-07-01"}, "date_in_future"),
    ({"start_date": "2099-01-01"}, "start_too_far_ahead"),
    ({"end_date": "2026-03-01"}, "not_ended"),
    ({"start_date": "2026-01-05"}, "nothing_to_correct"),
])
def test_corrections_must_leave_the_dates_in_order(dates, rule):
    with pytest.raises(DomainError) as err:
        correct(started_e1(), **dates)
    assert err.value.rule == rule


def test_an_ended_enrolments_end_can_be_corrected_but_not_into_the_future_or_before_the_start():
    history = started_e1()
    history += [envelope(e) for e in when(history, {
        **END, "status": "completed", "reason": "got_job", "outcome_hint": "employed"})]
    assert correct(history, end_date="2026-02-27")[0].end_date == "2026-02-27"
    for dates, rule in (({"end_date": "2026-06-02"}, "date_in_future"),
                        ({"end_date": "2026-01-04"}, "dates_out_of_order"),
                        ({"start_date": "2026-03-02"}, "dates_out_of_order")):
        with pytest.raises(DomainError) as err:
            correct(history, **dates)
        assert err.value.rule == rule
    not_started = given(RUN, *enrol_cmds("e1", start=False))
    with pytest.raises(DomainError) as err:
        correct(not_started, start_date="2026-01-05")
    assert err.value.rule == "not_started"
