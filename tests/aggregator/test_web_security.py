"""The aggregator's pages against hostile input, over real HTTP: a hostile record published by a
real node and crawled is escaped everywhere and its scripting IRIs are not links; what a visitor
types reaches the queries as bound values; every response carries the security headers."""

from __future__ import annotations

import http.client
import re
import secrets
import threading
from urllib.parse import urlsplit

import pytest
import requests
from pios_ld.node import create_app as create_node
from pios_ld.node import parts as node_parts
from pios_ld.node import settings as node_settings
from werkzeug.serving import make_server

from pios_ld import organizations
from pios_ld.webpolicy import linkable
from tests.aggregator.conftest import Server

SCRIPT = "<script>alert('titel')</script>"
TRICKY = 'Citat " och \\ bakstreck } ; # <b>fet</b>'
HOSTILE_IRIS = {
    "codeRepository": "javascript:alert(1)",
    "landingPage": "data:text/html;base64,PHNjcmlwdD5hbGVydCgyKTwvc2NyaXB0Pg==",
}
REUSES = "vbscript:msgbox(3)"


class Node:
    """A real node application (the one `pios node serve` runs) on a loopback port."""

    def __init__(self, folder, org_key: str = "0114") -> None:
        self.server = make_server("127.0.0.1", 0, lambda e, s: self.app(e, s), threaded=True)
        self.url = f"http://127.0.0.1:{self.server.port}"
        self.org = organizations.find(org_key)
        folder.mkdir(parents=True)
        node_settings.write_file(folder, {"base_url": self.url, "organization": self.org.iri})
        (folder / node_settings.SECRET_FILE).write_text(secrets.token_urlsafe(32))
        self.app = create_node({"instance": folder})
        self.token = node_parts.of(self.app).store.create_token("test")
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)

    def post(self, body: dict) -> None:
        response = requests.post(self.url + "/api/initiatives", json=body, timeout=30,
                                 headers={"Authorization": f"Bearer {self.token}"})
        assert response.status_code == 201, response.text


def hostile(identifier: str = "fientlig") -> dict:
    return {
        "@context": "https://w3id.org/pios/context.jsonld", "type": "Initiative",
        "identifier": identifier, "title": {"sv": SCRIPT, "en": TRICKY},
        "description": {"sv": "<img src=x onerror=alert(5)> beskrivning"},
        "phase": "pilot", "theme": ["elderly-care"], "goal": {"sv": "<iframe src=//evil>"},
        "budget": {"value": 1000, "currency": "SEK"}, "reuses": [REUSES], **HOSTILE_IRIS,
    }


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    """The hostile record, published by a real node and crawled once for the whole module."""
    root = tmp_path_factory.mktemp("hostile")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PIOS_ALLOW_PRIVATE_ADDRESSES", "1")
        node = Node(root / "node")
        node.post(hostile())
        server = Server(root / "aggregator")
        registered = server.state.instance.registry.add(
            node.url + "/", node.org.iri, node.url + "/catalog", node.url + "/feed")
        server.crawl()
        try:
            yield server, node, registered
        finally:
            server.close()
            node.close()


def hrefs(html: str) -> list[str]:
    return re.findall(r'href="([^"]*)"', html)


def assert_safe(page: requests.Response, name: str) -> None:
    assert page.status_code == 200, (name, page.status_code)
    text = page.text
    assert "<script" not in text, name
    assert "<img src=x" not in text and "<iframe" not in text and "<b>fet" not in text, name
    for href in hrefs(text):
        assert linkable(href) or (href.startswith(("/", "?", "#")) and not href.startswith(
            ("//", "/\\"))), (name, href)


