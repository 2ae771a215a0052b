"""The SPARQL 1.1 Protocol endpoints (read-only) and their service descriptions.

Two datasets, two endpoints (``docs/decisions/0005-two-datasets.md``):

- ``/sparql``, the national graph: one named graph per node (its current state) and the reference
  data (organisations, concept labels); the default graph is the union of them all.
- ``/sparql/history``: every version read from the nodes' feeds is its default graph, and the
  crawl log (PROV) is the named graph ``https://w3id.org/pios/graph/crawl-log``.

Both speak the SPARQL 1.1 Protocol: requests are read strictly by
:mod:`~pios_ld.aggregator.protocol` (``400`` with the reason for anything malformed), the dataset
is the protocol's ``default-graph-uri``/``named-graph-uri``, else the query's ``FROM``/``FROM
NAMED``, else the endpoint's default dataset; relative IRIs resolve against the endpoint's URL
(``public_url`` + ``/sparql``, or the URL the request came to). Answers are negotiated and written
by :mod:`~pios_ld.aggregator.results`. A query on one endpoint that names the other's graphs gets
a ``400`` that says where to ask. A function the engine does not know is an error inside the
query (SPARQL §17: a FILTER is false, a BIND or SELECT expression unbound), not a failed request.
- Updates are refused (``403``), so is ``SERVICE`` — before anything runs.
- Queries run in worker processes with a timeout (``503``) and a result cap (``413``); they wait
  their turn in a bounded queue that is fair between clients (:mod:`pios_ld.aggregator.admission`:
  ``429``/``503`` with ``Retry-After`` only past its bounds).
- ``GET /sparql`` without a query: the query page for a browser, the service description (SPARQL
  1.1 Service Description, :mod:`~pios_ld.aggregator.servicedescription`) for anyone else.
"""

from __future__ import annotations

import json

from flask import Blueprint, Response, current_app, render_template, request
from pios_ld.aggregator import admission, examples, parts, protocol, queryworker, servicedescription
from pios_ld.aggregator.crawllog import CRAWL_LOG, HISTORY
from pios_ld.aggregator.store import HISTORY_DATASET, NATIONAL

from pios_ld import negotiate
from pios_ld.errors import InputError, PiosError

blueprint = Blueprint("sparql", __name__)


#: Most distinct unknown functions one query may call (each costs one more run).
MAX_UNKNOWN_FUNCTIONS = 8


def _check_dataset(query: str, dataset: str, graphs: tuple[str, ...] = ()) -> None:
    """Refuse a query (or protocol graphs) naming the other dataset's graphs: it could only
    answer nothing."""
    query = " ".join((query, *graphs))
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
              default_graphs: list[str] | None = None, dataset: str = NATIONAL, *,
              named_graphs: list[str] | None = None):
    """Check and run *query* on *dataset* in a worker; returns a :class:`queryworker.Answer`.

    *default_graphs* and *named_graphs* are the protocol's ``default-graph-uri`` and
    ``named-graph-uri``."""
    app = current_app
    asked = protocol.QueryRequest(query, tuple(default_graphs or ()), tuple(named_graphs or ()))
    _check_dataset(query, dataset, asked.default_graphs + asked.named_graphs)
    # the worker screens the query (sparqlcheck) and runs what it screened; it also drops the
    # union default graph when the query has FROM/FROM NAMED
    chosen = protocol.dataset(asked, False, union_by_default=dataset == NATIONAL)
    settings = app.config["PIOS"]
    client = admission.client_of(request.remote_addr,
                                 request.headers.get(settings["client_ip_header"]),
                                 parts.of(app).trusted_proxies)
    with parts.of(app).admission.slot(client):  # waits its turn (bounded, fair)
        snapshot = parts.of(app).state.snapshot()
        return _evaluate(query, snapshot, chosen, accept, fmt, dataset)


