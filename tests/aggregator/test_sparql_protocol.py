"""The SPARQL endpoints against the specifications, over real HTTP on loopback.

Each group follows one text: the SPARQL 1.1 Protocol (§2.1 the query operation, §2.1.4 the
dataset, §2.1.5 the response formats, the W3C protocol tests' bad_* requests), SPARQL 1.1 Query
(§13.2 FROM/FROM NAMED, §4.1.1 relative IRIs and the base IRI, §17 errors in expressions), the
Query Results JSON, XML and CSV/TSV formats, RFC 9110 content negotiation and SPARQL 1.1 Service
Description.
"""

from __future__ import annotations

import io
import json
import xml.etree.ElementTree as ET

import pytest
import rdflib
import requests
from liveaggregator import serve
from rdflib.query import Result

PIOS = "https://w3id.org/pios/vocab#"
CRAWL_LOG = "https://w3id.org/pios/graph/crawl-log"
REFERENCE = "https://w3id.org/pios/graph/reference"
SD = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")
JSON_RESULTS = "application/sparql-results+json"
XML_RESULTS = "application/sparql-results+xml"
INITIATIVES = f"SELECT DISTINCT ?i WHERE {{ ?i a <{PIOS}Initiative> }}"


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    yield from serve(tmp_path_factory.mktemp("protocol"))


def get(live, query, accept=JSON_RESULTS, path="sparql", **params):
    return requests.get(live.url + path, params={"query": query, **params},
                        headers={"Accept": accept}, timeout=30)


def iris(response, var="i") -> set[str]:
    assert response.status_code == 200, response.text
    return {row[var]["value"] for row in response.json()["results"]["bindings"] if var in row}


def graph_of(site) -> str:
    return site.base_url


# -- Protocol §2.1.4 and Query §13.2: the RDF dataset ---------------------------------------------
def test_without_a_dataset_the_default_graph_is_the_union_of_the_node_graphs(live):
    assert iris(get(live, INITIATIVES)) == set(live.first.records) | set(live.second.records)


def test_from_makes_that_graph_the_default_graph(live):
    query = f"SELECT DISTINCT ?i FROM <{graph_of(live.first)}> WHERE {{ ?i a <{PIOS}Initiative> }}"
    assert iris(get(live, query)) == set(live.first.records)


def test_two_froms_merge_their_graphs_and_leave_no_named_graphs(live):
    query = (f"SELECT DISTINCT ?i ?g FROM <{graph_of(live.first)}> FROM <{graph_of(live.second)}> "
             f"WHERE {{ {{ ?i a <{PIOS}Initiative> }} UNION {{ GRAPH ?g {{ ?s ?p ?o }} }} }}")
    response = get(live, query)
    assert iris(response) == set(live.first.records) | set(live.second.records)
    assert iris(response, "g") == set()


def test_from_named_alone_gives_an_empty_default_graph_and_only_that_named_graph(live):
    query = (f"SELECT DISTINCT ?g ?i FROM NAMED <{graph_of(live.second)}> WHERE {{ "
             f"{{ ?i a <{PIOS}Initiative> }} UNION {{ GRAPH ?g {{ ?s ?p ?o }} }} }}")
    response = get(live, query)
    assert iris(response) == set()
    assert iris(response, "g") == {graph_of(live.second)}


def test_default_graph_uri_is_the_default_graph_and_no_named_graph_is_visible(live):
    query = (f"SELECT DISTINCT ?i ?g WHERE {{ {{ ?i a <{PIOS}Initiative> }} UNION "
             "{ GRAPH ?g { ?s ?p ?o } } }")
    response = get(live, query, **{"default-graph-uri": graph_of(live.first)})
    assert iris(response) == set(live.first.records)
    assert iris(response, "g") == set()


def test_named_graph_uri_alone_names_the_only_graphs_and_empties_the_default_graph(live):
    query = (f"SELECT DISTINCT ?i ?g WHERE {{ {{ ?i a <{PIOS}Initiative> }} UNION "
             "{ GRAPH ?g { ?s ?p ?o } } }")
    response = get(live, query, **{"named-graph-uri": [graph_of(live.second), REFERENCE]})
    assert iris(response) == set()
    assert iris(response, "g") == {graph_of(live.second), REFERENCE}


