"""The workbench's caseload page with 1,000 enrolments: render time through HTTP, p50/p99.

    deploy/local/run &        # the platform on this checkout's ports (prints them)
    .venv/bin/python -m bench.workbench [--base 8001] [--enrolments 1000] [--requests 200]

Against a running local deployment (``deploy/local/run``; tokens from .local/dev-tokens.json):
makes a run, registers and starts ``--enrolments`` participants in it through intake's API and
assigns them all to one coach (the first organisation's coordinator), signs that coach in to
the workbench, then times ``GET /caseload`` (its first page of 100 of them: it calls intake's
caseload and due list and renders the page) and one participant's page; then the same caseload rendered again from the
rows already fetched (the template's own share). Prints p50/p99 and the page size; asserts
nothing. Each run adds its enrolments to the deployment (use a fresh .local for clean figures).
"""
import argparse
import json
import random
import re
import statistics
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import date

import requests

from ops.seed import valid_fnr
from pathways.security.callers import Caller
from services.workbench.pages import Pages


def percentiles(samples):
    ordered = sorted(samples)
    return (statistics.median(ordered) * 1000,
            ordered[min(len(ordered) - 1, int(round(0.99 * (len(ordered) - 1))))] * 1000)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--base", type=int, default=8001)
    ap.add_argument("--enrolments", type=int, default=1000)
    ap.add_argument("--requests", type=int, default=200)
    ap.add_argument("--tokens", default=".local/dev-tokens.json")
    a = ap.parse_args()
    tokens = json.load(open(a.tokens))
    org = sorted(k for k in tokens if not k.startswith("_"))[0]
    coordinator = tokens[org]["coordinator"]
    intake, workbench = f"http://127.0.0.1:{a.base}", f"http://127.0.0.1:{a.base + 5}"
    api = requests.Session()
    api.headers["Authorization"] = f"Bearer {coordinator}"

    def call(method, path, body=None):
        resp = api.request(method, intake + path, json=body, timeout=30)
        resp.raise_for_status()
        return resp.json()

    me = Caller(org, "coordinator", f"{org}-coordinator")   # deploy/local/run's ids
    coach = me.id
    if coach not in {c["coach_id"] for c in call("GET", "/coaches")["coaches"]}:
        call("POST", "/coaches", {"coach_id": coach, "specialty": "labour_market"})
    run = call("POST", "/runs", {"programme": "aft", "name": f"Bench {time.time():.0f}",
                                 "places": a.enrolments + 10})["run_id"]
    began = time.monotonic()
    rng = random.Random(time.time())

    def one(i):
        born = date(1960 + i % 40, 1 + i % 12, 1 + i % 28)
        while True:
            person = {"country": "NO", "national_id": valid_fnr(rng, born), "given_name": "B",
                      "family_name": "B", "municipality": "0301", "needs_group": "standard"}
            resp = api.post(intake + "/participants", json=person, timeout=30)
            if resp.status_code == 201:
                break
        pid = resp.json()["participant_id"]
        e = call("POST", f"/runs/{run}/enrolments", {"participant_id": pid,
                                                      "date": "2026-01-02"})
        path = f"/runs/{run}/enrolments/{e['enrolment_id']}"
        call("POST", f"{path}/consent", {"given_by": "participant"})
        call("POST", f"{path}/apply", {})
        call("POST", f"{path}/start", {"start_date": "2026-01-05", "percent": 100,
                                       "days_per_week": 5})
        call("POST", f"{path}/coach", {"coach_id": coach})
        return path
    with ThreadPoolExecutor(16) as pool:
        paths = list(pool.map(one, range(a.enrolments)))
    print(f"seeded {a.enrolments} enrolments in {time.monotonic() - began:.0f} s (coach {coach})")

    browser = requests.Session()
    browser.get(workbench + "/sign-in", timeout=10)
    browser.post(workbench + "/sign-in", timeout=10, data={
        "token": coordinator, "csrf": browser.cookies.get("pathways_workbench_signin")})
    times, size = [], 0
    for _ in range(a.requests):
        t = time.perf_counter()
        resp = browser.get(workbench + "/caseload", timeout=30)
        times.append(time.perf_counter() - t)
        size = len(resp.content)
    rows = len(re.findall(r"<tr><td>", resp.text))
    p50, p99 = percentiles(times)
    print(f"GET /caseload ({rows} rows, {size / 1024:.0f} KiB): p50 {p50:.1f} ms, "
          f"p99 {p99:.1f} ms over {a.requests}")
    page_times = []
    for _ in range(min(a.requests, 100)):
        t = time.perf_counter()
        browser.get(workbench + paths[0], timeout=30)
        page_times.append(time.perf_counter() - t)
    p50, p99 = percentiles(page_times)
    print(f"GET a participant's page: p50 {p50:.1f} ms, p99 {p99:.1f} ms")

    # the template alone, on rows fetched once
    caseload = call("GET", "/caseload?limit=100")["enrolments"]
    pages = Pages(backend=None, submissions=None, zone_of=None)
    session = {"token": "", "org": me.org, "role": "coordinator", "id": "?", "csrf": "x"}
    render = []
    for _ in range(a.requests):
        t = time.perf_counter()
        pages.render(session, "nb", "caseload.html", caseload=caseload, due=[], ended=False,
                     offset=0, next_offset=100, previous=None)
        render.append(time.perf_counter() - t)
    p50, p99 = percentiles(render)
    print(f"render only, {len(caseload)} rows: p50 {p50:.1f} ms, p99 {p99:.1f} ms")


if __name__ == "__main__":
    main()
