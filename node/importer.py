"""Importing a portfolio spreadsheet as organisations keep it: a plan a person can check and
correct, then per-row outcomes, all or nothing unless asked otherwise.

:func:`inspect_sheet` reads a workbook (:mod:`node.sheets`), decides which field each column
holds (:mod:`node.columns`: the publisher's ``mapping`` and ``ignore`` first, then the mapping
confirmed for a sheet with the same headings, then the vocabulary's headings) and returns a
:class:`SheetPlan`: the sheets read and skipped, every column with its field and why, the
fields a column can be given, a preview of the first rows and the report of a dry run.
:func:`run_import` does the same and saves.

Each row's cells are read as people write them (:mod:`node.values`) into the editing form's
fields, turned into a record on top of the stored one with the same identifier (so status
updates and fields the sheet does not hold are kept) and validated with the others in one pass.
Identifiers come from the sheet's identifier column, else from the title; the node remembers
which initiative each row became (by its title and by its place in the sheet), so a sheet
imported again, with a title corrected, updates its initiatives instead of duplicating them.

The report (:mod:`node.importreport`; :meth:`ImportOutcome.to_text`, sv or en) names every
problem at once, each on one line with the row number Excel shows, the column heading, the
refused value and what to do. A missing column is one problem for the sheet, not one per
row; a value the import refused is reported once, not again by the shapes; warnings
(recommended fields, rounded dates, approximate amounts, unknown themes and partners) are
listed too. Nothing is saved when any row is invalid, unless ``partial``; rows, source keys
and a confirmed mapping are saved in one transaction.
"""

from __future__ import annotations

import difflib
import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from pios_ld.errors import InputError
from pios_ld.validation import VIOLATION, WARNING

from . import columns, sheets, values
from .forms import errors_by_field, partners, to_record
from .i18n import PHASE_GROUPS
from .importreport import (  # noqa: F401 - the import's values, used by its callers too
    INFO,
    ColumnPlan,
    ImportOutcome,
    Note,
    RowOutcome,
    SheetPlan,
    SheetRead,
)
from .records import IDENTIFIER, prepare_many
from .settings import Config
from .store import Store, canonical, now

COMPLETED = ("completed",) + PHASE_GROUPS["completed"]
LIST_FIELDS = ("participant", "theme", "keyword_sv", "reuses")   # may come from several columns
REQUIRED = {"title_sv": ("title_sv", "title_en"),
            "description_sv": ("description_sv", "description_en"), "phase": ("phase",)}
RECOMMENDED = ("theme", "budget", "goal_sv", "contact_email")
MONEY = ("budget", "spentToDate")
PREVIEW_ROWS = 5
#: Placeholders for a plan made without a node's settings (only the shapes' checks need them).
PLAN_BASE = "https://pios.invalid"
PLAN_ORG = "http://dataportal.se/organisation/SE0000000000"


# -- planning the columns -------------------------------------------------------------------
def _folded_map(mapping: Mapping[str, str | None] | None) -> dict[str, str | None]:
    folded: dict[str, str | None] = {}
    for heading, target in (mapping or {}).items():
        target = (target or "").strip() or None
        if target is not None and target not in columns.FIELDS:
            names = ", ".join(columns.FIELDS)
            raise InputError(
                f"--map {heading}={target}: there is no field {target!r}; choose among "
                f"{names} (or leave it empty to skip the column).",
                f"--map {heading}={target}: fältet {target!r} finns inte; välj bland {names} "
                "(eller lämna det tomt för att hoppa över kolumnen).")
        folded[columns.fold(heading)] = target
    return folded


def _field_of(mapping: dict[str, str | None], ignore: set[str],
              remembered: dict[str, str | None]) -> Any:
    def field_of(heading: str) -> str | None:
        key = columns.fold(heading)
        if key in ignore:
            return None
        if key in mapping:
            return mapping[key]
        if key in remembered:
            return remembered[key]
        return columns.recognise(heading).field
    return field_of


