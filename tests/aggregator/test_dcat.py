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
    server = make_server()
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
