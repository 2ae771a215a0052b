"""Fixtures for the browser tests: a small real federation and a headless Chromium.

The federation is the one ``pios demo`` starts, with two nodes instead of five: real
``pios node serve`` and ``pios aggregator serve`` processes on loopback ports, seeded with
generated data. Chromium is Debian's (``/usr/bin/chromium``, or ``PIOS_CHROMIUM``) driven by
Playwright. Screenshots of every main page go to ``test-artifacts/`` at the top of the checkout.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from pios_ld.tools.demo import DEMO_PASSWORD, DEMO_USER, Demo, free_port

CHROMIUM = os.environ.get("PIOS_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
AXE = ROOT / "tests" / "js" / "node_modules" / "axe-core" / "axe.min.js"
#: Two of the demo's organisations: Vellinge kommun and Kiruna kommun.
BROWSER_ORGS = (("2120001033", 12), ("2120002783", 8))


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)
            item.add_marker(pytest.mark.slow)


@pytest.fixture(scope="session")
def federation(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    """Two seeded nodes and an aggregator that has crawled them."""
    root = tmp_path_factory.mktemp("federation")
    demo = Demo(root=root, port=free_port(0), orgs=BROWSER_ORGS, echo=lambda line: None)
    try:
        demo.start()
        yield demo
    finally:
        demo.stop()


@pytest.fixture(scope="session")
def node(federation: Demo):
    """The first node (Vellinge kommun)."""
    return federation.nodes[0]


@pytest.fixture(scope="session")
def credentials() -> tuple[str, str]:
    return DEMO_USER, DEMO_PASSWORD


@pytest.fixture(scope="session")
def browser() -> Iterator:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True)
        try:
            yield chromium
        finally:
            chromium.close()


def _page_in_new_context(browser, **options) -> Iterator:
    """A page in a browser context of its own (Swedish locale), closed after the test."""
    context = browser.new_context(locale="sv-SE", **options)
    try:
        yield context.new_page()
    finally:
        context.close()


@pytest.fixture
def page(browser) -> Iterator:
    yield from _page_in_new_context(browser, viewport={"width": 1280, "height": 900})


@pytest.fixture
def page_without_js(browser) -> Iterator:
    yield from _page_in_new_context(browser, java_script_enabled=False)


@pytest.fixture(scope="session")
def shoot():
    """``shoot(page, name)``: a full-page screenshot in ``test-artifacts/<name>.png``."""
    return screenshot


@pytest.fixture(scope="session")
def axe():
    """``axe(page)``: the page's WCAG 2.1 A/AA violations found by axe-core, and a description."""
    return lambda page: (lambda found: (found, describe(found)))(axe_violations(page))


@pytest.fixture(scope="session")
def log_in():
    """``log_in(page, base_url, user, password)`` through the node's login form."""
    return login


def screenshot(page, name: str) -> Path:
    """Save a full-page screenshot as ``test-artifacts/<name>.png``."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def axe_violations(page) -> list[dict]:
    """Run axe-core on the page; the violations of WCAG 2.1 level A and AA."""
    assert AXE.is_file(), f"{AXE} is missing: run `npm ci` in tests/js (or .ci/install)"
    # evaluated by the browser's automation, not added as a <script> element: the pages'
    # Content-Security-Policy refuses inline scripts, as it should
    page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate(
        """async () => await axe.run(document, {runOnly: {type: 'tag',
               values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})""")
    return result["violations"]


def describe(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        targets = ", ".join(str(n["target"]) for n in v["nodes"][:5])
        lines.append(f"{v['id']} ({v['impact']}): {v['help']} — {targets}")
    return "\n".join(lines)


def login(page, base_url: str, user: str, password: str) -> None:
    """Log in to a node's editing UI through its login form."""
    page.goto(base_url + "login")
    page.get_by_label("Användarnamn").fill(user)
    page.get_by_label("Lösenord").fill(password)
    page.get_by_role("button", name="Logga in").click()
