"""The SPARQL screen and the query sandbox: no visitor query makes the server connect anywhere.

A corpus of SERVICE queries hidden every way SPARQL allows (codepoint escapes in the keyword and
the IRI, escapes in prefixed names that fool a tokenizer, comments, strings, case, odd whitespace,
nested subqueries, EXISTS, every query form) is sent over real HTTP to a live aggregator on
``/sparql``, ``/sparql/history`` and the query page, with a real loopback listener as the SERVICE
target; the listener must stay silent. A second test bypasses the screen and hands a SERVICE query
straight to a query worker: the worker's sandbox alone must keep the listener silent, while the
same query run outside the sandbox does reach it (so the listener would have noticed).
"""

from __future__ import annotations

import multiprocessing

import pyoxigraph as ox
import pytest
import requests
from listener import Listener, unscreened_worker
from pios_ld.aggregator import examples, sparqlcheck

from pios_ld.errors import ForbiddenQueryError, PiosError, QuerySyntaxError

TARGET = "http://127.0.0.1:9/sparql"  # replaced by the listener's URL in the HTTP tests
EX = "PREFIX ex: <http://example.org/> "

#: (what it tries, query): each names TARGET as the SERVICE endpoint.
HIDDEN_SERVICE = [
    ("plain", "SELECT * WHERE { SERVICE <TARGET> { ?s ?p ?o } }"),
    ("lower case", "select * where { service <TARGET> { ?s ?p ?o } }"),
    ("mixed case", "SELECT * WHERE { SeRvIcE <TARGET> { ?s ?p ?o } }"),
    ("silent", "SELECT * WHERE { SERVICE SILENT <TARGET> { ?s ?p ?o } }"),
    ("\\u in the keyword", r"SELECT * WHERE { \u0053ERVICE <TARGET> { ?s ?p ?o } }"),
    ("lower-case hex", r"SELECT * WHERE { \u0073ervice <TARGET> { ?s ?p ?o } }"),
    ("whole keyword escaped",
     r"SELECT * WHERE { \u0073\u0065\u0072\u0076\u0069\u0063\u0065 <TARGET> { ?s ?p ?o } }"),
    ("\\U in the keyword", r"SELECT * WHERE { \U00000053ERVICE <TARGET> { ?s ?p ?o } }"),
    ("escapes in the IRI", r"SELECT * WHERE { SERVICE <http\u003A\u002F/127.0.0.1:PORT/sparql> "
                           "{ ?s ?p ?o } }"),
    ("escaped whitespace", r"SELECT * WHERE { SERVICE\u0009<TARGET>{ ?s ?p ?o } }"),
    ("no whitespace", "SELECT * WHERE {SERVICE<TARGET>{?s ?p ?o}}"),
    ("tabs and CR", "SELECT * WHERE {\r\n\tSERVICE\r\n\t<TARGET>\t{ ?s ?p ?o } }"),
    ("\\# in a prefixed name hides the rest of the line from a tokenizer",
     EX + r"SELECT * WHERE { ?a ex:b\#c ?d . SERVICE <TARGET> { ?s ?p ?o } }"),
    ("\\' in a prefixed name opens a 'string' for a tokenizer",
     EX + "SELECT * WHERE { ?a ex:b\\'c ?d . SERVICE <TARGET> { ?s ?p ?o } } # '"),
    ("\\u0022 closes a string early",
     r'SELECT * WHERE { BIND("x\u0022 AS ?x) SERVICE <TARGET> { ?s ?p ?o } #" AS ?x) }'),
    ("\\u000A ends a comment early",
     "SELECT * WHERE { ?s ?p ?o # note\\u000A SERVICE <TARGET> { ?s ?p ?o } \n}"),
    ("long string before", 'SELECT * WHERE { BIND("""a "quoted" \'x\'""" AS ?x) '
                           "SERVICE <TARGET> { ?s ?p ?o } }"),
    ("string with # before", 'SELECT * WHERE { BIND("#" AS ?x) SERVICE <TARGET> { ?s ?p ?o } }'),
    ("variable endpoint", "SELECT * WHERE { BIND(<TARGET> AS ?e) SERVICE ?e { ?s ?p ?o } }"),
    ("nested subquery", "SELECT * WHERE { { SELECT * WHERE { { SELECT ?s WHERE { "
                        "SERVICE <TARGET> { ?s ?p ?o } } } } } }"),
    ("FILTER EXISTS", "SELECT * WHERE { ?a ?b ?c FILTER EXISTS { "
                      "SERVICE <TARGET> { ?s ?p ?o } } }"),
    ("FILTER NOT EXISTS", "SELECT * WHERE { BIND(1 AS ?x) FILTER NOT EXISTS { "
                          "SERVICE <TARGET> { ?s ?p ?o } } }"),
    ("EXISTS in a projection", "SELECT (EXISTS { SERVICE <TARGET> { ?s ?p ?o } } AS ?x) {}"),
    ("OPTIONAL", "SELECT * WHERE { OPTIONAL { SERVICE <TARGET> { ?s ?p ?o } } }"),
    ("UNION", "SELECT * WHERE { { ?a ?b ?c } UNION { SERVICE <TARGET> { ?s ?p ?o } } }"),
    ("MINUS", "SELECT * WHERE { BIND(1 AS ?x) MINUS { SERVICE <TARGET> { ?s ?p ?o } } }"),
    ("GRAPH", "SELECT * WHERE { GRAPH ?g { SERVICE <TARGET> { ?s ?p ?o } } }"),
    ("ASK", "ASK { SERVICE <TARGET> { ?s ?p ?o } }"),
    ("CONSTRUCT", "CONSTRUCT { ?s ?p ?o } WHERE { SERVICE <TARGET> { ?s ?p ?o } }"),
    ("DESCRIBE", "DESCRIBE ?s WHERE { SERVICE <TARGET> { ?s ?p ?o } }"),
    ("a lone CR ends a comment for Oxigraph, not for rdflib",
     "SELECT * WHERE { ?s ?p ?o # note\r SERVICE <TARGET> { ?s ?p ?o } \n }"),
    ("a number right before", "SELECT * WHERE { ?s ?p 1SERVICE <TARGET> { ?s ?p ?o } }"),
    ("a dot right before", "SELECT * WHERE { ?s ?p ?o.SERVICE <TARGET> { ?s ?p ?o } }"),
    ("long s, which upper-cases to S", "SELECT * WHERE { \u017fERVICE <TARGET> { ?s ?p ?o } }"),
    ("escape yielding an escape", r"SELECT * WHERE { \u005Cu0053ERVICE <TARGET> { ?s ?p ?o } }"),
]