def _evaluate(query: str, snapshot: str, chosen: protocol.Dataset, accept: str | None,
              fmt: str | None, dataset: str) -> queryworker.Answer:
    """Run *query* in a worker; a function the engine does not know is run again as an error
    (unbound), as SPARQL evaluates a function it does not support."""
    unsupported: tuple[str, ...] = ()
    while True:
        try:
            return parts.of().queries.run(
                query, snapshot, chosen.default_graph, accept, fmt, dataset,
                named_graphs=chosen.named_graphs, union=chosen.union,
                base_iri=endpoint_url(dataset), unsupported=unsupported)
        except queryworker.UnknownFunction as exc:
            if len(unsupported) >= MAX_UNKNOWN_FUNCTIONS or exc.args[0] in unsupported:
                raise InputError(
                    f"The query calls more than {MAX_UNKNOWN_FUNCTIONS} functions this endpoint "
                    "does not know; it has the SPARQL 1.1 functions and XSD casts only.",
                    f"Frågan anropar fler än {MAX_UNKNOWN_FUNCTIONS} funktioner som tjänsten "
                    "inte känner till; den har bara SPARQL 1.1:s funktioner och "
                    "XSD-typomvandlingar.") from exc
            unsupported += (exc.args[0],)


def endpoint_url(dataset: str = NATIONAL) -> str:
    """The endpoint's URL: the base IRI of its queries and the subject of its description."""
    root = str(current_app.config["PIOS"]["public_url"] or request.url_root).rstrip("/")
    return f"{root}/sparql/history" if dataset == HISTORY_DATASET else f"{root}/sparql"


@blueprint.route("/sparql", methods=["GET", "POST", "OPTIONS"])
def endpoint() -> Response:
    return _endpoint(NATIONAL)


@blueprint.route("/sparql/history", methods=["GET", "POST", "OPTIONS"])
def history_endpoint() -> Response:
    return _endpoint(HISTORY_DATASET)


def _endpoint(dataset: str) -> Response:
    if request.method == "OPTIONS":
        return Response(status=204)
    asked = protocol.read(request.method, request.headers.get("Content-Type"),
                          request.query_string, request.get_data() if request.method == "POST"
                          else b"")
    if asked.query is None:
        offers = [("html", ("text/html", "application/xhtml+xml")),
                  *((name, (media,)) for name, media in servicedescription.FORMATS.items())]
        if (negotiate.preferences(request.headers.get("Accept"), offers) or ["turtle"])[0] \
                == "html":
            return query_page(dataset)
        return service_description(dataset)
    answer = run_query(asked.query, request.headers.get("Accept"), asked.format,
                       list(asked.default_graphs), dataset, named_graphs=list(asked.named_graphs))
    response = Response(answer.body, mimetype=answer.media_type)
    response.charset = "utf-8"
    response.headers["X-Result-Count"] = str(answer.count)
    if request.values.get("download"):
        ext = {"application/sparql-results+json": "json", "application/sparql-results+xml": "xml",
               "text/csv": "csv", "text/tab-separated-values": "tsv", "text/turtle": "ttl",
               "application/n-triples": "nt", "application/ld+json": "jsonld",
               "application/n-quads": "nq", "application/rdf+xml": "rdf"}[answer.media_type]
        response.headers["Content-Disposition"] = f'attachment; filename="pios-result.{ext}"'
    response.vary.add("Accept")
    return response


def query_page(dataset: str = NATIONAL) -> Response:
    """The query page: an editor that works without JavaScript, examples, results as a table."""
    ui = parts.of().ui
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
    """The SPARQL 1.1 Service Description of *dataset*'s endpoint, in the RDF syntax asked for
    (Turtle when none fits), with its named graphs as of the newest snapshot."""
    other = HISTORY_DATASET if dataset == NATIONAL else NATIONAL
    statements = servicedescription.describe(endpoint_url(dataset), dataset,
                                             _named_graphs(dataset), endpoint_url(other))
    name, body = servicedescription.write(statements, request.headers.get("Accept"))
    response = Response(body, mimetype=servicedescription.FORMATS[name])
    response.charset = "utf-8"
    response.vary.add("Accept")
    return response


def _named_graphs(dataset: str) -> list[str]:
    """The named graphs of *dataset* in the newest snapshot (remembered per snapshot)."""
    app = current_app
    snapshot = parts.of(app).state.snapshot()
    cache = app.extensions.setdefault("pios_named_graphs", {})
    if (snapshot, dataset) not in cache:
        answer = parts.of(app).queries.run(
            "SELECT ?g WHERE { GRAPH ?g { } } ORDER BY ?g", snapshot, None,
            "application/sparql-results+json", None, dataset, union=False)
        rows = json.loads(answer.body)["results"]["bindings"]
        for old in [key for key in cache if key[0] != snapshot]:
            del cache[old]
        cache[snapshot, dataset] = [row["g"]["value"] for row in rows]
    return cache[snapshot, dataset]


__all__ = ["blueprint", "run_query", "render_template"]
