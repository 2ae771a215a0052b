"""Fetching documents from other people's servers, safely (DESIGN.md §7).

Only http(s); loopback, private, link-local and other non-public addresses are refused unless
allowed (``PIOS_ALLOW_PRIVATE_ADDRESSES=1``, or ``allow_private=True``); redirects are followed by
hand, capped and re-checked; the body is read in small chunks under a size cap that counts the
bytes *after* decompression (so a gzip bomb stops at the cap) and under an overall deadline.

The deadline really stops a fetch: every socket the fetch uses is registered with a watchdog
(:class:`_Watch`) that *shuts the socket down* at the deadline. That wakes a read blocked inside
the socket (a server that sends one byte every two seconds never trips a per-read timeout, and a
``close()`` from another thread would wait for the buffer lock that the blocked read holds), so no
fetch outlives its deadline by more than a moment, whether it is connecting, waiting for headers
or reading the body.

The address is checked twice: when the name is resolved before the request, and again on the
socket actually connected (:class:`_GuardedAdapter`), so a name that resolves to a public address
for the check and to a private one for the connection (DNS rebinding) is refused too.
"""

from __future__ import annotations

import email.utils
import errno
import ipaddress
import os
import socket
import ssl
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

import requests
import urllib3
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

from pios_ld import __version__
from pios_ld.errors import FetchError, FetchTimeoutError, ForbiddenAddressError, TooLargeError

USER_AGENT = f"pios-ld/{__version__} (+https://w3id.org/pios)"


def private_addresses_allowed() -> bool:
    value = os.environ.get("PIOS_ALLOW_PRIVATE_ADDRESSES", "")
    return value.strip().lower() in ("1", "true", "yes")


@dataclass(frozen=True)
class Limits:
    """How much one fetch may cost."""

    max_bytes: int = 50 * 1024 * 1024
    #: seconds for the whole fetch, redirects and body included
    deadline: float = 60.0
    connect_timeout: float = 5.0
    read_timeout: float = 20.0
    max_redirects: int = 5
    allow_private: bool = field(default_factory=private_addresses_allowed)


@dataclass(frozen=True)
class Fetched:
    url: str
    status: int
    headers: dict[str, str]
    content: bytes
    elapsed: float

    @property
    def media_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()


def _forbidden(host: str, address: object) -> ForbiddenAddressError:
    return ForbiddenAddressError(
        f"{host} resolves to {address}, a loopback, private or link-local "
        "address; set PIOS_ALLOW_PRIVATE_ADDRESSES=1 to allow it on your own network.",
        f"{host} pekar på {address}, en lokal eller privat adress; sätt "
        "PIOS_ALLOW_PRIVATE_ADDRESSES=1 för att tillåta det i ditt eget nät.",
    )


def _public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%")[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def _shut(sock: socket.socket) -> None:
    """Shut *sock* down without waiting for anyone (a read blocked on it returns at once)."""
    try:
        socket.socket.shutdown(sock, socket.SHUT_RDWR)  # the plain socket's, also under TLS
    except (OSError, ValueError):
        pass


class _Watch:
    """The deadline of one fetch: when it passes, every socket the fetch has used is shut down."""

    def __init__(self, at: float) -> None:
        self.at = at
        self.expired = False
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(max(0.0, at - time.monotonic()), self._expire)
        self._timer.daemon = True
        self._timer.start()

    def watch(self, sock: socket.socket | None) -> None:
        if sock is None:
            return
        with self._lock:
            if self.expired:
                _shut(sock)
            elif not any(s is sock for s in self._sockets):
                self._sockets.append(sock)

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            sockets, self._sockets = self._sockets, []
        for sock in sockets:
            _shut(sock)

    def cancel(self) -> None:
        self._timer.cancel()


#: the watch of the fetch running in this thread, for the connections it opens or reuses
_active = threading.local()


