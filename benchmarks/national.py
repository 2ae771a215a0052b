"""National simulation: every reference organisation publishes, one aggregator crawls them all.

    python benchmarks/national.py                      # all 577 organisations, 20 initiatives each
    python benchmarks/national.py --orgs 100 --per-org 10

Nine in ten organisations publish a static export (the node's wire format, written with
``pios_ld.catalog`` and ``pios_ld.feed``) served over loopback by a few plain static HTTP server
processes; the other tenth run real ``pios node serve`` processes that ping the aggregator after
each change. One ``pios aggregator serve`` process answers SPARQL and takes the pings. The script
prints: the first crawl, an unchanged re-crawl, the latency from an edit on a node to the change
being visible in SPARQL (ping path; target: median within 2 s), SPARQL query medians, the store
size and the peak memory of the processes. Everything runs in a temporary folder (or ``--dir``)
and every process it starts is stopped at the end.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import requests
from exports import write_export  # benchmarks/exports.py

from pios_ld import organizations
from pios_ld.errors import DemoError
from pios_ld.namespaces import DCT, PIOS, PROV, SCHEMA, THEME
from pios_ld.tools import generate
from pios_ld.tools.demo import Child, Demo, DemoNode, free_port

#: The national pages timed (HTML, as a person opens them).
PAGES = ("", "initiatives", "progress", "progress?period=month", "progress.json", "reuse",
         "reuse/map", "reuse/scaling", "reuse/network.graphml", "initiatives.csv", "nodes.csv")
QUERIES = {
    "initiatives per phase": f"""
        SELECT ?phase (COUNT(DISTINCT ?i) AS ?n) WHERE {{
          ?i a <{PIOS}Initiative> ; <{PIOS}phase> ?phase }}
        GROUP BY ?phase ORDER BY DESC(?n)""",
    "most reused solutions": f"""
        SELECT ?target (COUNT(?i) AS ?n) WHERE {{ ?i <{PIOS}reuses> ?target }}
        GROUP BY ?target ORDER BY DESC(?n) LIMIT 20""",
    "largest elderly-care budgets": f"""
        SELECT ?i ?v WHERE {{
          ?i <{PIOS}theme> <{THEME}elderly-care> ;
             <{PIOS}budget> ?b . ?b <{SCHEMA}value> ?v }}
        ORDER BY DESC(?v) LIMIT 20""",
    "title search 'hemtjänst'": f"""
        SELECT ?i ?t WHERE {{ ?i a <{PIOS}Initiative> ; <{DCT}title> ?t
          FILTER(CONTAINS(LCASE(STR(?t)), "hemtjänst")) }} LIMIT 50""",
    "open for collaboration per organisation": f"""
        SELECT ?org (COUNT(?i) AS ?n) WHERE {{
          ?i <{PIOS}openForCollaboration> true ; <{PIOS}responsibleOrganization> ?org }}
        GROUP BY ?org ORDER BY DESC(?n) LIMIT 20""",
    "phase changes in the history (/sparql/history)": f"""
        SELECT ?initiative ?when ?phase WHERE {{
            ?v <{DCT}isVersionOf> ?initiative ; <{PROV}generatedAtTime> ?when ;
               <{PIOS}phase> ?phase }}
        ORDER BY ?initiative ?when LIMIT 200""",
}


# --------------------------------------------------------------------------------------------
# Static exports
# --------------------------------------------------------------------------------------------
class StaticHandler(SimpleHTTPRequestHandler):
    """Serves an export folder; suffix-less files are JSON-LD, the discovery file JSON."""

    def guess_type(self, path: str) -> str:  # noqa: D102
        if path.endswith("/.well-known/pios"):
            return "application/json"
        if "." not in Path(path).name:
            return "application/ld+json"
        return super().guess_type(path)

    def log_message(self, format: str, *args) -> None:  # noqa: A002
        pass


def serve_static(root: Path, port: int) -> None:
    """Run one static server process (``--serve-static``) until it is terminated."""
    handler = lambda *a, **k: StaticHandler(*a, directory=str(root), **k)  # noqa: E731
    server = ThreadingHTTPServer(("127.0.0.1", port), handler)
    server.daemon_threads = True
    server.serve_forever()


# --------------------------------------------------------------------------------------------
# The run
# --------------------------------------------------------------------------------------------
def vm_hwm(pid: int) -> int:
    """Peak resident memory of a running process in kB (0 when it is gone)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def descendants(pid: int) -> list[int]:
    """The process ids of every running descendant of *pid* (e.g. SPARQL worker processes)."""
    found, stack = [], [pid]
    while stack:
        for task in Path(f"/proc/{stack.pop()}/task").glob("*"):
            try:
                children = [int(c) for c in (task / "children").read_text().split()]
            except OSError:
                continue
            found += children
            stack += children
    return found


