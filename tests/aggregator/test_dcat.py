"""The national dataset's DCAT-AP-SE description: served over HTTP after a real crawl, in each
syntax, and conforming to the mandatory properties (shapes/dcat-ap-se.ttl)."""

from __future__ import annotations

from pathlib import Path

import pyshacl
import requests
from rdflib import Graph, URIRef
from rdflib.namespace import DCAT, DCTERMS

SHAPES = Path(__file__).resolve().parents[2] / "shapes" / "dcat-ap-se.ttl"


def test_catalog_conforms_to_dcat_ap_se_and_names_both_datasets_and_the_endpoints(
        make_server, make_site):
    server = make_server(publisher_name="Nationella operatören",
                         publisher_email="pios@operator.example.se")
    server.register(make_site())
    server.crawl()
    for path, fmt in (("catalog", "turtle"), ("catalog.rdf", "xml"), ("catalog.jsonld", "json-ld")):
        answer = requests.get(server.url + path, timeout=60)
        assert answer.status_code == 200, answer.text[:300]
        graph = Graph().parse(data=answer.content, format=fmt)
        conforms, _, report = pyshacl.validate(graph, shacl_graph=str(SHAPES))
        assert conforms, report
        datasets = set(graph.subjects(DCTERMS.bibliographicCitation, None))
        assert len(datasets) == 2
        services = {str(s) for s in graph.objects(None, DCAT.endpointURL)}
        assert services == {server.url + "sparql", server.url + "sparql/history"}
        assert all(graph.value(d, DCTERMS.modified) for d in datasets)
        assert (None, DCTERMS.spatial, URIRef(
            "http://publications.europa.eu/resource/authority/country/SWE")) in graph


def test_overview_coverage_tables_download_as_csv_with_the_pages_rows(make_server, make_site):
    import csv
    import io
    server = make_server()
    server.register(make_site())
    server.crawl()
    data = requests.get(server.url + "index.json", timeout=60).json()
    answer = requests.get(server.url + "overview/coverage-county.csv", timeout=60)
    assert answer.status_code == 200 and answer.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(answer.content.decode("utf-8-sig"))))
    assert rows[0] == ["county", "publishing", "organizations", "initiatives"]
    assert rows[1:] == [[c["county"], str(c["publishing"]), str(c["total"]),
                         str(c["initiatives"])] for c in data["coverageByCounty"]]
    assert 'href="/overview/coverage-kind.csv"' in requests.get(server.url, timeout=60).text


def test_a_catalog_without_the_operators_mailbox_has_no_contact_and_the_shapes_say_so(
        make_server):
    server = make_server()
    graph = Graph().parse(data=requests.get(server.url + "catalog", timeout=60).content,
                          format="turtle")
    assert (None, DCAT.contactPoint, None) not in graph  # nothing made up
    conforms, _, report = pyshacl.validate(graph, shacl_graph=str(SHAPES))
    assert not conforms and "contactPoint" in report
