"""The SPARQL 1.1 Protocol endpoints (read-only) and their service descriptions.

Two datasets, two endpoints (``docs/decisions/0005-two-datasets.md``):

- ``/sparql``, the national graph: one named graph per node (its current state) and the reference
  data (organisations, concept labels); the default graph is the union of them all.
- ``/sparql/history``: every version read from the nodes' feeds is its default graph, and the
  crawl log (PROV) is the named graph ``https://w3id.org/pios/graph/crawl-log``.

Both take ``GET …?query=…``, ``POST`` with ``application/x-www-form-urlencoded`` (``query=``) or
``application/sparql-query``; ``default-graph-uri`` chooses another default graph. A query on one
endpoint that names the other's graphs gets a ``400`` that says where to ask.
- Updates are refused (``403``), so is ``SERVICE`` — before anything runs.
- Queries run in worker processes with a timeout (``503``) and a result cap (``413``); they wait
  their turn in a bounded queue that is fair between clients (:mod:`pios_ld.aggregator.admission`:
  ``429``/``503`` with ``Retry-After`` only past its bounds).
- ``GET /sparql`` without a query: the query page for a browser, the service description (SPARQL
  Service Description in Turtle) for anyone else.
"""

from __future__ import annotations

from flask import Blueprint, Response, current_app, render_template, request
from pios_ld.aggregator import admission, examples, results, sparqlcheck
from pios_ld.aggregator.crawllog import CRAWL_LOG, HISTORY, REFERENCE
from pios_ld.aggregator.store import HISTORY_DATASET, NATIONAL

from pios_ld.errors import InputError, PiosError

blueprint = Blueprint("sparql", __name__)


def _query_from_request() -> str | None:
    if request.method == "POST":
        kind = (request.mimetype or "").lower()
        if kind == "application/sparql-update" or "update" in request.form:
            raise sparqlcheck.ForbiddenQueryError(
                "This endpoint is read-only: SPARQL updates are refused.",
                "Den här tjänsten är skrivskyddad: SPARQL-uppdateringar avvisas.")
        if kind == "application/sparql-query":
            return request.get_data(as_text=True)
        return request.form.get("query") or request.args.get("query")
    if "update" in request.args:
        raise sparqlcheck.ForbiddenQueryError(
            "This endpoint is read-only: SPARQL updates are refused.",
            "Den här tjänsten är skrivskyddad: SPARQL-uppdateringar avvisas.")
    return request.args.get("query")


def _check_dataset(query: str, dataset: str) -> None:
    """Refuse a query that names the other dataset's graphs: it could only answer nothing."""
    if dataset == NATIONAL and (HISTORY in query or CRAWL_LOG in query):
        raise InputError(
            "The history and the crawl log are a dataset of their own: ask /sparql/history, "
            "where every version is the default graph (no GRAPH clause needed) and the crawl "
            f"log is GRAPH <{CRAWL_LOG}>.",
            "Historiken och genomsökningsloggen är en egen datamängd: fråga /sparql/history, där "
            "varje version ligger i standardgrafen (ingen GRAPH-sats behövs) och loggen är "
            f"GRAPH <{CRAWL_LOG}>.")
    if dataset == HISTORY_DATASET and HISTORY in query:
        raise InputError(
            "In /sparql/history every version is in the default graph: leave out "
            f"GRAPH <{HISTORY}> (and FROM <{HISTORY}>).",
            "I /sparql/history ligger varje version i standardgrafen: ta bort "
            f"GRAPH <{HISTORY}> (och FROM <{HISTORY}>).")


def run_query(query: str, accept: str | None, fmt: str | None = None,
              default_graphs: list[str] | None = None, dataset: str = NATIONAL):
    """Check and run *query* on *dataset* in a worker; returns a :class:`queryworker.Answer`."""
    app = current_app
    _check_dataset(query, dataset)  # the worker screens the query (sparqlcheck) and runs that
    settings = app.config["PIOS"]
    client = admission.client_of(request.remote_addr,
                                 request.headers.get(settings["client_ip_header"]),
                                 app.extensions["pios_trusted_proxies"])
    with app.extensions["pios_admission"].slot(client):  # waits its turn (bounded, fair)
        snapshot = app.extensions["pios"].snapshot()
        return app.extensions["pios_queries"].run(query, snapshot, default_graphs, accept, fmt,
                                                  dataset)


@blueprint.route("/sparql", methods=["GET", "POST", "OPTIONS"])
def endpoint() -> Response:
    return _endpoint(NATIONAL)


@blueprint.route("/sparql/history", methods=["GET", "POST", "OPTIONS"])
def history_endpoint() -> Response:
    return _endpoint(HISTORY_DATASET)


