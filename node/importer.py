"""Importing a portfolio spreadsheet: per-row outcomes, all or nothing unless asked otherwise.

Each row becomes a record (:mod:`node.forms`), on top of the stored record with the same
identifier (so status updates and other fields the spreadsheet does not hold are kept), and is
validated with the others in one pass. The outcome names every row: created, updated,
unchanged or invalid with the reasons (row number, field, message in sv and en). Re-importing
the same file changes nothing: unchanged rows make no versions.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pios_ld.errors import InputError

from . import spreadsheet
from .forms import FieldMessage, money_problems, to_record
from .records import prepare_many
from .settings import Config
from .store import Store, canonical, now


@dataclass(frozen=True)
class RowOutcome:
    row: int
    identifier: str
    outcome: str                       # created, updated, unchanged, invalid
    problems: tuple[tuple[str, FieldMessage], ...] = ()   # (column header, message)
    warnings: tuple[tuple[str, FieldMessage], ...] = ()


@dataclass
class ImportOutcome:
    rows: list[RowOutcome] = field(default_factory=list)
    dry_run: bool = False
    partial: bool = False
    saved: int = 0

    @property
    def invalid(self) -> list[RowOutcome]:
        return [r for r in self.rows if r.outcome == "invalid"]

    def counts(self) -> dict[str, int]:
        counts = {"created": 0, "updated": 0, "unchanged": 0, "invalid": 0}
        for row in self.rows:
            counts[row.outcome] += 1
        return counts

    def to_text(self, lang: str = "sv") -> str:
        words = {"created": ("skapas", "created"), "updated": ("ändras", "updated"),
                 "unchanged": ("oförändrad", "unchanged"), "invalid": ("FEL", "INVALID")}
        index = 0 if lang == "sv" else 1
        lines = []
        for row in self.rows:
            name = "Rad" if lang == "sv" else "Row"
            lines.append(f"{name} {row.row} ({row.identifier or '–'}): {words[row.outcome][index]}")
            for column, message in row.problems:
                lines.append(f"    {column}: {message.message(lang)}")
        c = self.counts()
        if lang == "sv":
            lines.append(f"{c['created']} nya, {c['updated']} ändrade, {c['unchanged']} "
                         f"oförändrade, {c['invalid']} med fel.")
            if self.dry_run:
                lines.append("Provkörning: inget sparades.")
            elif self.invalid and not self.partial:
                lines.append("Inget importerades eftersom rader har fel (använd --partial för "
                             "att spara de giltiga raderna).")
        else:
            lines.append(f"{c['created']} new, {c['updated']} changed, {c['unchanged']} "
                         f"unchanged, {c['invalid']} invalid.")
            if self.dry_run:
                lines.append("Dry run: nothing was saved.")
            elif self.invalid and not self.partial:
                lines.append("Nothing was imported because rows are invalid (use --partial to "
                             "save the valid rows).")
        return "\n".join(lines)


_HEADER = {c.field: c.header_sv for c in spreadsheet.COLUMNS}


def run_import(store: Store, config: Config, filename: str, data: bytes, dry_run: bool = False,
               partial: bool = False) -> ImportOutcome:
    """Import *data* (the file's bytes) into *store*; see the module docstring."""
    from .forms import errors_by_field

    rows = spreadsheet.read(filename, data)
    outcome = ImportOutcome(dry_run=dry_run, partial=partial)
    seen: dict[str, int] = {}
    items = []
    for row in rows:
        identifier = row.values.get("identifier", "").strip()
        existing = store.get(identifier) if identifier else None
        items.append((to_record(row.values, existing.record if existing else None), identifier))
    stamp = now()
    prepared = prepare_many(items, config.base_url, config.organization, stamp) if items else []
    to_save = []
    for row, ready in zip(rows, prepared, strict=True):
        identifier = ready.record.get("identifier", "")
        placed = errors_by_field(ready.report.results)
        for key, message in money_problems(row.values).items():
            if message not in placed.setdefault(key, []):
                placed[key].insert(0, message)
        problems = []
        warnings = []
        for key, messages in placed.items():
            column = _HEADER.get(key, key)
            for message in messages:
                (problems if message.severity == "Violation" else warnings).append(
                    (column, message))
        if identifier in seen:
            problems.append((_HEADER["identifier"], FieldMessage(
                "Violation", f"Identifieraren finns redan på rad {seen[identifier]}.",
                f"The identifier is already used on row {seen[identifier]}.")))
        seen.setdefault(identifier, row.number)
        if problems:
            outcome.rows.append(RowOutcome(row.number, identifier, "invalid", tuple(problems),
                                           tuple(warnings)))
            continue
        existing = store.get(identifier)
        if existing is None:
            result = "created"
        elif canonical(existing.record) == canonical(ready.record):
            result = "unchanged"
        else:
            result = "updated"
        outcome.rows.append(RowOutcome(row.number, identifier, result, (), tuple(warnings)))
        if result != "unchanged":
            to_save.append(ready.record)
    if not rows:
        raise InputError("The spreadsheet has no rows below the header.",
                         "Kalkylarket har inga rader under rubrikraden.")
    if dry_run or (outcome.invalid and not partial) or not to_save:
        return outcome
    changes = store.save(to_save)
    outcome.saved = sum(1 for c in changes if c.version)
    return outcome
