"""A national dataset has one graph per node, 577 of them at full coverage: the union of the
national graphs answers with that many on every backend. (Virtuoso echoes each
``default-graph-uri`` as a response header, and past 100 headers no HTTP client reads the
answer: the dataset is written into the query instead.)"""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from pios_ld.aggregator.store import Batch

GRAPHS = 300
P = ox.NamedNode("https://example.org/many-graphs#p")


@pytest.mark.backends
def test_the_union_of_hundreds_of_node_graphs_answers_on_every_backend(harness):
    batch = Batch()
    for i in range(GRAPHS):
        graph = f"https://node{i}.example.se/"
        batch.replace_graph(graph, [ox.Triple(ox.NamedNode(graph + "i"), P, ox.Literal(str(i)))])
    harness.store.commit(batch)
    counted = harness.select(f"SELECT (COUNT(*) AS ?n) WHERE {{ ?s {P} ?o }}")
    assert counted == [{"n": str(GRAPHS)}]
    named = harness.select(
        f"SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE {{ GRAPH ?g {{ ?s {P} ?o }} }}")
    assert named == [{"n": str(GRAPHS)}]
    built = list(harness.store.query(f"CONSTRUCT {{ ?s {P} ?o }} WHERE {{ ?s {P} ?o }}"))
    assert len(built) == GRAPHS
