"""A slowloris client, run as its own process by the slow-client test: it holds ``count``
connections to ``host:port`` open for ``seconds``, each sending a request's headers a few bytes
at a time and never finishing them; a connection the server closes is opened again (at most
``count * 20`` opens in all). Loopback only. Prints what it saw as one JSON line.

    python -m tests.e2e.slowloris PORT COUNT SECONDS
"""
import errno
import json
import selectors
import socket
import sys
import time

TRICKLE_SECONDS = 2.0


def attack(port, count, seconds, host="127.0.0.1"):
    assert host.startswith("127."), "loopback only"
    selector = selectors.DefaultSelector()
    stats = {"opened": 0, "closed_by_server": 0, "answers": {}, "open_failures": 0,
             "held_most": 0}
    ends = time.monotonic() + seconds
    budget = count * 20

    def open_one():
        if stats["opened"] >= budget:
            return
        sock = socket.socket()
        sock.setblocking(False)
        if sock.connect_ex((host, port)) not in (0, errno.EINPROGRESS):
            stats["open_failures"] += 1
            sock.close()
            return
        stats["opened"] += 1
        state = {"sent": 0, "next": time.monotonic() + 0.1}
        selector.register(sock, selectors.EVENT_READ, state)

    for _ in range(count):
        open_one()
    head = b"GET /runs HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: "
    while time.monotonic() < ends:
        stats["held_most"] = max(stats["held_most"], len(selector.get_map()))
        for key, _ in selector.select(timeout=0.2):   # the server answered or closed
            sock = key.fileobj
            try:
                data = sock.recv(4096)
            except OSError:
                data = b""
            if data.startswith(b"HTTP/1."):
                status = data[9:12].decode()
                stats["answers"][status] = stats["answers"].get(status, 0) + 1
            selector.unregister(sock)
            sock.close()
            stats["closed_by_server"] += 1
            open_one()
        now = time.monotonic()
        for key in list(selector.get_map().values()):   # a few more bytes, never the end
            state = key.data
            if now < state["next"]:
                continue
            chunk = head[state["sent"]:state["sent"] + 8] if state["sent"] < len(head) else b"a"
            try:
                key.fileobj.send(chunk)
                state["sent"] += len(chunk)
            except OSError:
                pass
            state["next"] = now + TRICKLE_SECONDS
    for key in list(selector.get_map().values()):
        key.fileobj.close()
    return stats


if __name__ == "__main__":
    port, count, seconds = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])
    print(json.dumps(attack(port, count, seconds)), flush=True)