def headings_key(book: sheets.Workbook) -> str:
    """The key a confirmed mapping is remembered under: the sheets' headings, folded."""
    names = sorted({columns.fold(h) for s in book.sheets for h in s.headings if h})
    return hashlib.sha256(json.dumps(names, ensure_ascii=False).encode()).hexdigest()


def _plan_columns(book: sheets.Workbook, mapping: dict[str, str | None], ignore: set[str],
                  remembered: dict[str, str | None]) -> list[ColumnPlan]:
    plans = []
    for sheet in book.sheets:
        note_unit = columns.unit_in_note(sheet.preamble)
        planned = []
        for index, heading in enumerate(sheet.headings):
            key = columns.fold(heading)
            found = columns.recognise(heading)
            unit = columns.heading_unit(heading)[1]
            if not heading:
                plan = ColumnPlan(sheet.name, index, heading, None, "empty")
            elif key in ignore:
                plan = ColumnPlan(sheet.name, index, heading, None, "ignored", found.person)
            elif key in mapping:
                plan = ColumnPlan(sheet.name, index, heading, mapping[key],
                                  "mapped" if mapping[key] else "ignored", found.person, unit)
            elif key in remembered:
                plan = ColumnPlan(sheet.name, index, heading, remembered[key], "remembered",
                                  found.person, unit)
            else:
                plan = ColumnPlan(sheet.name, index, heading, found.field, found.reason,
                                  found.person, found.unit)
            if plan.field in MONEY and plan.unit is None and note_unit:
                plan = ColumnPlan(sheet.name, index, heading, plan.field, plan.reason,
                                  plan.person, note_unit)
            planned.append(plan)
        plans += _one_column_per_field(sheet, planned)
    return plans


def _one_column_per_field(sheet: sheets.Sheet, planned: list[ColumnPlan]) -> list[ColumnPlan]:
    """Where several columns give one field, the publisher's choice wins, then (for the
    phase, whose column is often beside a traffic-light Status) the column whose values read
    as phases, then the first; the others are not imported."""
    keep: dict[str, ColumnPlan] = {}
    for field_name in {p.field for p in planned if p.field and p.field not in LIST_FIELDS}:
        group = [p for p in planned if p.field == field_name]
        chosen = [p for p in group if p.reason == "mapped"] or group
        if field_name == "phase" and len(chosen) > 1:
            def phases(plan: ColumnPlan) -> int:
                return sum(1 for row in sheet.rows[:100] if plan.index < len(row.cells)
                           and values.phase(row.cells[plan.index]).text)
            chosen = sorted(chosen, key=lambda p: -phases(p))
        keep[field_name] = chosen[0]
    return [p if not p.field or p.field in LIST_FIELDS or keep[p.field] is p else
            ColumnPlan(p.sheet, p.index, p.heading, None, "duplicate", p.person)
            for p in planned]


