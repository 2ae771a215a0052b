"""The vocabulary describes every term the context, the shapes and the schemes use."""

from __future__ import annotations

import json
import subprocess
import sys
from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from rdflib import OWL, RDF, RDFS, SKOS, URIRef
from rdflib.compare import to_isomorphic

from pios_ld import vocab_paths
from pios_ld.tools import vocabdoc

PIOS = "https://w3id.org/pios/vocab#"
CONCEPT = "https://w3id.org/pios/concept/"
SH = rdflib.Namespace("http://www.w3.org/ns/shacl#")
TERM_TYPES = {OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty}
MAPPINGS = (RDFS.subClassOf, RDFS.subPropertyOf, SKOS.exactMatch, SKOS.closeMatch,
            SKOS.relatedMatch, SKOS.broadMatch, SKOS.narrowMatch, URIRef(PIOS + "publiccodeKey"))


@lru_cache(maxsize=1)
def vocabulary() -> rdflib.Graph:
    return rdflib.Graph().parse(str(vocab_paths.VOCABULARY), format="turtle")


@lru_cache(maxsize=1)
def shapes() -> rdflib.Graph:
    return rdflib.Graph().parse(str(vocab_paths.SHAPES), format="turtle")


def context_terms() -> dict[str, str]:
    """Every term of the context that names a class or property -> its full IRI."""
    ctx = json.loads(vocab_paths.CONTEXT.read_text(encoding="utf-8"))["@context"]
    prefixes = {k: v for k, v in ctx.items() if isinstance(v, str) and v.endswith(("#", "/"))}
    terms = {}
    for term, definition in ctx.items():
        if term.startswith("@") or term in prefixes:
            continue
        iri = definition["@id"] if isinstance(definition, dict) else definition
        if iri.startswith("@"):  # id, type: keyword aliases
            continue
        prefix, _, local = iri.partition(":")
        terms[term] = prefixes[prefix] + local if prefix in prefixes else iri
    return terms


def languages(graph: rdflib.Graph, subject: URIRef, predicate: URIRef) -> set[str | None]:
    return {o.language for o in graph.objects(subject, predicate) if isinstance(o, rdflib.Literal)}


def concepts(scheme: str) -> set[URIRef]:
    graph = vocabulary()
    return set(graph.subjects(SKOS.inScheme, URIRef(CONCEPT + scheme)))


def test_vocabulary_parses_the_same_with_rdflib_and_pyoxigraph():
    data = vocab_paths.VOCABULARY.read_bytes()
    via_oxigraph = rdflib.Graph().parse(
        data=ox.serialize(ox.parse(data, format=ox.RdfFormat.TURTLE),
                          format=ox.RdfFormat.N_TRIPLES).decode(),
        format="nt",
    )
    assert to_isomorphic(via_oxigraph) == to_isomorphic(vocabulary())


def test_context_has_the_terms_of_the_design():
    terms = context_terms()
    for term in ("Initiative", "identifier", "title", "description", "responsibleOrganization",
                 "phase", "modified", "theme", "budget", "statusUpdate", "publisher"):
        assert term in terms


@pytest.mark.parametrize("term", sorted(context_terms()))
def test_every_context_term_is_described_in_sv_and_en(term):
    graph = vocabulary()
    iri = URIRef(context_terms()[term])
    types = set(graph.objects(iri, RDF.type))
    assert types & TERM_TYPES, f"{term} ({iri}) has no owl:Class/ObjectProperty/DatatypeProperty"
    assert {"sv", "en"} <= languages(graph, iri, RDFS.label), f"{term}: label in sv and en"
    assert {"sv", "en"} <= languages(graph, iri, RDFS.comment), f"{term}: comment in sv and en"
    if OWL.Class not in types:
        assert graph.value(iri, RDFS.domain) is not None, f"{term} has no rdfs:domain"
        assert graph.value(iri, RDFS.range) is not None, f"{term} has no rdfs:range"
    assert graph.value(iri, RDFS.isDefinedBy) is not None, f"{term} has no rdfs:isDefinedBy"


