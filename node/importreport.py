"""What an import found and did, and the report a person reads (sv or en).

:class:`SheetPlan` is what :func:`node.importer.inspect_sheet` gives the mapping step (sheets,
columns with their fields and why, a preview, the report of a dry run); :class:`ImportOutcome`
is what an import did, row by row (:class:`RowOutcome`), with the problems and warnings as
:class:`Note` lines that name the row Excel shows, the column heading and the refused value.
:meth:`ImportOutcome.to_text` renders it: the sheets read and skipped, the column mapping, the
skipped rows, the sheet's problems, one line per row with its problems beneath, the warnings
grouped by column (rows listed), and a closing line.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pios_ld.validation import VIOLATION, WARNING

from . import columns, sheets

INFO = "Info"

@dataclass(frozen=True)
class Note:
    """One line of the report: a problem (``Violation``), a ``Warning`` or ``Info``."""

    severity: str
    message_sv: str
    message_en: str
    row: int | None = None
    sheet: str = ""
    column: str = ""
    value: str = ""

    def message(self, lang: str = "sv") -> str:
        text = self.message_en if lang == "en" else self.message_sv
        if self.value and f"«{self.value}»" not in text:
            text += f" (värdet «{self.value}»)" if lang != "en" else f" (the value «{self.value}»)"
        return text

    def line(self, lang: str = "sv", sheet_names: bool = False, rows: str = "") -> str:
        where = []
        if sheet_names and self.sheet:
            where.append(("Sheet " if lang == "en" else "Blad ") + self.sheet)
        if rows or self.row:
            where.append(("Row " if lang == "en" else "Rad ") + (rows or str(self.row)))
        if self.column:
            where.append(self.column)
        return (", ".join(where) + ": " if where else "") + self.message(lang)


@dataclass(frozen=True)
class RowOutcome:
    row: int
    identifier: str
    outcome: str                       # created, updated, unchanged, invalid
    problems: tuple[tuple[str, Note], ...] = ()   # (column heading, note)
    warnings: tuple[tuple[str, Note], ...] = ()
    sheet: str = ""
    title: str = ""


@dataclass(frozen=True)
class ColumnPlan:
    """One column of one sheet: its heading, the field it goes to (None: not imported), why."""

    sheet: str
    index: int
    heading: str
    field: str | None
    reason: str
    person: bool = False
    unit: int | None = None

    def why(self, lang: str = "sv") -> str:
        return columns.Recognition(self.heading, self.field, self.reason, self.person,
                                   self.unit).why(lang)

    def describe(self, lang: str = "sv") -> str:
        """``Budget (tkr) → Budget (i tusen kronor)`` or why it is not imported."""
        if self.field is None:
            verb = "not imported" if lang == "en" else "importeras inte"
            return f"{self.heading or '(–)'} → {verb}: {self.why(lang)}"
        unit = ""
        if self.unit and self.unit != 1:
            unit = {1000: (" (i tusen kronor)", " (in thousands of kronor)"),
                    1_000_000: (" (i miljoner kronor)", " (in millions of kronor)")}.get(
                self.unit, (f" (× {self.unit})", f" (× {self.unit})"))[lang == "en"]
        return f"{self.heading} → {columns.label(self.field, lang)}{unit}"


@dataclass(frozen=True)
class SheetRead:
    name: str
    heading_row: int
    rows: int
    skipped_rows: tuple[sheets.Skip, ...]


@dataclass
class ImportOutcome:
    rows: list[RowOutcome] = field(default_factory=list)
    dry_run: bool = False
    partial: bool = False
    saved: int = 0
    notes: list[Note] = field(default_factory=list)        # about the sheet as a whole
    sheets: list[SheetRead] = field(default_factory=list)
    skipped_sheets: list[sheets.SkippedSheet] = field(default_factory=list)
    columns: list[ColumnPlan] = field(default_factory=list)

    @property
    def invalid(self) -> list[RowOutcome]:
        return [r for r in self.rows if r.outcome == "invalid"]

    @property
    def problems(self) -> list[Note]:
        """Every problem, the sheet's first, then row by row."""
        return [n for n in self.notes if n.severity == VIOLATION] + [
            note for row in self.rows for _, note in row.problems]

    @property
    def warnings(self) -> list[Note]:
        return [n for n in self.notes if n.severity == WARNING] + [
            note for row in self.rows for _, note in row.warnings]

    @property
    def blocked(self) -> bool:
        """Nothing can be saved: the sheet itself has a problem."""
        return any(n.severity == VIOLATION for n in self.notes)

    def counts(self) -> dict[str, int]:
        counts = {"created": 0, "updated": 0, "unchanged": 0, "invalid": 0}
        for row in self.rows:
            counts[row.outcome] += 1
        return counts

    def to_text(self, lang: str = "sv") -> str:
        return "\n".join(_report_lines(self, lang))


@dataclass
class SheetPlan:
    """What an import of a sheet would do, before anything is saved (for the mapping step)."""

    filename: str
    sheets: list[SheetRead]
    skipped_sheets: list[sheets.SkippedSheet]
    columns: list[ColumnPlan]
    fields: list[tuple[str, str, str]]          # (field, Swedish label, English label)
    preview: list[dict[str, str]]               # first rows: heading → cell text
    report: ImportOutcome
    headings_key: str = ""
    lang: str = "sv"                            # the language asked for (the default below)

    @property
    def mapping(self) -> dict[str, str | None]:
        """{heading: field} as the plan stands (None: not imported)."""
        return {c.heading: c.field for c in self.columns if c.heading}

    def to_text(self, lang: str | None = None) -> str:
        return self.report.to_text(lang or self.lang)


