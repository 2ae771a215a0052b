"""RDF formats in and out: names, suffixes and media types; round trips compared as graphs."""

from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph
from rdflib.compare import to_isomorphic

from pios_ld import jsonld, rdf
from pios_ld.errors import InputError, ParseError

ROOT = Path(__file__).resolve().parents[2]
TURTLE = """
@prefix pios: <https://w3id.org/pios/vocab#> .
@prefix dct: <http://purl.org/dc/terms/> .
@prefix schema: <https://schema.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
<https://pios.example.se/initiatives/a> a pios:Initiative ;
    dct:identifier "a" ;
    dct:title "Digital tillsyn"@sv, "Digital checks"@en ;
    pios:phase <https://w3id.org/pios/concept/phase/pilot> ;
    pios:theme <https://w3id.org/pios/concept/theme/elderly-care> ;
    pios:budget [ schema:value 1200000 ; schema:currency "SEK" ] ;
    pios:startDate "2026-03-01"^^xsd:date ;
    pios:openForCollaboration true ;
    dct:modified "2026-11-20T10:00:00Z"^^xsd:dateTime .
"""


def graph_of(statements) -> Graph:
    graph = Graph()
    nt = ox.serialize([ox.Triple(s.subject, s.predicate, s.object) for s in statements],
                      format=ox.RdfFormat.N_TRIPLES)
    graph.parse(data=nt.decode(), format="nt")
    return graph


def same_graph(a, b) -> bool:
    return to_isomorphic(graph_of(a)) == to_isomorphic(graph_of(b))


@pytest.mark.parametrize(("given", "expected"), [
    ("jsonld", rdf.JSON_LD), ("json-ld", rdf.JSON_LD), ("application/ld+json", rdf.JSON_LD),
    ("application/ld+json; charset=utf-8", rdf.JSON_LD), ("application/json", rdf.JSON_LD),
    ("catalog.json", rdf.JSON_LD), ("x/catalog.jsonld", rdf.JSON_LD),
    ("turtle", rdf.TURTLE), ("text/turtle", rdf.TURTLE), ("a.ttl", rdf.TURTLE),
    ("TEXT/TURTLE", rdf.TURTLE), ("application/x-turtle", rdf.TURTLE),
    ("nt", rdf.N_TRIPLES), ("application/n-triples", rdf.N_TRIPLES), ("a.nt", rdf.N_TRIPLES),
    ("nq", rdf.N_QUADS), ("application/n-quads", rdf.N_QUADS), ("dump.nq", rdf.N_QUADS),
    ("trig", rdf.TRIG), ("a.trig", rdf.TRIG),
])
def test_format_is_found_by_name_suffix_path_or_media_type(given: str, expected: rdf.Format):
    assert rdf.format_for(given) is expected


def test_unknown_format_is_an_input_error_in_both_languages():
    with pytest.raises(InputError) as caught:
        rdf.format_for("application/pdf")
    assert "Unknown RDF format" in str(caught.value)
    assert "Okänt RDF-format" in caught.value.message_sv


@pytest.mark.parametrize("fmt", [rdf.TURTLE, rdf.N_TRIPLES, rdf.N_QUADS, rdf.TRIG, rdf.JSON_LD])
def test_serialize_then_parse_gives_the_same_graph(fmt: rdf.Format):
    original = rdf.parse(TURTLE, rdf.TURTLE)
    again = rdf.parse(rdf.serialize(original, fmt), fmt)
    assert same_graph(original, again)


def test_turtle_is_written_with_the_documented_prefixes():
    text = rdf.serialize(rdf.parse(TURTLE, "turtle"), "turtle").decode()
    assert "@prefix pios: <https://w3id.org/pios/vocab#>" in text
    assert "pios:Initiative" in text


def test_jsonld_is_written_in_the_bundled_context():
    document = json.loads(rdf.serialize(rdf.parse(TURTLE, "turtle"), rdf.JSON_LD))
    assert document["@context"] == jsonld.CONTEXT_URL
    text = json.dumps(document)
    assert '"identifier"' in text and '"phase"' in text


def test_named_graphs_survive_nquads_and_trig():
    nquads = ('<https://ex.se/s> <https://ex.se/p> "o" <https://ex.se/g1> .\n'
              '<https://ex.se/s> <https://ex.se/p> "o2" .\n')
    quads = rdf.parse(nquads, rdf.N_QUADS)
    for fmt in (rdf.N_QUADS, rdf.TRIG):
        again = rdf.parse(rdf.serialize(quads, fmt), fmt)
        assert {(q.object.value, str(q.graph_name)) for q in again} == \
            {(q.object.value, str(q.graph_name)) for q in quads}


def test_relative_iris_resolve_against_the_base():
    [quad] = rdf.parse('<a> <https://ex.se/p> "x" .', rdf.TURTLE, base_iri="https://ex.se/dir/")
    assert quad.subject.value == "https://ex.se/dir/a"


@pytest.mark.parametrize(("data", "fmt"), [
    ("<https://ex.se/s> <https://ex.se/p> .", rdf.TURTLE),
    ("not n-triples", rdf.N_TRIPLES),
    ('{"@context": "https://w3id.org/pios/context.jsonld", "id": ', rdf.JSON_LD),
])
def test_malformed_documents_are_parse_errors(data: str, fmt: rdf.Format):
    with pytest.raises(ParseError) as caught:
        rdf.parse(data, fmt)
    assert caught.value.message_sv != caught.value.message


def test_turtle_example_and_its_jsonld_twin_are_the_same_initiative():
    """The vocab's Turtle example states the catalog's first record with full IRIs."""
    turtle = ROOT / "vocab" / "examples" / "digital-tillsyn.ttl"
    catalog = ROOT / "vocab" / "examples" / "vellinge-catalog.jsonld"
    from_turtle = rdf.parse(turtle.read_bytes(), rdf.TURTLE)
    subject = "https://pios.vellinge.se/initiatives/digital-tillsyn"
    assert any(q.subject.value == subject for q in from_turtle)
    from_jsonld = rdf.parse(catalog.read_bytes(), rdf.JSON_LD)
    assert any(q.subject.value == subject for q in from_jsonld)