def test_a_hostile_record_from_a_real_node_is_escaped_on_every_page(crawled):
    server, node, registered = crawled
    iri = node.url + "/initiatives/fientlig"
    assert requests.get(server.url + "initiative.json", params={"iri": iri},
                        timeout=30).json()["codeRepository"] == HOSTILE_IRIS["codeRepository"]
    html = {"Accept": "text/html"}
    query = ("SELECT ?i ?title ?repo ?page WHERE { ?i <http://purl.org/dc/terms/title> ?title ; "
             "<https://w3id.org/pios/vocab#codeRepository> ?repo ; "
             "<http://www.w3.org/ns/dcat#landingPage> ?page }")
    pages = {
        "initiative": requests.get(server.url + "initiative", params={"iri": iri}, timeout=30),
        "initiative-en": requests.get(server.url + "initiative", timeout=30,
                                      params={"iri": iri, "lang": "en"}),
        "search": requests.get(server.url + "initiatives", timeout=30),
        "search-en": requests.get(server.url + "initiatives", params={"lang": "en"}, timeout=30),
        "overview": requests.get(server.url, timeout=30),
        "nodes": requests.get(server.url + "nodes", timeout=30),
        "publisher": requests.get(server.url + f"nodes/{registered.id}", timeout=30),
        "query": requests.get(server.url + "sparql", params={"q": query}, headers=html,
                              timeout=30),
    }
    for name, page in pages.items():
        assert_safe(page, name)
    escaped = "&lt;script&gt;alert(&#39;titel&#39;)&lt;/script&gt;"
    for name in ("initiative", "search", "query"):
        assert escaped in pages[name].text, name
    assert "&lt;b&gt;fet&lt;/b&gt;" in pages["initiative-en"].text
    assert "&lt;b&gt;fet&lt;/b&gt;" in pages["search-en"].text
    for name in ("initiative", "query"):
        for value in HOSTILE_IRIS.values():
            assert value in pages[name].text, (name, value)  # shown, as text
    assert REUSES in requests.get(server.url + "initiative.json", params={"iri": iri},
                                  timeout=30).text
    assert 'href="' + node.url + '/initiatives/fientlig"' in pages["initiative"].text


SEARCHES = ["a\nb", 'x" ) } } SELECT * WHERE { ?s ?p ?o } #', "\\", '"', "}", "{ ?s ?p ?o }",
            "\u0000", "' UNION { ?i ?p ?o } '", "\\u0022", "a" * 2000]


@pytest.mark.parametrize("q", SEARCHES)
def test_what_a_visitor_types_is_a_bound_value_never_query_text(crawled, q):
    server, node, _ = crawled
    page = requests.get(server.url + "initiatives", params={"q": q}, timeout=30)
    assert page.status_code == 200
    found = requests.get(server.url + "initiatives.json", params={"q": q}, timeout=30).json()
    texts = [t.lower() for t in (SCRIPT, TRICKY, hostile()["description"]["sv"])]
    assert found["total"] == (1 if any(q.lower() in t for t in texts) else 0)


def test_search_finds_text_with_quotes_and_backslashes(crawled):
    server, node, _ = crawled
    for q in ('citat " och \\ bakstreck }', "alert('titel')", "<script>"):
        found = requests.get(server.url + "initiatives.json", params={"q": q}, timeout=30).json()
        assert [i["iri"] for i in found["items"]] == [node.url + "/initiatives/fientlig"], q


@pytest.mark.parametrize("params", [
    {"phase": "pilot> } ?x"}, {"theme": "x\ny"}, {"org": "http://x> ?p ?o . <y"},
    {"org": "not an iri"}, {"phase": "pilot", "org": '"'}, {"county": '"} #'},
    {"kind": "x\ny"}, {"page": "-1"}, {"page": "x"},
])
def test_filters_with_hostile_values_find_nothing_and_never_fail(crawled, params):
    server, node, _ = crawled
    answer = requests.get(server.url + "initiatives.json", params=params, timeout=30)
    assert answer.status_code == 200
    if "page" not in params:
        assert answer.json()["total"] == 0
    assert requests.get(server.url + "initiatives", params=params, timeout=30).status_code == 200


