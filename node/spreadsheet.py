"""Portfolio spreadsheets: the template's column layout and writing exports.

The export (and the template, an empty export) has one row of Swedish headings and one row
per initiative; importing it gives back the same portfolio. Reading sheets, the template's
and everyone else's, is :mod:`node.sheets` and :mod:`node.importer`. See docs/node.md.
"""

from __future__ import annotations

import csv
import io
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
    Column("phase", "Fas", "Phase", "Obligatorisk: kod eller namn, t.ex. pilot, Pågår."),
    Column("responsibleUnit_sv", "Ansvarig enhet", "Responsible unit",
           "Förvaltning, avdelning eller enhet som äger initiativet."),
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
