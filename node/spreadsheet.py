"""Portfolio spreadsheets: the column layout, reading .xlsx/.csv rows, writing exports.

The first row holds the headers (Swedish; the English names and the form field names work
too, in any order, case-insensitive). Lists are separated by semicolons. See docs/node.md.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from dataclasses import dataclass
from typing import Any

from pios_ld.errors import InputError

from .forms import to_form
from .i18n import label


@dataclass(frozen=True)
class Column:
    field: str      # the form field name
    header_sv: str
    header_en: str
    help_sv: str


COLUMNS: tuple[Column, ...] = (
    Column("identifier", "Identifierare", "Identifier",
           "Obligatorisk. Små bokstäver, siffror och bindestreck; blir en del av adressen."),
    Column("title_sv", "Titel", "Title", "Obligatorisk (titel på svenska eller engelska)."),
    Column("title_en", "Titel (engelska)", "Title (English)", "Valfri."),
    Column("description_sv", "Beskrivning", "Description", "Obligatorisk."),
    Column("description_en", "Beskrivning (engelska)", "Description (English)", "Valfri."),
    Column("phase", "Fas", "Phase", "Obligatorisk: kod eller namn, t.ex. pilot eller Pilot."),
    Column("theme", "Områden", "Themes", "Rekommenderad; flera åtskiljs med semikolon."),
    Column("startDate", "Startdatum", "Start date", "ÅÅÅÅ-MM-DD."),
    Column("plannedEndDate", "Planerat slutdatum", "Planned end date", "ÅÅÅÅ-MM-DD."),
    Column("endDate", "Slutdatum", "End date", "ÅÅÅÅ-MM-DD."),
    Column("budget", "Budget (kr)", "Budget (SEK)", "Rekommenderad; ett tal i kronor."),
    Column("spentToDate", "Förbrukat (kr)", "Spent to date (SEK)", "Ett tal i kronor."),
    Column("goal_sv", "Mål", "Goal", "Rekommenderad."),
    Column("problemStatement_sv", "Problem", "Problem", "Valfri."),
    Column("expectedBenefit_sv", "Förväntad nytta", "Expected benefit", "Valfri."),
    Column("lessonsLearned_sv", "Lärdomar", "Lessons learned", "Valfri."),
    Column("keyword_sv", "Nyckelord", "Keywords", "Åtskiljs med semikolon."),
    Column("contact_email", "Kontakt (e-post)", "Contact (email)",
           "Rekommenderad; en funktionsbrevlåda."),
    Column("codeRepository", "Källkod", "Source code", "Länk."),
    Column("landingPage", "Webbsida", "Web page", "Länk."),
    Column("participant", "Partner", "Partners",
           "Organisationsnummer eller länkar, åtskilda med semikolon."),
    Column("reuses", "Återanvänder", "Reuses", "Länkar till andra initiativ, semikolon."),
    Column("openForCollaboration", "Öppen för samarbete", "Open for collaboration", "ja/nej."),
)


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKC", str(text or "")).strip().casefold()
    return " ".join(text.split())


_HEADERS = {}
for _column in COLUMNS:
    for _name in (_column.header_sv, _column.header_en, _column.field):
        _HEADERS[_fold(_name)] = _column.field


@dataclass(frozen=True)
class Row:
    number: int                 # the row number a person sees in the spreadsheet (header = 1)
    values: dict[str, str]      # form field → text


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if hasattr(value, "isoformat"):
        return value.isoformat()[:10]
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _rows(table: list[list[Any]]) -> list[Row]:
    if not table:
        raise InputError("The spreadsheet is empty.", "Kalkylarket är tomt.")
    header = [_fold(_cell(h)) for h in table[0]]
    fields = [_HEADERS.get(h) for h in header]
    unknown = [_cell(table[0][i]) for i, f in enumerate(fields) if f is None and header[i]]
    if unknown:
        raise InputError(
            f"Unknown column(s): {', '.join(unknown)}. See the template for the column names.",
            f"Okända kolumner: {', '.join(unknown)}. Se mallen för kolumnernas namn.")
    if "identifier" not in fields:
        raise InputError("The column Identifierare (Identifier) is missing.",
                         "Kolumnen Identifierare saknas.")
    rows = []
    for number, cells in enumerate(table[1:], start=2):
        values = {f: _cell(cells[i]) if i < len(cells) else ""
                  for i, f in enumerate(fields) if f}
        if any(values.values()):
            rows.append(Row(number, values))
    return rows


def read(filename: str, data: bytes) -> list[Row]:
    """The rows of a .xlsx or .csv file (UTF-8, comma or semicolon separated)."""
    name = filename.lower()
    if name.endswith(".xlsx"):
        import openpyxl

        try:
            book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many kinds for a broken file
            raise InputError(f"Not a readable .xlsx file: {exc}",
                             f"Ingen läsbar .xlsx-fil: {exc}") from exc
        sheet = book.worksheets[0]
        return _rows([list(r) for r in sheet.iter_rows(values_only=True)])
    if name.endswith(".csv"):
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise InputError("The CSV file is not UTF-8 text.",
                             "CSV-filen är inte UTF-8-text.") from exc
        try:
            dialect = csv.Sniffer().sniff(text.split("\n", 1)[0], delimiters=",;\t")
        except csv.Error:
            dialect = csv.excel
        return _rows(list(csv.reader(io.StringIO(text), dialect)))
    raise InputError(f"{filename}: use an .xlsx or a .csv file.",
                     f"{filename}: använd en .xlsx- eller .csv-fil.")


def _export_value(field: str, value: Any) -> str:
    if field == "phase":
        return value or ""
    if field == "theme":
        return "; ".join(value or [])
    if field in ("participant", "reuses"):
        return "; ".join(str(value or "").split("\n")) if value else ""
    if field == "keyword_sv":
        return "; ".join(p.strip() for p in str(value or "").split(",") if p.strip())
    if field == "openForCollaboration":
        return "ja" if value else ""
    return "" if value is None else str(value)


def table(records: list[dict[str, Any]]) -> list[list[str]]:
    """Header row plus one row per record, in the import's layout."""
    rows = [[c.header_sv for c in COLUMNS]]
    for record in records:
        form = to_form(record)
        rows.append([_export_value(c.field, form.get(c.field)) for c in COLUMNS])
    return rows


