"""SPARQL queries in worker processes that can be stopped and cannot reach the network.

pyoxigraph's ``Store.query`` has no timeout, and a thread cannot be stopped, so queries run in a
small pool of worker processes (``spawn``, so no RocksDB handle is inherited). Each worker first
seals itself off from the network (:func:`pios_ld.aggregator.sandbox.enter`: seccomp and a network
namespace of its own) and tells the server what holds; then, for each query, it screens the text
(:func:`pios_ld.aggregator.sparqlcheck.inspect`: SERVICE and updates refused on the parsed query)
and runs exactly the text it screened. It opens the asked dataset (national or history) of the
newest store snapshot read-only (:meth:`OxigraphStore.snapshot`) and answers with the serialised
result, already counted against the result cap, or with the error itself (a refused query, too
many results, a syntax error, the external store's failure: the :class:`~pios_ld.errors.PiosError`
pickles), which :meth:`QueryPool.run` raises again as it is. When a query (its screening
included) passes its deadline the parent kills that worker and starts a fresh one; the other
workers keep answering.

With an external store the "snapshot" is a manifest: the sealed worker still screens, checks and
serialises, but asks the server process over its pipe to send the screened query to the store
(``("fetch", …)``, answered by :func:`pios_ld.aggregator.external.fetch`): the worker itself never
opens a connection, and the server only ever connects to the configured store URLs.

Visitor SPARQL runs nowhere else: the endpoints and the query page reach the store only through
:meth:`QueryPool.run`.
"""

from __future__ import annotations

import functools
import logging
import multiprocessing
import queue
import re
import sys
import threading
import time
from dataclasses import dataclass
from typing import Any

from pios_ld.errors import (
    Busy,
    InputError,
    PiosError,
    QuerySyntaxError,
    QueryTimeout,
    TooManyResults,
)

log = logging.getLogger(__name__)


class UnknownFunction(Exception):
    """The query calls a function pyoxigraph does not know (its IRI is the argument)."""


@dataclass(frozen=True)
class Answer:
    media_type: str
    body: bytes
    count: int


#: pyoxigraph's message for a function it does not know (raised while the query runs).
_UNKNOWN_FUNCTION = re.compile(r"The custom function <([^>]*)> is not supported")


def _unbound(*_args: Any) -> None:
    """An extension function this endpoint does not have: its value is an error (unbound)."""
    return None


