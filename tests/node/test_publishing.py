"""Publishing over real HTTP: discovery, content negotiation, conditional GET, gzip, CORS."""

from __future__ import annotations

import gzip
import json
import re

import pytest
import requests
from nodehelpers import ORG, record
from pios_ld.node import parts as node_parts
from rdflib import Graph
from rdflib.compare import to_isomorphic

from pios_ld import rdf, validation

FORMATS = {
    "application/ld+json": "json-ld",
    "text/turtle": "turtle",
    "application/n-triples": "nt",
    "application/n-quads": "nquads",
}


def graph(response: requests.Response) -> Graph:
    media = response.headers["Content-Type"].split(";")[0]
    quads = rdf.parse(response.content, rdf.format_for(media))
    g = Graph()
    g.parse(data=rdf.serialize(quads, rdf.N_TRIPLES).decode(), format="nt")
    return g


def test_well_known_names_catalog_feed_and_publisher(live):
    response = requests.get(f"{live.url}/.well-known/pios", timeout=10)
    assert response.status_code == 200
    assert response.json() == {"catalog": f"{live.url}/catalog", "feed": f"{live.url}/feed",
                               "publisher": ORG}
    assert response.headers["Access-Control-Allow-Origin"] == "*"


@pytest.mark.parametrize("path", ["/catalog", "/initiatives/digital-tillsyn", "/feed-1", "/feed"])
def test_every_document_is_the_same_graph_in_every_rdf_format(live, path):
    assert live.post(record()).status_code == 201
    graphs = []
    for media in FORMATS:
        response = requests.get(live.url + path, headers={"Accept": media}, timeout=10)
        assert response.status_code == 200, response.text
        assert response.headers["Content-Type"].startswith(media)
        assert "Accept" in response.headers["Vary"]
        graphs.append(to_isomorphic(graph(response)))
    assert all(g == graphs[0] for g in graphs)
    assert len(graphs[0]) > 3


@pytest.mark.parametrize("suffix,media", [(".jsonld", "application/ld+json"),
                                          (".ttl", "text/turtle"),
                                          (".nt", "application/n-triples"),
                                          (".html", "text/html")])
def test_suffix_chooses_the_format_whatever_the_accept_header(live, suffix, media):
    live.post(record())
    response = requests.get(f"{live.url}/initiatives/digital-tillsyn{suffix}",
                            headers={"Accept": "application/xml"}, timeout=10)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith(media)


def test_q_values_pick_the_preferred_format(live):
    live.post(record())
    url = f"{live.url}/initiatives/digital-tillsyn"
    accept = "application/ld+json;q=0.5, text/turtle;q=0.9, text/html;q=0.1"
    assert requests.get(url, headers={"Accept": accept}, timeout=10).headers[
        "Content-Type"].startswith("text/turtle")
    accept = "text/turtle;q=0.2, application/n-triples"
    assert requests.get(url, headers={"Accept": accept}, timeout=10).headers[
        "Content-Type"].startswith("application/n-triples")
    browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    assert requests.get(url, headers={"Accept": browser}, timeout=10).headers[
        "Content-Type"].startswith("text/html")
    assert requests.get(url, headers={"Accept": "*/*"}, timeout=10).headers[
        "Content-Type"].startswith("application/ld+json")


def test_unacceptable_format_is_406_and_unknown_initiative_404(live):
    response = requests.get(f"{live.url}/catalog", headers={"Accept": "image/png"}, timeout=10)
    assert response.status_code == 406
    assert requests.get(f"{live.url}/initiatives/nope",
                        headers={"Accept": "application/ld+json"}, timeout=10).status_code == 404


def test_deleted_initiative_is_gone_with_410(live):
    live.post(record())
    requests.delete(f"{live.url}/api/initiatives/digital-tillsyn", headers=live.auth(), timeout=10)
    response = requests.get(f"{live.url}/initiatives/digital-tillsyn",
                            headers={"Accept": "application/ld+json"}, timeout=10)
    assert response.status_code == 410


def test_catalog_returns_304_when_unchanged_and_200_after_a_change(live):
    live.post(record())
    headers = {"Accept": "application/ld+json"}
    first = requests.get(f"{live.url}/catalog", headers=headers, timeout=10)
    etag, last_modified = first.headers["ETag"], first.headers["Last-Modified"]
    again = requests.get(f"{live.url}/catalog", headers={**headers, "If-None-Match": etag},
                         timeout=10)
    assert again.status_code == 304 and again.content == b""
    since = requests.get(f"{live.url}/catalog",
                         headers={**headers, "If-Modified-Since": last_modified}, timeout=10)
    assert since.status_code == 304
    live.post(record("ny-tjanst"))
    changed = requests.get(f"{live.url}/catalog", headers={**headers, "If-None-Match": etag},
                           timeout=10)
    assert changed.status_code == 200
    assert len(changed.json()["initiative"]) == 2


