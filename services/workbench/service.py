"""The caseworker's workbench: a web application served by the platform as a service of its
own, which calls the other services' public HTTP APIs with the signed-in person's token, as a
partner's own front end would (it imports none of their code).

Config (README): INTAKE_URL, EMPLOYER_URL, PLACEMENT_URL (the services' base URLs),
WORKBENCH_SECRET (seals the session cookies, >= 32 characters; default: random per start),
SESSION_IDLE_MINUTES (30), and the tokens of AUTH_TOKENS, which sign-in checks.
"""
import os
import re
from dataclasses import dataclass
from urllib.parse import urlencode

from nameko.extensions import DependencyProvider

from pathways.operations.settings import Settings, _number, settings_of
from pathways.runtime import EventLog
from pathways.runtime.dependencies import service_database
from pathways.runtime.entrypoints import http
from pathways.runtime.health import HealthEntrypoints
from pathways.runtime.http import json_endpoint
from pathways.security.browser import SECURITY_HEADERS, SealedCookie, cross_site
from pathways.security.callers import caller_from
from services.workbench import i18n
from services.workbench.backend import ApiError, Backend
from services.workbench.pages import Page, Pages, new_id
from services.workbench.oidc import Provider
from services.workbench.sessions import COOKIE, MAX_HOURS, Sessions

SIGN_IN_COOKIE = "pathways_workbench_signin"
OIDC_COOKIE = "pathways_workbench_oidc"


def _url(config, key, default):
    value = config.get(key) or default
    if not str(value).startswith(("http://", "https://")):
        raise ValueError(f"config error: {key} must be an http(s) URL")
    return str(value)


def _secret(value):
    if not value:
        return os.urandom(32)
    if len(str(value)) < 32:
        raise ValueError("config error: WORKBENCH_SECRET must be at least 32 characters")
    return str(value).encode()


@dataclass(frozen=True)
class WorkbenchSettings(Settings):
    urls: dict                 # INTAKE_URL, EMPLOYER_URL, PLACEMENT_URL
    workbench_secret: bytes    # WORKBENCH_SECRET
    idle_minutes: int          # SESSION_IDLE_MINUTES
    oidc: tuple | None         # OIDC_ISSUER, OIDC_CLIENT_ID, OIDC_CLIENT_SECRET, OIDC_REDIRECT_URL

    READERS = {"urls": lambda c: {
                   "intake": _url(c, "INTAKE_URL", "http://localhost:8001"),
                   "employer": _url(c, "EMPLOYER_URL", "http://localhost:8002"),
                   "placement": _url(c, "PLACEMENT_URL", "http://localhost:8003")},
               "workbench_secret": lambda c: _secret(c.get("WORKBENCH_SECRET")),
               "idle_minutes": lambda c: _number(c, "SESSION_IDLE_MINUTES", 30, int),
               "oidc": lambda c: _oidc(c)}


def _oidc(c):
    """The OpenID Connect client, when the workbench signs people in at a provider."""
    if not c.get("OIDC_CLIENT_ID"):
        return None
    if not c.get("OIDC_ISSUER") or not c.get("OIDC_CLIENT_SECRET"):
        raise ValueError("config error: OIDC_CLIENT_ID needs OIDC_ISSUER and OIDC_CLIENT_SECRET")
    return (_url(c, "OIDC_ISSUER", None), str(c["OIDC_CLIENT_ID"]),
            str(c["OIDC_CLIENT_SECRET"]), c.get("OIDC_REDIRECT_URL") or None)


class Workbench(DependencyProvider):
    """The pages and the sessions, built once per container."""

    def setup(self):
        settings = settings_of(self.container)
        db = service_database(self.container)
        submissions, self.signed_out = db["submissions"], db["signed_out"]
        self.pages = Pages(Backend(settings.urls), submissions, settings.zone_of,
                           settings.idle_minutes)
        self.sessions = Sessions(settings.workbench_secret, settings.idle_minutes)
        self.started = SealedCookie(settings.workbench_secret, "workbench-oidc")
        self.tokens = settings.tokens
        self.provider = Provider(*settings.oidc) if settings.oidc else None
        self.pages.oidc = self.provider is not None

    def get_dependency(self, worker_ctx):
        return self


