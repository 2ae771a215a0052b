"""Benchmark of the CPU a crawl spends per node: parsing and screening its catalog and feed page.

    python benchmarks/screen.py                       # 20 organisations x 60 initiatives
    python benchmarks/screen.py --orgs 50 --repeat 5
    python benchmarks/screen.py --write-reference     # record the current output as the reference

Writes each organisation's static export the way ``benchmarks/aggregator.py`` does (the bytes a
node publishes: feed pages carry the bundled context written out in full), then times
``digest.catalog`` (the whole catalog: parse, authority, validation, quarantine, skolemisation,
N-Triples out) and ``digest.feed_page`` (the LDES page: parse, members, authority, skolemisation)
on every node, in this process, and prints the median per node of each (wall-clock, and CPU
time, which the machine's load disturbs less), and how many documents the fast JSON-LD reader
read itself rather than declining them to the standard parser.

It also checks the output: a fingerprint of every result (the statements of "graph" and
"history" as sets of parsed triples, the problems and warnings in order, blank-node labels
aside) is compared with ``screen_reference.json``, recorded from the pyoxigraph route that the
aggregator used before the plain-term route; the same fingerprints are taken for the valid and
invalid example documents of the test suite. Target: catalog + feed page <= 20 ms per node of
60 initiatives on a 2-core machine.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

import pyoxigraph as ox
from exports import write_export  # benchmarks/exports.py
from pios_ld.aggregator import digest

from pios_ld import catalog as wire_catalog
from pios_ld import feed as wire_feed
from pios_ld import jsonld_terms, organizations
from pios_ld.tools import generate

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
REFERENCE = HERE / "screen_reference.json"
#: The organisation and IRI prefix of the example documents (Vellinge municipality).
EXAMPLE_ORG = "http://dataportal.se/organisation/SE2120001033"
EXAMPLE_PREFIXES = ("https://pios.vellinge.se/",)
_BLANK = re.compile(r"_:[A-Za-z0-9_.-]+")


def nodes(root: Path, count: int, per_org: int) -> list[dict]:
    """Write *count* organisations' exports under *root*; one dict per node with its documents."""
    orgs = list(organizations.load())[:count]
    base_for = {o.orgnr: f"https://pios.example.se/{o.orgnr}/" for o in orgs}
    built = generate.federation(orgs, per_org, seed=7, base_url_for=lambda o: base_for[o.orgnr])
    out = []
    for org in orgs:
        base_url = base_for[org.orgnr]
        folder = root / org.orgnr
        write_export(folder, base_url, org, built[org.orgnr])
        catalog_url = wire_catalog.catalog_url(base_url)
        page_url = wire_feed.page_url(base_url, 1)
        out.append({"name": org.orgnr, "org": org.iri, "prefixes": (base_url,),
                    "catalog": [((folder / "catalog").read_bytes(), "application/ld+json",
                                 catalog_url)],
                    "feed": ((folder / "feed-1").read_bytes(), page_url)})
    return out


def run_catalog(node: dict) -> dict:
    return digest.catalog(node["catalog"], node["org"], node["prefixes"], 5000)


def run_feed(node: dict) -> dict:
    content, url = node["feed"]
    return digest.feed_page(content, "application/ld+json", url, frozenset(), node["prefixes"],
                            node["org"])


def _statements(nt: bytes) -> list[str]:
    return sorted({str(t) for t in ox.parse(nt, format=ox.RdfFormat.N_TRIPLES)})


def _plain(value):
    """Problems, results and tuples as JSON values with blank-node labels blanked out."""
    if hasattr(value, "as_dict"):
        value = value.as_dict()
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, str):
        return _BLANK.sub("_:", value)
    return value


#: What says which route read a document, not what it found: left out of the fingerprints.
ROUTE_KEYS = ("declined", "pyshacl_records")


