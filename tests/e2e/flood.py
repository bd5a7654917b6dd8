"""A flood of requests from its own process, run by the edge tests: ``clients`` threads each
send ``GET url`` with ``headers`` (JSON) at most ``rate`` times a second for ``seconds``.
Loopback only. Prints the statuses it got and its slowest answer as one JSON line.

    python -m tests.e2e.flood URL HEADERS_JSON CLIENTS RATE SECONDS
"""
import json
import sys
import threading
import time
from collections import Counter

import requests


def flood(url, headers, clients, rate, seconds):
    assert url.startswith("http://127."), "loopback only"
    statuses, slowest, lock = Counter(), [0.0], threading.Lock()
    ends = time.monotonic() + seconds

    def client():
        session = requests.Session()
        while time.monotonic() < ends:
            began = time.monotonic()
            try:
                status = session.get(url, headers=headers, timeout=30).status_code
            except requests.RequestException as err:
                status = type(err).__name__
            took = time.monotonic() - began
            with lock:
                statuses[str(status)] += 1
                slowest[0] = max(slowest[0], took)
            time.sleep(max(1 / rate - took, 0))
    threads = [threading.Thread(target=client) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return {"statuses": dict(statuses), "slowest": round(slowest[0], 3)}


if __name__ == "__main__":
    url, headers = sys.argv[1], json.loads(sys.argv[2])
    clients, rate, seconds = int(sys.argv[3]), float(sys.argv[4]), float(sys.argv[5])
    print(json.dumps(flood(url, headers, clients, rate, seconds)), flush=True)
