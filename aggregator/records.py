"""Screening a node's statements before they enter the national graph (pure, no IO).

:func:`screen` takes everything one catalog said and decides, record by record, what may go in:

1. **Authority** (DESIGN.md §7): the catalog's publisher must be the node's organisation (or the
   whole catalog is refused); only statements whose subject lies under the node's IRI prefixes,
   or is a blank node reached from such a subject, are kept; an initiative must name the node's
   organisation as ``responsibleOrganization``. Everything else is dropped and reported. Objects
   are free: a node may link to anyone's initiative and name any partner.
2. **Validation** against the shapes; an initiative with a violation, or over the size limit, is
   quarantined alone, with the results in Swedish and English.
3. **Skolemisation**: blank nodes become stable IRIs under the node's prefix
   (``…/.well-known/genid/<hash of owner and content>``), so that the same record always gives the
   same statements and a re-crawl changes only what changed.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field

import pyoxigraph as ox

from pios_ld import validation
from pios_ld.validation import Result

PIOS = "https://w3id.org/pios/vocab#"
AGG = "https://w3id.org/pios/aggregator#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
DCT = "http://purl.org/dc/terms/"
INITIATIVE = PIOS + "Initiative"
CATALOG = PIOS + "Catalog"
RESPONSIBLE = PIOS + "responsibleOrganization"
PUBLISHER = DCT + "publisher"
#: Catalog statements that only page the document; they are not kept.
PAGING = {PIOS + "initiative", PIOS + "nextPage", PIOS + "totalItems"}
STALE = ox.NamedNode(AGG + "stale")
TRUE = ox.Literal("true", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#boolean"))


@dataclass(frozen=True)
class Problem:
    """Something the aggregator refused, with the reason in Swedish and English."""

    kind: str  # publisher | authority | organisation | violation | too-large | feed | fetch
    subject: str | None
    message_sv: str
    message_en: str
    results: tuple[dict, ...] = ()

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass
class Screened:
    """The outcome of :func:`screen`: what may go in and what was refused, and why."""

    catalog: list[ox.Triple] = field(default_factory=list)
    records: dict[str, list[ox.Triple]] = field(default_factory=dict)
    quarantined: list[Problem] = field(default_factory=list)
    dropped: list[Problem] = field(default_factory=list)
    warnings: list[Result] = field(default_factory=list)
    refused: Problem | None = None  # the whole document was refused


def _key(term) -> str:
    return f"_:{term.value}" if isinstance(term, ox.BlankNode) else term.value


def _reachable(statements: list[ox.Triple], roots: Iterable[str]) -> set[str]:
    children: dict[str, list[str]] = {}
    for s in statements:
        if isinstance(s.object, ox.BlankNode):
            children.setdefault(_key(s.subject), []).append(_key(s.object))
    seen = set(roots)
    stack = list(seen)
    while stack:
        for child in children.get(stack.pop(), ()):
            if child not in seen:
                seen.add(child)
                stack.append(child)
    return seen


def authoritative(statements: Iterable[ox.Quad | ox.Triple], prefixes: tuple[str, ...]
                  ) -> tuple[list[ox.Triple], list[Problem]]:
    """Keep statements about subjects under *prefixes* (and blank nodes reached from them).

    Statements of the default graph are kept as they are (a quad there reads as a triple);
    only a statement in a named graph is rebuilt as a triple.
    """
    triples = [s if isinstance(s, ox.Triple) or isinstance(s.graph_name, ox.DefaultGraph)
               else ox.Triple(s.subject, s.predicate, s.object) for s in statements]
    keys = [_key(s.subject) for s in triples]
    own = {k for k, s in zip(keys, triples, strict=True)
           if not k.startswith("_:") and k.startswith(prefixes)}
    allowed = _reachable(triples, own)
    kept, foreign = [], {}
    for key, s in zip(keys, triples, strict=True):
        if key in allowed:
            kept.append(s)
        else:
            foreign[key] = foreign.get(key, 0) + 1
    problems = [Problem(
        "authority", subject,
        f"{count} påståenden om {subject} togs bort: adressen ligger utanför nodens "
        f"IRI-prefix ({', '.join(prefixes)}), och en nod får bara tala för sina egna resurser.",
        f"{count} statements about {subject} were dropped: it lies outside the node's IRI "
        f"prefixes ({', '.join(prefixes)}), and a node may only speak for its own resources.",
    ) for subject, count in sorted(foreign.items()) if not subject.startswith("_:")]
    return kept, problems


def screen(statements: Iterable[ox.Quad | ox.Triple], org_iri: str, prefixes: tuple[str, ...],
           max_record_triples: int = 5000) -> Screened:
    """Decide what of one catalog document (all its pages) may enter the national graph."""
    out = Screened()
    statements = list(statements)
    publishers = {s.object.value for s in statements
                  if s.predicate.value == PUBLISHER and _is_catalog(s.subject, statements)}
    if publishers and publishers != {org_iri}:
        other = ", ".join(sorted(publishers - {org_iri})) or "?"
        out.refused = Problem(
            "publisher", None,
            f"Katalogen anger utgivaren {other}, men noden är registrerad för {org_iri}; "
            "hela katalogen avvisades.",
            f"The catalog names {other} as its publisher, but the node is registered for "
            f"{org_iri}; the whole catalog was refused.")
        return out
    kept, out.dropped = authoritative(statements, prefixes)
    owner = validation.owners(kept)
    initiatives = {k for k, v in owner.items() if k == v}
    responsible: dict[str, set[str]] = {}
    for s in kept:
        if s.predicate.value == RESPONSIBLE and _key(s.subject) in initiatives:
            responsible.setdefault(_key(s.subject), set()).add(s.object.value)
    foreign = {i for i, orgs in responsible.items() if org_iri not in orgs}
    for iri in sorted(foreign):
        out.dropped.append(Problem(
            "organisation", iri,
            f"Initiativet {iri} anger {', '.join(sorted(responsible[iri]))} som ansvarig "
            f"organisation, men noden talar för {org_iri}; initiativet togs inte med.",
            f"The initiative {iri} names {', '.join(sorted(responsible[iri]))} as its responsible "
            f"organisation, but the node speaks for {org_iri}; the initiative was left out."))
    kept = [s for s in kept if owner.get(_key(s.subject)) not in foreign]
    report = validation.validate(kept)
    by_initiative = report.by_initiative()
    groups: dict[str | None, list[ox.Triple]] = {}
    for s in kept:
        groups.setdefault(owner.get(_key(s.subject)), []).append(s)
    for iri, triples in groups.items():
        if iri is None:
            out.catalog = skolemise([t for t in triples if t.predicate.value not in PAGING],
                                    prefixes[0], "catalog")
            continue
        results = by_initiative.get(iri, [])
        violations = [r for r in results if r.severity == validation.VIOLATION]
        if violations:
            out.quarantined.append(Problem(
                "violation", iri,
                f"Initiativet {iri} bryter mot {len(violations)} regler och togs inte med.",
                f"The initiative {iri} breaks {len(violations)} rules and was not taken in.",
                tuple(asdict(r) for r in violations)))
            continue
        if len(triples) > max_record_triples:
            out.quarantined.append(Problem(
                "too-large", iri,
                f"Initiativet {iri} har {len(triples)} påståenden, fler än gränsen "
                f"{max_record_triples}.",
                f"The initiative {iri} has {len(triples)} statements, more than the limit of "
                f"{max_record_triples}."))
            continue
        out.warnings.extend(r for r in results if r.severity != validation.VIOLATION)
        out.records[iri] = skolemise(triples, prefixes[0], iri)
    out.warnings.extend(by_initiative.get(None, []))
    # catalog-level violations (e.g. a catalog without publisher) are reported, not blocking
    return out


def _is_catalog(subject, statements: list) -> bool:
    return any(s.subject == subject and s.predicate.value == RDF_TYPE
               and s.object.value == CATALOG for s in statements)


def skolemise(triples: list[ox.Triple], prefix: str, owner: str) -> list[ox.Triple]:
    """Replace blank nodes by IRIs under *prefix* derived from *owner* and their content."""
    if not any(isinstance(t.subject, ox.BlankNode) or isinstance(t.object, ox.BlankNode)
               for t in triples):
        return triples
    outgoing: dict[str, list[ox.Triple]] = {}
    for t in triples:
        if isinstance(t.subject, ox.BlankNode):
            outgoing.setdefault(t.subject.value, []).append(t)
    memo: dict[str, str] = {}

    def signature(label: str, depth: int = 0) -> str:
        if label in memo:
            return memo[label]
        if depth > 16:
            return label
        lines = sorted(
            f"{t.predicate} "
            + (signature(t.object.value, depth + 1) if isinstance(t.object, ox.BlankNode)
               else str(t.object))
            for t in outgoing.get(label, ()))
        digest = hashlib.sha1(("\n".join(lines) + owner).encode(), usedforsecurity=False)
        memo[label] = digest.hexdigest()[:24]
        return memo[label]

    base = prefix if prefix.endswith("/") else prefix + "/"

    skolem = {label: ox.NamedNode(f"{base}.well-known/genid/{signature(label)}")
              for label in outgoing}
    out = []
    for t in triples:
        s_blank, o_blank = isinstance(t.subject, ox.BlankNode), isinstance(t.object, ox.BlankNode)
        if s_blank or o_blank:
            subject = skolem.get(t.subject.value, t.subject) if s_blank else t.subject
            obj = (skolem.get(t.object.value) or ox.NamedNode(
                f"{base}.well-known/genid/{signature(t.object.value)}")) if o_blank else t.object
            t = ox.Triple(subject, t.predicate, obj)
        out.append(t)
    return out


def records_of(statements: Iterable[ox.Quad | ox.Triple]) -> dict[str, list[ox.Triple]]:
    """Group stored statements of a node graph by initiative (skolem IRIs follow their owner)."""
    triples = [ox.Triple(s.subject, s.predicate, s.object) for s in statements]
    initiatives = {s.subject.value for s in triples
                   if s.predicate.value == RDF_TYPE and s.object.value == INITIATIVE}
    children: dict[str, list[str]] = {}
    for s in triples:
        if isinstance(s.object, ox.NamedNode) and "/.well-known/genid/" in s.object.value:
            children.setdefault(s.subject.value, []).append(s.object.value)
    owner: dict[str, str] = {}
    for iri in initiatives:
        owner[iri] = iri
        stack = list(children.get(iri, ()))
        while stack:
            node = stack.pop()
            if node not in owner:
                owner[node] = iri
                stack.extend(children.get(node, ()))
    grouped: dict[str, list[ox.Triple]] = {}
    for s in triples:
        o = owner.get(s.subject.value)
        if o is not None:
            grouped.setdefault(o, []).append(s)
    return grouped


def stale_marker(iri: str) -> ox.Triple:
    return ox.Triple(ox.NamedNode(iri), STALE, TRUE)
