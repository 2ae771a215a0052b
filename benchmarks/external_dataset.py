"""How an Oxigraph server answers the national graph's queries when the dataset is named per query
(``default-graph-uri``/``named-graph-uri``: every node graph and the reference) compared with its
own union default graph (``union-default-graph``, right only when the history is on another
server). Synthetic: GRAPHS node graphs of INITIATIVES initiatives each, and a history graph.

    python benchmarks/external_dataset.py [GRAPHS] [INITIATIVES]

Needs the `oxigraph` command (pip install oxigraph); prints the median of 5 per query and way.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "aggregator"))
from stores import OxigraphServer  # noqa: E402

P = "https://w3id.org/pios/vocab#"
QUERIES = {
    "count by phase": f"SELECT ?p (COUNT(?i) AS ?n) WHERE {{ ?i <{P}phase> ?p }} GROUP BY ?p",
    "budget sum": f"SELECT (SUM(?b) AS ?s) WHERE {{ ?i <{P}budget> ?b }}",
    "one initiative": "SELECT ?p ?o WHERE { <https://n7.example/i/7> ?p ?o }",
    "titles, 100": f"SELECT ?i ?t WHERE {{ ?i <{P}title> ?t }} ORDER BY ?t LIMIT 100",
}


def data(graph: int, count: int) -> bytes:
    lines = []
    for i in range(count):
        s = f"<https://n{graph}.example/i/{i}>"
        lines += [f'{s} <{P}title> "Initiativ {graph}-{i}" .',
                  f"{s} <{P}phase> <https://w3id.org/pios/concept/phase/p{i % 7}> .",
                  f'{s} <{P}budget> "{i * 1000}"^^<http://www.w3.org/2001/XMLSchema#integer> .']
        lines += [f'{s} <{P}note{k}> "text {k}" .' for k in range(7)]
    return ("\n".join(lines) + "\n").encode()


def main(graphs: int = 300, initiatives: int = 100) -> None:
    with tempfile.TemporaryDirectory() as folder, OxigraphServer(Path(folder)) as server:
        names = [f"https://n{g}.example/" for g in range(graphs)]
        for g, name in enumerate(names):
            requests.put(server.url + "/store", params={"graph": name}, data=data(g, initiatives),
                         headers={"Content-Type": "application/n-triples"}, timeout=60)
        history = b"".join(data(g, initiatives).replace(b"example/i/", b"example/v/")
                           for g in range(graphs))
        requests.post(server.url + "/store", params={"graph": "https://w3id.org/pios/graph/"
                      "history"}, data=history, headers={"Content-Type": "application/n-triples"},
                      timeout=300)
        print(f"{graphs} node graphs, {graphs * initiatives * 10} statements, as many in history")
        ways = {"named per query": [("default-graph-uri", n) for n in names]
                + [("named-graph-uri", n) for n in names],
                "union-default-graph": [("union-default-graph", "")]}
        for label, query in QUERIES.items():
            line = [f"{label:16}"]
            for way, fields in ways.items():
                times = []
                for _ in range(5):
                    start = time.perf_counter()
                    r = requests.post(server.url + "/query", data=[("query", query), *fields],
                                      headers={"Accept": "application/sparql-results+json"},
                                      timeout=120)
                    r.raise_for_status()
                    times.append(time.perf_counter() - start)
                line.append(f"{way}: {statistics.median(times) * 1000:7.1f} ms")
            print("  ".join(line))


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:3]))
