"""The CSV downloads of /initiatives, /nodes and /nodes/<id>, and the citation on the overview,
over real HTTP after a real crawl: each file holds the page's rows (its JSON twin's) under a
stable header, UTF-8 with a byte-order mark, with the page's filters applied."""

from __future__ import annotations

import csv
import html
import io
import re

import requests
from rdflib import Graph
from rdflib.namespace import DCTERMS
from sites import crawled_with_a_broken_record

BOM = b"\xef\xbb\xbf"
INITIATIVE_HEADER = ["initiative", "title", "organization", "organization_name", "phase",
                     "phase_label", "modified", "stale"]


def _csv(url: str, **params) -> list[list[str]]:
    answer = requests.get(url, params=params, timeout=60)
    assert answer.status_code == 200, answer.text[:300]
    assert answer.headers["Content-Type"].startswith("text/csv")
    assert answer.content.startswith(BOM)
    assert b"\r\n" in answer.content
    return list(csv.reader(io.StringIO(answer.content.decode("utf-8-sig"), newline="")))


def _every_page(server, **params) -> list[dict]:
    """The items of /initiatives.json with *params*, page after page."""
    items, page = [], 1
    while True:
        found = requests.get(server.url + "initiatives.json", params={**params, "page": page},
                             timeout=60).json()
        items += found["items"]
        if page >= found["pages"]:
            return items
        page += 1


def _initiative_rows(items: list[dict]) -> list[list[str]]:
    return [[i["iri"], i["title"], i["organization"], i["organizationName"], i["phase"],
             i["phaseLabel"], i["modified"], "true" if i["stale"] else "false"] for i in items]


def _two_sites(make_server, make_site):
    server = make_server()
    many = make_site(org="0114", count=60)  # more than one page of 50
    few = make_site(org="Vellinge", count=4, seed=2)
    server.register(many)
    server.register(few)
    server.crawl()
    return server, many, few


def test_initiatives_csv_holds_every_row_of_every_page_and_the_pages_filters(
        make_server, make_site):
    server, many, few = _two_sites(make_server, make_site)
    rows = _csv(server.url + "initiatives.csv")
    assert rows[0] == INITIATIVE_HEADER
    everything = _every_page(server)
    assert len(everything) == 64
    assert rows[1:] == _initiative_rows(everything)

    phase = next(iter(many.records.values()))["phase"]
    for params in ({"org": few.org.iri}, {"county": few.org.county_name}, {"phase": phase},
                   {"phase": phase, "county": many.org.county_name},
                   {"kind": "municipality", "q": next(iter(few.records.values()))["title"]["sv"]
                    .split()[0].lower()}):
        expected = _every_page(server, **params)
        assert 0 < len(expected) < 64, params
        assert _csv(server.url + "initiatives.csv", **params)[1:] == _initiative_rows(expected), \
            params
    only_few = _csv(server.url + "initiatives.csv", org=few.org.iri)
    assert {r[0] for r in only_few[1:]} == set(few.records)


def test_initiatives_csv_ignores_the_page_and_finds_nothing_for_a_bad_filter_as_the_page(
        make_server, make_site):
    server, many, few = _two_sites(make_server, make_site)
    assert len(_csv(server.url + "initiatives.csv", page="2")) == 65
    assert len(_csv(server.url + "initiatives.csv", page="x")) == 65
    for params in ({"phase": "pilot> } ?x"}, {"org": "not an iri"}, {"kind": "x\ny"},
                   {"county": '"} #'}, {"q": "a" * 2000}, {"theme": "no-such-theme"}):
        page = requests.get(server.url + "initiatives.json", params=params, timeout=60).json()
        assert page["total"] == 0, params
        assert _csv(server.url + "initiatives.csv", **params) == [INITIATIVE_HEADER], params


def _download_link(page: str, path: str) -> str:
    """The one link to *path* on *page*, as the browser follows it."""
    found = re.findall(r'href="(' + re.escape(path) + r'[^"]*)"', page)
    assert len(found) == 1, found
    return html.unescape(found[0])


def test_the_initiatives_page_links_its_download_with_its_filters(make_server, make_site):
    server, many, few = _two_sites(make_server, make_site)
    phase = next(iter(few.records.values()))["phase"]
    page = requests.get(server.url + "initiatives", timeout=60,
                        params={"org": few.org.iri, "phase": phase, "q": ""}).text
    link = _download_link(page, "/initiatives.csv")
    assert "q=" not in link  # an empty filter is left out
    assert "Ladda ner tabellen (CSV)" in page
    followed = _csv(server.url + link.lstrip("/"))
    assert followed[1:] == _initiative_rows(_every_page(server, org=few.org.iri, phase=phase))
    assert len(followed) > 1
    everything = requests.get(server.url + "initiatives", timeout=60).text
    assert _download_link(everything, "/initiatives.csv") == "/initiatives.csv"
    assert "Ladda ner tabellen (CSV, alla 64 träffar)" in everything
    english = requests.get(server.url + "initiatives", params={"lang": "en"}, timeout=60).text
    assert "Download the table (CSV, all 64 results)" in english