class _WatchedMixin:
    """A urllib3 connection that puts its socket under the current fetch's watch and, when
    *guard* is set, refuses a non-public peer after connecting (against DNS rebinding)."""

    guard = True

    def _new_conn(self):  # type: ignore[no-untyped-def]
        sock = super()._new_conn()  # type: ignore[misc]
        watch = getattr(_active, "watch", None)
        if watch is not None:
            watch.watch(sock)
        if self.guard:
            peer = sock.getpeername()[0]
            if not _public(peer):
                sock.close()
                raise _forbidden(self.host, peer)  # type: ignore[attr-defined]
        return sock

    def getresponse(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        watch = getattr(_active, "watch", None)
        if watch is not None:  # a kept-alive connection is reused without _new_conn
            watch.watch(getattr(self, "sock", None))
        return super().getresponse(*args, **kwargs)  # type: ignore[misc]


class _GuardedHTTPConnection(_WatchedMixin, HTTPConnection):
    pass


class _GuardedHTTPSConnection(_WatchedMixin, HTTPSConnection):
    pass


class _OpenHTTPConnection(_WatchedMixin, HTTPConnection):
    guard = False


class _OpenHTTPSConnection(_WatchedMixin, HTTPSConnection):
    guard = False


def _pool(base: type, connection: type) -> type:
    return type(f"_{connection.__name__}Pool", (base,), {"ConnectionCls": connection})


_POOLS = {
    True: {"http": _pool(HTTPConnectionPool, _GuardedHTTPConnection),
           "https": _pool(HTTPSConnectionPool, _GuardedHTTPSConnection)},
    False: {"http": _pool(HTTPConnectionPool, _OpenHTTPConnection),
            "https": _pool(HTTPSConnectionPool, _OpenHTTPSConnection)},
}


class _WatchedAdapter(HTTPAdapter):
    """Connections under the fetch's watch; checked for a public peer when *guard* is set."""

    def __init__(self, guard: bool = True) -> None:
        self.guard = guard
        super().__init__()

    def init_poolmanager(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = dict(_POOLS[self.guard])


def new_session(allow_private: bool = False) -> requests.Session:
    """A requests session for :func:`fetch`: its connections are under each fetch's deadline
    and, unless *allow_private*, refuse non-public peers."""
    out = requests.Session()
    out.mount("http://", _WatchedAdapter(guard=not allow_private))
    out.mount("https://", _WatchedAdapter(guard=not allow_private))
    return out


def guarded_session() -> requests.Session:
    """A requests session whose connections refuse non-public peers."""
    return new_session(allow_private=False)


def check_url(url: str, allow_private: bool = False) -> None:
    """Raise :class:`ForbiddenAddressError` unless *url* is http(s) to a public address."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ForbiddenAddressError(
            f"Only http and https URLs can be fetched, not {url!r}.",
            f"Bara http- och https-adresser kan hämtas, inte {url!r}.",
        )
    if allow_private:
        return
    try:
        infos = socket.getaddrinfo(parts.hostname, parts.port or 443, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError) as exc:
        raise FetchError(f"Cannot resolve {parts.hostname}: {exc}",
                         f"Kan inte slå upp {parts.hostname}: {exc}") from exc
    for info in infos:
        if not _public(info[4][0]):
            raise _forbidden(parts.hostname, info[4][0])


def fetch(
    url: str,
    headers: dict[str, str] | None = None,
    limits: Limits | None = None,
    session: requests.Session | None = None,
    until: float | None = None,
) -> Fetched:
    """GET *url* within *limits*. Any HTTP status is returned (a 304 or 500 is an answer).

    *until* (a :func:`time.monotonic` instant) ends the fetch earlier than ``limits.deadline``
    when it comes first: a caller's budget over several fetches. Pass a session from
    :func:`new_session` to reuse connections; one from elsewhere works, but its sockets are only
    bounded by the per-read timeout, not by the deadline.
    """
    limits = limits or Limits()
    if session is None:
        session = new_session(limits.allow_private)
    request_headers = {"User-Agent": USER_AGENT, "Accept-Encoding": "gzip, deflate",
                       **(headers or {})}
    started = time.monotonic()
    at = started + limits.deadline if until is None else min(started + limits.deadline, until)
    watch = _Watch(at)
    _active.watch = watch
    try:
        return _fetch(url, request_headers, limits, session, started, watch)
    finally:
        _active.watch = None
        watch.cancel()


def _fetch(url: str, headers: dict[str, str], limits: Limits, session: requests.Session,
           started: float, watch: _Watch) -> Fetched:
    current = url
    for _ in range(limits.max_redirects + 1):
        check_url(current, limits.allow_private)
        remaining = watch.at - time.monotonic()
        if remaining <= 0:
            raise _timeout(url)
        try:
            response = session.get(
                current, headers=headers, stream=True, allow_redirects=False,
                timeout=(min(limits.connect_timeout, remaining), min(limits.read_timeout,
                                                                     remaining)),
            )
        except requests.Timeout as exc:
            raise _timeout(url) from exc
        except requests.RequestException as exc:
            forbidden = _find_forbidden(exc)
            if forbidden is not None:
                raise forbidden from exc
            if watch.expired:
                raise _timeout(url) from exc
            en, sv = _reasons(exc)
            raise FetchError(f"Could not fetch {current}: {en}",
                             f"Kunde inte hämta {current}: {sv}") from exc
        except ForbiddenAddressError:
            raise
        with response:
            watch.watch(_socket_of(response))
            if response.is_redirect:
                location = response.headers.get("location", "")
                current = urljoin(current, location)
                continue
            body = _read_capped(response, limits, watch, url)
            return Fetched(
                url=current,
                status=response.status_code,
                headers={k.lower(): v for k, v in response.headers.items()},
                content=body,
                elapsed=time.monotonic() - started,
            )
    raise FetchError(f"More than {limits.max_redirects} redirects from {url}.",
                     f"Fler än {limits.max_redirects} omdirigeringar från {url}.")


def _socket_of(response: requests.Response) -> socket.socket | None:
    connection = getattr(response.raw, "_connection", None)
    return getattr(connection, "sock", None)


def _read_capped(response: requests.Response, limits: Limits, watch: _Watch, url: str) -> bytes:
    declared = response.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limits.max_bytes:
        raise _too_large(url, limits.max_bytes)
    chunks, size = [], 0
    try:
        for chunk in response.iter_content(16 * 1024):  # decoded: counts bytes after gunzip
            size += len(chunk)
            if size > limits.max_bytes:
                raise _too_large(url, limits.max_bytes)
            if watch.expired or time.monotonic() > watch.at:
                raise _timeout(url)
            chunks.append(chunk)
    except (requests.RequestException, OSError, AttributeError, ValueError) as exc:
        if watch.expired or _timed_out(exc):
            raise _timeout(url) from exc
        raise FetchError(f"Reading {url} failed: {_reason(exc)}",
                         f"Läsningen av {url} misslyckades: {_reason(exc)}") from exc
    if watch.expired:  # the shut-down socket looked like the end of the body
        raise _timeout(url)
    return b"".join(chunks)


def retry_after(headers: dict[str, str], now: float | None = None) -> float | None:
    """Seconds a ``Retry-After`` header asks to wait (delta-seconds or an HTTP date), or None
    when there is none or it cannot be read."""
    value = headers.get("retry-after", "").strip()
    if not value:
        return None
    if value.isdigit():
        return float(min(int(value[:12]), 10**9))
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


def _find_forbidden(exc: BaseException) -> ForbiddenAddressError | None:
    """The address refusal wrapped somewhere inside a requests/urllib3 error, if any."""
    seen: set[int] = set()
    stack: list[object] = [exc]
    while stack:
        current = stack.pop()
        if isinstance(current, ForbiddenAddressError):
            return current
        if not isinstance(current, BaseException) or id(current) in seen:
            continue
        seen.add(id(current))
        stack += [current.__cause__, current.__context__, *current.args,
                  getattr(current, "reason", None)]
    return None


def _too_large(url: str, cap: int) -> TooLargeError:
    return TooLargeError(f"{url} is larger than the limit of {cap:,} bytes.",
                         f"{url} är större än gränsen på {cap:,} byte.")


def _timeout(url: str) -> FetchTimeoutError:
    return FetchTimeoutError(f"{url} did not answer in time.", f"{url} svarade inte i tid.")


def _timed_out(exc: BaseException) -> bool:
    """Whether a read failed because a socket timed out: requests and urllib3 wrap the socket's
    ``TimeoutError`` (or their own timeout) in other errors, so the whole chain is looked at."""
    return any(isinstance(e, (TimeoutError, requests.Timeout, urllib3.exceptions.TimeoutError))
               for e in _chain(exc))


def _reason(exc: Exception) -> str:
    text = str(exc)
    return text if len(text) < 300 else text[:300] + "…"


#: What an operator reads for the usual network failures, in English and Swedish.
_ERRNO_TEXTS = {
    errno.ECONNREFUSED: ("the connection was refused (nothing listens there)",
                         "anslutningen nekades (ingen lyssnar där)"),
    errno.ECONNRESET: ("the server closed the connection", "servern stängde anslutningen"),
    errno.EHOSTUNREACH: ("the host cannot be reached", "värden går inte att nå"),
    errno.ENETUNREACH: ("the network cannot be reached", "nätverket går inte att nå"),
    errno.ETIMEDOUT: ("the connection timed out", "anslutningen tog för lång tid"),
}


def _chain(exc: BaseException) -> list[BaseException]:
    """*exc* and what it wraps (urllib3 nests the socket's error in reasons and arguments)."""
    found: list[BaseException] = []
    todo = [exc]
    while todo and len(found) < 20:
        current = todo.pop(0)
        if current in found:
            continue
        found.append(current)
        todo += [e for e in (getattr(current, "reason", None), current.__cause__,
                             current.__context__, *current.args) if isinstance(e, BaseException)]
    return found


def _reasons(exc: Exception) -> tuple[str, str]:
    """Why a request failed, short and plain, in English and Swedish."""
    chain = _chain(exc)
    for error in chain:
        if isinstance(error, socket.gaierror):
            return ("the host name could not be found", "värdnamnet gick inte att slå upp")
        if isinstance(error, ssl.SSLError):
            text = getattr(error, "reason", None) or _reason(error)
            return (f"TLS failed ({text})", f"TLS misslyckades ({text})")
        if isinstance(error, OSError) and error.errno in _ERRNO_TEXTS:
            return _ERRNO_TEXTS[error.errno]
    for error in chain:
        text = str(error)
        if "[Errno" in text:  # urllib3 keeps only the message of the socket's error
            for number, texts in _ERRNO_TEXTS.items():
                if f"[Errno {number}]" in text:
                    return texts
    text = _reason(exc)
    return text, text