def test_protocol_graphs_replace_the_querys_from_clauses(live):
    # the W3C protocol test query_multiple_dataset
    query = (f"SELECT DISTINCT ?i FROM <{graph_of(live.first)}> FROM NAMED <{REFERENCE}> "
             f"WHERE {{ ?i a <{PIOS}Initiative> }}")
    response = get(live, query, **{"default-graph-uri": graph_of(live.second)})
    assert iris(response) == set(live.second.records)


@pytest.mark.parametrize("how", ["post-direct", "post-form"])
def test_dataset_parameters_work_with_both_kinds_of_post(live, how):
    params = {"default-graph-uri": graph_of(live.second)}
    headers = {"Accept": JSON_RESULTS}
    if how == "post-direct":  # the graphs go in the URL, the query is the body
        response = requests.post(live.url + "sparql", params=params, data=INITIATIVES.encode(),
                                 headers={**headers, "Content-Type": "application/sparql-query"},
                                 timeout=30)
    else:
        response = requests.post(live.url + "sparql", data={"query": INITIATIVES, **params},
                                 headers=headers, timeout=30)
    assert iris(response) == set(live.second.records)


def test_history_endpoint_applies_from_and_the_dataset_parameters_too(live):
    activities = "SELECT ?a WHERE { ?a a <http://www.w3.org/ns/prov#Activity> }"
    versions = "SELECT ?v WHERE { ?v <http://purl.org/dc/terms/isVersionOf> ?i }"
    assert len(iris(get(live, versions, path="sparql/history"), "v")) == 5
    assert iris(get(live, activities, path="sparql/history"), "a") == set()
    with_from = activities.replace("WHERE", f"FROM <{CRAWL_LOG}> WHERE")
    assert len(iris(get(live, with_from, path="sparql/history"), "a")) == 2
    by_parameter = get(live, activities, path="sparql/history", **{"default-graph-uri": CRAWL_LOG})
    assert len(iris(by_parameter, "a")) == 2
    named_only = get(live, versions, path="sparql/history", **{"named-graph-uri": CRAWL_LOG})
    assert iris(named_only, "v") == set()


def test_a_graph_of_the_other_endpoint_is_still_told_where_to_ask(live):
    response = get(live, "SELECT * WHERE { ?s ?p ?o } LIMIT 1",
                   **{"default-graph-uri": CRAWL_LOG})
    assert response.status_code == 400
    assert "/sparql/history" in response.text and "Historiken" in response.text


# -- Query §4.1.1 and Protocol §2.1: relative IRIs and the base IRI --------------------------------
def test_relative_iris_resolve_against_the_endpoint_url(live):
    query = "SELECT ?x ?y WHERE { BIND(<initiatives/a> AS ?x) BIND(<#here> AS ?y) }"
    row = get(live, query).json()["results"]["bindings"][0]
    assert row["x"]["value"] == live.url + "initiatives/a"
    assert row["y"]["value"] == live.url + "sparql#here"
    history = get(live, query, path="sparql/history").json()["results"]["bindings"][0]
    assert history["y"]["value"] == live.url + "sparql/history#here"


def test_base_in_the_query_wins_over_the_endpoint_url(live):
    query = "BASE <http://example.org/base/> SELECT ?x WHERE { BIND(<a> AS ?x) }"
    assert iris(get(live, query), "x") == {"http://example.org/base/a"}


# -- Protocol §2.1 and the W3C protocol tests: malformed requests are 400 --------------------------
def _post(live, body, content_type=None, params=None):
    headers = {"Accept": JSON_RESULTS}
    if content_type:
        headers["Content-Type"] = content_type
    return requests.post(live.url + "sparql", params=params, data=body, headers=headers,
                         timeout=30)