@pytest.mark.parametrize("iri", ["http://a b", "<x>", "x> ?p ?o . <y", "\n", "javascript:x",
                                 "http://127.0.0.1:1/initiatives/nothing"])
def test_an_initiative_that_is_no_iri_is_not_found(crawled, iri):
    server, node, _ = crawled
    page = requests.get(server.url + "initiative", params={"iri": iri}, timeout=30,
                        headers={"Accept": "text/html"})
    assert page.status_code == 404
    assert "<script" not in page.text and "<x>" not in page.text


def test_every_response_carries_the_security_headers(crawled):
    server, node, _ = crawled
    responses = [
        requests.get(server.url, timeout=30),
        requests.get(server.url + "index.json", timeout=30),
        requests.get(server.url + "initiatives", timeout=30),
        requests.get(server.url + "sparql", headers={"Accept": "text/html"}, timeout=30),
        requests.get(server.url + "sparql", params={"query": "ASK {}"}, timeout=30),
        requests.get(server.url + "static/style.css", timeout=30),
        requests.get(server.url + "no-such-page", timeout=30),
        requests.get(server.url + "health", timeout=30),
    ]
    for response in responses:
        headers = response.headers
        csp = headers.get("Content-Security-Policy", "")
        assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp, response.url
        assert "unsafe-inline" not in csp and "script-src 'self'" in csp, response.url
        assert headers["X-Content-Type-Options"] == "nosniff", response.url
        assert headers["Referrer-Policy"] == "same-origin", response.url
        assert headers["X-Frame-Options"] == "DENY", response.url
        assert "camera=()" in headers["Permissions-Policy"], response.url


def test_a_path_that_looks_like_another_host_does_not_make_links_to_it(crawled):
    server, node, _ = crawled
    parts = urlsplit(server.url)
    for path in ("//evil.example/x", "//evil.example", "/\\evil.example"):
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
        connection.request("GET", path, headers={"Accept": "text/html"})
        answer = connection.getresponse()
        text = answer.read().decode()
        connection.close()
        assert answer.status in (404, 308, 301), path
        for href in hrefs(text):
            assert not href.startswith(("//", "/\\")), (path, href)


def test_every_filter_still_finds_the_record_by_its_bound_value(crawled):
    server, node, _ = crawled
    iri = node.url + "/initiatives/fientlig"
    county = node.org.county_name
    for params, expected in [
        ({"kind": "municipality"}, [iri]), ({"kind": "national-agency"}, []),
        ({"county": county}, [iri]), ({"county": "Gotlands län"}, []),
        ({"org": node.org.iri}, [iri]), ({"phase": "pilot"}, [iri]), ({"phase": "idea"}, []),
        ({"theme": "elderly-care", "q": "ALERT", "kind": "municipality", "county": county},
         [iri]),
    ]:
        found = requests.get(server.url + "initiatives.json", params=params, timeout=30).json()
        assert [i["iri"] for i in found["items"]] == expected, params
        assert found["total"] == len(expected), params


def test_the_pages_of_a_search_list_every_initiative_once_newest_first(make_server, make_site):
    server = make_server()
    site = make_site(count=120)
    server.register(site)
    server.crawl()
    seen = []
    for page in (1, 2, 3):
        found = requests.get(server.url + "initiatives.json", params={"page": page},
                             timeout=30).json()
        assert found["total"] == 120 and found["pages"] == 3 and found["page"] == page
        seen += found["items"]
    assert len(seen) == 120 and {i["iri"] for i in seen} == set(site.records)
    modified = [i["modified"] for i in seen]
    assert modified == sorted(modified, reverse=True)
    county = requests.get(server.url + "initiatives.json", timeout=30,
                          params={"county": site.org.county_name, "page": 3}).json()
    assert county["total"] == 120 and len(county["items"]) == 20
    assert [i["iri"] for i in county["items"]] == [i["iri"] for i in seen[100:]]
