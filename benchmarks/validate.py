"""Parse and validate one catalog of generated initiatives: our route against the plain route.

    python benchmarks/validate.py [--count 2000] [--invalid-share 0.02] [--repeat 5]

Our route: ``pios_ld.validation.validate_document`` (the JSON-LD reader of ``pios_ld.jsonld`` and
the compiled SHACL engine of ``pios_ld.shacl``), timed from the document's bytes to the report,
with the shapes compiled beforehand (once per process; the compile time is printed too).
The plain route: rdflib's JSON-LD parser (the context inlined, since rdflib must not fetch it)
and a default ``pyshacl.validate(data, shacl_graph=shapes)`` call, the shapes graph parsed
beforehand. Both results are compared as sets of (initiative, focus, path, severity,
component, shape, value). A share of the initiatives is broken on purpose so that the
comparison has something to compare.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pios_ld import jsonld, jsonld_terms, organizations, shacl, validation  # noqa: E402
from pios_ld.terms import XSD_STRING, TermGraph  # noqa: E402

BREAKAGES = (
    ("no title", lambda r: r.pop("title", None)),
    ("negative budget", lambda r: r.update(budget={"value": -1000, "currency": "SEK"})),
    ("phase outside the scheme", lambda r: r.update(phase="halfway")),
    ("end before start", lambda r: r.update(startDate="2026-05-01", endDate="2026-01-01",
                                            plannedEndDate="2026-06-01")),
    ("ill-typed status date", lambda r: r.setdefault("statusUpdate", []).append(
        {"type": "StatusUpdate", "date": "2026-13-45", "phase": "pilot"})),
    ("title in German", lambda r: r.update(title={"de": "Digitale Pflege"})),
    ("no theme (warning)", lambda r: r.pop("theme", None)),
)


def make_catalog(count: int, seed: int) -> dict:
    """A catalog of *count* initiatives from ``pios_ld.tools.generate`` (or a simple stand-in)."""
    org = organizations.load()[0]
    try:
        from pios_ld.tools import generate

        return generate.catalog(org, count, seed=seed, base_url="https://pios.example.se/")
    except (ImportError, AttributeError):
        return _stand_in_catalog(org, count, seed)


def _stand_in_catalog(org: organizations.Organization, count: int, seed: int) -> dict:
    rng = random.Random(seed)
    phases = ["idea", "prestudy", "planning", "development", "pilot", "implementation",
              "operation"]
    records = []
    for i in range(count):
        start = f"20{rng.randint(20, 26)}-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}"
        records.append({
            "id": f"https://pios.example.se/initiatives/initiativ-{i}", "type": "Initiative",
            "identifier": f"initiativ-{i}",
            "title": {"sv": f"Digitalt initiativ nummer {i}"},
            "description": {"sv": "Ett initiativ som gör vardagen enklare för invånarna."},
            "responsibleOrganization": org.iri, "phase": rng.choice(phases),
            "theme": ["citizen-services"], "goal": {"sv": "Enklare kontakt med kommunen."},
            "budget": {"value": rng.randint(1, 500) * 10000, "currency": "SEK"},
            "contactPoint": {"email": "mailto:digitalisering@example.se"},
            "startDate": start, "modified": "2026-11-20T10:00:00Z",
            "statusUpdate": [{"type": "StatusUpdate", "date": start, "phase": "planning",
                              "health": "on-track", "summary": {"sv": "Arbetet har börjat."}}],
        })
    return {"@context": jsonld.CONTEXT_URL, "id": "https://pios.example.se/catalog",
            "type": "Catalog", "publisher": org.iri, "modified": "2026-11-20T10:00:00Z",
            "feed": "https://pios.example.se/feed", "initiative": records}


def break_some(catalog: dict, share: float, seed: int) -> Counter:
    rng = random.Random(seed)
    broken: Counter = Counter()
    for record in catalog["initiative"]:
        if rng.random() < share:
            name, breakage = rng.choice(BREAKAGES)
            breakage(record)
            broken[name] += 1
    return broken


def our_route(data: bytes) -> validation.Report:
    return validation.validate_document(data, "jsonld")


def plain_route(data: bytes):
    import pyshacl
    import rdflib

    document = jsonld.inline_contexts(json.loads(data))
    graph = rdflib.Graph().parse(data=json.dumps(document), format="json-ld")
    return graph, pyshacl.validate(graph, shacl_graph=validation._shapes_rdflib())


def plain_keys(graph, results_graph) -> Counter:
    """The plain route's results, keyed like ours (initiatives found the same way)."""
    triples = TermGraph()
    for s, p, o in graph:
        triples.add(_term(s), str(p), _term(o))
    report = validation._report_from_rdflib(results_graph, validation.term_owners(triples))
    return Counter(r.key() for r in report.results)


def _term(node):
    import rdflib

    if isinstance(node, rdflib.BNode):
        return f"_:{node}"
    if isinstance(node, rdflib.Literal):
        datatype = str(node.datatype) if node.datatype else XSD_STRING
        return (str(node), datatype, node.language)
    return str(node)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=2000)
    parser.add_argument("--invalid-share", type=float, default=0.02)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--skip-plain", action="store_true", help="only time our route")
    args = parser.parse_args()

    catalog = make_catalog(args.count, args.seed)
    broken = break_some(catalog, args.invalid_share, args.seed)
    data = json.dumps(catalog, ensure_ascii=False).encode()
    print(f"catalog: {args.count} initiatives, {len(data) / 1e6:.1f} MB, "
          f"{len(jsonld.parse_jsonld(data))} quads; broken on purpose: {dict(broken)}")
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f}")

    started = time.perf_counter()
    plan = validation._plan()
    validation.shape_messages()
    validation.context_terms()
    print(f"shapes compiled once in {time.perf_counter() - started:.3f} s "
          f"(engine: {'compiled' if plan is not None else 'pySHACL fallback'})")
    try:
        plan.evaluate(jsonld_terms.read_terms(data))
        print("fast route used end to end (no fallback to pySHACL for this data)")
    except shacl.Unsupported as exc:
        print(f"NOTE: this data falls back to pySHACL: {exc}")

    times, cpu = [], []
    for _ in range(args.repeat):
        started, started_cpu = time.perf_counter(), time.process_time()
        report = our_route(data)
        times.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    ours = statistics.median(times)
    print(f"our route   (parse + validate): median {ours:.3f} s, best {min(times):.3f} s over "
          f"{args.repeat} runs (CPU time median {statistics.median(cpu):.3f} s); "
          f"{len(report.violations)} violations, {len(report.warnings)} warnings")
    if args.skip_plain:
        return

    started, started_cpu = time.perf_counter(), time.process_time()
    graph, (conforms, results_graph, _) = plain_route(data)
    plain, plain_cpu = time.perf_counter() - started, time.process_time() - started_cpu
    print(f"plain route (rdflib JSON-LD + pyshacl.validate): {plain:.3f} s "
          f"(CPU time {plain_cpu:.3f} s)")
    print(f"ratio: {plain / ours:.1f}x faster (CPU time: "
          f"{plain_cpu / statistics.median(cpu):.1f}x)")
    identical = plain_keys(graph, results_graph) == Counter(r.key() for r in report.results)
    print(f"results identical to pySHACL's: {'yes' if identical else 'NO'} "
          f"(conforms: ours {report.conforms}, pySHACL {conforms})")


if __name__ == "__main__":
    main()