def _html(status, body, cookie=None):
    headers = {**SECURITY_HEADERS, "Content-Type": "text/html; charset=utf-8"}
    if cookie:
        headers["Set-Cookie"] = cookie
    return status, headers, body


def _redirect(to, cookie=None):
    headers = {**SECURITY_HEADERS, "Location": to}
    if cookie:
        headers["Set-Cookie"] = cookie
    return 303, headers, ""


class WorkbenchService(HealthEntrypoints):
    name = "workbench"
    settings = WorkbenchSettings
    event_log = EventLog()     # every service has one (empty here): health reads its relay
    bench = Workbench()

    # --- sessions ---------------------------------------------------------------------------------
    def _secure(self, request):
        return request.scheme == "https" or \
            request.headers.get("X-Forwarded-Proto", "") == "https"

    def _lang(self, request, session=None):
        asked = request.args.get("lang") or (session or {}).get("lang")
        return i18n.negotiate(asked, request.headers.get("Accept-Language"))

    def _session(self, request):
        """The signed-in session (seen now), or a 303 to the sign-in page."""
        session = self.bench.sessions.open(request.cookies.get(COOKIE))
        if session is None or self.bench.signed_out.find_one({"_id": session.get("sid")}):
            raise Page(*_redirect("/sign-in"))
        if request.args.get("lang") in i18n.LANGUAGES:
            session["lang"] = request.args["lang"]
        return session

    def _page(self, request, render, status=200):
        """Render a page for the signed-in person, renewing the session's idle clock; an API's
        refusal becomes a page that says it."""
        try:
            session = self._session(request)
            lang = self._lang(request, session)
            body = render(session, lang)
        except Page as page:
            return page.answer
        except ApiError as err:
            if err.status == 401:    # the token has expired (or was revoked): sign in again
                return _redirect("/sign-in", self.bench.sessions.header(None,
                                                                        self._secure(request)))
            return self._error_page(request, err)
        return _html(status, body, self.bench.sessions.header(session, self._secure(request)))

    def _error_page(self, request, err):
        session = self.bench.sessions.open(request.cookies.get(COOKIE))
        lang = self._lang(request, session)
        pages = self.bench.pages
        status = err.status if err.status in (403, 404, 409, 503) else 502
        return _html(status, pages.render(session, lang, "error.html", title=str(err.status),
                                          text=str(err)))

    def _form(self, request):
        """The signed-in session of a form from this site, with its CSRF token; else 403."""
        session = self._session(request)
        if cross_site(request.headers) or not self.bench.sessions.csrf_ok(
                session, request.form.get("csrf")):
            raise Page(*_html(403, self.bench.pages.render(
                session, self._lang(request, session), "error.html", title="403",
                text="This form was not sent from the workbench's own page, or it is too "
                     "old: open the page again and send it from there.")))
        return session

    # --- sign in / out ----------------------------------------------------------------------------
    @http("GET", "/")
    @json_endpoint
    def http_home(self, request):
        return _redirect("/caseload")

    @http("GET", "/sign-in")
    @json_endpoint
    def http_sign_in_page(self, request):
        # the same nonce for every load of the page in this browser (a reload, a prefetch)
        kept = request.cookies.get(SIGN_IN_COOKIE) or ""
        nonce = kept if re.fullmatch(r"[A-Za-z0-9_-]{16}", kept) else new_id()
        lang = self._lang(request)
        cookie = (f"{SIGN_IN_COOKIE}={nonce}; Max-Age=3600; Path=/sign-in; HttpOnly; "
                  f"SameSite=Strict" + ("; Secure" if self._secure(request) else ""))
        return _html(200, self.bench.pages.sign_in(lang, nonce), cookie)

    @http("POST", "/sign-in")
    @json_endpoint
    def http_sign_in(self, request):
        lang = self._lang(request)
        nonce = request.cookies.get(SIGN_IN_COOKIE)
        if cross_site(request.headers) or not nonce or request.form.get("csrf") != nonce:
            return _html(403, self.bench.pages.sign_in(lang, new_id(), "Sign in from this "
                                                       "site's own page."))
        try:
            caller = caller_from(f"Bearer {request.form.get('token', '')}", self.bench.tokens)
            caller.require("caseworker", "coordinator", "admin")
        except Exception:
            return _html(401, self.bench.pages.sign_in(lang, nonce, "That token is not one "
                                                       "the workbench takes."))
        session = self.bench.sessions.new(caller, request.form["token"], lang)
        return _redirect("/caseload", self.bench.sessions.header(session,
                                                                 self._secure(request)))

    @http("GET", "/oidc/start")
    @json_endpoint
    def http_oidc_start(self, request):
        """To the organisation's identity provider, to sign in there."""
        provider = self.bench.provider
        if provider is None:
            return _redirect("/sign-in")
        redirect_uri = provider.redirect_url or f"{request.host_url.rstrip('/')}/oidc/callback"
        try:
            url, started = provider.start(redirect_uri)
        except Exception:
            return _html(503, self.bench.pages.sign_in(self._lang(request), new_id(),
                                                       "The identity provider did not answer."))
        started["lang"] = self._lang(request)
        # Lax, not Strict: the provider sends the browser back from its own site
        cookie = (f"{OIDC_COOKIE}={self.bench.started.seal(started)}; Max-Age=600; Path=/oidc; "
                  f"HttpOnly; SameSite=Lax" + ("; Secure" if self._secure(request) else ""))
        return 303, {**SECURITY_HEADERS, "Location": url, "Set-Cookie": cookie}, ""

    @http("GET", "/oidc/callback")
    @json_endpoint
    def http_oidc_callback(self, request):
        """Back from the provider: the code for tokens, then a session with its access token."""
        started = self.bench.started.open(request.cookies.get(OIDC_COOKIE))
        lang = (started or {}).get("lang") or self._lang(request)
        if self.bench.provider is None or not started or \
                request.args.get("state") != started["state"] or not request.args.get("code"):
            return _html(400, self.bench.pages.sign_in(lang, new_id(), "That sign-in did not "
                                                       "start here, or took too long: try again."))
        try:
            token = self.bench.provider.finish(request.args["code"], started)
        except Exception:
            return _html(401, self.bench.pages.sign_in(lang, new_id(), "The identity "
                                                       "provider's answer could not be checked."))
        caller = self.bench.tokens.get(token)
        if caller is None or caller.role not in ("caseworker", "coordinator", "admin"):
            return _html(403, self.bench.pages.sign_in(lang, new_id(), "Your identity gives "
                                                       "you no role in the workbench."))
        session = self.bench.sessions.new(caller, token, lang)
        headers = {**SECURITY_HEADERS, "Content-Type": "text/html; charset=utf-8",
                   "Set-Cookie": self.bench.sessions.header(session, self._secure(request))}
        # a page of this site that moves on: after a redirect chain that began at the
        # provider's site, a browser would not send the (SameSite=Strict) session cookie
        return 200, headers, ('<!doctype html><html lang="en"><head><meta charset="utf-8">'
                              '<meta http-equiv="refresh" content="0;url=/caseload">'
                              '<title>Pathways</title></head><body><a href="/caseload">'
                              'Continue</a></body></html>')

    @http("POST", "/sign-out")
    @json_endpoint
    def http_sign_out(self, request):
        try:
            session = self._form(request)
        except Page as page:
            return page.answer
        self.bench.signed_out.update_one({"_id": session["sid"]}, {"$set": {
            "until": session["start"] + MAX_HOURS * 3600}}, upsert=True)
        # sessions that have ended anyway need no record
        self.bench.signed_out.delete_many({"until": {"$lt": session["seen"]}})
        return _redirect("/sign-in", self.bench.sessions.header(None, self._secure(request)))

    # --- pages ------------------------------------------------------------------------------------
    @http("GET", "/caseload")
    @json_endpoint
    def http_caseload(self, request):
        offset = request.args.get("offset", "0")
        offset = int(offset) if offset.isdigit() and len(offset) < 7 else 0
        return self._page(request, lambda s, lang: self.bench.pages.caseload(
            s, lang, request.args.get("ended") == "1", offset))

    @http("GET", "/runs")
    @json_endpoint
    def http_runs(self, request):
        return self._page(request, lambda s, lang: self.bench.pages.runs(s, lang))

    @http("GET", "/runs/<run_id>")
    @json_endpoint
    def http_run(self, request, run_id):
        return self._page(request, lambda s, lang: self.bench.pages.run(s, lang, run_id))

    @http("GET", "/runs/<run_id>/enrolments/<enrolment_id>")
    @json_endpoint
    def http_enrolment(self, request, run_id, enrolment_id):
        return self._page(request, lambda s, lang: self.bench.pages.enrolment(
            s, lang, run_id, enrolment_id, done=request.args.get("done")))

    @http("GET", "/openings")
    @json_endpoint
    def http_openings(self, request):
        return self._page(request, lambda s, lang: self.bench.pages.openings(s, lang))

    @http("GET", "/employers/<employer_id>")
    @json_endpoint
    def http_employer(self, request, employer_id):
        return self._page(request, lambda s, lang: self.bench.pages.employer(
            s, lang, employer_id))

    @http("POST", "/openings/<opportunity_id>/take")
    @json_endpoint
    def http_take(self, request, opportunity_id):
        return self._submit(request, "take", lambda s: self.bench.pages.take(
            s, opportunity_id, request.form), lambda s, lang, errors, message:
            self.bench.pages.openings(s, lang, {"take": errors}, request.form.to_dict(),
                                      message or "; ".join(
                                          f"{k}: {' '.join(v)}" for k, v in errors.items())))

    @http("POST", "/participants/<participant_id>/show")
    @json_endpoint
    def http_show(self, request, participant_id):
        try:
            self._form(request)
        except Page as page:
            return page.answer
        back = request.form.get("back") or "/caseload"
        if not back.startswith("/") or back.startswith("//"):
            back = "/caseload"
        return self._page(request, lambda s, lang: self.bench.pages.person(
            s, lang, participant_id, request.form.get("purpose", ""), back))

    # --- forms ------------------------------------------------------------------------------------
    @http("POST", "/runs/<run_id>/refer")
    @json_endpoint
    def http_refer(self, request, run_id):
        return self._submit(request, "refer", lambda s: self.bench.pages.refer(
            s, run_id, request.form), lambda s, lang, errors, message: self.bench.pages.run(
            s, lang, run_id, errors, request.form.to_dict(), message))

    @http("POST", "/runs/<run_id>/enrolments/<enrolment_id>/<action>")
    @json_endpoint
    def http_step(self, request, run_id, enrolment_id, action):
        return self._submit(request, action, lambda s: self.bench.pages.step(
            s, run_id, enrolment_id, action, request.form), self._again(
            request, run_id, enrolment_id, action))

    @http("POST", "/cases/<enrolment_id>/<action>")
    @json_endpoint
    def http_case(self, request, enrolment_id, action):
        pages = self.bench.pages
        do = {"placement": pages.placement, "follow-up": pages.follow_up,
              "close": pages.close}.get(action)
        if do is None:
            return _html(404, "")
        run_id = (request.form.get("back") or "").split("/")[2:3]
        return self._submit(request, action, lambda s: do(s, enrolment_id, request.form),
                            self._again(request, run_id[0] if run_id else "", enrolment_id,
                                        action))

    def _again(self, request, run_id, enrolment_id, action):
        """The enrolment page again, with a failed form's errors next to its fields."""
        def page(s, lang, errors, message):
            return self.bench.pages.enrolment(s, lang, run_id, enrolment_id,
                                              {action: errors} if errors else None,
                                              request.form.to_dict(), message)
        return page

    def _submit(self, request, what, act, again):
        """A form: from this site with its CSRF token; done once (``form_id``); then on to
        where it leads (303), or its page again with what the API refused."""
        try:
            session = self._form(request)
        except Page as page:
            return page.answer
        lang = self._lang(request, session)
        cookie = self.bench.sessions.header(session, self._secure(request))
        try:
            to = self.bench.pages.once(request.form.get("form_id"), lambda: act(session))
        except Page as page:
            return page.answer
        except ApiError as err:
            if err.status == 404:
                return self._error_page(request, err)
            try:
                body = again(session, lang, err.fields, None if err.fields else str(err))
            except ApiError as again_err:
                return self._error_page(request, again_err)
            return _html(400 if err.status == 400 else 409 if err.status == 409 else 503,
                         body, cookie)
        sep = "&" if "?" in to else "?"
        return _redirect(f"{to}{sep}{urlencode({'done': what})}", cookie)