# -- the report -----------------------------------------------------------------------------
_WORDS = {"created": (("skapas", "skulle skapas"), ("created", "would create")),
          "updated": (("ändras", "skulle ändras"), ("updated", "would update")),
          "unchanged": (("oförändrad", "oförändrad"), ("unchanged", "unchanged")),
          "invalid": (("FEL", "FEL"), ("INVALID", "INVALID"))}


def _report_lines(outcome: ImportOutcome, lang: str) -> list[str]:
    en = lang == "en"
    many = len(outcome.sheets) > 1
    lines = []
    if outcome.sheets:
        read = "; ".join(
            (f"«{s.name}» (headings on row {s.heading_row}, {s.rows} rows)" if en else
             f"«{s.name}» (rubriker på rad {s.heading_row}, {s.rows} rader)")
            for s in outcome.sheets)
        lines.append(("Sheets read: " if en else "Lästa blad: ") + read)
    if outcome.skipped_sheets:
        lines.append(("Sheets skipped: " if en else "Överhoppade blad: ") + "; ".join(
            f"«{s.name}» ({s.why(lang)})" for s in outcome.skipped_sheets))
    if outcome.columns:
        lines.append("Columns:" if en else "Kolumner:")
        described: dict[str, list[str]] = {}
        for plan in outcome.columns:
            if plan.heading or plan.field:
                described.setdefault(plan.describe(lang), []).append(plan.sheet)
        for text, where in described.items():
            prefix = f"[{', '.join(where)}] " if many and len(where) < len(outcome.sheets) \
                else ""
            lines.append(f"  {prefix}{text}")
    skipped_rows = [(s.name, k) for s in outcome.sheets for k in s.skipped_rows]
    if skipped_rows:
        reasons = {"total": ("summarad", "totals row"), "formula": ("bara formler",
                                                                    "formulas only"),
                   "heading": ("rubrikraden igen", "the headings again")}
        lines.append(("Rows skipped: " if en else "Överhoppade rader: ") + ", ".join(
            f"{'[' + name + '] ' if many else ''}{k.number} ({reasons[k.reason][en]}"
            f"{' «' + k.text + '»' if k.text else ''})" for name, k in skipped_rows))
    for note in outcome.notes:
        if note.severity == VIOLATION:
            lines.append(("PROBLEM: " if en else "FEL: ") + note.line(lang, many))
    dry = 1 if outcome.dry_run else 0
    for row in outcome.rows:
        name = "Row" if en else "Rad"
        place = f"[{row.sheet}] " if many else ""
        because = ""
        if row.outcome == "invalid" and not row.problems:
            because = " (see the sheet's problem above)" if en else " (se felet för arket ovan)"
        lines.append(f"{place}{name} {row.row} ({row.identifier or '–'}): "
                     f"{_WORDS[row.outcome][1 if en else 0][dry]}{because}")
        for _, note in row.problems:
            lines.append(f"    {note.line(lang, many)}")
    warnings = [n for n in outcome.notes if n.severity != VIOLATION] + [
        n for row in outcome.rows for _, n in row.warnings]
    if warnings:
        lines.append("Warnings and notes:" if en else "Varningar och upplysningar:")
        grouped: dict[tuple[str, str, str], list[Note]] = {}
        for note in warnings:
            # a note about every sheet alike is said once; a row's note once per sheet
            sheet = note.sheet if many and note.row else ""
            grouped.setdefault((sheet, note.column, note.message(lang)), []).append(note)
        for (sheet, _, _), group in grouped.items():
            numbers = ", ".join(str(n.row) for n in group if n.row)
            sheets_named = many and (bool(sheet) or len(group) < len(outcome.sheets))
            if not sheet and sheets_named:
                names = ", ".join(dict.fromkeys(n.sheet for n in group))
                lines.append(f"  {('Sheets ' if en else 'Blad ')}{names}: "
                             f"{group[0].line(lang)}")
            else:
                lines.append(f"  {group[0].line(lang, sheets_named, numbers)}")
    c = outcome.counts()
    pick = 1 if en else 0
    lines.append((f"{c['created']} nya, {c['updated']} ändrade, {c['unchanged']} oförändrade, "
                  f"{c['invalid']} med fel.",
                  f"{c['created']} new, {c['updated']} changed, {c['unchanged']} unchanged, "
                  f"{c['invalid']} invalid.")[pick])
    if outcome.dry_run:
        closing = ("Provkörning: inget sparades.", "Dry run: nothing was saved.")
    elif outcome.blocked:
        closing = ("Inget importerades eftersom arket har ett fel (se ovan).",
                   "Nothing was imported because the sheet has a problem (above).")
    elif outcome.invalid and not outcome.partial:
        closing = ("Inget importerades eftersom rader har fel (använd --partial för att spara "
                   "de giltiga raderna).",
                   "Nothing was imported because rows are invalid (use --partial to save the "
                   "valid rows).")
    elif outcome.invalid:
        closing = (f"De giltiga raderna sparades; {c['invalid']} rader sparades inte (rätta "
                   "dem och importera arket igen).",
                   f"The valid rows were saved; {c['invalid']} rows were not (fix them and "
                   "import the sheet again).")
    else:
        closing = ("", "")
    if closing[pick]:
        lines.append(closing[pick])
    return lines