@pytest.mark.parametrize("send,reason", [
    (lambda live: requests.get(live.url + "sparql?query=ASK%20%7B%7D&query=SELECT%20*%20%7B%7D",
                               timeout=30), "2 queries"),
    (lambda live: _post(live, b"ASK {}", "application/sparql-query", {"query": "ASK {}"}),
     "2 queries"),
    (lambda live: _post(live, b"query=ASK%20%7B%7D", "application/x-www-form-urlencoded",
                        {"query": "ASK {}"}), "2 queries"),
    (lambda live: _post(live, b"ASK {}", "text/plain"), "text/plain"),
    (lambda live: _post(live, b"query=ASK%20%7B%7D"), "needs a Content-Type"),
    (lambda live: _post(live, b"ASK {}"), "needs a Content-Type"),
    (lambda live: requests.get(live.url + "sparql?query=", timeout=30), "empty"),
    (lambda live: requests.get(live.url + "sparql?query=%20%0A", timeout=30), "empty"),
    (lambda live: _post(live, b"", "application/x-www-form-urlencoded"), "no query"),
    (lambda live: requests.get(live.url + "sparql?query=ASK%20%7B%3Fs%20%3Fp%20%22%E4%22%7D",
                               timeout=30), "not UTF-8"),
    (lambda live: _post(live, 'ASK { ?s ?p "ä" }'.encode("latin-1"), "application/sparql-query"),
     "not UTF-8"),
    (lambda live: _post(live, "ASK {}".encode("utf-16"),
                        "application/sparql-query; charset=UTF-16"), "charset=utf-16"),
    (lambda live: _post(live, b"query=ASK%20%7B%3Fs%20%3Fp%20%22%E4%22%7D",
                        "application/x-www-form-urlencoded"), "not UTF-8"),
    (lambda live: requests.get(live.url + "sparql", timeout=30,
                               params={"query": "ASK {}", "update": "CLEAR ALL"}), "not both"),
    (lambda live: requests.get(live.url + "sparql", timeout=30,
                               params={"query": "ASK {}", "using-graph-uri": "http://x/"}),
     "SPARQL Update"),
    (lambda live: requests.get(live.url + "sparql", timeout=30,
                               params={"query": "ASK {}", "default-graph-uri": "not an iri"}),
     "not an absolute IRI"),
    (lambda live: requests.get(live.url + "sparql", params={"query": "ASK {"}, timeout=30),
     "syntax"),
], ids=["two-query-parameters", "direct-post-and-query-parameter", "form-and-query-parameter",
        "post-text-plain", "post-form-without-content-type", "post-query-without-content-type",
        "empty-query", "blank-query", "post-without-query", "get-latin-1", "direct-latin-1",
        "direct-utf-16", "form-latin-1", "query-and-update", "using-graph-uri",
        "relative-default-graph-uri", "syntax-error"])
def test_a_malformed_request_is_400_with_the_reason_in_english_and_swedish(live, send, reason):
    response = send(live)
    assert response.status_code == 400, response.text
    lines = response.text.strip().split("\n")  # the English message, then the Swedish one
    assert reason in lines[0].lower() or reason in lines[0]
    assert len(lines) >= 2 and lines[-1] != lines[0]


def test_non_utf8_is_refused_not_mangled(live):
    good = get(live, 'SELECT ?x WHERE { BIND("ä" AS ?x) }').json()
    assert good["results"]["bindings"][0]["x"]["value"] == "ä"
    bad = requests.get(live.url + "sparql?query=SELECT%20%3Fx%20%7B%20BIND(%22%E4%22%20AS%20%3Fx)"
                       "%20%7D", timeout=30)
    assert bad.status_code == 400 and "\ufffd" not in bad.text


@pytest.mark.parametrize("content_type", ["application/x-www-form-urlencoded",
                                          "application/x-www-form-urlencoded; charset=UTF-8",
                                          "application/x-www-url-form-urlencoded"])
def test_a_form_post_is_a_query(live, content_type):
    # the last is the spelling of the W3C protocol tests' request descriptions
    response = _post(live, b"query=ASK%20%7B%7D", content_type)
    assert response.status_code == 200 and response.json()["boolean"] is True


def test_an_update_alone_is_refused_as_read_only(live):
    response = _post(live, b"update=CLEAR%20ALL", "application/x-www-form-urlencoded")
    assert response.status_code == 403 and "read-only" in response.text


def test_a_method_other_than_get_and_post_is_refused(live):
    assert requests.put(live.url + "sparql?query=ASK%20%7B%7D", timeout=30).status_code == 405


def test_parameters_the_protocol_does_not_define_are_ignored(live):
    response = get(live, "ASK {}", results="xml", timeout="5", callback="x")
    assert response.status_code == 200 and response.json()["boolean"] is True