#: Queries that only *mention* service: they must run.
MENTIONS = [
    'SELECT ?service WHERE { BIND("SERVICE <http://x>" AS ?service) }',
    "SELECT * WHERE { ?s <http://example.org/SERVICE> ?o }",
    EX + "SELECT * WHERE { ?s ex:service ?o . ?s ex:serviceType ?t }",
    "SELECT * WHERE { ?s ?p ?o } # SERVICE <http://x> { }",
    "SELECT $service WHERE { ?s ?p $service }",
    'SELECT * WHERE { ?s ?p "x"@service }',
]


def _query(template: str, url: str = TARGET) -> str:
    port = url.split(":")[2].split("/")[0]
    return template.replace("TARGET", url).replace("PORT", port)


@pytest.mark.parametrize("name,template", HIDDEN_SERVICE, ids=[n for n, _ in HIDDEN_SERVICE])
def test_every_hidden_service_is_refused_by_the_screen(name, template):
    with pytest.raises((ForbiddenQueryError, QuerySyntaxError)) as refused:
        sparqlcheck.inspect(_query(template))
    if name != "escape yielding an escape":
        assert refused.value.status == 403, refused.value.message
        assert "SERVICE" in refused.value.message and "SERVICE" in refused.value.message_sv


@pytest.mark.parametrize("query", MENTIONS)
def test_a_query_that_only_mentions_service_passes(query):
    assert sparqlcheck.inspect(query).form == "SELECT"


@pytest.mark.parametrize("update", [
    "INSERT DATA { <http://x/s> <http://x/p> <http://x/o> }",
    r"\u0049NSERT DATA { <http://x/s> <http://x/p> <http://x/o> }",
    "PREFIX ex: <http://x/> DELETE WHERE { ?s ex:p ?o }",
    "LOAD <http://127.0.0.1:9/data.ttl>",
    "CLEAR ALL",
])
def test_updates_are_refused_as_read_only(update):
    with pytest.raises(ForbiddenQueryError, match="read-only"):
        sparqlcheck.inspect(update)


def test_the_text_that_runs_is_escape_free_and_dataset_clauses_are_read():
    found = sparqlcheck.inspect(
        r"PREFIX ex: <http://example.org/> SELECT * FROM ex:g FROM NAMED <http://example.org/n> "
        r'WHERE { ?s ?p "\u00e5" }')
    assert found.text.endswith('?p "å" }') and "\\u" not in found.text
    assert found.has_dataset and found.form == "SELECT"
    assert found.default_graphs == ("http://example.org/g",)
    assert found.named_graphs == ("http://example.org/n",)


@pytest.mark.parametrize("example", examples.EXAMPLES, ids=[e.id for e in examples.EXAMPLES])
def test_every_example_query_passes_the_screen_unchanged(example):
    found = sparqlcheck.inspect(example.query)
    assert found.text == example.query and found.form in sparqlcheck.QUERY_FORMS


@pytest.mark.parametrize("bad,reason", [
    (r"SELECT * WHERE { ?s ?p '\uD800' }", "Unicode"),
    ("SELECT ?x WHERE { ?x ", "syntax"),
    ("PIOS", "syntax"),
])
def test_what_is_not_a_query_is_a_400_with_the_reason(bad, reason):
    with pytest.raises(QuerySyntaxError, match=reason) as refused:
        sparqlcheck.inspect(bad)
    assert refused.value.status == 400


# -- over HTTP, against a live aggregator --------------------------------------------------------

@pytest.fixture
def listener():
    found = Listener()
    yield found
    found.close()


