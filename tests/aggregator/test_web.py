"""The web pages, their JSON twins and POST /ping, over real HTTP."""

from __future__ import annotations

import copy
import time

import requests
from sites import crawled_with_a_broken_record


def _crawled(make_server, make_site, count=3):
    server = make_server()
    site = make_site(count=count)
    server.register(site)
    server.crawl()
    return server, site


def test_overview_shows_counts_and_coverage_in_swedish_and_english(make_server, make_site):
    server, site = _crawled(make_server, make_site)
    page = requests.get(server.url, timeout=30)
    assert page.status_code == 200
    assert '<html lang="sv">' in page.text
    assert "Nationell översikt" in page.text and "<svg" in page.text
    english = requests.get(server.url + "?lang=en", timeout=30)
    assert '<html lang="en">' in english.text and "National overview" in english.text
    twin = requests.get(server.url + "index.json", timeout=30).json()
    assert twin["initiatives"] == 3
    assert twin["organisations"] == 577
    assert twin["publishing"] == 1
    municipalities = next(k for k in twin["coverageByKind"] if k["kind"] == "municipality")
    assert municipalities == {"kind": "municipality", "total": 290, "publishing": 1}
    assert "Upplands Väsby kommun" not in str(twin["notPublishing"])


def test_search_filters_and_json_twin(make_server, make_site):
    server, site = _crawled(make_server, make_site, count=6)
    record = next(iter(site.records.values()))
    found = requests.get(server.url + "initiatives.json", timeout=30,
                         params={"phase": record["phase"]}).json()
    assert record["id"] in {i["iri"] for i in found["items"]}
    assert all(i["phase"] == record["phase"] for i in found["items"])
    word = record["title"]["sv"].split()[0]
    by_text = requests.get(server.url + "initiatives.json", params={"q": word.lower()},
                           timeout=30).json()
    assert record["id"] in {i["iri"] for i in by_text["items"]}
    nobody = requests.get(server.url + "initiatives.json", params={"county": "Gotlands län",
                                                                   "kind": "national-agency"},
                          timeout=30).json()
    assert nobody["total"] == 0
    html = requests.get(server.url + "initiatives", params={"theme": record["theme"][0]},
                        timeout=30)
    assert record["title"]["sv"] in html.text
    assert '<label for="q">' in html.text


def test_initiative_page_shows_history_and_who_reuses_it(make_server, make_site):
    server = make_server()
    original_site = make_site(org="0114", count=1)
    reuser_site = make_site(org="Vellinge", count=1)
    original = next(iter(original_site.records.values()))
    reuser = copy.deepcopy(next(iter(reuser_site.records.values())))
    reuser["reuses"] = [original["id"]]
    reuser_site.put(reuser)
    reuser_site.publish()
    changed = copy.deepcopy(original)
    changed["phase"] = "scaling"
    changed["modified"] = "2026-11-25T10:00:00Z"
    original_site.put(changed)
    original_site.publish()
    server.register(original_site)
    server.register(reuser_site)
    server.crawl()
    data = requests.get(server.url + "initiative.json", params={"iri": original["id"]},
                        timeout=30).json()
    assert [v["phase"] for v in data["history"]] == [original["phase"], "scaling"]
    assert [r["iri"] for r in data["reusedBy"]] == [reuser["id"]]
    assert data["reusedBy"][0]["organizationName"] == "Vellinge kommun"
    html = requests.get(server.url + "initiative", params={"iri": original["id"]}, timeout=30)
    assert "Historik" in html.text and "Vellinge kommun" in html.text
    missing = requests.get(server.url + "initiative", params={"iri": "http://nowhere/x"},
                           timeout=30)
    assert missing.status_code == 404


def test_publisher_page_lists_quarantined_records_with_swedish_and_english_reasons(
        make_server, make_site):
    server = make_server()
    site = make_site(count=2)
    bad, node, data = crawled_with_a_broken_record(server, site)
    quarantined = data["latest"]["detail"]["quarantined"]
    assert [q["subject"] for q in quarantined] == [bad["id"]]
    result = quarantined[0]["results"][0]
    assert result["message_sv"] and result["message_en"]
    html = requests.get(server.url + f"nodes/{node.id}", timeout=30).text
    assert bad["id"] in html
    assert result["message_sv"] in html and result["message_en"] in html
    listing = requests.get(server.url + "nodes.json", timeout=30).json()
    assert listing[0]["state"]["quarantined"] == 1


def test_ping_from_a_registered_node_crawls_it_within_seconds(make_server, make_site):
    server, site = _crawled(make_server, make_site, count=2)
    record = copy.deepcopy(next(iter(site.records.values())))
    record["title"] = {"sv": "Ändrat efter ping"}
    record["modified"] = "2026-11-26T09:00:00Z"
    site.put(record)
    site.publish()
    response = requests.post(server.url + "ping", json={"catalog": site.base_url + "catalog"},
                             timeout=30)
    assert response.status_code == 202
    query = ('ASK { ?i <http://purl.org/dc/terms/title> "Ändrat efter ping"@sv }')
    seen = False
    for _ in range(100):
        answer = requests.get(server.url + "sparql", params={"query": query}, timeout=30,
                              headers={"Accept": "application/sparql-results+json"}).json()
        if answer["boolean"]:
            seen = True
            break
        time.sleep(0.1)
    assert seen


def test_ping_as_a_form_field_and_from_an_unknown_catalog(make_server, make_site):
    server, site = _crawled(make_server, make_site, count=1)
    form = requests.post(server.url + "ping", data={"catalog": site.base_url + "catalog"},
                         timeout=30)
    assert form.status_code == 202
    unknown = requests.post(server.url + "ping", json={"catalog": "http://127.0.0.1:9/catalog"},
                            timeout=30)
    assert unknown.status_code == 404
    assert "add-node" in unknown.json()["message"]
    empty = requests.post(server.url + "ping", json={}, timeout=30)
    assert empty.status_code == 400


def test_query_page_works_without_javascript(make_server, make_site):
    server, site = _crawled(make_server, make_site, count=2)
    page = requests.get(server.url + "sparql", params={"example": "per-organisation"},
                        headers={"Accept": "text/html"}, timeout=30)
    assert page.status_code == 200
    assert "<textarea" in page.text and "Upplands Väsby kommun" in page.text
    assert "format=csv" in page.text


def test_query_page_runs_the_history_example_on_the_history_dataset(make_server, make_site):
    server, site = _crawled(make_server, make_site, count=2)
    record = copy.deepcopy(next(iter(site.records.values())))
    record["phase"] = "scaling"
    record["modified"] = "2026-11-26T10:00:00Z"
    site.put(record)
    site.publish()
    server.crawl()
    page = requests.get(server.url + "sparql", params={"example": "phase-changes"},
                        headers={"Accept": "text/html"}, timeout=30)
    assert page.status_code == 200
    assert 'value="history" selected' in page.text
    assert record["id"] in page.text and "/scaling" in page.text
    assert "sparql/history?query=" in page.text  # the downloads ask the history endpoint
    chosen = requests.get(server.url + "sparql", headers={"Accept": "text/html"}, timeout=30,
                          params={"dataset": "history", "q": "SELECT (COUNT(*) AS ?n) "
                                  "WHERE { ?v <http://purl.org/dc/terms/isVersionOf> ?i }"})
    assert ">3<" in chosen.text  # two versions read first, one more after the change
