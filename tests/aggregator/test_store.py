"""The embedded store's bulk path and the example queries' answers on known data."""

from __future__ import annotations

import pyoxigraph as ox
from pios_ld.aggregator import examples
from pios_ld.aggregator.crawllog import CRAWL_LOG, HISTORY
from pios_ld.aggregator.store import (
    BULK_THRESHOLD,
    Batch,
    OxigraphStore,
    in_graph,
    latest_snapshot,
    open_snapshot,
)

NT = ox.RdfFormat.N_TRIPLES
PIOS = "https://w3id.org/pios/vocab#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
CONCEPT = "https://w3id.org/pios/concept/"


def _lines(base: str, count: int) -> bytes:
    return b"".join(f'<{base}r{i}> <{PIOS}note> "line {i}"@sv .\n'.encode()
                    for i in range(count))


def test_in_graph_moves_every_statement_and_keeps_awkward_literals_whole():
    tricky = ox.Triple(ox.NamedNode("https://a.example/x"), ox.NamedNode(PIOS + "note"),
                       ox.Literal('ends with " .\nand a new line .', language="sv"))
    plain = ox.Triple(tricky.subject, tricky.predicate, ox.Literal("plain"))
    data = ox.serialize([tricky, plain], format=NT)
    quads = list(ox.parse(in_graph(data, "https://a.example/"), format=ox.RdfFormat.N_QUADS))
    assert {q.graph_name for q in quads} == {ox.NamedNode("https://a.example/")}
    assert ox.Triple(quads[0].subject, quads[0].predicate, quads[0].object) == tricky


def test_large_first_write_fills_node_graphs_and_the_history_dataset(tmp_path):
    store = OxigraphStore(tmp_path / "store")
    half = BULK_THRESHOLD // 2 + 100
    batch = Batch()
    batch.replace_nt["https://a.example/"] = _lines("https://a.example/", half)
    batch.replace_nt["https://b.example/"] = _lines("https://b.example/", half)
    batch.append_nt.append((HISTORY, _lines("https://a.example/v", 50)))
    assert store.commit(batch)
    assert len(store.graph("https://a.example/")) == half
    assert len(store.graph("https://b.example/")) == half
    assert len(store.graph(HISTORY)) == 50
    national = list(store.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"))[0][0]
    assert int(national.value) == 2 * half  # the default graph: the union of the node graphs
    versions = list(store.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
                                dataset="history"))[0][0]
    assert int(versions.value) == 50
    # a later crawl that changes one record is a difference, not a reload
    again = Batch()
    again.replace_nt["https://a.example/"] = _lines("https://a.example/", half - 1)
    assert store.commit(again)
    assert len(store.graph("https://a.example/")) == half - 1
    store.close()


def test_a_store_of_the_earlier_layout_is_moved_to_two_datasets_on_opening(tmp_path):
    old = ox.Store(str(tmp_path / "store"))
    node, version = ox.NamedNode("https://a.example/"), ox.NamedNode("https://a.example/v/1")
    note = ox.NamedNode(PIOS + "note")
    old.add(ox.Quad(ox.NamedNode("https://a.example/x"), note, ox.Literal("now"), node))
    old.add(ox.Quad(ox.NamedNode("https://a.example/x"), note, ox.Literal("now")))  # mirror
    old.add(ox.Quad(version, note, ox.Literal("then"), ox.NamedNode(HISTORY)))
    old.add(ox.Quad(ox.NamedNode("urn:uuid:1"), note, ox.Literal("crawl"),
                    ox.NamedNode(CRAWL_LOG)))
    old.flush()
    del old
    store = OxigraphStore(tmp_path / "store")
    assert [q.object.value for q in store.graph("https://a.example/")] == ["now"]
    assert [q.object.value for q in store.graph(HISTORY)] == ["then"]
    assert [q.object.value for q in store.graph(CRAWL_LOG)] == ["crawl"]
    rows = list(store.query("SELECT ?o WHERE { ?s ?p ?o }"))
    assert [r["o"].value for r in rows] == ["now"]  # no copy left in the default graph
    store.close()


def test_a_snapshot_holds_both_datasets_and_only_complete_ones_are_found(tmp_path):
    store = OxigraphStore(tmp_path / "store")
    batch = Batch()
    batch.replace_nt["https://a.example/"] = _lines("https://a.example/", 3)
    batch.append_nt.append((HISTORY, _lines("https://a.example/v", 2)))
    store.commit(batch)
    (tmp_path / "snapshots").mkdir()
    (tmp_path / "snapshots" / "99999999999999999999").mkdir()  # an unfinished or foreign one
    snapshot = store.snapshot()
    assert latest_snapshot(tmp_path / "snapshots") == snapshot
    assert len(open_snapshot(snapshot, "national")) == 3
    assert len(open_snapshot(snapshot, "history")) == 2
    store.close()