@pytest.fixture
def server(make_server, make_site):
    server = make_server(sparql_timeout=10.0)
    server.register(make_site(count=2))
    server.crawl()
    return server


@pytest.mark.parametrize("where", ["sparql", "sparql/history", "query page"])
def test_no_hidden_service_reaches_the_listener_over_http(server, listener, where):
    statuses = {}
    for name, template in HIDDEN_SERVICE:
        query = _query(template, listener.url)
        if where == "query page":
            response = requests.get(server.url + "sparql", params={"q": query},
                                    headers={"Accept": "text/html"}, timeout=60)
            assert response.status_code == 200, name
            refused = ('role="alert"' in response.text
                       and "from the listener" not in response.text)
            statuses[name] = "refused" if refused else "ran"
        else:
            response = requests.get(server.url + where, params={"query": query}, timeout=60)
            statuses[name] = response.status_code
    assert listener.requests == [], listener.requests
    if where == "query page":
        assert set(statuses.values()) == {"refused"}, statuses
    else:
        assert set(statuses.values()) <= {400, 403}, statuses
    # the server is still answering
    ok = requests.get(server.url + "sparql", params={"query": "ASK {}"}, timeout=60)
    assert ok.status_code == 200


def test_a_query_that_mentions_service_runs_over_http(server, listener):
    for query in MENTIONS:
        response = requests.get(server.url + "sparql", params={"query": query}, timeout=60)
        assert response.status_code == 200, (query, response.text)


def test_a_worker_cannot_connect_out_even_when_the_screen_is_bypassed(listener):
    query = f"SELECT * WHERE {{ SERVICE <{listener.url}> {{ ?s ?p ?o }} }}"
    # outside the sandbox, pyoxigraph does fetch the listener: it would notice a request
    rows = list(ox.Store().query(query))
    assert [str(row["s"].value) for row in rows] == ["from the listener"]
    assert len(listener.requests) == 1
    listener.requests.clear()

    context = multiprocessing.get_context("spawn")
    connection, child = context.Pipe()
    worker = context.Process(target=unscreened_worker, args=(child,), daemon=True)
    worker.start()
    child.close()
    try:
        assert connection.poll(60)
        kind, report = connection.recv()
        assert kind == "ready" and report.sealed, report
        connection.send({"query": query, "snapshot": "", "accept": None, "format": None,
                         "default_graph": None, "dataset": "national", "max_results": 10})
        assert connection.poll(60)
        reply = connection.recv()  # the query failed in the engine: no answer, no refusal
        assert reply[0] == "raised" and type(reply[1]) is PiosError, reply
        assert reply[1].message.startswith("The query failed: "), reply
        connection.send({"query": "SELECT (1 AS ?one) {}", "snapshot": "", "accept": None,
                         "format": None, "default_graph": None, "dataset": "national",
                         "max_results": 10})
        assert connection.poll(60) and connection.recv()[0] == "ok"  # and it still answers
    finally:
        worker.kill()
        worker.join(10)
    assert listener.requests == []


def test_a_query_of_many_chained_patterns_is_screened_and_answered(server):
    # rdflib recurses once per pattern: at Python's default limit 100 patterns failed
    chained = " ".join(f"?s <http://example.org/p{n}> ?o{n} ." for n in range(110))
    response = requests.post(server.url + "sparql", data={"query": f"ASK {{ {chained} }}"},
                             timeout=60)
    assert response.status_code == 200, response.text[:300]


def test_the_screened_dataset_clauses_are_what_the_query_sees(server):
    count = ("SELECT (COUNT(DISTINCT ?i) AS ?n) {from} WHERE {{ ?i a "
             "<https://w3id.org/pios/vocab#Initiative> }}")
    node = server.state.instance.registry.nodes()[0].url

    def answer(clause: str) -> str:
        response = requests.get(server.url + "sparql", params={"query": count.format(
            **{"from": clause})}, headers={"Accept": "application/sparql-results+json"},
            timeout=60)
        return response.json()["results"]["bindings"][0]["n"]["value"]

    assert answer("") == "2"  # no FROM: the union of the node graphs
    assert answer(f"FROM <{node}>") == "2"
    assert answer("FROM <http://example.org/no-such-graph>") == "0"


def test_serve_says_at_start_up_that_the_query_workers_cannot_connect_out(tmp_path):
    import os
    import socket
    import subprocess
    import sys

    from pios_ld.aggregator import instance as instance_module

    folder = tmp_path / "aggregator"
    instance_module.init(folder)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen(
        [sys.executable, "-m", "pios_ld", "aggregator", "serve", str(folder), "--host",
         "127.0.0.1", "--port", str(port)],
        env={**os.environ, "PYTHONUNBUFFERED": "1"}, stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, text=True)
    lines = []
    try:
        for line in process.stdout:
            lines.append(line)
            if "serving" in line or len(lines) > 20:
                break
    finally:
        process.terminate()
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
    said = "".join(lines)
    # seccomp needs no privilege on Linux; the namespace needs root or user namespaces
    assert "SPARQL query workers cannot open network connections (seccomp" in said, said
