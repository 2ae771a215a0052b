"""The national graph on an external SPARQL 1.1 server (DESIGN.md §10), behind :class:`GraphStore`.

With ``store_query_url``, ``store_update_url`` and ``store_data_url`` set, :class:`ExternalStore`
keeps everything on that server (``docs/decisions/0009-external-store.md``):

- one named graph per node (its base URL) and the reference graph: the **national** graphs;
- the history as the named graph :data:`~pios_ld.aggregator.crawllog.HISTORY` and the crawl log
  as :data:`~pios_ld.aggregator.crawllog.CRAWL_LOG` (or both on a second server named by the
  ``store_history_…`` settings);
- the list of national graphs, as the named graph :data:`CATALOGUE` (``<CATALOGUE> void:subset
  <graph>``), so that any process reading the server knows which graphs make up the national graph,
  with a generation (``<CATALOGUE> dcterms:identifier "…"``) that every write renews.

Many readers: several serving processes (each its own instance folder, on one machine or several)
may read one server while one of them crawls. Each looks at the catalogue at most every
:data:`FOLLOW_SECONDS` (:meth:`ExternalStore.follow`, through :attr:`ExternalStore.writes`); a new
generation makes it publish a new manifest and forget its cached pages (``docs/scale.md``).

The server's own default graph is never used: every query names its dataset with the protocol's
``default-graph-uri`` and ``named-graph-uri`` (the national graphs for ``/sparql``; the history
graph and the crawl log for ``/sparql/history``), which makes the union default graph right on
any server, whatever else it holds (Virtuoso's system graphs, the history).

Writing: a node graph is replaced with one Graph Store Protocol ``PUT`` (atomic per graph on the
servers we test), history and crawl log statements are appended with ``POST``, removed nodes'
graphs are dropped with one SPARQL update. A commit writes the node graphs first, then the
catalogue, then the history; if the server fails half-way the error reaches the crawler before the
registry records the crawl, so the next crawl writes the same graphs again (replacing a graph with
the same statements, or appending statements that are there already, changes nothing), and every
graph on the server is at all times either its last good state or the new one.

Reading: :meth:`ExternalStore.snapshot` publishes a *manifest* (``snapshots/<time>.json``: the
national graphs at that moment) in place of the embedded store's copy; query workers and dumps
open it with :func:`open_manifest`. A query worker cannot open a connection (its sandbox), so it
reads through a :class:`PipeClient`: the server process sends the screened query to
``store_query_url`` (:func:`fetch`) and relays the answer. Answers come back as SPARQL JSON
results or N-Triples and are read into pyoxigraph's own result objects, so formats, caps and
pages behave as with the embedded store.

Credentials come from settings only (``store_user`` and ``store_password``: HTTP basic, or digest
with ``store_auth = "digest"`` as Virtuoso wants; or ``store_token``: a bearer token). Every
failure of the server (refused, slow, ``5xx``, an unexpected answer) is a :class:`StoreError`.
"""

from __future__ import annotations

import functools
import json
import os
import re
import threading
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import requests
from pios_ld.aggregator import sparqlcheck
from pios_ld.aggregator.crawllog import CRAWL_LOG, HISTORY

from pios_ld.errors import StoreError, StoreMissing, StoreTimeout

#: The named graph that lists the national graphs.
CATALOGUE = "https://w3id.org/pios/graph/catalogue"
_SUBSET = ox.NamedNode("http://rdfs.org/ns/void#subset")
#: the catalogue's generation: new with every write, so that other processes see a change
_GENERATION = ox.NamedNode("http://purl.org/dc/terms/identifier")
#: how often (seconds) a process looks whether another one wrote to the server
FOLLOW_SECONDS = 2.0
#: the longest that look may take (pages wait for it): a slow server is noticed by the query
_FOLLOW_TIMEOUT = 5.0
#: Named in place of an empty list of graphs (the protocol has no way to say "none").
NO_GRAPH = "urn:x-pios:no-graph"
NATIONAL, HISTORY_DATASET = "national", "history"
#: The query that lists an endpoint's named graphs (aggregator/sparql.py).
GRAPH_LIST = "SELECT ?g WHERE { GRAPH ?g { } } ORDER BY ?g"
_NT = ox.RdfFormat.N_TRIPLES
_RDF_TYPES = {"application/n-triples": _NT, "text/plain": _NT, "text/ntriples": _NT,
              "text/turtle": ox.RdfFormat.TURTLE, "application/x-turtle": ox.RdfFormat.TURTLE,
              "application/rdf+xml": ox.RdfFormat.RDF_XML}
