"""Benchmark of the aggregator: every reference organisation publishes, one crawl takes them all.

    python benchmarks/aggregator.py                    # 577 organisations x 60 initiatives
    python benchmarks/aggregator.py --orgs 50 --per-org 20
    python benchmarks/aggregator.py --scale 0.1        # a tenth of the organisations
    python benchmarks/aggregator.py --store all        # embedded, Oxigraph server, Virtuoso
    python benchmarks/aggregator.py --store embedded --store virtuoso

Writes each organisation's static export (discovery, catalog pages, LDES feed pages, in the
node's wire format from ``pios_ld.catalog`` / ``pios_ld.feed``, data from
``pios_ld.tools.generate``) into a temporary folder, serves the exports with plain static HTTP
server processes on loopback, and for each store backend (``--store``, repeatable; ``all`` for
every one) registers every node in a fresh aggregator instance on a fresh store and prints:

- the full first crawl (fetch, parse, validate, authority check, store) and its rate,
- an unchanged re-crawl (one conditional GET per node, answered 304),
- the median of each example query of the query page, run on the published snapshot the way the
  SPARQL workers run them (for an external server: sent to it, as ``/sparql`` does),
- the physical floor of the first crawl: the statements the crawl wrote (node graphs, history,
  crawl log; not the reference graph, loaded before the crawl) bulk-loaded straight into a fresh
  store of the same kind, and ``first crawl / floor`` (goal: at most 1.2). The embedded floor is
  pyoxigraph's ``bulk_load`` of both datasets and a flush; Oxigraph server's is one N-Quads
  ``POST`` to its ``/store``; Virtuoso's is one Graph Store Protocol ``POST`` per graph,

and, with more than one backend, every figure's ratio to the first backend named. The external
servers are started and stopped with the test suite's helpers (``tests/aggregator/stores.py``:
``oxigraph serve`` from the PyPI ``oxigraph`` package, Debian's ``virtuoso-t``).

Targets on a 2-core machine: first crawl / floor <= 1.2, unchanged re-crawl < 2 s, each example
query < 100 ms median or no slower than the fastest backend. Every process started here is
stopped at the end.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import os
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from exports import write_export  # benchmarks/exports.py
from loopback import free_port, in_work_folder, wait_until_listening  # benchmarks/loopback.py

from pios_ld import organizations
from pios_ld.tools import generate


class StaticHandler(SimpleHTTPRequestHandler):
    """A plain static host: ETag from the content, 304 on If-None-Match, JSON-LD by default."""

    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:  # noqa: N802
        path = Path(self.translate_path(self.path))
        if not path.is_file():
            self.send_error(404)
            return
        body = path.read_bytes()
        etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
        if self.headers.get("If-None-Match") == etag:
            self.send_response(304)
            self.send_header("ETag", etag)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        self.send_response(200)
        kind = "application/json" if self.path.endswith("/pios") else "application/ld+json"
        self.send_header("Content-Type", kind)
        self.send_header("ETag", etag)
        if path.name.startswith("feed-") and b'"immutable": true' in body:
            self.send_header("Cache-Control", "public, max-age=31536000, immutable")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args) -> None:  # noqa: A002
        pass


def serve(root: str, port: int) -> None:
    handler = lambda *a, **k: StaticHandler(*a, directory=root, **k)  # noqa: E731
    server = ThreadingHTTPServer(("127.0.0.1", port), handler)
    server.daemon_threads = True
    server.serve_forever()


def say(label: str, value: str) -> None:
    print(f"{label:<48} {value}", flush=True)


#: the store backends, by the names ``--store`` takes (the external ones as the tests name them)
BACKENDS = ("embedded", "oxigraph-server", "virtuoso")


@dataclass
class Measured:
    """One backend's figures (seconds) and the statements its first crawl wrote."""

    first: float = 0.0
    again: float = 0.0
    floor: float = 0.0
    queries: dict[str, tuple[str, float, int]] = field(default_factory=dict)
    statements: int = 0
    size: int = 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--orgs", type=int, default=0, help="organisations (0: all 577)")
    parser.add_argument("--scale", type=float, default=1.0,
                        help="share of the 577 organisations (0.1: 58 of them); --orgs wins")
    parser.add_argument("--per-org", type=int, default=60, help="initiatives per organisation")
    parser.add_argument("--store", action="append", choices=BACKENDS + ("all",),
                        help="store backend, repeatable (default: embedded; all: every one)")
    parser.add_argument("--repeats", type=int, default=7, help="runs of each example query")
    parser.add_argument("--servers", type=int, default=4, help="static server processes")
    parser.add_argument("--dir", help="work folder (default: a temporary one, removed after)")
    parser.add_argument("--serve-static", nargs=2, metavar=("ROOT", "PORT"),
                        help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve_static:
        serve(args.serve_static[0], int(args.serve_static[1]))
        return
    chosen = args.store or ["embedded"]
    args.store = list(BACKENDS) if "all" in chosen else list(dict.fromkeys(chosen))
    in_work_folder(args.dir, "pios-bench-", lambda root, children: run(args, root, children))


def run(args, root: Path, children: list) -> None:
    orgs = list(organizations.load())
    count = args.orgs or max(1, round(len(orgs) * args.scale))
    if count < len(orgs):
        say("scaled down", f"{count} of {len(orgs)} organisations "
            f"({count / len(orgs):.1%}), {args.per_org} initiatives each")
    orgs = orgs[:count]
    ports = [free_port() for _ in range(args.servers)]
    base_for = {o.orgnr: f"http://127.0.0.1:{ports[i % len(ports)]}/{o.orgnr}/"
                for i, o in enumerate(orgs)}
    started = time.perf_counter()
    built = generate.federation(orgs, args.per_org, seed=7, base_url_for=lambda o:
                                base_for[o.orgnr])
    export = root / "export"
    for org in orgs:
        write_export(export / org.orgnr, base_for[org.orgnr], org, built[org.orgnr])
    total = sum(len(v) for v in built.values())
    say("organisations x initiatives", f"{len(orgs)} x {args.per_org} = {total}")
    say("machine load (1, 5, 15 min) at the start", _load())
    say("generate + write static exports", f"{time.perf_counter() - started:.1f} s")
    for port in ports:
        children.append(subprocess.Popen([sys.executable, __file__, "--serve-static",
                                          str(export), str(port)]))
    for port in ports:
        wait_until_listening(port, "static server")
    results: dict[str, Measured] = {}
    for kind in args.store:
        print(f"\n== store: {kind}", flush=True)
        results[kind] = measure(kind, args, root / kind, orgs, base_for)
    if len(results) > 1:
        compare(results)
    say("machine load (1, 5, 15 min) at the end", _load())


@contextlib.contextmanager
def backend(kind: str, folder: Path):
    """The settings of a fresh store of *kind* (an external server started in *folder*, stopped
    on leaving; nothing for the embedded store)."""
    if kind == "embedded":
        yield {}
        return
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "aggregator"))
    import stores  # the test suite's server helpers (needs the `test` extra)

    made = {"oxigraph-server": stores.OxigraphServer, "virtuoso": stores.VirtuosoServer}[kind]
    with made(folder) as running:
        yield running.settings()


