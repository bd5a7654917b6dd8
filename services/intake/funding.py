"""Contracts with funders as pure rules (stream ``contract-<id>``): made once, a period that only
grows, places moved between the consortium's organisations within what was bought, funding lines
within the period and in the contract's currency. What the input alone can say (dates in order,
places of the contract's organisations) the command schemas check first."""
from dataclasses import asdict, dataclass, field
from datetime import date

from pathways.contracts.events import Event
from pathways.contracts.intake import (ContractExtended, ContractMade, ContractPlacesMoved,
                                       FundingLineAdded)
from pathways.domain.decider import DomainError, FieldProblem, Fold, NotFound


@dataclass(frozen=True, kw_only=True)
class MakeContract:
    contract_id: str
    funder: str
    name: str
    orgs: list
    programmes: list
    period_from: date
    period_to: date
    places: dict
    currency: str
    rate: object = None
    result_amount: object = None
    result_months: int | None = None


@dataclass(frozen=True)
class ExtendContract:
    period_to: date


@dataclass(frozen=True, kw_only=True)
class MovePlaces:
    from_org: str
    to_org: str
    places: int
    from_date: date


@dataclass(frozen=True, kw_only=True)
class AddFundingLine:
    line_id: str
    source: str
    amount: object
    currency: str
    period_from: date
    period_to: date


@dataclass
class Contract:
    contract_id: str | None = None
    funder: str | None = None
    name: str | None = None
    orgs: list = field(default_factory=list)
    programmes: list = field(default_factory=list)
    period_from: str | None = None
    period_to: str | None = None
    places: dict = field(default_factory=dict)         # now, after every move
    currency: str | None = None
    rate: str | None = None
    result_amount: str | None = None
    result_months: int | None = None
    moves: list = field(default_factory=list)
    lines: list = field(default_factory=list)

    @property
    def exists(self):
        return self.contract_id is not None

    def view(self):
        return {k: (dict(v) if isinstance(v, dict) else list(v) if isinstance(v, list) else v)
                for k, v in self.__dict__.items()}


def _iso(d):
    return d.isoformat() if isinstance(d, date) else d


def decide_contract(c: Contract, cmd: object) -> list[Event]:
    if isinstance(cmd, MakeContract):
        if c.exists:
            raise DomainError("already_exists", "the contract already exists")
        return [ContractMade(**asdict(cmd))]
    if not c.exists:
        raise NotFound("contract")
    if isinstance(cmd, ExtendContract):
        if _iso(cmd.period_to) <= c.period_to:
            raise DomainError("not_an_extension", f"the period already runs to {c.period_to}")
        return [ContractExtended(contract_id=c.contract_id, period_to=cmd.period_to)]
    if isinstance(cmd, MovePlaces):
        for name in ("from_org", "to_org"):
            if getattr(cmd, name) not in c.orgs:
                raise FieldProblem(name, f"{getattr(cmd, name)} is not in this contract")
        if cmd.from_org == cmd.to_org:
            raise FieldProblem("to_org", "places move between two organisations")
        if cmd.places > c.places.get(cmd.from_org, 0):
            raise FieldProblem("places", f"{cmd.from_org} has {c.places.get(cmd.from_org, 0)} "
                                         f"places in this contract, not {cmd.places}")
        if not c.period_from <= _iso(cmd.from_date) <= c.period_to:
            raise FieldProblem("from_date", f"not within the period {c.period_from} to "
                                            f"{c.period_to}")
        return [ContractPlacesMoved(contract_id=c.contract_id, **asdict(cmd))]
    if isinstance(cmd, AddFundingLine):
        if cmd.currency != c.currency:
            raise FieldProblem("currency", f"the contract is in {c.currency}")
        if _iso(cmd.period_from) < c.period_from or _iso(cmd.period_to) > c.period_to:
            raise FieldProblem("period_to" if _iso(cmd.period_from) >= c.period_from
                               else "period_from",
                               f"not within the period {c.period_from} to {c.period_to}")
        if any(line["line_id"] == cmd.line_id for line in c.lines):
            return []
        return [FundingLineAdded(contract_id=c.contract_id, **asdict(cmd))]
    raise DomainError("unknown_command", f"unknown command {type(cmd).__name__}")


def evolve_contract(c: Contract, event: Event) -> Contract:
    p = event.payload
    match event:
        case ContractMade():
            for k, v in p.items():
                setattr(c, k, _iso(v))
            c.places = dict(p["places"])
        case ContractExtended():
            c.period_to = _iso(p["period_to"])
        case ContractPlacesMoved():
            c.places[p["from_org"]] = c.places.get(p["from_org"], 0) - p["places"]
            c.places[p["to_org"]] = c.places.get(p["to_org"], 0) + p["places"]
            c.moves.append({k: _iso(v) for k, v in p.items() if k != "contract_id"})
        case FundingLineAdded():
            c.lines.append({k: _iso(v) for k, v in p.items() if k != "contract_id"})
    return c


fold_contract = Fold(Contract, evolve_contract)


def overlapping(period_from: str, period_to: str, other_from: str, other_to: str) -> bool:
    return period_from <= other_to and other_from <= period_to
