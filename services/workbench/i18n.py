"""The workbench in Norwegian bokmål, Swedish, Danish and English: Babel catalogues (``locales/
<lang>/LC_MESSAGES/messages.po``, read at start: no build step), dates and numbers per locale,
and the platform's own words (kinds, outcomes) from ``pathways.contracts.programmes``."""
import io
from datetime import date
from pathlib import Path

from babel import Locale
from babel.dates import format_date
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal
from babel.support import NullTranslations, Translations

from pathways.contracts import programmes

LANGUAGES = ("nb", "sv", "da", "en")
LOCALES = {"nb": "nb_NO", "sv": "sv_SE", "da": "da_DK", "en": "en_GB"}
NAMES = {"nb": "Norsk (bokmål)", "sv": "Svenska", "da": "Dansk", "en": "English"}
HERE = Path(__file__).parent / "locales"


# The workbench's words for states and events (nb, sv, da, en); the platform's own words for
# kinds, outcomes and the like are in ``pathways.contracts.programmes``.
TERMS = {
    "draft": ("henvist", "anvisad", "henvist", "referred"),
    "shared": ("delt med tiltaksarrangør", "delad med anordnaren", "delt med udbyderen",
               "shared with the provider"),
    "applied": ("søkt", "ansökt", "ansøgt", "applied"),
    "waitlisted": ("på venteliste", "på väntelista", "på venteliste", "on the waiting list"),
    "place_allocated": ("har fått plass", "har fått plats", "har fået plads",
                        "place allocated"),
    "participating": ("deltar", "deltar", "deltager", "participating"),
    "completed": ("fullført", "fullföljd", "gennemført", "completed"),
    "left": ("avbrutt av deltaker", "avbruten av deltagaren", "afbrudt af borgeren", "left"),
    "aborted": ("avbrutt av arrangør", "avbruten av anordnaren", "afbrudt af udbyderen",
                "aborted"),
    "not_relevant": ("ikke aktuell", "inte aktuell", "ikke aktuel", "not relevant"),
    "ParticipantReferred": ("Henvist", "Anvisad", "Henvist", "Referred"),
    "ConsentRecorded": ("Samtykke registrert", "Samtycke registrerat", "Samtykke registreret",
                        "Consent recorded"),
    "ParticipantApplied": ("Søkt om plass", "Ansökt om plats", "Søgt om plads",
                           "Applied for a place"),
    "PlaceAllocated": ("Plass tildelt", "Plats tilldelad", "Plads tildelt", "Place allocated"),
    "ParticipantEnrolled": ("Startet", "Påbörjad", "Startet", "Started"),
    "EnrolmentEnded": ("Avsluttet", "Avslutad", "Afsluttet", "Ended"),
    "EnrolmentDatesCorrected": ("Datoer rettet", "Datum rättade", "Datoer rettet",
                                "Dates corrected"),
    "PlacementProposed": ("Utplassering foreslått", "Placering föreslagen",
                          "Praktik foreslået", "Placement proposed"),
    "PlacementApproved": ("Utplassering godkjent", "Placering godkänd", "Praktik godkendt",
                          "Placement approved"),
    "PlacementStarted": ("Utplassering startet", "Placering påbörjad", "Praktik startet",
                         "Placement started"),
    "FollowUpRecorded": ("Oppfølging", "Uppföljning", "Opfølgning", "Follow-up"),
    "CaseClosed": ("Sak avsluttet", "Ärende avslutat", "Sag afsluttet", "Case closed"),
    "MilestoneReached": ("Milepæl nådd", "Delmål nått", "Milepæl nået", "Milestone reached"),
    "CoachAssigned": ("Veileder tildelt", "Handledare utsedd", "Vejleder tildelt",
                      "Coach assigned"),
    # why an enrolment ended, and its outcome as intake records it
    "got_job": ("fikk jobb", "fick jobb", "fik job", "got a job"),
    "sick": ("syk", "sjuk", "syg", "sick"),
    "needs_other_support": ("trenger annen bistand", "behöver annat stöd",
                            "har brug for anden støtte", "needs other support"),
    "did_not_show": ("møtte ikke", "kom inte", "mødte ikke op", "did not show"),
    "course_full": ("fullt", "fullt", "fuldt", "course full"),
    "moved": ("flyttet", "flyttade", "flyttede", "moved"),
    "employed": ("i arbeid", "i arbete", "i arbejde", "employed"),
    # placements and follow-ups
    "work_trial": ("arbeidstrening", "arbetsträning", "virksomhedspraktik", "work trial"),
    "internship": ("praksisplass", "praktik", "praktik", "internship"),
    "wage_subsidy_temporary": ("midlertidig lønnstilskudd", "tidsbegränsat lönestöd",
                               "tidsbegrænset løntilskud", "temporary wage subsidy"),
    "wage_subsidy_permanent": ("varig lønnstilskudd", "varaktigt lönestöd",
                               "varigt løntilskud", "permanent wage subsidy"),
    "wage_subsidy_job": ("jobb med lønnstilskudd", "anställning med lönestöd",
                         "job med løntilskud", "job with wage subsidy"),
    "small_job": ("småjobb", "småjobb", "småjob", "small job"),
    "mentor_supported": ("med mentor", "med handledare", "med mentor", "with a mentor"),
    "ordinary_job": ("ordinær jobb", "osubventionerat arbete", "ordinært job",
                     "ordinary job"),
    "apprenticeship": ("lærlingplass", "lärlingsplats", "lærlingeplads", "apprenticeship"),
    "visit": ("besøk", "besök", "besøg", "visit"),
    "call": ("samtale på telefon", "telefonsamtal", "telefonsamtale", "phone call"),
    "participant_and_employer": ("deltaker og arbeidsgiver", "deltagare och arbetsgivare",
                                 "borger og arbejdsgiver", "participant and employer"),
    "participant": ("deltaker", "deltagare", "borger", "participant"),
    "employer": ("arbeidsgiver", "arbetsgivare", "arbejdsgiver", "employer"),
    "mentor": ("mentor", "handledare", "mentor", "mentor"),
    "open": ("ledig", "ledig", "ledig", "open"),
    "filled": ("fylt", "tillsatt", "besat", "filled"),
    "active": ("aktiv", "aktiv", "aktiv", "active"),
    "ended": ("avsluttet", "avslutad", "afsluttet", "ended"),
}


