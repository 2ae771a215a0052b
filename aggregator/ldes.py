"""Reading any Linked Data Event Stream page as RDF (pure, no IO).

The aggregator follows a node's feed without poking at JSON keys: a page is parsed in whatever
RDF syntax the node sent, and :func:`read_page` finds the stream's settings
(``ldes:timestampPath``, ``ldes:versionOfPath``, ``ldes:versionDeleteObject``, with the LDES
defaults ``prov:generatedAtTime`` and ``dct:isVersionOf``), its members (objects of
``tree:member``, each with the statements about it and the blank nodes reached from it), and the
pages it links to (``tree:view`` and the ``tree:node`` of every ``tree:relation``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pyoxigraph as ox

from pios_ld.feed import AS, DCT, LDES, PROV, RDF_TYPE, TREE


@dataclass(frozen=True)
class Member:
    """One version of one resource read from a feed."""

    iri: str
    version_of: str | None
    timestamp: str | None
    deleted: bool
    statements: tuple[ox.Triple, ...]

    def record(self) -> list[ox.Triple]:
        """The version's statements about the resource itself (version IRI → resource IRI),
        without the versioning statements; empty for a delete."""
        if self.deleted or not self.version_of:
            return []
        me, it = ox.NamedNode(self.iri), ox.NamedNode(self.version_of)
        skip = {DCT + "isVersionOf", PROV + "generatedAtTime"}
        return [ox.Triple(it if t.subject == me else t.subject, t.predicate,
                          it if t.object == me else t.object)
                for t in self.statements if not (t.subject == me and t.predicate.value in skip)]


@dataclass(frozen=True)
class Page:
    url: str
    members: tuple[Member, ...]
    links: tuple[str, ...]
    immutable: bool


def read_page(statements: Iterable[ox.Quad | ox.Triple], url: str) -> Page:
    """The members and onward links of the feed document at *url*."""
    triples = [ox.Triple(s.subject, s.predicate, s.object) for s in statements]
    by_subject: dict[object, list[ox.Triple]] = {}
    for t in triples:
        by_subject.setdefault(t.subject, []).append(t)

    def values(subject, predicate: str) -> list:
        return [t.object for t in by_subject.get(subject, ()) if t.predicate.value == predicate]

    timestamp_path, version_path, delete_objects = PROV + "generatedAtTime", DCT + "isVersionOf", {
        AS + "Delete"}
    for t in triples:
        if t.predicate.value == LDES + "timestampPath":
            timestamp_path = t.object.value
        elif t.predicate.value == LDES + "versionOfPath":
            version_path = t.object.value
        elif t.predicate.value == LDES + "versionDeleteObject":
            delete_objects.add(t.object.value)

    members = []
    member_terms = dict.fromkeys(t.object for t in triples if t.predicate.value == TREE + "member")
    for iri_term in member_terms:
        reached, stack, seen = [], [iri_term], {iri_term}
        while stack:
            for t in by_subject.get(stack.pop(), ()):
                reached.append(t)
                if isinstance(t.object, ox.BlankNode) and t.object not in seen:
                    seen.add(t.object)
                    stack.append(t.object)
        of = values(iri_term, version_path)
        when = values(iri_term, timestamp_path)
        deleted = any(t.object.value in delete_objects for t in by_subject.get(iri_term, ())
                      if t.predicate.value == RDF_TYPE or t.object.value in delete_objects)
        members.append(Member(iri_term.value, of[0].value if of else None,
                              when[0].value if when else None, deleted, tuple(reached)))
    members.sort(key=lambda m: (m.timestamp or "", _number(m.iri)))

    links = []
    for t in triples:
        if t.predicate.value == TREE + "view":
            links.append(t.object.value)
        elif t.predicate.value == TREE + "relation":
            links.extend(n.value for n in values(t.object, TREE + "node"))
    immutable = any(v.value == "true" for v in values(ox.NamedNode(url), LDES + "immutable"))
    return Page(url, tuple(members), tuple(dict.fromkeys(x for x in links if x != url)), immutable)


def _number(iri: str) -> int:
    tail = iri.rstrip("/").rsplit("/", 1)[-1]
    return int(tail) if tail.isdigit() else 0