_GRAPH_ACCEPT = "application/n-triples, text/turtle;q=0.9, application/rdf+xml;q=0.5"


def configured(settings: Mapping[str, Any]) -> bool:
    """True when *settings* name an external store."""
    return bool(settings.get("store_query_url"))


@dataclass(frozen=True)
class Endpoint:
    """One server's three URLs and how to sign in (never part of a URL or a command line)."""

    query_url: str
    update_url: str
    data_url: str
    user: str = ""
    password: str = ""
    token: str = ""
    auth: str = "basic"
    timeout: float = 60.0

    def session(self) -> requests.Session:
        session = requests.Session()
        if self.token:
            session.headers["Authorization"] = f"Bearer {self.token}"
        elif self.user:
            kind = (requests.auth.HTTPDigestAuth if self.auth == "digest"
                    else requests.auth.HTTPBasicAuth)
            session.auth = kind(self.user, self.password)
        return session


@dataclass(frozen=True)
class Connection:
    """The main server and the one holding the history (the same unless configured apart)."""

    main: Endpoint
    history: Endpoint

    @classmethod
    def from_settings(cls, settings: Mapping[str, Any]) -> Connection:
        missing = [name for name in ("store_query_url", "store_update_url", "store_data_url")
                   if not settings.get(name)]
        if missing:
            names = ", ".join(missing)
            raise StoreError(
                f"An external store needs store_query_url, store_update_url and store_data_url; "
                f"{names} is not set (in aggregator.toml or PIOS_AGGREGATOR_{missing[0].upper()}).",
                f"En extern lagring behöver store_query_url, store_update_url och store_data_url; "
                f"{names} saknas (i aggregator.toml eller PIOS_AGGREGATOR_{missing[0].upper()}).")
        main = Endpoint(settings["store_query_url"], settings["store_update_url"],
                        settings["store_data_url"], settings.get("store_user", ""),
                        settings.get("store_password", ""), settings.get("store_token", ""),
                        settings.get("store_auth", "basic"),
                        float(settings.get("store_timeout", 60.0)))
        history = main
        if settings.get("store_history_query_url"):
            history = replace(main, query_url=settings["store_history_query_url"],
                              update_url=settings.get("store_history_update_url")
                              or main.update_url,
                              data_url=settings.get("store_history_data_url") or main.data_url)
        return cls(main, history)