def _worker_main(connection) -> None:  # runs in the child process
    from pios_ld.aggregator import sandbox

    report = sandbox.enter()  # before pyoxigraph is loaded: every thread it starts inherits it
    connection.send(("ready", report))
    # rdflib's grammar recurses once per chained triple pattern: let a query of ~2,000 through
    # (the worker's deadline bounds the time it takes)
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 20_000))
    import pyoxigraph as ox
    from pios_ld.aggregator import external, results, sparqlcheck
    from pios_ld.aggregator.store import NATIONAL, is_manifest, open_snapshot

    stores: dict[tuple[str, str], Any] = {}
    screen = functools.lru_cache(maxsize=256)(sparqlcheck.inspect)  # pages repeat their queries
    while True:
        try:
            request = connection.recv()
        except (EOFError, KeyboardInterrupt):
            return
        try:
            try:
                screened = screen(request["query"])
            except InputError as exc:
                connection.send(("raised", exc))
                continue
            snapshot, dataset = request["snapshot"], request["dataset"]
            if (snapshot, dataset) not in stores:
                if snapshot not in {key[0] for key in stores}:
                    stores.clear()  # a newer snapshot: let the old one go
                if snapshot and is_manifest(snapshot):  # an external store, through the pipe
                    stores[snapshot, dataset] = external.open_manifest(
                        snapshot, dataset, client=external.PipeClient(connection, dataset))
                else:
                    stores[snapshot, dataset] = (open_snapshot(snapshot, dataset) if snapshot
                                                 else ox.Store())
            store = stores[snapshot, dataset]
            options: dict[str, Any] = {"base_iri": request.get("base_iri")}
            if request["default_graph"] is not None:
                options["default_graph"] = [ox.NamedNode(g) for g in request["default_graph"]]
            if request.get("named_graphs") is not None:
                options["named_graphs"] = [ox.NamedNode(g) for g in request["named_graphs"]]
            union = request.get("union")
            if union is None:  # not said: the dataset's own default graph
                union = dataset == NATIONAL and request["default_graph"] is None
            if union and screened.has_dataset:  # FROM/FROM NAMED in the query win
                union = False
            if union:  # the default graph is the union of the node graphs
                options["use_default_graph_as_union"] = True
            if request.get("unsupported"):  # unknown functions: an error, i.e. unbound
                options["custom_functions"] = {ox.NamedNode(f): _unbound
                                               for f in request["unsupported"]}
            answer = store.query(screened.text, **options)  # the text that was screened
            cap = request["max_results"]
            name = results.negotiate(request["accept"], isinstance(answer, ox.QueryTriples),
                                     request["format"])
            if isinstance(answer, ox.QueryBoolean):
                (name, body), count = results.boolean(bool(answer), name), 1
            elif isinstance(answer, ox.QuerySolutions):
                variables = [v.value for v in answer.variables]
                rows = []
                for solution in answer:
                    rows.append([solution[i] for i in range(len(variables))])
                    if len(rows) > cap:
                        connection.send(("raised", _too_many(cap)))
                        break
                else:
                    (name, body), count = results.solutions(variables, rows, name), len(rows)
                    connection.send(("ok", results.media_type(name), body, count))
                continue
            else:
                statements = []
                for triple in answer:
                    statements.append(triple)
                    if len(statements) > cap:
                        break
                if len(statements) > cap:
                    connection.send(("raised", _too_many(cap)))
                    continue
                (name, body), count = results.triples(statements, name), len(statements)
            connection.send(("ok", results.media_type(name), body, count))
        except SyntaxError as exc:
            connection.send(("raised", QuerySyntaxError(f"SPARQL syntax error: {exc}",
                                                        f"Syntaxfel i SPARQL-frågan: {exc}")))
        except PiosError as exc:  # the external store failed, no acceptable format, …
            connection.send(("raised", exc))
        except RuntimeError as exc:
            unknown = _UNKNOWN_FUNCTION.fullmatch(str(exc))
            connection.send(("raised", UnknownFunction(unknown.group(1)) if unknown
                             else _failed(exc)))
        except Exception as exc:  # noqa: BLE001 - reported to the client, the worker lives on
            connection.send(("raised", _failed(exc)))


def _too_many(cap: int) -> TooManyResults:
    return TooManyResults(
        f"The answer has more than {cap:,} results; add a LIMIT or narrow the query.",
        f"Svaret har fler än {cap:,} rader; lägg till LIMIT eller avgränsa frågan.")


def _failed(exc: Exception) -> PiosError:
    reason = f"{type(exc).__name__}: {exc}"
    return PiosError(f"The query failed: {reason}", f"Frågan misslyckades: {reason}")


class _Worker:
    sandbox = None  # the worker's sandbox.Report, once it has said hello

    def __init__(self, context) -> None:
        self.connection, child = context.Pipe()
        self.process = context.Process(target=_worker_main, args=(child,), daemon=True,
                                       name="pios-sparql-worker")
        self.process.start()
        child.close()
        self._kill_lock = threading.Lock()
        self._killed = False

    def kill(self) -> None:
        """Stop the worker; a second call (a timeout and the pool's close at once) does nothing."""
        with self._kill_lock:
            if self._killed:
                return
            self._killed = True
        self.process.kill()
        self.process.join(5)
        self.connection.close()
        if self.process.exitcode is not None:  # its pipes to the parent, now, not when collected
            self.process.close()


