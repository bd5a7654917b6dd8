"""What a contract's administrators send (marshmallow, strict: unknown fields are refused)."""
from babel.numbers import list_currencies
from marshmallow import RAISE, Schema, ValidationError, fields, validate, validates_schema

from pathways.api.fields import Money, Whole, day
from pathways.application.views import PageQuerySchema
from pathways.contracts.intake import FUNDING_SOURCES, PROGRAMMES

ORG = validate.Length(min=1, max=64)
CURRENCIES = frozenset(list_currencies())   # ISO 4217, as CLDR (through Babel) knows them


class Strict(Schema):
    class Meta:
        unknown = RAISE


def currency(**kw):
    return fields.String(validate=validate.OneOf(
        sorted(CURRENCIES), error="must be an ISO 4217 currency code (NOK, SEK, DKK, EUR...)"),
        metadata={"description": "ISO 4217 (NOK, SEK, DKK, EUR ...)"}, **kw)


def in_order(data, first="period_from", last="period_to"):
    if data.get(first) and data.get(last) and data[first] > data[last]:
        raise ValidationError(f"must not be before {first}", last)


class MakeContractSchema(Strict):
    funder = fields.String(required=True, validate=ORG, metadata={
        "description": "the funder, as the organisation id its `funder` tokens carry"})
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    orgs = fields.List(fields.String(validate=ORG), required=True,
                       validate=validate.Length(min=1, max=100), metadata={
        "description": "the partner organisations it covers: yours, or ones FEED_GRANTS "
                       "gives your organisation"})
    programmes = fields.List(fields.String(validate=validate.OneOf(PROGRAMMES)), required=True,
                             validate=validate.Length(min=1, max=len(PROGRAMMES)))
    period_from = day(required=True)
    period_to = day(required=True)
    places = fields.Dict(keys=fields.String(validate=ORG), values=Whole(
        validate=validate.Range(min=0, max=100_000)), required=True, metadata={
        "description": "places bought per organisation (each of `orgs`)"})
    currency = currency(required=True)
    rate = Money(load_default=None, allow_none=True, metadata={
        "description": "paid per participant-month (none: not paid so)"})
    result_amount = Money(load_default=None, allow_none=True, metadata={
        "description": "paid per enrolment ending in work or education within "
                       "`result_months` of its end (with `result_months`)"})
    result_months = Whole(load_default=None, allow_none=True,
                          validate=validate.Range(min=1, max=24))

    @validates_schema
    def consistent(self, data, **kwargs):
        in_order(data)
        orgs = data.get("orgs") or []
        if len(set(orgs)) != len(orgs):
            raise ValidationError("each organisation once", "orgs")
        if data.get("places") is not None and orgs and set(data["places"]) != set(orgs):
            raise ValidationError("one number for each of orgs, and no other", "places")
        if (data.get("result_amount") is None) != (data.get("result_months") is None):
            raise ValidationError("give result_amount and result_months together",
                                  "result_months")


class ExtendContractSchema(Strict):
    period_to = day(required=True, metadata={"description": "the new end: later than now"})


class MovePlacesSchema(Strict):
    from_org = fields.String(required=True, validate=ORG)
    to_org = fields.String(required=True, validate=ORG)
    places = Whole(required=True, validate=validate.Range(min=1, max=100_000))
    from_date = day(required=True, metadata={"description": "from when the places move (a "
                                                            "business date in the period)"})


class FundingLineSchema(Strict):
    line_id = fields.String(load_default=None, validate=ORG, metadata={
        "description": "your id for the line: the same again adds nothing (default: a new one)"})
    source = fields.String(required=True, validate=validate.OneOf(FUNDING_SOURCES))
    amount = Money(required=True)
    currency = currency(required=True)
    period_from = day(required=True)
    period_to = day(required=True)

    @validates_schema
    def consistent(self, data, **kwargs):
        in_order(data)


class ContractsQuerySchema(PageQuerySchema):
    pass