def test_every_pios_term_is_complete_and_mapped_to_a_standard_where_one_resembles_it():
    graph = vocabulary()
    pios_terms = {s for s in graph.subjects(RDF.type, None)
                  if isinstance(s, URIRef) and str(s).startswith(PIOS)}
    assert len(pios_terms) > 30
    unmapped = []
    for iri in pios_terms:
        assert {"sv", "en"} <= languages(graph, iri, RDFS.label), iri
        assert {"sv", "en"} <= languages(graph, iri, RDFS.comment), iri
        if (iri, RDF.type, OWL.Class) not in graph:
            assert graph.value(iri, RDFS.domain) is not None, iri
            assert graph.value(iri, RDFS.range) is not None, iri
        if not any(graph.value(iri, m) is not None for m in MAPPINGS):
            unmapped.append(str(iri))
    # Only terms that resemble nothing in DCAT, PROV, ORG, schema.org, DOAP or publiccode.yml.
    assert set(unmapped) <= {PIOS + "openForCollaboration", PIOS + "publiccodeKey"}, unmapped


def test_initiative_is_a_dcat_resource_and_a_prov_activity_close_to_schema_project():
    graph = vocabulary()
    initiative = URIRef(PIOS + "Initiative")
    assert (initiative, RDFS.subClassOf, URIRef("http://www.w3.org/ns/dcat#Resource")) in graph
    assert (initiative, RDFS.subClassOf, URIRef("http://www.w3.org/ns/prov#Activity")) in graph
    assert (initiative, SKOS.closeMatch, URIRef("https://schema.org/Project")) in graph


def test_every_property_a_shape_constrains_is_defined():
    graph, shape_graph = vocabulary(), shapes()
    paths = set(shape_graph.objects(None, SH.path))
    assert paths
    undefined = [str(p) for p in paths if not set(graph.objects(p, RDF.type)) & TERM_TYPES]
    assert not undefined, undefined


def test_every_class_a_shape_targets_is_defined():
    graph, shape_graph = vocabulary(), shapes()
    for cls in shape_graph.objects(None, SH.targetClass):
        assert (cls, RDF.type, OWL.Class) in graph, cls
    for prop in shape_graph.objects(None, SH.targetObjectsOf):
        assert set(graph.objects(prop, RDF.type)) & TERM_TYPES, prop


def _shape_in_values() -> dict[URIRef, set[URIRef]]:
    shape_graph = shapes()
    values = {}
    for shape, members in shape_graph.subject_objects(SH["in"]):
        values[shape] = set(rdflib.collection.Collection(shape_graph, members))
    return values


def test_every_allowed_value_in_the_shapes_is_a_defined_concept():
    graph = vocabulary()
    for shape, members in _shape_in_values().items():
        for member in members:
            assert (member, RDF.type, SKOS.Concept) in graph, f"{shape}: {member}"
            assert graph.value(member, SKOS.inScheme) is not None, member


@pytest.mark.parametrize("shape,scheme", [
    ("InitiativePhaseValue", "phase"),
    ("StatusPhaseValue", "phase"),
    ("InitiativeThemeValue", "theme"),
    ("StatusHealthValue", "health"),
])
def test_allowed_values_in_the_shapes_equal_the_concepts_of_the_scheme(shape, scheme):
    allowed = _shape_in_values()[URIRef("https://w3id.org/pios/shapes#" + shape)]
    assert allowed == concepts(scheme)


def test_every_concept_has_labels_definitions_and_its_code_as_notation():
    graph = vocabulary()
    all_concepts = set(graph.subjects(RDF.type, SKOS.Concept))
    assert len(all_concepts) == 14 + 16 + 3 + 3
    for concept in all_concepts:
        assert {"sv", "en"} <= languages(graph, concept, SKOS.prefLabel), concept
        assert {"sv", "en"} <= languages(graph, concept, SKOS.definition), concept
        scheme = graph.value(concept, SKOS.inScheme)
        assert (scheme, RDF.type, SKOS.ConceptScheme) in graph, concept
        assert str(concept) == f"{scheme}/{graph.value(concept, SKOS.notation)}", concept


def test_phase_scheme_has_pios_se_states_on_top_and_the_phases_beneath():
    graph = vocabulary()
    phase = "https://w3id.org/pios/concept/phase/"
    narrower = {
        "planned": {"idea", "prestudy", "planning"},
        "ongoing": {"development", "pilot", "implementation", "scaling", "paused"},
        "completed": {"operation", "closed", "discontinued"},
    }
    tops = {str(c).removeprefix(phase) for c in
            graph.objects(URIRef(phase.rstrip("/")), SKOS.hasTopConcept)}
    assert tops == set(narrower)
    for top, children in narrower.items():
        found = {str(c).removeprefix(phase)
                 for c in graph.objects(URIRef(phase + top), SKOS.narrower)}
        assert found == children
        for child in children:
            assert graph.value(URIRef(phase + child), SKOS.broader) == URIRef(phase + top)


