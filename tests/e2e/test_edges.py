"""The edges from an attacker's side: every request is authenticated before anything else is
done for it, so a flood without a token that names a far `Pathways-After` is answered 401 at
once (it used to be held for the 3 s consistency wait, and slowed a caseworker 12-16 times)."""
import json
import statistics
import subprocess
import sys
import time

import requests

from pathways.application.timeouts import WAIT_SECONDS
from tests.e2e.conftest import TOKENS
from tests.support import ROOT, timed

CLIENTS, RATE, SECONDS = 30, 2, 12   # 60 requests a second: six times the original flood


def caseworker_times(base, seconds):
    headers = {"Authorization": f"Bearer {TOKENS['caseworker']}"}

    def read(_):
        assert requests.get(base + "/runs", headers=headers, timeout=30).status_code == 200
    return timed(read, seconds)


def test_an_unauthenticated_flood_with_a_far_position_is_answered_401_at_once(intake_process):
    intake = intake_process
    far = {"Pathways-After": "placement=999999999999"}
    one = requests.get(intake.base + "/runs", headers=far, timeout=30)
    assert one.status_code == 401 and one.elapsed.total_seconds() < WAIT_SECONDS, one.text
    malformed = requests.get(intake.base + "/runs", headers={"Pathways-After": "x"})
    assert malformed.status_code == 401   # who asks comes first, then what is asked
    quiet = caseworker_times(intake.base, 4)
    flood = subprocess.Popen(
        [sys.executable, "-m", "tests.e2e.flood", intake.base + "/runs", json.dumps(far),
         str(CLIENTS), str(RATE), str(SECONDS)], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    time.sleep(1)
    during = caseworker_times(intake.base, SECONDS - 3)
    seen = json.loads(flood.communicate(timeout=60)[0])
    q, d = statistics.median(quiet), statistics.median(during)
    print(f"\nflood: {seen}; caseworker p50 quiet {q * 1000:.1f} ms, "
          f"during {d * 1000:.1f} ms (max {max(during) * 1000:.1f} ms)")
    assert set(seen["statuses"]) == {"401"} and seen["slowest"] < WAIT_SECONDS, seen
    assert d <= 2 * q + 0.005, (q, d)   # 5 ms for the scheduler's noise on two cores
