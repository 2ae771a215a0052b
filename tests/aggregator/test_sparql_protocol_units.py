"""The pure parts of the SPARQL endpoint in-process: the dataset rule, negotiation, RDF/XML."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
import rdflib
from pios_ld.aggregator import protocol, results
from rdflib.compare import to_isomorphic

from pios_ld import negotiate

N = ox.NamedNode


@pytest.mark.parametrize("request_,has_from,union,expected", [
    (protocol.QueryRequest("q"), False, True, protocol.Dataset(union=True)),
    (protocol.QueryRequest("q"), False, False, protocol.Dataset()),
    (protocol.QueryRequest("q"), True, True, protocol.Dataset()),
    (protocol.QueryRequest("q", ("http://g/1",)), True, True,
     protocol.Dataset(["http://g/1"], [])),
    (protocol.QueryRequest("q", (), ("http://g/2",)), False, True,
     protocol.Dataset([], ["http://g/2"])),
])
def test_protocol_graphs_then_from_then_the_default_dataset(request_, has_from, union, expected):
    assert protocol.dataset(request_, has_from, union) == expected


def test_repeated_dataset_parameters_are_kept_once_in_order():
    asked = protocol.read("GET", None, b"query=ASK%7B%7D&default-graph-uri=http://b/"
                          b"&default-graph-uri=http://a/&default-graph-uri=http://b/", b"")
    assert asked.default_graphs == ("http://b/", "http://a/")


def test_preferences_without_a_header_accept_every_offer_in_the_servers_order():
    offers = [("a", ("text/a",)), ("b", ("text/b",))]
    assert negotiate.preferences(None, offers) == ["a", "b"]
    assert negotiate.preferences("text/a;q=0, text/*", offers) == ["b"]


@pytest.mark.parametrize("explicit,graph,expected", [
    ("json", False, "json"), ("json", True, "jsonld"), ("xml", True, "rdfxml"),
    ("application/sparql-results+xml", False, "xml"), ("text/turtle", True, "turtle"),
    ("TSV", False, "tsv"), ("application/ld+json", True, "jsonld"), ("rdf", True, "rdfxml"),
])
def test_format_values_name_the_format_of_the_answers_kind(explicit, graph, expected):
    assert results.negotiate("image/png", graph, explicit) == [expected]


def test_rdf_xml_reads_back_as_the_same_graph():
    b1, b2 = ox.BlankNode("1abc"), ox.BlankNode("b0")  # no XML name; a name like ours
    statements = [
        ox.Triple(N("http://ex/s"), N("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
                  N("http://ex/C")),
        ox.Triple(N("http://ex/s"), N("http://ex/9a"), b1),
        ox.Triple(b1, N("http://ex/ns#name"), ox.Literal("ä <&> \"\r\n", language="sv")),
        ox.Triple(b1, N("http://ex/v"), ox.Literal("1.5", datatype=N(
            "http://www.w3.org/2001/XMLSchema#decimal"))),
        ox.Triple(b2, N("http://ex/v"), b1),
    ]
    written = results.rdf_xml(statements)
    expected = rdflib.Graph().parse(data=ox.serialize(statements, format=ox.RdfFormat.N_TRIPLES),
                                    format="nt")
    assert to_isomorphic(rdflib.Graph().parse(data=written, format="xml")) == \
        to_isomorphic(expected)


@pytest.mark.parametrize("predicate", ["http://ex/123", "http://ex/a#",
                                       "http://www.w3.org/1999/02/22-rdf-syntax-ns#li",
                                       "http://www.w3.org/1999/02/22-rdf-syntax-ns#about"])
def test_rdf_xml_refuses_a_predicate_it_cannot_write_as_itself(predicate):
    with pytest.raises(results.Unrepresentable):
        results.rdf_xml([ox.Triple(N("http://ex/s"), N(predicate), ox.Literal("x"))])