def test_a_deletion_moves_the_catalogs_last_modified_on(live):
    live.post(record())
    live.post(record("annat"))
    headers = {"Accept": "application/ld+json"}
    before = requests.get(f"{live.url}/catalog", headers=headers, timeout=10)
    requests.delete(f"{live.url}/api/initiatives/annat", headers=live.auth(), timeout=10)
    after = requests.get(f"{live.url}/catalog", timeout=10, headers={
        **headers, "If-Modified-Since": before.headers["Last-Modified"]})
    assert after.status_code == 200
    assert [r["identifier"] for r in after.json()["initiative"]] == ["digital-tillsyn"]


def test_large_documents_are_gzipped_when_the_client_accepts_it(live):
    for i in range(5):
        live.post(record(f"initiativ-{i}"))
    response = requests.get(f"{live.url}/catalog", stream=True, timeout=10,
                            headers={"Accept": "application/ld+json",
                                     "Accept-Encoding": "gzip"})
    assert response.headers["Content-Encoding"] == "gzip"
    raw = response.raw.read()
    assert len(json.loads(gzip.decompress(raw))["initiative"]) == 5


def test_catalog_is_paged_above_the_page_size(start_node):
    node = start_node(catalog_page_size=2)
    for i in range(5):
        assert node.post(record(f"initiativ-{i}")).status_code == 201
    seen, url = [], f"{node.url}/catalog"
    while url:
        page = requests.get(url, headers={"Accept": "application/ld+json"}, timeout=10).json()
        assert page["totalItems"] == 5
        seen += [r["identifier"] for r in page["initiative"]]
        url = page.get("next")
    assert seen == [f"initiativ-{i}" for i in range(5)]


def test_everything_published_conforms_to_the_shapes(live):
    live.post(record())
    live.post(record("annat", phase="idea"))
    requests.patch(f"{live.url}/api/initiatives/annat", json={"phase": "prestudy"},
                   headers=live.auth(), timeout=10)
    for path in ("/catalog", "/feed", "/feed-1", "/initiatives/annat", "/versions/1"):
        response = requests.get(live.url + path, headers={"Accept": "text/turtle"}, timeout=10)
        report = validation.validate(rdf.parse(response.content, rdf.TURTLE))
        assert report.conforms, (path, report.to_text("en"))


def test_html_page_embeds_its_json_ld_and_a_schema_org_project(live):
    live.post(record())
    response = requests.get(f"{live.url}/initiatives/digital-tillsyn",
                            headers={"Accept": "text/html"}, timeout=10)
    html = response.text
    assert '<html lang="sv">' in html
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    documents = [json.loads(b) for b in blocks]
    assert documents[0]["id"] == f"{live.url}/initiatives/digital-tillsyn"
    assert documents[1]["@type"] == "Project"
    assert documents[1]["name"] == "Digital tillsyn i hemtjänsten"
    assert "Digital tillsyn i hemtjänsten" in html
    assert f'href="{live.url}/versions/1"' in html          # its history links each version
    assert (f'<link rel="alternate" type="text/turtle" '
            f'href="{live.url}/initiatives/digital-tillsyn.ttl">') in html


def test_catalog_html_lists_the_initiatives_for_search_engines_too(live):
    live.post(record())
    html = requests.get(f"{live.url}/catalog.html", timeout=10).text
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    items = json.loads(blocks[1])
    assert items["@type"] == "ItemList"
    assert items["itemListElement"][0]["url"] == f"{live.url}/initiatives/digital-tillsyn"


def test_english_is_chosen_with_lang_and_remembered_in_a_cookie(live):
    session = requests.Session()
    first = session.get(f"{live.url}/?lang=en", timeout=10)
    assert '<html lang="en">' in first.text
    assert '<html lang="en">' in session.get(f"{live.url}/", timeout=10).text


def test_overview_shows_counts_budget_and_charts(live):
    live.post(record())
    live.post(record("annat", phase="idea", budget={"value": 300000, "currency": "SEK"}))
    html = requests.get(f"{live.url}/", timeout=10).text
    assert "1 500 000 kr" in html
    assert "<svg" in html and 'role="img"' in html
    assert "Digital tillsyn i hemtjänsten" in html
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    described = json.loads(blocks[0])
    assert described["id"] == f"{live.url}/catalog" and described["totalItems"] == 2


def test_cors_preflight_allows_conditional_reads_from_any_origin(live):
    response = requests.options(f"{live.url}/catalog", timeout=10, headers={
        "Origin": "https://example.org", "Access-Control-Request-Method": "GET",
        "Access-Control-Request-Headers": "if-none-match"})
    assert response.status_code == 204
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "If-None-Match" in response.headers["Access-Control-Allow-Headers"]


def test_renderings_of_older_data_leave_the_cache_when_the_data_changes(live):
    publisher = node_parts.of(live.app).publisher
    for i in range(3):
        live.post(record(f"initiativ-{i}"))
        requests.get(f"{live.url}/catalog", headers={"Accept": "text/turtle"}, timeout=10)
    catalog_entries = [k for k in publisher._cache if k[1] == "/catalog"]
    assert len(catalog_entries) == 1
