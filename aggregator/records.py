"""Screening a node's statements before they enter the national graph (pure, no IO).

:func:`screen` takes everything one catalog said and decides, record by record, what may go in:

1. **Authority** (DESIGN.md §7): the catalog's publisher must be the node's organisation (or the
   whole catalog is refused); only statements whose subject lies under the node's IRI prefixes,
   or is a blank node reached from such a subject, are kept; an initiative must name the node's
   organisation as ``responsibleOrganization``. Everything else is dropped and reported. Objects
   are free: a node may link to anyone's initiative and name any partner.
2. **Validation** against the shapes; an initiative with a violation, or over the size limit, is
   quarantined alone, with the results in Swedish and English.
3. **Skolemisation** (:func:`skolemise`, :func:`to_ntriples`, when the records are written):
   blank nodes become stable IRIs under the node's prefix
   (``…/.well-known/genid/<hash of owner and content>``), so that the same record always gives the
   same statements and a re-crawl changes only what changed.

Screening works on plain terms (:mod:`pios_ld.terms`: what :func:`pios_ld.jsonld_terms.read_terms`
reads, without one pyoxigraph object per statement); :func:`records_of` and :func:`stale_marker`
work on the pyoxigraph statements of the store.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field

import pyoxigraph as ox

from pios_ld import ntriples, validation
from pios_ld.terms import Term, TermGraph, owned, value
from pios_ld.validation import Result

#: A statement in plain terms (:mod:`pios_ld.terms`): subject, predicate IRI, object.
Triple = tuple[Term, str, Term]

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
    #: how many more results there were than *results* holds (they are counted, not kept)
    more: int = 0

    def as_dict(self) -> dict:
        return asdict(self)


#: Longest value (an IRI, a literal) quoted in a message or kept in a result.
QUOTE_MAX = 200
#: Longest subject IRI kept as an IRI with a problem (a longer one is only quoted).
SUBJECT_MAX = 2000


def quote(text: str | None, limit: int = QUOTE_MAX) -> str:
    """*text* as a message may quote it: at most *limit* characters, the cut said with "…"."""
    text = "" if text is None else str(text)
    if len(text) <= limit:
        return text
    return text[:limit] + "…"


def count_sv(number: int) -> str:
    """A count as Swedish writes it: ``299 990`` (a space between thousands)."""
    return f"{number:,}".replace(",", " ")


def more_sv(number: int) -> str:
    return f" … och {count_sv(number)} till." if number > 0 else ""


def more_en(number: int) -> str:
    return f" … and {number:,} more." if number > 0 else ""


def capped_result(result: dict) -> dict:
    """A validation result (as a dict) with its quoted value and messages cut to size."""
    out = dict(result)
    for key, text in result.items():
        if isinstance(text, str) and len(text) > QUOTE_MAX * 2:
            out[key] = quote(text, QUOTE_MAX * 2)
    return out


def capped(problems: list[Problem], limit: int) -> tuple[list[Problem], int]:
    """The first *limit* problems and how many were left out."""
    return problems[:limit], max(0, len(problems) - limit)


def subject_of(iri: str | None) -> str | None:
    """*iri* as a problem's subject, unless it is too long to keep as one."""
    return iri if iri is None or len(iri) <= SUBJECT_MAX else None


@dataclass
class Screened:
    """The outcome of :func:`screen`: what may go in and what was refused, and why.

    ``catalog`` and ``records`` hold the statements as read, blank nodes included; write them
    with :func:`to_ntriples` (``("catalog", catalog)`` and each record's ``(iri, statements)``).
    """

    catalog: list[Triple] = field(default_factory=list)
    records: dict[str, list[Triple]] = field(default_factory=dict)
    quarantined: list[Problem] = field(default_factory=list)
    dropped: list[Problem] = field(default_factory=list)
    warnings: list[Result] = field(default_factory=list)
    refused: Problem | None = None  # the whole document was refused
    #: how many initiatives the document lists that the node may speak for (taken in or not)
    listed: int = 0
    #: the IRIs of the quarantined records, whole (a problem's ``subject`` may leave one out)
    quarantined_iris: list[str] = field(default_factory=list)
    #: records that pySHACL validated because the compiled engine could not (the same results,
    #: many times slower: counted so that the operator sees it)
    pyshacl_records: int = 0