def measure(kind: str, args, root: Path, orgs, base_for: dict[str, str]) -> Measured:
    from pios_ld.aggregator import external
    from pios_ld.aggregator import instance as instance_module
    from pios_ld.aggregator.crawler import Crawler
    from pios_ld.aggregator.instance import Instance
    from pios_ld.aggregator.store import HISTORY_DATASET, NATIONAL, open_snapshot

    measured = Measured()
    with backend(kind, root / "server") as settings:
        folder = root / "aggregator"
        instance_module.init(folder)
        inst = Instance.open(folder, {"per_host": 8, "crawl_workers": 16, **settings})
        for org in orgs:
            url = base_for[org.orgnr]
            inst.registry.add(url, org.iri, url + "catalog", url + "feed")
        store = inst.acquire_writer()
        crawler = Crawler(inst.registry, store, inst.settings)
        try:
            started = time.perf_counter()
            outcomes = crawler.crawl()
            store.snapshot()
            measured.first = time.perf_counter() - started
            taken = sum(o.initiatives for o in outcomes)
            bad = [o for o in outcomes if o.status != "updated"]
            say("first crawl (fetch, parse, validate, store)",
                f"{measured.first:.1f} s, {taken} initiatives ({taken / measured.first:.0f}/s), "
                f"{len(bad)} nodes not updated")
            if bad:
                say("  e.g.", bad[0].summary()["errors"].__repr__()[:300])

            started = time.perf_counter()
            outcomes = crawler.crawl()
            measured.again = time.perf_counter() - started
            statuses = {o.status for o in outcomes}
            say("unchanged re-crawl", f"{measured.again:.2f} s ({', '.join(sorted(statuses))}, "
                f"{sum(o.requests for o in outcomes)} requests)")

            started = time.perf_counter()
            snapshot = store.snapshot()
            say("publish a snapshot for readers", f"{time.perf_counter() - started:.2f} s")
            connection = external.Connection.from_settings(settings) if settings else None
            national, history = (open_snapshot(snapshot, name, connection)
                                 for name in (NATIONAL, HISTORY_DATASET))
            time_queries(national, history, args.repeats, measured)
            written = crawl_statements(store)
            measured.statements = sum(data.count(b"\n") for data in written.values())
            measured.size = (_size(root / "server") if settings else
                             _size(folder / "store") + _size(folder / "history"))
            say("store size on disk", f"{measured.size / 2**20:.0f} MB, {len(store):,} quads "
                f"({measured.statements:,} written by the crawl)")
        finally:
            crawler.close()
            inst.release_writer()
    with backend(kind, root / "floor-server") as settings:
        started = time.perf_counter()
        bulk_load(kind, settings, written, root / "floor")
        measured.floor = time.perf_counter() - started
    say("floor: the same statements bulk-loaded",
        f"{measured.floor:.1f} s into a fresh {kind} store; "
        f"first crawl / floor = {measured.first / measured.floor:.2f} (goal <= 1.2)")
    return measured


