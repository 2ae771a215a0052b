"""Someone at the national operator, or a researcher, uses the aggregator's pages in a browser."""

from __future__ import annotations

import requests

PHASE = "https://w3id.org/pios/vocab#phase"

def title_of(federation, iri: str) -> str:
    record = requests.get(iri, headers={"Accept": "application/ld+json"}, timeout=10).json()
    return record["title"]["sv"]


def test_overview_filter_then_an_initiative_with_its_history(page, federation, shoot):
    assert federation.changed, "the demo moves at least one pilot on to implementation"
    changed_iri, new_phase = federation.changed[0]
    page.goto(federation.aggregator_url)
    assert page.get_by_role("heading", name="Nationell översikt").is_visible()
    shoot(page, "aggregator-overview")

    menu = page.get_by_role("navigation", name="Huvudmeny")
    menu.get_by_role("link", name="Initiativ", exact=True).click()
    assert page.get_by_role("heading", name="Sök initiativ").is_visible()
    page.locator("#phase").select_option(new_phase)
    page.get_by_role("button", name="Sök").click()
    page.wait_for_url(f"**phase={new_phase}**")
    rows = page.locator("table.list tbody tr")
    assert rows.count() >= 1
    for text in rows.locator("td:nth-child(3)").all_inner_texts():
        assert text.strip() == "Införande"
    shoot(page, "aggregator-search")

    title = title_of(federation, changed_iri)
    page.locator(f"table.list a[href*='{changed_iri.split('://', 1)[1]}']").click()
    assert page.get_by_role("heading", name=title).is_visible()
    history = page.locator("h2:has-text('Historik') + table")
    phases = history.locator("tbody tr td:nth-child(2)").all_inner_texts()
    assert "Pilot" in phases and "Införande" in phases
    shoot(page, "aggregator-initiative")


def test_an_example_query_on_the_sparql_page_shows_a_table(page, federation, shoot):
    page.goto(federation.aggregator_url + "sparql")
    page.get_by_role("link", name="Antal initiativ per organisation").click()
    assert "pios:responsibleOrganization" in page.locator("#query").input_value()
    page.get_by_role("button", name="Kör frågan").click()
    table = page.locator("table.results")
    table.wait_for()
    assert table.locator("tbody tr").count() == len(federation.nodes)
    assert "Vellinge kommun" in table.inner_text()
    shoot(page, "aggregator-sparql")


def test_aggregator_pages_are_readable_without_javascript(page_without_js, federation, shoot):
    page = page_without_js
    page.goto(federation.aggregator_url)
    assert page.get_by_role("heading", name="Nationell översikt").is_visible()
    page.goto(federation.aggregator_url + "initiatives?q=")
    first = page.locator("table.list tbody tr a").first
    title = first.inner_text()
    first.click()
    assert page.get_by_role("heading", name=title).is_visible()
    shoot(page, "aggregator-initiative-nojs")


def test_screenshots_of_the_publisher_pages(page, federation, shoot):
    page.goto(federation.aggregator_url + "nodes")
    shoot(page, "aggregator-nodes")
    page.get_by_role("link", name="Vellinge kommun").first.click()
    assert page.get_by_role("heading", name="Vellinge kommun").first.is_visible()
    shoot(page, "aggregator-publisher")
