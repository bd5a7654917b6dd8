"""Employer's API, declared once: HTTP, RPC and the OpenAPI document are generated from ROUTES."""
from pathways.api.routes import Route
from pathways.application.views import PageQuerySchema
from services.employer import answers, commands

TITLE = "Pathways employer"
EMPLOYER, AGREEMENT = "/employers/{employer_id}", "/agreements/{agreement_id}"
OPP = "/opportunities/{opportunity_id}"
WRITERS = ("caseworker", "coordinator", "admin")
SIGNERS = ("coordinator", "admin")

ROUTES = [
    Route("POST", "/employers", "register_employer", "Register an employer by organisation "
          "number", status=201, roles=WRITERS, body=commands.RegisterEmployerSchema,
          what="employer", response=answers.EmployerSchema),
    Route("GET", "/employers", "list_employers", "All partner employers (country and "
          "org_number: the one with that organisation number)",
          query=commands.EmployersQuerySchema, listing="employers",
          response=answers.EmployerEntrySchema),
    Route("GET", EMPLOYER, "get_employer", "One employer (contact_on_file: whether your "
          "organisation keeps a contact person there)", response=answers.EmployerSchema),
    Route("GET", f"{EMPLOYER}/contact", "read_contact", "Your organisation's contact person at "
          "the employer (personal data: a purpose is required and the read is recorded)",
          query=commands.PurposeSchema, response=answers.ContactPersonSchema),
    Route("PATCH", EMPLOYER, "update_employer", "Change the registry entry (the registering "
          "organisation) and/or your organisation's contact person (null erases it)",
          roles=WRITERS, body=commands.UpdateEmployerSchema, what="employer",
          response=answers.EmployerSchema),
    Route("POST", f"{EMPLOYER}/contacts", "record_employer_contact", "Record your "
          "organisation's contact with the employer: prospecting, a follow-up, or the one that "
          "recruited it as a partner (codes only)", status=201, roles=WRITERS,
          body=commands.RecordEmployerContactSchema, what="employer contacts",
          response=answers.EmployerContactSchema),
    Route("GET", f"{EMPLOYER}/contacts", "list_employer_contacts", "Your organisation's "
          "contacts with the employer, newest first (a page)", query=PageQuerySchema,
          listing="contacts", response=answers.EmployerContactSchema),
    Route("POST", f"{EMPLOYER}/client", "open_client_case", "Take the employer on as a client "
          "of a business coach (your organisation's own case: its needs and the skills it asks "
          "for)", status=201, roles=WRITERS, body=commands.OpenClientSchema,
          what="client case", response=answers.ClientCaseSchema,
          description="409 `client_case_open` if it is one already."),
    Route("GET", f"{EMPLOYER}/client", "get_client_case", "Your organisation's client case "
          "with the employer (404 if none)", response=answers.ClientCaseSchema),
    Route("POST", f"{EMPLOYER}/client/needs", "record_client_needs", "Record what the client "
          "needs and the skills it asks for now", roles=WRITERS,
          body=commands.ClientNeedsSchema, what="client needs",
          response=answers.ClientCaseSchema),
    Route("POST", f"{EMPLOYER}/client/recruitments", "record_recruitment", "Record "
          "recruitments the client made (how many, with which skills, through which kind of "
          "programme or directly)", status=201, roles=WRITERS,
          body=commands.RecruitmentSchema, what="recruitment",
          response=answers.ClientCaseSchema),
    Route("POST", f"{EMPLOYER}/client/close", "close_client_case", "Close the client case",
          roles=WRITERS, body=commands.CloseClientSchema, what="client case",
          response=answers.ClientCaseSchema),
    Route("POST", "/agreements", "sign_agreement", "Sign an agreement with an employer",
          status=201, roles=SIGNERS, body=commands.SignAgreementSchema, what="agreement",
          response=answers.AgreementSchema),
    Route("GET", "/agreements", "list_agreements", "The organisation's agreements (a page)",
          query=PageQuerySchema, listing="agreements", response=answers.AgreementSchema),
    Route("GET", AGREEMENT, "get_agreement", "One agreement", response=answers.AgreementSchema),
    Route("POST", f"{AGREEMENT}/end", "end_agreement", "End or abort an agreement",
          roles=SIGNERS, body=commands.EndAgreementSchema, what="agreement",
          response=answers.AgreementSchema),
    Route("POST", "/opportunities", "post_opportunity", "Post a job opportunity", status=201,
          roles=WRITERS, body=commands.PostOpportunitySchema, what="opportunity",
          response=answers.OpportunitySchema),
    Route("GET", "/opportunities", "list_opportunities", "The organisation's own and all "
          "shared opportunities", query=PageQuerySchema, listing="opportunities",
          response=answers.OpportunitySchema),
    Route("GET", OPP, "get_opportunity", "One opportunity (own or shared)",
          response=answers.OpportunitySchema),
    Route("POST", OPP + "/{action}", "opportunity_action", "a step of an opportunity",
          roles=WRITERS, actions=commands.OPPORTUNITY_ACTIONS, response=answers.OpportunitySchema,
          steps={"share": "Share the opportunity with every partner organisation, some, or "
                          "those serving a region",
                 "unshare": "Stop sharing it (only your organisation sees it)",
                 "withdraw": "Withdraw the opportunity",
                 "take": "Record a place taken outside the platform"},
          notes={
              "share": "Share with all partner organisations (an empty body), with `orgs`, or "
                       "with the organisations serving `municipalities`; a new share "
                       "replaces the last.",
              "unshare": "Stop sharing it.",
              "withdraw": "Withdraw it.",
              "take": "Record a place taken outside the platform."}),
]
