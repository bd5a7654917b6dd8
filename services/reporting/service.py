"""The reporting nameko service: entrypoints over ``app.Reporting``.

Consumes intake's, employer's and placement's events (kernel consumer, live over RabbitMQ, gaps
and catch-up from the feeds) into its read model; serves key figures as JSON and CSV, a dashboard,
rebuilds and as-of reports. Callers see their own organisation; admins may ask for one org or
all combined. With ``REPORTING_FEEDS`` ({feed name: base URL}) it is a hub for several partner
organisations' deployments instead, pulling each feed over HTTP.
"""
import json
from dataclasses import dataclass
from datetime import date, timedelta
from urllib.parse import urlencode

import eventlet

from nameko.extensions import DependencyProvider
from nameko.timer import timer

from pathways.runtime.health import HealthEntrypoints
from pathways.runtime.entrypoints import http, on_events, rpc
from pathways.runtime import EventLog, FeedEntrypoints, HttpFeed, Inbox
from pathways.runtime import tables
from pathways.runtime.feed import DeadLetterEntrypoints
from pathways.runtime.app import ServiceApp, dependency_of
from pathways.runtime.auth import Auth
from pathways.security.browser import SECURITY_HEADERS, cross_site
from pathways.security.callers import caller_from
from pathways.runtime.http import (AFTER_HEADER, EXPECTED, json_endpoint,
                                   parse_positions, respond, wait_for_positions)
from pathways.application.validation import load
from pathways.api.routes import Route
from pathways.runtime.api import serves
from pathways.errors import BadRequest, Conflict, Forbidden, NotFoundError, Unauthorized
from pathways.operations.settings import Settings, _number, settings_of
from pathways.timeutil import iso, utcnow
from services.reporting import answers, dashboard, groups, schemas, sessions
from services.reporting.projection import HANDLERS
from services.reporting.app import Reporting, load_feeds, relabelled

READERS = ("coordinator", "auditor", "admin")


@dataclass(frozen=True)
class ReportingSettings(Settings):
    dashboard_secret: bytes      # DASHBOARD_SECRET (>= 32 characters; default: random per start)
    reporting_feeds: dict        # REPORTING_FEEDS: a hub's partner feeds (default: none)
    suppress_below: int          # SUPPRESS_BELOW: counts under it not shown (default 5)

    READERS = {"dashboard_secret": lambda config: sessions.secret_from(
                   config.get("DASHBOARD_SECRET")),
               "reporting_feeds": lambda config: load_feeds(config.get("REPORTING_FEEDS")),
               "suppress_below": lambda config: _number(config, "SUPPRESS_BELOW",
                                                        DEFAULT_SUPPRESS_BELOW, int, least=1)}


DEFAULT_SUPPRESS_BELOW = 5
"""As official labour-market statistics do: counts of 1 to 4 are not shown."""


class DashboardSigner(DependencyProvider):
    """Signs and checks dashboard sessions and links (``sessions``)."""

    def setup(self):
        self.signer = sessions.Signer(settings_of(self.container).dashboard_secret)

    def get_dependency(self, worker_ctx):
        return self.signer


def build_reporting(container, db, store):
    hub = settings_of(container).reporting_feeds
    if hub:   # a hub: pulls other deployments' feeds over HTTP, each feed a source of its own
        reporting = Reporting(db, relabelled(HttpFeed(hub)), sources=list(hub), pull_only=True)
    else:
        reporting = Reporting(db, dependency_of(container, Inbox).feed)
    reporting.suppress_below = settings_of(container).suppress_below
    reporting.start()
    return reporting


FILTERS = ("org", "programme", "run_id", "from", "to", "cohort", *groups.TARGETS)
"""What a report may be narrowed to (``schemas.FiltersSchema``)."""


def scoped(caller, query):
    """Non-admins see their own organisation only, whatever they ask for (the answer's
    ``filters`` says so); admins any organisations, or all."""
    caller.require(*READERS)
    filters = {k: query[k] for k in FILTERS if query.get(k) is not None and query[k] != []}
    if caller.role != "admin":
        filters["org"] = [caller.org]
    return filters


