"""Spreadsheet import and export: per-row reports, all or nothing, idempotent re-import."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import openpyxl
import requests
from click.testing import CliRunner
from nodehelpers import PASSWORD, make_instance
from pios_ld.node import settings, spreadsheet
from pios_ld.node.cli import node
from pios_ld.node.importer import inspect_sheet
from pios_ld.node.store import Store

HEADER = ["Identifierare", "Titel", "Beskrivning", "Fas", "Områden", "Budget (kr)",
          "Kontakt (e-post)", "Startdatum", "Slutdatum"]
GOOD = [
    ["digital-tillsyn", "Digital tillsyn", "Kameror ersätter nattbesök.", "pilot",
     "elderly-care", "1 200 000", "digitalisering@upplandsvasby.se", "2026-01-01", ""],
    ["e-arkiv", "E-arkiv", "Ett gemensamt e-arkiv.", "Införande", "administration; "
     "citizen-services", "800000", "", "", ""],
]
BAD = ["trasig-rad", "", "Saknar titel och har fel fas.", "halvklar", "", "-10", "",
       "2026-05-01", "2026-01-01"]


def write_csv(path, rows) -> str:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows([HEADER, *rows])
    return str(path)


def write_xlsx(path, rows) -> str:
    book = openpyxl.Workbook()
    for row in [HEADER, *rows]:
        book.active.append(row)
    book.save(path)
    return str(path)


def instance(tmp_path):
    return make_instance(tmp_path / "node", "https://pios.example.se")


def run(*args):
    return CliRunner().invoke(node, [str(a) for a in args], catch_exceptions=False)


def test_spreadsheet_with_a_bad_row_is_refused_as_a_whole_naming_that_row(tmp_path):
    path = instance(tmp_path)
    sheet = write_xlsx(tmp_path / "portfolj.xlsx", [*GOOD, BAD])
    result = run("import", path, sheet)
    assert result.exit_code == 1
    assert "Rad 4 (trasig-rad): FEL" in result.output
    assert "Titel: Initiativet saknar titel." in result.output
    assert "Budget (kr): Beloppet får inte vara negativt." in result.output
    assert "Inget importerades" in result.output
    assert Store(path / "node.db").count() == 0


def test_partial_import_saves_the_valid_rows(tmp_path):
    path = instance(tmp_path)
    result = run("import", path, write_csv(tmp_path / "p.csv", [*GOOD, BAD]), "--partial")
    assert result.exit_code == 1
    assert Store(path / "node.db").count() == 2


def test_dry_run_reports_per_row_and_saves_nothing(tmp_path):
    path = instance(tmp_path)
    result = run("import", path, write_csv(tmp_path / "p.csv", GOOD), "--dry-run")
    assert result.exit_code == 0
    assert "Rad 2 (digital-tillsyn): skulle skapas" in result.output   # a dry run says "would"
    assert "Rad 3 (e-arkiv): skulle skapas" in result.output
    assert "Provkörning" in result.output
    assert Store(path / "node.db").count() == 0


def test_reimporting_the_same_file_changes_nothing(tmp_path):
    path = instance(tmp_path)
    sheet = write_csv(tmp_path / "p.csv", GOOD)
    assert run("import", path, sheet).exit_code == 0
    store = Store(path / "node.db")
    versions = store.total_versions()
    second = run("import", path, sheet, "--lang", "en")
    assert "Row 2 (digital-tillsyn): unchanged" in second.output
    assert store.total_versions() == versions == 2
    record = store.get("e-arkiv").record
    assert record["phase"] == "implementation"        # the Swedish label became the code
    assert record["theme"] == ["administration", "citizen-services"]


def test_export_reimports_unchanged_in_both_formats(tmp_path):
    path = instance(tmp_path)
    run("import", path, write_csv(tmp_path / "p.csv", GOOD))
    store = Store(path / "node.db")
    for suffix in (".xlsx", ".csv"):
        out = tmp_path / f"export{suffix}"
        assert run("export", path, out).exit_code == 0
        plan = inspect_sheet(store, out.name, out.read_bytes())
        assert [r["Identifierare"] for r in plan.preview] == ["digital-tillsyn", "e-arkiv"]
        assert all(c.field for c in plan.columns)       # the export's every column imports
        before = store.total_versions()
        assert run("import", path, out).exit_code == 0
        assert store.total_versions() == before


def test_template_has_every_column_with_swedish_headers(live):
    response = requests.get(f"{live.url}/edit/template.csv", timeout=10)
    header = next(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert header == [c.header_sv for c in spreadsheet.COLUMNS]
    xlsx = requests.get(f"{live.url}/edit/template.xlsx", timeout=10)
    book = openpyxl.load_workbook(io.BytesIO(xlsx.content))
    assert [c.value for c in book.worksheets[0][1]] == header
    assert book.sheetnames == ["Initiativ", "Instruktioner"]


def test_upload_in_the_ui_refuses_a_bad_sheet_and_imports_a_good_one(live, tmp_path):
    session = requests.Session()
    token = re.search(r'name="csrf_token" value="([^"]+)"',
                      session.get(f"{live.url}/login", timeout=10).text).group(1)
    session.post(f"{live.url}/login", data={"csrf_token": token, "username": "anna",
                                            "password": PASSWORD}, timeout=10)

    def upload_and_import(path):
        with open(path, "rb") as handle:   # step 1: the upload shows the columns, saves nothing
            columns = session.post(f"{live.url}/edit/import", timeout=30,
                                   data={"csrf_token": token},
                                   files={"file": (Path(path).name, handle, "text/csv")})
        assert columns.status_code == 200 and live.store.count() == 0
        action = re.search(r'action="(/edit/import/[^"]+)"', columns.text)[1]
        return columns, session.post(f"{live.url}{action}", timeout=30,
                                     data={"csrf_token": token, "action": "import"})

    columns, response = upload_and_import(write_csv(tmp_path / "bad.csv", [*GOOD, BAD]))
    assert "Initiativet saknar titel." in columns.text
    assert response.status_code == 422
    assert "Initiativet saknar titel." in response.text and "Inget importerades" in response.text
    assert live.store.count() == 0
    _, response = upload_and_import(write_csv(tmp_path / "good.csv", GOOD))
    assert response.status_code == 200
    assert live.store.count() == 2
    export = session.get(f"{live.url}/edit/export.xlsx", timeout=10)
    assert export.headers["Content-Type"].startswith("application/vnd.openxmlformats")


def test_settings_file_round_trips(tmp_path):
    path = instance(tmp_path)
    config = settings.load(path, environ={})
    assert config.base_url == "https://pios.example.se"
