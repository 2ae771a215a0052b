"""The slow routes are seen: a document the fast JSON-LD reader declines, and records pySHACL
validates because the compiled engine cannot, give the same answers many times slower, so the
crawl counts them (outcome, crawl log, the CLI's summary, ``/metrics``) and a real node's
catalog and feed take neither."""

from __future__ import annotations

import json

import pytest
import requests
from click.testing import CliRunner

from pios_ld import validation
from pios_ld.cli import main

AGG = "https://w3id.org/pios/aggregator#"
LOCAL_TERM = {"ex": "http://example.org/terms#"}


def _declined_by_the_fast_reader(site) -> None:
    """Rewrite the site's catalog as another implementation might: the same statements, with a
    local term beside the bundled context (valid JSON-LD the fast reader does not read)."""
    path = site.root / "catalog"
    doc = json.loads(path.read_bytes())
    doc["@context"] = [doc["@context"], LOCAL_TERM]
    path.write_bytes(json.dumps(doc, ensure_ascii=False, indent=1).encode())


@pytest.fixture
def shapes_the_engine_cannot_compile(monkeypatch):
    """Fault injection (named as such): the bundled shapes plus a shape with ``sh:targetNode``,
    which the compiled engine does not evaluate. It targets nothing, so the results stay the
    same; every record then goes to pySHACL, in this process (no crawl worker processes)."""
    original = validation._shapes_rdflib

    def changed():
        import rdflib

        graph = rdflib.Graph()
        for triple in original():  # a copy: the bundled graph is cached
            graph.add(triple)
        sh = rdflib.Namespace("http://www.w3.org/ns/shacl#")
        extra = rdflib.URIRef("https://example.org/shapes#Extra")
        graph.add((extra, rdflib.RDF.type, sh.NodeShape))
        graph.add((extra, sh.targetNode, rdflib.URIRef("https://example.org/nothing")))
        return graph

    monkeypatch.setenv("PIOS_AGGREGATOR_CRAWL_PROCESSES", "0")
    validation._shapes_rdflib = changed
    validation._plan.cache_clear()
    try:
        assert validation._plan() is None
        yield
    finally:
        validation._shapes_rdflib = original
        validation._plan.cache_clear()
        assert validation._plan() is not None


def _slow_counts(harness) -> list[dict]:
    return harness.select(
        "SELECT ?declined ?pyshacl WHERE { GRAPH <https://w3id.org/pios/graph/crawl-log> {"
        f" ?c a <{AGG}Crawl> OPTIONAL {{ ?c <{AGG}declinedDocuments> ?declined }}"
        f" OPTIONAL {{ ?c <{AGG}pyshaclRecords> ?pyshacl }} }} }}", dataset="history")


def test_a_real_nodes_catalog_and_feed_take_the_fast_routes(harness, make_site):
    site = make_site(count=12)
    harness.register(site)
    outcome = next(iter(harness.crawl().values()))
    assert outcome.status == "updated" and outcome.initiatives == 12
    assert (outcome.declined_documents, outcome.pyshacl_records) == (0, 0)
    assert _slow_counts(harness) == [{"declined": None, "pyshacl": None}]


def test_a_declined_catalog_is_read_all_the_same_and_counted(harness, make_site):
    site = make_site(count=5)
    _declined_by_the_fast_reader(site)
    harness.register(site)
    outcome = next(iter(harness.crawl().values()))
    assert outcome.status == "updated" and outcome.initiatives == 5  # read all the same
    assert outcome.declined_documents == 1 and outcome.pyshacl_records == 0
    assert _slow_counts(harness) == [{"declined": "1", "pyshacl": None}]


def test_records_sent_to_pyshacl_get_the_same_results_and_are_counted(
        make_harness, make_site, tmp_path, shapes_the_engine_cannot_compile):
    site = make_site(count=6)
    harness = make_harness(tmp_path / "aggregator")
    harness.register(site)
    outcome = next(iter(harness.crawl().values()))
    assert outcome.status == "updated" and outcome.initiatives == 6
    assert outcome.pyshacl_records == 6 and outcome.declined_documents == 0
    assert _slow_counts(harness) == [{"declined": None, "pyshacl": "6"}]


def test_the_cli_summary_and_metrics_name_the_slow_routes(make_server, make_site, tmp_path):
    site = make_site(count=4)
    _declined_by_the_fast_reader(site)
    server = make_server()
    server.register(site)
    server.crawl()
    metrics = requests.get(server.url + "metrics", timeout=30).text
    assert "pios_aggregator_fast_reader_declined_total 1.0" in metrics
    assert "pios_aggregator_shacl_fallback_records_total 0.0" in metrics
    server.close()

    folder = str(tmp_path / "cli")
    runner = CliRunner()
    assert runner.invoke(main, ["aggregator", "init", folder]).exit_code == 0
    added = runner.invoke(main, ["aggregator", "add-node", folder, site.base_url,
                                 "--org", site.org.iri])
    assert added.exit_code == 0, added.output
    done = runner.invoke(main, ["aggregator", "crawl", folder])
    assert done.exit_code == 0, done.output
    assert "Slow routes: 1 document(s) read by the standard JSON-LD parser" in done.output
    assert "4 initiatives, 1 document(s) read by the standard JSON-LD parser" in done.output
