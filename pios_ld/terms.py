"""RDF terms as plain Python values, and a small indexed graph of them.

The fast validation route (:mod:`pios_ld.shacl`) works on these instead of pyoxigraph objects,
because building one Python object per quad costs more than validating it. A term is:

- an IRI: a ``str`` (``"https://w3id.org/pios/vocab#Initiative"``);
- a blank node: a ``str`` starting with ``"_:"`` (an IRI never does: it needs a scheme);
- a literal: a ``tuple`` ``(lexical form, datatype IRI, language tag or None)``; language-tagged
  strings carry the datatype ``rdf:langString``.

A :class:`TermGraph` is built either from pyoxigraph statements (:meth:`TermGraph.from_statements`)
or directly by the JSON-LD reader :func:`pios_ld.jsonld_terms.read_terms`; :mod:`pios_ld.ntriples`
writes plain terms as N-Triples.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any, TypeVar, cast

import pyoxigraph as ox

from pios_ld.namespaces import RDF_TYPE, XSD, Rdf, Xsd

Literal = tuple[str, str, str | None]
Term = str | Literal
K = TypeVar("K")
V = TypeVar("V")

__all__ = ["RDF_LANGSTRING", "RDF_TYPE", "XSD", "XSD_STRING", "Literal", "Term", "TermGraph",
           "UnsupportedTerm", "from_ox", "owned", "remember", "to_ox", "value"]

XSD_STRING = Xsd.string
RDF_LANGSTRING = Rdf.langString


class UnsupportedTerm(ValueError):
    """A statement uses a term this model does not represent (an RDF 1.2 triple term)."""


def from_ox(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> Term:
    """The plain form of a pyoxigraph term (:class:`UnsupportedTerm` for a triple term)."""
    if isinstance(term, ox.NamedNode):
        return term.value
    if isinstance(term, ox.BlankNode):
        return "_:" + term.value
    if isinstance(term, ox.Literal):
        language = term.language
        if language:
            return (term.value, RDF_LANGSTRING, language)
        return (term.value, term.datatype.value, None)
    raise UnsupportedTerm(f"unsupported RDF term {term!r}")


def to_ox(term: Term) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    """The pyoxigraph form of a plain term."""
    if isinstance(term, tuple):
        lexical, datatype, language = term
        if language:
            return ox.Literal(lexical, language=language)
        return ox.Literal(lexical, datatype=ox.NamedNode(datatype))
    if term.startswith("_:"):
        return ox.BlankNode(term[2:])
    return ox.NamedNode(term)


def value(term: Term) -> str:
    """A term's ``value`` as pyoxigraph gives it: the IRI, the blank node's label without
    ``_:``, or the lexical form of a literal."""
    if isinstance(term, tuple):
        return term[0]
    return term[2:] if term.startswith("_:") else term


class TermGraph:
    """Statements indexed by predicate, then subject: ``index[p][s] -> [o, ...]``.

    Graph names are ignored (validation sees the union, as pySHACL does). Duplicates may be
    stored, and a list of objects may be empty (``"keyword": {}``); readers of the index treat
    the objects of one subject and predicate as a set. ``subjects`` lists every subject in the
    order of its first statement (the document's order), for readers that report in that
    order.
    """

    __slots__ = ("index", "subjects")

    def __init__(self) -> None:
        self.index: dict[str, dict[Term, list[Term]]] = {}
        self.subjects: dict[Term, None] = {}

    def add(self, subject: Term, predicate: str, obj: Term) -> None:
        if subject not in self.subjects:
            self.subjects[subject] = None
        self.index.setdefault(predicate, {}).setdefault(subject, []).append(obj)

    def objects(self, subject: Term, predicate: str) -> list[Term]:
        return self.index.get(predicate, {}).get(subject, [])

    def subjects_objects(self, predicate: str) -> dict[Term, list[Term]]:
        return self.index.get(predicate, {})

    def triples(self) -> Iterator[tuple[Term, str, Term]]:
        for predicate, by_subject in self.index.items():
            for subject, objects in by_subject.items():
                for obj in objects:
                    yield subject, predicate, obj

    def __len__(self) -> int:
        return sum(len(objects) for by_s in self.index.values() for objects in by_s.values())

    def by_subject(self) -> dict[Term, list[tuple[str, list[Term]]]]:
        """Subject -> ``[(predicate, objects), ...]``, subjects in :attr:`subjects` order."""
        out: dict[Term, list[tuple[str, list[Term]]]] = {s: [] for s in self.subjects}
        for predicate, by_subject in self.index.items():
            for subject, objects in by_subject.items():
                out[subject].append((predicate, objects))
        return out

    def blank_children(self) -> dict[Term, list[Term]]:
        """Subject -> the blank nodes it points to (what :func:`owned` walks)."""
        children: dict[Term, list[Term]] = {}
        for by_subject in self.index.values():
            for subject, objects in by_subject.items():
                for o in objects:
                    if o.__class__ is str and o.startswith("_:"):
                        children.setdefault(subject, []).append(o)
        return children

    def to_triples(self) -> list[ox.Triple]:
        """The graph as pyoxigraph triples (for comparisons and serialisation)."""
        return [ox.Triple(cast("ox.NamedNode | ox.BlankNode", to_ox(s)), ox.NamedNode(p), to_ox(o))
                for s, p, o in self.triples()]

    @classmethod
    def from_statements(cls, statements: Iterable[ox.Quad | ox.Triple]) -> TermGraph:
        """Index pyoxigraph quads or triples (the graph name is dropped)."""
        graph = cls()
        index, subjects = graph.index, graph.subjects
        named, blank = ox.NamedNode, ox.BlankNode
        for statement in statements:
            s = statement.subject
            subject = s.value if isinstance(s, named) else ("_:" + s.value if isinstance(s, blank)
                                                            else from_ox(s))
            o = statement.object
            obj = o.value if isinstance(o, named) else from_ox(o)
            by_subject = index.get(statement.predicate.value)
            if by_subject is None:
                by_subject = index[statement.predicate.value] = {}
            objects = by_subject.get(subject)
            if objects is None:
                by_subject[subject] = [obj]
                if subject not in subjects:
                    subjects[subject] = None
            else:
                objects.append(obj)
        return graph

    @classmethod
    def union(cls, graphs: list[TermGraph]) -> TermGraph:
        """The statements of all *graphs* in one graph; blank nodes of different graphs stay
        apart (the labels of graph *i* get the prefix ``p<i>-``), as blank nodes of different
        documents are different nodes."""
        if len(graphs) == 1:
            return graphs[0]
        out = cls()
        for number, graph in enumerate(graphs):
            tag = f"_:p{number}-"

            def relabel(term: Term, tag: str = tag) -> Term:
                return tag + term[2:] if term.__class__ is str and term.startswith("_:") else term

            for subject in graph.subjects:
                out.subjects.setdefault(relabel(subject))
            for predicate, by_subject in graph.index.items():
                into = out.index.setdefault(predicate, {})
                for subject, objects in by_subject.items():
                    into.setdefault(relabel(subject), []).extend(relabel(o) for o in objects)
        return out


def owned(children: Mapping[K, Iterable[K]], roots: Iterable[K]) -> dict[K, K]:
    """The ownership walk: every node reachable from one of *roots* through *children* (each root
    itself included), mapped to the root it was reached from. A node reachable from several roots
    belongs to the first of them in *roots*' order, so callers pass the roots sorted when the
    owner must not depend on the document's order. Records' blank nodes (and their skolem IRIs
    once stored) are walked this way wherever a record's statements are grouped."""
    owner: dict[K, K] = {}
    for root in roots:
        if root in owner:
            continue
        owner[root] = root
        stack = list(children.get(root, ()))
        while stack:
            node = stack.pop()
            if node not in owner:
                owner[node] = root
                stack.extend(children.get(node, ()))
    return owner


#: How many entries one of the readers' and the engine's memos holds before it starts afresh.
MEMO_LIMIT = 65_536


def remember(memo: dict[Any, Any], key: Any, value: V, limit: int = MEMO_LIMIT) -> V:
    """The one bounded cache: store *value* under *key* in *memo* and return it; a full memo
    starts afresh. A long-running crawler meets ever new IRIs and values; the ones that repeat
    (the vocabulary, the concepts, common literals) come back at once, so clearing costs less
    than keeping an order for least-recently-used."""
    if len(memo) >= limit:
        memo.clear()
    memo[key] = value
    return value