class _Client:
    """HTTP to one endpoint; every failure becomes a :class:`StoreError` (the one boundary).
    One session (its kept-alive connections) per thread that uses it, all closed by
    :meth:`close`."""

    def __init__(self, endpoint: Endpoint) -> None:
        self.endpoint = endpoint
        self._local = threading.local()
        self._sessions: list[requests.Session] = []
        self._sessions_lock = threading.Lock()

    @property
    def session(self) -> requests.Session:
        if not hasattr(self._local, "session"):
            self._local.session = self.endpoint.session()
            with self._sessions_lock:
                self._sessions.append(self._local.session)
        return self._local.session

    def close(self) -> None:
        """Close every thread's connections to the server (a later request opens new ones)."""
        with self._sessions_lock:
            sessions, self._sessions = self._sessions, []
        for session in sessions:
            session.close()
        self._local = threading.local()

    def send(self, method: str, url: str, what: tuple[str, str], *,
             timeout: float | None = None, **kwargs) -> requests.Response:
        """*timeout*: this request's, when shorter than the endpoint's (a query's deadline)."""
        en, sv = what
        timeout = self.endpoint.timeout if timeout is None else min(timeout,
                                                                   self.endpoint.timeout)
        try:
            response = self.session.request(method, url, timeout=(min(10.0, timeout), timeout),
                                            **kwargs)
        except requests.Timeout as exc:
            raise StoreTimeout(f"The store at {url} did not answer within {timeout:g} s ({en}).",
                             f"Lagringen på {url} svarade inte inom {timeout:g} s ({sv}).") from exc
        except requests.RequestException as exc:
            raise StoreError(
                f"The store at {url} cannot be reached ({en}): {type(exc).__name__}.",
                f"Lagringen på {url} går inte att nå ({sv}): {type(exc).__name__}.") from exc
        if response.status_code >= 400:
            text = " ".join(response.text[:300].split())
            raise (StoreMissing if response.status_code == 404 else StoreError)(
                f"The store at {url} answered {response.status_code} ({en}): {text}",
                f"Lagringen på {url} svarade {response.status_code} ({sv}): {text}")
        return response

    def graph_response(self, graph: str, timeout: float | None = None
                       ) -> requests.Response | None:
        """The server's answer to reading *graph* (None when it has no such graph)."""
        try:
            return self.send("GET", self.endpoint.data_url,
                             ("reading a graph", "läser en graf"), params={"graph": graph},
                             headers={"Accept": _GRAPH_ACCEPT}, timeout=timeout)
        except StoreMissing:
            return None

    def graph(self, graph: str, timeout: float | None = None
              ) -> tuple[bytes, ox.RdfFormat] | None:
        """The statements of *graph* and their format (None when the server has no such
        graph)."""
        response = self.graph_response(graph, timeout)
        return None if response is None else (response.content, _rdf_format(response))

    def put(self, graph: str, data: bytes) -> None:
        self.send("PUT", self.endpoint.data_url, ("replacing a graph", "ersätter en graf"),
                  params={"graph": graph}, data=data,
                  headers={"Content-Type": "application/n-triples"})

    def post(self, graph: str, data: bytes) -> None:
        self.send("POST", self.endpoint.data_url, ("adding statements", "lägger till påståenden"),
                  params={"graph": graph}, data=data,
                  headers={"Content-Type": "application/n-triples"})

    def update(self, update: str) -> None:
        self.send("POST", self.endpoint.update_url, ("a SPARQL update", "en SPARQL-uppdatering"),
                  data={"update": update})

    def query(self, query: str, accept: str, default_graphs: list[str] | None,
              named_graphs: list[str] | None, timeout: float | None = None) -> requests.Response:
        fields: list[tuple[str, str]] = [("query", query)]
        if default_graphs is not None:
            fields += [("default-graph-uri", g) for g in default_graphs or [NO_GRAPH]]
        if named_graphs is not None:
            fields += [("named-graph-uri", g) for g in named_graphs or [NO_GRAPH]]
        return self.send("POST", self.endpoint.query_url, ("a query", "en fråga"), data=fields,
                         headers={"Accept": accept}, timeout=timeout)


def _rdf_format(response: requests.Response) -> ox.RdfFormat:
    media = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
    return _RDF_TYPES.get(media, _NT)


def _parse(data: bytes, fmt: ox.RdfFormat) -> list[ox.Triple]:
    if not data:
        return []
    return [ox.Triple(t.subject, t.predicate, t.object) for t in ox.parse(data, format=fmt)]


