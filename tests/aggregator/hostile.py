"""Misbehaving nodes for the crawler tests and the hostile-crawl benchmark, served on loopback.

A :class:`HostileNode` is a :class:`sites.Site` (it publishes good files and serves them) whose
server can be switched to one of :data:`BEHAVIOURS` at any time: trickling bytes, hanging,
endless or huge bodies, redirect loops, gzip bombs, a thousand catalog pages, a record of 300,000
status updates, a truncated catalog, ``Retry-After``, the wrong content type, invalid UTF-8, …
Each behaviour is a function ``(node, handler, path) -> bool`` that answers the request itself
(True) or lets the good files answer it (False).
"""

from __future__ import annotations

import copy
import gzip
import json
import os
import socket
import struct
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler
from pathlib import Path

from sites import Site

from pios_ld import catalog as wire_catalog
from pios_ld.organizations import Organization

Behaviour = Callable[["HostileNode", BaseHTTPRequestHandler, str], bool]
CONTEXT = "https://w3id.org/pios/context.jsonld"


class HostileNode(Site):
    """A node that publishes good files and can be told to misbehave."""

    def __init__(self, root: Path, org: Organization) -> None:
        super().__init__(root, org)
        self.behaviour: Behaviour | None = None
        self.hits: dict[str, int] = {}
        self.stopping = False
        good = self.server.RequestHandlerClass
        node = self

        class Handler(good):  # type: ignore[misc, valid-type]
            def do_GET(self) -> None:  # noqa: N802
                path = self.path.split("?")[0]
                node.hits[path] = node.hits.get(path, 0) + 1
                behaviour = node.behaviour
                try:
                    if behaviour is not None and behaviour(node, self, path):
                        return
                except OSError:  # the crawler hung up: that is the point
                    self.close_connection = True
                    return
                super().do_GET()

        self.server.RequestHandlerClass = Handler
        self.server.handle_error = lambda request, address: None  # hung-up clients are expected

    def misbehave(self, behaviour: Behaviour | None) -> None:
        """Answer with *behaviour* from now on (None: the good files again); a behaviour with
        a ``prepare`` builds its large bodies here, before any request."""
        prepare = getattr(behaviour, "prepare", None)
        if prepare is not None:
            prepare(self)
        self.hits.clear()
        self.behaviour = behaviour

    def close(self) -> None:
        self.stopping = True
        super().close()

    def catalog_document(self, items: list[dict], url: str | None = None,
                         next_url: str | None = None) -> dict:
        doc = wire_catalog.catalog_page(self.base_url, self.org.iri, "2026-11-20T10:00:00Z",
                                        [], 1, len(items), max(1, len(items)))
        doc["initiative"] = [{k: v for k, v in r.items() if k != "@context"} for r in items]
        doc.pop("next", None)
        if url:
            doc["id"] = url
        if next_url:
            doc["next"] = next_url
        return doc


# -- helpers ---------------------------------------------------------------------------------
def _head(h: BaseHTTPRequestHandler, status: int, kind: str | None = "application/ld+json",
          length: int | None = None, **headers: str) -> None:
    h.send_response(status)
    if kind:
        h.send_header("Content-Type", kind)
    for key, value in headers.items():
        h.send_header(key.replace("_", "-"), value)
    if length is not None:
        h.send_header("Content-Length", str(length))
    h.end_headers()


def _json(h: BaseHTTPRequestHandler, document: object, status: int = 200) -> bool:
    body = json.dumps(document, ensure_ascii=False).encode()
    _head(h, status, length=len(body))
    h.wfile.write(body)
    return True


def _wait(node: HostileNode, seconds: float) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end and not node.stopping:
        time.sleep(0.05)


def _catalog_or_feed(path: str) -> bool:
    return path.startswith(("/catalog", "/feed"))


# -- the behaviours --------------------------------------------------------------------------
def trickle_body(node: HostileNode, h: BaseHTTPRequestHandler, path: str) -> bool:
    """A byte every 0.3 s (faster than any read timeout), of a body that claims a megabyte."""
    if not _catalog_or_feed(path):
        return False
    _head(h, 200, length=1_000_000)
    h.wfile.flush()
    while not node.stopping:
        h.wfile.write(b" ")
        h.wfile.flush()
        time.sleep(0.3)
    return True


def trickle_headers(node: HostileNode, h: BaseHTTPRequestHandler, path: str) -> bool:
    """The status line and headers, a byte every 0.3 s, never finished."""
    if not _catalog_or_feed(path):
        return False
    data = b"HTTP/1.1 200 OK\r\nContent-Type: application/ld+json\r\nX-Slow: " + b"z" * 10_000
    for byte in data:
        if node.stopping:
            break
        h.wfile.write(bytes([byte]))
        h.wfile.flush()
        time.sleep(0.3)
    h.close_connection = True
    return True