def _sheet_notes(book: sheets.Workbook, plans: list[ColumnPlan]) -> list[Note]:
    notes = []
    for sheet in book.sheets:
        fields = {p.field for p in plans if p.sheet == sheet.name and p.field}
        if not sheet.rows:
            continue
        for required, accepted in REQUIRED.items():
            if fields & set(accepted):
                continue
            if required == "description_sv" and fields & {"goal_sv", "problemStatement_sv"}:
                notes.append(Note(INFO, *_DESCRIPTION_FALLBACK, sheet=sheet.name))
                continue
            sv, en = _MISSING[required]
            notes.append(Note(VIOLATION, sv, en, sheet=sheet.name))
        for recommended in RECOMMENDED:
            if recommended not in fields:
                sv, en = _RECOMMENDED[recommended]
                notes.append(Note(WARNING, sv, en, sheet=sheet.name))
        note_unit = columns.unit_in_note(sheet.preamble)
        for plan in plans:
            if plan.sheet != sheet.name or plan.field not in MONEY:
                continue
            if note_unit and columns.heading_unit(plan.heading)[1] is None:
                notes.append(Note(INFO, f"Beloppen i kolumnen {plan.heading} läses som × "
                                  f"{note_unit} kr, som texten ovanför rubrikerna säger.",
                                  f"The amounts in the column {plan.heading} are read as × "
                                  f"{note_unit} SEK, as the text above the headings says.",
                                  sheet=sheet.name, column=plan.heading))
            elif plan.unit is None and _small_amounts(sheet, plan):
                notes.append(Note(WARNING,
                                  "Alla belopp i kolumnen är under 10 000 kr. Är de i tusen "
                                  f"kronor, skriv enheten i rubriken, till exempel "
                                  f"\"{plan.heading} (tkr)\".",
                                  "Every amount in the column is under SEK 10,000. If they are "
                                  "in thousands, put the unit in the heading, for example "
                                  f"\"{plan.heading} (tkr)\".", sheet=sheet.name,
                                  column=plan.heading))
        persons = [p.heading for p in plans if p.sheet == sheet.name and p.person and
                   not p.field]
        if persons:
            names = ", ".join(persons)
            one = len(persons) == 1
            notes.append(Note(INFO,
                              f"{'Kolumnen' if one else 'Kolumnerna'} {names} namnger personer "
                              "och publiceras inte (personuppgifter). Ska "
                              f"{'den' if one else 'de'} publiceras: välj ett fält med "
                              f"--map \"{persons[0]}=fält\".",
                              f"The column{'' if one else 's'} {names} name{'s' if one else ''} "
                              f"persons and {'is' if one else 'are'} not published (personal "
                              f"data). To publish {'it' if one else 'them'}, choose a field "
                              f"with --map \"{persons[0]}=field\".", sheet=sheet.name))
    return notes


def _small_amounts(sheet: sheets.Sheet, plan: ColumnPlan) -> bool:
    amounts = [float(v.text) for row in sheet.rows
               if plan.index < len(row.cells)
               and (v := values.amount(row.cells[plan.index])).ok and v.text]
    return len(amounts) >= 3 and all(0 < a < 10_000 for a in amounts)


_DESCRIPTION_FALLBACK = (
    "Arket har ingen kolumn för beskrivning; texten om mål, syfte eller problem används som "
    "beskrivning.",
    "The sheet has no description column; the text of the goal, purpose or problem is used as "
    "the description.")
_MISSING = {
    "title_sv": ("Arket saknar en kolumn för initiativets namn. Lägg till en kolumn Projektnamn "
                 "(eller Namn, Titel), eller välj en kolumn med --map \"Rubrik=title_sv\".",
                 "The sheet has no column for the initiative's name. Add a column Project name "
                 "(or Name, Title), or choose one with --map \"Heading=title_sv\"."),
    "description_sv": ("Arket saknar en kolumn för beskrivning. Lägg till en kolumn Beskrivning "
                       "(eller Syfte), eller välj en kolumn med --map \"Rubrik=description_sv\".",
                       "The sheet has no description column. Add a column Description (or "
                       "Purpose), or choose one with --map \"Heading=description_sv\"."),
    "phase": ("Arket saknar en kolumn för fas. Lägg till en kolumn Status (med till exempel "
              "Pågår, Planerad, Avslutad), eller välj en kolumn med --map \"Rubrik=phase\".",
              "The sheet has no column for the phase. Add a column Status (with for example "
              "In progress, Planned, Completed), or choose one with --map \"Heading=phase\"."),
}
_RECOMMENDED = {
    "theme": ("Rekommenderat: arket har ingen kolumn för tema (Verksamhetsområde).",
              "Recommended: the sheet has no column for the theme (area of activity)."),
    "budget": ("Rekommenderat: arket har ingen kolumn för budget.",
               "Recommended: the sheet has no budget column."),
    "goal_sv": ("Rekommenderat: arket har ingen kolumn för mål (Syfte, Mål).",
                "Recommended: the sheet has no goal column (Purpose, Goal)."),
    "contact_email": ("Rekommenderat: arket har ingen kolumn för kontakt (e-post till en "
                      "funktionsbrevlåda).",
                      "Recommended: the sheet has no contact column (a functional mailbox)."),
}


