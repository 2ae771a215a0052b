"""The Content-Security-Policy holds in Chromium: no main page of the node or the aggregator
triggers a violation, and the check itself sees one when a page breaks the policy.

Violations are collected twice: a ``securitypolicyviolation`` listener installed before any page
script runs (by the browser's automation, which the policy does not govern), and the console
messages Chromium writes for every refused resource.
"""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
import requests

LISTEN = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__cspViolations.push(e.violatedDirective + ' ' + (e.blockedURI || 'inline'));
});
"""
NODE_PAGES = ["", "catalog", "{initiative}", "feed", "feed-1", "login", "{version}"]
NODE_EDITING = ["edit", "edit/new", "edit/{identifier}", "edit/{identifier}/status",
                "edit/import"]
AGGREGATOR_PAGES = ["", "?lang=en", "initiatives", "initiatives?q=digital",
                    "initiative?iri={iri}", "nodes", "nodes/1", "sparql",
                    "sparql?example=per-organisation", "sparql?{query}", "progress",
                    "progress?period=month&lang=en", "reuse", "reuse/map", "reuse/scaling",
                    "no-such-page"]


@pytest.fixture
def watched(browser):
    """A page whose CSP violations (events and console messages) are collected."""
    context = browser.new_context(locale="sv-SE")
    context.add_init_script(LISTEN)
    page = context.new_page()
    console: list[str] = []
    page.on("console", lambda m: console.append(m.text)
            if "Content Security Policy" in m.text or "Content-Security-Policy" in m.text
            else None)
    try:
        yield page, console
    finally:
        context.close()


def violations(page, console: list[str]) -> list[str]:
    page.wait_for_load_state("load")
    return page.evaluate("window.__cspViolations || []") + console


@pytest.fixture(scope="module")
def first_record(node) -> dict:
    catalog = requests.get(node.base_url + "catalog", headers={"Accept": "application/ld+json"},
                           timeout=10).json()
    return catalog["initiative"][0]


def fill(template: str, record: dict, base: str) -> str:
    query = urlencode({"q": "SELECT ?i ?repo WHERE { ?i <https://w3id.org/pios/vocab#phase> "
                            "?repo } LIMIT 10"})
    target = template.format(initiative=record["id"], identifier=record["identifier"],
                             iri=record["id"], query=query, version=base + "versions/1")
    return target if target.startswith("http") else base + target


def visit_without_violations(watched, templates, record, base) -> None:
    """Open each page of *templates* (filled for *record* at *base*); none may break the policy."""
    page, console = watched
    for template in templates:
        url = fill(template, record, base)
        page.goto(url)
        assert violations(page, console) == [], url


def test_the_node_pages_break_no_content_security_policy(watched, node, first_record):
    visit_without_violations(watched, NODE_PAGES, first_record, node.base_url)


def test_the_editing_pages_break_no_content_security_policy(watched, node, first_record,
                                                            credentials, log_in):
    page, console = watched
    log_in(page, node.base_url, *credentials)
    visit_without_violations(watched, NODE_EDITING, first_record, node.base_url)
    # sending a form (to the site itself) is allowed by form-action
    page.goto(node.base_url + "edit/new")
    page.get_by_role("button", name="Spara").click()
    page.locator(".error-summary").wait_for()
    assert violations(page, console) == []


def test_the_aggregator_pages_break_no_content_security_policy(watched, federation, first_record):
    page, console = watched
    visit_without_violations(watched, AGGREGATOR_PAGES, first_record, federation.aggregator_url)
    page.goto(federation.aggregator_url + "initiatives")
    page.locator("form.filters button[type=submit]").click()
    page.wait_for_url("**/initiatives?*")
    assert violations(page, console) == []


def test_the_check_itself_sees_a_page_that_breaks_the_policy(watched, node):
    page, console = watched
    page.goto(node.base_url)
    page.evaluate("""() => {
        const s = document.createElement('script');
        s.textContent = 'window.ran = true';
        document.body.appendChild(s);
        const st = document.createElement('style');
        st.textContent = 'body { color: red }';
        document.head.appendChild(st);
    }""")
    page.wait_for_timeout(200)
    found = violations(page, console)
    assert any("script-src" in v for v in found), found
    assert any("style-src" in v for v in found), found
    assert page.evaluate("window.ran === undefined")
