"""The OpenAPI document of the employer service's HTTP API."""
import functools

from pathways.runtime.openapi import build
from services.employer import schemas

OPP = "/opportunities/{opportunity_id}"


@functools.lru_cache(maxsize=1)
def openapi_document():
    return build("Pathways employer", [
        ("POST", "/employers", "Register an employer by organisation number",
         schemas.RegisterEmployerSchema, "201", ()),
        ("GET", "/employers", "All partner employers", None, "200", ("limit", "offset")),
        ("GET", "/employers/{employer_id}", "One employer (contact_on_file: whether your "
         "organisation keeps a contact person there)", None, "200", ()),
        ("GET", "/employers/{employer_id}/contact", "Your organisation's contact person at the "
         "employer (personal data: a purpose is required and the read is recorded)", None,
         "200", ("purpose",)),
        ("PATCH", "/employers/{employer_id}", "Change the registry entry (the registering "
         "organisation) and/or your organisation's contact person (null erases it)",
         schemas.UpdateEmployerSchema, "200", ()),
        ("POST", "/agreements", "Sign an agreement with an employer (coordinator, admin)",
         schemas.SignAgreementSchema, "201", ()),
        ("GET", "/agreements", "The organisation's agreements (a page)", None, "200",
         ("limit", "offset")),
        ("GET", "/agreements/{agreement_id}", "One agreement", None, "200", ()),
        ("POST", "/agreements/{agreement_id}/end", "End or abort an agreement",
         schemas.EndAgreementSchema, "200", ()),
        ("POST", "/opportunities", "Post a job opportunity", schemas.PostOpportunitySchema,
         "201", ()),
        ("GET", "/opportunities", "The organisation's own and all shared opportunities", None,
         "200", ("limit", "offset")),
        ("GET", OPP, "One opportunity (own or shared)", None, "200", ()),
        ("POST", f"{OPP}/share", "Share with all partner organisations", None, "200", ()),
        ("POST", f"{OPP}/withdraw", "Withdraw", schemas.WithdrawSchema, "200", ()),
        ("POST", f"{OPP}/take", "Record a place taken outside the platform",
         schemas.TakePlaceSchema, "200", ()),
    ])
