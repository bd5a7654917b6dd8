"""Contracts with funders: intake's use cases for them (the rules are in ``funding``).

A contract is in the log of the organisation that administers it (a consortium's lead, or the
hub), which made it: its coordinators and admins change it. The organisations it covers must be
the administrator's own or ones FEED_GRANTS gives it. Their coordinators read it; the funder
reads its figures in reporting, never here."""
import uuid

from pathways.application.views import SummaryView, paging
from pathways.contracts.intake import (ContractExtended, ContractMade, ContractPlacesMoved,
                                       FundingLineAdded)
from pathways.errors import BadRequest, Forbidden, NotFoundError
from pathways.security.callers import ALL_ORGS, Caller
from services.intake.funding import (AddFundingLine, Contract, ExtendContract, MakeContract,
                                     MovePlaces, decide_contract, fold_contract, overlapping)

CONTRACT_ADMINS = ("coordinator", "admin")
CONTRACT_READERS = ("coordinator", "admin", "auditor")


def contract_stream(contract_id):
    return f"contract-{contract_id}"


def contracts_view(db, store, commands):
    """Every contract in the log, as it is now (``org``: the organisation administering it)."""
    return SummaryView(db, store, "contracts_view", (ContractMade, ContractExtended,
                                                     ContractPlacesMoved, FundingLineAdded),
                       fold_contract,
                       lambda c, org: {**c.view(), "org": org, "administered_by": org},
                       lambda c: c.contract_id, commands)


class FundingCases:
    """Mixed into ``Intake``: uses its ``commands``, ``contracts_view`` and ``grants``
    ({organisation: the organisations it administers besides itself, or "*"})."""

    def _administers(self, org):
        granted = self.grants.get(org, frozenset())
        return lambda other: other == org or granted == ALL_ORGS or other in granted

    def make_contract(self, caller: Caller, data):
        caller.require(*CONTRACT_ADMINS)
        mine = self._administers(caller.org)
        outside = [o for o in data["orgs"] if not mine(o)]
        if outside:
            raise BadRequest("invalid contract", {"orgs": [
                f"your organisation does not administer {', '.join(outside)}"]})
        self._check_no_overlap(caller, data)
        contract_id = str(uuid.uuid4())
        return self.commands.execute(
            caller, contract_stream(contract_id), fold_contract, decide_contract,
            MakeContract(contract_id=contract_id, **data), "contract",
            answer=lambda c: self._view_of(c, caller.org))

    def _check_no_overlap(self, caller, data):
        """One funder buys a programme's places from an organisation once for a period."""
        self.contracts_view.refresh()
        for other in self.contracts_view.coll.find({
                "funder": data["funder"], "orgs": {"$in": data["orgs"]},
                "programmes": {"$in": data["programmes"]}}):
            if overlapping(str(data["period_from"]), str(data["period_to"]),
                           other["period_from"], other["period_to"]):
                common = sorted(set(other["orgs"]) & set(data["orgs"]))
                which = f"contract {other['contract_id']}" if other["org"] == caller.org \
                    else "another contract"
                raise BadRequest("invalid contract", {"period_from": [
                    f"overlaps {which} of {data['funder']} for {', '.join(common)} "
                    f"({other['period_from']} to {other['period_to']})"]})

    @staticmethod
    def _view_of(contract: Contract, owner):
        return {**contract.view(), "administered_by": owner}

    def _contract(self, caller: Caller, contract_id):
        """The contract and who administers it, if the caller's organisation is that one or
        one it covers; else 404."""
        found = self.commands.read(contract_stream(contract_id), fold_contract,
                                   lambda c, owner: (c.view(), owner) if c.exists else None)
        if found is None or (found[1] != caller.org and caller.org not in found[0]["orgs"]):
            raise NotFoundError("contract not found")
        return found

    def get_contract(self, caller: Caller, contract_id):
        caller.require(*CONTRACT_READERS)
        view, owner = self._contract(caller, contract_id)
        return {**view, "administered_by": owner}

    def list_contracts(self, caller: Caller, query=None):
        """The contracts the caller's organisation administers or is covered by, a page."""
        caller.require(*CONTRACT_READERS)
        return self.contracts_view.page({"$or": [{"org": caller.org}, {"orgs": caller.org}]},
                                        [("period_from", -1), ("contract_id", 1)],
                                        paging(query), hide=("org",))

    def _change(self, caller: Caller, contract_id, cmd):
        caller.require(*CONTRACT_ADMINS)
        _, owner = self._contract(caller, contract_id)
        if owner != caller.org:
            raise Forbidden(f"only {owner}, which administers the contract, changes it")
        return self.commands.execute(caller, contract_stream(contract_id), fold_contract,
                                     decide_contract, cmd, "contract",
                                     answer=lambda c: self._view_of(c, owner))

    def extend_contract(self, caller: Caller, contract_id, data):
        return self._change(caller, contract_id, ExtendContract(**data))

    def move_places(self, caller: Caller, contract_id, data):
        return self._change(caller, contract_id, MovePlaces(**data))

    def add_funding_line(self, caller: Caller, contract_id, data):
        line_id = data.get("line_id") or str(uuid.uuid4())
        return self._change(caller, contract_id, AddFundingLine(**{**data, "line_id": line_id}))
