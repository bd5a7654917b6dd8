"""The workbench's pages: each takes the signed-in session and what the browser sent, calls the
services' public APIs with the person's own token (``backend``), and renders HTML (Jinja2,
autoescaped, in the person's language). A form that fails shows the API's field errors next to
its fields and its refusals as a message; a form sent twice records once (its ``form_id``)."""
import os
import threading
import time
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape
from pymongo.errors import DuplicateKeyError

from pathways.contracts.intake import END_REASONS, END_STATUSES, NEEDS_GROUPS, OUTCOME_HINTS
from pathways.contracts.placement import FOLLOW_UP_KINDS, FOLLOW_UP_WITH, PLACEMENT_KINDS
from pathways.contracts.programmes import OUTCOMES
from pathways.security.browser import b64
from pathways.timeutil import today_in
from services.workbench import i18n
from services.workbench.backend import ApiError

TEMPLATES = Path(__file__).parent / "templates"
GROUPS = ("draft", "shared", "applied", "waitlisted", "place_allocated", "participating",
          "completed", "left", "aborted", "not_relevant")
PAGE = 100
KIND_OF_OPENING = {"work_trial": "work_trial", "internship": "internship",
                   "small_job": "small_job", "ordinary_job": "ordinary_job",
                   "apprenticeship": "apprenticeship", "wage_subsidy_job": "wage_subsidy_job"}
"""The kind of placement a place in an opening of each kind is."""
DUE_SHOWN = 50
"""Rows of a caseload page (the next page is a link away)."""
KEEP_SUBMISSIONS = 24 * 3600
"""A form sent again within a day goes where the first went (a double click, a reload)."""


class Page(Exception):
    """An answer decided on the way (a redirect, an error page)."""

    def __init__(self, status, headers=None, body=""):
        self.answer = (status, headers or {}, body)


