"""``pios aggregator …`` commands, against nodes served on loopback."""

from __future__ import annotations

import gzip
import json

import pyoxigraph as ox
import rdflib
from click.testing import CliRunner

from pios_ld.cli import main


def pios(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.output


def test_init_add_list_crawl_remove(tmp_path, make_site):
    site = make_site(count=2)
    folder = str(tmp_path / "agg")
    assert pios("aggregator", "init", folder)[0] == 0
    code, out = pios("aggregator", "add-node", folder, site.base_url, "--org", "212000-0019")
    assert code == 0, out
    assert "Upplands Väsby kommun" in out and site.base_url + "catalog" in out
    code, out = pios("aggregator", "add-node", folder, site.base_url, "--org", "0114")
    assert code == 2 and "already registered" in out
    code, out = pios("aggregator", "crawl", folder)
    assert code == 0, out
    assert "updated" in out
    code, out = pios("aggregator", "list-nodes", folder, "--json")
    nodes = json.loads(out)
    assert nodes[0]["state"]["initiatives"] == 2
    code, out = pios("aggregator", "crawl", folder)
    assert "1 unchanged" in out
    code, out = pios("aggregator", "list-nodes", folder, "--all")
    assert "1 of 577 organisations have a node." in out
    code, out = pios("aggregator", "remove-node", folder, "0114")
    assert code == 0, out
    assert pios("aggregator", "list-nodes", folder)[1].startswith("0 nodes")


def test_add_node_refuses_a_node_that_publishes_for_another_organisation(tmp_path, make_site):
    site = make_site(org="Vellinge", count=1)
    folder = str(tmp_path / "agg")
    pios("aggregator", "init", folder)
    code, out = pios("aggregator", "add-node", folder, site.base_url, "--org", "0114")
    assert code == 2
    assert "not for Upplands Väsby kommun" in out


def test_add_node_for_a_node_that_is_not_up_yet_uses_the_conventional_urls(tmp_path):
    folder = str(tmp_path / "agg")
    pios("aggregator", "init", folder)
    code, out = pios("aggregator", "add-node", folder, "http://127.0.0.1:9/", "--org", "0114")
    assert code == 0
    assert "http://127.0.0.1:9/catalog" in out


def test_crawl_while_the_server_runs_goes_through_the_server(make_server, make_site):
    server = make_server()
    site = make_site(count=2)
    server.register(site)
    code, out = pios("aggregator", "crawl", str(server.state.instance.folder))
    assert code == 0, out
    assert "is running" in out and "Crawled 1 nodes" in out
    count = server.state.store.query(
        "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?i a <https://w3id.org/pios/vocab#Initiative>"
        " } }")
    assert int(next(iter(count))["n"].value) >= 2


def test_dump_writes_gzipped_nquads_with_named_graphs_and_a_void_description(tmp_path,
                                                                              make_site):
    site = make_site(count=2)
    folder = str(tmp_path / "agg")
    pios("aggregator", "init", folder)
    pios("aggregator", "add-node", folder, site.base_url, "--org", "0114")
    pios("aggregator", "crawl", folder)
    out = tmp_path / "national.nq.gz"
    code, text = pios("aggregator", "dump", folder, str(out))
    assert code == 0, text
    with gzip.open(out) as handle:
        quads = list(ox.parse(handle.read(), format=ox.RdfFormat.N_QUADS))
    graphs = {q.graph_name.value for q in quads}
    assert site.base_url in graphs
    assert "https://w3id.org/pios/graph/history" in graphs
    void = rdflib.Graph().parse(tmp_path / "national.void.ttl", format="turtle")
    assert (None, rdflib.RDF.type, rdflib.URIRef("http://rdfs.org/ns/void#Dataset")) in void
    assert list((tmp_path / "agg" / "dumps").glob("*.nq.gz"))


def test_remote_context_is_refused_without_any_connection(tmp_path, make_site, silent_port):
    evil = silent_port.url("/evil.jsonld")
    site = make_site(count=1)
    document = json.loads((site.root / "catalog").read_text())
    document["@context"] = evil
    (site.root / "catalog").write_text(json.dumps(document))
    site.faults["/feed"] = (404, b"")
    folder = str(tmp_path / "agg")
    pios("aggregator", "init", folder)
    pios("aggregator", "add-node", folder, site.base_url, "--org", "0114")
    code, out = pios("aggregator", "crawl", folder)
    assert "failed" in out
    assert "context" in out.lower() and evil in out
    silent_port.assert_untouched()


def test_missing_instance_is_a_clear_error_and_exit_2(tmp_path):
    code, out = pios("aggregator", "crawl", str(tmp_path / "nothing"))
    assert code == 2  # DESIGN §11: the crawl could not run
    assert "pios aggregator init" in out


def test_a_node_on_a_private_address_fails_naming_the_setting_once(tmp_path, make_site,
                                                                    monkeypatch):
    site = make_site(count=1)
    folder = str(tmp_path / "agg")
    pios("aggregator", "init", folder)
    pios("aggregator", "add-node", folder, site.base_url, "--org", "0114")
    monkeypatch.delenv("PIOS_ALLOW_PRIVATE_ADDRESSES")
    code, out = pios("aggregator", "crawl", folder)
    assert code == 1, out
    node_lines = [line for line in out.splitlines() if site.base_url in line]
    assert node_lines, out
    for line in node_lines:  # the catalog and the feed fail for one reason: said once
        assert line.count("set PIOS_ALLOW_PRIVATE_ADDRESSES=1") == 1, line