def time_queries(national, history, repeats: int, measured: Measured) -> None:
    """Each example query's median on its dataset (as ``benchmarks/queries.py`` times them); a
    query the store fails to answer is reported and left out of the comparison."""
    from pios_ld.aggregator import examples
    from queries import _rows  # benchmarks/queries.py, beside this script

    from pios_ld.errors import PiosError

    for example in examples.EXAMPLES:
        chosen = history if example.dataset == "history" else national
        times, rows = [], 0
        try:
            for _ in range(repeats):
                started = time.perf_counter()
                rows = len(_rows(chosen, example))
                times.append(time.perf_counter() - started)
        except PiosError as exc:
            cause = f" ({exc.__cause__})" if exc.__cause__ else ""
            say(f"query: {example.title_en}", f"FAILED: {exc.message[:200]}{cause[:200]}")
            continue
        median = statistics.median(times)
        measured.queries[example.id] = (example.title_en, median, rows)
        say(f"query: {example.title_en}", f"median {median * 1000:.0f} ms ({rows} rows)")


def crawl_statements(store) -> dict[str, bytes]:
    """What the crawl wrote, as N-Triples by graph: every graph but the reference graph."""
    import pyoxigraph as ox
    from pios_ld.aggregator.crawllog import CRAWL_LOG, HISTORY, REFERENCE

    names = getattr(store, "national_graphs", None)
    if names is None:  # the embedded store
        names = [row["g"].value for row in store.query("SELECT DISTINCT ?g WHERE { GRAPH ?g {} }")]
    written = {}
    for graph in [*names, HISTORY, CRAWL_LOG]:
        if graph != REFERENCE:
            quads = store.graph(graph)
            written[graph] = ox.serialize([ox.Triple(q.subject, q.predicate, q.object)
                                           for q in quads], format=ox.RdfFormat.N_TRIPLES)
    return written


