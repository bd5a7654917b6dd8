"""A steady load of commands through all four services over HTTP, and what must hold after
faults (tests/e2e/test_faults.py, test_rabbit_cluster.py): every instance up, no acknowledged
command missing from its log, every log verifying, every consumer having applied its sources'
logs exactly once, reporting equal to a replay of the feeds, no 5xx but a killed process's own
during its downtime, no answer slower than the documented bound."""
import itertools
import random
import time
from collections import Counter
from datetime import date

import eventlet
import requests

from pathways.eventstore import EventStore
from ops.seed import valid_fnr
from services.reporting.app import SOURCES, replay
from services.reporting.projection import COLLECTIONS
from tests.e2e.conftest import TOKENS
from tests.e2e.processes import CLASSES, Instance
from tests.support import wait_until

# The product's bound is the wait on another service (3 s, asserted tightly in test_consistency);
# an answer's wall time also holds the machine's load. Alone here the slowest answer took about
# 3.2 s; with two suites' fault tests at once (16 services on 2 cores) 15 s was seen. 30 s holds
# there too and still catches a wait that forgets its bound (10 s RPC timeouts, twice or more).
ANSWER_BOUND = 30.0


class Load:
    """Participants through the whole flow, round-robin over the instances; every answer kept."""

    def __init__(self, instances):
        self.instances = instances
        self.next = {s: itertools.cycle(range(len(instances[s]))) for s in CLASSES}
        self.answers = []        # (service, instance, sent at, seconds, status, body)
        self.written = []        # (source, position, stream_id) of every 2xx command
        self.session = requests.Session()
        self.stop = False

    def call(self, service, method, path, token, body=None, stream=None, after=None, ok=(200, 201)):
        """A request; retried on another instance while one is down or not caught up.
        Returns the JSON answer (with the position it wrote as ``_position``), or None if the
        outcome is unknown (an answer lost mid-way)."""
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            inst = self.instances[service][next(self.next[service])]
            headers = {"Authorization": f"Bearer {TOKENS[token]}"}
            if after:
                headers["Pathways-After"] = after
            sent = time.monotonic()
            try:
                resp = self.session.request(method, inst.base + path, json=body,
                                            headers=headers, timeout=30)
            except requests.ConnectionError as err:
                self.answers.append((service, inst, sent, time.monotonic() - sent, None, str(err)))
                if "refused" in str(err).lower():
                    eventlet.sleep(0.2)
                    continue             # never reached it: safe to send again
                return None              # it may have been done: the flow stops here
            took = time.monotonic() - sent
            self.answers.append((service, inst, sent, took, resp.status_code, resp.text[:300]))
            if resp.status_code in ok:
                answer, position = resp.json(), resp.headers.get("Pathways-Position")
                answer["_position"] = None
                if position and stream:
                    source, _, at = position.partition("=")
                    answer["_position"] = int(at)
                    self.written.append((source, int(at), stream(answer)))
                return answer
            if resp.status_code == 503:
                eventlet.sleep(float(resp.headers.get("Retry-After", 1)))
                continue
            if resp.status_code == 409 and "concurrent_update" in resp.text:
                eventlet.sleep(random.uniform(0.05, 0.3))    # "try again", as it says
                continue
            raise AssertionError((service, method, path, resp.status_code, resp.text[:300]))
        raise AssertionError(f"{service} {method} {path}: no answer within 60 s")

    def participant(self, rng, run_id, opportunity):
        cw = "caseworker"
        born = date(rng.randrange(1950, 2005), rng.randrange(1, 13), rng.randrange(1, 29))
        person = {"country": "NO", "national_id": valid_fnr(rng, born), "given_name": "Test",
                  "family_name": "Person", "municipality": "0301", "needs_group": "situational"}
        p = self.call("intake", "POST", "/participants", cw, person, ok=(201, 409),
                      stream=lambda b: f"participant-{b['participant_id']}")
        if p is None or "error" in p:   # lost answer, or the same number drawn twice
            return
        run_stream = lambda b: f"run-{run_id}"   # noqa: E731
        e = self.call("intake", "POST", f"/runs/{run_id}/enrolments", cw,
                      {"participant_id": p["participant_id"], "date": "2026-01-02"},
                      stream=run_stream)
        if e is None:
            return
        path = f"/runs/{run_id}/enrolments/{e['enrolment_id']}"
        for action, body in (("consent", {"given_by": "participant"}), ("apply", {}),
                             ("start", {"start_date": "2026-01-05", "percent": 100,
                                        "days_per_week": 5})):
            answer = self.call("intake", "POST", f"{path}/{action}", cw, body, stream=run_stream)
            if answer is None:
                return
        started = answer["_position"]
        case = f"/cases/{e['enrolment_id']}"
        case_stream = lambda b: f"case-{e['enrolment_id']}"   # noqa: E731
        pl = self.call("placement", "POST", f"{case}/placements", cw, {
            "employer_id": opportunity["employer_id"],
            "opportunity_id": opportunity["opportunity_id"], "kind": "ordinary_job",
            "hours_per_week": 37.5, "start_date": "2026-02-01"},
            stream=case_stream, after=f"intake={started}" if started else None)
        if pl is None:
            return
        for step, body in ([("approve", {"party": party})
                            for party in ("participant", "employer", "caseworker")]
                           + [("start", {"start_date": "2026-02-01"})]):
            if self.call("placement", "POST", f"{case}/placements/{pl['placement_id']}/{step}",
                         cw, body, stream=case_stream) is None:
                return
        if rng.random() < 0.5:
            self.call("placement", "POST", f"{case}/close", cw,
                      {"outcome": "employed_ordinary", "date": "2026-04-30"}, stream=case_stream)
        self.call("reporting", "GET", "/reports/kpis", "coordinator")

    def run(self, worker, run_id, opportunity):
        rng = random.Random(worker)
        while not self.stop:
            self.participant(rng, run_id, opportunity)