def hang(node: HostileNode, h: BaseHTTPRequestHandler, path: str) -> bool:
    """Accepts the request and never answers."""
    if not _catalog_or_feed(path):
        return False
    _wait(node, 3600)
    h.close_connection = True
    return True


def huge_declared(node: HostileNode, h: BaseHTTPRequestHandler, path: str) -> bool:
    """Declares a 10 GB body."""
    if not _catalog_or_feed(path):
        return False
    _head(h, 200, length=10 * 1024**3)
    h.wfile.write(b"{" * 65536)
    h.close_connection = True
    return True


def endless(node: HostileNode, h: BaseHTTPRequestHandler, path: str) -> bool:
    """A chunked body that never ends."""
    if not _catalog_or_feed(path):
        return False
    _head(h, 200, Transfer_Encoding="chunked")
    chunk = b" " * 65536
    while not node.stopping:
        h.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
    return True


def redirect_loop(node: HostileNode, h: BaseHTTPRequestHandler, path: str) -> bool:
    if not _catalog_or_feed(path):
        return False
    _head(h, 302, kind=None, length=0, Location=f"{path}?again={node.hits.get(path, 0)}")
    return True


_BOMB: bytes | None = None


def _prepare_bomb(node: HostileNode) -> None:
    global _BOMB
    if _BOMB is None:
        _BOMB = gzip.compress(b" " * (64 * 1024 * 1024), compresslevel=9)


def gzip_bomb(node: HostileNode, h: BaseHTTPRequestHandler, path: str) -> bool:
    """64 KiB on the wire, 64 MiB of spaces after gunzip."""
    if not _catalog_or_feed(path):
        return False
    _prepare_bomb(node)
    _head(h, 200, length=len(_BOMB or b""), Content_Encoding="gzip")
    h.wfile.write(_BOMB or b"")
    return True


gzip_bomb.prepare = _prepare_bomb  # type: ignore[attr-defined]


def thousand_catalog_pages(node: HostileNode, h: BaseHTTPRequestHandler, path: str) -> bool:
    """No feed; a catalog of 1,000 pages (and then more), each linking to the next, slowly."""
    if path.startswith("/feed"):
        _head(h, 404, kind="text/plain", length=0)
        return True
    if not path.startswith("/catalog"):
        return False
    number = int(path.rsplit("-", 1)[1]) if "-" in path else 1
    time.sleep(0.02)
    base = node.base_url + "catalog"
    url = base if number == 1 else f"{base}-{number}"
    return _json(h, node.catalog_document([], url, f"{base}-{number + 1}"))


def two_thousand_feed_pages(node: HostileNode, h: BaseHTTPRequestHandler, path: str) -> bool:
    """A feed of 2,000 pages and more, each linking to the next, slowly; the catalog is good."""
    if not path.startswith("/feed"):
        return False
    number = int(path.rsplit("-", 1)[1]) if "-" in path else 0
    time.sleep(0.02)
    doc = {"@context": [CONTEXT, {"tree": "https://w3id.org/tree#"}],
           "id": node.base_url + (f"feed-{number}" if number else "feed"),
           "type": "tree:Node",
           "tree:relation": [{"type": "tree:GreaterThanOrEqualToRelation",
                              "tree:node": {"id": f"{node.base_url}feed-{number + 1}"}}]}
    return _json(h, doc)


def _spliced(document: dict, marker: str, payload: bytes) -> bytes:
    """*document* as JSON with the string *marker* replaced by the raw JSON *payload* (so that
    a huge body is built as bytes, not as a tree of Python objects)."""
    return json.dumps(document, ensure_ascii=False).encode().replace(
        json.dumps(marker).encode(), payload)


def _updates(count: int) -> bytes:
    return b"[" + b",".join(
        b'{"date":"2026-01-%02d","phase":"pilot","health":"on-track"}' % (i % 28 + 1)
        for i in range(count)) + b"]"


