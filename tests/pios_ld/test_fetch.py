"""Fetching other people's documents safely (DESIGN.md §7), against real servers on loopback."""

from __future__ import annotations

import gzip
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from pios_ld import fetch as fetch_module
from pios_ld.errors import FetchError, FetchTimeoutError, ForbiddenAddressError, TooLargeError
from pios_ld.fetch import Limits, check_url, fetch

ALLOWED = Limits(allow_private=True, deadline=10)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    routes: dict = {}

    def do_GET(self) -> None:  # noqa: N802
        route = self.routes.get(self.path.split("?")[0])
        if route is None:
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        route(self)

    def log_message(self, format, *args):  # noqa: A002
        pass


@pytest.fixture
def server():
    routes: dict = {}
    handler = type("H", (Handler,), {"routes": routes})
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{httpd.server_port}"
    yield base, routes
    httpd.shutdown()
    httpd.server_close()


def _send(status: int, body: bytes = b"", **headers: str):
    def respond(h: BaseHTTPRequestHandler) -> None:
        h.send_response(status)
        for key, value in headers.items():
            h.send_header(key.replace("_", "-"), value)
        h.send_header("Content-Length", str(len(body)))
        h.end_headers()
        h.wfile.write(body)
    return respond


def test_loopback_is_refused_unless_allowed_and_no_connection_is_made(silent_port):
    with pytest.raises(ForbiddenAddressError) as caught:
        fetch(silent_port.url("/catalog"), limits=Limits(allow_private=False))
    assert "PIOS_ALLOW_PRIVATE_ADDRESSES" in caught.value.message
    assert caught.value.message_sv != caught.value.message
    silent_port.assert_untouched()


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://example.org/x", "gopher://x/",
                                 "http://10.0.0.1/", "http://169.254.169.254/latest/meta-data",
                                 "http://[::1]/", "http://[::ffff:127.0.0.1]/", "http://0.0.0.0/"])
def test_non_http_and_non_public_addresses_are_refused(url):
    with pytest.raises(ForbiddenAddressError):
        check_url(url, allow_private=False)


def test_any_status_is_an_answer_and_headers_are_kept(server):
    base, routes = server
    routes["/x"] = _send(500, b"oops", ETag='"1"')
    answer = fetch(base + "/x", limits=ALLOWED)
    assert (answer.status, answer.content, answer.headers["etag"]) == (500, b"oops", '"1"')


def test_redirects_are_followed_and_capped(server):
    base, routes = server
    routes["/a"] = _send(302, Location="/b")
    routes["/b"] = _send(200, b"done")
    assert fetch(base + "/a", limits=ALLOWED).content == b"done"
    routes["/loop"] = _send(302, Location="/loop")
    with pytest.raises(FetchError, match="redirects"):
        fetch(base + "/loop", limits=Limits(allow_private=True, max_redirects=3))


def test_a_redirect_is_checked_again(server):
    base, routes = server
    routes["/away"] = _send(302, Location="file:///etc/passwd")
    with pytest.raises(ForbiddenAddressError):
        fetch(base + "/away", limits=ALLOWED)


def test_size_cap_counts_bytes_after_decompression(server):
    base, routes = server
    bomb = gzip.compress(b"\0" * (20 * 1024 * 1024))
    routes["/bomb"] = _send(200, bomb, Content_Encoding="gzip")
    routes["/big"] = _send(200, b"x" * 300_000)
    with pytest.raises(TooLargeError):
        fetch(base + "/bomb", limits=Limits(allow_private=True, max_bytes=1024 * 1024))
    with pytest.raises(TooLargeError):
        fetch(base + "/big", limits=Limits(allow_private=True, max_bytes=100_000))
    assert len(fetch(base + "/big", limits=ALLOWED).content) == 300_000


def test_a_server_that_trickles_is_stopped_by_the_deadline(server):
    base, routes = server

    def trickle(h: BaseHTTPRequestHandler) -> None:
        h.send_response(200)
        h.send_header("Content-Length", "1000000")
        h.end_headers()
        for _ in range(40):  # two seconds of trickling, longer than the deadline
            try:
                h.wfile.write(b"x")
                h.wfile.flush()
            except OSError:
                return
            time.sleep(0.05)

    routes["/slow"] = trickle
    with pytest.raises(FetchTimeoutError):
        fetch(base + "/slow", limits=Limits(allow_private=True, deadline=1.0, read_timeout=5))