def start_instances(config, tmp_path, per_service):
    """``per_service`` processes of every service; {service: [Instance]} once all answer."""
    made = {s: [Instance(s, i, config, tmp_path) for i in range(per_service)] for s in CLASSES}
    everyone = [i for group in made.values() for i in group]
    for inst in everyone:
        inst.start()
    wait_until(lambda: all(i.up() for i in everyone), timeout=120,
               what=f"{len(everyone)} instances")
    return made


def stop_instances(made):
    for inst in (i for group in made.values() for i in group):
        if inst.proc.poll() is None:
            inst.proc.kill()
            inst.proc.wait()


def setting_up(load):
    """A run and an opportunity with room for the whole load."""
    run_id = load.call("intake", "POST", "/runs", "coordinator", {
        "programme": "office_places", "name": "Kontor", "places": 5000})["run_id"]
    firm = load.call("employer", "POST", "/employers", "coordinator", {
        "country": "NO", "org_number": "988077917", "name": "Fjord Verksted AS",
        "sector": "manufacturing", "municipality": "4601"})
    opportunity = load.call("employer", "POST", "/opportunities", "coordinator", {
        "employer_id": firm["employer_id"], "kind": "ordinary_job", "title": "Lager",
        "places": 1000, "valid_from": "2026-01-01"})
    return run_id, opportunity


def check_aftermath(instances, load, dbs):
    """What must hold after the faults (the module's docstring)."""
    # every instance is up: none exited, each answers (in time, on a machine this loaded)
    for group in instances.values():
        for inst in group:
            assert inst.proc.poll() is None, f"{inst.service}-{inst.index} exited: " + \
                inst.log.read_text()[-2000:]
            wait_until(inst.up, timeout=30, what=f"{inst.service}-{inst.index} to answer")
    # answers: in time; no 5xx but a killed process's own, or a documented not_caught_up
    done = [a for a in load.answers if a[4] is not None]
    assert len([a for a in done if a[4] < 300]) > 100, Counter(a[4] for a in load.answers)
    slow = [a[:5] for a in done if a[3] > ANSWER_BOUND]
    assert not slow, slow
    print(f"\nfault test: {len(load.answers)} requests, statuses "
          f"{dict(Counter(a[4] for a in load.answers))}, slowest answer "
          f"{max(a[3] for a in done):.2f}s, {len(load.written)} acknowledged writes")
    faults = [(a[0], a[1].index, a[4], a[5][:120]) for a in done
              if a[4] >= 500 and not a[1].was_down(a[2])
              and not (a[4] == 503 and "not_caught_up" in a[5])]
    assert not faults, faults
    # every acknowledged command is in its log, every log verifies
    stores = {s: EventStore(dbs[s], s, validate=False) for s in SOURCES}
    for source, position, stream_id in load.written:
        (event,) = stores[source].events_after(position - 1, 1)
        assert event["stream_id"] == stream_id, (source, position, stream_id)
    for source, store in stores.items():
        assert store.verify().ok, source
    # every consumer reaches its sources' heads; effects applied exactly once
    heads = {s: stores[s].head()["position"] for s in SOURCES}

    def checkpoints(db, name):
        return {d["_id"].split("|")[1]: d["position"]
                for d in dbs[db]["consumer_checkpoints"].find({"_id": {"$regex": f"^{name}\\|"}})}
    wait_until(lambda: checkpoints("intake", "intake") == {"placement": heads["placement"]}
               and checkpoints("employer", "employer") == {"placement": heads["placement"]}
               and checkpoints("placement", "placement") == {"intake": heads["intake"],
                                                             "employer": heads["employer"]},
               timeout=90, what=f"every consumer to reach the heads {heads}")
    reporting = instances["reporting"][-1]
    status = wait_until(lambda: (r := requests.get(
        reporting.base + "/rebuild", headers={"Authorization": f"Bearer {TOKENS['admin']}"},
        timeout=10).json())["positions"] == heads and r, timeout=90,
        what="reporting to reach the heads")
    events = {s: stores[s].events_after(0, 1_000_000) for s in SOURCES}
    started = [e["payload"] for e in events["placement"] if e["type"] == "PlacementStarted"]
    taken = Counter(e["payload"]["placement_id"] for e in events["employer"]
                    if e["type"] == "OpportunityPlaceTaken")
    assert started and all(taken[p["placement_id"]] == 1 for p in started), taken
    closed = {e["payload"]["enrolment_id"] for e in events["placement"]
              if e["type"] == "CaseClosed"}
    ended = Counter(e["payload"]["enrolment_id"] for e in events["intake"]
                    if e["type"] == "EnrolmentEnded")
    assert closed and all(ended[e] == 1 for e in closed), ended
    # reporting's live rows equal a replay of the three feeds
    generation = status["generation"]
    live = {c: {d["_id"]: {k: v for k, v in d.items() if not k.startswith("_")}
                for d in dbs["reporting"][f"g{generation}_{c}"].find({})} for c in COLLECTIONS}

    def feed(source, after, limit):
        return stores[source].feed_page(after, limit)[:2]
    assert replay(feed, SOURCES).rows == live