class Pages:
    def __init__(self, backend, submissions, zone_of, idle_minutes=30):
        self.backend, self.submissions, self.zone_of = backend, submissions, zone_of
        self.idle, self.oidc = idle_minutes, False   # oidc: sign-in at a provider offered
        self.envs = {}
        for lang in i18n.LANGUAGES:
            env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(),
                              extensions=["jinja2.ext.i18n"])
            env.install_gettext_translations(i18n.catalogue(lang), newstyle=True)
            env.globals.update(i18n.helpers(lang), lang=lang,
                               languages=[(c, i18n.NAMES[c]) for c in i18n.LANGUAGES])
            self.envs[lang] = env

    def render(self, session, lang, template, **context):
        base = {"session": session, "errors": {}, "values": {}, "message": None, "done": None}
        return self.envs[lang].get_template(template).render({**base, **context})

    def api(self, session, service, method, path, body=None, params=None):
        return self.backend.call(session["token"], service, method, path, body, params)

    def today(self, session):
        return today_in(self.zone_of(session["org"]))

    # --- pages ------------------------------------------------------------------------------------
    def sign_in(self, lang, csrf, message=None):
        return self.render(None, lang, "sign_in.html", csrf=csrf, idle=self.idle,
                           message=message, oidc=self.oidc)

    def caseload(self, session, lang, ended=False, offset=0):
        """A page of the person's caseload (``PAGE`` rows; ended ones too if asked), and what
        is due for them today."""
        found, due = together(
            lambda: self.api(session, "intake", "GET", "/caseload", params={
                "include_closed": "true" if ended else "false", "limit": PAGE,
                "offset": offset}),
            lambda: self.api(session, "intake", "GET", "/due",
                             params={"coach": session["id"]})["items"])
        return self.render(session, lang, "caseload.html", caseload=found["enrolments"],
                           due=due[:DUE_SHOWN], more_due=max(len(due) - DUE_SHOWN, 0),
                           ended=ended, offset=offset,
                           next_offset=found.get("next_offset"),
                           previous=max(offset - PAGE, 0) if offset else None)

    def runs(self, session, lang):
        runs = self.api(session, "intake", "GET", "/runs", params={"limit": 500})["runs"]
        return self.render(session, lang, "runs.html", runs=runs)

    def run(self, session, lang, run_id, errors=None, values=None, message=None):
        run = self.api(session, "intake", "GET", f"/runs/{run_id}")
        groups = [(s, [e for e in run["enrolments"] if e["state"] == s]) for s in GROUPS]
        return self.render(session, lang, "run.html", run=run,
                           groups=[(s, rows) for s, rows in groups if rows],
                           needs_groups=NEEDS_GROUPS, today=self.today(session),
                           form_id=new_id(), errors=errors or {}, values=values or {},
                           message=message)

    def enrolment(self, session, lang, run_id, enrolment_id, errors=None, values=None,
                  message=None, done=None):
        base = f"/runs/{run_id}/enrolments/{enrolment_id}"
        e = self.api(session, "intake", "GET", base)
        run = {"run_id": run_id, "name": e["run_name"], "programme": e["programme"]}
        history = [dict(t, source="intake") for t in
                   self.api(session, "intake", "GET", f"{base}/history")["entries"]]
        case = None
        try:
            case = self.api(session, "placement", "GET", f"/cases/{enrolment_id}")
            history += self.api(session, "placement", "GET",
                                f"/cases/{enrolment_id}/history")["entries"]
        except ApiError as err:
            if err.status != 404:
                message = message or str(err)
        employers = []
        if e["state"] == "participating":
            try:
                employers = self.api(session, "employer", "GET", "/employers",
                                     params={"limit": 500})["employers"]
            except ApiError as err:
                message = message or str(err)
        history.sort(key=lambda t: (t["occurred_at"], t["recorded_at"]))
        return self.render(session, lang, "enrolment.html", e=e, run=run, case=case,
                           base=base, timeline=history, employers=employers,
                           placement_kinds=PLACEMENT_KINDS, follow_up_kinds=FOLLOW_UP_KINDS,
                           follow_up_with=FOLLOW_UP_WITH, outcomes=OUTCOMES,
                           end_statuses=END_STATUSES, end_reasons=END_REASONS,
                           outcome_hints=OUTCOME_HINTS,
                           today=self.today(session), form_id=new_id(),
                           errors=errors or {}, values=values or {}, message=message,
                           done=done)

    def openings(self, session, lang, errors=None, values=None, message=None):
        """The board of openings: the organisation's own and those shared with it, with the
        places still free, and "take a place" for one of the person's participants."""
        openings, caseload = together(
            lambda: self.api(session, "employer", "GET", "/opportunities",
                             params={"limit": 500})["opportunities"],
            lambda: self.api(session, "intake", "GET", "/caseload",
                             params={"limit": 500})["enrolments"])
        openings = [o for o in openings if o["status"] == "open"]
        names = self._employer_names(session, {o["employer_id"] for o in openings})
        return self.render(session, lang, "openings.html", openings=openings, names=names,
                           participants=[r for r in caseload if r["state"] == "participating"],
                           today=self.today(session), form_id=new_id(),
                           errors=errors or {}, values=values or {}, message=message)

    def _employer_names(self, session, ids):
        known = {e["employer_id"]: e["name"] for e in self.api(
            session, "employer", "GET", "/employers", params={"limit": 500})["employers"]}
        return {i: known.get(i, i) for i in ids}

    def employer(self, session, lang, employer_id):
        """An employer's page: the registry entry, the organisation's agreements, openings and
        contacts with it."""
        entry, agreements, openings, contacts = together(
            lambda: self.api(session, "employer", "GET", f"/employers/{employer_id}"),
            lambda: self.api(session, "employer", "GET", "/agreements",
                             params={"limit": 500})["agreements"],
            lambda: self.api(session, "employer", "GET", "/opportunities",
                             params={"limit": 500})["opportunities"],
            lambda: self.api(session, "employer", "GET", f"/employers/{employer_id}/contacts",
                             params={"limit": 50})["contacts"])
        return self.render(session, lang, "employer.html", employer=entry,
                           agreements=[a for a in agreements if a["employer_id"] == employer_id],
                           openings=[o for o in openings if o["employer_id"] == employer_id],
                           contacts=contacts)

    def take(self, session, opportunity_id, form):
        """A place in an opening taken for one of the person's participants: the placement,
        agreed by the three parties, started on its date (if that has come)."""
        opening = self.api(session, "employer", "GET", f"/opportunities/{opportunity_id}")
        self.placement(session, form.get("enrolment_id") or "-", form, {
            "employer_id": opening["employer_id"], "opportunity_id": opportunity_id,
            "kind": KIND_OF_OPENING.get(opening["kind"], "work_trial"),
            "hours_per_week": opening["hours_per_week"] or 37.5}, ("participant", "employer"))
        return "/openings"

    def person(self, session, lang, participant_id, purpose, back):
        person = self.api(session, "intake", "GET", f"/participants/{participant_id}",
                          params={"purpose": purpose})
        return self.render(session, lang, "person.html", person=person, back=back)

    # --- forms ------------------------------------------------------------------------------------
    def once(self, form_id, action):
        """Run ``action()`` (which returns where to go next) once per form: the same form sent
        again goes where the first went, and records nothing more."""
        if not form_id or len(form_id) > 64:
            return action()
        now = time.time()
        try:
            self.submissions.insert_one({"_id": form_id, "to": None, "at": now})
        except DuplicateKeyError:
            done = self.submissions.find_one({"_id": form_id}) or {}
            if done.get("to"):
                return done["to"]
            raise ApiError(409, {"error": "being_saved",
                                 "message": "this form is being saved already"}) from None
        try:
            to = action()
        except Exception:
            self.submissions.delete_one({"_id": form_id})    # failed: it may be sent again
            raise
        self.submissions.update_one({"_id": form_id}, {"$set": {"to": to}})
        self.submissions.delete_many({"at": {"$lt": now - KEEP_SUBMISSIONS}})
        return to

    def refer(self, session, run_id, form):
        person = {k: form.get(k) for k in ("country", "national_id", "given_name",
                                           "family_name", "municipality", "needs_group")}
        try:
            pid = self.api(session, "intake", "POST", "/participants", person)["participant_id"]
        except ApiError as err:
            if err.status != 409 or "participant_id" not in err.body:
                raise
            pid = err.body["participant_id"]     # known already: refer the same person
        body = {"participant_id": pid, **({"date": form["date"]} if form.get("date") else {})}
        e = self.api(session, "intake", "POST", f"/runs/{run_id}/enrolments", body)
        return f"/runs/{run_id}/enrolments/{e['enrolment_id']}"

    def step(self, session, run_id, enrolment_id, action, form):
        base = f"/runs/{run_id}/enrolments/{enrolment_id}"
        bodies = {
            "consent": lambda: {"given_by": form.get("given_by") or "participant"},
            "apply": lambda: {},
            "start": lambda: {"start_date": form.get("start_date"),
                              "percent": number(form.get("percent"), 100),
                              "days_per_week": number(form.get("days_per_week"), 5)},
            "allocate": lambda: {},
            "end": lambda: {"end_date": form.get("end_date"), "status": form.get("status"),
                            "reason": form.get("reason"),
                            "outcome_hint": form.get("outcome_hint") or "unknown"},
        }
        if action not in bodies:
            raise Page(404)
        self.api(session, "intake", "POST", f"{base}/{action}", bodies[action]())
        return base

    def placement(self, session, enrolment_id, form, fixed=None, agreed=None):
        case = f"/cases/{enrolment_id}"
        agreed = list(agreed or form.getlist("agreed"))
        p = self.api(session, "placement", "POST", f"{case}/placements", {
            "employer_id": form.get("employer_id"), "kind": form.get("kind"),
            "hours_per_week": number(form.get("hours_per_week"), None, float),
            "start_date": form.get("start_date"), **(fixed or {})})
        path = f"{case}/placements/{p['placement_id']}"
        for party in [*agreed, "caseworker"]:
            self.api(session, "placement", "POST", f"{path}/approve", {"party": party})
        if set(agreed) >= {"participant", "employer"} and \
                form.get("start_date", "9") <= self.today(session):
            self.api(session, "placement", "POST", f"{path}/start",
                     {"start_date": form.get("start_date")})
        return form.get("back") or "/caseload"

    def follow_up(self, session, enrolment_id, form):
        self.api(session, "placement", "POST",
                 f"/cases/{enrolment_id}/placements/{form.get('placement_id')}/follow-ups",
                 {"date": form.get("date"), "kind": form.get("kind"),
                  "with_whom": form.get("with_whom")})
        return form.get("back") or "/caseload"

    def close(self, session, enrolment_id, form):
        self.api(session, "placement", "POST", f"/cases/{enrolment_id}/close",
                 {"outcome": form.get("outcome"), "date": form.get("date")})
        return form.get("back") or "/caseload"


def together(*calls):
    """The answers of ``calls`` made at once (threads; green ones in the service), so that a
    page waits for the slowest API call, not for their sum; the first failure is raised."""
    results = [None] * len(calls)

    def run(i):
        try:
            results[i] = (True, calls[i]())
        except Exception as err:     # raised below, in the page's own thread
            results[i] = (False, err)
    threads = [threading.Thread(target=run, args=(i,), daemon=True) for i in range(len(calls))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for ok, value in results:
        if not ok:
            raise value
    return [value for _, value in results]


def new_id():
    return b64(os.urandom(12))


def number(value, default, kind=int):
    """A form's number as the API takes it; what is not a number goes as given, for the API's
    400 to name the field."""
    if value in (None, ""):
        return default
    try:
        return kind(value)
    except ValueError:
        return value
