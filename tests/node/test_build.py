"""`pios node build`: the static site equals the live node and a plain web server serves it."""

from __future__ import annotations

import functools
import json
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import requests
from click.testing import CliRunner
from nodehelpers import ORG, make_instance, record
from pios_ld.node import create_app, settings
from pios_ld.node import parts as node_parts
from pios_ld.node.build import build_site
from pios_ld.node.cli import node
from rdflib import Graph, URIRef
from rdflib.compare import to_isomorphic

from pios_ld import feed, rdf


def as_graph(data: bytes, media: str) -> Graph:
    try:
        fmt = rdf.format_for(media)
    except Exception:  # a static host may not know the type: the contract says JSON-LD
        fmt = rdf.JSON_LD
    g = Graph()
    g.parse(data=rdf.serialize(rdf.parse(data, fmt), rdf.N_TRIPLES).decode(), format="nt")
    return g


def fill(live) -> None:
    for i in range(4):
        assert live.post(record(f"initiativ-{i}")).status_code == 201
    requests.patch(f"{live.url}/api/initiatives/initiativ-1", json={"phase": "scaling"},
                   headers=live.auth(), timeout=10)
    requests.delete(f"{live.url}/api/initiatives/initiativ-3", headers=live.auth(), timeout=10)


@pytest.fixture
def static_server():
    servers = []

    def serve(directory: Path) -> str:
        handler = functools.partial(SimpleHTTPRequestHandler, directory=str(directory))
        handler.log_message = lambda *args: None
        server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}"

    yield serve
    for server in servers:
        server.shutdown()
        server.server_close()


def test_build_output_equals_what_the_live_node_serves(start_node, tmp_path):
    live = start_node(feed_page_size=2, catalog_page_size=2)
    fill(live)
    out = tmp_path / "site"
    result = CliRunner().invoke(node, ["build", str(live.instance), str(out)])
    assert result.exit_code == 0, result.output
    paths = ["catalog", "catalog-2", "feed", "feed-1", "feed-2", "feed-3",
             "initiatives/initiativ-0", "initiatives/initiativ-1", "versions/5"]
    for path in paths:
        for suffix, media in (("", "application/ld+json"), (".ttl", "text/turtle"),
                              (".jsonld", "application/ld+json")):
            built = (out / (path + suffix)).read_bytes()
            served = requests.get(f"{live.url}/{path}", headers={"Accept": media}, timeout=10)
            assert to_isomorphic(as_graph(built, media)) == \
                to_isomorphic(as_graph(served.content, media)), path + suffix
    assert json.loads((out / ".well-known/pios").read_text()) == requests.get(
        f"{live.url}/.well-known/pios", timeout=10).json()
    index = (out / "index.html").read_text()
    assert index.startswith("<!doctype html>")
    assert 'href="/catalog.html"' in index and "/edit" not in index
    html = (out / "initiatives/initiativ-0.html").read_text()
    assert 'application/ld+json' in html and "initiativ-0" in html
    assert not (out / "initiatives/initiativ-3").exists()


def read_site(url: str) -> tuple[set[str], list[feed.Member]]:
    """What an aggregator-style reader finds from the discovery document."""
    discovery = requests.get(f"{url}/.well-known/pios", timeout=10).json()
    initiatives: set[str] = set()
    page: str | None = discovery["catalog"]
    while page:
        response = requests.get(page, timeout=10)
        assert response.status_code == 200, page
        graph = as_graph(response.content, response.headers.get("Content-Type", ""))
        query = "SELECT ?i WHERE { ?c <https://w3id.org/pios/vocab#initiative> ?i }"
        initiatives |= {str(row[0]) for row in graph.query(query)}
        nxt = list(graph.objects(predicate=URIRef("https://w3id.org/pios/vocab#nextPage")))
        page = str(nxt[0]) if nxt else None
    stream = requests.get(discovery["feed"], timeout=10)
    quads = rdf.parse(stream.content, rdf.JSON_LD)
    pages = [q.object.value for q in quads if q.predicate.value == feed.TREE + "view"]
    members: list[feed.Member] = []
    while pages:
        page_url = pages.pop(0)
        content = requests.get(page_url, timeout=10).content
        read = feed.read_page(rdf.parse(content, rdf.JSON_LD), page_url)
        members += read.members
        pages += read.next_pages
    return initiatives, members


def test_a_plain_static_server_serves_everything_an_aggregator_needs(tmp_path, static_server):
    out = tmp_path / "site"
    out.mkdir()
    url = static_server(out)
    instance = make_instance(tmp_path / "node", url, feed_page_size=2, catalog_page_size=2)
    app = create_app({"instance": instance})
    token = node_parts.of(app).store.create_token("build")
    client, auth = app.test_client(), {"Authorization": f"Bearer {token}"}
    for i in range(4):
        assert client.post("/api/initiatives", json=record(f"initiativ-{i}"),
                           headers=auth).status_code == 201
    client.patch("/api/initiatives/initiativ-1", json={"phase": "scaling"}, headers=auth)
    client.delete("/api/initiatives/initiativ-3", headers=auth)
    build_site(settings.load(instance), out)
    initiatives, members = read_site(url)
    assert initiatives == {f"{url}/initiatives/initiativ-{i}" for i in (0, 1, 2)}
    assert len(members) == 6
    assert [m.deleted for m in members][-1] is True
    html = requests.get(f"{url}/initiatives/initiativ-0.html", timeout=10)
    assert html.headers["Content-Type"].startswith("text/html")
    assert requests.get(f"{url}/static/node.css", timeout=10).status_code == 200


def test_build_from_a_folder_of_json_records(tmp_path):
    folder = tmp_path / "records"
    folder.mkdir()
    for i in range(3):
        body = record(f"fil-{i}", modified=f"2026-0{i + 1}-01T10:00:00Z")
        (folder / f"fil-{i}.json").write_text(json.dumps(body), encoding="utf-8")
    out = tmp_path / "site"
    result = CliRunner().invoke(node, ["build", str(folder), str(out), "--org", "0114",
                                       "--base-url", "https://pios.example.se"])
    assert result.exit_code == 0, result.output
    catalog = json.loads((out / "catalog").read_text())
    assert catalog["publisher"] == ORG
    assert sorted(r["identifier"] for r in catalog["initiative"]) == ["fil-0", "fil-1", "fil-2"]
    page = feed.read_page(rdf.parse((out / "feed-1").read_bytes(), rdf.JSON_LD),
                          "https://pios.example.se/feed-1")
    assert [m.timestamp[:10] for m in page.members] == ["2026-01-01", "2026-02-01",
                                                         "2026-03-01"]


def test_build_from_files_refuses_invalid_records_naming_them(tmp_path):
    folder = tmp_path / "records"
    folder.mkdir()
    bad = record("utan-titel")
    del bad["title"]
    (folder / "bad.json").write_text(json.dumps(bad), encoding="utf-8")
    result = CliRunner().invoke(node, ["build", str(folder), str(tmp_path / "out"), "--org",
                                       "0114", "--base-url", "https://pios.example.se"])
    assert result.exit_code == 2
    assert "utan-titel: title: Initiativet saknar titel." in result.output
