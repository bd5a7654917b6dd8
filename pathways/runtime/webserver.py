"""nameko's web server with bounds, so that slow, idle or greedy clients cannot starve a service.

eventlet's WSGI server, as nameko runs it, waits for a request's headers and body for ever and
accepts every connection: a few thousand half-sent requests (slowloris) held a service's
answers for 24 s. Here, per connection:

- the request line and headers must arrive within ``header_timeout`` of the connection's first
  byte, and that first byte within ``header_timeout`` of the accept (else ``408``, closed);
- a kept-alive connection is closed after ``keepalive_timeout`` without a new request;
- a body must arrive within ``body_timeout`` in all, and no single read or write of the
  connection may wait longer than that (a client that does not read its answer is dropped);
- a body larger than ``max_body_bytes`` is refused (``413``) from its ``Content-Length``,
  before any of it is read; a chunked body (no length) is refused with ``411``;
- past ``max_connections`` open connections in the process, a new one is answered ``503`` with
  ``Retry-After`` at once and closed, without reading it.

Nothing a client does at this level kills the container (an exception in nameko's accept loop
or in a connection's thread would): each ends as one log line.
"""
import json
import logging
import resource
import socket
import time
from functools import partial

import eventlet
from eventlet import wsgi
from nameko.web.server import HttpOnlyProtocol, WebServer, WsgiApp
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Request, Response

from pathways.errors import BadRequest, RequestTimeout, TooLarge
from pathways.operations.metrics import HTTP_CONNECTIONS, HTTP_CUT
from pathways.operations.settings import HttpLimits, SettingsError

log = logging.getLogger(__name__)


def canned(status, reason, error, message, retry_after=None):
    """A whole JSON answer as bytes, for the places where no WSGI app runs."""
    body = json.dumps({"error": error, "message": message}).encode()
    head = [f"HTTP/1.1 {status} {reason}", "Content-Type: application/json",
            f"Content-Length: {len(body)}", "Cache-Control: no-store", "Connection: close"]
    if retry_after:
        head.append(f"Retry-After: {retry_after}")
    return ("\r\n".join(head) + "\r\n\r\n").encode() + body


class HeaderTimeout(Exception):
    """The request line and headers did not arrive in time."""


class BoundedProtocol(HttpOnlyProtocol):
    """eventlet's HTTP protocol with a deadline on each request's line and headers and an idle
    bound between requests (``server.limits``)."""

    def setup(self):
        super().setup()
        self.served, self._deadline, self._unread = 0, None, False

    def handle(self):
        try:
            super().handle()
        except HeaderTimeout:
            self.close_connection = 1
            self.server.cut("header_timeout")
            self._send(canned(408, "Request Timeout", "request_timeout",
                              f"the request's headers did not arrive within "
                              f"{self.server.limits.header_timeout:g}s"))

    def finish(self):
        if self._unread:
            self._linger()
        super().finish()

    def _linger(self):
        """Close a connection whose body was left unread so that the client still reads our
        answer: stop writing, then drop what it sends for a moment (at most 2 s and 4 MB; never
        kept) before closing; closing at once would reset the connection and lose the answer."""
        try:
            self.wfile.flush()
            self.connection.shutdown(socket.SHUT_WR)
            self.connection.settimeout(0.5)
            ends, dropped = time.monotonic() + 2, 0
            while time.monotonic() < ends and dropped < 4 << 20:
                data = self.connection.recv(65536)
                if not data:
                    break
                dropped += len(data)
        except OSError:
            pass

    def _send(self, data):
        try:
            self.wfile.write(data)
            self.wfile.flush()
        except OSError:
            pass   # the client is gone or does not read: nothing more to tell it

    def _read_request_line(self):
        limits = self.server.limits
        # the first request may take the header bound to start; a kept-alive one, the idle bound
        self.connection.settimeout(limits.keepalive_timeout if self.served
                                   else limits.header_timeout)
        try:
            if self.rfile.closed or not self.rfile.peek(1):
                return ""
        except (OSError, ValueError):   # idle too long, reset or closed: end quietly
            return ""
        self._deadline = eventlet.Timeout(limits.header_timeout, HeaderTimeout())
        line = super()._read_request_line()   # then every socket operation: server.socket_timeout
        if len(line) >= self.server.url_length_limit:   # eventlet's own 414 has no body
            self._send(canned(414, "URI Too Long", "uri_too_long", f"the request line is "
                              f"longer than {self.server.url_length_limit} bytes"))
            return ""
        return line

    def parse_request(self):
        try:
            return super().parse_request()
        finally:
            self._cancel_deadline()

    def handle_one_request(self):
        try:
            super().handle_one_request()
        finally:
            self._cancel_deadline()
            self.served += 1

    def _cancel_deadline(self):
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None

    def get_environ(self):
        environ = super().get_environ()
        environ["pathways.close_connection"] = self._close_after_answer
        return environ

    def _close_after_answer(self):
        self.close_connection = 1
        self._unread = True