class QueryPool:
    """A fixed number of query worker processes; :meth:`run` answers one query."""

    def __init__(self, size: int = 2, timeout: float = 15.0, max_results: int = 100_000,
                 remote=None) -> None:
        """*remote*: the :class:`~pios_ld.aggregator.external.Connection` of an external store,
        used in this process for the workers' ``fetch`` requests."""
        self.timeout = timeout
        self.remote = remote
        self.max_results = max_results
        self._context = multiprocessing.get_context("spawn")
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._all: list[_Worker] = []
        self._lock = threading.Lock()
        self._closed = False
        #: the sandbox report of the latest worker that started (None until one has)
        self.sandbox = None
        self._greeted = threading.Event()
        for _ in range(max(1, size)):
            self._add()

    def _add(self) -> None:
        worker = _Worker(self._context)
        with self._lock:
            if self._closed:  # closed while this worker was starting
                worker.kill()
                return
            self._all.append(worker)
        threading.Thread(target=self._greet, args=(worker,), daemon=True,
                         name="pios-sparql-worker-hello").start()

    def _greet(self, worker: _Worker) -> None:
        """Wait for a new worker's sandbox report, say loudly if it is not sealed, then use it."""
        try:
            ready = worker.connection.poll(60)
            hello = worker.connection.recv() if ready else None
        except (EOFError, OSError):
            hello = None
        if not hello or hello[0] != "ready":
            with self._lock:
                if worker in self._all:
                    self._all.remove(worker)
                closed = self._closed
            worker.kill()
            if not closed:
                log.error("A SPARQL query worker did not start; starting another.")
                time.sleep(1)
                self._add()
            return
        worker.sandbox = report = hello[1]
        if report.sealed:
            if self.sandbox is None:
                log.info("SPARQL query workers cannot open network connections: %s.",
                         report.describe())
        else:
            log.error("SPARQL QUERY WORKERS ARE NOT SEALED OFF FROM THE NETWORK (%s). SERVICE "
                      "is still refused by the query screen, but a screening bug could become a "
                      "request forgery. See docs/aggregator.md, 'Query sandbox'.",
                      report.describe())
        self.sandbox = report
        self._greeted.set()
        self._idle.put(worker)

    def wait_for_sandbox(self, timeout: float):
        """The first worker's :class:`sandbox.Report` (``None`` if none within *timeout*)."""
        self._greeted.wait(timeout)
        return self.sandbox

    def run(self, query: str, snapshot: str | None, default_graph: list[str] | None,
            accept: str | None, fmt: str | None = None, dataset: str = "national", *,
            named_graphs: list[str] | None = None, union: bool | None = None,
            base_iri: str | None = None, unsupported: tuple[str, ...] = ()) -> Answer:
        """Answer *query*; *default_graph* and *named_graphs* (lists of IRIs, ``[]`` for none)
        replace the query's own dataset, *union* makes the default graph the union of the named
        graphs (``None``: the dataset's usual default graph), *unsupported* names functions to
        evaluate as errors. Raises :class:`UnknownFunction` for a function pyoxigraph lacks."""
        try:
            worker = self._idle.get(timeout=self.timeout)
        except queue.Empty as exc:
            raise Busy("All query workers are busy; try again shortly.",
                       "Alla frågearbetare är upptagna; försök igen strax.") from exc
        worker.connection.send({"query": query, "snapshot": snapshot, "accept": accept,
                                "format": fmt, "default_graph": default_graph,
                                "dataset": dataset, "named_graphs": named_graphs,
                                "union": union, "base_iri": base_iri,
                                "unsupported": list(unsupported),
                                "max_results": self.max_results})
        deadline = time.monotonic() + self.timeout
        reply = None
        while worker.connection.poll(max(0.0, deadline - time.monotonic())):
            try:
                reply = worker.connection.recv()
            except EOFError as exc:
                with self._lock:
                    self._all.remove(worker)
                worker.kill()
                threading.Thread(target=self._add, daemon=True).start()
                raise PiosError("The query worker stopped unexpectedly.",
                                "Frågearbetaren avslutades oväntat.") from exc
            if reply[0] != "fetch":
                break
            from pios_ld.aggregator import external  # the worker asks for the store's answer

            fetched = external.fetch(self.remote, reply[1], max(0.1, deadline - time.monotonic()))
            reply = None
            if fetched[0] == "fetch-timeout":
                break
            worker.connection.send(fetched)
        if reply is None:
            with self._lock:
                self._all.remove(worker)
            worker.kill()
            threading.Thread(target=self._add, daemon=True).start()
            raise QueryTimeout(
                f"The query ran longer than {self.timeout:g} s and was stopped. Narrow it down "
                "(LIMIT, more specific patterns) and try again.",
                f"Frågan tog längre tid än {self.timeout:g} s och avbröts. Avgränsa den (LIMIT, "
                "mer specifika mönster) och försök igen.")
        self._idle.put(worker)
        if reply[0] == "raised":  # a PiosError (or UnknownFunction), as the worker raised it
            raise reply[1]
        return Answer(reply[1], reply[2], reply[3])

    def close(self) -> None:
        with self._lock:
            self._closed = True
            workers, self._all = list(self._all), []
        for worker in workers:
            worker.kill()
