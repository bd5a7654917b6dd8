"""The platform's words for programmes and outcomes, as data every service and partner shares:
each kind of programme with its declared milestones, how long a stay is expected to last (None:
permanent, no end in view), and what it is judged by; each outcome with its KPI family; and
what each word means in Norwegian bokmål, Swedish, Danish and English.

``network``: a network (Roskilde's Nextwork): firms are members of it as well as participants,
and its activities (meetings, company visits, events) gather both.

``not_outcomes``: the outcomes that do not apply to the kind (its own: a resource course does
not end in a resource course).

``judged_by``: ``outcomes`` (the share that ended in work or education) or ``stays``
(permanent adapted work, sheltered work, production workshop places: stays kept and moves on
to ordinary work; an end is not a failure, and no stay counts in the outcome rates)."""
from dataclasses import dataclass


@dataclass(frozen=True)
class Kind:
    milestones: tuple = ()
    expected_days: int | None = 183
    judged_by: str = "outcomes"
    network: bool = False    # firms are members too, and activities gather both
    not_outcomes: tuple = ()   # outcomes that do not apply: going on to the same programme

    def applies(self, outcome):
        return outcome not in self.not_outcomes


KINDS = {
    "oppfolging": Kind(("plan_agreed",), 365),
    "aft": Kind(("assessment_done", "work_trial_started"), 183),
    "vta": Kind((), None, "stays", not_outcomes=("permanent_adapted_work",)),
    "office_places": Kind(("cv_ready", "first_interview"), 92),
    "trade_certificate": Kind(("firm_introduction", "education", "certificate_passed"), 730),
    "small_jobs": Kind((), 365),
    "youth_network": Kind(("first_activity", "company_visit"), 730, network=True),
    "entrepreneurship": Kind(("business_plan", "business_registered"), 183),
    "resource_course": Kind(("plan_agreed", "work_trial_started"), 365,
                            not_outcomes=("resource_course",)),
    "introduction": Kind(("language_course", "civics_course"), 730,
                         not_outcomes=("introduction_course",)),
    "sheltered_work": Kind((), None, "stays", not_outcomes=("sheltered_work",)),
    "production_workshop": Kind((), None, "stays", not_outcomes=("production_workshop",)),
    "other": Kind((), 183),
}
PROGRAMMES = tuple(KINDS)
MILESTONES = tuple(sorted({m for k in KINDS.values() for m in k.milestones}))

# Each outcome's KPI family; work, education and business count as "work or education".
OUTCOME_FAMILIES = {
    "employed_ordinary": "work", "employed_subsidised": "work", "employed_flexible": "work",
    "employed_small_job": "work", "flexjob": "work",
    "education": "education",
    "self_employed": "business", "business_started": "business",
    "other_programme": "other_programme", "resource_course": "other_programme",
    "introduction_course": "other_programme", "sheltered_work": "other_programme",
    "permanent_adapted_work": "other_programme", "production_workshop": "other_programme",
    "not_in_work": "none", "unknown": "none",
}
OUTCOMES = tuple(OUTCOME_FAMILIES)
# What an activity plan's hours are spent on (Rusta och matcha's activity types, NAV's tiltak).
# What a company client of a business coach needs (Strömstad), and the skills employers ask for
# with the kinds of programme that train them (the education offer they are mapped against).
CLIENT_NEEDS = ("recruitment", "skills_development", "retention", "restructuring",
                "inclusion", "other")
SKILLS = {
    "cnc_machining": ("trade_certificate",), "welding": ("trade_certificate",),
    "construction": ("trade_certificate",), "care_work": ("trade_certificate",),
    "warehouse_logistics": ("aft", "small_jobs"), "cleaning": ("small_jobs", "aft"),
    "hospitality": ("small_jobs", "aft"), "customer_service": ("office_places", "aft"),
    "office_admin": ("office_places",), "it_support": ("office_places",),
    "sales": ("office_places",), "local_language": ("introduction",),
    "business_start": ("entrepreneurship",), "driving_licence": (),
}
NETWORK_ACTIVITIES = ("meeting", "company_visit", "event", "workshop")
ACTIVITIES = ("job_search", "guidance", "work_training", "internship", "education", "language",
              "health", "network", "other")