def _reachable(graph: TermGraph, roots: Iterable[Term]) -> set[Term]:
    return set(owned(graph.blank_children(), roots))


def _restricted(graph: TermGraph, keep: Callable[[Term], bool]) -> TermGraph:
    """The statements of *graph* whose subject *keep* accepts (the order kept)."""
    out = TermGraph()
    for predicate, by_subject in graph.index.items():
        kept = {s: objects for s, objects in by_subject.items() if keep(s)}
        if kept:
            out.index[predicate] = kept
    present = {s for by_subject in out.index.values() for s in by_subject}
    out.subjects.update((s, None) for s in graph.subjects if s in present)
    return out


def authoritative(graph: TermGraph | Iterable[ox.Quad | ox.Triple], prefixes: tuple[str, ...]
                  ) -> tuple[TermGraph, list[Problem]]:
    """Keep statements about subjects under *prefixes* (and blank nodes reached from them)."""
    if not isinstance(graph, TermGraph):
        graph = TermGraph.from_statements(graph)
    own = {s for s in graph.subjects if not s.startswith("_:") and s.startswith(prefixes)}
    allowed = _reachable(graph, own)
    foreign: dict[str, int] = {}
    for by_subject in graph.index.values():
        for subject, objects in by_subject.items():
            if subject not in allowed and objects:
                foreign[subject] = foreign.get(subject, 0) + len(objects)
    if not foreign:
        return graph, []
    problems = [Problem(
        "authority", subject_of(subject),
        f"{count_sv(count)} påståenden om {quote(subject)} togs bort: adressen ligger utanför "
        f"nodens IRI-prefix ({', '.join(prefixes)}), och en nod får bara tala för sina egna "
        "resurser.",
        f"{count:,} statements about {quote(subject)} were dropped: it lies outside the node's "
        f"IRI prefixes ({', '.join(prefixes)}), and a node may only speak for its own resources.",
    ) for subject, count in sorted(foreign.items()) if not subject.startswith("_:")]
    return _restricted(graph, allowed.__contains__), problems


