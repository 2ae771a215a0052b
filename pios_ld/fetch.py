"""Fetching documents from other people's servers, safely (DESIGN.md §7).

Only http(s); loopback, private, link-local and other non-public addresses are refused unless
allowed (``PIOS_ALLOW_PRIVATE_ADDRESSES=1``, or ``allow_private=True``); redirects are followed by
hand, capped and re-checked; the body is read in chunks under a size cap that counts the bytes
*after* decompression (so a gzip bomb stops at the cap) and under an overall deadline.
"""

from __future__ import annotations

import ipaddress
import os
import socket
import time
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

import requests

from pios_ld import __version__
from pios_ld.errors import FetchError, FetchTimeoutError, ForbiddenAddressError, TooLargeError

USER_AGENT = f"pios-ld/{__version__} (+https://w3id.org/pios)"


def private_addresses_allowed() -> bool:
    return os.environ.get("PIOS_ALLOW_PRIVATE_ADDRESSES", "").strip().lower() in ("1", "true", "yes")


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
        address = ipaddress.ip_address(info[4][0].split("%")[0])
        if not address.is_global or address.is_multicast:
            raise ForbiddenAddressError(
                f"{parts.hostname} resolves to {address}, a loopback, private or link-local "
                "address; set PIOS_ALLOW_PRIVATE_ADDRESSES=1 to allow it on your own network.",
                f"{parts.hostname} pekar på {address}, en lokal eller privat adress; sätt "
                "PIOS_ALLOW_PRIVATE_ADDRESSES=1 för att tillåta det i ditt eget nät.",
            )


def fetch(
    url: str,
    headers: dict[str, str] | None = None,
    limits: Limits | None = None,
    session: requests.Session | None = None,
) -> Fetched:
    """GET *url* within *limits*. Any HTTP status is returned (a 304 or 500 is an answer)."""
    limits = limits or Limits()
    session = session or requests.Session()
    request_headers = {"User-Agent": USER_AGENT, "Accept-Encoding": "gzip, deflate", **(headers or {})}
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
            raise FetchError(f"Could not fetch {current}: {_reason(exc)}",
                             f"Kunde inte hämta {current}: {_reason(exc)}") from exc
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
    chunks, size = [], 0
    try:
        for chunk in response.iter_content(64 * 1024):  # decoded: counts bytes after gunzip
            size += len(chunk)
            if size > limits.max_bytes:
                raise _too_large(url, limits.max_bytes)
            if time.monotonic() - started > limits.deadline:
                raise _timeout(url)
            chunks.append(chunk)
    except requests.Timeout as exc:
        raise _timeout(url) from exc
    except requests.RequestException as exc:
        raise FetchError(f"Reading {url} failed: {_reason(exc)}",
                         f"Läsningen av {url} misslyckades: {_reason(exc)}") from exc
    return b"".join(chunks)


def _too_large(url: str, cap: int) -> TooLargeError:
    return TooLargeError(f"{url} is larger than the limit of {cap:,} bytes.",
                         f"{url} är större än gränsen på {cap:,} byte.")


def _timeout(url: str) -> FetchTimeoutError:
    return FetchTimeoutError(f"{url} did not answer in time.", f"{url} svarade inte i tid.")


def _reason(exc: Exception) -> str:
    text = str(exc)
    return text if len(text) < 300 else text[:300] + "…"
