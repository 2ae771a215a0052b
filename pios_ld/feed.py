"""The wire format of a node's change feed: a Linked Data Event Stream (DESIGN.md §4, a contract).

Pure functions from values to JSON-LD documents, and one reader from statements (plain terms or
pyoxigraph quads) back to values; no IO.

Every create, update and delete of an initiative is one *version*, numbered by the node in time
order (``seq`` 1, 2, 3 …) and never changed afterwards. Versions sit on pages of ``page_size``:
page *n* holds versions ``(n-1)*page_size+1 … n*page_size``. URLs under the base URL ``B``::

    B/feed                  the ldes:EventStream (start here)
    B/feed-1, B/feed-2 …    pages (tree:Node), oldest first
    B/versions/<seq>        one version (a tree:member)

``GET B/feed`` describes the stream and names its view (the first page)::

    <B/feed> a ldes:EventStream ;
        ldes:timestampPath prov:generatedAtTime ;
        ldes:versionOfPath dct:isVersionOf ;
        ldes:versionDeleteObject as:Delete ;
        tree:view <B/feed-1> .

A page repeats the stream's description, lists its members and, once it is full, links the next
page. A full page never changes (``ldes:immutable true``, served with ``Cache-Control: immutable``);
the newest page is the only one that grows::

    <B/feed> tree:member <B/versions/7>, <B/versions/8> .
    <B/feed-1> a tree:Node ; ldes:immutable true ;
        tree:relation [ a tree:GreaterThanOrEqualToRelation ;
                        tree:path prov:generatedAtTime ;
                        tree:value "2026-11-20T10:00:00Z"^^xsd:dateTime ;  # last time on page 1
                        tree:node <B/feed-2> ] .

A create or update member is the full initiative record with the version IRI as subject, plus
``dct:isVersionOf <initiative>`` and ``prov:generatedAtTime``; a delete is a tombstone::

    <B/versions/9> a as:Delete ; dct:isVersionOf <B/initiatives/x> ;
        prov:generatedAtTime "2026-11-21T08:00:00Z"^^xsd:dateTime .

The JSON-LD form uses the bundled context plus :data:`FEED_CONTEXT` (terms for LDES and TREE that
do not clash with the protected pios terms); :func:`inline_context` replaces the context URL by
the bundled context itself for clients that cannot be told about it, and :func:`serialize`
gives the bytes a node publishes (``pios node serve`` and ``pios node build`` alike): the
bundled context written out in full. :func:`pios_ld.jsonld_terms.read_terms` recognises exactly
that inlined context (and the URL form) on its fast path.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import pyoxigraph as ox

from pios_ld.catalog import base, feed_url
from pios_ld.catalog import serialize as serialize_document
from pios_ld.jsonld import CONTEXT_URL, context_document
from pios_ld.terms import Term, TermGraph, value

#: How many versions one feed page holds unless the node is configured otherwise.
DEFAULT_PAGE_SIZE = 100

CREATE, UPDATE, DELETE = "create", "update", "delete"

LDES = "https://w3id.org/ldes#"
TREE = "https://w3id.org/tree#"
PROV = "http://www.w3.org/ns/prov#"
DCT = "http://purl.org/dc/terms/"
AS = "https://www.w3.org/ns/activitystreams#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
XSD_DATETIME = "http://www.w3.org/2001/XMLSchema#dateTime"

#: Terms the feed adds to the bundled context (none redefines a protected pios term).
FEED_CONTEXT: dict[str, Any] = {
    "EventStream": "ldes:EventStream",
    "Node": "tree:Node",
    "GreaterThanOrEqualToRelation": "tree:GreaterThanOrEqualToRelation",
    "Delete": "as:Delete",
    "timestampPath": {"@id": "ldes:timestampPath", "@type": "@id"},
    "versionOfPath": {"@id": "ldes:versionOfPath", "@type": "@id"},
    "versionDeleteObject": {"@id": "ldes:versionDeleteObject", "@type": "@id"},
    "immutable": {"@id": "ldes:immutable", "@type": "xsd:boolean"},
    "view": {"@id": "tree:view", "@type": "@id"},
    "member": {"@id": "tree:member", "@container": "@set"},
    "relation": {"@id": "tree:relation", "@container": "@set"},
    "tree:path": {"@type": "@id"},
    "tree:value": {"@type": "xsd:dateTime"},
    "tree:node": {"@type": "@id"},
    "isVersionOf": {"@id": "dct:isVersionOf", "@type": "@id"},
    "generatedAtTime": {"@id": "prov:generatedAtTime", "@type": "xsd:dateTime"},
}


@dataclass(frozen=True)
class Version:
    """One change of one initiative, as the node stores it.

    ``record`` is the initiative in the context's JSON-LD form for a create or update and
    ``None`` for a delete; ``timestamp`` is an ISO 8601 UTC time (``2026-11-20T10:00:00Z``).
    """

    seq: int
    initiative: str
    action: str
    timestamp: str
    record: dict[str, Any] | None = None


def stream_url(base_url: str) -> str:
    """The IRI of the event stream (``B/feed``)."""
    return feed_url(base_url)


def page_url(base_url: str, number: int) -> str:
    """The URL (and IRI) of feed page *number* (1-based)."""
    return f"{base(base_url)}/feed-{number}"


def version_iri(base_url: str, seq: int) -> str:
    """The IRI of version *seq* (numbered across the whole node)."""
    return f"{base(base_url)}/versions/{seq}"


def page_count(total: int, page_size: int = DEFAULT_PAGE_SIZE) -> int:
    """How many pages *total* versions fill; there is always one page, and a full last page is
    followed by an empty one, so that every full page can link onwards and never change."""
    return total // page_size + 1


def page_range(number: int, page_size: int = DEFAULT_PAGE_SIZE) -> tuple[int, int]:
    """The first and last ``seq`` that page *number* holds (inclusive)."""
    return (number - 1) * page_size + 1, number * page_size


def is_full(number: int, total: int, page_size: int = DEFAULT_PAGE_SIZE) -> bool:
    """Whether page *number* is full, hence immutable, when the node holds *total* versions."""
    return total >= number * page_size


def _context() -> list[Any]:
    return [CONTEXT_URL, FEED_CONTEXT]


def _stream_description(base_url: str) -> dict[str, Any]:
    return {
        "id": stream_url(base_url),
        "type": "EventStream",
        "timestampPath": "prov:generatedAtTime",
        "versionOfPath": "dct:isVersionOf",
        "versionDeleteObject": "as:Delete",
    }


def stream_document(base_url: str) -> dict[str, Any]:
    """The document at ``B/feed``: the stream's description and its view (the first page)."""
    return {"@context": _context(), **_stream_description(base_url), "view": page_url(base_url, 1)}


