"""The wire format of a node's discovery document and catalog (DESIGN.md §4, a contract).

Pure functions from values to JSON-LD documents; no IO. The node publishes with them and a reader
(the aggregator, a researcher's script) can rely on exactly these shapes.

URLs under a node's base URL ``B`` (no trailing slash)::

    B/.well-known/pios          discovery document (plain JSON)
    B/catalog                   catalog, first page
    B/catalog-2, B/catalog-3 …  further pages, present when there are more than `page_size`
    B/initiatives/<identifier>  one initiative (its IRI; the record's "id")
    B/feed                      the LDES event stream (see pios_ld.feed)

The same URLs answer JSON-LD, Turtle, N-Triples and HTML by content negotiation, and the suffixes
``.jsonld``, ``.ttl``, ``.nt``, ``.html`` choose a format explicitly. Page URLs are flat
(``catalog-2``, ``feed-3``, ``versions/17``) so that no URL is both a document and a folder: the
whole site can be written as plain files. A node exported as static
files (``pios node build``) stores the suffix-less URL as a JSON-LD file, so a reader that gets an
unknown media type (``application/octet-stream`` from a plain web server) for the catalog or the
feed should parse it as JSON-LD.

Discovery, ``GET B/.well-known/pios`` (``application/json``)::

    {"catalog": "B/catalog", "feed": "B/feed",
     "publisher": "http://dataportal.se/organisation/SE2120000019"}

A catalog page (``application/ld+json``)::

    {
      "@context": "https://w3id.org/pios/context.jsonld",
      "id": "B/catalog",                      # B/catalog-<n> for page n > 1
      "type": "Catalog",
      "publisher": "http://dataportal.se/organisation/SE2120000019",
      "modified": "2026-11-20T10:00:00Z",     # newest change of any initiative
      "feed": "B/feed",
      "totalItems": 812,                      # initiatives in the whole catalog
      "initiative": [ {"id": "B/initiatives/x", "type": "Initiative", ...}, ... ],
      "next": "B/catalog-2"                   # only when a further page exists
    }

Each entry of ``initiative`` is a full record in the context's form (as :mod:`pios_ld.jsonld`
frames it), without its own ``@context``. Pages hold initiatives ordered by identifier.
"""

from __future__ import annotations

import json
from typing import Any

from pios_ld.jsonld import CONTEXT_URL

#: How many initiatives one catalog page holds unless the node is configured otherwise.
DEFAULT_PAGE_SIZE = 500


def base(base_url: str) -> str:
    """The base URL without a trailing slash."""
    return base_url.rstrip("/")


def catalog_url(base_url: str, page: int = 1) -> str:
    """The URL (and IRI) of catalog page *page* (1-based)."""
    if page < 1:
        raise ValueError("catalog pages are numbered from 1")
    return f"{base(base_url)}/catalog" if page == 1 else f"{base(base_url)}/catalog-{page}"


def feed_url(base_url: str) -> str:
    """The IRI of the node's LDES event stream (also the URL a client starts from)."""
    return f"{base(base_url)}/feed"


def initiative_iri(base_url: str, identifier: str) -> str:
    """The IRI a node mints for the initiative with *identifier*; it never changes."""
    return f"{base(base_url)}/initiatives/{identifier}"


def well_known(base_url: str, publisher: str) -> dict[str, str]:
    """The discovery document served at ``/.well-known/pios``."""
    return {"catalog": catalog_url(base_url), "feed": feed_url(base_url), "publisher": publisher}


def page_count(total: int, page_size: int = DEFAULT_PAGE_SIZE) -> int:
    """How many catalog pages *total* initiatives fill (an empty catalog has one page)."""
    return max(1, -(-total // page_size))


def catalog_page(
    base_url: str,
    publisher: str,
    modified: str | None,
    initiatives: list[dict[str, Any]],
    page: int = 1,
    total: int | None = None,
    page_size: int = DEFAULT_PAGE_SIZE,
) -> dict[str, Any]:
    """One catalog page holding *initiatives* (already the slice for *page*).

    *total* is the number of initiatives in the whole catalog (defaults to this page's count);
    ``next`` is present when a further page exists.
    """
    total = len(initiatives) if total is None else total
    document: dict[str, Any] = {
        "@context": CONTEXT_URL,
        "id": catalog_url(base_url, page),
        "type": "Catalog",
        "publisher": publisher,
    }
    if modified:
        document["modified"] = modified
    document["feed"] = feed_url(base_url)
    document["totalItems"] = total
    document["initiative"] = [_without_context(record) for record in initiatives]
    if page < page_count(total, page_size):
        document["next"] = catalog_url(base_url, page + 1)
    return document


def serialize(document: dict[str, Any]) -> bytes:
    """The bytes a node publishes for a JSON-LD *document* (a catalog page, an initiative):
    UTF-8 JSON, non-ASCII characters written as they are, indented by one space."""
    return json.dumps(document, ensure_ascii=False, indent=1).encode()


def paginate(items: list, page: int, page_size: int = DEFAULT_PAGE_SIZE) -> list:
    """The slice of *items* on catalog page *page*."""
    start = (page - 1) * page_size
    return items[start:start + page_size]


def _without_context(record: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in record.items() if key != "@context"}
