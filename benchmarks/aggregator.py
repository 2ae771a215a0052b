"""Benchmark of the aggregator: every reference organisation publishes, one crawl takes them all.

    python benchmarks/aggregator.py                    # 577 organisations x 60 initiatives
    python benchmarks/aggregator.py --orgs 50 --per-org 20

Writes each organisation's static export (discovery, catalog pages, LDES feed pages, in the
node's wire format from ``pios_ld.catalog`` / ``pios_ld.feed``, data from
``pios_ld.tools.generate``) into a temporary folder, serves the exports with plain static HTTP
server processes on loopback, registers every node in a fresh aggregator instance, and prints:

- the full first crawl (fetch, parse, validate, authority check, store) and its rate,
- an unchanged re-crawl (one conditional GET per node, answered 304),
- the median of each example query of the query page, run on a store snapshot the way the
  SPARQL workers run them (and one through the HTTP endpoint for comparison).

Targets on a 2-core machine: first crawl of ~35,000 initiatives < 20 s, unchanged re-crawl < 2 s,
each example query < 100 ms median. Every process started here is stopped at the end.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import time
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from exports import write_export  # benchmarks/exports.py
from loopback import free_port, wait_until_listening  # benchmarks/loopback.py

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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--orgs", type=int, default=0, help="organisations (0: all 577)")
    parser.add_argument("--per-org", type=int, default=60, help="initiatives per organisation")
    parser.add_argument("--servers", type=int, default=4, help="static server processes")
    parser.add_argument("--dir", help="work folder (default: a temporary one, removed after)")
    parser.add_argument("--serve-static", nargs=2, metavar=("ROOT", "PORT"),
                        help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve_static:
        serve(args.serve_static[0], int(args.serve_static[1]))
        return
    os.environ["PIOS_ALLOW_PRIVATE_ADDRESSES"] = "1"
    root = Path(args.dir) if args.dir else Path(tempfile.mkdtemp(prefix="pios-bench-"))
    children: list[subprocess.Popen] = []
    try:
        run(args, root, children)
    finally:
        for child in children:
            child.terminate()
        for child in children:
            child.wait(10)
        if not args.dir:
            shutil.rmtree(root, ignore_errors=True)


def run(args, root: Path, children: list) -> None:
    from pios_ld.aggregator import instance as instance_module
    from pios_ld.aggregator.crawler import Crawler
    from pios_ld.aggregator.instance import Instance
    from pios_ld.aggregator.store import HISTORY_DATASET, NATIONAL, open_snapshot
    from queries import time_examples  # benchmarks/queries.py, beside this script

    orgs = list(organizations.load())
    if args.orgs:
        orgs = orgs[:args.orgs]
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

    folder = root / "aggregator"
    instance_module.init(folder)
    inst = Instance.open(folder, {"per_host": 8, "crawl_workers": 16})
    for org in orgs:
        url = base_for[org.orgnr]
        inst.registry.add(url, org.iri, url + "catalog", url + "feed")
    store = inst.acquire_writer()
    crawler = Crawler(inst.registry, store, inst.settings)

    started = time.perf_counter()
    outcomes = crawler.crawl()
    store.snapshot()
    first = time.perf_counter() - started
    taken = sum(o.initiatives for o in outcomes)
    bad = [o for o in outcomes if o.status != "updated"]
    say("first crawl (fetch, parse, validate, store)",
        f"{first:.1f} s, {taken} initiatives ({taken / first:.0f}/s), {len(bad)} nodes not updated")
    if bad:
        say("  e.g.", bad[0].summary()["errors"].__repr__()[:300])

    started = time.perf_counter()
    outcomes = crawler.crawl()
    again = time.perf_counter() - started
    statuses = {o.status for o in outcomes}
    say("unchanged re-crawl", f"{again:.2f} s ({', '.join(sorted(statuses))}, "
        f"{sum(o.requests for o in outcomes)} requests)")

    started = time.perf_counter()
    snapshot = store.snapshot()
    say("publish a snapshot for readers", f"{time.perf_counter() - started:.2f} s")
    national, history = (open_snapshot(snapshot, name) for name in (NATIONAL, HISTORY_DATASET))
    for example, median, rows in time_examples(national, 7, history=history):
        say(f"query: {example.title_en}", f"median {median * 1000:.0f} ms ({rows} rows)")
    size = sum(f.stat().st_size for name in ("store", "history")
               for f in (folder / name).rglob("*") if f.is_file())
    say("store size on disk", f"{size / 2**20:.0f} MB, {len(store):,} quads")
    say("machine load (1, 5, 15 min) at the end", _load())
    crawler.close()
    inst.release_writer()


def _load() -> str:
    """The load average, since other work on the machine changes every figure above."""
    return ", ".join(f"{x:.2f}" for x in os.getloadavg()) + f" on {os.cpu_count()} cores"


if __name__ == "__main__":
    main()