FAMILIES = ("work", "education", "business", "other_programme", "none")
GOOD_FAMILIES = ("work", "education", "business")
WORK_OR_EDUCATION = tuple(o for o, f in OUTCOME_FAMILIES.items() if f in GOOD_FAMILIES)

WORDS = {
    # kinds of programme
    "oppfolging": ("oppfølging", "uppföljning", "opfølgning", "follow-up"),
    "aft": ("arbeidsforberedende trening", "arbetsförberedande träning",
            "arbejdsforberedende træning", "work preparation training"),
    "vta": ("varig tilrettelagt arbeid", "varaktigt anpassat arbete", "varigt tilpasset arbejde",
            "permanent adapted work"),
    "office_places": ("kontorplasser", "kontorsplatser", "kontorpladser", "office places"),
    "trade_certificate": ("fagbrevløp", "yrkesbevis", "svendebrevsforløb",
                          "trade certificate track"),
    "small_jobs": ("småjobber", "småjobb", "småjobs", "small jobs"),
    "youth_network": ("ungdomsnettverk", "ungdomsnätverk", "ungenetværk", "youth network"),
    "entrepreneurship": ("gründerløp", "entreprenörskap", "iværksætterforløb",
                         "entrepreneurship track"),
    "resource_course": ("ressursforløp", "resursförlopp", "ressourceforløb", "resource course"),
    "introduction": ("introduksjonsprogram", "etableringsprogram", "integrationsprogram",
                     "introduction programme"),
    "sheltered_work": ("skjermet arbeid", "skyddat arbete", "beskyttet beskæftigelse",
                       "sheltered work"),
    "production_workshop": ("produksjonsverksted", "produktionsverkstad", "produktionsværksted",
                            "production workshop place"),
    "other": ("annet", "annat", "andet", "other"),
    # outcomes
    "employed_ordinary": ("ordinær jobb", "osubventionerat arbete", "ordinært job",
                          "ordinary job"),
    "employed_subsidised": ("jobb med lønnstilskudd", "subventionerat arbete",
                            "job med løntilskud", "subsidised job"),
    "employed_flexible": ("fleksibel jobb", "flexibelt arbete", "fleksibelt job",
                          "flexible job"),
    "employed_small_job": ("småjobb", "småjobb", "småjob", "small job"),
    "flexjob": ("fleksjobb", "flexjobb", "fleksjob", "flexjob"),
    "education": ("utdanning", "utbildning", "uddannelse", "education"),
    "self_employed": ("selvstendig næringsdrivende", "egenföretagare", "selvstændig",
                      "self-employed"),
    "business_started": ("startet bedrift", "startat företag", "startet virksomhed",
                         "business started"),
    "other_programme": ("annet tiltak", "annan insats", "anden indsats", "another programme"),
    "resource_course": ("ressursforløp", "resursförlopp", "ressourceforløb", "resource course"),
    "introduction_course": ("introduksjonskurs", "etableringskurs", "integrationsforløb",
                            "introduction course"),
    "sheltered_work": ("skjermet arbeid", "skyddat arbete", "beskyttet beskæftigelse",
                       "sheltered work"),
    "permanent_adapted_work": ("varig tilrettelagt arbeid", "varaktigt anpassat arbete",
                               "varigt tilpasset arbejde", "permanent adapted work"),
    "production_workshop": ("produksjonsverksted", "produktionsverkstad", "produktionsværksted",
                            "production workshop place"),
    "not_in_work": ("ikke i arbeid", "inte i arbete", "ikke i arbejde", "not in work"),
    "unknown": ("ukjent", "okänt", "ukendt", "unknown"),
    # milestones
    "plan_agreed": ("plan avtalt", "plan överenskommen", "plan aftalt", "plan agreed"),
    "assessment_done": ("kartlegging ferdig", "kartläggning klar", "afklaring færdig",
                        "assessment done"),
    "work_trial_started": ("arbeidstrening startet", "arbetsträning påbörjad",
                           "praktik startet", "work trial started"),
    "cv_ready": ("CV klar", "CV klar", "CV klar", "CV ready"),
    "first_interview": ("første intervju", "första intervju", "første samtale",
                        "first interview"),
    "firm_introduction": ("introduksjon i bedrift", "introduktion på företag",
                          "introduktion i virksomhed", "introduction at a firm"),
    "certificate_passed": ("fagbrev bestått", "yrkesbevis godkänt", "svendeprøve bestået",
                           "certificate passed"),
    "first_activity": ("første aktivitet", "första aktivitet", "første aktivitet",
                       "first activity"),
    "company_visit": ("bedriftsbesøk", "företagsbesök", "virksomhedsbesøg", "company visit"),
    "business_plan": ("forretningsplan", "affärsplan", "forretningsplan", "business plan"),
    "business_registered": ("bedrift registrert", "företag registrerat",
                            "virksomhed registreret", "business registered"),
    "language_course": ("språkopplæring", "språkutbildning", "sprogundervisning",
                        "language course"),
    "civics_course": ("samfunnskunnskap", "samhällsorientering", "samfundsforståelse",
                      "civics course"),
    # company clients' needs
    "recruitment": ("rekruttering", "rekrytering", "rekruttering", "recruitment"),
    "skills_development": ("kompetanseutvikling", "kompetensutveckling", "kompetenceudvikling",
                           "skills development"),
    "retention": ("beholde ansatte", "behålla personal", "fastholdelse", "retention"),
    "restructuring": ("omstilling", "omställning", "omstilling", "restructuring"),
    "inclusion": ("inkludering", "inkludering", "inklusion", "inclusion"),
    # skills asked for
    "cnc_machining": ("CNC-maskinering", "CNC-bearbetning", "CNC-bearbejdning",
                      "CNC machining"),
    "welding": ("sveising", "svetsning", "svejsning", "welding"),
    "construction": ("bygg og anlegg", "bygg och anläggning", "byggeri og anlæg",
                     "construction"),
    "care_work": ("helse og omsorg", "vård och omsorg", "sundhed og omsorg", "care work"),
    "warehouse_logistics": ("lager og logistikk", "lager och logistik", "lager og logistik",
                            "warehouse and logistics"),
    "cleaning": ("renhold", "städ", "rengøring", "cleaning"),
    "hospitality": ("hotell og restaurant", "hotell och restaurang", "hotel og restaurant",
                    "hospitality"),
    "customer_service": ("kundeservice", "kundtjänst", "kundeservice", "customer service"),
    "office_admin": ("kontor og administrasjon", "kontor och administration",
                     "kontor og administration", "office and administration"),
    "it_support": ("IT-støtte", "IT-support", "IT-support", "IT support"),
    "sales": ("salg", "försäljning", "salg", "sales"),
    "local_language": ("norsk", "svenska", "dansk", "the local language"),
    "business_start": ("etablering av bedrift", "starta företag", "virksomhedsstart",
                       "starting a business"),
    "driving_licence": ("førerkort", "körkort", "kørekort", "driving licence"),
    # network activities
    "meeting": ("samling", "träff", "møde", "meeting"),
    "company_visit": ("bedriftsbesøk", "företagsbesök", "virksomhedsbesøg", "company visit"),
    "event": ("arrangement", "evenemang", "arrangement", "event"),
    "workshop": ("verksted", "workshop", "workshop", "workshop"),
    # activities
    "job_search": ("jobbsøking", "jobbsökande", "jobsøgning", "job search"),
    "guidance": ("veiledning", "vägledning", "vejledning", "guidance"),
    "work_training": ("arbeidstrening", "arbetsträning", "arbejdstræning", "work training"),
    "internship": ("praksis", "praktik", "praktik", "internship"),
    "language": ("språkopplæring", "språkträning", "sprogtræning", "language training"),
    "health": ("helse og mestring", "hälsa och rehabilitering", "sundhed og mestring",
               "health and coping"),
    "network": ("nettverkssamling", "nätverksträff", "netværksmøde", "network meeting"),
}
LANGUAGES = ("nb", "sv", "da", "en")


def word(code: str, language: str) -> str:
    """What a code (kind, outcome, milestone, activity) is called in ``language``."""
    return WORDS.get(code, (code,) * 4)[LANGUAGES.index(language)]
