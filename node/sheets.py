"""Reading a workbook as people keep it: which sheets hold initiatives, where their headings
are, which rows are data.

:func:`read` takes a file's name and bytes and gives a :class:`Workbook`: the sheets that hold
initiatives (each with its heading row and data rows, numbered as Excel shows them) and the
sheets it skipped, with why. What it understands:

- ``.xlsx`` (and ``.xlsm``), streamed with openpyxl's read-only mode; ``.csv``/``.txt``/``.tsv``
  separated by ``;``, ``,`` or tab, in UTF-8 (with or without BOM), UTF-16 with BOM or
  Windows-1252 (Excel's Swedish "CSV (semikolonavgränsad)"). Text that is none of these
  cleanly is refused, never guessed. ``.ods``, old ``.xls`` and password-protected workbooks are
  refused with what to do (save as .xlsx).
- The heading row is the row, among the first :data:`HEADING_SCAN` rows of a sheet, that names
  most known fields (at least two, one of them the title or the identifier); title rows,
  merged cells and notes above it are skipped. A sheet without such a row (instructions, code
  lists, an empty sheet) is skipped and named in the report; so is a hidden sheet.
- Below the headings: blank rows, totals rows (a cell reading Summa, Totalt, Total …),
  rows that only hold formulas, and repeated heading rows are skipped and listed.

Limits (each refused with a message, never half-read): a file of at most :data:`MAX_BYTES`,
an .xlsx that unpacks to at most :data:`MAX_UNPACKED`, at most :data:`MAX_ROWS` data rows and
:data:`MAX_SCANNED` rows in all; a cell longer than Excel's own limit of :data:`MAX_CELL`
characters (or exactly that long: openpyxl cuts longer text there) is kept as an
:class:`Oversize` marker so that its row is refused with a message.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from pios_ld.errors import InputError, TooLargeError

from .columns import fold

MAX_BYTES = 50 * 1024 * 1024
MAX_UNPACKED = 300 * 1024 * 1024
MAX_ROWS = 20_000
MAX_SCANNED = 200_000
MAX_CELL = 32_767
HEADING_SCAN = 30

TOTALS = ("summa", "totalt", "total", "totals", "sum", "summering", "delsumma", "summa totalt",
          "grand total", "subtotal", "σ")
INSTRUCTION_SHEETS = ("instruktion", "instruktioner", "anvisning", "anvisningar", "läs mig",
                      "läsmig", "readme", "read me", "instructions", "hjälp", "help", "info",
                      "information", "förklaringar", "värdelistor", "listor", "koder")
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
#: Characters Windows-1252 decodes bytes 0x80–0x9f to that Swedish text practically never holds:
#: their presence means the text is in some other encoding.
_UNLIKELY_1252 = set("ƒˆŠ‹ŒŽ˜š›œžŸ†‡‰")
#: Quotation marks inside a word: what an old DOS (cp437/850) ä or ö becomes in Windows-1252.
_MISREAD_1252 = re.compile(r"\w[„”]\w")


@dataclass(frozen=True)
class Oversize:
    """A cell longer than :data:`MAX_CELL` characters (its text is not kept)."""

    length: int

    def __str__(self) -> str:
        return f"[{self.length} tecken / characters]"


@dataclass(frozen=True)
class Row:
    number: int                 # as Excel (or a text editor) shows it
    cells: tuple[Any, ...]


@dataclass(frozen=True)
class Skip:
    """A row below the headings that is not an initiative: ``total``, ``formula``, ``heading``."""

    number: int
    reason: str
    text: str = ""


@dataclass(frozen=True)
class Sheet:
    name: str
    heading_row: int
    headings: tuple[str, ...]
    rows: tuple[Row, ...]
    skipped: tuple[Skip, ...] = ()
    preamble: str = ""          # the text of the rows above the headings (title, notes)


@dataclass(frozen=True)
class SkippedSheet:
    name: str
    reason: str                 # empty, hidden, instructions, no-headings

    def why(self, lang: str = "sv") -> str:
        sv, en = {
            "empty": ("tomt", "empty"),
            "hidden": ("dolt i Excel", "hidden in Excel"),
            "instructions": ("instruktioner, inga initiativ", "instructions, no initiatives"),
            "no-headings": ("ingen rubrikrad med kända kolumner (t.ex. Projektnamn, Status)",
                            "no heading row with known columns (such as Project name, Status)"),
        }[self.reason]
        return en if lang == "en" else sv


@dataclass(frozen=True)
class Workbook:
    sheets: tuple[Sheet, ...]
    skipped: tuple[SkippedSheet, ...]
    encoding: str = ""          # CSV only: utf-8, utf-8-sig, utf-16, windows-1252
    delimiter: str = ""         # CSV only

    @property
    def row_count(self) -> int:
        return sum(len(s.rows) for s in self.sheets)


FieldOf = Callable[[str], "str | None"]


def read(filename: str, data: bytes, field_of: FieldOf) -> Workbook:
    """The initiative sheets of the file *filename* with contents *data*.

    *field_of* names the field a heading holds (None when unknown); it finds the heading row.
    Raises :class:`InputError` (or :class:`TooLargeError`) with what to do.
    """
    if len(data) > MAX_BYTES:
        raise TooLargeError(
            f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB; split the portfolio "
            "into several files.",
            f"Filen är större än {MAX_BYTES // (1024 * 1024)} MB; dela upp portföljen i flera "
            "filer.")
    name = filename.lower()
    if not data.strip():
        raise InputError(f"{filename} is empty.", f"{filename} är tom.")
    if data.startswith(OLE_MAGIC):
        if "EncryptedPackage".encode("utf-16-le") in data:
            raise InputError(
                f"{filename} is protected with a password. Open it in Excel, remove the "
                "password (File → Info → Protect Workbook) and save it as .xlsx.",
                f"{filename} är skyddad med lösenord. Öppna den i Excel, ta bort lösenordet "
                "(Arkiv → Info → Skydda arbetsbok) och spara den som .xlsx.")
        raise InputError(
            f"{filename} is in the old Excel format (.xls). Save it as .xlsx (Excel workbook) "
            "and import that.",
            f"{filename} är i Excels gamla format (.xls). Spara den som .xlsx "
            "(Excel-arbetsbok) och importera den.")
    if data.startswith(ZIP_MAGIC):
        return _read_zip(filename, data, field_of)
    if name.endswith((".xlsx", ".xlsm", ".ods", ".xls")):
        raise InputError(
            f"{filename} is not a spreadsheet (its contents are not an Excel workbook). "
            "Save it from Excel as .xlsx or as CSV.",
            f"{filename} är inget kalkylark (innehållet är ingen Excel-arbetsbok). Spara den "
            "från Excel som .xlsx eller som CSV.")
    if name.endswith((".csv", ".txt", ".tsv")):
        return _read_csv(filename, data, field_of)
    raise InputError(f"{filename}: use an .xlsx or a .csv file.",
                     f"{filename}: använd en .xlsx- eller .csv-fil.")


def _broken(filename: str, detail: str = "") -> InputError:
    return InputError(
        f"{filename} cannot be read as an Excel workbook; it may be damaged. Open it in Excel "
        f"and save it again as .xlsx.{(' (' + detail + ')') if detail else ''}",
        f"{filename} går inte att läsa som en Excel-arbetsbok; den kan vara skadad. Öppna den "
        f"i Excel och spara den igen som .xlsx.{(' (' + detail + ')') if detail else ''}")


def _read_zip(filename: str, data: bytes, field_of: FieldOf) -> Workbook:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = set(archive.namelist())
        unpacked = sum(i.file_size for i in archive.infolist())
        mimetype = archive.read("mimetype")[:100] if "mimetype" in names else b""
    except (zipfile.BadZipFile, OSError, EOFError, KeyError) as exc:
        raise _broken(filename) from exc
    if b"opendocument.spreadsheet" in mimetype:
        raise InputError(
            f"{filename} is an OpenDocument spreadsheet (.ods). Save it as .xlsx (in "
            "LibreOffice: File → Save As → Excel 2007-365) and import that.",
            f"{filename} är ett OpenDocument-kalkylark (.ods). Spara det som .xlsx (i "
            "LibreOffice: Arkiv → Spara som → Excel 2007-365) och importera det.")
    if "xl/workbook.xml" not in names:
        raise InputError(
            f"{filename} is a zip file but not an Excel workbook.",
            f"{filename} är en zip-fil men ingen Excel-arbetsbok.")
    if unpacked > MAX_UNPACKED:
        raise TooLargeError(
            f"{filename} unpacks to more than {MAX_UNPACKED // (1024 * 1024)} MB; split the "
            "portfolio into several files.",
            f"{filename} packas upp till mer än {MAX_UNPACKED // (1024 * 1024)} MB; dela upp "
            "portföljen i flera filer.")
    import openpyxl

    try:
        values = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        raise _broken(filename, type(exc).__name__) from exc
    opened: list[Any] = []

    def formulas(index: int) -> Any:
        """The sheet with its formulas rather than their values (read only when needed)."""
        if not opened:
            opened.append(openpyxl.load_workbook(io.BytesIO(data), read_only=True,
                                                 data_only=False))
        sheet = opened[0].worksheets[index]
        sheet.reset_dimensions()
        return sheet

    sheets, skipped = [], []
    scanned = 0
    try:
        for index, value_sheet in enumerate(values.worksheets):
            if getattr(value_sheet, "sheet_state", "visible") != "visible":
                skipped.append(SkippedSheet(value_sheet.title, "hidden"))
                continue
            value_sheet.reset_dimensions()
            rows = _xlsx_rows(value_sheet, lambda i=index: formulas(i), scanned)
            sheet, count = _sheet(value_sheet.title, rows, field_of, scanned)
            scanned += count
            (sheets if isinstance(sheet, Sheet) else skipped).append(sheet)
    except (InputError, TooLargeError):
        raise
    except Exception as exc:  # a damaged part of the package shows only while reading
        raise _broken(filename, type(exc).__name__) from exc
    finally:
        values.close()
        for book in opened:
            book.close()
    return _workbook(filename, sheets, skipped)


def _row_number(row: tuple[Any, ...]) -> int | None:
    return next((c.row for c in row if getattr(c, "row", None)), None)


def _xlsx_rows(values: Any, formulas: Callable[[], Any],
               scanned: int) -> Iterator[tuple[int, tuple[Any, ...], bool]]:
    """(row number, cells, formula-only) for each row of a sheet that is not blank.

    A row without any text may be a row of formulas (a sum without a label; its cached
    values may be missing where the file was not saved by Excel): only then are the sheet's
    formulas read, to tell.
    """
    stored: list[tuple[int, tuple[Any, ...]]] = []
    candidates: set[int] = set()
    for count, row in enumerate(values.iter_rows(), start=scanned + 1):
        if count > MAX_SCANNED:
            raise TooLargeError(
                f"The sheet {values.title!r} has more than {MAX_SCANNED} rows; split the "
                "portfolio into several files.",
                f"Bladet {values.title!r} har fler än {MAX_SCANNED} rader; dela upp portföljen "
                "i flera filer.")
        number = _row_number(row)
        if number is None:
            continue
        cells = tuple(Oversize(len(v)) if isinstance(v, str) and len(v) >= MAX_CELL else v
                      for v in (getattr(c, "value", None) for c in row))
        # (openpyxl cuts longer text at Excel's limit: a cell of that length was cut)
        if not any(isinstance(c, str | Oversize) and str(c).strip() for c in cells):
            candidates.add(number)
            stored.append((number, cells))
        elif any(_text(c) for c in cells):
            stored.append((number, cells))
    formula_rows: set[int] = set()
    if candidates:
        for row in formulas().iter_rows():
            number = _row_number(row)
            if number not in candidates:
                continue
            raw = [getattr(c, "value", None) for c in row]
            filled = [v for v in raw if v is not None and v != ""]
            if filled and all(isinstance(v, str) and v.startswith("=") or type(v).__name__ in (
                    "ArrayFormula", "DataTableFormula") for v in filled):
                formula_rows.add(number)
    for number, cells in stored:
        yield number, cells, number in formula_rows


def _decode(filename: str, data: bytes) -> tuple[str, str]:
    if data.startswith(codecs.BOM_UTF8):
        try:
            return data[3:].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError as exc:
            raise _undecodable(filename, "UTF-8", exc.start) from exc
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as exc:
            raise _undecodable(filename, "UTF-16", exc.start) from exc
    if b"\x00" in data:
        raise InputError(f"{filename} is not a text file (CSV).",
                         f"{filename} är ingen textfil (CSV).")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as utf8_error:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError as exc:
            raise _undecodable(filename, "UTF-8 / Windows-1252", utf8_error.start) from exc
        odd = [c for c in text if c in _UNLIKELY_1252 or (ord(c) < 32 and c not in "\t\r\n")]
        if odd or _MISREAD_1252.search(text):
            raise _undecodable(filename, "UTF-8 / Windows-1252", utf8_error.start) from None
        return text, "windows-1252"


def _undecodable(filename: str, tried: str, position: int) -> InputError:
    return InputError(
        f"{filename} is neither UTF-8 nor Windows-1252 text (tried {tried}; the first odd byte "
        f"is at position {position}). In Excel, save it as \"CSV UTF-8\" or as .xlsx.",
        f"{filename} är varken UTF-8- eller Windows-1252-text (prövade {tried}; den första "
        f"udda byten står på plats {position}). Spara den i Excel som \"CSV UTF-8\" eller "
        "som .xlsx.")


def _delimiter(text: str) -> str:
    sample = text.splitlines()[:40]
    best, best_score = ";", -1
    for delimiter in (";", "\t", ","):
        widths = [len(r) for r in csv.reader(sample, delimiter=delimiter) if any(r)]
        if not widths:
            continue
        common = max(set(widths), key=widths.count)
        score = sum(1 for w in widths if w == common) * (common > 1) + sum(
            1 for w in widths if w > 1)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _read_csv(filename: str, data: bytes, field_of: FieldOf) -> Workbook:
    text, encoding = _decode(filename, data)
    delimiter = _delimiter(text)
    csv.field_size_limit(MAX_BYTES + 1)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)

    def rows() -> Iterator[tuple[int, tuple[Any, ...], bool]]:
        line = 1
        try:
            for cells in reader:
                yield line, tuple(Oversize(len(c)) if len(c) > MAX_CELL else c
                                  for c in cells), False
                line = reader.line_num + 1
        except csv.Error as exc:
            raise InputError(
                f"{filename}, line {line}: the CSV cannot be read ({exc}); check the quotes "
                "on that line.",
                f"{filename}, rad {line}: CSV-filen går inte att läsa ({exc}); kontrollera "
                "citattecknen på den raden.") from exc

    stem = re.sub(r"\.[^.]*$", "", filename.rsplit("/", 1)[-1]) or filename
    sheet, _ = _sheet(stem, rows(), field_of, 0)
    sheets = [sheet] if isinstance(sheet, Sheet) else []
    skipped = [] if sheets else [sheet]
    return _workbook(filename, sheets, skipped, encoding, delimiter)


def _workbook(filename: str, sheets: list, skipped: list, encoding: str = "",
              delimiter: str = "") -> Workbook:
    if not sheets:
        raise InputError(
            f"{filename}: no sheet has a heading row with known columns. Name the columns "
            "in a row of their own, for example Projektnamn, Status, Beskrivning, Budget.",
            f"{filename}: inget blad har en rubrikrad med kända kolumner. Skriv kolumnernas "
            "namn på en egen rad, till exempel Projektnamn, Status, Beskrivning, Budget.")
    total = sum(len(s.rows) for s in sheets)
    if total > MAX_ROWS:
        raise TooLargeError(
            f"{filename} has {total} rows of initiatives, more than the {MAX_ROWS} one import "
            "takes; split it into several files.",
            f"{filename} har {total} rader med initiativ, fler än de {MAX_ROWS} en import tar; "
            "dela upp den i flera filer.")
    return Workbook(tuple(sheets), tuple(skipped), encoding, delimiter)


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _heading_score(cells: tuple[Any, ...], field_of: FieldOf) -> int:
    fields = {field_of(_text(c)) for c in cells if isinstance(c, str) and _text(c)}
    fields.discard(None)
    if len(fields) < 2 or not fields & {"title_sv", "title_en", "identifier"}:
        return 0
    return len(fields)


_TOTAL_STARTS = tuple(sorted({w[:3] for w in TOTALS}))


def _is_total(cells: tuple[Any, ...]) -> str:
    for cell in cells[:6]:
        if isinstance(cell, str) and cell.lstrip()[:3].casefold().startswith(_TOTAL_STARTS):
            folded = fold(cell)
            if folded in TOTALS or re.match(r"^(summa|totalt|total|delsumma)\b[\s:]", folded):
                return cell.strip()
    return ""


def _sheet(name: str, rows: Iterator[tuple[int, tuple[Any, ...], bool]], field_of: FieldOf,
           scanned: int) -> tuple[Sheet | SkippedSheet, int]:
    """Find the heading row of one sheet (among its first non-blank rows) and its data rows."""
    count = 0
    head: list[tuple[int, tuple[Any, ...], bool]] = []
    best: tuple[int, int] | None = None      # (score, index in head)
    data: list[Row] = []
    skipped: list[Skip] = []
    headings: tuple[str, ...] = ()
    heading_row = 0
    for item in rows:
        count += 1
        if scanned + count > MAX_SCANNED:
            raise TooLargeError(
                f"The sheet {name!r} has more than {MAX_SCANNED} rows; split the portfolio "
                "into several files.",
                f"Bladet {name!r} har fler än {MAX_SCANNED} rader; dela upp portföljen i "
                "flera filer.")
        if not headings:
            if not item[2] and all(_text(c) == "" for c in item[1]):
                continue
            head.append(item)
            score = _heading_score(item[1], field_of)
            if score and (best is None or score > best[0]):
                best = (score, len(head) - 1)
            if len(head) < HEADING_SCAN:
                continue
            if best is None:
                break
            headings, heading_row = _settle(head, best[1])
            data, skipped = _collect(head[best[1] + 1:], headings)
            continue
        more, skips = _collect([item], headings)
        data += more
        skipped += skips
        if len(data) > MAX_ROWS:
            raise TooLargeError(
                f"The sheet {name!r} has more than {MAX_ROWS} rows of initiatives; split it "
                "into several files.",
                f"Bladet {name!r} har fler än {MAX_ROWS} rader med initiativ; dela upp det i "
                "flera filer.")
    if not headings and best is not None:
        headings, heading_row = _settle(head, best[1])
        data, skipped = _collect(head[best[1] + 1:], headings)
    if not headings:
        if not head:
            return SkippedSheet(name, "empty"), count
        folded = fold(name)
        if any(folded == w or folded.startswith(w) for w in INSTRUCTION_SHEETS):
            return SkippedSheet(name, "instructions"), count
        return SkippedSheet(name, "no-headings"), count
    assert best is not None
    return Sheet(name, heading_row, headings, tuple(data), tuple(skipped),
                 _preamble(head, best[1])), count


def _settle(head: list[tuple[int, tuple[Any, ...], bool]], index: int) -> tuple[
        tuple[str, ...], int]:
    number, cells, _ = head[index]
    return tuple(_text(c) for c in cells), number


def _preamble(head: list[tuple[int, tuple[Any, ...], bool]], index: int) -> str:
    return " ".join(_text(c) for _, cells, _ in head[:index] for c in cells if _text(c))


@lru_cache(maxsize=64)
def _folded(headings: tuple[str, ...]) -> list[str]:
    return [fold(h) for h in headings]


def _collect(rows: list[tuple[int, tuple[Any, ...], bool]],
             headings: tuple[str, ...]) -> tuple[list[Row], list[Skip]]:
    data, skipped = [], []
    width = len(headings)
    folded_headings = _folded(headings)
    first = headings[0].casefold() if headings else ""
    for number, cells, formula_only in rows:
        if formula_only:            # its cached values may be there (Excel) or not (others)
            skipped.append(Skip(number, "formula"))
            continue
        if all(_text(c) == "" for c in cells):
            continue
        cells = tuple(cells[:width]) + (None,) * (width - len(cells))
        if _text(cells[0]).casefold() == first and [fold(_text(c)) for c in cells] == \
                folded_headings:
            skipped.append(Skip(number, "heading"))
        elif total := _is_total(cells):
            skipped.append(Skip(number, "total", total))
        elif any(_text(c) for c in cells):
            data.append(Row(number, cells))
    return data, skipped
