"""Demo data through the services' real HTTP APIs: partner organisations with programme runs,
employers with small jobs and trade tracks, participants enrolled, placed and followed up over two
years, so that the dashboard shows something true on first run.

Deterministic for a given seed. Business dates (starts, ends, closures) spread over the two years
before ``--until``; the log records when the seed ran.
"""
import random
import time
from datetime import date, timedelta

import requests
from stdnum.no import fodselsnummer, orgnr

PROGRAMMES = [("office_places", "Kontorplasser for omstilling", 18),
              ("oppfolging", "Oppfølging", 20), ("small_jobs", "Småjobber", 15),
              ("trade_certificate", "Fagbrev CNC", 12), ("youth_network", "Ungdomsnettverk", 16)]
FIRMS = ["Fjord Verksted", "Nordlys Bakeri", "Bryggen Lager", "Vestland Renhold", "Tind Bygg",
         "Havbris Kafé", "Skog og Sag", "Lysverket Elektro", "Kystfisk", "Bymiljø Gartneri",
         "Fjellheim Hotell", "Polar Logistikk", "Sentrum Sykkel", "Solsiden Kantine",
         "Nord CNC Klynge", "Havna Verft", "Trykkeriet", "Grønn Mat"]
OUTCOMES = [("employed_ordinary", 30), ("employed_small_job", 12), ("employed_subsidised", 8),
            ("education", 14), ("other_programme", 8), ("not_in_work", 20), ("unknown", 8)]


def valid_fnr(rng, born):
    while True:
        base = born.strftime("%d%m%y") + f"{rng.randrange(0, 500):03d}"
        try:
            number = base + fodselsnummer.calc_check_digit1(base)
            number += fodselsnummer.calc_check_digit2(number)
        except Exception:
            continue
        if fodselsnummer.is_valid(number):
            return number


def valid_orgnr(rng):
    while True:   # about one in ten random numbers passes the mod-11 check
        number = f"{rng.randrange(800000000, 999999999):09d}"
        if orgnr.is_valid(number):
            return number


class Api:
    def __init__(self, base, token):
        self.base, self.session = base.rstrip("/"), requests.Session()
        self.session.headers["Authorization"] = f"Bearer {token}"

    def send(self, path, body=None, ok=(200, 201)):
        """POST, waiting out the edge's rate limit on writes (deploy/proxy/nginx.conf: 429)."""
        for pause in (0.2, 0.5, 1, 2, 4, 0):
            resp = self.session.post(self.base + path, json=body or {}, timeout=30)
            if resp.status_code != 429 or not pause:
                break
            time.sleep(pause)
        if resp.status_code not in ok:
            raise RuntimeError(f"POST {path}: {resp.status_code} {resp.text[:300]}")
        return resp

    def post(self, path, body=None, ok=(200, 201)):
        return self.send(path, body, ok).json()

    def get(self, path):
        resp = self.session.get(self.base + path, timeout=30)
        if resp.status_code != 200:
            raise RuntimeError(f"GET {path}: {resp.status_code} {resp.text[:300]}")
        return resp.json()


