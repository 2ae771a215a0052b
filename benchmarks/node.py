"""Requests per second of a real node: catalog, one initiative and a feed page, fresh and 304.

Builds a node with 2,000 generated initiatives and 10,000 versions (2,000 creates and 8,000
updates), starts ``pios node serve`` as a subprocess, and drives it with keep-alive HTTP clients
in separate processes for a few seconds per case. Prints one line per case.

    python benchmarks/node.py [--initiatives 2000] [--versions 10000] [--seconds 4] [--clients 4]

Targets on a 2-core machine: >= 500 requests/s for an unchanged catalog page (200) and
>= 1,500 for a conditional GET answered 304.
"""

from __future__ import annotations

import argparse
import http.client
import multiprocessing
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

from loopback import free_port, wait_until_listening  # benchmarks/loopback.py
from pios_ld.node import settings
from pios_ld.node.records import prepare_many
from pios_ld.node.store import Store, now

from pios_ld import organizations
from pios_ld.tools import generate

ORG = "0114"


def seed(instance: Path, base_url: str, initiatives: int, versions: int) -> float:
    """Fill the instance's database; returns the seconds it took."""
    started = time.perf_counter()
    org = organizations.find(ORG)
    records = generate.initiatives(org, initiatives, seed=1, base_url=base_url + "/")
    store = Store(settings.load(instance).database_path)
    prepared = prepare_many([(r, None) for r in records], base_url, org.iri, now())
    bad = [p for p in prepared if not p.ok]
    if bad:
        raise SystemExit(f"{len(bad)} generated records are invalid: "
                         f"{bad[0].report.to_text('en')}")
    ready = [p.record for p in prepared]
    store.save(ready)
    updates = versions - initiatives
    round_ = 0
    while updates > 0:
        round_ += 1
        batch = []
        for record in ready[:updates]:
            changed = dict(record)
            spent = dict(changed.get("spentToDate") or {"value": 0, "currency": "SEK"})
            spent["value"] = int(spent.get("value", 0)) + 1000 * round_
            changed["spentToDate"] = spent
            batch.append(changed)
        store.save(batch)
        updates -= len(batch)
    return time.perf_counter() - started


def _worker(url: str, headers: dict, seconds: float, expect: int, queue) -> None:
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    path = parts.path or "/"
    count = errors = 0
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        conn.request("GET", path, headers=headers)
        response = conn.getresponse()
        response.read()
        if response.status == expect:
            count += 1
        else:
            errors += 1
    conn.close()
    queue.put((count, errors))


def measure(url: str, headers: dict, seconds: float, clients: int, expect: int) -> tuple:
    queue: multiprocessing.Queue = multiprocessing.Queue()
    workers = [multiprocessing.Process(target=_worker, args=(url, headers, seconds, expect,
                                                             queue)) for _ in range(clients)]
    started = time.perf_counter()
    for w in workers:
        w.start()
    results = [queue.get() for _ in workers]
    for w in workers:
        w.join()
    elapsed = time.perf_counter() - started
    done = sum(r[0] for r in results)
    return done / elapsed, sum(r[1] for r in results)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--initiatives", type=int, default=2000)
    parser.add_argument("--versions", type=int, default=10000)
    parser.add_argument("--seconds", type=float, default=4.0)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--build", action="store_true",
                        help="also time `pios node build` of the whole static site")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as temp:
        instance = Path(temp) / "node"
        port = free_port()
        base_url = f"http://127.0.0.1:{port}"
        subprocess.run([sys.executable, "-m", "pios_ld", "node", "init", str(instance),
                        "--org", ORG, "--base-url", base_url], check=True,
                       capture_output=True)
        took = seed(instance, base_url, args.initiatives, args.versions)
        store = Store(settings.load(instance).database_path)
        print(f"node: {store.count()} initiatives, {store.total_versions()} versions "
              f"(seeded in {took:.1f} s)")
        server = subprocess.Popen(
            [sys.executable, "-m", "pios_ld", "node", "serve", str(instance), "--port",
             str(port), "--threads", str(args.threads)],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env={**os.environ})
        try:
            wait_until_listening(port, "pios node serve")
            ident = store.current()[0].identifier
            cases = [
                ("catalog page", "/catalog", "application/ld+json"),
                ("one initiative", f"/initiatives/{ident}", "application/ld+json"),
                ("feed page (full, immutable)", "/feed-1", "text/turtle"),
                ("newest feed page", f"/feed-{args.versions // 100 + 1}", "text/turtle"),
            ]
            print(f"{'case':32} {'200 req/s':>10} {'304 req/s':>10}  (clients={args.clients}, "
                  f"server threads={args.threads}, {args.seconds:.0f} s each)")
            for name, path, accept in cases:
                url = base_url + path
                headers = {"Accept": accept, "Accept-Encoding": "gzip"}
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                conn.request("GET", path, headers=headers)
                first = conn.getresponse()
                first.read()
                etag = first.getheader("ETag")
                conn.close()
                fresh, e1 = measure(url, headers, args.seconds, args.clients, 200)
                cached, e2 = measure(url, {**headers, "If-None-Match": etag}, args.seconds,
                                     args.clients, 304)
                note = f"  errors: {e1 + e2}" if e1 + e2 else ""
                print(f"{name:32} {fresh:10.0f} {cached:10.0f}{note}")
        finally:
            server.terminate()
            server.wait(timeout=10)
        if args.build:
            from pios_ld.node.build import build_site

            started = time.perf_counter()
            files = build_site(settings.load(instance), Path(temp) / "site")
            print(f"static build: {files} files in {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
