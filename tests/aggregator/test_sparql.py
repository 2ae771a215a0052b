"""The SPARQL endpoint over real HTTP: formats, read-only, SERVICE, timeout, caps, CORS."""

from __future__ import annotations

import io
import threading

import pytest
import rdflib
import requests
from rdflib.query import Result

COUNT = ("SELECT (COUNT(DISTINCT ?i) AS ?n) WHERE { ?i a "
         "<https://w3id.org/pios/vocab#Initiative> }")
TITLES = ("SELECT ?i ?t WHERE { ?i a <https://w3id.org/pios/vocab#Initiative> ; "
          "<http://purl.org/dc/terms/title> ?t } ORDER BY ?i")
CONSTRUCT = ("CONSTRUCT { ?i <http://purl.org/dc/terms/title> ?t } WHERE { ?i a "
             "<https://w3id.org/pios/vocab#Initiative> ; <http://purl.org/dc/terms/title> ?t }")


@pytest.fixture
def loaded(make_server, make_site):
    server = make_server(sparql_timeout=3.0)
    site = make_site(count=4)
    server.register(site)
    server.crawl()
    return server, site


def _get(server, query, accept=None, path="sparql", **params):
    headers = {"Accept": accept} if accept else {}
    return requests.get(server.url + path, params={"query": query, **params},
                        headers=headers, timeout=30)


def test_default_graph_is_the_union_of_the_node_graphs(loaded):
    server, site = loaded
    response = _get(server, COUNT, "application/sparql-results+json")
    assert response.status_code == 200
    assert response.json()["results"]["bindings"][0]["n"]["value"] == "4"


@pytest.mark.parametrize("accept,fmt", [
    ("application/sparql-results+json", "json"),
    ("application/sparql-results+xml", "xml"),
    ("text/csv", "csv"),
    ("text/tab-separated-values", "tsv"),
])
def test_select_answers_parse_with_rdflib(loaded, accept, fmt):
    server, site = loaded
    response = _get(server, TITLES, accept)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith(accept)
    result = Result.parse(io.BytesIO(response.content), format=fmt)
    rows = list(result)
    assert len(rows) >= 4
    iris = {str(row[0]) for row in rows}
    assert iris == set(site.records)


@pytest.mark.parametrize("accept,fmt", [("application/sparql-results+json", "json"),
                                        ("application/sparql-results+xml", "xml")])
def test_ask_answers_parse_with_rdflib(loaded, accept, fmt):
    server, _ = loaded
    response = _get(server, "ASK { ?s a <https://w3id.org/pios/vocab#Initiative> }", accept)
    assert Result.parse(io.BytesIO(response.content), format=fmt).askAnswer is True


@pytest.mark.parametrize("accept,fmt", [
    ("text/turtle", "turtle"), ("application/n-triples", "nt"),
    ("application/ld+json", "json-ld"), ("application/n-quads", "nquads"),
])
def test_construct_answers_parse_with_rdflib(loaded, accept, fmt):
    server, site = loaded
    response = _get(server, CONSTRUCT, accept)
    assert response.status_code == 200, response.text
    graph = rdflib.Dataset() if fmt == "nquads" else rdflib.Graph()
    graph.parse(data=response.content, format=fmt)
    subjects = {str(s) for s in graph.subjects(rdflib.DCTERMS.title, None)}
    assert subjects == set(site.records)


def test_post_form_and_direct_query_work(loaded):
    server, _ = loaded
    form = requests.post(server.url + "sparql", data={"query": COUNT}, timeout=30,
                         headers={"Accept": "application/sparql-results+json"})
    direct = requests.post(server.url + "sparql", data=COUNT.encode(), timeout=30,
                           headers={"Content-Type": "application/sparql-query",
                                    "Accept": "application/sparql-results+json"})
    assert form.json() == direct.json()


def test_history_and_crawl_log_are_their_own_dataset_at_sparql_history(loaded):
    server, _ = loaded
    in_national = _get(server, "SELECT ?a WHERE { ?a a <http://www.w3.org/ns/prov#Activity> }")
    assert in_national.json()["results"]["bindings"] == []
    versions = _get(server, "SELECT ?v WHERE { ?v <http://purl.org/dc/terms/isVersionOf> ?i }",
                    path="sparql/history")
    assert len(versions.json()["results"]["bindings"]) == 4
    log = _get(server, "SELECT ?a WHERE { GRAPH <https://w3id.org/pios/graph/crawl-log> { "
                       "?a a <http://www.w3.org/ns/prov#Activity> ; "
                       "<https://w3id.org/pios/aggregator#httpStatus> 200 } }",
               path="sparql/history")
    assert len(log.json()["results"]["bindings"]) == 1
    # the history's versions are not initiatives of the national graph's union
    initiatives = _get(server, "SELECT ?i WHERE { ?i a <https://w3id.org/pios/vocab#Initiative> }")
    assert len(initiatives.json()["results"]["bindings"]) == 4


