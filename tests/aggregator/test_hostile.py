"""One crawl against many hostile nodes at once, and good nodes beside them (real HTTP on loopback).

Every node is first crawled while it behaves; then each hostile node switches to one behaviour of
:data:`hostile.BEHAVIOURS` and the whole federation is crawled again. The crawl must end within
the per-node budget plus a few seconds and under 1 GB, commit the good nodes as soon as they are
done, keep every hostile node's last good data, and keep the crawl log and the registry small.
"""

from __future__ import annotations

import json
import time

import pytest
from hostile import BEHAVIOURS, HostileNode, PeakMemory

from pios_ld import organizations

#: Settings small enough for a quick test; the defaults are documented in docs/aggregator.md.
SETTINGS = {"node_time_budget": 16, "fetch_timeout": 4, "screen_timeout": 6,
            "retry_after_max": 2, "fetch_max_bytes": 32 * 1024 * 1024,
            "node_max_bytes": 96 * 1024 * 1024, "crawl_workers": 32, "crawl_processes": 2,
            "max_problems": 20, "screen_max_memory": 448, "catalog_max_pages": 1000,
            "feed_max_pages": 2000}
SLACK = 5.0  # seconds past the node budget that the whole crawl may take


@pytest.fixture
def federation(tmp_path, monkeypatch, request):
    for name, value in SETTINGS.items():
        monkeypatch.setenv(f"PIOS_AGGREGATOR_{name.upper()}", str(value))
    harness = request.getfixturevalue("harness")  # made after the settings above
    orgs = [o for o in organizations.load() if o.kinds][:len(BEHAVIOURS) + 3]
    nodes: dict[str, HostileNode] = {}
    for index, name in enumerate([*BEHAVIOURS, "good-1", "good-2", "good-3"]):
        node = HostileNode(tmp_path / name, orgs[index])
        node.generate(6 if name == "truncated-catalog" else 3, seed=index + 1)
        node.publish()
        harness.register(node)
        nodes[name] = node
    yield harness, nodes
    for node in nodes.values():
        node.close()


def test_hostile_nodes_at_once_are_bounded_and_the_good_ones_are_committed(federation):
    harness, nodes = federation
    first = harness.crawl()
    assert {o.status for o in first.values()} == {"updated"}, \
        {u: o.summary() for u, o in first.items() if o.status != "updated"}
    before = harness.titles()
    for name, (behaviour, _) in BEHAVIOURS.items():
        nodes[name].misbehave(behaviour)
    for name in ("good-1", "good-2", "good-3"):  # the good nodes have news
        record = dict(next(iter(nodes[name].records.values())))
        record["title"] = {"sv": f"Nytt från {name}"}
        record["modified"] = "2026-12-01T10:00:00Z"
        nodes[name].put(record)
        nodes[name].publish()

    committed: dict[str, float] = {}
    with PeakMemory() as memory:  # this process (crawler and servers) and the workers
        started = time.monotonic()
        outcomes = {o.node.url: o for o in harness.crawler.crawl(
            progress=lambda o: committed.setdefault(o.node.url, time.monotonic() - started))}
        wall = time.monotonic() - started
    peak = memory.megabytes
    budget = SETTINGS["node_time_budget"]
    assert wall < budget + SLACK, f"{wall:.1f} s"
    statuses = {name: outcomes[nodes[name].base_url].status for name in nodes}
    assert peak < 1024, f"{peak:.0f} MB"
    print(f"hostile crawl: {wall:.1f} s, {peak:.0f} MB",
          {k: v >> 20 for k, v in memory.parts.items()})
    expected = {name: want for name, (_, want) in BEHAVIOURS.items()}
    expected.update({"good-1": "updated", "good-2": "updated", "good-3": "updated"})
    assert statuses == expected, {
        name: [e.message_en for e in outcomes[nodes[name].base_url].errors]
        for name in nodes if statuses[name] != expected[name]}

    # the good nodes were committed when they were done, not when the slowest node was
    for name in ("good-1", "good-2", "good-3"):
        assert committed[nodes[name].base_url] < budget / 2, committed
    titles = harness.titles()
    assert {titles[i] for n in ("good-1", "good-2", "good-3")
            for i in nodes[n].records if titles[i].startswith("Nytt från")} == \
        {"Nytt från good-1", "Nytt från good-2", "Nytt från good-3"}

    # a failed, held or flooded node keeps its last good data
    for name in BEHAVIOURS:
        if name in ("giant-iri",):  # its first record's IRI changed: that one is a new record
            continue
        for iri in nodes[name].records:
            assert titles.get(iri) == before[iri], (name, iri)

    # nothing a node sends grows the crawl log or the registry beyond a small size
    log_size = harness.select(
        "SELECT (COUNT(*) AS ?n) WHERE { GRAPH <https://w3id.org/pios/graph/crawl-log> "
        "{ ?s ?p ?o } }", dataset="history")[0]["n"]
    assert int(log_size) < 200 * len(nodes), log_size
    for name, node in nodes.items():
        detail = harness.instance.registry.crawls(outcomes[node.base_url].node.id, 1)[0]
        assert len(json.dumps(detail)) < 200_000, (name, len(json.dumps(detail)))

    flood = outcomes[nodes["status-flood"].base_url]
    assert flood.quarantined[0].kind == "too-large"
    assert flood.stale == [next(iter(nodes["status-flood"].records))]
    assert any(p.kind == "too-large" for p in flood.dropped)  # the feed's huge version
    foreign = outcomes[nodes["foreign-flood"].base_url]
    assert foreign.dropped_count >= 20_000 and len(foreign.dropped) <= SETTINGS["max_problems"]
    assert foreign.problems(SETTINGS["max_problems"])[1] >= 20_000 - SETTINGS["max_problems"]
    held = outcomes[nodes["truncated-catalog"].base_url]
    assert held.held == {**held.held, "listed": 1, "previous": 6, "crawls": 1}
    slow = outcomes[nodes["slow-to-check"].base_url].errors[-1].message_en
    # stopped by its time limit, or sooner by its memory limit on a fast machine
    assert "screen_timeout" in slow or "MiB of memory" in slow, slow
    retry = outcomes[nodes["retry-after-long"].base_url]
    assert "Retry-After" in retry.errors[-1].message_en
    history = harness.select("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", dataset="history")
    assert int(history[0]["n"]) < 20_000