CONTRACT_READERS = (*READERS, "funder")


def contract_access(caller):
    """Which of a contract's organisations ``caller`` sees: all of them (its funder; readers
    of the organisation that administers it), the caller's own (a
    covered organisation's readers), or none: 403 for a funder (another funder's contract),
    404 for others (a contract they are not in)."""
    caller.require(*CONTRACT_READERS)

    def orgs_of(contract):
        if contract is not None and caller.role == "funder":
            if contract["funder"] == caller.org:
                return None
            raise Forbidden("a funder reads the figures of its own contracts only")
        if contract is not None and caller.role != "funder":
            if contract["org"] == caller.org:
                return None
            if caller.org in contract["orgs"]:
                return {caller.org}
        raise NotFoundError("contract not found")

    def visible(contract):
        try:
            orgs_of(contract)
            return True
        except (Forbidden, NotFoundError):
            return False
    return orgs_of, visible


CSV_COLUMNS = {
    "per_month": ("month", "enrolments", "endings", "work_or_education"),
    "per_employer": ("employer_id", "name", "placements", "hires", "small_jobs"),
    "outcomes": ("when", "numerator", "denominator", "rate", "observed"),
    "capacity": ("programme", "day", "active", "places"),
    "per_coach_week": ("coach_id", "week", "participants", "employers"),
    "per_route": ("route", "arrived", "routed", "closed", "open"),
    "routed_per_specialty": ("specialty", "numerator", "denominator", "rate"),
    "per_org": ("org", "participant_days", "participant_months", "place_months",
                "places_on_last_day", "use_share", "results", "amount", "fees_charged",
                "fees_paid"),
    "clients": ("org", "employer_id", "name", "coach_id", "opened_on", "closed_on",
                "recruited", "through_programmes"),
    "networks": ("run_id", "name", "quarter", "activities", "company_visits", "firms_active",
                 "participants_attending"),
    "costs": ("org", "paid", "participants", "participant_months", "place_months", "outcomes",
              "cost_per_participant", "cost_per_outcome", "cost_per_place_month"),
}
BUILT_FROM_HEADER = "Pathways-Built-From"


def breakdown_csv(found):
    """A breakdown as CSV: a row per group, a column per group of ``columns`` and the total,
    then the totals' row; hidden counts as ``<k``."""
    columns = list(found["column_totals"])
    rows = [{found["rows"]: line["group"], **line["cells"], "total": line["total"]}
            for line in found["table"]]
    rows.append({found["rows"]: "total", **found["column_totals"], "total": found["total"]})
    headers = {BUILT_FROM_HEADER: json.dumps(found["built_from"], separators=(",", ":"),
                                             sort_keys=True)}
    return tables.csv_response("breakdown", (found["rows"], *columns, "total"), rows, headers)


def csv_response(table, rows, built_from=None):
    """A table as CSV; what it was built from (feed positions, code version, as known at /
    effective on) in the ``Pathways-Built-From`` header."""
    headers = {} if built_from is None else {
        BUILT_FROM_HEADER: json.dumps(built_from, separators=(",", ":"), sort_keys=True)}
    return tables.csv_response(table, CSV_COLUMNS[table], rows, headers)


def report_rows(report, table):
    """A report's table as CSV rows (``outcomes``: one row per horizon)."""
    if table == "outcomes":
        return [{"when": k, **v} for k, v in report["outcomes"].items()]
    return report[table]


def capacity_rows(series):
    """A capacity series as CSV rows: one per programme and day."""
    return [{"programme": p, **point} for p, points in series.items() for point in points]