def catalogue(lang):
    """The language's translations (English: the source strings themselves)."""
    path = HERE / lang / "LC_MESSAGES" / "messages.po"
    if lang == "en" or not path.exists():
        return NullTranslations()
    with open(path, "rb") as f:
        catalog = read_po(f, locale=LOCALES[lang])
    out = io.BytesIO()
    write_mo(out, catalog)
    out.seek(0)
    return Translations(out)


def negotiate(asked, accept_language):
    """The language: asked for (``?lang=``, the session's), else the browser's first of ours,
    else Norwegian."""
    if asked in LANGUAGES:
        return asked
    for part in (accept_language or "").split(","):
        code = part.split(";")[0].strip().lower()[:2]
        code = "nb" if code in ("no", "nn") else code
        if code in LANGUAGES:
            return code
    return "nb"


def helpers(lang):
    """What templates format with: dates, numbers and the platform's words, in ``lang``."""
    locale = Locale.parse(LOCALES[lang])

    def day(value):
        if not value:
            return "–"
        try:
            return format_date(date.fromisoformat(str(value)[:10]), "medium", locale=locale)
        except ValueError:
            return str(value)

    def number(value):
        return "–" if value is None else format_decimal(value, locale=locale)

    def word(code):
        if code in TERMS:
            return TERMS[code][LANGUAGES.index(lang)]
        return programmes.word(code, lang) if code in programmes.WORDS else \
            str(code or "").replace("_", " ")
    return {"day": day, "number": number, "word": word}
