"""The workbench without servers: every string its pages ask for is translated in every
language, every page renders in all four, and a session cookie is sealed, expires when idle
and opens for nothing else."""
import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from pathways.security.browser import SealedCookie
from pathways.security.callers import Caller
from services.workbench import i18n
from services.workbench.pages import Pages
from services.workbench.sessions import Sessions

TEMPLATES = Path(i18n.__file__).parent / "templates"


def asked_for():
    found = set()
    for path in TEMPLATES.glob("*.html"):
        found |= set(re.findall(r"""_\((?:"([^"]+)"|'([^']+)')""", path.read_text()))
    return {a or b for a, b in found}


@pytest.mark.parametrize("lang", ["nb", "sv", "da"])
def test_every_string_of_the_pages_is_translated(lang):
    with open(i18n.HERE / lang / "LC_MESSAGES" / "messages.po", "rb") as f:
        catalog = read_po(f)
    translated = {m.id: m.string for m in catalog if m.id}
    missing = sorted(s for s in asked_for() if not translated.get(s))
    assert not missing, missing
    assert asked_for()


SESSION = {"token": "t", "org": "org-a", "role": "caseworker", "id": "cw", "csrf": "c",
           "lang": "nb"}


@pytest.mark.parametrize("lang", i18n.LANGUAGES)
def test_every_page_renders_in_every_language(lang):
    pages = Pages(backend=None, submissions=None, zone_of=None)
    e = {"enrolment_id": "e" * 36, "participant_id": "p" * 36, "state": "participating",
         "consent": True, "referred_on": "2026-01-02", "start_date": "2026-01-05",
         "end_date": None, "coach_id": None, "planned_end": None}
    run = {"run_id": "r", "name": "AFT Øst", "programme": "aft", "places": 5,
           "places_in_use": 1, "waitlist": [], "enrolments": [e]}
    html = [
        pages.sign_in(lang, "n"),
        pages.render(SESSION, lang, "caseload.html", caseload=[{
            "run_id": "r", "run_name": "AFT Øst", "programme": "aft", "enrolment_id": "e" * 36,
            "state": "participating", "days_in_state": 12}], due=[], ended=False, offset=100,
            next_offset=200, previous=0),
        pages.render(SESSION, lang, "runs.html", runs=[run]),
        pages.render(SESSION, lang, "run.html", run=run, groups=[("participating", [e])],
                     needs_groups=("standard",), today="2026-03-02", form_id="f"),
        pages.render(SESSION, lang, "enrolment.html", e=e, run=run, case=None,
                     base="/runs/r/enrolments/e", employers=[], placement_kinds=("work_trial",),
                     follow_up_kinds=(), follow_up_with=(), outcomes=("flexjob",),
                     end_statuses=("completed",), end_reasons=("got_job",),
                     outcome_hints=("employed",),
                     today="2026-03-02", form_id="f", timeline=[{
                         "type": "ParticipantEnrolled", "occurred_at": "2026-01-05T12:00:00Z",
                         "recorded_at": "2026-01-06T09:00:00Z", "recorded_by": "cw",
                         "correction": False, "details": {"programme": "aft"}}]),
        pages.render(SESSION, lang, "openings.html", openings=[{
            "opportunity_id": "o", "employer_id": "NO-1", "title": "Lager", "kind": "small_job",
            "hours_per_week": 7.5, "free": 1, "places": 2, "org": "org-b"}],
            names={"NO-1": "Fjord AS"}, participants=[{"enrolment_id": "e" * 36,
                                                       "run_name": "AFT"}], today="2026-03-02",
            form_id="f"),
        pages.render(SESSION, lang, "employer.html", employer={
            "name": "Fjord AS", "org_number": "988077917", "country": "NO",
            "sector": "industry", "municipality": "4601"}, agreements=[], openings=[],
            contacts=[]),
    ]
    for page in html:
        assert f'<html lang="{lang}">' in page
    if lang == "nb":
        assert "Logg inn" in html[0] and "Tidslinje" in html[4] and "fleksjobb" in html[4]
        assert "5. jan. 2026" in html[4]                     # a date as Norwegians write it
    if lang == "en":
        assert "5 Jan 2026" in html[4] and "work preparation training" in html[4]


def test_a_session_cookie_is_sealed_ends_when_idle_and_opens_for_nothing_else():
    now = [1_000_000.0]
    sessions = Sessions(b"s" * 32, idle_minutes=30, clock=lambda: now[0])
    session = sessions.new(Caller("org-a", "caseworker", "cw"), "the-token", "nb")
    cookie = sessions.header(session, secure=True).split(";")[0].split("=", 1)[1]
    assert "the-token" not in cookie and "HttpOnly" in sessions.header(session, True)
    assert "SameSite=Strict" in sessions.header(session, True)
    now[0] += 29 * 60
    assert sessions.open(cookie)["token"] == "the-token"
    now[0] += 2 * 60
    assert sessions.open(cookie) is None                  # 31 minutes idle
    assert sessions.open(cookie[:-2] + "AA") is None      # altered
    other = SealedCookie(b"s" * 32, "another-purpose")
    assert other.open(cookie) is None                     # sealed for another use
    assert not Sessions.csrf_ok(session, "wrong") and Sessions.csrf_ok(session, session["csrf"])


def test_the_browser_language_is_taken_when_none_is_asked_for():
    assert i18n.negotiate(None, "sv-SE,sv;q=0.9,en;q=0.8") == "sv"
    assert i18n.negotiate(None, "nn-NO") == "nb"
    assert i18n.negotiate("da", "sv") == "da"
    assert i18n.negotiate("xx", "fr") == "nb"


def test_every_code_a_form_offers_or_a_page_shows_has_a_word_in_every_language():
    from pathways.contracts.intake import END_REASONS, END_STATUSES, OUTCOME_HINTS
    from pathways.contracts.placement import FOLLOW_UP_KINDS, FOLLOW_UP_WITH, PLACEMENT_KINDS
    from pathways.contracts.programmes import OUTCOMES, PROGRAMMES
    from services.workbench.pages import GROUPS
    codes = {*END_REASONS, *END_STATUSES, *OUTCOME_HINTS, *FOLLOW_UP_KINDS, *FOLLOW_UP_WITH,
             *PLACEMENT_KINDS, *OUTCOMES, *PROGRAMMES, *GROUPS}
    from pathways.contracts.programmes import WORDS
    missing = sorted(c for c in codes if c not in i18n.TERMS and c not in WORDS)
    assert not missing, missing