ROUTES = [   # served by the hand-written entrypoints below (CSV, HTML, cookies); documented here
    Route("GET", "/reports/kpis", "kpis", "Key figures (JSON or CSV; as known at / effective "
          "on); narrowed to target groups with fewer than SUPPRESS_BELOW enrolments: 409 "
          "`group_too_small`",
          query=schemas.ReportQuerySchema, roles=READERS, response=answers.ReportSchema,
          generated=False),
    Route("GET", "/reports/breakdown", "breakdown", "One measure (enrolments, started, ended, "
          "in work or education) by target group: needs group, age band, gender, "
          "municipality, refugee, reduced work capacity (or organisation, programme), one way "
          "or two; counts under SUPPRESS_BELOW shown as \"<5\", and never recoverable from "
          "the totals (JSON or CSV; as known at / effective on)",
          query=schemas.BreakdownQuerySchema, roles=READERS, response=answers.BreakdownSchema,
          generated=False),
    Route("GET", "/reports/networks", "networks", "Networks (runs of a network kind): member "
          "firms, per quarter the activities, firms active and participants attending, and "
          "what became of the participants (JSON, or CSV a row per network and quarter; as known "
          "at / effective on)",
          query=schemas.NetworksQuerySchema, roles=READERS, response=answers.NetworksSchema,
          generated=False),
    Route("GET", "/reports/clients", "clients", "Company clients of business coaches: "
          "recruitments per client, skills asked for against the programmes offered that "
          "train them, and the skills no programme offered trains (JSON, or CSV a row per "
          "client; as known at / effective on)", query=schemas.ClientsQuerySchema,
          roles=READERS, response=answers.ClientFiguresSchema, generated=False),
    Route("GET", "/reports/casework", "casework", "The coaches' work: arrivals per route and "
          "what became of them, contacts per coach and week (in and outside the office), "
          "employers recruited, stays past their planned end, extensions (JSON or CSV; as "
          "known at / effective on)", query=schemas.CaseworkQuerySchema, roles=READERS,
          response=answers.CaseworkSchema, generated=False),
    Route("GET", "/reports/contracts", "contracts", "The contracts whose figures you may read "
          "(a funder's own; an organisation's it administers or is covered by)",
          roles=CONTRACT_READERS, response=answers.ContractsSchema, generated=False),
    Route("GET", "/reports/contracts/{contract_id}/basis", "payment_basis", "A contract's "
          "payment basis for a month: participant-days and -months per organisation (part-time "
          "in proportion), place-months bought after moves, the amount by the rate and the "
          "result line, the budget (JSON or CSV; as known at / effective on). A funder sees "
          "its own contracts (403 on another's); a covered organisation its own line",
          query=schemas.BasisQuerySchema, roles=CONTRACT_READERS, response=answers.BasisSchema,
          generated=False),
    Route("GET", "/reports/contracts/{contract_id}/costs", "contract_costs", "What a contract "
          "has cost from the start of its period to a month's end, per organisation and in "
          "total: paid, participants, participant- and place-months, outcomes in work or "
          "education, cost per participant, per outcome and per place-month; the budget used "
          "against the period gone (JSON or CSV; as known at / effective on)",
          query=schemas.CostsQuerySchema, roles=CONTRACT_READERS, response=answers.CostsSchema,
          generated=False),
    Route("GET", "/reports/capacity", "capacity", "Active participants against places per "
          "programme", query=schemas.CapacityQuerySchema, roles=READERS,
          response=answers.CapacitySchema, generated=False),
    Route("POST", "/rebuild", "rebuild", "Rebuild the read model from every feed, then switch",
          status=202, roles=("admin",), response=answers.RebuildSchema, generated=False,
          after=False),
    Route("GET", "/rebuild", "rebuild_status", "Progress of the last rebuild", roles=READERS,
          response=answers.RebuildSchema, generated=False),
    Route("GET", "/dashboard", "dashboard", "The dashboard (HTML) for a signed-in browser, else "
          "the sign-in page; ?link= signs in with a signed link",
          query=schemas.DashboardQuerySchema, media="text/html", generated=False,
          security=(), extra={
              "303": ("", "a signed link signed the browser in: on to the dashboard"),
              "401": ("text/html", "the sign-in page: the signed link is not valid (any more)"),
              "403": ("text/html", "the sign-in page: a signed link followed from another "
                                   "site is refused (open it directly)")}),
    Route("GET", "/dashboard/export", "dashboard_export", "One of the dashboard's tables as "
          "CSV, with its filters, for the signed-in browser (the dashboard's session cookie)",
          query=schemas.ExportQuerySchema, media="text/csv", generated=False,
          security=("dashboard_session",)),
    Route("POST", "/dashboard/session", "sign_in", "Sign in (the sign-in page's form: token and "
          "csrf; or a script's Authorization header): sets a cookie that reads reports only, "
          "for 8 hours; refused from another site", status=303, generated=False, after=False,
          security=()),
    Route("POST", "/dashboard/session/end", "sign_out", "Sign out (the dashboard's own form, "
          "with its csrf)", status=303, generated=False, after=False,
          security=("dashboard_session",)),
    Route("POST", "/dashboard/links", "dashboard_link", "A signed link (5 minutes) that signs a "
          "browser in to read reports", status=201, roles=READERS, response=answers.LinkSchema,
          generated=False, after=False),
]