#: strings, IRIs and comments, where a brace is no brace
_OPAQUE = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*"""'
    r"|'''(?:[^'\\]|\\.|'(?!''))*'''"
    r'|"(?:[^"\\\n]|\\.)*"'
    r"|'(?:[^'\\\n]|\\.)*'"
    r"|<[^<>\"{}|^`\\\s]*>"
    r"|#[^\n]*",
    re.DOTALL,
)
_WHERE = re.compile(r"\bWHERE\s*\{", re.IGNORECASE)


def bind(sparql: str, substitutions: Mapping[Any, Any] | None) -> str:
    """*sparql* with pyoxigraph-style *substitutions* (variable → term) as a ``VALUES`` block
    opening every WHERE clause, sub-selects included (pyoxigraph binds the variable everywhere,
    and the protocol has no bindings): for the pages' queries, whose bound variables are in the
    projections, the answers are the same. The terms are written by pyoxigraph (N-Triples
    syntax, escaped), never taken from text."""
    if not substitutions:
        return sparql
    names, terms = [], []
    for variable, term in substitutions.items():
        if isinstance(term, ox.BlankNode):
            raise ValueError("a blank node cannot be bound in a query sent to a server")
        names.append(str(variable if isinstance(variable, ox.Variable) else ox.Variable(variable)))
        terms.append(str(term))
    block = f" VALUES ({' '.join(names)}) {{ ({' '.join(terms)}) }}\n"
    masked = _OPAQUE.sub(lambda m: " " * len(m.group(0)), sparql)
    places = [m.end() for m in _WHERE.finditer(masked)] or [masked.index("{") + 1]
    for at in reversed(places):
        sparql = sparql[:at] + block + sparql[at:]
    return sparql


_GROUPS = re.compile(r"\b(?:WHERE|CONSTRUCT)\b|[{}()]", re.IGNORECASE)


def with_dataset(sparql: str, default_graphs: list[str], named_graphs: list[str]) -> str | None:
    """*sparql* (which has no ``FROM`` of its own) with its dataset written into it, as ``FROM``
    and ``FROM NAMED`` clauses before its ``WHERE`` clause, or ``None`` when there is no place
    for them (a ``DESCRIBE`` without a ``WHERE``).

    The same dataset as the protocol's ``default-graph-uri`` and ``named-graph-uri``, but a
    server cannot echo it back: Virtuoso answers one ``X-SPARQL-default-graph`` header per
    graph, and past 100 of them (a national dataset) no HTTP client reads the answer. An empty
    default graph is :data:`NO_GRAPH`. The IRIs are written by pyoxigraph, never taken from
    text; the result is parsed before it is used."""
    masked = _OPAQUE.sub(lambda m: " " * len(m.group(0)), sparql)
    depth, construct, at = 0, False, None
    for found in _GROUPS.finditer(masked):
        token = found.group(0).upper()
        if token in "{(":
            if token == "{" and depth == 0 and not construct:
                at = found.start()  # the WHERE clause, without its keyword
                break
            depth += 1
        elif token in "})":
            depth -= 1
        elif token == "CONSTRUCT":
            construct = depth == 0  # its template is a group too: only WHERE opens the clause
        elif depth == 0:
            at = found.start()
            break
    if at is None:
        return None
    clauses = [f"FROM {ox.NamedNode(g)}" for g in default_graphs or [NO_GRAPH]]
    clauses += [f"FROM NAMED {ox.NamedNode(g)}" for g in named_graphs]
    written = sparql[:at] + "\n".join(clauses) + "\n" + sparql[at:]
    try:
        ox.Store().query(written)
    except SyntaxError:
        return None
    return written


#: the screen (rdflib's parser) for the pages' constant queries, remembered
_screen = functools.lru_cache(maxsize=256)(sparqlcheck.inspect)


@dataclass(frozen=True)
class _Fetched:
    """An answer relayed from the server process (what a query worker reads of a response)."""

    content: bytes
    headers: dict[str, str]


class PipeClient:
    """A sealed query worker's way to the store: each request goes over the worker's pipe to the
    server process, which sends it (:func:`fetch`) and relays the answer or the failure."""

    def __init__(self, pipe, dataset: str) -> None:
        self.pipe = pipe
        self.dataset = dataset

    def _ask(self, request: dict[str, Any]) -> _Fetched | None:
        self.pipe.send(("fetch", {"dataset": self.dataset, **request}))
        reply = self.pipe.recv()
        if reply[0] == "raised":  # the store's StoreError, as the server process caught it
            raise reply[1]
        if reply[0] == "fetch-missing":
            return None
        return _Fetched(reply[1], {"Content-Type": reply[2]})

    def query(self, query: str, accept: str, default_graphs: list[str] | None,
              named_graphs: list[str] | None) -> _Fetched:
        answer = self._ask({"kind": "query", "query": query, "accept": accept,
                            "default_graphs": default_graphs, "named_graphs": named_graphs})
        assert answer is not None
        return answer

    def graph(self, graph: str) -> tuple[bytes, ox.RdfFormat] | None:
        answer = self._ask({"kind": "graph", "graph": graph})
        return None if answer is None else (answer.content, _rdf_format(answer))


def fetch(connection: Connection | None, request: dict[str, Any], timeout: float) -> tuple:
    """Send a query worker's request (:class:`PipeClient`) to the store; the reply for its pipe.
    Only ever to the configured URLs: a query or a whole-graph read, never an update."""
    if connection is None:
        return ("raised", StoreError("No external store is configured.",
                                     "Ingen extern lagring är inställd."))
    endpoint = connection.history if request["dataset"] == HISTORY_DATASET else connection.main
    bounded = timeout < endpoint.timeout  # the query's own deadline comes first
    client = _clients(endpoint)
    try:
        if request["kind"] == "graph":
            response = client.graph_response(request["graph"], timeout)
            if response is None:
                return ("fetch-missing",)
        else:
            response = client.query(request["query"], request["accept"],
                                    request["default_graphs"], request["named_graphs"], timeout)
    except StoreTimeout as exc:
        if bounded:  # the query ran out of time: stopped as any query past its deadline
            return ("fetch-timeout",)
        return ("raised", exc)
    except StoreError as exc:
        return ("raised", exc)
    return ("fetched", response.content, response.headers.get("Content-Type", ""))


_fetch_clients: dict[Endpoint, _Client] = {}
_fetch_lock = threading.Lock()


def _clients(endpoint: Endpoint) -> _Client:
    """The server process's one client per endpoint for its query workers' requests (each
    request thread keeps its connections open); :func:`close_clients` closes them."""
    with _fetch_lock:
        if endpoint not in _fetch_clients:
            _fetch_clients[endpoint] = _Client(endpoint)
        return _fetch_clients[endpoint]


def close_clients(connection: Connection | None) -> None:
    """Close the connections :func:`fetch` keeps open to *connection*'s servers (an
    application closing)."""
    if connection is None:
        return
    with _fetch_lock:
        clients = [_fetch_clients.pop(e) for e in {connection.main, connection.history}
                   if e in _fetch_clients]
    for client in clients:
        client.close()


class RemoteDataset:
    """One dataset (national or history) on the server, answering as a pyoxigraph store does:
    ``query`` (with the same dataset options), ``quads_for_pattern`` for whole graphs,
    ``named_graphs`` and ``len``."""

    def __init__(self, connection: Connection | None, dataset: str, graphs: Iterable[str],
                 client=None) -> None:
        self.dataset = dataset
        self.graphs = sorted(graphs)
        if client is None:
            assert connection is not None
            client = _Client(connection.history if dataset == HISTORY_DATASET
                             else connection.main)
        self._client = client

    def _dataset(self, sparql: str, default_graph, named_graphs,
                 union: bool) -> tuple[list[str] | None, list[str] | None]:
        """The protocol's default and named graphs for these ``Store.query`` options."""
        def names(graphs, default: str | None) -> list[str]:
            out = []
            for g in graphs:
                if isinstance(g, ox.DefaultGraph):
                    if default:
                        out.append(default)
                else:
                    out.append(g.value if isinstance(g, ox.NamedNode) else str(g))
            return out

        history = self.dataset == HISTORY_DATASET
        own = [CRAWL_LOG] if history else self.graphs
        named = names(named_graphs, None) if named_graphs is not None else None
        if default_graph is not None:
            return names(default_graph, HISTORY if history else None), \
                named if named is not None else own
        if union:
            return own, named if named is not None else own
        if history and not _screen(sparql).has_dataset:
            return [HISTORY], named if named is not None else own
        if not history and named is None and not _screen(sparql).has_dataset:
            return [], own  # national without union: the (empty) default graph
        return None, named  # the query's own FROM / FROM NAMED

    def query(self, sparql: str, *, default_graph=None, named_graphs=None,
              use_default_graph_as_union: bool = False, base_iri: str | None = None,
              custom_functions=None, substitutions=None):
        sparql = _screen(sparql).text  # refuses an update or a SERVICE: never forwarded
        if " ".join(sparql.split()) == GRAPH_LIST and named_graphs is None:
            return self._graph_list()
        # the form of the answer (and any syntax error), from an empty in-memory store
        probe = ox.Store().query(sparql, base_iri=base_iri, custom_functions=custom_functions,
                                 substitutions=substitutions)
        constructs = isinstance(probe, ox.QueryTriples)
        del probe  # pyoxigraph's results belong to this thread: not kept by a traceback's frame
        sparql = bind(sparql, substitutions)
        if base_iri:
            sparql = f"BASE {ox.NamedNode(base_iri)}\n{sparql}"
        dg, ng = self._dataset(sparql, default_graph, named_graphs, use_default_graph_as_union)
        if dg is not None and ng is not None and not _screen(sparql).has_dataset:
            written = with_dataset(sparql, dg, ng)
            if written is not None:  # the dataset in the text: nothing for the server to echo
                sparql, dg, ng = written, None, None
        if constructs:
            response = self._client.query(sparql, _GRAPH_ACCEPT, dg, ng)
            memory = ox.Store()
            memory.extend(ox.Quad(t.subject, t.predicate, t.object)
                          for t in _parse(response.content, _rdf_format(response)))
            return memory.query("CONSTRUCT WHERE { ?s ?p ?o }")
        response = self._client.query(sparql, "application/sparql-results+json", dg, ng)
        try:
            return ox.parse_query_results(response.content, format=ox.QueryResultsFormat.JSON)
        except (SyntaxError, ValueError) as exc:
            raise StoreError(
                f"The store sent an answer that is not SPARQL JSON results: {exc}",
                f"Lagringen skickade ett svar som inte är SPARQL JSON-resultat: {exc}") from exc

    def _graph_list(self):
        """The endpoint's own listing of its named graphs (the service description), answered
        from the manifest: Virtuoso gives ``GRAPH ?g { }`` no solutions at all."""
        memory = ox.Store()
        marker = ox.NamedNode(NO_GRAPH)
        memory.extend(ox.Quad(marker, marker, marker, g) for g in self.named_graphs())
        return memory.query(GRAPH_LIST)

    def quads_for_pattern(self, subject, predicate, obj, graph) -> list[ox.Quad]:
        """The statements of one whole graph (the only pattern dumps ask for)."""
        if subject is not None or predicate is not None or obj is not None or graph is None:
            raise ValueError("a remote dataset is read one whole graph at a time")
        name = graph.value if isinstance(graph, ox.NamedNode) else HISTORY
        found = self._client.graph(name)
        return [ox.Quad(t.subject, t.predicate, t.object, graph)
                for t in (_parse(*found) if found else [])]

    def named_graphs(self) -> list[ox.NamedNode]:
        graphs = [CRAWL_LOG] if self.dataset == HISTORY_DATASET else self.graphs
        return [ox.NamedNode(g) for g in graphs]

    def __len__(self) -> int:
        if self.dataset == HISTORY_DATASET:
            query = "SELECT (COUNT(*) AS ?n) WHERE { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } }"
        else:
            query = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
        return int(next(iter(self.query(query)))["n"].value)