def _known_data() -> ox.Store:
    """Three initiatives, one with a status update that also names a phase."""
    store = ox.Store()
    turtle = f"""
    @prefix pios: <{PIOS}> . @prefix skos: <{SKOS}> . @prefix schema: <https://schema.org/> .
    @prefix phase: <{CONCEPT}phase/> . @prefix theme: <{CONCEPT}theme/> .
    phase:pilot skos:prefLabel "Pilot"@sv ; skos:broader phase:ongoing .
    phase:idea skos:prefLabel "Idé"@sv ; skos:broader phase:planned .
    phase:ongoing skos:prefLabel "Pågående"@sv . phase:planned skos:prefLabel "Planerad"@sv .
    theme:education skos:prefLabel "Utbildning"@sv .
    <https://a.example/i1> pios:responsibleOrganization <https://org/1> ; pios:phase phase:pilot ;
        pios:theme theme:education ; pios:budget <https://a.example/b1> ;
        pios:spentToDate <https://a.example/s1> ; pios:hasStatusUpdate <https://a.example/u1> .
    <https://a.example/b1> schema:value 100 . <https://a.example/s1> schema:value 40 .
    <https://a.example/u1> pios:phase phase:idea ; pios:spentToDate <https://a.example/s0> .
    <https://a.example/s0> schema:value 5 .
    <https://a.example/i2> pios:responsibleOrganization <https://org/1> ; pios:phase phase:pilot ;
        pios:theme theme:education ; pios:budget <https://a.example/b2> ;
        pios:spentToDate <https://a.example/s2> .
    <https://a.example/b2> schema:value 200 . <https://a.example/s2> schema:value 60 .
    <https://a.example/i3> pios:responsibleOrganization <https://org/1> ; pios:phase phase:idea .
    """
    store.load(turtle.encode(), format=ox.RdfFormat.TURTLE)
    return store


def _rows(store: ox.Store, example_id: str) -> list[tuple]:
    example = examples.by_id(example_id)
    assert example is not None
    return sorted(tuple(term.value if term is not None else None for term in row)
                  for row in store.query(example.query))


def test_theme_and_phase_example_counts_initiatives_not_status_updates():
    assert _rows(_known_data(), "theme-phase") == [("Utbildning", "Pilot", "2")]


def test_state_example_counts_each_initiative_once_by_its_own_phase():
    assert _rows(_known_data(), "state") == [("Planerad", "1"), ("Pågående", "2")]


def test_spend_against_budget_example_sums_initiatives_not_status_updates():
    assert _rows(_known_data(), "spend-vs-budget") == [("Pilot", "100", "300")]


def test_budget_per_theme_example_counts_sums_and_averages():
    assert _rows(_known_data(), "budget-theme") == [("Utbildning", "2", "300", "150")]


def _ordered_rows(store: ox.Store, example_id: str) -> list[tuple]:
    example = examples.by_id(example_id)
    assert example is not None
    return [tuple(t.value if t is not None else None for t in row)
            for row in store.query(example.query)]


def _budgets(amounts: dict[str, int]) -> ox.Store:
    store = ox.Store()
    lines = [f"@prefix pios: <{PIOS}> . @prefix schema: <https://schema.org/> .",
             "@prefix dct: <http://purl.org/dc/terms/> .",
             f"@prefix skos: <{SKOS}> . <https://org/1> skos:prefLabel \"Org\"@sv ."]
    for name, amount in amounts.items():
        lines.append(f"<https://a.example/{name}> pios:budget <https://a.example/b-{name}> ;"
                     f" dct:title \"{name}\"@sv ; pios:responsibleOrganization <https://org/1> ."
                     f"<https://a.example/b-{name}> schema:value {amount} .")
    # a status update's amount spent, larger than every budget, is no budget
    lines.append("<https://a.example/s> schema:value 999999 .")
    store.load("\n".join(lines).encode(), format=ox.RdfFormat.TURTLE)
    return store


def test_largest_budgets_breaks_ties_at_the_limit_by_iri():
    amounts = {f"i{n:02d}": 100 for n in range(30)} | {"top": 500}
    rows = _ordered_rows(_budgets(amounts), "largest-budgets")
    assert [r[0].rsplit("/", 1)[1] for r in rows] == ["top"] + [f"i{n:02d}" for n in range(24)]
    assert rows[0][3] == "500"


def test_history_example_lists_versions_of_initiatives_with_more_than_one():
    store = ox.Store()
    store.load(b"""@prefix dct: <http://purl.org/dc/terms/> .
    @prefix prov: <http://www.w3.org/ns/prov#> . @prefix pios: <https://w3id.org/pios/vocab#> .
    <https://a/v1> dct:isVersionOf <https://a/i1> ; prov:generatedAtTime "2026-01-01T00:00:00Z" ;
        pios:phase <https://p/idea> .
    <https://a/v2> dct:isVersionOf <https://a/i1> ; prov:generatedAtTime "2026-02-01T00:00:00Z" ;
        pios:phase <https://p/pilot> .
    <https://a/v3> dct:isVersionOf <https://a/i2> ; prov:generatedAtTime "2026-02-01T00:00:00Z" ;
        pios:phase <https://p/pilot> .
    """, format=ox.RdfFormat.TURTLE)
    assert examples.by_id("phase-changes").dataset == "history"
    assert _ordered_rows(store, "phase-changes") == [
        ("https://a/i1", "2026-01-01T00:00:00Z", "https://p/idea"),
        ("https://a/i1", "2026-02-01T00:00:00Z", "https://p/pilot")]
