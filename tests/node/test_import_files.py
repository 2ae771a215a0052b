"""Files an import cannot use get a message saying what to do, never a traceback, and nothing
is saved: damaged, password-protected, not a spreadsheet, .ods, an unknown encoding, too many
rows, a cell over Excel's limit, a file over the size limit."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from nodehelpers import make_instance
from pios_ld.node import sheets
from pios_ld.node.cli import node
from pios_ld.node.store import Store

BAD = Path(__file__).resolve().parents[1] / "data" / "sheets" / "bad"


def run(*args):
    return CliRunner().invoke(node, [str(a) for a in args])


@pytest.fixture
def instance(tmp_path):
    return make_instance(tmp_path / "node", "https://pios.example.se")


def refused(instance, path, *words):
    result = run("import", instance, path)
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    for word in words:
        assert word in result.output
    assert Store(instance / "node.db").count() == 0
    return result.output


@pytest.mark.parametrize(("name", "words"), [
    ("trasig.xlsx", ("kan vara skadad", "spara den igen som .xlsx")),
    ("losenord.xlsx", ("skyddad med lösenord", "ta bort lösenordet")),
    ("inte-kalkylark.xlsx", ("är inget kalkylark",)),
    ("kalkylark.ods", ("OpenDocument", "Spara det som .xlsx")),
    ("okand-kodning.csv", ("varken UTF-8- eller Windows-1252", "CSV UTF-8")),
])
def test_unusable_files_are_refused_with_what_to_do(instance, name, words):
    out = refused(instance, BAD / name, *words)
    assert name in out


def test_an_encrypted_workbook_in_the_corpus_is_a_real_encrypted_ole_file():
    assert (BAD / "losenord.xlsx").read_bytes().startswith(sheets.OLE_MAGIC)


def test_an_empty_file_is_refused(instance, tmp_path):
    path = tmp_path / "tom.csv"
    path.write_bytes(b"")
    refused(instance, path, "tom.csv är tom")


def test_a_sheet_without_known_headings_is_refused_naming_examples(instance, tmp_path):
    path = tmp_path / "okand.csv"
    path.write_text("Foo;Bar\n1;2\n", encoding="utf-8")
    refused(instance, path, "inget blad har en rubrikrad med kända kolumner", "Projektnamn")


def test_100000_rows_are_refused_as_a_whole(instance, tmp_path):
    path = tmp_path / "stor.csv"
    lines = ["Projektnamn;Beskrivning;Status"] + [
        f"Initiativ {n};Beskrivning {n};Pågår" for n in range(100_000)]
    path.write_text("\n".join(lines), encoding="utf-8")
    refused(instance, path, "fler än 20000 rader med initiativ", "dela upp")


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(instance, tmp_path):
    path = tmp_path / "jatte.csv"
    with open(path, "wb") as handle:
        handle.write(b"Projektnamn;Beskrivning;Status\n")
        handle.truncate(sheets.MAX_BYTES + 1)
    refused(instance, path, "större än 50 MB")


def test_a_50_mb_cell_refuses_its_row_with_excels_limit_and_saves_nothing(instance, tmp_path):
    book = openpyxl.Workbook()
    book.active.append(["Projektnamn", "Beskrivning", "Status"])
    book.active.append(["Vanlig rad", "Kort text.", "Pågår"])
    book.active.append(["Jättecell", "x" * (50 * 1024 * 1024), "Pågår"])
    stream = io.BytesIO()
    book.save(stream)
    path = tmp_path / "jattecell.xlsx"
    path.write_bytes(stream.getvalue())
    result = run("import", instance, path)
    assert result.exit_code == 1
    # openpyxl cuts the text at Excel's limit: the row is refused, not published cut short
    assert "Rad 3, Beskrivning: Cellen har 32767 tecken, den gräns Excel har" in result.output
    assert "Rad 2 (vanlig-rad): skapas" in result.output
    assert Store(instance / "node.db").count() == 0


def test_a_50_mb_cell_in_a_csv_is_refused_with_its_length(instance, tmp_path):
    path = tmp_path / "jattecell.csv"
    path.write_text("Projektnamn;Beskrivning;Status\nJättecell;" + "x" * 40_000_000
                    + ";Pågår\n", encoding="utf-8")
    result = run("import", instance, path)
    assert result.exit_code == 1
    assert "Rad 2, Beskrivning: Cellen har 40000000 tecken, fler än de 32767" in result.output
    assert Store(instance / "node.db").count() == 0


def test_a_workbook_that_unpacks_too_large_is_refused(instance, tmp_path, monkeypatch):
    # A limit lowered for the test stands in for a zip bomb of hundreds of megabytes.
    monkeypatch.setattr(sheets, "MAX_UNPACKED", 10_000)
    book = openpyxl.Workbook()
    book.active.append(["Projektnamn", "Beskrivning", "Status"])
    for n in range(500):
        book.active.append([f"Initiativ {n}", "Text " * 20, "Pågår"])
    path = tmp_path / "packad.xlsx"
    book.save(path)
    refused(instance, path, "packas upp till mer än")


@pytest.mark.parametrize("encoding", ["mac-roman", "cp850"])
def test_text_in_another_old_encoding_is_refused_not_misread(instance, tmp_path, encoding):
    path = tmp_path / f"{encoding}.csv"
    path.write_bytes("Projektnamn;Beskrivning;Status\nVälfärd för äldre;Stöd;Pågår\n"
                     .encode(encoding))
    refused(instance, path, "varken UTF-8- eller Windows-1252")


def test_a_missing_column_marks_every_row_invalid_pointing_at_the_sheets_problem(
        instance, tmp_path):
    path = tmp_path / "utan-fas.csv"
    path.write_text("Projektnamn;Beskrivning\nEtt;Första\n", encoding="utf-8")
    result = run("import", instance, path, "--dry-run")
    assert "FEL: Arket saknar en kolumn för fas" in result.output
    assert "Rad 2 (ett): FEL (se felet för arket ovan)" in result.output
    assert result.exit_code == 1


def test_a_sheet_of_headings_only_says_there_are_no_rows(instance, tmp_path):
    path = tmp_path / "mall.csv"
    path.write_text("Projektnamn;Beskrivning;Status\n;;\n", encoding="utf-8")
    refused(instance, path, "har inga rader med initiativ under rubrikerna (rad 1)")


@pytest.mark.parametrize("seed", range(6))
def test_random_bytes_are_refused_without_a_traceback(instance, tmp_path, seed):
    import random

    rng = random.Random(seed)
    for suffix in (".xlsx", ".csv"):
        path = tmp_path / f"slump{seed}{suffix}"
        path.write_bytes(bytes(rng.randrange(256) for _ in range(2000)))
        refused(instance, path)


def test_a_workbook_with_a_damaged_sheet_inside_is_refused(instance, tmp_path):
    import zipfile

    source = zipfile.ZipFile(BAD.parent / "kommun.xlsx")
    path = tmp_path / "skadat-blad.xlsx"
    with zipfile.ZipFile(path, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data[: len(data) // 3]
            target.writestr(item, data)
    refused(instance, path, "kan vara skadad")