# -- Query §17.2, §17.6: an unknown function is an error inside the query, not a failed request
def test_an_unknown_function_leaves_its_binding_unbound(live):
    response = get(live, "SELECT ?x ?y WHERE { BIND(<http://example.org/fn>(1) AS ?x) "
                         "BIND(2 AS ?y) }")
    assert response.status_code == 200, response.text
    assert response.json()["results"]["bindings"] == [
        {"y": {"type": "literal", "value": "2",
               "datatype": "http://www.w3.org/2001/XMLSchema#integer"}}]


def test_an_unknown_function_in_a_filter_is_false_and_two_of_them_are_fine(live):
    response = get(live, "PREFIX ex: <http://example.org/> SELECT ?i WHERE { ?i a "
                         f"<{PIOS}Initiative> FILTER(ex:f(?i) || ex:g(?i)) }}")
    assert iris(response) == set()
    ask = get(live, "ASK { FILTER(<http://example.org/f>(1)) }")
    assert ask.status_code == 200 and ask.json()["boolean"] is False


# -- Query Results JSON, XML, CSV/TSV: every kind of term ------------------------------------------
TERMS = ('SELECT ?iri ?plain ?lang ?typed ?blank ?unbound WHERE { '
         'BIND(<http://example.org/a?b=c&d> AS ?iri) BIND("tab\\there \\"q\\" <&>" AS ?plain) '
         'BIND("hej"@sv-SE AS ?lang) BIND("2026-01-02"^^<http://www.w3.org/2001/XMLSchema#date> '
         'AS ?typed) BIND(BNODE() AS ?blank) }')
EXPECTED = {
    "iri": rdflib.URIRef("http://example.org/a?b=c&d"),
    "plain": rdflib.Literal('tab\there "q" <&>'),
    "lang": rdflib.Literal("hej", lang="sv-se"),
    "typed": rdflib.Literal("2026-01-02", datatype=rdflib.XSD.date),
}


@pytest.mark.parametrize("accept,fmt", [(JSON_RESULTS, "json"), (XML_RESULTS, "xml"),
                                        ("text/tab-separated-values", "tsv")])
def test_every_kind_of_term_reads_back_exactly(live, accept, fmt):
    response = get(live, TERMS, accept)
    assert response.headers["Content-Type"].startswith(accept)
    result = Result.parse(io.BytesIO(response.content), format=fmt)
    assert [str(v) for v in result.vars] == ["iri", "plain", "lang", "typed", "blank", "unbound"]
    (row,) = result.bindings
    got = {str(k): v for k, v in row.items()}
    assert isinstance(got.pop("blank"), rdflib.BNode)
    assert {k: v for k, v in got.items()} == EXPECTED  # unbound stays unbound
    if fmt == "xml":
        ET.fromstring(response.content)  # a plain XML 1.0 parser reads it too


def test_csv_has_lexical_forms_blank_node_labels_and_empty_unbound_cells(live):
    response = get(live, TERMS, "text/csv")
    assert response.headers["Content-Type"].startswith("text/csv")
    header, row = list(__import__("csv").reader(io.StringIO(response.text)))
    assert header == ["iri", "plain", "lang", "typed", "blank", "unbound"]
    assert row[:4] == ["http://example.org/a?b=c&d", 'tab\there "q" <&>', "hej", "2026-01-02"]
    assert row[4].startswith("_:") and row[5] == ""
    assert response.content.endswith(b"\r\n")


def test_xml_keeps_a_carriage_return(live):
    response = get(live, 'SELECT ?x WHERE { BIND("a\\rb" AS ?x) }', XML_RESULTS)
    literal = ET.fromstring(response.content).find(".//{*}literal")
    assert literal.text == "a\rb"


@pytest.mark.parametrize("character", ["\\b", "\\f", "\\u0001", "\\u001F", "\\uFFFE"])
def test_a_character_xml_cannot_carry_is_refused_in_xml_and_served_in_json(live, character):
    query = f'SELECT ?x WHERE {{ BIND("a{character}b" AS ?x) }}'
    only_xml = get(live, query, XML_RESULTS)
    assert only_xml.status_code == 406
    assert "XML 1.0 cannot carry" in only_xml.text and "?x" in only_xml.text
    either = get(live, query, f"{XML_RESULTS}, {JSON_RESULTS};q=0.5")
    assert either.headers["Content-Type"].startswith(JSON_RESULTS)
    expected = json.loads(f'"a{character}b"'.replace("\\b", "\\u0008").replace("\\f", "\\u000c"))
    assert either.json()["results"]["bindings"][0]["x"]["value"] == expected