class BoundedInput:
    """A request body read within ``limits``: at most ``max_body_bytes`` (the server checked the
    declared length; this holds a client to it) and within ``body_timeout`` in all. A client
    that goes away mid-body is a 400 with one log line, not a traceback."""

    def __init__(self, inner, limits, close, cut):
        self.inner, self.limits, self.close, self.cut = inner, limits, close, cut
        self.deadline = time.monotonic() + limits.body_timeout
        self.read_bytes = 0

    def read(self, size=-1):
        return self._bounded(self.inner.read, size)

    def readline(self, size=-1):
        return self._bounded(self.inner.readline, size)

    def _bounded(self, fn, size):
        left = self.deadline - time.monotonic()
        try:
            if left <= 0:
                raise eventlet.Timeout()
            with eventlet.Timeout(left):
                data = fn(size) if size is not None and size >= 0 else fn()
        except (eventlet.Timeout, socket.timeout):
            self.close()
            self.cut("body_timeout")
            raise RequestTimeout(f"the request body did not arrive within "
                                 f"{self.limits.body_timeout:g}s") from None
        except (OSError, ValueError) as err:   # reset, or a broken chunk: the client went away
            self.close()
            log.info("client went away while sending its request body (%s)", type(err).__name__)
            raise BadRequest("the request body was cut off", {"_body": ["incomplete"]}) from None
        self.read_bytes += len(data)
        if self.read_bytes > self.limits.max_body_bytes:
            self.close()
            self.cut("too_large")
            raise TooLarge(f"body larger than {self.limits.max_body_bytes} bytes")
        return data


class JsonWsgiApp(WsgiApp):
    """nameko's WSGI app, with its routing answers in JSON like every other: a path no route
    serves is a 404, a method the path does not take a 405 with ``Allow`` (werkzeug's are HTML
    pages)."""

    def __call__(self, environ, start_response):
        request = Request(environ, shallow=True)   # (nameko: no body read before the handler)
        adapter = self.url_map.bind_to_environ(environ)
        try:
            provider, values = adapter.match()
            request.path_values = values
            answer = provider.handle_request(request)
        except HTTPException as exc:
            answer = json_http_error(exc)
        return answer(environ, start_response)


def json_http_error(exc):
    headers = [(k, v) for k, v in exc.get_headers() if k.lower() != "content-type"]
    return json_answer(exc.code, (exc.name or "error").lower().replace(" ", "_"),
                       exc.description or exc.name, headers)


def json_answer(status, error, message, headers=()):
    """A JSON error answer as a WSGI app (``canned`` is the same as bytes, for the socket)."""
    return Response(json.dumps({"error": error, "message": message}), status=status,
                    headers=[("Cache-Control", "no-store"), *headers],
                    mimetype="application/json")


