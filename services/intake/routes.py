"""Intake's API, declared once: HTTP, RPC and the OpenAPI document are generated from ROUTES."""
from pathways.api.answers import TimelineSchema
from pathways.api.routes import Route
from pathways.application.views import PageQuerySchema
from services.intake import answers, commands, funding_commands

TITLE = "Pathways intake"
RUN, ENROLMENT = "/runs/{run_id}", "/runs/{run_id}/enrolments/{enrolment_id}"
COMMANDERS = ("caseworker", "coordinator", "admin")
PLANNERS = ("coordinator", "admin")
CONTRACT_READERS = ("coordinator", "admin", "auditor")

DATED = ("`date`: the business date it happened on (default: today where the organisation "
         "is); not after today (409 `date_in_future`), not before the referral (409 "
         "`dates_out_of_order`).")
ACTION_NOTES = {
    "milestone": "One its programme's kind declares (400 on `milestone` naming them), after "
                 "the start (409 `not_started`, `dates_out_of_order`); once (the same again "
                 "changes nothing; another date is 409 `milestone_already_reached`).",
    "plan": "Hours a week per activity type from `date` (at most 60 in all: 400 on "
            "`hours_per_week`); a new plan replaces the one before from its date.",
    "hours": "A month's hours attended per activity type: not a month still to come (400 on "
             "`month`), a month of participation (409 `not_started`, `dates_out_of_order`), "
             "types of the plan that month (400 on `hours`). Recorded again, it replaces the "
             "month's record and waits for a new review.",
    "review-hours": "The participant approves or disputes a month's hours (`by`: "
                    "participant), or their coach or co-coach does on their behalf (`by`: "
                    "coach; anyone else: 400 on `by`); once per record (409 "
                    "`hours_already_reviewed`, `no_hours_recorded`).",
    "fee": "For a month of participation (started, not after the end; not after this month: "
           "409 `dates_out_of_order`); once a month (the same again changes nothing, another "
           "amount is 409 `fee_already_charged`). The event holds the enrolment's ids and the "
           "amount only.",
    "fee-paid": "Of a month charged before (409 `no_fee_charged`), at most what is still "
                "outstanding (400 on `amount`).",
    "start": "`start_date` may be planned up to 366 days ahead (409 `start_too_far_ahead`), "
             "never before the referral or a common start (409 `dates_out_of_order`).",
    "participation": "`from_date`: from when the new level holds; not before the start.",
    "end": "`end_date`: not after today, not before the start. Reason and outcome hint must "
           "agree: `got_job` means `employed` and `education` means `education`, and no other "
           "reason gives either; an `aborted` enrolment did not end in work or education "
           "(409 `contradictory_outcome`).",
    "coach": "Coordinators only (403 for a caseworker). Both must be coaches of the "
             "organisation (`POST /coaches`; else 400 naming the field); `date`: when it was "
             "assigned. A closed enrolment keeps its coaches (409 `enrolment_closed`); the same "
             "assignment again changes nothing. Every assignment stays in the run's log "
             "(`CoachAssigned`, naming the coach before).",
    "contact": "A meeting, call, visit or digital contact, in the office or outside it, on "
               "its business `date`, with an outcome code; the caller is who had it. No notes: "
               "an event carries codes only.",
    "extend": "Proposes a later `planned_end` (with a `reason` code) for a participating "
              "enrolment of a run with a stay limit; a coordinator decides. Not past the run's "
              "longest stay (400 on `planned_end`); one proposal at a time (409 "
              "`proposal_open`); later than the planned end (409 `not_an_extension`); 409 "
              "`no_stay_limit` where the run sets none.",
    "decide-extension": "A coordinator grants or refuses the open proposal (`granted`); "
                        "granted moves `planned_end` (409 `no_open_proposal`; 403 for a "
                        "caseworker).",
    "correct": "Corrects dates recorded earlier (`referred_on`, `start_date` of a started "
               "enrolment, `end_date` of an ended one) with an `EnrolmentDatesCorrected` event; "
               "nothing recorded is rewritten. Reports as known at a time before the correction "
               "still show what was believed then; reports as effective on a date use the "
               "corrected dates. The dates must stay in order: referral <= start <= end <= "
               "today (409 `dates_out_of_order`, `date_in_future`, `start_too_far_ahead`; "
               "`not_started`, `not_ended`, `nothing_to_correct`).",
}

