"""Fetching documents from other people's servers, safely (DESIGN.md §7).

Only http(s); loopback, private, link-local and other non-public addresses are refused unless
allowed (``PIOS_ALLOW_PRIVATE_ADDRESSES=1``, or ``allow_private=True``); redirects are followed by
hand, capped and re-checked; the body is read in small chunks under a size cap that counts the
bytes *after* decompression (so a gzip bomb stops at the cap) and under an overall deadline.

The address is checked twice: when the name is resolved before the request, and again on the
socket actually connected (:class:`_GuardedAdapter`), so a name that resolves to a public address
for the check and to a private one for the connection (DNS rebinding) is refused too.
"""

from __future__ import annotations

import ipaddress
import os
import socket
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

import requests
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


class _GuardedMixin:
    """A urllib3 connection that refuses a non-public peer after connecting."""

    def _new_conn(self):  # type: ignore[no-untyped-def]
        sock = super()._new_conn()  # type: ignore[misc]
        peer = sock.getpeername()[0]
        if not _public(peer):
            sock.close()
            raise _forbidden(self.host, peer)  # type: ignore[attr-defined]
        return sock


class _GuardedHTTPConnection(_GuardedMixin, HTTPConnection):
    pass


class _GuardedHTTPSConnection(_GuardedMixin, HTTPSConnection):
    pass


class _GuardedHTTPPool(HTTPConnectionPool):
    ConnectionCls = _GuardedHTTPConnection


class _GuardedHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _GuardedHTTPSConnection


class _GuardedAdapter(HTTPAdapter):
    """Checks the connected socket's address (against DNS rebinding)."""

    def init_poolmanager(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {"http": _GuardedHTTPPool,
                                                   "https": _GuardedHTTPSPool}


def guarded_session() -> requests.Session:
    """A requests session whose connections refuse non-public peers."""
    session = requests.Session()
    session.mount("http://", _GuardedAdapter())
    session.mount("https://", _GuardedAdapter())
    return session


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
) -> Fetched:
    """GET *url* within *limits*. Any HTTP status is returned (a 304 or 500 is an answer).

    Without *session* a fresh one is used; when private addresses are not allowed the session's
    connections are also checked after connecting (pass :func:`guarded_session` to reuse one).
    """
    limits = limits or Limits()
    if session is None:
        session = requests.Session() if limits.allow_private else guarded_session()
    request_headers = {"User-Agent": USER_AGENT, "Accept-Encoding": "gzip, deflate",
                       **(headers or {})}
    started = time.monotonic()
    current = url
    for _ in range(limits.max_redirects + 1):
        check_url(current, limits.allow_private)
        remaining = limits.deadline - (time.monotonic() - started)
        if remaining <= 0:
            raise _timeout(url)
        try:
            response = session.get(
                current, headers=request_headers, stream=True, allow_redirects=False,
                timeout=(limits.connect_timeout, min(limits.read_timeout, remaining)),
            )
        except requests.Timeout as exc:
            raise _timeout(url) from exc
        except requests.RequestException as exc:
            forbidden = _find_forbidden(exc)
            if forbidden is not None:
                raise forbidden from exc
            raise FetchError(f"Could not fetch {current}: {_reason(exc)}",
                             f"Kunde inte hämta {current}: {_reason(exc)}") from exc
        except ForbiddenAddressError:
            raise
        with response:
            if response.is_redirect:
                location = response.headers.get("location", "")
                current = urljoin(current, location)
                continue
            body = _read_capped(response, limits, started, url)
            return Fetched(
                url=current,
                status=response.status_code,
                headers={k.lower(): v for k, v in response.headers.items()},
                content=body,
                elapsed=time.monotonic() - started,
            )
    raise FetchError(f"More than {limits.max_redirects} redirects from {url}.",
                     f"Fler än {limits.max_redirects} omdirigeringar från {url}.")


def _read_capped(response: requests.Response, limits: Limits, started: float, url: str) -> bytes:
    declared = response.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limits.max_bytes:
        raise _too_large(url, limits.max_bytes)
    # A read blocks until a whole chunk has arrived; a watchdog closes the connection at the
    # deadline, so a server that trickles bytes cannot hold the fetch past it.
    expired = threading.Event()

    def expire() -> None:
        expired.set()
        response.close()

    watchdog = threading.Timer(max(0.0, limits.deadline - (time.monotonic() - started)), expire)
    watchdog.daemon = True
    watchdog.start()
    chunks, size = [], 0
    try:
        for chunk in response.iter_content(16 * 1024):  # decoded: counts bytes after gunzip
            size += len(chunk)
            if size > limits.max_bytes:
                raise _too_large(url, limits.max_bytes)
            if expired.is_set() or time.monotonic() - started > limits.deadline:
                raise _timeout(url)
            chunks.append(chunk)
    except (requests.RequestException, OSError, AttributeError, ValueError) as exc:
        if expired.is_set() or isinstance(exc, requests.Timeout) or "timed out" in str(exc):
            raise _timeout(url) from exc
        raise FetchError(f"Reading {url} failed: {_reason(exc)}",
                         f"Läsningen av {url} misslyckades: {_reason(exc)}") from exc
    finally:
        watchdog.cancel()
    if expired.is_set():
        raise _timeout(url)
    return b"".join(chunks)


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


def _reason(exc: Exception) -> str:
    text = str(exc)
    return text if len(text) < 300 else text[:300] + "…"
