"""Take the documentation's screenshots from a fresh demo federation.

    python docs/screenshots/take.py

Starts the federation of ``pios demo`` in a temporary folder, drives Chromium (``/usr/bin/chromium``
or ``PIOS_CHROMIUM``) through Playwright, writes the PNG files next to this script and stops
everything again.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from urllib.parse import urlencode

import requests
from playwright.sync_api import sync_playwright

from pios_ld.tools.demo import DEMO_PASSWORD, DEMO_USER, Demo, free_port

HERE = Path(__file__).resolve().parent
EXAMPLE = HERE.parent / "examples" / "portfolio.xlsx"
CHROMIUM = os.environ.get("PIOS_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"


def main() -> None:
    root = Path(tempfile.mkdtemp(prefix="pios-screenshots-"))
    demo = Demo(root=root, port=free_port(0), echo=print)
    try:
        demo.start()
        take(demo)
    finally:
        demo.stop()
        shutil.rmtree(root, ignore_errors=True)


def take(demo: Demo) -> None:
    malmo = demo.nodes[1]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True)
        page = browser.new_context(viewport={"width": 1280, "height": 1000}).new_page()
        page.goto(malmo.base_url)
        page.screenshot(path=str(HERE / "node-overview.png"))

        page.goto(malmo.base_url + "login")
        page.locator("#f-username").fill(DEMO_USER)
        page.locator("#f-password").fill(DEMO_PASSWORD)
        page.get_by_role("button", name="Logga in").click()
        catalog = requests.get(malmo.base_url + "catalog", timeout=30,
                               headers={"Accept": "application/ld+json"}).json()
        record = next(r for r in catalog["initiative"] if "en" in r["title"])
        page.goto(malmo.base_url + "edit/" + record["identifier"])
        page.screenshot(path=str(HERE / "node-edit-form.png"))
        import_columns(page, malmo)

        page.goto(demo.aggregator_url)
        page.screenshot(path=str(HERE / "aggregator-overview.png"))
        phone = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True,
                                    device_scale_factor=1).new_page()
        phone.goto(demo.aggregator_url)
        phone.screenshot(path=str(HERE / "aggregator-overview-phone.png"), full_page=True)
        page.goto(demo.aggregator_url + "sparql?example=reuse-across")
        page.get_by_role("button", name="Kör frågan").click()
        page.locator("table.results").wait_for()
        page.screenshot(path=str(HERE / "aggregator-sparql.png"), full_page=True)
        page.goto(demo.aggregator_url + "initiative?" + urlencode({"iri": demo.changed[0][0]}))
        page.screenshot(path=str(HERE / "aggregator-initiative.png"), full_page=True)
        browser.close()


def import_columns(page, node) -> None:
    """The import's mapping step for the example portfolio (logged in already)."""
    page.goto(node.base_url + "edit/import")
    page.locator("#f-file").set_input_files(str(EXAMPLE))
    page.get_by_role("button", name="Ladda upp och granska").click()
    page.locator("table.mapping").wait_for()
    page.screenshot(path=str(HERE / "node-import-columns.png"), full_page=True)


if __name__ == "__main__":
    main()
