"""Someone at the national operator, or a researcher, uses the aggregator's pages in a browser."""

from __future__ import annotations

import re
from urllib.parse import urlencode, urlsplit

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
    history = page.locator("h2:has-text('Historik') + .scroll table")
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


def phone_page(browser):
    """A page on a 390 px wide phone screen (an iPhone 12–15's CSS width)."""
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="sv-SE",
                                  device_scale_factor=2, is_mobile=True, has_touch=True)
    return context, context.new_page()


def follow(page, link, path: str) -> None:
    """Click ``link`` and wait until the page at ``path`` has loaded, stylesheet included.

    A click returns once the navigation has begun; measuring the layout before the stylesheet
    has arrived measures the unstyled page (a loaded machine made that a flaky overflow).
    """
    link.click()
    page.wait_for_url(lambda url: urlsplit(url).path == path, wait_until="load")


def test_overview_fits_a_phone_and_its_tables_are_not_stretched(browser, federation, axe, shoot):
    context, page = phone_page(browser)
    try:
        page.goto(federation.aggregator_url)
        assert page.get_by_role("heading", name="Nationell översikt").is_visible()
        assert page.evaluate("document.scrollingElement.scrollWidth") <= 390
        rows = page.locator("#coverage ~ .grid table tbody tr")
        heights = [box["height"] for box in (r.bounding_box() for r in rows.all())]
        assert heights and max(heights) < 64, heights  # one or two lines, not ~280 px
        labels = page.locator("figure.chart svg text.lbl")
        sizes = labels.evaluate_all("els => els.map(e => e.getBoundingClientRect().height)")
        assert sizes and min(sizes) >= 12, sizes  # readable without zooming
        violations, text = axe(page)
        assert violations == [], text
        shoot(page, "aggregator-overview-phone")
        for path in ("initiatives", "nodes", "sparql", "?lang=en", "initiatives?lang=en"):
            page.goto(federation.aggregator_url + path)
            assert page.evaluate("document.scrollingElement.scrollWidth") <= 390, path
    finally:
        context.close()


def test_overview_rows_are_not_stretched_on_a_desktop(page, federation):
    page.goto(federation.aggregator_url)
    rows = page.locator("#coverage ~ .grid table tbody tr")
    heights = [box["height"] for box in (r.bounding_box() for r in rows.all())]
    assert heights and max(heights) < 64, heights
    sizes = page.locator("figure.chart svg text.lbl").evaluate_all(
        "els => els.map(e => e.getBoundingClientRect().height)")
    assert min(sizes) >= 12, sizes


def test_initiative_page_shows_what_a_coordinator_needs_to_reuse_it(browser, federation, axe,
                                                                    shoot):
    iri = federation.changed[0][0]
    record = requests.get(iri, headers={"Accept": "application/ld+json"}, timeout=10).json()
    context, page = phone_page(browser)
    try:
        page.goto(federation.aggregator_url + "initiative?" + urlencode({"iri": iri}))
        facts = page.locator("dl.facts")
        mailbox = record["contactPoint"]["email"].removeprefix("mailto:")
        assert facts.get_by_role("link", name=mailbox).get_attribute("href") == "mailto:" + mailbox
        text = facts.inner_text()
        assert "Förväntad nytta" in text and record["expectedBenefit"]["sv"] in text
        assert "Mål" in text and record["goal"]["sv"] in text
        assert re.search(r"Budget\s+[\d\u00a0 ]*\d\skr", text)
        assert re.search(r"Senast ändrat\s+\d{1,2} [a-zåäö]+ \d{4} kl\. \d\d\.\d\d", text)
        assert page.get_by_role("heading", name="Statusuppdateringar").is_visible()
        assert page.evaluate("document.scrollingElement.scrollWidth") <= 390
        violations, described = axe(page)
        assert violations == [], described
        shoot(page, "aggregator-initiative-phone")
    finally:
        context.close()


def test_progress_over_time_reads_on_a_phone_with_its_table_beside_the_chart(browser, federation,
                                                                              axe, shoot):
    context, page = phone_page(browser)
    try:
        page.goto(federation.aggregator_url)
        follow(page, page.get_by_role("link", name="Utveckling över tid").first, "/progress")
        assert page.get_by_role("heading", name="Utveckling över tid").is_visible()
        assert page.locator("svg.stacked rect").count() > 0
        assert page.locator("#phases ~ .grid table tbody tr").count() > 0
        assert page.evaluate("document.scrollingElement.scrollWidth") <= 390
        page.get_by_label("Period", exact=True).select_option("month")
        page.get_by_role("button", name="Visa").click()
        page.wait_for_url("**/progress?*period=month*")
        violations, described = axe(page)
        assert violations == [], described
        shoot(page, "aggregator-progress-phone")
    finally:
        context.close()


def test_the_reuse_network_and_county_map_read_on_a_phone(browser, federation, axe, shoot):
    context, page = phone_page(browser)
    try:
        page.goto(federation.aggregator_url)
        follow(page, page.get_by_role("link", name="Återanvändning").first, "/reuse")
        assert page.get_by_role("heading", name="Återanvändning").is_visible()
        assert page.evaluate("document.scrollingElement.scrollWidth") <= 390
        violations, described = axe(page)
        assert violations == [], described
        shoot(page, "aggregator-reuse-phone")
        follow(page, page.get_by_role("link", name="Täckning och spridning per län").first,
               "/reuse/map")
        assert page.locator("svg.tiles rect.tile").count() == 21
        sizes = page.locator("svg.tiles text.tile-name").evaluate_all(
            "els => els.map(e => e.getBoundingClientRect().height)")
        assert min(sizes) >= 12, sizes  # the county names are readable on the phone
        assert page.evaluate("document.scrollingElement.scrollWidth") <= 390
        violations, described = axe(page)
        assert violations == [], described
        shoot(page, "aggregator-county-map-phone")
    finally:
        context.close()


def test_a_solutions_spread_and_the_scaling_follow_up_read_on_a_phone(browser, federation, axe,
                                                                        shoot):
    context, page = phone_page(browser)
    try:
        page.goto(federation.aggregator_url + "reuse")
        solutions = page.locator("#solutions ~ .scroll table tbody a")
        assert solutions.count() > 0, "the demo's nodes reuse each other's initiatives"
        title = solutions.first.inner_text()
        follow(page, solutions.first, "/reuse/solution")
        assert page.get_by_role("heading", name=title).is_visible()
        assert page.get_by_role("heading", name="Återanvänds av").is_visible()
        assert page.evaluate("document.scrollingElement.scrollWidth") <= 390
        violations, described = axe(page)
        assert violations == [], described
        shoot(page, "aggregator-reuse-solution-phone")
        page.goto(federation.aggregator_url)
        follow(page, page.get_by_role("link", name="Spridning av lösningar").first,
               "/reuse/scaling")
        assert page.get_by_role("heading", name="Spridning av lösningar").is_visible()
        assert page.evaluate("document.scrollingElement.scrollWidth") <= 390
        violations, described = axe(page)
        assert violations == [], described
        shoot(page, "aggregator-reuse-scaling-phone")
    finally:
        context.close()