# -- rows -----------------------------------------------------------------------------------
@dataclass
class _Row:
    sheet: str
    number: int
    form: dict[str, str]
    notes: list[Note]
    headings: dict[str, str]            # form field → the column heading it came from
    refused: set[str]                   # form fields whose value the import refused
    partners: list[str] | None = None   # participant IRIs, when the sheet has the column
    given_id: str = ""                  # from the identifier column
    title: str = ""
    identifier: str = ""
    needs_title: bool = False


def _read_row(sheet: sheets.Sheet, row: sheets.Row, plans: list[ColumnPlan]) -> _Row:
    state = _Row(sheet.name, row.number, {}, [], {}, set())
    end_cells: list[tuple[ColumnPlan, Any]] = []

    def note(plan: ColumnPlan, severity: str, sv: str, en: str, cell: Any = None) -> None:
        state.notes.append(Note(severity, sv, en, row.number, sheet.name, plan.heading,
                                "" if cell is None else values.cell_text(cell)[:200]))

    def accepted(plan: ColumnPlan, target: str, parsed: values.Value) -> bool:
        """Note what the value's reading said; False when the value was refused."""
        if parsed.error_sv:
            note(plan, VIOLATION, parsed.error_sv, parsed.error_en)
            state.refused.add(target)
            return False
        if parsed.warning_sv:
            note(plan, WARNING, parsed.warning_sv, parsed.warning_en)
        return True

    for plan in plans:
        if plan.field is None or plan.sheet != sheet.name:
            continue
        cell = row.cells[plan.index] if plan.index < len(row.cells) else None
        target = plan.field
        state.headings.setdefault(target, plan.heading)
        if isinstance(cell, sheets.Oversize):
            if cell.length > sheets.MAX_CELL:
                note(plan, VIOLATION,
                     f"Cellen har {cell.length} tecken, fler än de {sheets.MAX_CELL} Excel "
                     "tillåter. Korta texten.",
                     f"The cell has {cell.length} characters, more than the {sheets.MAX_CELL} "
                     "Excel allows. Shorten the text.")
            else:
                note(plan, VIOLATION,
                     f"Cellen har {sheets.MAX_CELL} tecken, den gräns Excel har; texten är "
                     "troligen avkortad. Korta texten.",
                     f"The cell has {sheets.MAX_CELL} characters, Excel's limit; the text is "
                     "probably cut short. Shorten the text.")
            state.refused.add(target)
            continue
        if target == "end":
            end_cells.append((plan, cell))
            continue
        parsed = _parse(target, cell, plan)
        if not accepted(plan, target, parsed):
            continue
        if target == "participant":     # resolved here; the record gets the IRIs as a list
            iris, partner_notes = _partners(values.cell_text(cell))
            for sv, en in partner_notes:
                note(plan, WARNING, sv, en)
            state.partners = list(dict.fromkeys((state.partners or []) + iris))
            continue
        text = parsed.text
        if target in LIST_FIELDS and state.form.get(target):
            text = "; ".join(p for p in (state.form[target], text) if p)
        state.form[target] = text
    completed = state.form.get("phase", "") in COMPLETED
    fields = {p.field for p in plans if p.sheet == sheet.name}
    for plan, cell in end_cells:
        # beside a planned-end column an end column is the actual end, and the other way
        # round; alone, the phase decides
        if "plannedEndDate" in fields or "endDate" in fields:
            target = "endDate" if "plannedEndDate" in fields else "plannedEndDate"
        else:
            target = "endDate" if completed else "plannedEndDate"
        state.headings.setdefault(target, plan.heading)
        parsed = values.a_date(cell, end=True)
        if accepted(plan, target, parsed):
            state.form[target] = parsed.text
    state.given_id = state.form.pop("identifier", "").strip()
    state.title = state.form.get("title_sv") or state.form.get("title_en") or ""
    if not state.form.get("description_sv") and "description_sv" not in state.headings:
        fallback = state.form.get("goal_sv") or state.form.get("problemStatement_sv") or ""
        if fallback:
            state.form["description_sv"] = fallback
    return state