def member(base_url: str, version: Version) -> dict[str, Any]:
    """One version as a ``tree:member`` object (without ``@context``)."""
    iri = version_iri(base_url, version.seq)
    if version.action == DELETE or version.record is None:
        return {"id": iri, "type": "Delete", "isVersionOf": version.initiative,
                "generatedAtTime": version.timestamp}
    body = {key: value for key, value in version.record.items() if key not in ("@context", "id")}
    return {"id": iri, **body, "isVersionOf": version.initiative,
            "generatedAtTime": version.timestamp}


def page_document(
    base_url: str,
    number: int,
    versions: list[Version],
    total: int,
    page_size: int = DEFAULT_PAGE_SIZE,
) -> dict[str, Any]:
    """Feed page *number* with *versions* (those in :func:`page_range`, in ``seq`` order).

    *total* is how many versions the node holds; a full page gets ``immutable`` and a
    ``tree:GreaterThanOrEqualToRelation`` to the next page whose value is its last timestamp.
    """
    node: dict[str, Any] = {"id": page_url(base_url, number), "type": "Node"}
    if is_full(number, total, page_size) and versions:
        node["immutable"] = True
        node["relation"] = [{
            "type": "GreaterThanOrEqualToRelation",
            "tree:path": "prov:generatedAtTime",
            "tree:value": versions[-1].timestamp,
            "tree:node": page_url(base_url, number + 1),
        }]
    stream = {**_stream_description(base_url), "view": page_url(base_url, 1),
              "member": [member(base_url, v) for v in versions]}
    return {"@context": _context(), "@graph": [stream, node]}