def bulk_load(kind: str, settings: dict, written: dict[str, bytes], folder: Path) -> None:
    """Load *written* the fastest way a fresh store of *kind* takes it (see the docstring)."""
    import pyoxigraph as ox
    from pios_ld.aggregator import external
    from pios_ld.aggregator.crawllog import CRAWL_LOG, HISTORY
    from pios_ld.aggregator.store import in_graph

    if kind == "embedded":
        folder.mkdir(parents=True)
        national, history = ox.Store(str(folder / "store")), ox.Store(str(folder / "history"))
        graphs = set(written) - {HISTORY, CRAWL_LOG}
        national.bulk_load(b"".join(in_graph(written[g], g) for g in graphs),
                           format=ox.RdfFormat.N_QUADS, lenient=True)
        history.bulk_load(written[HISTORY], format=ox.RdfFormat.N_TRIPLES, lenient=True)
        history.bulk_load(in_graph(written[CRAWL_LOG], CRAWL_LOG), format=ox.RdfFormat.N_QUADS,
                          lenient=True)
        national.flush()
        history.flush()
        return
    endpoint = external.Connection.from_settings(settings).main
    session = endpoint.session()
    if kind == "oxigraph-server":
        parts = [(None, b"".join(in_graph(d, g) for g, d in written.items()),
                  "application/n-quads")]
    else:
        parts = [(g, d, "application/n-triples") for g, d in written.items()]
    for graph, data, media in parts:
        params = {"graph": graph} if graph else {}
        response = session.post(endpoint.data_url, params=params, data=data,
                                headers={"Content-Type": media}, timeout=3600)
        response.raise_for_status()
    session.close()


def compare(results: dict[str, Measured]) -> None:
    """Each figure of every backend as a ratio to the first backend's."""
    kinds = list(results)
    base = kinds[0]
    print(f"\n== ratios to {base} (time on the backend / time on {base})", flush=True)
    print(f"{'':<48} " + " ".join(f"{k:>17}" for k in kinds), flush=True)

    def row(label: str, values: list[float]) -> None:
        first = values[0] or float("nan")
        print(f"{label[:48]:<48} " + " ".join(f"{v:>9.3f} s {v / first:>4.1f}x"
                                              if v >= 0.0005 else f"{v:>17.4f}"
                                              for v in values), flush=True)

    row("first crawl", [results[k].first for k in kinds])
    row("unchanged re-crawl", [results[k].again for k in kinds])
    row("floor (bulk load)", [results[k].floor for k in kinds])
    print(f"{'first crawl / floor':<48} "
          + " ".join(f"{results[k].first / results[k].floor:>17.2f}" for k in kinds), flush=True)
    totals = [0.0] * len(kinds)
    for example_id, (title, _, rows) in results[base].queries.items():
        values = [results[k].queries.get(example_id, ("", float("nan"), 0))[1] for k in kinds]
        totals = [t + v for t, v in zip(totals, values, strict=True)]
        row(f"query: {title}", values)
        differ = [k for k in kinds if results[k].queries.get(example_id, ("", 0, rows))[2] != rows]
        if differ:
            print(f"{'  rows differ on':<48} {', '.join(differ)}", flush=True)
    row("all example queries (sum of medians)", totals)
    missed = {k: [] for k in kinds}  # the goal: <= 100 ms, or no slower than the fastest backend
    for example_id, (title, _, _) in results[base].queries.items():
        values = {k: results[k].queries[example_id][1] for k in kinds
                  if example_id in results[k].queries}
        missed.update({k: [*missed[k], f"{title} (failed)"] for k in kinds if k not in values})
        fastest = min(values.values())
        for k, v in values.items():
            if v > 0.1 and v > fastest:
                missed[k].append(f"{title} ({v * 1000:.0f} ms)")
    print("queries over 100 ms and slower than on the fastest backend (the goal's misses)",
          flush=True)
    for k in kinds:
        say(f"  {k}", "; ".join(missed[k]) or "none")


def _size(folder: Path) -> int:
    return sum(f.stat().st_size for f in folder.rglob("*") if f.is_file())


def _load() -> str:
    """The load average, since other work on the machine changes every figure above."""
    return ", ".join(f"{x:.2f}" for x in os.getloadavg()) + f" on {os.cpu_count()} cores"


if __name__ == "__main__":
    main()