def fingerprint(result: dict) -> str:
    """A digest of what a result says, independent of blank-node labels and statement order."""
    canonical = {}
    for key, value in sorted(result.items()):
        if key in ROUTE_KEYS:
            continue
        if key in ("graph", "history"):
            canonical[key] = _statements(value)
        else:
            canonical[key] = _plain(value)
    text = json.dumps(canonical, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()[:20]


def example_fingerprints() -> dict[str, str]:
    """Fingerprints of digest.catalog on every example document of the test suite."""
    paths = sorted((ROOT / "vocab" / "examples").glob("*.*"))
    paths += sorted((ROOT / "tests" / "data" / "valid").glob("*.jsonld"))
    paths += sorted((ROOT / "tests" / "data" / "invalid").glob("*.jsonld"))
    out = {}
    for path in paths:
        kind = "text/turtle" if path.suffix == ".ttl" else "application/ld+json"
        url = "https://pios.vellinge.se/catalog"
        result = digest.catalog([(path.read_bytes(), kind, url)], EXAMPLE_ORG, EXAMPLE_PREFIXES,
                                5000)
        out[str(path.relative_to(ROOT))] = fingerprint(result)
    return out


def timed(fn, node: dict, repeat: int) -> tuple[float, float, dict]:
    """Median wall-clock and CPU milliseconds of *repeat* runs, and the last result."""
    times, cpu, result = [], [], None
    for _ in range(repeat):
        started, started_cpu = time.perf_counter(), time.process_time()
        result = fn(node)
        times.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    return statistics.median(times) * 1000, statistics.median(cpu) * 1000, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--orgs", type=int, default=20, help="organisations (nodes)")
    parser.add_argument("--per-org", type=int, default=60, help="initiatives per organisation")
    parser.add_argument("--repeat", type=int, default=3, help="runs per node (median taken)")
    parser.add_argument("--write-reference", action="store_true",
                        help=f"record this output as the reference ({REFERENCE.name})")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="pios-screen-") as tmp:
        built = nodes(Path(tmp), args.orgs, args.per_org)
    for node in built:  # warm up: shapes compiled, caches filled, modules imported
        run_catalog(node), run_feed(node)
    catalog_ms, feed_ms, cpu_ms, prints = [], [], [], {}
    fast = {"catalog": 0, "feed": 0}
    for node in built:
        ms, cpu, result = timed(run_catalog, node, args.repeat)
        catalog_ms.append(ms)
        prints[f"{node['name']} catalog"] = fingerprint(result)
        ms, cpu_feed, result = timed(run_feed, node, args.repeat)
        feed_ms.append(ms)
        cpu_ms.append(cpu + cpu_feed)
        prints[f"{node['name']} feed"] = fingerprint(result)
        fast["catalog"] += all(jsonld_terms.read(data).fast for data, _, _ in node["catalog"])
        fast["feed"] += jsonld_terms.read(node["feed"][0]).fast
    prints.update(example_fingerprints())

    both = [c + f for c, f in zip(catalog_ms, feed_ms, strict=True)]
    say = lambda label, value: print(f"{label:<44} {value}", flush=True)  # noqa: E731
    say("nodes x initiatives", f"{len(built)} x {args.per_org}, median of {args.repeat} runs each")
    say("machine load (1, 5, 15 min)", ", ".join(f"{x:.2f}" for x in os.getloadavg()))
    say("digest.catalog per node", f"median {statistics.median(catalog_ms):.1f} ms "
        f"(min {min(catalog_ms):.1f}, max {max(catalog_ms):.1f})")
    say("digest.feed_page per node", f"median {statistics.median(feed_ms):.1f} ms "
        f"(min {min(feed_ms):.1f}, max {max(feed_ms):.1f})")
    say("catalog + feed page per node", f"median {statistics.median(both):.1f} ms "
        f"(CPU time {statistics.median(cpu_ms):.1f} ms)")
    say("read on the fast path (catalogs, feed pages)",
        f"{fast['catalog']} of {len(built)}, {fast['feed']} of {len(built)}")

    if args.write_reference:
        REFERENCE.write_text(json.dumps({"orgs": args.orgs, "per_org": args.per_org,
                                         "fingerprints": prints}, indent=1) + "\n")
        say("reference written", str(REFERENCE.relative_to(ROOT)))
        return
    if not REFERENCE.exists():
        say("output equals the reference", "no reference recorded")
        return
    recorded = json.loads(REFERENCE.read_text())
    reference = recorded["fingerprints"]
    note = ""
    if (recorded["orgs"], recorded["per_org"]) != (args.orgs, args.per_org):
        # generated data depend on the whole federation (reuse links): only the examples compare
        note = f"; nodes not compared, the reference is for {recorded['orgs']} x " \
            f"{recorded['per_org']}"
        prints = {k: v for k, v in prints.items() if k.startswith(("vocab/", "tests/"))}
    common = reference.keys() & prints.keys()
    differ = sorted(k for k in common if reference[k] != prints[k])
    say("output equals the reference", "yes" if not differ else f"NO: {len(differ)} differ")
    say("  compared", f"{len(common)} results ({len(prints) - len(common)} not in the "
        f"reference{note})")
    for key in differ[:10]:
        say("  differs", key)
    if differ:
        sys.exit(1)


if __name__ == "__main__":
    main()