def test_dns_rebinding_is_refused_on_the_connected_socket(server, monkeypatch):
    """Fault injection (cannot be produced otherwise on a machine without DNS): the resolver
    answers a public address for the pre-flight check and loopback for the connection."""
    base, routes = server
    routes["/x"] = _send(200, b"secret")
    port = int(base.rsplit(":", 1)[1])
    real = socket.getaddrinfo
    calls = {"n": 0}

    def rebinding(host, *args, **kwargs):
        if host == "rebind.example":
            calls["n"] += 1
            if calls["n"] == 1:
                return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.216.34", port))]
            return real("127.0.0.1", *args, **kwargs)
        return real(host, *args, **kwargs)

    monkeypatch.setattr(fetch_module.socket, "getaddrinfo", rebinding)
    with pytest.raises(ForbiddenAddressError):
        fetch(f"http://rebind.example:{port}/x", limits=Limits(allow_private=False, deadline=5))
    assert calls["n"] >= 2


def _trickle(headers_first: bool, pause: float = 2.0):
    """A server that sends one byte every *pause* seconds: of the body, or of the headers."""
    def respond(h: BaseHTTPRequestHandler) -> None:
        try:
            if headers_first:
                h.send_response(200)
                h.send_header("Content-Length", "1000000")
                h.end_headers()
                h.wfile.flush()
                data = b"x" * 100
            else:
                data = b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-Slow: " + b"y" * 100
            for byte in data:
                h.wfile.write(bytes([byte]))
                h.wfile.flush()
                time.sleep(pause)
        except OSError:
            return
    return respond


def _cut_off(server, respond, within: float, limits: Limits, budget: float | None = None) -> None:
    """A fetch of a route answering with *respond* raises FetchTimeoutError within *within*
    seconds (*budget*: the caller's own time left, as the crawler passes it)."""
    base, routes = server
    routes["/slow"] = respond
    started = time.monotonic()
    with pytest.raises(FetchTimeoutError):
        fetch(base + "/slow", limits=limits,
              until=None if budget is None else started + budget)
    assert time.monotonic() - started < within


@pytest.mark.parametrize("where", ["body", "headers"])
def test_a_trickle_faster_than_the_read_timeout_is_cut_off_at_the_deadline(server, where):
    """Regression: the deadline used to close() a response whose blocked read held the buffer's
    lock, so a node trickling a byte every two seconds (under the 20 s read timeout) was never
    cut off. Here: a byte every 0.3 s, a 1.5 s deadline."""
    _cut_off(server, _trickle(headers_first=where == "body", pause=0.3), within=2.5,
             limits=Limits(allow_private=True, deadline=1.5, read_timeout=5))


def test_a_server_that_never_answers_is_cut_off_at_the_deadline(server):
    _cut_off(server, lambda h: time.sleep(30), within=2.0,
             limits=Limits(allow_private=True, deadline=1.0, read_timeout=20))


def test_a_callers_budget_ends_the_fetch_before_its_own_deadline(server):
    _cut_off(server, _trickle(headers_first=True, pause=0.2), within=1.8,
             limits=Limits(allow_private=True, deadline=30), budget=0.8)


def test_a_connection_kept_alive_is_reused_under_the_next_fetchs_deadline(server):
    base, routes = server
    routes["/fast"] = _send(200, b"ok")
    routes["/slow"] = _trickle(headers_first=True, pause=0.5)
    session = fetch_module.new_session(allow_private=True)
    limits = Limits(allow_private=True, deadline=1.0)
    assert fetch(base + "/fast", limits=limits, session=session).content == b"ok"
    started = time.monotonic()
    with pytest.raises(FetchTimeoutError):
        fetch(base + "/slow", limits=limits, session=session)
    assert time.monotonic() - started < 2.0
    assert fetch(base + "/fast", limits=limits, session=session).content == b"ok"


@pytest.mark.parametrize("value, seconds", [("120", 120.0), ("0", 0.0), ("soon", None),
                                            ("Wed, 21 Oct 2015 07:28:00 GMT", 0.0)])
def test_retry_after_is_read_as_seconds_or_a_date(value, seconds):
    assert fetch_module.retry_after({"retry-after": value}) == seconds
    assert fetch_module.retry_after({}) is None


def test_a_refused_connection_is_said_plainly_in_both_languages(allow_private_addresses):
    import socket

    from pios_ld.errors import PiosError
    from pios_ld.fetch import fetch

    with socket.socket() as sock:  # a port that was free a moment ago: nothing listens there
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with pytest.raises(PiosError) as caught:
        fetch(f"http://127.0.0.1:{port}/catalog")
    assert caught.value.message.endswith("the connection was refused (nothing listens there)")
    assert caught.value.message_sv.endswith("anslutningen nekades (ingen lyssnar där)")
    assert "HTTPConnectionPool" not in caught.value.message
