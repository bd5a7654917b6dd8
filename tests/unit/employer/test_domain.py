"""Employer rules on agreements' business dates (no servers)."""
import pytest

from pathways.domain.decider import DomainError
from services.employer.commands import EndAgreement, Sign
from services.employer.domain import decide_agreement, fold_agreement
from tests.support import envelope

SIGN = {"agreement_id": "a1", "employer_id": "NO-1", "kind": "inclusion_ia",
        "valid_from": "2026-01-01", "valid_to": None, "today": "2026-06-01"}


@pytest.mark.parametrize("change,rule", [
    ({"signed_on": "2026-06-02"}, "date_in_future"),
    ({"valid_to": "2025-12-31"}, "dates_out_of_order"),
])
def test_an_agreement_is_signed_by_today_and_valid_in_order(change, rule):
    with pytest.raises(DomainError) as err:
        decide_agreement(fold_agreement([]), Sign(**{**SIGN, **change}))
    assert err.value.rule == rule


def test_an_agreement_signed_in_the_past_and_ended_after_its_start():
    signed = decide_agreement(fold_agreement([]), Sign(**SIGN, signed_on="2025-12-15"))
    history = [envelope(e) for e in signed]
    with pytest.raises(DomainError) as err:
        decide_agreement(fold_agreement(history), EndAgreement(
            status="ended", end_date="2025-12-31", today="2026-06-01"))
    assert err.value.rule == "dates_out_of_order"
    ended = decide_agreement(fold_agreement(history), EndAgreement(
        status="ended", end_date="2026-05-31", today="2026-06-01"))
    assert ended[0].end_date == "2026-05-31"