STEPS = {
    "share": "Share the referral with the provider",
    "consent": "Record the participant's consent",
    "apply": "Apply for a place (allocated at once unless the run needs approval)",
    "waitlist": "Put the enrolment on the run's waiting list",
    "allocate": "Allocate a place",
    "start": "Start participation (planned up to 366 days ahead)",
    "participation": "Change the participation level",
    "end": "End the enrolment with a status, reason and outcome hint",
    "reject": "Reject before the start (not relevant)",
    "void": "Withdraw an enrolment recorded by mistake",
    "correct": "Correct dates recorded earlier",
    "coach": "Assign the enrolment to a coach (and a co-coach), or reassign it",
    "contact": "Record a contact with the participant (codes only)",
    "extend": "Propose extending the stay",
    "decide-extension": "Grant or refuse a proposed extension",
    "milestone": "Record a milestone of the programme's kind",
    "plan": "Set the participant's activity plan",
    "hours": "Record a month's hours per activity type",
    "review-hours": "Approve or dispute a month's hours",
    "fee": "Charge the participant's own fee for a month",
    "fee-paid": "Record a payment of a month's fee",
}

ARRIVAL_STEPS = {"assess": "Record the assessment: needs group, goal, kind of coach",
                 "route": "Route to a programme run and a coach of the assessed kind",
                 "close": "Close the arrival without a programme, with a reason"}
ARRIVAL_NOTES = {
    "assess": "May be repeated until the arrival is routed or closed; `specialty` must be one of "
              "the organisation's kinds of coach (400).",
    "route": "Refers the person to the run (an enrolment of this organisation's run: else 404) "
             "and assigns the coach, who must be of the assessed kind (400 on `coach_id`); then "
             "the arrival is routed. 409 `not_assessed` before an assessment, `arrival_done` "
             "after a routing or closing, `already_referred` if the person is in the run.",
    "close": "409 `arrival_done` if already routed or closed.",
}

