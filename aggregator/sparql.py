"""The SPARQL 1.1 Protocol endpoint ``/sparql`` (read-only) and its service description.

- ``GET /sparql?query=…``, ``POST`` with ``application/x-www-form-urlencoded`` (``query=``) or
  ``application/sparql-query``; ``default-graph-uri`` / ``named-graph-uri`` choose the dataset.
- The default graph is the union of every node's current graph plus the reference data
  (organisations, concept labels), kept by the store as its default graph; the history and the
  crawl log are named graphs (``GRAPH <https://w3id.org/pios/graph/history>``).
- Updates are refused (``403``), so is ``SERVICE`` — before anything runs.
- Queries run in worker processes with a timeout (``503``) and a result cap (``413``); one client
  address may run ``sparql_per_client`` queries at once (``429``).
- ``GET /sparql`` without a query: the query page for a browser, the service description (SPARQL
  Service Description in Turtle) for anyone else.
"""

from __future__ import annotations

import threading
from collections import defaultdict
from contextlib import contextmanager

from flask import Blueprint, Response, current_app, render_template, request
from pios_ld.aggregator import examples, results, sparqlcheck
from pios_ld.aggregator.crawllog import CRAWL_LOG, HISTORY, REFERENCE

from pios_ld.errors import InputError, PiosError

blueprint = Blueprint("sparql", __name__)


class TooManyRequests(PiosError):
    status = 429
    code = "too-many-requests"


class _ClientGate:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._running: dict[str, int] = defaultdict(int)

    @contextmanager
    def enter(self, client: str, cap: int):
        with self._lock:
            if self._running[client] >= cap:
                raise TooManyRequests(
                    f"At most {cap} queries from one client may run at once; wait for the "
                    "others to finish.",
                    f"Högst {cap} frågor från samma klient kan köras samtidigt; vänta tills de "
                    "andra är klara.")
            self._running[client] += 1
        try:
            yield
        finally:
            with self._lock:
                self._running[client] -= 1


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


def run_query(query: str, accept: str | None, fmt: str | None = None,
              default_graphs: list[str] | None = None):
    """Check and run *query* in a worker; returns a :class:`queryworker.Answer`."""
    app = current_app
    sparqlcheck.inspect(query)  # refuses updates and SERVICE before anything runs
    client = request.remote_addr or "?"
    settings = app.config["PIOS"]
    with app.extensions["pios_gate"].enter(client, int(settings["sparql_per_client"])):
        snapshot = app.extensions["pios"].snapshot()
        return app.extensions["pios_queries"].run(query, snapshot, default_graphs, accept, fmt)


@blueprint.route("/sparql", methods=["GET", "POST", "OPTIONS"])
def endpoint() -> Response:
    if request.method == "OPTIONS":
        return Response(status=204)
    query = _query_from_request()
    if not query:
        if request.accept_mimetypes.best_match(["text/html", "text/turtle"]) == "text/html":
            return query_page()
        return service_description()
    defaults = request.values.getlist("default-graph-uri") or None
    fmt = request.values.get("format") or request.values.get("output")
    try:
        answer = run_query(query, request.headers.get("Accept"), fmt, defaults)
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


def query_page() -> Response:
    """The query page: an editor that works without JavaScript, examples, results as a table."""
    ui = current_app.extensions["pios_ui"]
    lang = ui.lang()
    query = request.values.get("q") or request.values.get("query") or ""
    example_id = request.values.get("example")
    chosen = examples.by_id(example_id) if example_id else None
    if chosen and not query:
        query = chosen.query
    table = error = None
    if query and request.values.get("run", "1") != "0":
        try:
            answer = run_query(query, "application/sparql-results+json")
            table = ui.table_from_json(answer.body)
        except PiosError as exc:
            error = exc.text(lang)
    if not query:
        query = examples.EXAMPLES[0].query
    return ui.render("query.html", title=ui.t("SPARQL query"), query=query, table=table,
                     error=error, examples=examples.EXAMPLES, chosen=chosen,
                     data={"query": query, "results": table, "error": error})


def service_description() -> Response:
    base = request.url_root.rstrip("/")
    text = f"""@prefix sd: <http://www.w3.org/ns/sparql-service-description#> .
@prefix void: <http://rdfs.org/ns/void#> .
@prefix dct: <http://purl.org/dc/terms/> .

<{base}/sparql> a sd:Service ;
    sd:endpoint <{base}/sparql> ;
    sd:supportedLanguage sd:SPARQL11Query ;
    sd:resultFormat <http://www.w3.org/ns/formats/SPARQL_Results_JSON>,
        <http://www.w3.org/ns/formats/SPARQL_Results_XML>,
        <http://www.w3.org/ns/formats/SPARQL_Results_CSV>,
        <http://www.w3.org/ns/formats/SPARQL_Results_TSV>,
        <http://www.w3.org/ns/formats/Turtle>, <http://www.w3.org/ns/formats/N-Triples>,
        <http://www.w3.org/ns/formats/JSON-LD>, <http://www.w3.org/ns/formats/N-Quads> ;
    sd:feature sd:UnionDefaultGraph ;
    sd:defaultDataset [ a sd:Dataset ;
        dct:description '''Default graph: the union of every node's current graph and the
reference data. Named graphs: one per node (its base URL), the history, the crawl log, the
reference data.'''@en ;
        sd:namedGraph [ sd:name <{HISTORY}> ], [ sd:name <{CRAWL_LOG}> ],
            [ sd:name <{REFERENCE}> ] ] ;
    dct:description '''Read-only. Updates and SERVICE are refused; queries have a timeout
and a result cap.'''@en .
"""
    return Response(text, mimetype="text/turtle")


__all__ = ["blueprint", "run_query", "render_template"]
