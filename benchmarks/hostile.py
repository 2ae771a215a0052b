"""Benchmark of a crawl under attack: every hostile behaviour at once, next to good nodes.

    python benchmarks/hostile.py                       # 20 hostile nodes + 3 good ones
    python benchmarks/hostile.py --budget 30 --good 20

Serves one node per behaviour of ``tests/aggregator/hostile.py`` (trickling bytes, hanging,
endless and huge bodies, redirect loops, a gzip bomb, 1,000 catalog pages, 2,000 feed pages, a
record of 300,000 status updates, a truncated catalog, ``Retry-After``, the wrong content type,
invalid UTF-8, connection resets, a catalog too slow to check, 20,000 foreign statements, a
500, a megabyte-long IRI) plus good nodes, each on its own loopback port, in this process.
Every node is crawled once while it behaves; then the hostile ones switch and all are crawled
again. Prints that crawl's wall time, the peak resident memory of this process (crawler and
servers) plus the crawl's worker processes (sampled every 20 ms), each node's outcome, and the
size of the crawl log and of the registry's crawl rows.

Target: wall time within ``node_time_budget`` plus a few seconds, peak memory under 1 GB.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests" / "aggregator"))

from hostile import BEHAVIOURS, HostileNode, PeakMemory  # noqa: E402

from pios_ld import organizations  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--budget", type=float, default=16.0, help="node_time_budget (s)")
    parser.add_argument("--screen-timeout", type=float, default=6.0)
    parser.add_argument("--good", type=int, default=3, help="good nodes beside the hostile ones")
    args = parser.parse_args()
    settings = {"node_time_budget": args.budget, "fetch_timeout": 4,
                "screen_timeout": args.screen_timeout, "retry_after_max": 2,
                "fetch_max_bytes": 32 * 1024 * 1024, "node_max_bytes": 96 * 1024 * 1024,
                "crawl_workers": 32, "crawl_processes": 2, "max_problems": 20,
                "screen_max_memory": 448}
    os.environ["PIOS_ALLOW_PRIVATE_ADDRESSES"] = "1"
    for name, value in settings.items():
        os.environ[f"PIOS_AGGREGATOR_{name.upper()}"] = str(value)

    from pios_ld.aggregator import instance as instance_module
    from pios_ld.aggregator.crawler import Crawler
    from pios_ld.aggregator.instance import Instance

    with tempfile.TemporaryDirectory(prefix="pios-hostile-") as tmp:
        root = Path(tmp)
        instance_module.init(root / "aggregator")
        inst = Instance.open(root / "aggregator")
        store = inst.acquire_writer()
        crawler = Crawler(inst.registry, store, inst.settings)
        names = [*BEHAVIOURS, *(f"good-{i + 1}" for i in range(args.good))]
        orgs = [o for o in organizations.load() if o.kinds][:len(names)]
        nodes: dict[str, HostileNode] = {}
        try:
            for index, name in enumerate(names):
                node = HostileNode(root / name, orgs[index])
                node.generate(6 if name == "truncated-catalog" else 3, seed=index + 1)
                node.publish()
                inst.registry.add(node.base_url, node.org.iri, node.base_url + "catalog",
                                  node.base_url + "feed")
                nodes[name] = node
            crawler.crawl()
            for name, (behaviour, _) in BEHAVIOURS.items():
                nodes[name].misbehave(behaviour)
            with PeakMemory() as memory:
                started = time.monotonic()
                outcomes = {o.node.url: o for o in crawler.crawl()}
                wall = time.monotonic() - started
            rows = [len(json.dumps(inst.registry.crawls(o.node.id, 1)[0]))
                    for o in outcomes.values()]
            log = store.query("SELECT (COUNT(*) AS ?n) WHERE { GRAPH "
                              "<https://w3id.org/pios/graph/crawl-log> { ?s ?p ?o } }",
                              dataset="history")
            log_size = int(next(iter(log))["n"].value)
        finally:
            for node in nodes.values():
                node.close()
            crawler.close()
            inst.release_writer()
            inst.registry.close()

    print(f"hostile crawl of {len(BEHAVIOURS)} hostile + {args.good} good nodes, "
          f"node_time_budget {args.budget:g} s:")
    print(f"  wall time   {wall:.1f} s   (target < {args.budget + 5:g} s)")
    print(f"  peak memory {memory.megabytes:.0f} MB (this process and workers; target < 1024)")
    print(f"  crawl log   {log_size:,} statements after two crawls of {len(names)} nodes")
    print(f"  registry    largest crawl row {max(rows):,} bytes")
    width = max(map(len, names))
    for name in names:
        outcome = outcomes[nodes[name].base_url]
        reason = outcome.errors[-1].message_en[:90] if outcome.errors else ""
        print(f"  {name:<{width}}  {outcome.status:<9} {reason}")


if __name__ == "__main__":
    main()