def test_nodes_csv_lists_each_node_with_its_status_last_crawl_and_initiatives(
        make_server, make_site):
    server = make_server()
    good = make_site(org="0114", count=3)
    broken = make_site(org="Vellinge", count=2)
    broken.faults["/catalog"] = (503, b"down")
    broken.faults["/feed-1"] = (503, b"down")
    server.register(good)
    server.register(broken)
    server.crawl()
    rows = _csv(server.url + "nodes.csv")
    assert rows[0] == ["node", "organization", "organization_name", "url", "last_crawl",
                       "status", "http_status", "initiatives", "quarantined", "stale"]
    twin = requests.get(server.url + "nodes.json", timeout=60).json()
    assert rows[1:] == [[str(n["id"]), n["organization"], n["organizationName"], n["url"],
                         n["state"]["last_crawl_at"], n["state"]["last_status"],
                         str(n["state"]["last_http"] or ""), str(n["state"]["initiatives"] or 0),
                         str(n["state"]["quarantined"] or 0), str(n["state"]["stale"] or 0)]
                        for n in twin]
    by_url = {r[3]: r for r in rows[1:]}
    assert by_url[good.base_url][5:8] == ["updated", "200", "3"]
    assert by_url[broken.base_url][5] == "failed" and by_url[broken.base_url][7] == "0"
    assert 'href="/nodes.csv"' in requests.get(server.url + "nodes", timeout=60).text


def test_a_nodes_crawls_and_problems_download_as_the_publisher_page_lists_them(
        make_server, make_site):
    server = make_server()
    site = make_site(count=2)
    site.put_copy("negativ-budget", budget={"value": -5, "currency": "SEK"})
    node = server.register(site)
    server.crawl()
    site.faults["/catalog"] = (503, b"down")
    site.faults["/feed-1"] = (503, b"down")
    server.crawl()
    twin = requests.get(server.url + f"nodes/{node.id}.json", timeout=60).json()

    crawls = _csv(server.url + f"nodes/{node.id}/crawls.csv")
    assert crawls[0] == ["finished_at", "status", "http_status", "initiatives", "quarantined",
                         "errors"]
    assert [r[:2] for r in crawls[1:]] == [[c["finished_at"], c["status"]]
                                           for c in twin["crawls"]]
    assert [r[1] for r in crawls[1:]] == ["failed", "updated"]
    assert crawls[2][3:5] == ["2", "1"]  # the good crawl: 2 initiatives, 1 quarantined
    assert f"Katalogen {site.base_url}catalog svarade HTTP 503." in crawls[1][5]
    english = _csv(server.url + f"nodes/{node.id}/crawls.csv", lang="en")
    assert f"The catalog {site.base_url}catalog answered HTTP 503." in english[1][5]

    problems = _csv(server.url + f"nodes/{node.id}/problems.csv")
    assert problems[0] == ["kind", "record", "field", "value", "message_sv", "message_en"]
    errors = [r for r in problems[1:] if r[0] == "error"]
    assert [(r[1], r[2]) for r in errors] == [(p["url"], p["document"])
                                              for p in twin["problems"]]
    assert errors and all(r[4] and r[5] for r in errors)

    page = requests.get(server.url + f"nodes/{node.id}", timeout=60).text
    assert f'href="/nodes/{node.id}/crawls.csv"' in page
    assert f'href="/nodes/{node.id}/problems.csv"' in page


def test_quarantined_records_and_their_rules_are_rows_of_the_problems_download(
        make_server, make_site):
    server = make_server()
    site = make_site(count=2)
    bad, node, twin = crawled_with_a_broken_record(server, site)
    quarantined = twin["latest"]["detail"]["quarantined"]
    problems = _csv(server.url + f"nodes/{node.id}/problems.csv")[1:]
    record = [r for r in problems if r[0] in ("quarantined", "rule")]
    assert record[0] == ["quarantined", bad["id"], "", "", quarantined[0]["message_sv"],
                         quarantined[0]["message_en"]]
    assert record[1:] == [["rule", bad["id"], r.get("field") or r.get("path") or "",
                           r.get("value") or "", r["message_sv"], r["message_en"]]
                          for r in quarantined[0]["results"]]
    warnings = [r for r in problems if r[0] == "warning"]
    assert len(warnings) == len(twin["latest"]["detail"]["warnings"])


def test_an_unknown_node_or_table_is_404_with_a_message(make_server, make_site):
    server = make_server()
    node = server.register(make_site(count=1))
    server.crawl()
    missing = requests.get(server.url + "nodes/999/crawls.csv", timeout=60)
    assert missing.status_code == 404
    assert missing.json()["message"] == "No node 999 is registered."
    assert "Ingen nod 999 är registrerad." in str(missing.json())
    page = requests.get(server.url + "nodes/999/crawls.csv", timeout=60,
                        headers={"Accept": "text/html"})
    assert page.status_code == 404 and "Ingen nod 999 är registrerad." in page.text
    table = requests.get(server.url + f"nodes/{node.id}/everything.csv", timeout=60)
    assert table.status_code == 404 and "crawls or problems" in table.json()["message"]


def test_the_overview_says_how_to_cite_with_the_catalogs_citation(make_server, make_site):
    server = make_server(publisher_name="Nationella operatören")
    server.register(make_site(count=1))
    server.crawl()
    graph = Graph().parse(data=requests.get(server.url + "catalog", timeout=60).content,
                          format="turtle")
    citations = {str(c) for c in graph.objects(None, DCTERMS.bibliographicCitation)}
    assert len(citations) == 1
    citation = citations.pop()
    assert citation.startswith("Nationella operatören (20")
    swedish = requests.get(server.url, timeout=60).text
    assert "Så citerar du" in swedish and html.escape(citation) in swedish
    assert 'href="/catalog"' in swedish
    english = requests.get(server.url, params={"lang": "en"}, timeout=60).text
    assert "How to cite" in english and html.escape(citation) in english
    assert requests.get(server.url + "index.json", timeout=60).json()["citation"] == citation