@serves(ROUTES, "reporting", "Pathways reporting")
class ReportingService(FeedEntrypoints, DeadLetterEntrypoints, HealthEntrypoints):
    name = "reporting"
    settings = ReportingSettings
    event_log = EventLog()          # reporting's own log (empty for now): every service has one
    reporting = ServiceApp(build_reporting)
    inbox = Inbox(["intake", "employer", "placement"], lambda container, db: {},
                  check_subscriptions=False)   # reporting applies events with its own consumer
    auth = Auth()
    signer = DashboardSigner()

    def consumers(self):
        return [self.reporting.consumer]

    def _report(self, request, schema, figures, as_csv):
        """A report endpoint: the caller, the query (``schema``), a wait for the positions
        asked for, then ``figures(filters, query)`` as JSON, or ``as_csv(figures, query)``."""
        caller = self.auth.from_request(request)
        q = load(schema(), request.args.to_dict(flat=False), "query")
        wait_for_positions(self, request)
        found = figures(scoped(caller, q), q)
        return as_csv(found, q) if q["format"] == "csv" else respond(200, found)

    @http("GET", "/reports/kpis")
    @json_endpoint
    def http_kpis(self, request):
        return self._report(
            request, schemas.ReportQuerySchema,
            lambda filters, q: self._guarded(filters, self.reporting.report(
                filters, q.get("known_at"), q.get("effective_on"))),
            lambda report, q: csv_response(q["table"], report_rows(report, q["table"]),
                                           report["built_from"]))

    @http("GET", "/reports/breakdown")
    @json_endpoint
    def http_breakdown(self, request):
        return self._report(
            request, schemas.BreakdownQuerySchema,
            lambda filters, q: self.reporting.breakdown(
                filters, q["by"], q.get("columns"), q["measure"], self._k(), q.get("known_at"),
                q.get("effective_on")),
            lambda found, q: breakdown_csv(found))

    def _k(self):
        return self.reporting.suppress_below

    def _guarded(self, filters, report):
        """A report narrowed to target groups: refused when fewer than k enrolments are in
        them (its figures would single people out)."""
        if any(k in filters for k in groups.TARGETS) and report["enrolments"] < self._k():
            raise Conflict("group_too_small", f"fewer than {self._k()} enrolments are in these "
                           "target groups: figures for groups this small are not given (see "
                           "GET /reports/breakdown)")
        return report

    @http("GET", "/reports/networks")
    @json_endpoint
    def http_networks(self, request):
        return self._report(
            request, schemas.NetworksQuerySchema,
            lambda filters, q: self.reporting.networks(filters, q.get("known_at"),
                                                       q.get("effective_on")),
            lambda found, q: csv_response(    # a row per network and quarter
                "networks", [{"run_id": n["run_id"], "name": n["name"], **row}
                             for n in found["networks"] for row in n["per_quarter"]],
                found["built_from"]))

    @http("GET", "/reports/clients")
    @json_endpoint
    def http_clients(self, request):
        return self._report(
            request, schemas.ClientsQuerySchema,
            lambda filters, q: self.reporting.clients(filters, q.get("known_at"),
                                                      q.get("effective_on")),
            lambda found, q: csv_response("clients", found["per_client"], found["built_from"]))

    @http("GET", "/reports/casework")
    @json_endpoint
    def http_casework(self, request):
        def as_csv(figures, q):
            part = "contacts" if q["table"] == "per_coach_week" else "arrivals"
            return csv_response(q["table"], figures[part][q["table"]], figures["built_from"])
        return self._report(
            request, schemas.CaseworkQuerySchema,
            lambda filters, q: self.reporting.casework(filters, q.get("known_at"),
                                                       q.get("effective_on")), as_csv)

    @http("GET", "/reports/contracts")
    @json_endpoint
    def http_contracts(self, request):
        caller = self.auth.from_request(request)
        load(schemas.Strict(), request.args.to_dict(flat=False), "query")
        _, visible = contract_access(caller)
        wait_for_positions(self, request)
        return respond(200, self.reporting.contracts(visible))

    @http("GET", "/reports/contracts/<string:contract_id>/basis")
    @json_endpoint
    def http_payment_basis(self, request, contract_id):
        caller = self.auth.from_request(request)
        q = load(schemas.BasisQuerySchema(), request.args.to_dict(flat=False), "query")
        orgs_of, _ = contract_access(caller)
        wait_for_positions(self, request)
        basis = self.reporting.payment_basis(contract_id, q["month"], orgs_of,
                                             q.get("known_at"), q.get("effective_on"))
        if q["format"] == "csv":
            return csv_response("per_org", basis["per_org"], basis["built_from"])
        return respond(200, basis)

    @http("GET", "/reports/contracts/<string:contract_id>/costs")
    @json_endpoint
    def http_contract_costs(self, request, contract_id):
        caller = self.auth.from_request(request)
        q = load(schemas.CostsQuerySchema(), request.args.to_dict(flat=False), "query")
        orgs_of, _ = contract_access(caller)
        wait_for_positions(self, request)
        found = self.reporting.contract_costs(contract_id, q.get("until") or iso(utcnow())[:7],
                                              orgs_of, q.get("known_at"), q.get("effective_on"))
        if q["format"] == "csv":
            return csv_response("costs", found["per_org"], found["built_from"])
        return respond(200, found)

    @http("GET", "/reports/capacity")
    @json_endpoint
    def http_capacity(self, request):
        caller = self.auth.from_request(request)
        q = load(schemas.CapacityQuerySchema(), request.args.to_dict(flat=False), "query")
        wait_for_positions(self, request)
        series = self.reporting.capacity(q["from"], q["to"], scoped(caller, q))
        if q["format"] == "csv":
            return csv_response("capacity", capacity_rows(series))
        return respond(200, {"capacity": series})

    @http("POST", "/rebuild")
    @json_endpoint
    def http_rebuild(self, request):
        self.auth.from_request(request).require("admin")
        return respond(202, self.reporting.start_rebuild(eventlet.spawn))

    @http("GET", "/rebuild")
    @json_endpoint
    def http_rebuild_status(self, request):
        self.auth.from_request(request).require(*READERS)
        wait_for_positions(self, request)
        return respond(200, {**self.reporting.rebuild_status,
                             "generation": self.reporting.generation,
                             "positions": self.reporting.positions()})

    @http("GET", "/dashboard")
    @json_endpoint
    def http_dashboard(self, request):
        """The dashboard for a signed-in browser; the sign-in page otherwise. A signed link
        (``?link=``, minutes long) signs the browser in and sends it on to a clean URL."""
        query = request.args.to_dict(flat=False)
        if "token" in query:
            raise BadRequest("tokens never go in a URL (they end up in logs and browser "
                             "history): sign in at /dashboard", {"token": ["not accepted"]})
        load(schemas.DashboardQuerySchema(), query, "query")   # whoever asks: 400 if malformed
        if AFTER_HEADER in request.headers:
            parse_positions(request.headers[AFTER_HEADER])
        link = (query.pop("link", None) or [None])[0]
        if link is not None:
            caller = self.signer.check(link, "link")
            if caller is None:
                return self._sign_in_page(request, 401, "That link is not valid (any more).")
            if cross_site(request.headers):
                # another site must not sign this browser in as someone else (login CSRF)
                return self._sign_in_page(request, 403, "A sign-in link works only when opened "
                                          "directly (paste it into the address bar).")
            # On to the same filters, without the link (it stays out of history and logs).
            filters = load(schemas.FiltersSchema(), query, "query")
            return self._to_dashboard(self._session_cookie(request, caller),
                                      urlencode(query, doseq=True) if filters else "")
        session = request.cookies.get(sessions.COOKIE)
        caller = self.signer.check(session, "session")
        if caller is None:
            return self._sign_in_page(request, 200)
        q = load(schemas.FiltersSchema(), query, "query")
        wait_for_positions(self, request)
        if caller.role == "funder":
            return self._html(200, self._funder_dashboard(caller, session))
        filters = scoped(caller, q)
        report, capacity = self.reporting.dashboard(filters)
        title = f"Pathways — {', '.join(filters.get('org') or ['all organisations'])}"
        try:
            self._guarded(filters, report)
        except Conflict as err:
            return self._html(409, dashboard.render_refusal(title, str(err)))
        return self._html(200, dashboard.render(report, capacity, title, filters,
                                                may_choose_org=caller.role == "admin",
                                                sign_out=self.signer.form_token(session),
                                                target_groups=self._target_table(filters)))

    def _target_table(self, filters):
        by, columns, measure = dashboard.TARGET_TABLE
        return self.reporting.breakdown(filters, by, columns, measure, self._k())

    def _funder_dashboard(self, caller, session):
        """A funder's page: its contracts, each with this month's and last month's basis."""
        orgs_of, visible = contract_access(caller)
        this = date.fromisoformat(iso(utcnow())[:10]).replace(day=1)
        months = [(this - timedelta(days=1)).strftime("%Y-%m"), this.strftime("%Y-%m")]
        contracts = [(c, [self.reporting.payment_basis(c["contract_id"], m, orgs_of)
                          for m in months])
                     for c in self.reporting.contracts(visible)["contracts"]]
        return dashboard.render_funder(contracts, f"Pathways — contracts of {caller.org}",
                                       sign_out=self.signer.form_token(session))

    @http("GET", "/dashboard/export")
    @json_endpoint
    def http_dashboard_export(self, request):
        """One of the dashboard's tables as CSV, for its signed-in browser (the session
        cookie reads reports only), with the dashboard's filters."""
        caller = self.signer.check(request.cookies.get(sessions.COOKIE), "session")
        if caller is None:
            raise Unauthorized("sign in at /dashboard first")
        q = load(schemas.ExportQuerySchema(), request.args.to_dict(flat=False), "query")
        wait_for_positions(self, request)
        filters = scoped(caller, q)
        if q["table"] == "target_groups":
            return breakdown_csv(self._target_table(filters))
        if q["table"] == "capacity":   # the dashboard's series, over the report's months
            report, series = self.reporting.dashboard(filters)
            rows = capacity_rows(series)
        else:
            report = self.reporting.report(filters)
            rows = report_rows(report, q["table"])
        self._guarded(filters, report)
        return csv_response(q["table"], rows, report["built_from"])

    @http("POST", "/dashboard/session")
    @json_endpoint
    def http_sign_in(self, request):
        """Sign in with a token: the sign-in form's (field ``token``, with the form's ``csrf``)
        from this site's page only, or a script's ``Authorization`` header."""
        refused = cross_site(request.headers)
        if refused:
            raise Forbidden(f"cross-site sign-in refused ({refused}): sign in at /dashboard")
        token = request.form.get("token")
        if token:
            if not self.signer.form_token_ok(request.cookies.get(sessions.CSRF_COOKIE),
                                             request.form.get("csrf")):
                raise Forbidden("the sign-in form was not this site's, or it expired: sign in "
                                "at /dashboard")
            header = f"Bearer {token}"
        else:
            header = request.headers.get("Authorization")
        caller = caller_from(header, self.auth.tokens).require(*CONTRACT_READERS)
        return self._to_dashboard(self._session_cookie(request, caller))

    @http("POST", "/dashboard/session/end")
    @json_endpoint
    def http_sign_out(self, request):
        """Sign out: from the dashboard's own form (its ``csrf``), never from another site."""
        session = request.cookies.get(sessions.COOKIE)
        if self.signer.check(session, "session") is None:
            raise Unauthorized("not signed in")
        refused = cross_site(request.headers)
        if refused or not self.signer.form_token_ok(session, request.form.get("csrf")):
            raise Forbidden(f"sign out from the dashboard's own page"
                            f"{f' ({refused})' if refused else ''}")
        return self._to_dashboard(sessions.cookie_header("", 0, self._secure(request)))

    @http("POST", "/dashboard/links")
    @json_endpoint
    def http_dashboard_link(self, request):
        """A link that signs a browser in to read reports, valid for minutes (for scripts)."""
        caller = self.auth.from_request(request).require(*CONTRACT_READERS)
        link = self.signer.issue(caller, sessions.LINK_SECONDS, "link")
        return respond(201, {"url": f"/dashboard?link={link}",
                             "expires_in": sessions.LINK_SECONDS})

    def _session_cookie(self, request, caller):
        value = self.signer.issue(caller, sessions.SESSION_SECONDS, "session")
        return sessions.cookie_header(value, sessions.SESSION_SECONDS, self._secure(request))

    @staticmethod
    def _secure(request):
        return request.scheme == "https" or \
            request.headers.get("X-Forwarded-Proto", "") == "https"

    def _sign_in_page(self, request, status, message=None):
        """The sign-in page with a fresh form nonce (cookie) and the CSRF token bound to it."""
        nonce = sessions.new_nonce()
        status, headers, page = self._html(
            status, sessions.sign_in_page(self.signer.form_token(nonce), message))
        headers["Set-Cookie"] = sessions.cookie_header(nonce, sessions.CSRF_SECONDS,
                                                       self._secure(request), sessions.CSRF_COOKIE)
        return status, headers, page

    @staticmethod
    def _to_dashboard(cookie, query=""):
        """303 to the dashboard's clean URL (with its filters), setting (or clearing) the
        session cookie."""
        location = f"/dashboard?{query}" if query else "/dashboard"
        return 303, {**SECURITY_HEADERS, "Location": location, "Set-Cookie": cookie}, ""

    @staticmethod
    def _html(status, body):
        return status, {**SECURITY_HEADERS,
                        "Content-Type": "text/html; charset=utf-8"}, body

    # --- RPC -------------------------------------------------------------------------------------
    @rpc(expected_exceptions=EXPECTED)
    def kpis(self, query=None):
        caller = self.auth.from_context()
        q = load(schemas.ReportQuerySchema(), query or {}, "query")
        filters = scoped(caller, q)
        return self._guarded(filters, self.reporting.report(filters, q.get("known_at"),
                                                            q.get("effective_on")))

    @rpc(expected_exceptions=EXPECTED)
    def rebuild(self):
        self.auth.from_context().require("admin")
        return self.reporting.rebuild()

    # --- events ----------------------------------------------------------------------------------
    @on_events(HANDLERS)
    def on_event(self, event):
        self.reporting.receive(event)

    @timer(interval=2)
    def catch_up(self):
        self.reporting.catch_up()