class BoundedWebServer(WebServer):
    """nameko's shared web server, bounded by the service's ``HTTP_*`` settings."""

    def setup(self):
        super().setup()
        # The bounds alone (a service with HTTP entrypoints may have no other settings), checked
        # at start like every setting: a bad value stops the service with what is wrong.
        try:
            self.limits = HttpLimits.from_config(self.container.config)
        except ValueError as err:
            raise SettingsError(self.container.service_name, [str(err)]) from None
        self.open_connections = 0
        self.connections_gauge = HTTP_CONNECTIONS.labels(self.container.service_name)
        self._last_accept_error = 0.0
        _raise_descriptor_limit(self.limits.max_connections)

    def start(self):
        """nameko's start, with a listen backlog for a burst of connections (nameko's 50 drops
        the SYNs of ordinary clients behind a flood, and they wait seconds to retry)."""
        if not self._starting:
            self._starting = True
            self._sock = eventlet.listen(self.bind_addr, backlog=LISTEN_BACKLOG)
            self._sock.settimeout(None)   # (nameko: kombu may have set a default timeout)
            self._serv = self.get_wsgi_server(self._sock, self.get_wsgi_app())
            self._gt = self.container.spawn_managed_thread(self.run)

    def get_wsgi_server(self, sock, wsgi_app, protocol=BoundedProtocol, debug=False):
        server = wsgi.Server(sock, sock.getsockname(), wsgi_app, protocol=protocol, debug=debug,
                             log=logging.getLogger("nameko.web.server"),
                             socket_timeout=self.limits.body_timeout)
        server.limits, server.cut = self.limits, self.cut
        return server

    def cut(self, reason):
        HTTP_CUT.labels(self.container.service_name, reason).inc()

    def get_wsgi_app(self):
        app, limits = JsonWsgiApp(self), self.limits
        too_large = f"body larger than {limits.max_body_bytes} bytes"

        def bounded(environ, start_response):
            close = environ.get("pathways.close_connection", lambda: None)
            length = environ.get("CONTENT_LENGTH")
            if length and int(length) > limits.max_body_bytes:
                close()   # unread: the connection cannot carry another request
                self.cut("too_large")
                return json_answer(413, "too_large", too_large,
                                   [("Connection", "close")])(environ, start_response)
            if environ.get("HTTP_TRANSFER_ENCODING", "").lower() == "chunked":
                close()
                return json_answer(411, "length_required", "send the body with a Content-Length "
                                   "(chunked bodies are not accepted)",
                                   [("Connection", "close")])(environ, start_response)
            environ["wsgi.input"] = BoundedInput(environ["wsgi.input"], limits, close, self.cut)
            return app(environ, start_response)
        return bounded

    def run(self):
        while self._is_accepting:
            try:
                sock, address = self._sock.accept()
            except OSError as err:   # out of descriptors (EMFILE, ENFILE): wait, never die
                self._accept_failed(err)
                continue
            if self.open_connections >= self.limits.max_connections:
                self.cut("busy")
                self.container.spawn_managed_thread(partial(self._refuse, sock))
                continue
            self.open_connections += 1
            self.connections_gauge.set(self.open_connections)
            self.container.spawn_managed_thread(partial(self.process_request, sock, address))

    def process_request(self, sock, address):
        try:
            sock.settimeout(self.limits.header_timeout)
            self._serv.process_request([address, sock, wsgi.STATE_IDLE])
        except Exception as err:   # a client's fault or its absence: one line, the server goes on
            log.info("connection from %s ended: %s", address[0] if address else "?",
                     type(err).__name__)
        finally:
            self.open_connections -= 1
            self.connections_gauge.set(self.open_connections)
            _close(sock)

    def _refuse(self, sock):
        try:
            sock.settimeout(1.0)
            sock.sendall(REFUSED)
            sock.shutdown(socket.SHUT_WR)
        except OSError:
            pass
        finally:
            _close(sock)

    def _accept_failed(self, err):
        now = time.monotonic()
        if now - self._last_accept_error > 10:
            log.warning("web server of %s cannot accept connections: %r (open: %d)",
                        self.container.service_name, err, self.open_connections)
            self._last_accept_error = now
        eventlet.sleep(0.05)


LISTEN_BACKLOG = 4096   # the kernel caps it at net.core.somaxconn
REFUSED = canned(503, "Service Unavailable", "busy",
                 "too many open connections; try again shortly", retry_after=1)


def _close(sock):
    try:
        sock.close()
    except OSError:
        pass


def _raise_descriptor_limit(connections):
    """Each connection holds a descriptor: lift the process's soft limit towards what
    ``connections`` needs (as far as the hard limit allows), and say so if it cannot."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = connections + 512   # the service's own sockets and files besides
    if soft != resource.RLIM_INFINITY and soft < wanted:
        target = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
        except (ValueError, OSError):
            target = soft
        if target < wanted:
            log.warning("open files limited to %d: fewer than HTTP_MAX_CONNECTIONS (%d) "
                        "connections can be held", target, connections)