def _parse(target: str, cell: Any, plan: ColumnPlan) -> values.Value:
    if target == "phase":
        return values.phase(cell)
    if target == "theme":
        return values.themes(cell)
    if target in ("startDate",):
        return values.a_date(cell, end=False)
    if target in ("plannedEndDate", "endDate"):
        return values.a_date(cell, end=True)
    if target in ("budget", "spentToDate"):
        return values.amount(cell, plan.unit)
    if target == "contact_email":
        return values.email(cell)
    if target == "openForCollaboration":
        return values.yes_no(cell)
    text = values.cell_text(cell)
    return values.Value("" if values.is_empty(text) and target != "identifier" else text)


def _partners(text: str) -> tuple[list[str], list[tuple[str, str]]]:
    """Organisation IRIs for the names in *text* (:func:`node.forms.partners`, the edit form's
    rule), and a warning with the candidates for each name that names none: an import
    publishes the partners it recognises and says which it did not."""
    iris, unresolved = partners(text)
    notes = [(f"{m.message_sv} Den publiceras inte som partner; rätta namnet i arket.",
              f"{m.message_en} It is not published as a partner; correct the name in the "
              "sheet.") for m in unresolved]
    return iris, notes


def _identifiers(store: Store, rows: list[_Row]) -> dict[str, str]:
    """Give every row its identifier; returns the source keys to remember."""
    keys: dict[str, str] = {}
    wanted = []
    for row in rows:
        if not row.given_id and row.title:
            wanted += [f"title:{values.slug(row.title, 200)}", f"row:{row.sheet}:{row.number}"]
    known = store.import_identifiers(wanted) if wanted else {}
    claimed: dict[str, int] = {}
    pending = []
    for row in rows:
        if row.given_id:
            row.identifier = row.given_id if IDENTIFIER.match(row.given_id) else \
                values.slug(row.given_id, 100)
            if not row.identifier:
                row.given_id = ""
        if not row.given_id:
            if not row.title:
                row.needs_title = True
                continue
            title_key = f"title:{values.slug(row.title, 200)}"
            if title_key in known and known[title_key] not in claimed:
                row.identifier = known[title_key]
            else:
                pending.append(row)
                continue
        claimed.setdefault(row.identifier, row.number)
    for row in pending:
        row_key = f"row:{row.sheet}:{row.number}"
        earlier = known.get(row_key)
        if earlier and earlier not in claimed and _same_initiative(store, earlier, row.title):
            row.identifier = earlier
        else:
            base = values.slug(row.title) or "initiativ"
            candidate, n = base, 2
            while candidate in claimed:
                candidate, n = f"{base}-{n}", n + 1
            if candidate != base:
                row.notes.append(Note(
                    WARNING, f"Samma titel som rad {claimed[base]}; initiativet får "
                    f"identifieraren {candidate}.",
                    f"The same title as row {claimed[base]}; the initiative gets the "
                    f"identifier {candidate}.", row.number, row.sheet,
                    row.headings.get("title_sv") or row.headings.get("title_en", "")))
            row.identifier = candidate
        claimed.setdefault(row.identifier, row.number)
    for row in rows:
        if row.identifier and row.title and not row.given_id:
            keys[f"title:{values.slug(row.title, 200)}"] = row.identifier
            keys[f"row:{row.sheet}:{row.number}"] = row.identifier
    return keys


def _same_initiative(store: Store, identifier: str, title: str) -> bool:
    """Whether the stored initiative *identifier* is plausibly the row titled *title* now (its
    title corrected), not another initiative that moved into this place of the sheet."""
    found = store.get(identifier)
    if found is None:
        return False
    stored = found.record.get("title") or {}
    return any(difflib.SequenceMatcher(None, columns.fold(t), columns.fold(title)).ratio() >= 0.6
               for t in stored.values() if isinstance(t, str))