def test_a_query_for_the_other_datasets_graph_is_told_where_to_ask(loaded):
    server, _ = loaded
    wrong = _get(server, "SELECT ?v WHERE { GRAPH <https://w3id.org/pios/graph/history> { "
                         "?v ?p ?o } }")
    assert wrong.status_code == 400
    assert "/sparql/history" in wrong.text and "Historiken" in wrong.text
    also = _get(server, "SELECT ?v WHERE { GRAPH <https://w3id.org/pios/graph/history> { "
                        "?v ?p ?o } }", path="sparql/history")
    assert also.status_code == 400
    assert "default graph" in also.text


def test_each_endpoint_describes_its_own_dataset(loaded):
    server, _ = loaded
    for path, names in (("sparql", "https://w3id.org/pios/graph/reference"),
                        ("sparql/history", "https://w3id.org/pios/graph/crawl-log")):
        response = requests.get(server.url + path, headers={"Accept": "text/turtle"}, timeout=30)
        graph = rdflib.Graph().parse(data=response.text, format="turtle")
        sd = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")
        assert (rdflib.URIRef(server.url + path), sd.endpoint,
                rdflib.URIRef(server.url + path)) in graph
        assert rdflib.URIRef(names) in set(graph.objects(None, sd.name))


@pytest.mark.parametrize("how", ["update-form", "update-body", "update-in-query"])
def test_updates_are_refused(loaded, how):
    server, _ = loaded
    update = "INSERT DATA { <http://x/s> <http://x/p> <http://x/o> }"
    if how == "update-form":
        response = requests.post(server.url + "sparql", data={"update": update}, timeout=30)
    elif how == "update-body":
        response = requests.post(server.url + "sparql", data=update, timeout=30,
                                 headers={"Content-Type": "application/sparql-update"})
    else:
        response = _get(server, update)
    assert response.status_code == 403
    assert "read-only" in response.text
    assert _get(server, "ASK { <http://x/s> ?p ?o }").json()["boolean"] is False


def test_service_is_refused_before_any_connection_is_made(loaded, silent_port):
    server, _ = loaded
    response = _get(server, f"SELECT * WHERE {{ SERVICE <{silent_port.url('/sparql')}> "
                            "{ ?s ?p ?o } }")
    assert response.status_code == 403
    assert "SERVICE" in response.text
    silent_port.assert_untouched()


def test_service_inside_a_string_or_variable_name_is_not_refused(loaded):
    server, _ = loaded
    response = _get(server, 'SELECT ?service WHERE { BIND("SERVICE <http://x>" AS ?service) }')
    assert response.status_code == 200


def test_runaway_query_is_stopped_while_other_clients_get_answers(loaded):
    server, _ = loaded
    runaway = ("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g1 { ?a ?b ?c } GRAPH ?g2 { ?d ?e ?f } "
               "GRAPH ?g3 { ?x ?y ?z } }")
    outcome = {}

    def run():
        outcome["response"] = _get(server, runaway)

    thread = threading.Thread(target=run)
    thread.start()
    answers = []
    while thread.is_alive() and len(answers) < 50:
        answers.append(_get(server, COUNT).status_code)
    thread.join(60)
    assert outcome["response"].status_code == 503
    assert "stopped" in outcome["response"].text
    assert answers and set(answers) == {200}
    assert _get(server, COUNT).status_code == 200  # a fresh worker took the stopped one's place


def test_result_cap_is_an_error_not_a_truncated_answer(make_server, make_site):
    server = make_server(sparql_max_results=3)
    site = make_site(count=4)
    server.register(site)
    server.crawl()
    response = _get(server, TITLES)
    assert response.status_code == 413
    assert "LIMIT" in response.text
    assert _get(server, TITLES + " LIMIT 3").status_code == 200


def test_syntax_error_is_a_400_with_the_reason(loaded):
    server, _ = loaded
    response = _get(server, "SELECT ?x WHERE { ?x ")
    assert response.status_code == 400
    assert "syntax" in response.text.lower()


def test_cors_and_service_description(loaded):
    server, _ = loaded
    response = _get(server, COUNT)
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    description = requests.get(server.url + "sparql", headers={"Accept": "text/turtle"},
                               timeout=30)
    graph = rdflib.Graph().parse(data=description.text, format="turtle")
    sd = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")
    assert (None, rdflib.RDF.type, sd.Service) in graph


def test_one_client_beyond_its_share_of_queries_waits_instead_of_being_refused(make_server,
                                                                              make_site):
    server = make_server(sparql_per_client=1, sparql_timeout=3.0)
    site = make_site(count=2)
    server.register(site)
    server.crawl()
    runaway = ("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g1 { ?a ?b ?c } GRAPH ?g2 { ?d ?e ?f } "
               "GRAPH ?g3 { ?x ?y ?z } }")
    statuses = []
    thread = threading.Thread(target=lambda: statuses.append(_get(server, runaway).status_code))
    thread.start()
    while thread.is_alive() and len(statuses) < 200:
        statuses.append(_get(server, COUNT).status_code)
    thread.join(60)
    assert 429 not in statuses  # the second query waited for the first one's turn
    assert set(statuses) <= {200, 503}
    assert _get(server, COUNT).status_code == 200