def timed_cli(demo: Demo, *args: str) -> tuple[float, int]:
    """Run ``pios ARGS``; (seconds, peak RSS in kB) measured with wait4."""
    started = time.perf_counter()
    process = subprocess.Popen([sys.executable, "-m", "pios_ld", *args], env=demo.env(),
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    output = process.stdout.read() if process.stdout else b""
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.perf_counter() - started
    if process.returncode != 0:
        raise DemoError(f"pios {' '.join(args[:2])} failed: {output.decode()[-2000:]}")
    return seconds, usage.ru_maxrss


def folder_size(path: Path) -> int:
    """Bytes on disk under *path*, each hard-linked file (store snapshots) counted once."""
    seen: dict[tuple[int, int], int] = {}
    for p in path.rglob("*"):
        if p.is_file() and not p.is_symlink():
            stat = p.stat()
            seen[(stat.st_dev, stat.st_ino)] = stat.st_blocks * 512
    return sum(seen.values())


def visible(demo: Demo, iri: str, title: str) -> bool:
    """Whether the aggregator's SPARQL endpoint shows *title* for the initiative *iri*."""
    literal = json.dumps(title, ensure_ascii=False)
    query = f"SELECT (1 AS ?x) WHERE {{ <{iri}> <{DCT}title> {literal}@sv }}"
    return bool(demo.sparql(query))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--orgs", type=int, default=577, help="organisations (at most 577)")
    parser.add_argument("--per-org", type=int, default=20, help="initiatives per organisation")
    parser.add_argument("--live-share", type=float, default=0.1,
                        help="share of organisations that run a real node and change")
    parser.add_argument("--static-servers", type=int, default=4)
    parser.add_argument("--port", type=int, default=0, help="aggregator port (0: any free)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--dir", type=Path, help="work folder (default: temporary, removed)")
    parser.add_argument("--serve-static", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve_static:
        serve_static(args.serve_static, args.port)
        return

    root = args.dir or Path(tempfile.mkdtemp(prefix="pios-national-"))
    root.mkdir(parents=True, exist_ok=True)
    demo = Demo(root=root, port=args.port or free_port(0), echo=lambda line: None)
    try:
        run(args, root, demo)
    finally:
        demo.stop()
        if args.dir is None:
            shutil.rmtree(root, ignore_errors=True)
    print(f"peak memory of any finished child (getrusage): "
          f"{resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024:.0f} MB")


def say(label: str, value: str) -> None:
    print(f"{label:<48} {value}", flush=True)


def run(args: argparse.Namespace, root: Path, demo: Demo) -> None:
    orgs = list(organizations.load())[: args.orgs]
    live_every = max(1, round(1 / args.live_share)) if args.live_share > 0 else len(orgs) + 1
    live = {o.orgnr for i, o in enumerate(orgs) if i % live_every == 0}
    taken = {demo.port}
    static_ports = []
    for _ in range(args.static_servers):
        static_ports.append(free_port(0, taken))
        taken.add(static_ports[-1])
    node_ports = {}
    for org in orgs:
        if org.orgnr in live:
            node_ports[org.orgnr] = free_port(0, taken)
            taken.add(node_ports[org.orgnr])

    def base_for(org: organizations.Organization) -> str:
        if org.orgnr in live:
            return f"http://127.0.0.1:{node_ports[org.orgnr]}/"
        index = orgs.index(org) % len(static_ports)
        return f"http://127.0.0.1:{static_ports[index]}/{org.orgnr}/"

    started = time.perf_counter()
    built = generate.federation(orgs, args.per_org, seed=args.seed, base_url_for=base_for)
    total = sum(len(v) for v in built.values())
    say("organisations / initiatives", f"{len(orgs)} / {total} ({len(live)} live nodes)")
    say("generate", f"{time.perf_counter() - started:.1f} s")

    started = time.perf_counter()
    export = root / "static"
    for org in orgs:
        if org.orgnr not in live:
            write_export(export / org.orgnr, base_for(org), org, built[org.orgnr])
    for i, port in enumerate(static_ports):
        child = _spawn_static(demo, f"static-{i}", export, port)
        demo.wait_until_up(child, f"http://127.0.0.1:{port}/")
    say("write static exports + start servers", f"{time.perf_counter() - started:.1f} s")

    instance = demo.aggregator_instance
    demo.cli("aggregator", "init", str(instance))
    started = time.perf_counter()
    register(demo, instance, [(base_for(o), o.orgnr) for o in orgs])
    say("register nodes", f"{time.perf_counter() - started:.1f} s")
    aggregator = demo.spawn("aggregator", "aggregator", "serve", str(instance),
                            "--host", "127.0.0.1", "--port", str(demo.port))
    demo.wait_until_up(aggregator, demo.aggregator_url)

    started = time.perf_counter()
    nodes = []
    for org in orgs:
        if org.orgnr in live:
            node = DemoNode(org, args.per_org, node_ports[org.orgnr], root / "nodes" / org.orgnr)
            demo.nodes.append(node)
            demo.start_node(node, login=False)
            nodes.append(node)
    for node in nodes:
        for record in built[node.org.orgnr]:
            demo.write(node, "POST", "api/initiatives", record, expect=201)
    say("start + seed live nodes", f"{time.perf_counter() - started:.1f} s")

    started = time.perf_counter()
    try:
        seconds, crawl_rss = timed_cli(demo, "aggregator", "crawl", str(instance))
        note = f"`crawl` command peak {crawl_rss / 1024:.0f} MB"
    except DemoError as exc:  # the server may still be crawling: wait for it in SPARQL
        last = exc.message.strip().splitlines()[-2:]
        note = "`crawl` command failed (" + " ".join(last)[:300] + "); waited in SPARQL"
        while demo.national_count() < total and time.perf_counter() - started < 1800:
            time.sleep(1)
        seconds = time.perf_counter() - started
    say("first crawl (all nodes)",
        f"{seconds:.1f} s, {demo.national_count()} initiatives in SPARQL, {note}")
    try:
        seconds, _ = timed_cli(demo, "aggregator", "crawl", str(instance))
        say("unchanged re-crawl (all nodes)", f"{seconds:.1f} s")
    except DemoError as exc:
        say("unchanged re-crawl (all nodes)", "failed: " + exc.message.strip()[-300:])

    latencies = []
    for n, node in enumerate(nodes):
        record = built[node.org.orgnr][0]
        title = f"{record['title']['sv']} (ändrad {n})"
        started = time.perf_counter()
        demo.write(node, "PATCH", f"api/initiatives/{record['identifier']}",
                   {"title": {"sv": title}, "phase": "operation"}, expect=204)
        deadline = started + 30
        while time.perf_counter() < deadline and not visible(demo, record["id"], title):
            time.sleep(0.05)
        latencies.append(time.perf_counter() - started if time.perf_counter() < deadline
                         else float("inf"))
    if latencies:
        finite = [x for x in latencies if x != float("inf")]
        say("edit -> visible in SPARQL (ping path)",
            f"median {statistics.median(latencies):.2f} s, max {max(latencies):.2f} s, "
            f"{len(latencies) - len(finite)} of {len(latencies)} not visible within 30 s")

    for name, query in QUERIES.items():
        times = []
        for _ in range(5):
            started = time.perf_counter()
            demo.sparql(query, "sparql/history" if "/sparql/history" in name else "sparql")
            times.append(time.perf_counter() - started)
        say(f"query: {name}", f"median {statistics.median(times) * 1000:.0f} ms")

    for path in PAGES:
        times = []
        for _ in range(5):  # the first is cold (the page's queries run), the rest cached
            started = time.perf_counter()
            answer = requests.get(demo.aggregator_url + path, timeout=300)
            times.append(time.perf_counter() - started)
            if answer.status_code != 200:
                times = []
                say(f"page: /{path}", f"HTTP {answer.status_code}")
                break
        if times:
            say(f"page: /{path}", f"first {times[0] * 1000:.0f} ms, then median "
                f"{statistics.median(times[1:]) * 1000:.0f} ms")

    say("store size (aggregator instance folder)", f"{folder_size(instance) / 2**20:.1f} MB")
    say("peak memory: aggregator serve", f"{vm_hwm(aggregator.process.pid) / 1024:.0f} MB")
    workers = [vm_hwm(pid) for pid in descendants(aggregator.process.pid)]
    if workers:
        say("peak memory: aggregator's child processes",
            f"{len(workers)} processes, largest {max(workers) / 1024:.0f} MB, "
            f"sum {sum(workers) / 1024:.0f} MB")
    if nodes:
        peaks = [vm_hwm(c.process.pid) for c in demo.children if c.name.startswith("node-")]
        say("peak memory: largest live node", f"{max(peaks) / 1024:.0f} MB")


def register(demo: Demo, instance: Path, nodes: list[tuple[str, str]]) -> None:
    """Register every node with ``pios aggregator add-node``, two at a time."""
    pending = list(nodes)
    running: list[subprocess.Popen] = []
    while pending or running:
        while pending and len(running) < 2:
            url, orgnr = pending.pop(0)
            running.append(subprocess.Popen(
                [sys.executable, "-m", "pios_ld", "aggregator", "add-node", str(instance), url,
                 "--org", orgnr], env=demo.env(), stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE))
        process = running.pop(0)
        _, err = process.communicate()
        if process.returncode != 0:
            raise DemoError(f"add-node failed: {err.decode()[-1000:]}")


def _spawn_static(demo: Demo, name: str, export: Path, port: int) -> Child:
    logs = demo.root / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    log = logs / f"{name}.log"
    with log.open("ab") as out:
        process = subprocess.Popen(
            [sys.executable, __file__, "--serve-static", str(export), "--port", str(port)],
            stdout=out, stderr=subprocess.STDOUT, env=demo.env(), start_new_session=True)
    child = Child(name, process, log)
    demo.children.append(child)
    return child


if __name__ == "__main__":
    main()