def open_manifest(path: str | os.PathLike, dataset: str = NATIONAL,
                  connection: Connection | None = None, client=None) -> RemoteDataset:
    """One dataset of a published manifest, read through *client* (a query worker's
    :class:`PipeClient`) or *connection*, by default the one the manifest's instance settings
    name (files and environment)."""
    manifest = json.loads(Path(path).read_text(encoding="utf-8"))
    if client is not None:
        return RemoteDataset(None, dataset, manifest["national"], client=client)
    if connection is None:
        from pios_ld.aggregator import settings as settings_module

        connection = Connection.from_settings(settings_module.load(manifest["instance"]))
    return RemoteDataset(connection, dataset, manifest["national"])


class ExternalStore:
    """The store on a SPARQL 1.1 server (see the module docstring); the same methods as
    :class:`~pios_ld.aggregator.store.OxigraphStore`."""

    def __init__(self, connection: Connection, snapshots: str | os.PathLike,
                 instance: str | os.PathLike, keep: int = 3) -> None:
        self.connection = connection
        self.snapshots = Path(snapshots)
        self.instance = Path(instance)
        self.keep = keep
        self._main = _Client(connection.main)
        self._history = _Client(connection.history)
        self._lock = threading.Lock()
        self._writes = 0
        self._followed = time.monotonic()
        self._graphs, self._generation = self._read_catalogue()

    def _read_catalogue(self, timeout: float | None = None) -> tuple[set[str], str]:
        """The national graphs and the generation the server's catalogue names."""
        found = self._main.graph(CATALOGUE, timeout)
        graphs, generation = set(), ""
        for t in (_parse(*found) if found else []):
            if t.predicate == _SUBSET and isinstance(t.object, ox.NamedNode):
                graphs.add(t.object.value)
            elif t.predicate == _GENERATION and isinstance(t.object, ox.Literal):
                generation = t.object.value
        return graphs, generation

    @property
    def writes(self) -> int:
        """How many changes this process has seen (its own writes and, checked at most every
        :data:`FOLLOW_SECONDS`, another process's): cached pages are kept while it stays."""
        self.follow()
        return self._writes

    def follow(self) -> bool:
        """Read the catalogue again if :data:`FOLLOW_SECONDS` have passed: True when another
        process wrote since (its graphs are then this store's). A failing server changes
        nothing here (the next query reports it)."""
        now = time.monotonic()
        if now - self._followed < FOLLOW_SECONDS or not self._lock.acquire(blocking=False):
            return False  # too soon, or this process is writing (and knows what it writes)
        try:
            self._followed = now
            try:
                graphs, generation = self._read_catalogue(_FOLLOW_TIMEOUT)
            except StoreError:
                return False
            if generation == self._generation:
                return False
            self._graphs, self._generation = graphs, generation
            self._writes += 1
            return True
        finally:
            self._lock.release()

    @property
    def national_graphs(self) -> list[str]:
        return sorted(self._graphs)

    # -- reading -----------------------------------------------------------------------------
    def _client_for(self, graph: str) -> _Client:
        return self._history if graph in (HISTORY, CRAWL_LOG) else self._main

    def graph(self, graph: str) -> list[ox.Quad]:
        found = self._client_for(graph).graph(graph)
        name = ox.NamedNode(graph)
        return [ox.Quad(t.subject, t.predicate, t.object, name)
                for t in (_parse(*found) if found else [])]

    def dataset(self, dataset: str = NATIONAL) -> RemoteDataset:
        client = self._history if dataset == HISTORY_DATASET else self._main
        return RemoteDataset(self.connection, dataset, self._graphs, client=client)

    def query(self, sparql: str, dataset: str = NATIONAL, **options):
        """As :meth:`OxigraphStore.query`: the national default graph is the union of the
        national graphs unless *options* name a ``default_graph``."""
        if dataset == NATIONAL and "default_graph" not in options:
            options["use_default_graph_as_union"] = True
        return self.dataset(dataset).query(sparql, **options)

    def __len__(self) -> int:
        return len(self.dataset(NATIONAL)) + len(self.dataset(HISTORY_DATASET))

    # -- writing -----------------------------------------------------------------------------
    def commit(self, batch) -> bool:
        """Write *batch*: node graphs (one ``PUT`` each), the catalogue, then the history and
        crawl log (``POST``); see the module docstring for a failure half-way."""
        extra = {g for g, _ in batch.append_nt} - {HISTORY, CRAWL_LOG}
        if extra:  # checked before anything is written
            raise ValueError(f"N-Triples can only be appended to the history: {sorted(extra)}")
        with self._lock:
            replaced: dict[str, bytes] = dict(batch.replace_nt)
            for graph, triples in batch.replace.items():
                replaced[graph] = ox.serialize(triples, format=_NT)
            appended: dict[str, list[bytes]] = {}
            for graph, triples in batch.append.items():
                if triples:
                    appended.setdefault(graph, []).append(ox.serialize(triples, format=_NT))
            for graph, data in batch.append_nt:
                if data:
                    appended.setdefault(graph, []).append(data)
            if not (replaced or appended):
                return False
            for graph, data in replaced.items():
                self._main.put(graph, data)
            for graph, parts in appended.items():
                if graph not in (HISTORY, CRAWL_LOG):
                    self._main.post(graph, b"".join(_lines(p) for p in parts))
            national = (set(replaced) | set(appended)) - {HISTORY, CRAWL_LOG}
            graphs = self._graphs | national
            if national - self._graphs:  # and any another process listed meanwhile
                graphs |= self._read_catalogue()[0]
            self._write_catalogue(graphs)  # a new generation: other processes see the change
            for graph in (HISTORY, CRAWL_LOG):
                if graph in appended:
                    self._history.post(graph, b"".join(_lines(p) for p in appended[graph]))
            self._writes += 1
            return True

    def _write_catalogue(self, graphs: set[str]) -> None:
        me = ox.NamedNode(CATALOGUE)
        generation = f"{time.time_ns()}-{os.getpid()}"
        triples = [ox.Triple(me, _SUBSET, ox.NamedNode(g)) for g in sorted(graphs)]
        triples.append(ox.Triple(me, _GENERATION, ox.Literal(generation)))
        self._main.put(CATALOGUE, ox.serialize(triples, format=_NT))
        # readers see the new graphs only once they are listed
        self._graphs, self._generation = set(graphs), generation

    def drop(self, graphs: Iterable[str]) -> None:
        """Remove whole node graphs (of nodes no longer registered)."""
        names = [ox.NamedNode(g) for g in graphs]
        if not names:
            return
        with self._lock:
            self._write_catalogue(self._graphs - {n.value for n in names})
            self._main.update(" ;\n".join(f"DROP SILENT GRAPH {n}" for n in names))
            self._writes += 1

    def load_graph(self, graph: str, data: bytes, fmt: ox.RdfFormat) -> None:
        """Replace *graph* with a parsed file (reference data), blank nodes skolemised."""
        from pios_ld.aggregator.store import Batch

        base = graph.rstrip("/") + "/.well-known/genid/"

        def term(t):
            return ox.NamedNode(base + t.value) if isinstance(t, ox.BlankNode) else t

        batch = Batch()
        batch.replace[graph] = [ox.Triple(term(t.subject), t.predicate, term(t.object))
                                for t in ox.parse(data, format=fmt)]
        self.commit(batch)

    # -- manifests for readers ---------------------------------------------------------------
    def snapshot(self) -> Path:
        """Publish the national graphs as they are now (``snapshots/<time>.json``)."""
        with self._lock:
            self.snapshots.mkdir(parents=True, exist_ok=True)
            stamp = f"{time.time_ns()}"
            partial = self.snapshots / f".{stamp}.json"
            partial.write_text(json.dumps({"store": "external", "instance": str(self.instance),
                                           "national": sorted(self._graphs),
                                           "writes": self._writes}), encoding="utf-8")
            target = self.snapshots / f"{stamp}.json"
            partial.rename(target)
            old = sorted((p for p in self.snapshots.glob("*.json") if p.stem.isdigit()),
                         key=lambda p: int(p.stem))
            for path in old[:-self.keep]:
                path.unlink(missing_ok=True)
            return target

    def close(self) -> None:
        """Close the connections to the server (nothing to flush: every write was sent when it
        was committed)."""
        self._main.close()
        self._history.close()


def _lines(data: bytes) -> bytes:
    return data if data.endswith(b"\n") else data + b"\n"