ROUTES = [
    Route("POST", "/runs", "create_run", "Create a programme run", status=201, roles=PLANNERS,
          body=commands.CreateRunSchema, what="programme run",
          response=answers.RunSchema),
    Route("GET", "/runs", "list_runs", "The organisation's programme runs with places in use (a "
          "page: limit up to 500, offset; next_offset leads on)", query=PageQuerySchema,
          listing="runs", response=answers.RunSummarySchema),
    Route("GET", RUN, "get_run", "A programme run with its enrolments and waiting list",
          response=answers.RunSchema),
    Route("POST", f"{RUN}/enrolments", "refer", "Refer a registered participant to the run",
          status=201, roles=COMMANDERS, body=commands.ReferSchema, what="referral",
          response=answers.EnrolmentSchema),
    Route("GET", ENROLMENT, "get_enrolment", "One enrolment", response=answers.EnrolmentSchema),
    Route("GET", ENROLMENT + "/history", "enrolment_history", "The enrolment's timeline: what "
          "happened when, when it was recorded and by whom, corrections marked (codes and "
          "dates only)", roles=COMMANDERS, response=TimelineSchema),
    Route("POST", ENROLMENT + "/{action}", "enrolment_action", "a step of an enrolment",
          roles=COMMANDERS, actions=commands.ENROLMENT_ACTIONS, notes=ACTION_NOTES, steps=STEPS,
          description=DATED, response=answers.EnrolmentSchema),
    Route("POST", f"{RUN}/members", "join_network", "A firm joins a network (a run of a "
          "network kind, e.g. youth_network) from `date`", roles=COMMANDERS,
          body=commands.MemberSchema, what="member", response=answers.RunSummarySchema,
          description="409 `not_a_network` for other kinds, `already_member`; the same again "
                      "changes nothing."),
    Route("POST", f"{RUN}/members/leave", "leave_network", "A member firm leaves a network on "
          "`date`", roles=COMMANDERS, body=commands.MemberSchema, what="member",
          response=answers.RunSummarySchema,
          description="400 on `employer_id` if it is not a member."),
    Route("POST", f"{RUN}/activities", "hold_activity", "Record a network's meeting, company "
          "visit or event on `date`, with the participants (enrolment ids) and member firms "
          "who attended", status=201, roles=COMMANDERS, body=commands.ActivitySchema,
          what="activity", response=answers.ActivityHeldSchema,
          description="Participants must take part in the network that day (400 on "
                      "`participants`), firms and the host be members that day (400 on "
                      "`firms`, `host`)."),
    Route("PUT", f"{RUN}/stay-limit", "set_stay_limit", "Limit how long a place lasts (each "
          "start gets a planned end) and how long extensions may make it", roles=PLANNERS,
          body=commands.StayLimitSchema, what="stay limit", response=answers.RunSchema,
          description="Applies to starts from now on; planned ends already given stay. A "
                      "permanent kind (vta, sheltered_work, production_workshop) has none "
                      "(400 on `days`)."),
    Route("POST", "/coaches", "register_coach", "Make a caseworker or coordinator of the "
          "organisation a coach of one specialty", status=201, roles=PLANNERS,
          body=commands.NewCoachSchema, what="coach", response=answers.CoachSchema),
    Route("GET", "/coaches", "list_coaches", "The organisation's coaches with their loads, to "
          "move work between them (coordinators)", roles=PLANNERS,
          response=answers.CoachesSchema),
    Route("GET", "/caseload", "caseload", "A coach's caseload: the enrolments they hold as "
          "coach or co-coach, with state and days in it (a page)", roles=COMMANDERS,
          query=commands.CaseloadQuerySchema, listing="enrolments",
          response=answers.CaseloadItemSchema),
    Route("GET", "/due", "due", "What is due on a business date: follow-ups, places ending, "
          "extensions to decide, long waits, outcomes to record 1/3/6/12 months after the end "
          "(a caseworker's own; a coordinator's whole organisation or one coach's)",
          roles=COMMANDERS, query=commands.DueQuerySchema, response=answers.DueSchema),
    Route("GET", "/due/export", "due_export", "The same list as CSV, one row per item (the "
          "business date it is computed for in each row)", roles=COMMANDERS,
          query=commands.DueQuerySchema, media="text/csv", generated=False, rpc=False),
    Route("POST", "/arrivals", "record_arrival", "One way in: a registered person arrives by "
          "one of the organisation's ways", status=201, roles=COMMANDERS,
          body=commands.NewArrivalSchema, what="arrival", response=answers.ArrivalSchema),
    Route("GET", "/arrivals", "list_arrivals", "The organisation's arrivals, oldest first (a "
          "page; `state` narrows it)", roles=COMMANDERS, query=commands.ArrivalsQuerySchema,
          listing="arrivals", response=answers.ArrivalSchema),
    Route("GET", "/arrivals/{arrival_id}", "get_arrival", "One arrival", roles=COMMANDERS,
          response=answers.ArrivalSchema),
    Route("POST", "/arrivals/{arrival_id}/{action}", "arrival_action", "a step of an arrival",
          roles=COMMANDERS, actions=commands.ARRIVAL_ACTIONS, steps=ARRIVAL_STEPS,
          notes=ARRIVAL_NOTES, description=DATED, response=answers.ArrivalSchema),
    Route("POST", "/participants", "register_participant", "Register a participant; personal "
          "data goes to the vault only", status=201, roles=COMMANDERS,
          body=commands.ParticipantSchema, what="participant",
          response=answers.RegisteredParticipantSchema),
    Route("GET", "/participants/{participant_id}", "read_personal_data", "Read personal data "
          "(caseworker, coordinator); the read is recorded", query=commands.PurposeSchema,
          response=answers.PersonalDataSchema,
          extra={"410": ("application/json", "the participant's personal data was erased")}),
    Route("POST", "/participants/{participant_id}/erase", "erase_participant", "Erase personal "
          "data by crypto-shredding", roles=PLANNERS, response=answers.ErasedSchema),
    # --- contracts with funders ---
    Route("POST", "/contracts", "make_contract", "Make a contract with a funder for places in "
          "programmes over a period, for your organisation or those you administer "
          "(FEED_GRANTS); not overlapping another of the same funder for the same "
          "organisation and programme", status=201, roles=PLANNERS,
          body=funding_commands.MakeContractSchema, what="contract",
          response=answers.ContractSchema),
    Route("GET", "/contracts", "list_contracts", "The contracts your organisation administers "
          "or is covered by (a page)", roles=CONTRACT_READERS,
          query=funding_commands.ContractsQuerySchema, listing="contracts",
          response=answers.ContractSchema),
    Route("GET", "/contracts/{contract_id}", "get_contract", "One contract",
          roles=CONTRACT_READERS, response=answers.ContractSchema),
    Route("POST", "/contracts/{contract_id}/extend", "extend_contract", "Extend the period "
          "(409 `not_an_extension` unless later)", roles=PLANNERS,
          body=funding_commands.ExtendContractSchema, what="extension",
          response=answers.ContractSchema),
    Route("POST", "/contracts/{contract_id}/move-places", "move_places", "Move places from one "
          "of the contract's organisations to another from a business date (not more than "
          "the first has: 400 on `places`)", roles=PLANNERS,
          body=funding_commands.MovePlacesSchema, what="move of places",
          response=answers.ContractSchema),
    Route("POST", "/contracts/{contract_id}/funding-lines", "add_funding_line", "Add money "
          "from one source over a period within the contract's, in its currency",
          roles=PLANNERS, body=funding_commands.FundingLineSchema, what="funding line",
          response=answers.ContractSchema),
]