def inline_context(document: dict[str, Any]) -> dict[str, Any]:
    """*document* with the bundled context written in full instead of its URL.

    For LDES clients that would otherwise try to download ``https://w3id.org/pios/context.jsonld``.
    """
    out = copy.copy(document)
    bundled = context_document()["@context"]
    context = document.get("@context")
    items = context if isinstance(context, list) else [context]
    out["@context"] = [bundled if item == CONTEXT_URL else item for item in items]
    return out


def serialize(document: dict[str, Any]) -> bytes:
    """The bytes a node publishes for a feed *document* (the stream, a page, a version): the
    bundled context written out in full (:func:`inline_context`), as
    :func:`pios_ld.catalog.serialize` writes JSON."""
    return serialize_document(inline_context(document))


# --------------------------------------------------------------------------------------------
# Reading a page back (any RDF syntax, any LDES publisher)
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Member:
    """One version of one resource, as a reader of the stream sees it."""

    iri: str
    version_of: str | None
    timestamp: str | None
    deleted: bool
    #: the statements about the version and the blank nodes reached from it, as plain terms
    #: (:mod:`pios_ld.terms`): ``(subject, predicate IRI, object)``
    statements: tuple[tuple[Term, str, Term], ...] = ()

    @property
    def initiative(self) -> str | None:
        return self.version_of

    def record(self) -> list[tuple[Term, str, Term]]:
        """The version's statements about the resource itself (version IRI → resource IRI),
        without the versioning statements; empty for a delete."""
        if self.deleted or not self.version_of:
            return []
        me, it = self.iri, self.version_of
        skip = {DCT + "isVersionOf", PROV + "generatedAtTime"}
        return [(it if s == me else s, p, it if o == me else o)
                for s, p, o in self.statements if not (s == me and p in skip)]


@dataclass(frozen=True)
class Page:
    """What one feed document says: its members in time order and the pages it links to."""

    url: str
    members: tuple[Member, ...]
    #: every other page named: the stream's view and the nodes of its relations
    links: tuple[str, ...]
    #: the pages this one's tree:relations lead on to
    next_pages: tuple[str, ...]
    immutable: bool


def read_page(statements: TermGraph | Iterable[ox.Quad | ox.Triple], url: str) -> Page:
    """Read the members and onward links of the feed document at *url* from its statements:
    a :class:`~pios_ld.terms.TermGraph` (what :func:`pios_ld.jsonld_terms.read_terms` reads)
    or pyoxigraph quads or triples.

    Generic over LDES publishers: the stream's own ``ldes:timestampPath``,
    ``ldes:versionOfPath`` and ``ldes:versionDeleteObject`` are honoured, with the LDES defaults
    (``prov:generatedAtTime``, ``dct:isVersionOf``, ``as:Delete``) where a page does not say.
    """
    graph = statements if isinstance(statements, TermGraph) else \
        TermGraph.from_statements(statements)
    paths = _stream_paths(graph)
    by_subject = graph.by_subject()
    members = sorted((_member(graph, by_subject, term, paths) for term in _member_terms(graph)),
                     key=lambda m: (m.timestamp or "", _seq(m.iri)))
    immutable = any(value(v) == "true" for v in graph.objects(url, LDES + "immutable"))
    return Page(url, tuple(members), _links(graph, by_subject, url), _next_pages(graph, url),
                immutable)


