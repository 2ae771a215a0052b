"""HTTP semantics of the public documents: conditional GET, gzip, CORS, and a WSGI fast path.

:func:`respond` turns a cached :class:`~node.publish.Entry` into status, headers and body for one
request (``304`` when ``If-None-Match`` or ``If-Modified-Since`` says the client has it). The Flask
views and :class:`FastPath` both use it. :class:`FastPath` is WSGI middleware that answers GET and
HEAD of machine-readable public documents straight from the cache, before Flask builds a request
context: that is what makes an unchanged catalog cheap to poll.

Every response carries :data:`pios_ld.webpolicy.SECURITY_HEADERS` (Content-Security-Policy and
the others): :func:`respond` adds them to the documents, :func:`secure` to every other response.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from email.utils import parsedate_to_datetime
from typing import Any

from pios_ld.webpolicy import SECURITY_HEADERS

from . import negotiate
from .publish import Entry, Publisher, route

CORS = [
    ("Access-Control-Allow-Origin", "*"),
    ("Access-Control-Expose-Headers", "ETag, Last-Modified, Link, Location"),
]
#: The answer to a CORS preflight for a public document (conditional GETs need one).
PREFLIGHT = [
    *CORS,
    ("Access-Control-Allow-Methods", "GET, HEAD, OPTIONS"),
    ("Access-Control-Allow-Headers", "Accept, Accept-Language, If-None-Match, If-Modified-Since"),
    ("Access-Control-Max-Age", "86400"),
    ("Content-Length", "0"),
]


def _etag_matches(header: str, etag: str) -> bool:
    if header.strip() == "*":
        return True
    wanted = etag.removeprefix("W/")
    return any(tag.strip().removeprefix("W/") == wanted for tag in header.split(","))


def not_modified(entry: Entry, if_none_match: str | None, if_modified_since: str | None) -> bool:
    """Whether a conditional GET may be answered ``304`` (If-None-Match wins, RFC 9110 §13.2.2)."""
    if if_none_match:
        return _etag_matches(if_none_match, entry.etag)
    if if_modified_since and entry.last_modified and entry.date_validates:
        try:
            since = parsedate_to_datetime(if_modified_since)
            return parsedate_to_datetime(entry.last_modified) <= since
        except (TypeError, ValueError):
            return False
    return False


def respond(entry: Entry, headers_in: Any, head: bool = False,
            vary_accept: bool = True) -> tuple[str, list[tuple[str, str]], bytes]:
    """Status line, headers and body for *entry*; *headers_in* is a mapping of request headers."""
    headers = [("ETag", entry.etag), ("Cache-Control", entry.cache_control), *CORS,
               *SECURITY_HEADERS]
    if entry.last_modified:
        headers.append(("Last-Modified", entry.last_modified))
    vary = "Accept, Accept-Encoding" if vary_accept else "Accept-Encoding"
    if entry.media_type.startswith("text/html"):
        vary += ", Cookie"  # the page's language follows the lang cookie
    headers.append(("Vary", vary))
    if not_modified(entry, headers_in.get("If-None-Match"), headers_in.get("If-Modified-Since")):
        return "304 Not Modified", headers, b""
    body = entry.body
    if entry.gzipped is not None and "gzip" in (headers_in.get("Accept-Encoding") or ""):
        body = entry.gzipped
        headers.append(("Content-Encoding", "gzip"))
    headers += [("Content-Type", entry.media_type), ("Content-Length", str(len(body)))]
    return "200 OK", headers, b"" if head else body


def secure(response: Any) -> Any:
    """Add the security headers to a Flask response (a view that set one of its own keeps it)."""
    for name, value in SECURITY_HEADERS:
        response.headers.setdefault(name, value)
    return response


class _EnvironHeaders:
    """Request headers read straight from a WSGI environ."""

    def __init__(self, environ: dict) -> None:
        self.environ = environ

    def get(self, name: str, default: str | None = None) -> str | None:
        return self.environ.get("HTTP_" + name.upper().replace("-", "_"), default)


class FastPath:
    """WSGI middleware: cached machine-readable public documents without entering Flask."""

    def __init__(self, app: Callable, publisher: Publisher) -> None:
        self.app = app
        self.publisher = publisher

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        method = environ.get("REQUEST_METHOD")
        if method == "OPTIONS" and self._public(environ.get("PATH_INFO", "")):
            start_response("204 No Content", PREFLIGHT)
            return [b""]
        if method in ("GET", "HEAD") and not environ.get("QUERY_STRING"):
            path = environ.get("PATH_INFO", "")
            answer = self._answer(path, environ, method == "HEAD")
            if answer is not None:
                status, headers, body = answer
                start_response(status, headers)
                return [body]
        return self.app(environ, start_response)

    @staticmethod
    def _public(path: str) -> bool:
        return path in ("/.well-known/pios", "/context.jsonld") or route(
            negotiate.split_suffix(path)[0]) is not None

    def _answer(self, path: str, environ: dict, head: bool):
        headers = _EnvironHeaders(environ)
        if path == "/.well-known/pios":
            return respond(self.publisher.well_known_entry(), headers, head, vary_accept=False)
        base, suffix = negotiate.split_suffix(path)
        found = route(base)
        if found is None:
            return None
        order = negotiate.FEED_ORDER if found[0] in ("feed", "stream", "version") \
            else negotiate.DOCUMENT_ORDER
        choice = suffix or negotiate.choose(headers.get("Accept"), order)
        if choice is None or choice is negotiate.HTML:
            return None
        entry = self.publisher.entry(base, choice)
        if entry is None:
            return None
        return respond(entry, headers, head, vary_accept=suffix is None)