def seed(urls, orgs, participants=300, until=None, seed_value=7, log=print):
    """``urls``: {intake, employer, placement: base URL}; ``orgs``: {org: {caseworker,
    coordinator: token}} (one employer service serves them all)."""
    rng = random.Random(seed_value)
    until = until or date.today()
    start = until - timedelta(days=730)
    first_org = next(iter(orgs))
    emp = Api(urls["employer"], orgs[first_org]["coordinator"])
    firms = []
    for name in FIRMS:
        number = valid_orgnr(rng)
        emp.post("/employers", {"country": "NO", "org_number": number, "name": f"{name} AS",
                                "sector": rng.choice(["retail", "manufacturing", "hospitality",
                                                      "services", "construction"]),
                                "municipality": "4601"}, ok=(201, 409))   # 409: seeded before
        firms.append(f"NO-{number}")
    stats = {"participants": 0, "placements": 0, "closed": 0}
    for org, tokens in orgs.items():
        cw_in, co_in = Api(urls["intake"], tokens["caseworker"]), Api(urls["intake"],
                                                                          tokens["coordinator"])
        co_emp, cw_pl = Api(urls["employer"], tokens["coordinator"]), Api(urls["placement"],
                                                                           tokens["caseworker"])
        runs = []
        n = participants // len(orgs)
        for programme, name, places in rng.sample(PROGRAMMES, 3):
            places = min(places, max(3, n // 8))   # a small demo still fills its runs
            run = co_in.post("/runs", {"programme": programme, "name": name, "places": places})
            runs.append({"run_id": run["run_id"], "places": places, "active": [],
                         "programme": programme})
        for firm in rng.sample(firms, 8):
            co_emp.post("/agreements", {"employer_id": firm, "kind": "small_jobs",
                                        "valid_from": start.isoformat()})
        opportunities = []
        for firm in rng.sample(firms, 10):
            small = rng.random() < 0.6
            o = co_emp.post("/opportunities", {
                "employer_id": firm, "kind": "small_job" if small else "ordinary_job",
                "title": "Småjobb 6-8 timer" if small else "Fast stilling",
                "places": rng.randint(3, 8), "hours_per_week": rng.choice([6, 7, 8]) if small
                else 37.5, "valid_from": start.isoformat(), "shared": rng.random() < 0.5})
            opportunities.append(o)
        days = sorted(rng.randrange(0, 700) for _ in range(n))
        for i, offset in enumerate(days):
            day = start + timedelta(days=offset)
            run = rng.choice(runs)
            _one_participant(rng, cw_in, cw_pl, run, opportunities, day, until, stats)
            if (i + 1) % 50 == 0:
                log(f"[seed] {org}: {i + 1}/{n} participants")
        for run in runs:   # those who started long ago have ended by now
            for entry in [e for e in run["active"] if (until - e["start"]).days > 240]:
                run["active"].remove(entry)
                _end(rng, cw_in, cw_pl, run, entry, entry["start"] + timedelta(
                    days=rng.randint(60, 220)), stats, until)
    return stats


def _one_participant(rng, cw_in, cw_pl, run, opportunities, day, until, stats):
    born = date(rng.randint(1960, 2006), rng.randint(1, 12), rng.randint(1, 28))
    registered = cw_in.post("/participants", {
        "country": "NO", "national_id": valid_fnr(rng, born), "given_name": "Demo",
        "family_name": f"Deltaker {stats['participants'] + 1}", "municipality": rng.choice(
            ["0301", "4601", "5001", "1103"]), "needs_group": rng.choice(
            ["standard", "situational", "special"])}, ok=(201, 409))
    if registered.get("error") == "already_registered":
        stats["skipped"] = stats.get("skipped", 0) + 1   # seeded before: leave that one be
        return
    pid = registered["participant_id"]
    stats["participants"] += 1
    run_path = f"/runs/{run['run_id']}/enrolments"
    # Make room the way a run does: the longest-running participant ends first.
    while len(run["active"]) >= run["places"]:
        _end(rng, cw_in, cw_pl, run, run["active"].pop(0), day, stats, until)
    # Registered as it happened: referred two weeks before the start, consent and application
    # the same day (business dates; the log records when the system learned them).
    referred = (day - timedelta(days=14)).isoformat()
    e = cw_in.post(run_path, {"participant_id": pid, "share": True, "date": referred})
    path = f"{run_path}/{e['enrolment_id']}"
    cw_in.post(f"{path}/consent", {"given_by": "participant", "date": referred})
    state = cw_in.post(f"{path}/apply", {"date": referred})["state"]
    if state != "place_allocated":
        return   # waiting for a place
    cw_in.post(f"{path}/start", {"start_date": day.isoformat(),
                                 "percent": rng.choice([50, 60, 80, 100]),
                                 "days_per_week": rng.choice([3, 4, 5])})
    entry = {"enrolment_id": e["enrolment_id"], "start": day, "path": path, "placement": None}
    run["active"].append(entry)
    if rng.random() < 0.6:
        opp = rng.choice(opportunities)
        p_day = day + timedelta(days=rng.randint(7, 60))
        if p_day < until:
            try:
                p = cw_pl.post(f"/cases/{e['enrolment_id']}/placements", {
                    "employer_id": opp["employer_id"], "opportunity_id": opp["opportunity_id"],
                    "kind": opp["kind"], "hours_per_week": opp["hours_per_week"],
                    "start_date": p_day.isoformat()})
            except RuntimeError:
                return   # the opportunity is full: no placement this time
            base = f"/cases/{e['enrolment_id']}/placements/{p['placement_id']}"
            for party in ("participant", "employer", "caseworker"):
                cw_pl.post(f"{base}/approve", {"party": party})
            cw_pl.post(f"{base}/start", {"start_date": p_day.isoformat()}, ok=(200, 409))
            cw_pl.post(f"{base}/follow-ups", {"date": (p_day + timedelta(days=14)).isoformat(),
                                              "kind": "visit", "with_whom": "employer"},
                       ok=(200, 409))
            entry["placement"] = (p["placement_id"], p_day)
            stats["placements"] += 1


def _end(rng, cw_in, cw_pl, run, entry, day, stats, until):
    end_day = max(day, entry["start"] + timedelta(days=30))
    if entry["placement"]:
        pid, p_day = entry["placement"]
        end_day = max(end_day, p_day)
    end_day = min(end_day, until)   # what has happened by now: no fact is dated ahead
    outcome = rng.choices([o for o, _ in OUTCOMES], [w for _, w in OUTCOMES])[0]
    # The case closes in placement; intake ends the enrolment by itself when it hears of it.
    cw_pl.post(f"/cases/{entry['enrolment_id']}/close",
               {"outcome": outcome, "date": end_day.isoformat()})
    stats["closed"] += 1
    deadline = time.monotonic() + 20   # intake frees the place when it hears of the closure
    while cw_in.get(entry["path"])["state"] == "participating" and time.monotonic() < deadline:
        time.sleep(0.05)
    if rng.random() < 0.5 and end_day + timedelta(days=91) <= until:
        cw_pl.post(f"/cases/{entry['enrolment_id']}/outcomes", {
            "months": 3, "outcome": outcome if rng.random() < 0.8 else "not_in_work",
            "date": (end_day + timedelta(days=91)).isoformat()})