def export(records: list[dict[str, Any]], suffix: str) -> bytes:
    """The portfolio as .xlsx or .csv bytes (an empty list gives the template)."""
    rows = table(records)
    if suffix == ".csv":
        out = io.StringIO()
        csv.writer(out, lineterminator="\r\n").writerows(rows)
        return ("\ufeff" + out.getvalue()).encode("utf-8")
    if suffix == ".xlsx":
        import openpyxl
        from openpyxl.styles import Font

        book = openpyxl.Workbook()
        sheet = book.active
        sheet.title = "Initiativ"
        for row in rows:
            sheet.append(row)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for index, column in enumerate(COLUMNS, start=1):
            sheet.column_dimensions[openpyxl.utils.get_column_letter(index)].width = \
                max(14, len(column.header_sv) + 4)
        guide = book.create_sheet("Instruktioner")
        guide.append(["Kolumn", "Column", "Anvisning", "Exempel"])
        for column in COLUMNS:
            guide.append([column.header_sv, column.header_en, column.help_sv,
                          _example(column.field)])
        stream = io.BytesIO()
        book.save(stream)
        return stream.getvalue()
    raise InputError(f"Export to {suffix!r} is not supported: use .xlsx or .csv.",
                     f"Export till {suffix!r} stöds inte: använd .xlsx eller .csv.")


def _example(field: str) -> str:
    return {
        "identifier": "digital-tillsyn", "title_sv": "Digital tillsyn i hemtjänsten",
        "phase": f"pilot ({label('phase', 'pilot', 'sv')})",
        "theme": "elderly-care; health-care", "startDate": "2026-01-15",
        "budget": "1200000", "contact_email": "digitalisering@kommun.se",
        "participant": "212000-0019", "openForCollaboration": "ja",
    }.get(field, "")
