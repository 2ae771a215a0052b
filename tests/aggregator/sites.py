"""Nodes for the aggregator tests: a node's published files, served over real HTTP on loopback.

:class:`Site` writes what a node publishes (discovery, catalog pages, LDES feed pages) with the
node's own publishing functions (:mod:`pios_ld.catalog`, :mod:`pios_ld.feed`, down to
:func:`pios_ld.feed.serialize`, so the bytes are a real node's: feed pages carry the bundled
context written out in full, records have the node's key order) into a folder and
serves it with a small threaded HTTP server that does what a real host does: ETag and
``If-None-Match`` → ``304``, ``Cache-Control: immutable`` on full feed pages. A test can make a
path answer a fault (a status and a body) to play a broken node, and can read the request log.
"""

from __future__ import annotations

import hashlib
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from pios_ld.node.records import ordered

from pios_ld import catalog as wire_catalog
from pios_ld import feed as wire_feed
from pios_ld.organizations import Organization
from pios_ld.tools import generate


class Site:
    def __init__(self, root: Path, org: Organization) -> None:
        self.root = root
        self.org = org
        self.faults: dict[str, tuple[int, bytes]] = {}
        self.requests: list[tuple[str, int]] = []
        self.versions: list[wire_feed.Version] = []
        self.records: dict[str, dict] = {}
        self.extra_catalog_items: list[dict] = []
        self.catalog_publisher: str | None = None
        handler = _handler(self)
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.server.daemon_threads = True
        self.base_url = f"http://127.0.0.1:{self.server.server_port}/"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    # -- content -----------------------------------------------------------------------------
    def generate(self, count: int, seed: int = 1) -> list[dict]:
        records = generate.initiatives(self.org, count, seed=seed, base_url=self.base_url)
        for r in records:
            self.put(r)
        return records

    def put(self, record: dict, timestamp: str | None = None) -> None:
        action = wire_feed.UPDATE if record["id"] in self.records else wire_feed.CREATE
        self.records[record["id"]] = record
        when = timestamp or _tick(self.versions, record["modified"])
        self.versions.append(wire_feed.Version(len(self.versions) + 1, record["id"], action, when,
                                               record))

    def change_first(self, **changes: Any) -> dict:
        """Publish a new version of the first record with *changes* (saved 2026-11-25); the
        new version."""
        import copy

        record = copy.deepcopy(next(iter(self.records.values())))
        record.update(modified="2026-11-25T10:00:00Z", **changes)
        self.put(record)
        self.publish()
        return record

    def put_copy(self, identifier: str, **changes: Any) -> dict:
        """Publish a copy of the first record under *identifier* with *changes* (a record that
        breaks a rule, say); the copy."""
        import copy

        record = copy.deepcopy(next(iter(self.records.values())))
        record.update(id=self.base_url + "initiatives/" + identifier, identifier=identifier,
                      **changes)
        self.records[record["id"]] = record
        self.publish()
        return record

    def delete(self, iri: str) -> None:
        self.records.pop(iri)
        self.versions.append(wire_feed.Version(len(self.versions) + 1, iri, wire_feed.DELETE,
                                               _tick(self.versions, "2026-11-21T00:00:00Z")))

    def publish(self, page_size: int = 500, feed_page_size: int = wire_feed.DEFAULT_PAGE_SIZE
                ) -> None:
        """Write every file from the current records and versions."""
        root = self.root
        (root / ".well-known").mkdir(parents=True, exist_ok=True)
        (root / ".well-known" / "pios").write_bytes(json.dumps(
            wire_catalog.well_known(self.base_url, self.org.iri), indent=1).encode())
        records = [ordered(r) for r in sorted(self.records.values(),
                                              key=lambda r: r["identifier"])]
        records += self.extra_catalog_items
        modified = max((r.get("modified", "") for r in records), default=None)
        pages = wire_catalog.page_count(len(records), page_size)
        for page in range(1, pages + 1):
            doc = wire_catalog.catalog_page(self.base_url, self.org.iri, modified,
                                            wire_catalog.paginate(records, page, page_size),
                                            page, len(records), page_size)
            if self.catalog_publisher:
                doc["publisher"] = self.catalog_publisher
            (root / wire_catalog.catalog_url(self.base_url, page).rsplit("/", 1)[1]).write_bytes(
                wire_catalog.serialize(doc))
        (root / "feed").write_bytes(wire_feed.serialize(wire_feed.stream_document(self.base_url)))
        total = len(self.versions)
        for number in range(1, wire_feed.page_count(total, feed_page_size) + 1):
            first, last = wire_feed.page_range(number, feed_page_size)
            doc = wire_feed.page_document(self.base_url, number, self.versions[first - 1:last],
                                          total, feed_page_size)
            (root / f"feed-{number}").write_bytes(wire_feed.serialize(doc))

    def count(self, path: str, status: int | None = None) -> int:
        return sum(1 for p, s in self.requests if p == path and (status is None or s == status))

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def _tick(versions: list, at_least: str) -> str:
    """A timestamp after every earlier version (seconds resolution)."""
    from datetime import datetime, timedelta

    last = versions[-1].timestamp if versions else at_least
    moment = max(datetime.fromisoformat(last.replace("Z", "+00:00")),
                 datetime.fromisoformat(at_least.replace("Z", "+00:00")))
    if versions:
        moment += timedelta(seconds=1)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _handler(site: Site) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:  # noqa: N802
            path = self.path.split("?")[0]
            if path in site.faults:
                status, body = site.faults[path]
                return self._send(path, status, body, "application/ld+json")
            file = (site.root / path.lstrip("/")).resolve()
            if not str(file).startswith(str(site.root.resolve())) or not file.is_file():
                return self._send(path, 404, b"not found", "text/plain")
            body = file.read_bytes()
            etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
            headers = {"ETag": etag}
            if path.rsplit("/", 1)[-1].startswith("feed-") and b'"immutable": true' in body:
                headers["Cache-Control"] = "public, max-age=31536000, immutable"
            if self.headers.get("If-None-Match") == etag:
                return self._send(path, 304, b"", None, headers)
            kind = "application/json" if path.endswith("/pios") else "application/ld+json"
            return self._send(path, 200, body, kind, headers)

        def _send(self, path: str, status: int, body: bytes, kind: str | None,
                  headers: dict[str, str] | None = None) -> None:
            site.requests.append((path, status))
            self.send_response(status)
            for key, value in (headers or {}).items():
                self.send_header(key, value)
            if kind:
                self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if body and status != 304:
                self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
            pass

    return Handler


def crawled_with_a_broken_record(server, site: Site) -> tuple[dict, Any, dict]:
    """*site* with a copy of its first record that breaks a rule (a negative budget), registered
    in *server* and crawled: the broken record, the node, and the node page's JSON twin."""
    import requests

    bad = site.put_copy("negativ-budget", budget={"value": -5, "currency": "SEK"})
    node = server.register(site)
    server.crawl()
    return bad, node, requests.get(server.url + f"nodes/{node.id}.json", timeout=60).json()