@pytest.mark.parametrize("accept,fmt", [("text/csv", "csv"), ("text/tab-separated-values", "tsv")])
def test_ask_in_csv_and_tsv_is_one_askresult_column_rdflib_reads(live, accept, fmt):
    for query, expected in (("ASK {}", True), ("ASK { FILTER(false) }", False)):
        response = get(live, query, accept)
        assert response.headers["Content-Type"].startswith(accept)
        result = Result.parse(io.BytesIO(response.content), format=fmt)
        assert [str(v) for v in result.vars] == ["_askResult"]
        (row,) = result.bindings
        value = row[rdflib.Variable("_askResult")]
        assert str(value) == ("true" if expected else "false")
        if fmt == "tsv":
            assert value.datatype == rdflib.XSD.boolean and value.toPython() is expected


# -- Graph answers: RDF/XML ------------------------------------------------------------------------
CONSTRUCT = (f"CONSTRUCT {{ ?i <http://purl.org/dc/terms/title> ?t ; a <{PIOS}Initiative> }} "
             f"WHERE {{ ?i a <{PIOS}Initiative> ; <http://purl.org/dc/terms/title> ?t }}")


def test_construct_and_describe_answer_rdf_xml_that_matches_turtle(live):
    for query in (CONSTRUCT, f"DESCRIBE <{next(iter(live.first.records))}>"):
        xml = get(live, query, "application/rdf+xml")
        assert xml.headers["Content-Type"].startswith("application/rdf+xml")
        turtle = get(live, query, "text/turtle")
        from rdflib.compare import to_isomorphic

        parsed = rdflib.Graph().parse(data=xml.content, format="xml")
        assert len(parsed) > 0
        assert to_isomorphic(parsed) == to_isomorphic(
            rdflib.Graph().parse(data=turtle.content, format="turtle"))
        ET.fromstring(xml.content)


def test_rdf_xml_carries_blank_nodes_languages_datatypes_and_odd_characters(live):
    query = ('CONSTRUCT { ?b <http://example.org/p> "hej"@sv, "1"^^<http://www.w3.org/2001/'
             'XMLSchema#integer>, "<&>\\r\\n\\"" ; <http://example.org/q> '
             "<http://example.org/o?a&b> } WHERE { BIND(BNODE() AS ?b) }")
    xml = get(live, query, "application/rdf+xml")
    graph = rdflib.Graph().parse(data=xml.content, format="xml")
    values = set(graph.objects(None, rdflib.URIRef("http://example.org/p")))
    assert values == {rdflib.Literal("hej", lang="sv"), rdflib.Literal(1),
                      rdflib.Literal('<&>\r\n"')}
    assert set(graph.objects(None, rdflib.URIRef("http://example.org/q"))) == {
        rdflib.URIRef("http://example.org/o?a&b")}


def test_a_predicate_rdf_xml_cannot_name_falls_back_or_is_406(live):
    query = "CONSTRUCT { <http://example.org/s> <http://example.org/123> 1 } WHERE {}"
    only = get(live, query, "application/rdf+xml")
    assert only.status_code == 406 and "http://example.org/123" in only.text
    either = get(live, query, "application/rdf+xml, text/turtle;q=0.1")
    assert either.headers["Content-Type"].startswith("text/turtle")


# -- RFC 9110 negotiation and format= ----------------------------------------------------------
@pytest.mark.parametrize("query,accept,expected", [
    (INITIATIVES, "text/*", "text/csv"),
    (INITIATIVES, "application/*", JSON_RESULTS),
    (INITIATIVES, "*/*", JSON_RESULTS),
    (INITIATIVES, "text/*;q=0.9, text/csv;q=0.1", "text/tab-separated-values"),
    (INITIATIVES, "text/csv;q=0.5, application/sparql-results+xml", XML_RESULTS),
    (INITIATIVES, "image/png, */*;q=0.1", JSON_RESULTS),
    ("ASK {}", "text/*", "text/csv"),
    (CONSTRUCT, "text/*", "text/turtle"),
    (CONSTRUCT, "application/*", "application/rdf+xml"),
    (CONSTRUCT, "*/*", "text/turtle"),
    (CONSTRUCT, "application/*;q=0.5, text/*;q=0.4", "application/rdf+xml"),
    (CONSTRUCT, "text/turtle;q=0, */*", "application/rdf+xml"),
    (CONSTRUCT, "text/plain", "application/n-triples"),  # an alias, named exactly
])
def test_accept_wildcards_are_answered_inside_their_range_by_q(live, query, accept, expected):
    response = get(live, query, accept)
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"].split(";")[0] == expected


