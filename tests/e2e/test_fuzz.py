"""Every service's API fuzzed from outside with schemathesis 4 (its command line, as a tester of
ours or a partner's would run it): every check it has, its four phases (the documents' examples,
coverage of each constraint's edges, property-based fuzzing, and stateful sequences that follow
the documents' links from what a call created), as a caller of one organisation, a caller of
another, and a caller without a token. A document that says more or less than the server does
fails here; so does a 5xx, an undocumented status or content type, a body the schema does not
describe, a valid request refused, an invalid one taken, and an operation that works without its
token. Afterwards every log still verifies.

What a JSON Schema cannot say is told to schemathesis per operation (``schemathesis.toml``
beside this file), each with its reason; one mislabel of the tool's own is set aside
(``schemathesis_hooks.py``)."""
import os
import subprocess
import sys

from pathways.eventstore import EventStore
from tests.e2e.conftest import TOKENS
from tests.support import ROOT

CONFIG = os.path.join(os.path.dirname(os.path.abspath(__file__)), "schemathesis.toml")
IDENTITIES = {"org-a coordinator": TOKENS["coordinator"], "org-b caseworker": TOKENS["caseworker-b"],
              "no token": None}
EXAMPLES = 6   # per operation and phase; the coverage phase adds each constraint's edges


def schemathesis(base, token, workdir):
    """Start schemathesis against ``base`` as ``token``'s caller; returns the process."""
    command = [os.path.join(os.path.dirname(sys.executable), "st"), "--config-file", CONFIG,
               "--no-color", "run", f"{base}/openapi.json", "--checks", "all",
               "--max-examples", str(EXAMPLES), "--generation-deterministic",
               "--request-timeout", "30", "--workers", "1"]
    if token:
        command += ["--header", f"Authorization: Bearer {token}"]
    env = {**os.environ, "SCHEMATHESIS_HOOKS": "tests.e2e.schemathesis_hooks", "PYTHONPATH": ROOT}
    # (its own files, such as the crashes it keeps for `st replay`, go to the test's directory)
    os.makedirs(workdir, exist_ok=True)
    return subprocess.Popen(command, cwd=workdir, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def test_every_service_holds_to_its_document_under_schemathesis(platform, dbs, tmp_path):
    apps = platform("intake", "employer", "placement", "reporting", "notify")
    problems, ran = [], 0
    for name, clients in apps.items():
        base = clients["coordinator"].base
        # the three callers of a service at once: the machine's cores share the work
        started = {who: schemathesis(base, token, tmp_path / f"{name}-{who.replace(' ', '-')}")
                   for who, token in IDENTITIES.items()}
        for who, proc in started.items():
            stdout, stderr = proc.communicate(timeout=600)
            done = subprocess.CompletedProcess(proc.args, proc.returncode, stdout, stderr)
            ran += 1
            lines = done.stdout.strip().splitlines() or ["(no output)"]
            cases = next((lines[i + 1].strip() for i, line in enumerate(lines[:-1])
                          if line.startswith("Test cases:")), "?")
            phases = " ".join(line.split()[-1] + ("" if "✅" in line else "!") for line in lines
                              if line.strip().startswith(("✅", "❌", "⏭")) and
                              line.split()[-1] in ("Examples", "Coverage", "Fuzzing", "Stateful"))
            print(f"{name} as {who}: {cases}; {phases}; {lines[-1].strip('= ')}")
            if done.returncode != 0:
                problems.append(f"--- {name} as {who}: exit {done.returncode}\n"
                                f"{done.stdout[-8000:]}\n{done.stderr[-2000:]}")
    assert ran == 15
    assert not problems, "\n".join(problems)
    for name in ("intake", "employer", "placement", "reporting", "notify"):
        assert EventStore(dbs[name], name, validate=False).verify().ok, name
