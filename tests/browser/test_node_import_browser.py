"""A coordinator imports the portfolio sheet they already keep, in Chromium, through the
mapping step: each column with its field, a preview, the report, and nothing saved until they
confirm. The node is a fresh one (real HTTP on loopback), so the demo federation's data and the
other browser tests are untouched."""

from __future__ import annotations

import re
import secrets
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from pios_ld.node import create_app
from pios_ld.node import parts as node_parts
from pios_ld.node import settings as node_settings
from werkzeug.serving import make_server

SHEETS = Path(__file__).resolve().parents[1] / "data" / "sheets"
USER, PASSWORD = "samordnare", "ett-langt-losenord-for-test"
ORG = "http://dataportal.se/organisation/SE2120000019"   # Upplands Väsby kommun


@pytest.fixture
def fresh_node(tmp_path: Path) -> Iterator[str]:
    """A new, empty node served on a loopback port; yields its base URL (with a final slash)."""
    holder: dict = {}
    server = make_server("127.0.0.1", 0, lambda env, start: holder["app"](env, start),
                         threaded=True)
    url = f"http://127.0.0.1:{server.port}/"
    instance = tmp_path / "node"
    instance.mkdir()
    node_settings.write_file(instance, {"base_url": url.rstrip("/"), "organization": ORG})
    (instance / node_settings.SECRET_FILE).write_text(secrets.token_urlsafe(32))
    holder["app"] = create_app({"instance": instance})
    node_parts.of(holder["app"]).store.create_user(USER, PASSWORD)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield url
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def published(base_url: str) -> dict[str, dict]:
    catalog = requests.get(base_url + "catalog", headers={"Accept": "application/ld+json"},
                           timeout=10).json()
    return {r["title"]["sv"]: r for r in catalog.get("initiative", [])}


def test_a_coordinator_maps_the_columns_checks_the_preview_and_imports(
        page, fresh_node, log_in, axe, shoot):
    log_in(page, fresh_node, USER, PASSWORD)
    page.goto(fresh_node + "edit/import")
    page.get_by_label("Fil (.xlsx eller .csv)").set_input_files(str(SHEETS / "kommun.xlsx"))
    page.get_by_role("button", name="Ladda upp och granska").click()

    page.get_by_role("heading", name=re.compile("kontrollera kolumnerna")).wait_for()
    assert re.search(r"/edit/import/[\w-]{32}$", page.url)    # a reload shows the same step
    field = lambda heading: page.get_by_label(f"Fält för kolumnen «{heading}»")  # noqa: E731
    assert field("Projektnamn").input_value() == "title_sv"
    assert field("Budget (tkr)").input_value() == "budget"
    assert field("Samverkanspartner").input_value() == "participant"
    assert field("Projektledare").input_value() == ""         # a person's name: left out
    preview = page.locator("table.preview")
    assert preview.get_by_text("Digital tillsyn i hemtjänsten").is_visible()
    assert page.get_by_text(re.compile(r"4 skulle skapas")).is_visible()
    violations, text = axe(page)
    assert violations == [], text
    shoot(page, "node-import-columns")
    assert published(fresh_node) == {}                         # nothing saved yet

    field("Kommentar").select_option("lessonsLearned_sv")      # the coordinator's own choice
    field("Verksamhetsområde").select_option("")               # and a column left out
    page.get_by_role("button", name="Granska igen med mina val").click()
    page.get_by_role("heading", name=re.compile("kontrollera kolumnerna")).wait_for()
    assert field("Kommentar").input_value() == "lessonsLearned_sv"
    page.get_by_role("link", name="English").click()           # the UI's language switch
    page.get_by_role("heading", name=re.compile("check the columns")).wait_for()
    assert page.get_by_text(re.compile(r"4 would be created")).is_visible()
    assert page.get_by_label("Field for the column «Kommentar»").input_value() == \
        "lessonsLearned_sv"
    page.get_by_role("button", name="Import", exact=True).click()

    page.get_by_role("heading", name="The import is done.").wait_for()
    violations, text = axe(page)
    assert violations == [], text
    initiatives = published(fresh_node)
    assert sorted(initiatives) == ["Bygglov online", "Digital tillsyn i hemtjänsten", "E-arkiv",
                                   "Skolplattform 2.0"]
    tillsyn = initiatives["Digital tillsyn i hemtjänsten"]
    assert tillsyn["lessonsLearned"] == {"sv": "Utvärdering i vår"}
    assert "theme" not in tillsyn
    assert tillsyn["budget"] == {"value": 850000, "currency": "SEK"}
    assert tillsyn["phase"] == "ongoing"
    assert len(tillsyn["participant"]) == 2                    # Sollentuna and Sigtuna kommun
    assert "Anna Berg" not in str(initiatives)


def test_the_mapping_step_works_without_javascript(page_without_js, fresh_node, log_in):
    page = page_without_js
    log_in(page, fresh_node, USER, PASSWORD)
    page.goto(fresh_node + "edit/import")
    page.get_by_label("Fil (.xlsx eller .csv)").set_input_files(str(SHEETS / "myndighet.xlsx"))
    page.get_by_role("button", name="Ladda upp och granska").click()
    page.get_by_role("heading", name=re.compile("kontrollera kolumnerna")).wait_for()
    assert published(fresh_node) == {}
    page.get_by_role("button", name="Importera", exact=True).click()
    page.get_by_role("heading", name=re.compile("Importen är klar|Inget importerades")).wait_for()
    assert published(fresh_node), page.content()[:3000]
