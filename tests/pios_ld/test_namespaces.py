"""Every ``pios:`` and ``agg:`` term the code, the context and the shapes use is defined in vocab/.

"Used" is found four ways: the term constants of :mod:`pios_ld.namespaces`; the JSON-LD context's
term definitions (nested contexts included); every IRI in the shapes graph; and, in the source of
the library, both applications, their templates and the benchmarks, every written-out IRI
(``https://w3id.org/pios/vocab#phase``), prefixed name in a query or a docstring (``pios:phase``)
and namespace concatenation (``PIOS + "phase"``, ``f"{AGG}stale"``). "Defined" is a subject with
an ``rdf:type`` in ``vocab/pios.ttl`` or ``vocab/aggregator.ttl``.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path

import pytest
import rdflib
from rdflib import OWL, RDF, RDFS, URIRef

from pios_ld import namespaces, vocab_paths
from pios_ld.namespaces import AGG, PIOS

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ("pios_ld", "node", "aggregator", "benchmarks")
PREFIXED = {"pios": PIOS, "agg": AGG}
CONSTANTS = {"PIOS": PIOS, "P_PIOS": PIOS, "AGG": AGG}

_FULL = re.compile(r"(https://w3id\.org/pios/(?:vocab|aggregator)#)([A-Za-z_]\w*)", re.ASCII)
_PREFIXED = re.compile(r"(?<![\w/.#-])(pios|agg):([A-Za-z_]\w*)", re.ASCII)
_CONCATENATED = re.compile(r"\b(PIOS|P_PIOS|AGG)\s*\+\s*[\"']([A-Za-z_]\w*)[\"']", re.ASCII)
_INTERPOLATED = re.compile(r"\{(PIOS|P_PIOS|AGG)\}([A-Za-z_]\w*)", re.ASCII)


@lru_cache(maxsize=1)
def defined() -> frozenset[str]:
    graph = rdflib.Graph()
    for path in (vocab_paths.VOCABULARY, vocab_paths.AGGREGATOR_VOCABULARY):
        graph.parse(str(path), format="turtle")
    return frozenset(str(s) for s in graph.subjects(RDF.type, None) if isinstance(s, URIRef))


def ours(iri: str) -> bool:
    return iri.startswith((PIOS, AGG))


def terms_in_text(text: str) -> set[str]:
    """The pios: and agg: terms a source file names, in any of the four spellings."""
    found = {ns + local for ns, local in _FULL.findall(text)}
    found |= {PREFIXED[prefix] + local for prefix, local in _PREFIXED.findall(text)}
    found |= {CONSTANTS[name] + local for name, local in _CONCATENATED.findall(text)}
    found |= {CONSTANTS[name] + local for name, local in _INTERPOLATED.findall(text)}
    return found


def used_in_code() -> dict[str, list[str]]:
    """term -> the files that name it."""
    used: dict[str, list[str]] = {}
    for folder in SOURCES:
        for path in sorted((ROOT / folder).rglob("*")):
            if path.suffix not in (".py", ".html") or "__pycache__" in path.parts:
                continue
            for term in terms_in_text(path.read_text(encoding="utf-8")):
                used.setdefault(term, []).append(str(path.relative_to(ROOT)))
    return used


def used_in_constants() -> set[str]:
    return {value for cls in (namespaces.Pios, namespaces.Agg)
            for name, value in vars(cls).items() if not name.startswith("_")}


def used_in_context() -> set[str]:
    context = json.loads(vocab_paths.CONTEXT.read_text(encoding="utf-8"))["@context"]
    prefixes = {k: v for k, v in context.items() if isinstance(v, str) and v.endswith(("#", "/"))}
    found: set[str] = set()

    def walk(ctx: dict) -> None:
        for term, definition in ctx.items():
            if term.startswith("@") or term in prefixes:
                continue
            if isinstance(definition, dict):
                walk(definition.get("@context") or {})
                definition = definition.get("@id", "")
            if not isinstance(definition, str):
                continue
            prefix, _, local = definition.partition(":")
            iri = prefixes[prefix] + local if prefix in prefixes else definition
            if ours(iri):
                found.add(iri)

    walk(context)
    return found


def used_in_shapes() -> set[str]:
    graph = rdflib.Graph().parse(str(vocab_paths.SHAPES), format="turtle")
    return {str(term) for triple in graph for term in triple
            if isinstance(term, URIRef) and ours(str(term))}


def test_every_term_the_code_names_is_defined_in_vocab():
    missing = {term: files for term, files in used_in_code().items() if term not in defined()}
    assert missing == {}


def test_every_namespace_constant_is_defined_in_vocab():
    assert used_in_constants() - defined() == set()


def test_every_pios_term_of_the_context_is_defined_in_vocab():
    used = used_in_context()
    assert len(used) > 20
    assert used - defined() == set()


def test_every_pios_term_of_the_shapes_is_defined_in_vocab():
    used = used_in_shapes()
    assert len(used) > 10
    assert used - defined() == set()


def test_the_walk_finds_each_spelling_of_a_term():
    text = ('Q = "SELECT ?s { ?s pios:phase ?p ; <https://w3id.org/pios/aggregator#stale> ?x }"\n'
            'A = PIOS + "theme"\nB = f"{AGG}kind"\n'
            'C = "PREFIX pios: <https://w3id.org/pios/vocab#>"  # a declaration names no term\n'
            'D = "https://pios.example.se/x"\n')
    assert terms_in_text(text) == {PIOS + "phase", AGG + "stale", PIOS + "theme", AGG + "kind"}
    assert PIOS + "noSuchTerm" not in defined()


@pytest.mark.parametrize("term", sorted(t for t in defined() if t.startswith(AGG)))
def test_every_aggregator_term_is_described_in_sv_and_en(term: str):
    graph = rdflib.Graph().parse(str(vocab_paths.AGGREGATOR_VOCABULARY), format="turtle")
    iri = URIRef(term)
    for predicate in (RDFS.label, RDFS.comment):
        languages = {o.language for o in graph.objects(iri, predicate)}
        assert {"sv", "en"} <= languages, (term, predicate)
    if (iri, RDF.type, OWL.Class) not in graph:
        assert graph.value(iri, RDFS.domain) is not None, term
        assert graph.value(iri, RDFS.range) is not None, term
    assert graph.value(iri, RDFS.isDefinedBy) == URIRef("https://w3id.org/pios/aggregator")