def status_flood(count: int = 300_000) -> Behaviour:
    """One record with *count* status updates (14 MiB and more), in the catalog and the feed."""
    cache: dict[str, bytes] = {}

    def prepare(node: HostileNode) -> None:
        if cache:
            return
        updates = _updates(count)
        records = [copy.deepcopy(r) for r in node.records.values()]
        records[0]["statusUpdate"] = "@@updates@@"
        records[0]["modified"] = "2026-11-30T10:00:00Z"
        cache["catalog"] = _spliced(node.catalog_document(records), "@@updates@@", updates)
        feed = json.loads((node.root / "feed-1").read_text())
        member = {k: v for k, v in records[0].items() if k != "@context"}
        member["id"] = node.base_url + "versions/huge"
        member["isVersionOf"] = records[0]["id"]
        member["generatedAtTime"] = "2026-11-30T10:00:00Z"
        stream = feed["@graph"][0] if "@graph" in feed else feed
        stream.setdefault("member", []).append(member)
        cache["feed"] = _spliced(feed, "@@updates@@", updates)

    def behave(node: HostileNode, h: BaseHTTPRequestHandler, path: str) -> bool:
        if path not in ("/catalog", "/feed-1"):
            return False
        prepare(node)
        body = cache["catalog" if path == "/catalog" else "feed"]
        _head(h, 200, length=len(body))
        h.wfile.write(body)
        return True

    behave.prepare = prepare  # type: ignore[attr-defined]
    return behave


def truncated_catalog(node: HostileNode, h: BaseHTTPRequestHandler, path: str) -> bool:
    """The catalog suddenly lists one initiative of many (and the feed is gone)."""
    if path == "/catalog":
        return _json(h, node.catalog_document(list(node.records.values())[:1]))
    if path.startswith("/feed"):
        _head(h, 404, kind="text/plain", length=0)
        return True
    return False


def retry_after_long(node: HostileNode, h: BaseHTTPRequestHandler, path: str) -> bool:
    if not _catalog_or_feed(path):
        return False
    _head(h, 429, kind="text/plain", length=0, Retry_After="3600")
    return True


def retry_after_short(node: HostileNode, h: BaseHTTPRequestHandler, path: str) -> bool:
    """``503`` with ``Retry-After: 1`` on the first request to each path, then the good files."""
    if not _catalog_or_feed(path) or node.hits.get(path, 0) > 1:
        return False
    _head(h, 503, kind="text/plain", length=0, Retry_After="1")
    return True


def wrong_content_type(node: HostileNode, h: BaseHTTPRequestHandler, path: str) -> bool:
    if not _catalog_or_feed(path):
        return False
    body = b"<!doctype html><title>Welcome</title><p>Our new web site!</p>"
    _head(h, 200, kind="text/html", length=len(body))
    h.wfile.write(body)
    return True


def invalid_utf8(node: HostileNode, h: BaseHTTPRequestHandler, path: str) -> bool:
    if not _catalog_or_feed(path):
        return False
    body = (b'{"@context": "' + CONTEXT.encode() + b'", "type": "Catalog", "title": "\xff\xfe\xc3('
            b' \xed\xa0\x80", "initiative": []}')
    _head(h, 200, length=len(body))
    h.wfile.write(body)
    return True


def reset(node: HostileNode, h: BaseHTTPRequestHandler, path: str) -> bool:
    """Hangs up without a word (a connection reset)."""
    if not _catalog_or_feed(path):
        return False
    h.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    h.connection.close()
    h.close_connection = True
    return True


def _catalog_only(prepare: Callable[[HostileNode], None], cache: dict[str, bytes]) -> Behaviour:
    """Serve ``cache["body"]`` (made once by *prepare*) as the catalog, and no feed."""

    def behave(node: HostileNode, h: BaseHTTPRequestHandler, path: str) -> bool:
        if path.startswith("/feed"):
            _head(h, 404, kind="text/plain", length=0)
            return True
        if path != "/catalog":
            return False
        prepare(node)
        _head(h, 200, length=len(cache["body"]))
        h.wfile.write(cache["body"])
        return True

    behave.prepare = prepare  # type: ignore[attr-defined]
    return behave


def slow_to_check(records: int = 100_000) -> Behaviour:
    """A valid catalog of *records* small initiatives: more than a screening job may take."""
    cache: dict[str, bytes] = {}

    def prepare(node: HostileNode) -> None:
        if cache:
            return
        keep = ("type", "title", "description", "responsibleOrganization", "phase", "modified")
        template = {k: v for k, v in next(iter(node.records.values())).items() if k in keep}
        template.update(title={"sv": "Ett litet initiativ"}, description={"sv": "Kort."})
        text = json.dumps({"id": "@@id@@", "identifier": "@@identifier@@", **template},
                          ensure_ascii=False).encode()
        items = b",".join(text.replace(b"@@id@@", f"{node.base_url}initiatives/bulk-{i}"
                                       .encode()).replace(b"@@identifier@@", b"bulk-%d" % i)
                          for i in range(records))
        doc = node.catalog_document([])
        doc["initiative"] = "@@items@@"
        cache["body"] = _spliced(doc, "@@items@@", b"[" + items + b"]")

    return _catalog_only(prepare, cache)