@dataclass(frozen=True)
class _StreamPaths:
    """How a stream says what a member is a version of, when, and that it is a delete."""

    timestamp: str
    version_of: str
    delete_objects: frozenset[str]


def _stream_paths(graph: TermGraph) -> _StreamPaths:
    """The page's ``ldes:timestampPath``, ``ldes:versionOfPath`` and
    ``ldes:versionDeleteObject`` values, with the LDES defaults where it does not say."""
    def last(predicate: str, default: str) -> str:
        # a page naming several paths: the last statement wins (statement order)
        found = _all_objects(graph, predicate)
        return value(found[-1]) if found else default

    return _StreamPaths(
        last(LDES + "timestampPath", PROV + "generatedAtTime"),
        last(LDES + "versionOfPath", DCT + "isVersionOf"),
        frozenset({AS + "Delete", *(value(o) for o in
                                    _all_objects(graph, LDES + "versionDeleteObject"))}))


def _all_objects(graph: TermGraph, predicate: str) -> list[Term]:
    """The objects of *predicate*, whatever the subject, in statement order."""
    return [o for objects in graph.subjects_objects(predicate).values() for o in objects]


def _member_terms(graph: TermGraph) -> Iterable[Term]:
    """The page's ``tree:member`` objects, each once, in statement order."""
    return dict.fromkeys(_all_objects(graph, TREE + "member"))


def _member(graph: TermGraph, by_subject: dict[Term, list[tuple[str, list[Term]]]], term: Term,
            paths: _StreamPaths) -> Member:
    """The member *term*: what it is a version of and when, whether it is a delete, and its
    statements."""
    reached, deleted = _reached(by_subject, term, paths.delete_objects)
    of = graph.objects(term, paths.version_of)
    when = graph.objects(term, paths.timestamp)
    return Member(value(term), value(of[0]) if of else None,
                  value(when[0]) if when else None, deleted, tuple(reached))


def _reached(by_subject: dict[Term, list[tuple[str, list[Term]]]], term: Term,
             delete_objects: frozenset[str]) -> tuple[list[tuple[Term, str, Term]], bool]:
    """The statements about *term* and the blank nodes reached from it, and whether *term* is
    typed (or otherwise named) by a delete object."""
    reached: list[tuple[Term, str, Term]] = []
    stack, seen = [term], {term}
    deleted = False
    while stack:
        subject = stack.pop()
        for predicate, objects in by_subject.get(subject, ()):
            for o in objects:
                reached.append((subject, predicate, o))
                if o.__class__ is tuple:
                    if subject is term and o[0] in delete_objects:
                        deleted = True
                elif o[0] == "_":  # a blank node (an IRI starts with its scheme)
                    if o not in seen:
                        seen.add(o)
                        stack.append(o)
                    if subject is term and o[2:] in delete_objects:
                        deleted = True
                elif subject is term and o in delete_objects:
                    deleted = True
    return reached, deleted


def _next_pages(graph: TermGraph, url: str) -> tuple[str, ...]:
    """The pages the page's own ``tree:relation``s lead on to, each once."""
    return tuple(dict.fromkeys(
        value(n) for rel in graph.objects(url, TREE + "relation")
        for n in graph.objects(rel, TREE + "node")))


def _links(graph: TermGraph, by_subject: dict[Term, list[tuple[str, list[Term]]]],
           url: str) -> tuple[str, ...]:
    """Every other page the document names (a ``tree:view``, the node of any
    ``tree:relation``), each once, in the order the document names them."""
    links: list[str] = []
    for pairs in by_subject.values():
        for predicate, objects in pairs:
            if predicate == TREE + "view":
                links.extend(value(o) for o in objects)
            elif predicate == TREE + "relation":
                links.extend(value(n) for rel in objects
                             for n in graph.objects(rel, TREE + "node"))
    return tuple(dict.fromkeys(x for x in links if x != url))


def _seq(iri: str) -> int:
    tail = iri.rstrip("/").rsplit("/", 1)[-1]
    return int(tail) if tail.isdigit() else 0