def test_accept_nothing_the_server_writes_is_406_naming_what_it_has(live):
    response = get(live, INITIATIVES, "image/png")
    assert response.status_code == 406
    assert "image/png" in response.text and JSON_RESULTS in response.text


@pytest.mark.parametrize("fmt,accept,expected", [
    ("csv", "application/sparql-results+json", "text/csv"),
    ("text/tab-separated-values", None, "text/tab-separated-values"),
    ("html", "text/csv", "text/csv"),
    ("no-such-format", XML_RESULTS, XML_RESULTS),
    ("turtle", "text/csv", "text/csv"),  # a graph format for a SELECT: Accept decides
])
def test_format_parameter_wins_when_known_and_falls_back_to_accept(live, fmt, accept, expected):
    response = get(live, INITIATIVES, accept or "", format=fmt)
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"].split(";")[0] == expected


def test_format_words_mean_the_graph_formats_for_construct(live):
    assert get(live, CONSTRUCT, "", format="xml").headers["Content-Type"].startswith(
        "application/rdf+xml")
    assert get(live, CONSTRUCT, "", format="json").headers["Content-Type"].startswith(
        "application/ld+json")


def test_unknown_format_and_unservable_accept_is_406(live):
    response = get(live, INITIATIVES, "image/png", format="no-such-format")
    assert response.status_code == 406 and "no-such-format" in response.text


# -- Service Description ---------------------------------------------------------------------------
def _description(live, path="sparql", accept="text/turtle", fmt="turtle") -> rdflib.Graph:
    response = requests.get(live.url + path, headers={"Accept": accept}, timeout=30)
    assert response.status_code == 200 and response.headers["Content-Type"].startswith(accept)
    return rdflib.Graph().parse(data=response.content, format=fmt)


def test_service_description_lists_the_default_graph_and_every_named_graph(live):
    graph = _description(live)
    service = rdflib.URIRef(live.url + "sparql")
    assert (service, rdflib.RDF.type, SD.Service) in graph
    assert (service, SD.feature, SD.UnionDefaultGraph) in graph
    dataset = graph.value(service, SD.defaultDataset)
    assert (dataset, rdflib.RDF.type, SD.Dataset) in graph
    assert (graph.value(dataset, SD.defaultGraph), rdflib.RDF.type, SD.Graph) in graph
    names = {str(graph.value(entry, SD.name)) for entry in graph.objects(dataset, SD.namedGraph)}
    assert names == {graph_of(live.first), graph_of(live.second), REFERENCE}
    formats = {str(f).rsplit("/", 1)[1] for f in graph.objects(service, SD.resultFormat)}
    assert {"SPARQL_Results_XML", "SPARQL_Results_JSON", "SPARQL_Results_CSV",
            "SPARQL_Results_TSV", "RDF_XML", "Turtle"} <= formats
    assert (service, SD.supportedLanguage, SD.SPARQL11Query) in graph


def test_history_description_has_the_crawl_log_and_no_union_default_graph(live):
    graph = _description(live, "sparql/history")
    service = rdflib.URIRef(live.url + "sparql/history")
    assert (service, SD.endpoint, service) in graph
    assert (service, SD.feature, SD.UnionDefaultGraph) not in graph
    dataset = graph.value(service, SD.defaultDataset)
    names = {str(graph.value(entry, SD.name)) for entry in graph.objects(dataset, SD.namedGraph)}
    assert names == {CRAWL_LOG}


def test_service_description_is_negotiated_among_rdf_syntaxes(live):
    xml = _description(live, accept="application/rdf+xml", fmt="xml")
    turtle = _description(live)
    from rdflib.compare import to_isomorphic

    assert to_isomorphic(xml) == to_isomorphic(turtle)
    _description(live, accept="application/ld+json", fmt="json-ld")
    page = requests.get(live.url + "sparql", headers={"Accept": "text/html"}, timeout=30)
    assert "<textarea" in page.text  # a browser gets the query page