def foreign_flood(count: int = 20_000) -> Behaviour:
    """The catalog speaks about *count* subjects of someone else, one statement each."""
    cache: dict[str, bytes] = {}

    def prepare(node: HostileNode) -> None:
        if cache:
            return
        doc = node.catalog_document(list(node.records.values()))
        doc["initiative"].append("@@foreign@@")
        foreign = b",".join(b'{"id":"https://victim.example/x/%d","title":{"sv":"kapad"}}' % i
                            for i in range(count))
        cache["body"] = _spliced(doc, "@@foreign@@", foreign)

    return _catalog_only(prepare, cache)


def server_error(node: HostileNode, h: BaseHTTPRequestHandler, path: str) -> bool:
    if not _catalog_or_feed(path):
        return False
    body = b"Internal Server Error " * 1000
    _head(h, 500, kind="text/plain", length=len(body))
    h.wfile.write(body)
    return True


def giant_iri(node: HostileNode, h: BaseHTTPRequestHandler, path: str) -> bool:
    """A record whose IRI is a megabyte long, without a phase (so it is refused and quoted)."""
    if path.startswith("/feed"):
        _head(h, 404, kind="text/plain", length=0)
        return True
    if path != "/catalog":
        return False
    records = [copy.deepcopy(r) for r in node.records.values()]
    bad = records[0]
    bad["id"] = node.base_url + "initiatives/" + "x" * 1_000_000
    bad["identifier"] = "y" * 100_000
    bad.pop("phase", None)
    return _json(h, node.catalog_document(records))


#: name -> (behaviour, what the crawl must end with for that node)
BEHAVIOURS: dict[str, tuple[Behaviour, str]] = {
    "trickle-body": (trickle_body, "failed"),
    "trickle-headers": (trickle_headers, "failed"),
    "hang": (hang, "failed"),
    "huge-declared": (huge_declared, "failed"),
    "endless-body": (endless, "failed"),
    "redirect-loop": (redirect_loop, "failed"),
    "gzip-bomb": (gzip_bomb, "failed"),
    "thousand-catalog-pages": (thousand_catalog_pages, "failed"),
    "two-thousand-feed-pages": (two_thousand_feed_pages, "failed"),
    "status-flood": (status_flood(), "updated"),
    "truncated-catalog": (truncated_catalog, "held"),
    "retry-after-long": (retry_after_long, "failed"),
    "retry-after-short": (retry_after_short, "unchanged"),
    "wrong-content-type": (wrong_content_type, "failed"),
    "invalid-utf8": (invalid_utf8, "failed"),
    "reset": (reset, "failed"),
    "slow-to-check": (slow_to_check(), "failed"),
    "foreign-flood": (foreign_flood(), "updated"),
    "server-error": (server_error, "failed"),
    "giant-iri": (giant_iri, "updated"),
}


class PeakMemory:
    """The most resident memory the ``with`` block added: this process's growth over what it held
    when the block began, plus the child processes started since (the crawl's workers), sampled
    every *interval* seconds. What the process and its older children held before (in a whole
    test run, everything earlier tests left) is not the crawl's and is not counted."""

    def __init__(self, interval: float = 0.02) -> None:
        self.interval = interval
        self.peak = 0
        self._base = 0
        self._older: set[str] = set()
        #: each process's own peak (``self`` and the children's pids), in bytes
        self.parts: dict[str, int] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True, name="peak-memory")

    @staticmethod
    def _rss(pid: int | str) -> int:
        try:
            with open(f"/proc/{pid}/status") as status:
                return next(int(x.split()[1]) for x in status if x.startswith("VmRSS")) * 1024
        except (OSError, StopIteration, ValueError):
            return 0

    @staticmethod
    def _children() -> list[str]:
        found: list[str] = []
        for task in os.listdir("/proc/self/task"):
            try:
                with open(f"/proc/self/task/{task}/children") as children:
                    found += children.read().split()
            except OSError:
                pass
        return found

    def total(self) -> int:
        sizes = {"self": max(0, self._rss("self") - self._base)}
        sizes.update((pid, self._rss(pid)) for pid in self._children() if pid not in self._older)
        for pid, size in sizes.items():
            self.parts[pid] = max(self.parts.get(pid, 0), size)
        return sum(sizes.values())

    def _sample(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self.total())
            self._stop.wait(self.interval)

    def __enter__(self) -> PeakMemory:
        self._base = self._rss("self")
        self._older = set(self._children())
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self.total())

    @property
    def megabytes(self) -> float:
        return self.peak / 1024 / 1024