# -- the import -----------------------------------------------------------------------------
def _plan(store: Store, filename: str, data: bytes, mapping: Mapping[str, str | None] | None,
          ignore: Iterable[str]) -> tuple[sheets.Workbook, list[ColumnPlan], str]:
    folded = _folded_map(mapping)
    ignored = {columns.fold(h) for h in ignore}
    remembered_all: dict[str, str | None] = {}
    field_of = _field_of(folded, ignored, remembered_all)
    book = sheets.read(filename, data, field_of)
    if not book.row_count:
        raise InputError(
            f"{filename} has no rows of initiatives below its headings (row "
            f"{book.sheets[0].heading_row}).",
            f"{filename} har inga rader med initiativ under rubrikerna (rad "
            f"{book.sheets[0].heading_row}).")
    key = headings_key(book)
    remembered = store.import_mapping(key) or {}
    remembered_all.update({columns.fold(h): f for h, f in remembered.items()})
    return book, _plan_columns(book, folded, ignored, remembered_all), key


def _outcome(store: Store, base_url: str, organization: str, book: sheets.Workbook,
             plans: list[ColumnPlan], dry_run: bool, partial: bool
             ) -> tuple[ImportOutcome, list[dict[str, Any]], dict[str, str]]:
    outcome = ImportOutcome(dry_run=dry_run, partial=partial, columns=plans,
                            skipped_sheets=list(book.skipped))
    outcome.sheets = [SheetRead(s.name, s.heading_row, len(s.rows), s.skipped)
                      for s in book.sheets]
    outcome.notes = _sheet_notes(book, plans)
    missing = {(n.sheet, f) for n in outcome.notes if n.severity == VIOLATION
               for f, (sv, _) in _MISSING.items() if n.message_sv == sv}
    blocked_sheets = {sheet for sheet, _ in missing}
    rows = [_read_row(sheet, row, plans) for sheet in book.sheets for row in sheet.rows]
    keys = _identifiers(store, rows)
    stamp = now()
    existing = {r.identifier: store.get(r.identifier) for r in rows if r.identifier}
    items = []
    for row in rows:
        found = existing.get(row.identifier)
        record = to_record({**row.form, "identifier": row.identifier},
                           found.record if found else None)
        if row.partners is not None:
            record.pop("participant", None)
            if row.partners:
                record["participant"] = row.partners
        items.append((record, row.identifier or None))
    prepared = prepare_many(items, base_url, organization, stamp, frame=False) \
        if items else []
    to_save = []
    for row, ready in zip(rows, prepared, strict=True):
        problems = [n for n in row.notes if n.severity == VIOLATION]
        warnings = [n for n in row.notes if n.severity != VIOLATION]
        placed = errors_by_field(ready.report.results)
        for key, found_messages in placed.items():
            field_name = "title_sv" if key == "identifier" and row.needs_title else key
            if field_name in row.refused or (row.sheet, field_name) in missing:
                continue
            if key == "identifier" and row.needs_title and "title_sv" in placed:
                continue
            heading = row.headings.get(field_name) or row.headings.get(
                field_name.replace("_sv", "_en"), "")
            if not heading and field_name in ("title_sv", "identifier"):
                heading = row.headings.get("title_en", "")
            for message in found_messages:
                note = Note(message.severity, message.message_sv, message.message_en,
                            row.number, row.sheet, heading, _shown(row.form, field_name))
                if message.severity == VIOLATION:
                    if note not in problems:
                        problems.append(note)
                elif heading or field_name not in RECOMMENDED:
                    warnings.append(note)
        identifier = ready.record.get("identifier", "") if row.identifier else ""
        if problems or row.sheet in blocked_sheets:     # (a sheet's problem is said once)
            outcome.rows.append(RowOutcome(row.number, identifier, "invalid",
                                           tuple((n.column, n) for n in problems),
                                           tuple((n.column, n) for n in warnings), row.sheet,
                                           row.title))
            continue
        found = store.get(identifier)
        if found is None:
            result = "created"
        elif canonical(found.record) == canonical(ready.record):
            result = "unchanged"
        else:
            result = "updated"
        outcome.rows.append(RowOutcome(row.number, identifier, result, (),
                                       tuple((n.column, n) for n in warnings), row.sheet,
                                       row.title))
        if result != "unchanged":
            to_save.append(ready.record)
    _duplicates(outcome)
    if outcome.blocked:
        to_save = []
    valid = {r.identifier for r in outcome.rows if r.outcome != "invalid"}
    return outcome, to_save, {k: v for k, v in keys.items() if v in valid}


