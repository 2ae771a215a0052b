"""A node's static export written from the wire format, for the crawl benchmarks.

:func:`write_export` writes what a node publishes (the discovery file, the catalog pages, the
LDES stream and its pages) as plain files, with :mod:`pios_ld.catalog` and :mod:`pios_ld.feed`,
so that a plain static HTTP server can stand in for a node. The bytes are a real node's: its
record key order and its serialisation (:func:`pios_ld.feed.serialize`: feed pages carry the
bundled context written out in full, as ``pios node serve`` and ``pios node build`` write them).
"""

from __future__ import annotations

import json
from pathlib import Path

from pios_ld.node.records import ordered

from pios_ld import catalog as wire_catalog
from pios_ld import feed as wire_feed
from pios_ld import organizations


def write_export(folder: Path, base_url: str, org: organizations.Organization,
                 records: list[dict], versions: list[wire_feed.Version] | None = None) -> None:
    """Write what a node publishes (discovery, catalog pages, feed) as plain files; the feed
    holds *versions* (every version of the node's life) or, by default, one per record."""
    records = [ordered(r) for r in sorted(records, key=lambda r: r["identifier"])]
    (folder / ".well-known").mkdir(parents=True, exist_ok=True)
    _dump(folder / ".well-known" / "pios", wire_catalog.well_known(base_url, org.iri))
    modified = max((r["modified"] for r in records), default=None)
    for page in range(1, wire_catalog.page_count(len(records)) + 1):
        doc = wire_catalog.catalog_page(base_url, org.iri, modified,
                                        wire_catalog.paginate(records, page), page, len(records))
        (folder / wire_catalog.catalog_url(base_url, page).rsplit("/", 1)[1]).write_bytes(
            wire_catalog.serialize(doc))
    if versions is None:
        versions = [wire_feed.Version(seq, r["id"], wire_feed.CREATE, r["modified"], r)
                    for seq, r in enumerate(sorted(records, key=lambda r: r["modified"]),
                                            start=1)]
    (folder / "feed").write_bytes(wire_feed.serialize(wire_feed.stream_document(base_url)))
    for number in range(1, wire_feed.page_count(len(versions)) + 1):
        first, last = wire_feed.page_range(number)
        (folder / f"feed-{number}").write_bytes(wire_feed.serialize(wire_feed.page_document(
            base_url, number, versions[first - 1:last], len(versions))))


def _dump(path: Path, document: dict) -> None:
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