def test_decision_gates_are_recorded_in_the_phase_definitions():
    graph = vocabulary()
    phase = "https://w3id.org/pios/concept/phase/"
    text = " ".join(str(graph.value(URIRef(phase + code), SKOS.definition)) for code in
                    ("idea", "prestudy", "planning", "pilot", "implementation"))
    for gate in ("BP1", "BP2", "BP3", "BP4", "BP5"):
        assert gate in text


@pytest.mark.parametrize("term,scheme", [("phase", "phase"), ("theme", "theme"),
                                         ("health", "health")])
def test_context_codes_expand_into_the_scheme(term, scheme):
    ctx = json.loads(vocab_paths.CONTEXT.read_text(encoding="utf-8"))["@context"]
    assert ctx[term]["@context"]["@vocab"] == CONCEPT + scheme + "/"
    assert concepts(scheme)


def test_organisation_types_in_the_organisations_file_are_concepts_of_the_scheme():
    graph = rdflib.Graph().parse(str(vocab_paths.ORGANIZATIONS), format="turtle")
    used = set(graph.objects(None, URIRef(PIOS + "organizationType")))
    assert used == concepts("organization-type")
    for predicate in set(graph.predicates()):
        if str(predicate).startswith(PIOS):
            assert set(vocabulary().objects(predicate, RDF.type)) & TERM_TYPES, predicate


# --------------------------------------------------------------------------------------------
# The generated documentation
# --------------------------------------------------------------------------------------------
DOCS = Path(__file__).resolve().parent.parent.parent / "docs"


def test_committed_vocabulary_docs_are_up_to_date_with_the_turtle():
    terms, schemes = vocabdoc.load()
    assert (DOCS / "vocabulary.md").read_text(encoding="utf-8") == \
        vocabdoc.render_markdown(terms, schemes), "run python -m pios_ld.tools.vocabdoc"
    assert (DOCS / "vocabulary.html").read_text(encoding="utf-8") == \
        vocabdoc.render_html(terms, schemes), "run python -m pios_ld.tools.vocabdoc"


def test_docs_show_every_context_term_with_both_languages_and_an_example():
    text = (DOCS / "vocabulary.md").read_text(encoding="utf-8")
    graph = vocabulary()
    for term, iri in context_terms().items():
        heading = f"### {term} — `{vocabdoc.curie(iri)}`"
        assert heading in text, heading
        section = text.split(heading, 1)[1].split("\n### ", 1)[0]
        for lang in ("sv", "en"):
            labels = [str(o) for o in graph.objects(URIRef(iri), RDFS.label)
                      if o.language == lang]
            assert labels[0] in section, (term, lang)
        assert "**Domain:**" in section or "class" in section, term
        assert "**Mappings:**" in section, term
        assert f'"{term}"' in section, f"{term}: the example uses the term"


def test_docs_list_every_concept_of_every_scheme():
    text = (DOCS / "vocabulary.md").read_text(encoding="utf-8")
    for concept in vocabulary().subjects(RDF.type, SKOS.Concept):
        code = str(vocabulary().value(concept, SKOS.notation))
        assert f"| `{code}` |" in text, code


def test_vocabdoc_check_reports_stale_docs_and_rewrites_them(tmp_path):
    command = [sys.executable, "-m", "pios_ld.tools.vocabdoc", "--docs", str(tmp_path)]
    stale = subprocess.run([*command, "--check"], capture_output=True, text=True, timeout=120)
    assert stale.returncode == 1 and "stale" in stale.stderr
    subprocess.run(command, capture_output=True, timeout=120, check=True)
    fresh = subprocess.run([*command, "--check"], capture_output=True, text=True, timeout=120)
    assert fresh.returncode == 0, fresh.stderr
    assert (tmp_path / "vocabulary.md").read_text(encoding="utf-8") == \
        (DOCS / "vocabulary.md").read_text(encoding="utf-8")