def screen(graph: TermGraph | Iterable[ox.Quad | ox.Triple], org_iri: str,
           prefixes: tuple[str, ...], max_record_triples: int = 5000,
           max_problems: int = 100) -> Screened:
    """Decide what of one catalog document (all its pages) may enter the national graph.

    A record over *max_record_triples* is quarantined before it is validated; a quarantined
    record keeps at most *max_problems* rule results (the rest are counted in ``more``)."""
    out = Screened()
    if not isinstance(graph, TermGraph):
        graph = TermGraph.from_statements(graph)
    types = graph.subjects_objects(RDF_TYPE)
    publishers = {value(o) for s, objects in graph.subjects_objects(PUBLISHER).items()
                  if any(value(t) == CATALOG for t in types.get(s, ())) for o in objects}
    if publishers and publishers != {org_iri}:
        other = quote(", ".join(sorted(publishers - {org_iri})) or "?")
        out.refused = Problem(
            "publisher", None,
            f"Katalogen anger utgivaren {other}, men noden är registrerad för {org_iri}; "
            "hela katalogen avvisades.",
            f"The catalog names {other} as its publisher, but the node is registered for "
            f"{org_iri}; the whole catalog was refused.")
        return out
    kept, out.dropped = authoritative(graph, prefixes)
    owner = validation.term_owners(kept)
    initiatives = {k for k, v in owner.items() if k == v}
    out.listed = len(initiatives)
    responsible = {s: {value(o) for o in objects}
                   for s, objects in kept.subjects_objects(RESPONSIBLE).items()
                   if s in initiatives}
    foreign = {i for i, orgs in responsible.items() if org_iri not in orgs}
    for iri in sorted(foreign):
        out.dropped.append(Problem(
            "organisation", subject_of(iri),
            f"Initiativet {quote(iri)} anger {quote(', '.join(sorted(responsible[iri])))} som "
            f"ansvarig organisation, men noden talar för {org_iri}; initiativet togs inte med.",
            f"The initiative {quote(iri)} names {quote(', '.join(sorted(responsible[iri])))} as "
            f"its responsible organisation, but the node speaks for {org_iri}; the initiative "
            "was left out."))
    if foreign:
        kept = _restricted(kept, lambda s: owner.get(s) not in foreign)
    # each record's statements, records in the order the document first speaks of them
    groups: dict[str | None, list[Triple]] = {}
    for subject in kept.subjects:
        groups.setdefault(owner.get(subject), [])
    for predicate, by_subject in kept.index.items():
        for subject, objects in by_subject.items():
            group = groups[owner.get(subject)]
            for o in objects:
                group.append((subject, predicate, o))
    # the size first: a record over the limit is never validated (300,000 status updates in
    # one record would otherwise cost minutes and gigabytes, and as many results)
    oversized = {iri for iri, triples in groups.items()
                 if iri is not None and len(triples) > max_record_triples}
    for iri in sorted(oversized):
        out.quarantined_iris.append(iri)
        count = len(groups[iri])
        out.quarantined.append(Problem(
            "too-large", subject_of(iri),
            f"Initiativet {quote(iri)} har {count_sv(count)} påståenden, fler än gränsen "
            f"{count_sv(max_record_triples)}; det kontrollerades inte och togs inte med.",
            f"The initiative {quote(iri)} has {count:,} statements, more than the limit of "
            f"{max_record_triples:,}; it was not checked and not taken in."))
        del groups[iri]
    if oversized:
        kept = _restricted(kept, lambda s: owner.get(s) not in oversized)
    report = validation.validate(kept)
    if report.engine == validation.PYSHACL:
        out.pyshacl_records = sum(1 for iri in groups if iri is not None)
    by_initiative = report.by_initiative()
    for iri, triples in groups.items():
        if iri is None:
            out.catalog = [t for t in triples if t[1] not in PAGING]
            continue
        results = by_initiative.get(iri, [])
        violations = [r for r in results if r.severity == validation.VIOLATION]
        if violations:
            out.quarantined_iris.append(iri)
            shown = violations[:max_problems]
            out.quarantined.append(Problem(
                "violation", subject_of(iri),
                f"Initiativet {quote(iri)} bryter mot {count_sv(len(violations))} regler och "
                f"togs inte med.{more_sv(len(violations) - len(shown))}",
                f"The initiative {quote(iri)} breaks {len(violations):,} rules and was not "
                f"taken in.{more_en(len(violations) - len(shown))}",
                tuple(capped_result(asdict(r)) for r in shown),
                more=len(violations) - len(shown)))
            continue
        out.warnings.extend(r for r in results if r.severity != validation.VIOLATION)
        out.records[iri] = triples
    out.warnings.extend(by_initiative.get(None, []))
    # catalog-level violations (e.g. a catalog without publisher) are reported, not blocking
    return out


def _blank(term: Term) -> bool:
    return term.__class__ is str and term.startswith("_:")


class _Namer:
    """The skolem IRIs of the blank nodes of one record: ``<prefix>.well-known/genid/<hash>``,
    the hash over the N-Triples form of what hangs below the node (its sorted ``<p> object``
    lines, nested blank nodes by their own hash) and *owner*, so the same record always gives
    the same IRIs. *written* memoises the N-Triples form of terms. (``o[0] == "_"`` tells a
    blank node from an IRI, which starts with its scheme.)"""

    __slots__ = ("outgoing", "owner", "written", "genid", "hashes", "lines")

    def __init__(self, outgoing: dict[str, list[Triple]], prefix: str, owner: str,
                 written: dict[Term, str]) -> None:
        self.outgoing, self.owner, self.written = outgoing, owner, written
        self.genid = (prefix if prefix.endswith("/") else prefix + "/") + ".well-known/genid/"
        self.hashes: dict[str, str] = {}
        #: each blank node's ``<p> object`` lines whose object is not blank, for writing
        self.lines: dict[str, list[str]] = {}

    def iri(self, label: str) -> str:
        return self.genid + self.hash(label, 0)

    def hash(self, label: str, depth: int) -> str:
        found = self.hashes.get(label)
        if found is not None:
            return found
        if depth > 16:
            return label[2:]
        written = self.written
        lines, plain = [], []
        for _, p, o in self.outgoing.get(label, ()):
            if o.__class__ is str and o[0] == "_":
                lines.append(f"<{p}> {self.hash(o, depth + 1)}")
            else:
                text = written.get(o)
                if text is None:
                    text = written[o] = ntriples.term(o)
                line = f"<{p}> {text}"
                lines.append(line)
                plain.append(line)
        self.lines[label] = plain
        lines.sort()
        digest = hashlib.sha1(("\n".join(lines) + self.owner).encode(), usedforsecurity=False)
        found = self.hashes[label] = digest.hexdigest()[:24]
        return found


