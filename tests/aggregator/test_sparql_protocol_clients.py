"""The common Python SPARQL clients, with their default settings, against a live aggregator.

SPARQLWrapper (GET, XML results and RDF/XML by default, ``format=xml&output=xml&results=xml``
on every request) and rdflib's ``SPARQLStore`` (GET, XML) get the right answers to every query
form: SELECT, ASK, CONSTRUCT and DESCRIBE.
"""

from __future__ import annotations

import pytest
import rdflib
from liveaggregator import serve
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import SPARQLWrapper

PIOS = "https://w3id.org/pios/vocab#"
TITLE = rdflib.DCTERMS.title
SELECT = (f"SELECT ?i ?t WHERE {{ ?i a <{PIOS}Initiative> ; <{TITLE}> ?t "
          "FILTER(LANG(?t) = 'sv') }")
ASK_YES = f"ASK {{ ?i a <{PIOS}Initiative> }}"
ASK_NO = "ASK { ?i a <http://example.org/Nothing> }"
CONSTRUCT = (f"CONSTRUCT {{ ?i <{TITLE}> ?t }} WHERE {{ ?i a <{PIOS}Initiative> ; <{TITLE}> ?t "
             "FILTER(LANG(?t) = 'sv') }")


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    yield from serve(tmp_path_factory.mktemp("clients"))


def _titles(live) -> dict[str, str]:
    records = {**live.first.records, **live.second.records}
    return {iri: record["title"]["sv"] for iri, record in records.items()}


def _wrapper(live, query: str):
    client = SPARQLWrapper(live.url + "sparql")
    client.setQuery(query)
    return client.query().convert()


def _text(node) -> str:
    return "".join(child.data for child in node.childNodes if child.nodeType == child.TEXT_NODE)


def test_sparqlwrapper_select_with_its_defaults(live):
    document = _wrapper(live, SELECT)  # an XML DOM: the default return format is XML
    rows = {}
    for result in document.getElementsByTagName("result"):
        values = {b.getAttribute("name"): b for b in result.getElementsByTagName("binding")}
        iri = _text(values["i"].getElementsByTagName("uri")[0])
        literal = values["t"].getElementsByTagName("literal")[0]
        assert literal.getAttribute("xml:lang") == "sv"
        rows[iri] = _text(literal)
    assert rows == _titles(live)


def test_sparqlwrapper_ask_with_its_defaults(live):
    for query, expected in ((ASK_YES, "true"), (ASK_NO, "false")):
        document = _wrapper(live, query)
        assert _text(document.getElementsByTagName("boolean")[0]) == expected


def test_sparqlwrapper_construct_and_describe_with_their_defaults(live):
    graph = _wrapper(live, CONSTRUCT)  # RDF/XML, parsed by rdflib inside SPARQLWrapper
    assert isinstance(graph, rdflib.Graph)
    assert {str(s): str(o) for s, o in graph.subject_objects(TITLE)} == _titles(live)
    iri = next(iter(live.first.records))
    described = _wrapper(live, f"DESCRIBE <{iri}>")
    assert str(described.value(rdflib.URIRef(iri), rdflib.DCTERMS.identifier)) == \
        live.first.records[iri]["identifier"]


def test_rdflib_sparqlstore_answers_every_query_form_with_its_defaults(live):
    graph = rdflib.Graph(SPARQLStore(live.url + "sparql"))
    rows = {str(row.i): str(row.t) for row in graph.query(SELECT)}
    assert rows == _titles(live)
    assert graph.query(ASK_YES).askAnswer is True
    assert graph.query(ASK_NO).askAnswer is False
    constructed = graph.query(CONSTRUCT).graph
    assert {str(s): str(o) for s, o in constructed.subject_objects(TITLE)} == _titles(live)
    iri = next(iter(live.second.records))
    described = graph.query(f"DESCRIBE <{iri}>").graph
    assert str(described.value(rdflib.URIRef(iri), rdflib.DCTERMS.identifier)) == \
        live.second.records[iri]["identifier"]


def test_rdflib_sparqlstore_reads_titles_holding_characters_xml_needs_escaped(live):
    graph = rdflib.Graph(SPARQLStore(live.url + "sparql"))
    (row,) = graph.query('SELECT ?x WHERE { BIND("<&> \\"quoted\\"\\r\\n]]>" AS ?x) }')
    assert str(row.x) == '<&> "quoted"\r\n]]>'


def test_both_clients_on_the_history_endpoint(live):
    query = "SELECT ?v WHERE { ?v <http://purl.org/dc/terms/isVersionOf> ?i }"
    graph = rdflib.Graph(SPARQLStore(live.url + "sparql/history"))
    assert len(list(graph.query(query))) == 5
    client = SPARQLWrapper(live.url + "sparql/history")
    client.setQuery(query)
    assert len(client.query().convert().getElementsByTagName("result")) == 5
