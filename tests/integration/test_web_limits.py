"""The bounded web server (``pathways.runtime.webserver``) from a client's side, on a small
service with tight limits: half-sent headers and bodies are answered 408 and closed, an idle
kept-alive connection is closed, a body over the limit is refused before it is read, a chunked
one asks for a length, past the connection cap a new connection gets 503 with Retry-After at
once, and a client that vanishes mid-body leaves one log line, never a traceback."""
import json
import logging
import socket

import pytest

from pathways.runtime.entrypoints import http
from pathways.runtime.http import json_endpoint, read_json, respond
from tests.support import free_port, wait_until

LIMITS = {"HTTP_HEADER_TIMEOUT": 1, "HTTP_BODY_TIMEOUT": 1, "HTTP_KEEPALIVE_TIMEOUT": 1,
          "HTTP_MAX_CONNECTIONS": 4, "HTTP_MAX_BODY_BYTES": 1000}


class Echo:
    name = "echo"

    @http("POST", "/echo")
    @json_endpoint
    def echo(self, request):
        return respond(200, read_json(request))


@pytest.fixture
def port(container_factory, rabbit_config):
    port = free_port()
    container = container_factory(Echo, {**rabbit_config, "MONGO_URI": "mongodb://unused/",
                                         "WEB_SERVER_ADDRESS": f"127.0.0.1:{port}", **LIMITS})
    container.start()
    return port


def connect(port):
    sock = socket.create_connection(("127.0.0.1", port), timeout=10)
    return sock


def answer(sock):
    """Everything the server sends until it closes (or 10 s pass)."""
    data = b""
    try:
        while chunk := sock.recv(65536):
            data += chunk
    except OSError:
        pass
    return data.decode(errors="replace")


def post(body, extra=""):
    return (f"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n{extra}"
            f"Content-Length: {len(body)}\r\n\r\n{body}").encode()


def status(text):
    return int(text.split(" ", 2)[1]) if text.startswith("HTTP/1.") else None


def body_of(text):
    return json.loads(text.split("\r\n\r\n", 1)[1])


def test_an_ordinary_client_keeps_its_connection_for_several_requests(port):
    sock = connect(port)
    for n in range(3):
        sock.sendall(post(json.dumps({"n": n})))
        head = sock.recv(65536).decode()
        assert status(head) == 200 and head.endswith(json.dumps({"n": n})), head
    sock.close()


def test_a_request_line_over_8_kb_is_answered_414_in_json(port):
    sock = connect(port)
    sock.sendall(b"GET /echo?" + b"x" * 9000 + b" HTTP/1.1\r\nHost: x\r\n\r\n")
    text = answer(sock)
    assert status(text) == 414 and body_of(text)["error"] == "uri_too_long", text


def test_half_sent_headers_are_answered_408_and_closed(port):
    sock = connect(port)
    sock.sendall(b"GET /echo HTTP/1.1\r\nHost: x\r\nX-Slow: a")
    text = answer(sock)
    assert status(text) == 408 and body_of(text)["error"] == "request_timeout", text


def test_a_silent_connection_and_an_idle_kept_alive_one_are_closed(port):
    silent = connect(port)
    assert answer(silent) == ""   # closed without a word: it never asked anything
    kept = connect(port)
    kept.sendall(post("{}"))
    assert status(kept.recv(65536).decode()) == 200
    assert answer(kept) == ""     # closed after the idle bound


def test_a_stalled_body_is_answered_408(port):
    sock = connect(port)
    sock.sendall(post("x" * 100)[:-90])   # the headers and 10 of 100 bytes
    text = answer(sock)
    assert status(text) == 408 and "body" in body_of(text)["message"], text


def test_a_body_over_the_limit_is_refused_before_it_is_read_and_chunked_asks_for_a_length(port):
    sock = connect(port)
    sock.sendall(b"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 50000000\r\n\r\n")
    text = answer(sock)   # nothing of the body sent: the answer comes anyway
    assert status(text) == 413 and body_of(text)["error"] == "too_large", text
    sock = connect(port)
    sock.sendall(b"POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                 b"2\r\n{}\r\n0\r\n\r\n")
    text = answer(sock)
    assert status(text) == 411 and body_of(text)["error"] == "length_required", text


def test_past_the_connection_cap_a_new_connection_gets_503_at_once(port):
    held = [connect(port) for _ in range(4)]
    extra = connect(port)
    text = answer(extra)
    assert status(text) == 503 and "Retry-After: 1" in text, text
    assert body_of(text)["error"] == "busy"
    for sock in held:
        sock.close()

    def room_again():   # once the server has seen them go
        sock = connect(port)
        sock.sendall(post("{}"))
        return status(sock.recv(65536).decode()) == 200
    wait_until(room_again, timeout=10, what="a connection to be taken again")


def test_a_client_gone_mid_body_is_one_log_line_without_a_traceback(port, caplog):
    caplog.set_level(logging.INFO)
    sock = connect(port)
    sock.sendall(post("x" * 100)[:-90])
    sock.shutdown(socket.SHUT_WR)
    answer(sock)
    sock.close()
    sock = connect(port)   # the server goes on
    sock.sendall(post("{}"))
    assert status(sock.recv(65536).decode()) == 200
    gone = [r for r in caplog.records if "went away" in r.getMessage()]
    assert len(gone) == 1, [r.getMessage() for r in caplog.records]
    assert not [r for r in caplog.records if r.exc_info], "a traceback was logged"


def test_routing_answers_are_json_too(port):
    sock = connect(port)
    sock.sendall(b"GET /nothing HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    text = answer(sock)
    assert status(text) == 404 and body_of(text)["error"] == "not_found", text
    sock = connect(port)
    sock.sendall(b"TRACE /echo HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    text = answer(sock)
    assert status(text) == 405 and body_of(text)["error"] == "method_not_allowed", text
    assert "Allow: POST" in text and "application/json" in text