def skolemise(triples: list[Triple], prefix: str, owner: str) -> list[Triple]:
    """*triples* with blank nodes replaced by IRIs under *prefix* derived from *owner* and
    their content (the statements come back in another order)."""
    out: list[Triple] = []
    outgoing: dict[str, list[Triple]] = {}
    pointing: list[Triple] = []
    for t in triples:
        if t[0].startswith("_:"):
            outgoing.setdefault(t[0], []).append(t)
        elif _blank(t[2]):
            pointing.append(t)
        else:
            out.append(t)
    if not outgoing and not pointing:
        return triples
    namer = _Namer(outgoing, prefix, owner, {})
    skolem = {label: namer.iri(label) for label in outgoing}
    for s, p, o in pointing:
        out.append((s, p, skolem.get(o) or namer.iri(o)))
    for label, below in outgoing.items():
        for _, p, o in below:
            out.append((skolem[label], p, (skolem.get(o) or namer.iri(o)) if _blank(o) else o))
    return out


def to_ntriples(groups: Iterable[tuple[str, list[Triple]]], prefix: str) -> bytes:
    """N-Triples of ``(owner, statements)`` pairs, each group's statements skolemised as
    :func:`skolemise` does: what ``ntriples.serialize(skolemise(…))`` gives, in one pass."""
    written: dict[Term, str] = {}
    lines: list[str] = []
    append = lines.append
    term = ntriples.term
    # below, ``x[0] == "_"`` tells a blank node from an IRI: an IRI starts with its scheme
    for owner, triples in groups:
        outgoing: dict[str, list[Triple]] = {}
        pointing: list[Triple] = []
        for t in triples:
            s, p, o = t
            if s[0] == "_":
                found = outgoing.get(s)
                if found is None:
                    outgoing[s] = [t]
                else:
                    found.append(t)
                continue
            if o.__class__ is str and o[0] == "_":
                pointing.append(t)
                continue
            s_text = written.get(s)
            if s_text is None:
                s_text = written[s] = term(s)
            o_text = written.get(o)
            if o_text is None:
                o_text = written[o] = term(o)
            append(f"{s_text} <{p}> {o_text} .\n")
        if not outgoing and not pointing:
            continue
        namer = _Namer(outgoing, prefix, owner, written)
        skolem = {label: f"<{namer.iri(label)}>" for label in outgoing}
        for s, p, o in pointing:
            s_text = written.get(s)
            if s_text is None:
                s_text = written[s] = term(s)
            append(f"{s_text} <{p}> {skolem.get(o) or '<' + namer.iri(o) + '>'} .\n")
        for label, below in outgoing.items():
            s_text = skolem[label]
            for line in namer.lines[label]:  # hashed above, at depth 0 if not before
                append(f"{s_text} {line} .\n")
            for _, p, o in below:
                if o.__class__ is str and o[0] == "_":
                    append(f"{s_text} <{p}> {skolem.get(o) or '<' + namer.iri(o) + '>'} .\n")
    return "".join(lines).encode()


def records_of(statements: Iterable[ox.Quad | ox.Triple]) -> dict[str, list[ox.Triple]]:
    """Group stored statements of a node graph by initiative (skolem IRIs follow their owner)."""
    triples = [ox.Triple(s.subject, s.predicate, s.object) for s in statements]
    initiatives = {s.subject.value for s in triples
                   if s.predicate.value == RDF_TYPE and s.object.value == INITIATIVE}
    children: dict[str, list[str]] = {}
    for s in triples:
        if isinstance(s.object, ox.NamedNode) and "/.well-known/genid/" in s.object.value:
            children.setdefault(s.subject.value, []).append(s.object.value)
    owner = owned(children, sorted(initiatives))
    grouped: dict[str, list[ox.Triple]] = {}
    for s in triples:
        o = owner.get(s.subject.value)
        if o is not None:
            grouped.setdefault(o, []).append(s)
    return grouped


def stale_marker(iri: str) -> ox.Triple:
    return ox.Triple(ox.NamedNode(iri), STALE, TRUE)