def _shown(form: dict[str, str], field_name: str) -> str:
    return str(form.get(field_name, ""))[:200]


def _duplicates(outcome: ImportOutcome) -> None:
    """Two rows with one identifier (from the identifier column): the second is invalid."""
    seen: dict[str, int] = {}
    for index, row in enumerate(outcome.rows):
        if not row.identifier:
            continue
        if row.identifier in seen:
            note = Note(VIOLATION, f"Identifieraren {row.identifier} finns redan på rad "
                                   f"{seen[row.identifier]}. Ge raderna olika identifierare.",
                        f"The identifier {row.identifier} is already used on row "
                        f"{seen[row.identifier]}. Give the rows different identifiers.",
                        row.row, row.sheet, "")
            outcome.rows[index] = RowOutcome(row.row, row.identifier, "invalid",
                                             row.problems + ((note.column, note),),
                                             row.warnings, row.sheet, row.title)
        else:
            seen[row.identifier] = row.row


def inspect_sheet(store: Store, filename: str, data: bytes, *,
                  mapping: Mapping[str, str | None] | None = None, ignore: Iterable[str] = (),
                  lang: str = "sv", config: Config | None = None) -> SheetPlan:
    """What importing *data* would do, with nothing saved: see :class:`SheetPlan`.

    *mapping* is {heading: field} (a field of :data:`node.columns.FIELDS`, or empty to skip
    the column), *ignore* headings to skip; *config* (the node's settings) makes the report's
    checks exact, without it placeholders stand in for the node's address and organisation.
    """
    book, plans, key = _plan(store, filename, data, mapping, ignore)
    base = config.base_url if config else PLAN_BASE
    org = config.organization if config else PLAN_ORG
    outcome, _, _ = _outcome(store, base, org, book, plans, dry_run=True, partial=False)
    preview = []
    for sheet in book.sheets:
        for row in sheet.rows[:PREVIEW_ROWS - len(preview)]:
            preview.append({h or f"({i + 1})": values.cell_text(c)[:200]
                            for i, (h, c) in enumerate(zip(sheet.headings, row.cells,
                                                           strict=False))})
    fields = [(f, sv, en) for f, (sv, en) in columns.FIELDS.items()]
    return SheetPlan(filename, outcome.sheets, outcome.skipped_sheets, plans, fields, preview,
                     outcome, key, lang)


def run_import(store: Store, config: Config, filename: str, data: bytes, dry_run: bool = False,
               partial: bool = False, *, mapping: Mapping[str, str | None] | None = None,
               ignore: Iterable[str] = ()) -> ImportOutcome:
    """Import *data* (the file's bytes) into *store*; see the module docstring."""
    book, plans, key = _plan(store, filename, data, mapping, ignore)
    outcome, to_save, keys = _outcome(store, config.base_url, config.organization, book, plans,
                                      dry_run, partial)
    if dry_run or outcome.blocked or (outcome.invalid and not partial):
        return outcome
    # what the publisher chose (now or before) is remembered; what was inferred is inferred
    # again next time, so a better vocabulary still helps
    confirmed = {p.heading: p.field for p in plans
                 if p.heading and p.reason in ("mapped", "ignored", "remembered")}
    changes = store.save(to_save, import_keys=keys,
                         mapping=(key, confirmed) if confirmed else None)
    outcome.saved = sum(1 for c in changes if c.version)
    return outcome

