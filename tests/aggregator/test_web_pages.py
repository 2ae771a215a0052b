"""The national pages as a coordinator reads them: reuse fields, words, dates, money."""

from __future__ import annotations

import re

import requests

SV_MONTHS = ("januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti",
             "september", "oktober", "november", "december")
EN_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
             "September", "October", "November", "December")


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_initiative_page_shows_contact_expected_benefit_and_dates_as_swedish_readers_write_them(
        make_server, make_site):
    server = make_server()
    site = make_site(count=1)
    record = next(iter(site.records.values()))
    record["contactPoint"] = {"email": "mailto:innovation@example.se"}
    record["expectedBenefit"] = {"sv": "Färre resor för hemtjänsten.", "en": "Fewer trips."}
    record.pop("budget", None)
    site.publish()
    server.register(site)
    server.crawl()
    html = requests.get(server.url + "initiative", params={"iri": record["id"]}, timeout=30).text
    text = _text(html)
    assert '<a href="mailto:innovation@example.se">innovation@example.se</a>' in html
    assert "Förväntad nytta Färre resor för hemtjänsten." in text
    year, month, day = (int(x) for x in record["startDate"].split("-"))
    assert f"Startdatum {day} {SV_MONTHS[month - 1]} {year}" in text
    assert "Budget uppgift saknas" in text and "Budget 0 kr" not in text
    english = _text(requests.get(server.url + "initiative", timeout=30,
                                 params={"iri": record["id"], "lang": "en"}).text)
    assert "Expected benefit Fewer trips." in english
    assert f"Start date {day} {EN_MONTHS[month - 1]} {year}" in english
    assert "Budget not stated" in english


def test_pages_use_the_nodes_words_and_units(make_server, make_site):
    server = make_server()
    site = make_site(count=2)
    server.register(site)
    server.crawl()
    overview = _text(requests.get(server.url, timeout=30).text)
    assert "Per område" in overview and "Per tema" not in overview
    assert re.search(r"\d kr total budget", overview) and "SEK" not in overview
    english = _text(requests.get(server.url + "?lang=en", timeout=30).text)
    assert re.search(r"[\d,]+ SEK total budget", english)
    record = next(r for r in site.records.values() if r.get("statusUpdate"))
    page = _text(requests.get(server.url + "initiative", params={"iri": record["id"]},
                              timeout=30).text)
    assert "Statusuppdateringar" in page and "Lägesrapporter" not in page


def test_overview_says_not_stated_when_no_initiative_states_a_budget(make_server, make_site):
    server = make_server()
    site = make_site(count=2)
    for record in site.records.values():
        record.pop("budget", None)
    site.publish()
    server.register(site)
    server.crawl()
    assert requests.get(server.url + "index.json", timeout=30).json()["budget"] is None
    assert "uppgift saknas total budget" in _text(requests.get(server.url, timeout=30).text)
