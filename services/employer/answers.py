"""What employer answers (documented in its OpenAPI document; see ``pathways.api.answers``)."""
from marshmallow import fields, validate

from pathways.api.answers import Answer, choice, count, date, text
from pathways.contracts.employer import (AGREEMENT_KINDS, EMPLOYER_CONTACT_CHANNELS,
                                         EMPLOYER_CONTACT_KINDS, EMPLOYER_CONTACT_OUTCOMES,
                                         EMPLOYER_CONTACT_PLACES, OPPORTUNITY_KINDS)

COUNTRIES = {"NO": "Norway", "DK": "Denmark", "SE": "Sweden"}
AGREEMENT_STATUSES = {"active": "signed and in force", "ended": "ended as agreed",
                      "aborted": "ended early"}
OPPORTUNITY_STATUSES = {
    "open": "places free", "filled": "every place taken (opens again if one is freed)",
    "withdrawn": "withdrawn by the organisation that posted it; final"}


class EmployerEntrySchema(Answer):
    """An employer in the shared registry."""
    EXAMPLE = {"employer_id": "NO-988077917", "country": "NO", "org_number": "988077917",
               "name": "Fjord Verksted AS", "sector": "manufacturing", "municipality": "4601"}

    employer_id = text("country and organisation number, e.g. `NO-974760673`")
    country = choice(COUNTRIES)
    org_number = text("the organisation number, checked (mod 11 / Luhn)")
    name = text()
    sector = text()
    municipality = text("municipality number", allow_none=True)


class EmployerSchema(EmployerEntrySchema):
    EXAMPLE = {**EmployerEntrySchema.EXAMPLE, "contact_on_file": True}

    contact_on_file = fields.Boolean(required=True, metadata={
        "description": "your organisation keeps a contact person there (read it at "
                       "`/employers/{employer_id}/contact`)"})


class ContactPersonSchema(Answer):
    """Your organisation's contact person at an employer (personal data: the read is
    recorded)."""
    employer_id = text()
    name = text()
    phone = text(allow_none=True)
    email = text(allow_none=True)


class EmployerContactSchema(Answer):
    """A contact of your organisation with an employer (codes only)."""
    EXAMPLE = {"contact_id": "0b7f3c8e-2a51-4a4e-9d7e-5f1c2b3a4d5e", "date": "2026-03-02",
               "kind": "recruited", "channel": "visit", "place": "outside",
               "outcome": "agreement_planned", "by": "kari"}

    contact_id = text()
    date = date("when it happened (business date)")
    kind = choice({k: k.replace("_", " ") for k in EMPLOYER_CONTACT_KINDS})
    channel = choice({k: k for k in EMPLOYER_CONTACT_CHANNELS})
    place = choice({k: k for k in EMPLOYER_CONTACT_PLACES})
    outcome = choice({k: k.replace("_", " ") for k in EMPLOYER_CONTACT_OUTCOMES})
    by = text("who recorded it (the token's id)", allow_none=True)


class AgreementSchema(Answer):
    EXAMPLE = {"agreement_id": "697dd3fe-46e5-449d-8205-f27ef01523ba",
               "employer_id": "NO-988077917", "kind": "inclusion_ia", "valid_from": "2026-01-01",
               "valid_to": None, "status": "active", "end_date": None}

    agreement_id = text(validate=validate.Length(min=1, max=64))
    employer_id = text()
    kind = choice({k: k.replace("_", " ") for k in AGREEMENT_KINDS})
    valid_from = date()
    valid_to = date(allow_none=True)
    status = choice(AGREEMENT_STATUSES, transitions="active → ended | aborted")
    end_date = date(allow_none=True)


class OpportunitySchema(Answer):
    EXAMPLE = {"opportunity_id": "05ec0418-6f21-4803-aa77-7c0d14b9cda2",
               "employer_id": "NO-988077917", "kind": "small_job", "title": "Lagerhjelp",
               "places": 2, "hours_per_week": 7.5, "requirements": "", "valid_from": "2026-01-01",
               "valid_to": None, "shared": True, "shared_with": ["org-b", "org-c"],
               "municipalities": None, "status": "open", "filled": 1, "free": 1, "org": "org-a"}

    opportunity_id = text(validate=validate.Length(min=1, max=64))
    employer_id = text()
    kind = choice({k: k.replace("_", " ") for k in OPPORTUNITY_KINDS})
    title = text()
    places = count()
    hours_per_week = fields.Float(required=True, allow_none=True, metadata={
        "description": "for small jobs: hours a week (e.g. 6 to 8)"})
    requirements = text()
    valid_from = date(allow_none=True)
    valid_to = date(allow_none=True)
    shared = fields.Boolean(required=True, metadata={
        "description": "shared with other partner organisations (`shared_with`)"})
    shared_with = fields.List(fields.String(), required=True, allow_none=True, metadata={
        "description": "the organisations it is shared with; null: every partner "
                       "organisation (when `shared`)"})
    municipalities = fields.List(fields.String(), required=True, allow_none=True, metadata={
        "description": "the region it was shared with (the organisations serving it then)"})
    status = choice(OPPORTUNITY_STATUSES, transitions="open ⇄ filled; either → withdrawn")
    filled = count("places taken")
    free = count("places still free")
    org = text("the organisation that posted it")


class RecruitmentMadeSchema(Answer):
    date = date("when")
    count = count("people recruited")
    skills = fields.List(fields.String(), required=True)
    programme = text("the kind of programme it recruited through (null: directly)",
                     allow_none=True)


class ClientCaseSchema(Answer):
    """Your organisation's case with an employer as a client of a business coach."""
    EXAMPLE = {"employer_id": "SE-5560360793", "coach_id": "coach-lena",
               "opened_on": "2026-02-02", "closed_on": None, "needs": ["recruitment"],
               "skills": ["warehouse_logistics", "driving_licence"], "recruited": 2,
               "recruitments": [{"date": "2026-04-14", "count": 2,
                                 "skills": ["warehouse_logistics"], "programme": "aft"}]}

    employer_id = text()
    coach_id = text("the business coach who holds the case")
    opened_on = date("when it became a client")
    closed_on = date("when the case was closed (null: open)", allow_none=True)
    needs = fields.List(fields.String(), required=True)
    skills = fields.List(fields.String(), required=True,
                         metadata={"description": "skills it asks for"})
    recruited = count("people recruited in all")
    recruitments = fields.List(fields.Nested(RecruitmentMadeSchema), required=True)
