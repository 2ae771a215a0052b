"""The public documents of a node and their cached representations.

:class:`Publisher` knows every public URL (DESIGN.md §4): the catalog pages, each initiative,
each version, the event stream and its pages. For a path and a negotiated format it returns an
:class:`Entry` (body, gzipped body, ETag, Last-Modified, Cache-Control), rendered once and cached
under the database's change counter; full feed pages never change and are cached for good.
The documents themselves come from :mod:`pios_ld.catalog` and :mod:`pios_ld.feed`.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import re
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from email.utils import format_datetime
from typing import Any

from pios_ld import catalog, feed, rdf
from pios_ld.jsonld import CONTEXT_URL, context_document

from . import negotiate
from .negotiate import Choice
from .records import ordered
from .settings import Config
from .store import Store

IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "public, no-cache"
GZIP_MIN = 1024
CACHE_ENTRIES = 4096

_ROUTES = (
    (re.compile(r"^/catalog$"), "catalog", lambda m: 1),
    (re.compile(r"^/catalog-([1-9][0-9]{0,8})$"), "catalog", lambda m: int(m.group(1))),
    (re.compile(r"^/feed$"), "stream", lambda m: None),
    (re.compile(r"^/feed-([1-9][0-9]{0,8})$"), "feed", lambda m: int(m.group(1))),
    (re.compile(r"^/initiatives/([a-z0-9-]{1,100})$"), "initiative", lambda m: m.group(1)),
    (re.compile(r"^/versions/([1-9][0-9]{0,12})$"), "version", lambda m: int(m.group(1))),
)


def route(path: str) -> tuple[str, Any] | None:
    """``/feed-3`` → ("feed", 3); not a public document → None."""
    for pattern, kind, arg in _ROUTES:
        match = pattern.match(path)
        if match:
            return kind, arg(match)
    return None


@dataclass(frozen=True)
class Document:
    kind: str
    arg: Any
    data: dict[str, Any]
    last_modified: str | None
    immutable: bool = False


@dataclass(frozen=True)
class Entry:
    """One representation, ready to send."""

    body: bytes
    gzipped: bytes | None
    media_type: str
    etag: str
    last_modified: str | None  # HTTP-date
    cache_control: str
    #: False when an earlier, different representation had the same (whole-second) date, so
    #: If-Modified-Since cannot tell them apart; If-None-Match still can.
    date_validates: bool = True


HtmlRenderer = Callable[[Document, str], str]


def http_date(timestamp: str | None) -> str | None:
    if not timestamp:
        return None
    when = datetime.fromisoformat(timestamp.replace("Z", "+00:00"))
    return format_datetime(when.replace(microsecond=0), usegmt=True)


def make_entry(body: bytes, media_type: str, last_modified: str | None,
               immutable: bool) -> Entry:
    digest = hashlib.blake2b(body, digest_size=12).hexdigest()
    gzipped = gzip.compress(body, compresslevel=6, mtime=0) if len(body) >= GZIP_MIN else None
    return Entry(body, gzipped, media_type, f'W/"{digest}"', http_date(last_modified),
                 IMMUTABLE if immutable else REVALIDATE)


class Publisher:
    """Every public document of one node, with a cache of rendered representations."""

    def __init__(self, store: Store, config: Config) -> None:
        self.store = store
        self.config = config
        self.base = config.base_url
        self._cache: OrderedDict[tuple, Entry] = OrderedDict()
        self._lock = threading.Lock()
        self._well_known: Entry | None = None
        self._previous: dict[tuple, Entry] = {}
        self._counter: int | None = None

    # -- documents ------------------------------------------------------------------------
    def well_known(self) -> dict[str, str]:
        return catalog.well_known(self.base, self.config.organization)

    def document(self, kind: str, arg: Any) -> Document | None:
        """The JSON-LD document at a public URL, or ``None`` when there is none."""
        store = self.store
        if kind == "catalog":
            current = store.current()
            size = self.config.catalog_page_size
            if arg > catalog.page_count(len(current), size):
                return None
            records = [ordered(c.record) for c in catalog.paginate(current, arg, size)]
            modified = store.last_modified()  # deletions change the catalog too
            data = catalog.catalog_page(self.base, self.config.organization, modified, records,
                                        page=arg, total=len(current), page_size=size)
            return Document(kind, arg, data, modified)
        if kind == "initiative":
            found = store.get(arg)
            if found is None:
                return None
            return Document(kind, arg, ordered(found.record), found.modified)
        if kind == "version":
            version = store.version(arg)
            if version is None:
                return None
            data = {"@context": [CONTEXT_URL, feed.FEED_CONTEXT],
                    **feed.member(self.base, version)}
            return Document(kind, arg, data, version.timestamp, immutable=True)
        if kind == "stream":
            return Document(kind, arg, feed.stream_document(self.base), store.last_modified())
        if kind == "feed":
            size = self.config.feed_page_size
            total = store.total_versions()
            if arg > feed.page_count(total, size):
                return None
            first, last = feed.page_range(arg, size)
            versions = store.versions(first, last)
            data = feed.page_document(self.base, arg, versions, total, size)
            stamp = versions[-1].timestamp if versions else store.last_modified()
            return Document(kind, arg, data, stamp, feed.is_full(arg, total, size))
        return None

    # -- representations ------------------------------------------------------------------
    def entry(self, path: str, choice: Choice, lang: str = "sv",
              html: HtmlRenderer | None = None) -> Entry | None:
        """The cached representation of *path* in *choice* (HTML needs *html*)."""
        found = route(path)
        if found is None:
            return None
        kind, arg = found
        variant = (path, choice.name, lang if choice is negotiate.HTML else "")
        with self._lock:
            entry = self._cache.get(("immutable", *variant))
        if entry is not None:
            return entry
        counter = self.store.counter()
        key = (counter, *variant)
        with self._lock:
            if counter != self._counter:  # the data changed: renderings of older data go
                self._counter = counter
                self._cache = OrderedDict(
                    (k, v) for k, v in self._cache.items() if k[0] == "immutable")
            entry = self._cache.get(key)
            if entry is not None:
                self._cache.move_to_end(key)
                return entry
        if choice is negotiate.HTML and html is None:
            return None
        document = self.document(kind, arg)
        if document is None:
            return None
        entry = self.render(document, choice, lang, html)
        with self._lock:
            previous = self._previous.get(variant)
            if previous and previous.etag != entry.etag and \
                    previous.last_modified == entry.last_modified:
                entry = replace(entry, date_validates=False)
            self._previous[variant] = entry
            if len(self._previous) > CACHE_ENTRIES:
                self._previous.pop(next(iter(self._previous)))
            self._cache[("immutable", *variant) if document.immutable else key] = entry
            while len(self._cache) > CACHE_ENTRIES:
                self._cache.popitem(last=False)
        return entry

    def render(self, document: Document, choice: Choice, lang: str = "sv",
               html: HtmlRenderer | None = None) -> Entry:
        """Render *document* in *choice* (uncached)."""
        data = document.data
        if choice is negotiate.HTML:
            assert html is not None
            body = html(document, lang).encode()
            media = "text/html; charset=utf-8"
        elif choice is negotiate.JSONLD:
            if document.kind in ("feed", "stream", "version"):
                body = feed.serialize(data)  # the bundled context written out in full
            else:
                body = catalog.serialize(data)
            media = "application/ld+json"
        else:
            quads = rdf.parse(json.dumps(data), rdf.JSON_LD)
            fmt = {"turtle": rdf.TURTLE, "ntriples": rdf.N_TRIPLES,
                   "nquads": rdf.N_QUADS}[choice.name]
            body = rdf.serialize(quads, fmt)
            media = choice.media_type + ("; charset=utf-8" if choice.name == "turtle" else "")
        return make_entry(body, media, document.last_modified, document.immutable)

    def well_known_entry(self) -> Entry:
        if self._well_known is None:
            body = json.dumps(self.well_known(), indent=1).encode()
            self._well_known = make_entry(body, "application/json", None, False)
        return self._well_known


def bundled_context_entry() -> Entry:
    """The bundled JSON-LD context, served at /context.jsonld for people who want to read it."""
    body = json.dumps(context_document(), ensure_ascii=False, indent=1).encode()
    return make_entry(body, "application/ld+json", None, False)