def _endpoint(dataset: str) -> Response:
    if request.method == "OPTIONS":
        return Response(status=204)
    query = _query_from_request()
    if not query:
        if request.accept_mimetypes.best_match(["text/html", "text/turtle"]) == "text/html":
            return query_page(dataset)
        return service_description(dataset)
    defaults = request.values.getlist("default-graph-uri") or None
    fmt = request.values.get("format") or request.values.get("output")
    try:
        answer = run_query(query, request.headers.get("Accept"), fmt, defaults, dataset)
    except results.NotAcceptable as exc:
        raise InputError(f"No result format fits {exc}.", f"Inget resultatformat passar {exc}.") \
            from exc
    response = Response(answer.body, mimetype=answer.media_type)
    if answer.media_type.startswith("text/") or "json" in answer.media_type:
        response.charset = "utf-8"
    response.headers["X-Result-Count"] = str(answer.count)
    if request.values.get("download"):
        ext = {"application/sparql-results+json": "json", "application/sparql-results+xml": "xml",
               "text/csv": "csv", "text/tab-separated-values": "tsv", "text/turtle": "ttl",
               "application/n-triples": "nt", "application/ld+json": "jsonld",
               "application/n-quads": "nq"}[answer.media_type]
        response.headers["Content-Disposition"] = f'attachment; filename="pios-result.{ext}"'
    response.vary.add("Accept")
    return response


def query_page(dataset: str = NATIONAL) -> Response:
    """The query page: an editor that works without JavaScript, examples, results as a table."""
    ui = current_app.extensions["pios_ui"]
    lang = ui.lang()
    query = request.values.get("q") or request.values.get("query") or ""
    example_id = request.values.get("example")
    chosen = examples.by_id(example_id) if example_id else None
    if request.values.get("dataset") in (NATIONAL, HISTORY_DATASET):
        dataset = request.values["dataset"]
    if chosen and not query:
        query = chosen.query
        dataset = chosen.dataset
    table = error = None
    if query and request.values.get("run", "1") != "0":
        try:
            answer = run_query(query, "application/sparql-results+json", dataset=dataset)
            table = ui.table_from_json(answer.body)
        except PiosError as exc:
            error = exc.text(lang)
    if not query:
        query = examples.EXAMPLES[0].query
    endpoint_name = "sparql.history_endpoint" if dataset == HISTORY_DATASET else "sparql.endpoint"
    return ui.render("query.html", title=ui.t("SPARQL query"), query=query, table=table,
                     error=error, examples=examples.EXAMPLES, chosen=chosen, dataset=dataset,
                     endpoint_name=endpoint_name,
                     data={"query": query, "dataset": dataset, "results": table, "error": error})


def service_description(dataset: str = NATIONAL) -> Response:
    base = request.url_root.rstrip("/")
    if dataset == HISTORY_DATASET:
        url = f"{base}/sparql/history"
        described = f"""sd:defaultDataset [ a sd:Dataset ;
        dct:description '''Default graph: every version of every initiative read from the
nodes' feeds (dct:isVersionOf the initiative, prov:generatedAtTime). Named graph: the crawl log
(PROV), one prov:Activity per crawl of one node.'''@en ;
        sd:namedGraph [ sd:name <{CRAWL_LOG}> ] ] ;
    rdfs:seeAlso <{base}/sparql> ;"""
    else:
        url = f"{base}/sparql"
        described = f"""sd:feature sd:UnionDefaultGraph ;
    sd:defaultDataset [ a sd:Dataset ;
        dct:description '''Default graph: the union of the named graphs, that is every node's
current graph and the reference data. Named graphs: one per node (its base URL) and the reference
data. The history and the crawl log: {base}/sparql/history.'''@en ;
        sd:namedGraph [ sd:name <{REFERENCE}> ] ] ;
    rdfs:seeAlso <{base}/sparql/history> ;"""
    text = f"""@prefix sd: <http://www.w3.org/ns/sparql-service-description#> .
@prefix dct: <http://purl.org/dc/terms/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .

<{url}> a sd:Service ;
    sd:endpoint <{url}> ;
    sd:supportedLanguage sd:SPARQL11Query ;
    sd:resultFormat <http://www.w3.org/ns/formats/SPARQL_Results_JSON>,
        <http://www.w3.org/ns/formats/SPARQL_Results_XML>,
        <http://www.w3.org/ns/formats/SPARQL_Results_CSV>,
        <http://www.w3.org/ns/formats/SPARQL_Results_TSV>,
        <http://www.w3.org/ns/formats/Turtle>, <http://www.w3.org/ns/formats/N-Triples>,
        <http://www.w3.org/ns/formats/JSON-LD>, <http://www.w3.org/ns/formats/N-Quads> ;
    {described}
    dct:description '''Read-only. Updates and SERVICE are refused; queries have a timeout
and a result cap.'''@en .
"""
    return Response(text, mimetype="text/turtle")


__all__ = ["blueprint", "run_query", "render_template"]
