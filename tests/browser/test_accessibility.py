"""Every main page of the node and the aggregator meets WCAG 2.1 A and AA, as axe-core sees it.

Swedish public bodies must (lagen om tillgänglighet till digital offentlig service). axe-core
comes from the npm registry (tests/js) and is injected into each page in Chromium.
"""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
import requests

NODE_PUBLIC = {
    "node-overview": "",
    "node-catalog": "catalog",
    "node-initiative": "{initiative}",
    "node-feed": "feed-1",
    "node-login": "login",
}
NODE_EDITING = {
    "node-edit-list": "edit",
    "node-edit-new": "edit/new",
    "node-edit-existing": "edit/{identifier}",
    "node-status-update": "edit/{identifier}/status",
    "node-import": "edit/import",
}
AGGREGATOR = {
    "aggregator-overview": "",
    "aggregator-list": "initiatives",
    "aggregator-search": "initiatives?q=digital&phase=",
    "aggregator-initiative": "initiative?iri={iri}",
    "aggregator-nodes": "nodes",
    "aggregator-publisher": "nodes/1",
    "aggregator-sparql": "sparql",
    "aggregator-sparql-results": "sparql?{query}",
}


@pytest.fixture(scope="module")
def first_record(node) -> dict:
    catalog = requests.get(node.base_url + "catalog", headers={"Accept": "application/ld+json"},
                           timeout=10).json()
    return catalog["initiative"][0]


def fill(template: str, record: dict) -> str:
    query = urlencode({"q": "SELECT ?i ?phase WHERE { ?i "
                            "<https://w3id.org/pios/vocab#phase> ?phase } LIMIT 10"})
    return template.format(initiative=record["id"], identifier=record["identifier"],
                           iri=record["id"], query=query)


def check(page, axe, shoot, name: str) -> None:
    assert page.locator("main, [role=main]").count() >= 1, f"{name}: no main landmark"
    shoot(page, f"a11y-{name}")
    violations, text = axe(page)
    assert violations == [], f"{name} ({page.url}):\n{text}"


@pytest.mark.parametrize("name", sorted(NODE_PUBLIC))
def test_node_public_page_has_no_wcag_violations(name, page, node, first_record, axe, shoot):
    target = fill(NODE_PUBLIC[name], first_record)
    page.goto(target if target.startswith("http") else node.base_url + target)
    check(page, axe, shoot, name)


@pytest.mark.parametrize("name", sorted(NODE_EDITING))
def test_node_editing_page_has_no_wcag_violations(name, page, node, credentials, log_in,
                                                  first_record, axe, shoot):
    log_in(page, node.base_url, *credentials)
    page.goto(node.base_url + fill(NODE_EDITING[name], first_record))
    check(page, axe, shoot, name)


def test_node_form_with_errors_has_no_wcag_violations(page, node, credentials, log_in, axe,
                                                      shoot):
    log_in(page, node.base_url, *credentials)
    page.goto(node.base_url + "edit/new")
    page.locator("#f-identifier").fill("ogiltig identifierare med mellanslag")
    page.locator("#f-startDate").fill("2026-09-01")
    page.locator("#f-endDate").fill("2026-03-01")
    page.get_by_role("button", name="Spara").click()
    page.locator(".error-summary").wait_for()
    check(page, axe, shoot, "node-edit-errors")


@pytest.mark.parametrize("name", sorted(AGGREGATOR))
def test_aggregator_page_has_no_wcag_violations(name, page, federation, first_record, axe,
                                                shoot):
    page.goto(federation.aggregator_url + fill(AGGREGATOR[name], first_record))
    check(page, axe, shoot, name)


def test_the_check_itself_finds_an_image_without_alternative_text(page, axe):
    page.set_content('<!doctype html><html lang="sv"><title>Prov</title><main>'
                     '<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw="></main></html>')
    violations, _ = axe(page)
    assert [v["id"] for v in violations] == ["image-alt"]
