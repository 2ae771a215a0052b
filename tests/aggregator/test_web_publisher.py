"""A node's publisher page after a failed crawl, over real HTTP, in Swedish and English."""

from __future__ import annotations

import re
import sqlite3
from datetime import datetime

import requests
from pios_ld.aggregator.ui import LOCAL

NO_PROBLEMS = ("Inga problem vid senaste genomsökningen", "No problems in the latest crawl")


def _text(html: str) -> str:
    """The page's visible text, roughly: tags removed, spaces collapsed."""
    return re.sub(r"\s+([:.,])", r"\1", re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)))


def _failed_node(make_server, make_site, faults):
    server = make_server()
    site = make_site(count=2)
    node = server.register(site)
    server.crawl()
    site.faults.update(faults)
    server.crawl()
    return server, site, node


def test_a_failed_feed_page_and_catalog_are_named_with_the_reason_in_swedish_and_english(
        make_server, make_site):
    server, site, node = _failed_node(make_server, make_site, {
        "/feed-1": (200, b"{not json at all"), "/catalog": (200, b"<html>garbage</html>")})
    page = f"{server.url}nodes/{node.id}"
    swedish = _text(requests.get(page, timeout=30).text)
    assert "Senaste genomsökningen misslyckades" in swedish
    assert f"Flödessidan {site.base_url}feed-1 är inte giltig JSON (fel på rad 1" \
        in swedish
    assert f"Katalogen {site.base_url}catalog är inte giltig JSON (fel på rad 1, " \
        "kolumn 1)" in swedish
    assert "Inte giltig JSON: Expecting" not in swedish  # no half-English sentence
    assert not any(words in swedish for words in NO_PROBLEMS)
    english = _text(requests.get(page, params={"lang": "en"}, timeout=30).text)
    assert "The latest crawl failed" in english
    assert f"The feed page {site.base_url}feed-1 is not valid JSON" in english
    assert f"The catalog {site.base_url}catalog is not valid JSON" in english
    assert "Flödessidan" not in english and "Katalogen" not in english
    assert not any(words in english for words in NO_PROBLEMS)


def test_a_failed_node_shows_the_http_status_and_the_time_of_the_last_good_crawl(
        make_server, make_site):
    server, site, node = _failed_node(make_server, make_site, {
        "/feed-1": (500, b"oops"), "/catalog": (503, b"down")})
    twin = requests.get(f"{server.url}nodes/{node.id}.json", timeout=30).json()
    assert twin["failing"] is True
    good = twin["lastGoodAt"]
    assert good and good <= twin["state"]["last_crawl_at"]
    assert [(p["document"], p["url"]) for p in twin["problems"]] == [
        ("feed-page", site.base_url + "feed-1"), ("catalog", site.base_url + "catalog")]
    swedish = _text(requests.get(f"{server.url}nodes/{node.id}", timeout=30).text)
    assert f"Katalogen {site.base_url}catalog svarade HTTP 503." in swedish
    assert f"Flödessidan {site.base_url}feed-1 svarade HTTP 500." in swedish
    shown = datetime.fromisoformat(good.replace("Z", "+00:00")).astimezone(LOCAL)  # the page's
    year, month, day = shown.year, shown.month, shown.day  # Swedish time (a date after 23 UTC)
    months = ["januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti",
              "september", "oktober", "november", "december"]
    assert re.search(rf"Senaste lyckade genomsökning: {day} {months[month - 1]} {year} "
                     r"kl\. \d\d\.\d\d", swedish)
    assert "– misslyckades (HTTP" in swedish and "failed" not in swedish
    assert not any(words in swedish for words in NO_PROBLEMS)
    english = _text(requests.get(f"{server.url}nodes/{node.id}?lang=en", timeout=30).text)
    assert re.search(rf"Last good crawl: {day} [A-Z][a-z]+ {year}, \d\d:\d\d", english)
    assert "svarade" not in english


def test_a_node_that_recovers_says_no_problems_again(make_server, make_site):
    server, site, node = _failed_node(make_server, make_site, {"/catalog": (500, b"no"),
                                                                "/feed-1": (500, b"no")})
    site.faults.clear()
    site.generate(1, seed=7)
    site.publish()
    server.crawl()
    html = _text(requests.get(f"{server.url}nodes/{node.id}", timeout=30).text)
    assert "misslyckades" not in html.split("Genomsökningar")[0]
    assert NO_PROBLEMS[0] in html


def test_a_held_catalog_is_shown_with_its_counts(make_server, make_site):
    server = make_server()
    site = make_site(count=2)
    node = server.register(site)
    server.crawl()
    # the held state is the crawl's to write; here it is written as the crawl records it (its
    # columns are added when this registry does not have them yet)
    registry = server.state.instance.registry
    with sqlite3.connect(registry.path) as db:
        have = {r[1] for r in db.execute("PRAGMA table_info(node_state)")}
        for column in ("held_count INTEGER", "held_since TEXT", "held_listed INTEGER",
                       "held_previous INTEGER"):
            if column.split()[0] not in have:
                db.execute(f"ALTER TABLE node_state ADD COLUMN {column}")
    registry.close()
    registry.update_state(
        node.id, held_count=1, held_since="2026-12-01T09:00:00Z", held_listed=2,
        held_previous=42)  # held_count: consecutive crawls that found the catalog shrunk
    swedish = _text(requests.get(f"{server.url}nodes/{node.id}", timeout=30).text)
    assert "Katalogen hålls kvar" in swedish
    assert "listar bara 2 av 42 initiativ. Inget har tagits bort" in swedish
    assert "sedan 1 december 2026 kl. 10.00" in swedish
    assert not any(words in swedish for words in NO_PROBLEMS)
    english = _text(requests.get(f"{server.url}nodes/{node.id}?lang=en", timeout=30).text)
    assert "Catalog held back" in english and "held since 1 December 2026, 10:00" in english
