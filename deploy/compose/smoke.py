"""The compose check's scenarios, through the proxy's published ports (deploy/compose/check).

    smoke.py wait URL...                         each service's /health/ready answers 200
    smoke.py org-a INTAKE EMPLOYER PLACEMENT REPORTING
        seed; then enrolments in four rounds: before any fault, after intake's process is killed,
        while the broker is dead, after it is back; every accepted one must reach the reports
        (read with Pathways-After at the last write's position), and each log's chain verifies
    smoke.py hub INTAKE_B EMPLOYER_B PLACEMENT_B HUB
        seed organisation B; the hub reports both organisations

Tokens come from $PATHWAYS_CHECK_TOKENS; $PATHWAYS_KILL NAME kills a container's main process.
"""
import json
import os
import random
import subprocess
import sys
import time
from datetime import date

import requests

from ops.seed import Api, seed, valid_fnr
from pathways.security import audit

ROUND = 5


def say(text):
    print(f"[smoke] {text}", file=sys.stderr, flush=True)


def wait_ready(*urls, deadline=240):
    """Every service ready (its broker, database and relay), within ``deadline`` seconds."""
    until = time.monotonic() + deadline
    for url in urls:
        while True:
            try:
                if requests.get(f"{url}/health/ready", timeout=5).status_code == 200:
                    break
            except requests.RequestException:
                pass
            if time.monotonic() > until:
                sys.exit(f"[smoke] {url} not ready within {deadline} s")
            time.sleep(1)


def enrol(api, run_id, n, first):
    """``n`` participants registered and referred (numbers from ``first`` on, each with a birth
    date of its own); the intake log's position after the last."""
    made, i = 0, first
    while made < n:
        born = date(1950 + i // 336, 1 + (i // 28) % 12, 1 + i % 28)
        person = api.post("/participants", {
            "country": "NO", "national_id": valid_fnr(random.Random(i), born),
            "given_name": "Smoke", "family_name": f"Test {i}", "municipality": "4601",
            "needs_group": "standard"}, ok=(201, 409))
        i += 1
        if "participant_id" not in person or person.get("error"):
            continue   # the seed drew that number already
        referred = api.send(f"/runs/{run_id}/enrolments", {
            "participant_id": person["participant_id"], "share": False}, ok=(201,))
        made += 1
    return referred.headers["Pathways-Position"]


def enrolments(reporting, token, after, deadline=180):
    """The reports' enrolment count once they include ``after`` (a Pathways-Position)."""
    until = time.monotonic() + deadline
    while True:
        try:
            r = requests.get(f"{reporting}/reports/kpis", timeout=30, headers={
                "Authorization": f"Bearer {token}", "Pathways-After": after})
            if r.status_code == 200:
                return r.json()["enrolments"]
        except requests.RequestException:
            pass
        if time.monotonic() > until:
            sys.exit(f"[smoke] the reports did not reach {after} within {deadline} s")
        time.sleep(1)


def kill(name):
    subprocess.run([os.environ["PATHWAYS_KILL"], name], check=True)
    say(f"killed {name}'s main process (kill -9 from the host)")


def org_a(intake, employer, placement, reporting):
    tokens = json.load(open(os.environ["PATHWAYS_CHECK_TOKENS"]))["org-a"]
    wait_ready(intake, employer, placement, reporting)
    began = time.monotonic()
    stats = seed({"intake": intake, "employer": employer, "placement": placement},
                 {"org-a": tokens}, participants=40, log=say)
    say(f"seeded org-a in {time.monotonic() - began:.0f} s: {stats}")
    coordinator, caseworker = Api(intake, tokens["coordinator"]), Api(intake, tokens["caseworker"])
    run = coordinator.post("/runs", {"programme": "oppfolging", "name": "Smoke", "places": 200})
    after = enrol(caseworker, run["run_id"], 1, 0)
    base = enrolments(reporting, tokens["coordinator"], after)
    made = 0
    for label, fault in (("no fault", None), ("intake killed", "intake"),
                         ("broker dead", "rabbitmq"), ("broker back", None)):
        if fault:
            kill(fault)
        if fault == "intake":
            time.sleep(2)
            wait_ready(intake)
        if label == "broker back":
            wait_ready(intake, employer, placement, reporting)
        began = time.monotonic()
        after = enrol(caseworker, run["run_id"], ROUND, 1000 * (made // ROUND + 1))
        made += ROUND
        say(f"{label}: {ROUND} enrolments accepted in {time.monotonic() - began:.1f} s")
    began = time.monotonic()
    got = enrolments(reporting, tokens["coordinator"], after)
    say(f"reports at {after} after {time.monotonic() - began:.1f} s: {got} enrolments "
        f"({base} before the faults + {made} accepted)")
    assert got == base + made, f"lost or doubled: {got} != {base} + {made}"
    for name, url in (("intake", intake), ("employer", employer), ("placement", placement)):
        result = audit.verify(audit.Feed(url, tokens["auditor"]), label=name)
        assert result.ok, f"{name}'s chain: {result.to_dict()}"
        say(f"{name}'s hash chain verifies from its feed: {result.to_dict()}")


def hub(intake, employer, placement, hub_url):
    tokens = json.load(open(os.environ["PATHWAYS_CHECK_TOKENS"]))
    wait_ready(intake, employer, placement, hub_url)
    stats = seed({"intake": intake, "employer": employer, "placement": placement},
                 {"org-b": tokens["org-b"]}, participants=20, seed_value=11, log=say)
    say(f"seeded org-b: {stats}")
    until = time.monotonic() + 180
    while True:
        r = requests.get(f"{hub_url}/reports/kpis", timeout=30,
                         headers={"Authorization": f"Bearer {tokens['hub']}"},
                         params={"org": ["org-a", "org-b"]})
        per_org = {}
        if r.status_code == 200:
            for org in ("org-a", "org-b"):
                one = requests.get(f"{hub_url}/reports/kpis", params={"org": org}, timeout=30,
                                   headers={"Authorization": f"Bearer {tokens['hub']}"}).json()
                per_org[org] = one["enrolments"]
            if all(per_org.values()) and r.json()["enrolments"] == sum(per_org.values()):
                break
        if time.monotonic() > until:
            sys.exit(f"[smoke] the hub did not report both organisations: {r.status_code} {per_org}")
        time.sleep(2)
    say(f"the hub reports both organisations: {per_org}, together {r.json()['enrolments']}")


if __name__ == "__main__":
    what, urls = sys.argv[1], sys.argv[2:]
    {"wait": lambda *u: wait_ready(*u), "org-a": org_a, "hub": hub}[what](*urls)
