"""Who reads a contract's figures, from every side: its funder all of it and another funder
nothing (403); the administering organisation all of it; a covered organisation its own line;
an organisation it does not cover nothing (404); roles without reports nothing (403)."""
import pytest

from pathways.errors import Forbidden, NotFoundError
from pathways.security.callers import Caller
from services.reporting.service import contract_access

CONTRACT = {"contract_id": "c1", "org": "hub", "funder": "nav-agder", "orgs": ["org-a", "org-b"]}


@pytest.mark.parametrize("caller, sees", [
    (Caller("nav-agder", "funder", "fu"), None),
    (Caller("hub", "admin", "ad"), None),
    (Caller("hub", "auditor", "au"), None),
    (Caller("org-a", "coordinator", "co"), {"org-a"}),
    (Caller("org-b", "auditor", "au"), {"org-b"}),
])
def test_those_who_may_read_it_see_all_or_their_own_line(caller, sees):
    orgs_of, visible = contract_access(caller)
    assert orgs_of(CONTRACT) == sees and visible(CONTRACT)


@pytest.mark.parametrize("caller, refusal", [
    (Caller("af", "funder", "fu"), Forbidden),
    (Caller("org-c", "coordinator", "co"), NotFoundError),
    (Caller("hub2", "admin", "ad"), NotFoundError),
])
def test_others_are_refused_and_do_not_see_it_listed(caller, refusal):
    orgs_of, visible = contract_access(caller)
    with pytest.raises(refusal):
        orgs_of(CONTRACT)
    assert not visible(CONTRACT)


@pytest.mark.parametrize("caller", [Caller("nav-agder", "funder", "fu"),
                                    Caller("hub", "admin", "ad")])
def test_a_contract_reporting_does_not_know_is_not_found_for_anyone(caller):
    orgs_of, _ = contract_access(caller)
    with pytest.raises(NotFoundError):
        orgs_of(None)


def test_a_caseworker_reads_no_contract():
    with pytest.raises(Forbidden):
        contract_access(Caller("org-a", "caseworker", "cw"))
