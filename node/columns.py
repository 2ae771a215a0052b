"""Which field a spreadsheet column holds, recognised by its heading.

The synonyms live in the vocabulary (``pios:columnHeading`` on each term in ``vocab/pios.ttl``),
so every tool recognises the same headings; this module reads them once and answers
:func:`recognise` for a heading: the import field (the editing form's field names, see
:mod:`node.forms`), why, and the unit of an amount the heading names (``Budget (tkr)``).

Headings are compared folded (case, spacing, trailing ``:`` or ``*`` ignored), first as
written, then without a unit (``(tkr)``, ``MSEK``, ``kr``), then without a year
(``Budget 2026``), then without a remark in brackets (``Status (fas)``), then each part of
``A/B``. The template's own headings
(:data:`node.spreadsheet.COLUMNS`) are recognised too. Columns that name persons
(:data:`PERSON_HEADINGS`) are never given a field: they are published only when the publisher
maps them (DESIGN §7). A heading that is none of these is simply not imported.

The field ``end`` is the vocabulary's ``pios:endDate`` headings (Slut, Klart, Slutdatum …): a
sheet rarely says whether it means the planned or the actual end, so the import reads it as the
end date when the row's phase is completed and as the planned end date otherwise — unless the
sheet also has a planned-end column (then it is the actual end) or an end-date column chosen by
the publisher (then it is the planned end).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import pyoxigraph as ox

from pios_ld import vocab_paths

PIOS = "https://w3id.org/pios/vocab#"
COLUMN_HEADING = PIOS + "columnHeading"

#: Vocabulary term → import field.
TERM_FIELDS = {
    "http://purl.org/dc/terms/identifier": "identifier",
    "http://purl.org/dc/terms/title": "title_sv",
    "http://purl.org/dc/terms/description": "description_sv",
    PIOS + "phase": "phase",
    PIOS + "theme": "theme",
    PIOS + "startDate": "startDate",
    PIOS + "plannedEndDate": "plannedEndDate",
    PIOS + "endDate": "end",
    PIOS + "budget": "budget",
    PIOS + "spentToDate": "spentToDate",
    PIOS + "goal": "goal_sv",
    PIOS + "problemStatement": "problemStatement_sv",
    PIOS + "expectedBenefit": "expectedBenefit_sv",
    PIOS + "lessonsLearned": "lessonsLearned_sv",
    "http://www.w3.org/ns/dcat#keyword": "keyword_sv",
    PIOS + "participant": "participant",
    "http://www.w3.org/ns/dcat#contactPoint": "contact_email",
    "http://www.w3.org/ns/dcat#landingPage": "landingPage",
    PIOS + "codeRepository": "codeRepository",
    PIOS + "openForCollaboration": "openForCollaboration",
    PIOS + "reuses": "reuses",
    PIOS + "responsibleUnit": "responsibleUnit_sv",
}

#: Every field a column can be mapped to, with its name in Swedish and English.
FIELDS: dict[str, tuple[str, str]] = {
    "identifier": ("Identifierare", "Identifier"),
    "title_sv": ("Titel", "Title"),
    "title_en": ("Titel (engelska)", "Title (English)"),
    "description_sv": ("Beskrivning", "Description"),
    "description_en": ("Beskrivning (engelska)", "Description (English)"),
    "phase": ("Fas", "Phase"),
    "theme": ("Tema", "Theme"),
    "responsibleUnit_sv": ("Ansvarig enhet", "Responsible unit"),
    "startDate": ("Startdatum", "Start date"),
    "end": ("Slutdatum (planerat eller faktiskt efter fas)",
            "End date (planned or actual by phase)"),
    "plannedEndDate": ("Planerat slutdatum", "Planned end date"),
    "endDate": ("Slutdatum", "End date"),
    "budget": ("Budget", "Budget"),
    "spentToDate": ("Förbrukat", "Spent to date"),
    "goal_sv": ("Mål", "Goal"),
    "problemStatement_sv": ("Problem", "Problem"),
    "expectedBenefit_sv": ("Förväntad nytta", "Expected benefit"),
    "lessonsLearned_sv": ("Lärdomar", "Lessons learned"),
    "keyword_sv": ("Nyckelord", "Keywords"),
    "participant": ("Samverkanspartner", "Partners"),
    "contact_email": ("Kontakt (e-post)", "Contact (email)"),
    "landingPage": ("Webbsida", "Web page"),
    "codeRepository": ("Källkod", "Source code"),
    "reuses": ("Återanvänder", "Reuses"),
    "openForCollaboration": ("Öppen för samarbete", "Open for collaboration"),
}

#: Headings of columns that name persons: not published unless the publisher maps them.
PERSON_HEADINGS = frozenset((
    "projektledare", "kontaktperson", "ägare", "beställare", "projektägare", "ansvarig",
    "ansvarig person", "ansvarig chef", "handläggare", "objektägare", "förvaltningsledare",
    "styrgrupp", "projektgrupp", "projektmedlemmar", "deltagare", "sponsor", "uppdragsgivare",
    "processägare", "systemägare", "verksamhetsansvarig", "chef", "kontaktperson e-post",
    "project manager", "project lead", "project leader", "owner", "project owner",
    "contact person", "sponsor", "responsible", "manager", "team",
))

#: Units an amount's heading or cell may name → kronor per unit.
UNITS = {
    "kr": 1, "kronor": 1, "sek": 1, ":-": 1,
    "tkr": 1_000, "tsek": 1_000, "ksek": 1_000, "tusen kronor": 1_000, "tusen kr": 1_000,
    "tkronor": 1_000,
    "mkr": 1_000_000, "mnkr": 1_000_000, "msek": 1_000_000, "miljoner kronor": 1_000_000,
    "miljoner kr": 1_000_000, "milj kr": 1_000_000, "milj. kr": 1_000_000, "mn kr": 1_000_000,
    "milj": 1_000_000, "miljoner": 1_000_000, "mdkr": 1_000_000_000,
}
_UNIT_WORDS = sorted(UNITS, key=len, reverse=True)
_UNIT_RE = re.compile(
    r"[\s,]*[\(\[]?\s*(?:i\s+)?(" + "|".join(re.escape(u) for u in _UNIT_WORDS)
    + r")\s*[\)\]]?\s*$")
_YEAR_RE = re.compile(r"\s*\b(?:19|20)\d\d\b\s*")


_NOTE_UNIT = re.compile(
    r"(?:belopp|summor|kostnader|budget|amounts?)\w*[^.]*?\b(?:i|in|anges i|anges i)\s+("
    + "|".join(re.escape(u) for u in _UNIT_WORDS) + r")\b|\((tkr|mnkr|msek|ksek|tsek)\)")


def unit_in_note(text: str) -> int | None:
    """The unit a note above the headings gives amounts ("Belopp i tkr"), or None."""
    match = _NOTE_UNIT.search(fold(text))
    if not match:
        return None
    return UNITS[match.group(1) or match.group(2)]


def fold(text: object) -> str:
    """A heading or a cell as compared: NFKC, case-folded, spacing collapsed."""
    text = unicodedata.normalize("NFKC", str(text or "")).casefold()
    text = " ".join(text.split())
    return text.strip(" :*").strip()


@dataclass(frozen=True)
class Recognition:
    """What a heading holds: ``field`` (None: not imported), why, persons, unit."""

    heading: str
    field: str | None
    reason: str                 # synonym, template, mapped, person, ignored, unknown, duplicate
    person: bool = False
    unit: int | None = None     # kronor per unit named by the heading (amounts only)

    def why(self, lang: str = "sv") -> str:
        sv, en = {
            "synonym": ("rubriken finns i vokabulärens kolumnrubriker",
                        "the heading is one of the vocabulary's column headings"),
            "template": ("rubriken är mallens", "the heading is the template's"),
            "mapped": ("vald av dig", "chosen by you"),
            "remembered": ("samma val som vid förra importen av ett ark med samma rubriker",
                           "as chosen at the last import of a sheet with the same headings"),
            "person": ("namnger personer (personuppgifter) och publiceras inte; välj ett fält "
                       "om kolumnen ska publiceras",
                       "names persons (personal data) and is not published; choose a field "
                       "if the column is to be published"),
            "ignored": ("hoppas över som du valt", "skipped as you chose"),
            "unknown": ("okänd rubrik", "unknown heading"),
            "duplicate": ("fältet hämtas redan från en annan kolumn",
                          "the field already comes from another column"),
            "empty": ("kolumnen saknar rubrik", "the column has no heading"),
        }[self.reason]
        return en if lang == "en" else sv


@lru_cache(maxsize=1)
def synonyms() -> dict[str, str]:
    """Folded heading → field, from the vocabulary's ``pios:columnHeading``s."""
    found: dict[str, str] = {}
    data = vocab_paths.VOCABULARY.read_bytes()
    for triple in ox.parse(data, format=ox.RdfFormat.TURTLE):
        if triple.predicate.value == COLUMN_HEADING:
            field = TERM_FIELDS.get(triple.subject.value)
            if field:
                found.setdefault(fold(triple.object.value), field)
    return found


@lru_cache(maxsize=1)
def _template() -> dict[str, str]:
    from .spreadsheet import COLUMNS

    headings = {}
    for column in COLUMNS:
        for name in (column.header_sv, column.header_en, column.field):
            headings[fold(name)] = column.field
    return headings


def heading_unit(heading: str) -> tuple[str, int | None]:
    """``Budget (tkr)`` → (``budget``, 1000): the folded heading without its unit."""
    folded = fold(heading)
    match = _UNIT_RE.search(folded)
    if match and match.start() > 0:
        return folded[:match.start()].strip(" ,-"), UNITS[match.group(1)]
    return folded, None


def _candidates(heading: str) -> list[tuple[str, int | None]]:
    folded = fold(heading)
    base, unit = heading_unit(heading)
    out = [(folded, None), (base, unit)]
    no_year = _YEAR_RE.sub(" ", base).strip()
    if no_year and no_year != base:
        out.append((" ".join(no_year.split()), unit))
    no_remark = " ".join(re.sub(r"\([^)]*\)", " ", base).split())     # Status (fas)
    if no_remark and no_remark != base:
        out.append((no_remark, unit))
    for part in re.split(r"\s*/\s*|\s+-\s+|\s+–\s+", base):
        if part and part != base:
            out.append((part, unit))
    return out


def recognise(heading: str) -> Recognition:
    """The field *heading* holds, without anything the publisher chose."""
    text = str(heading or "").strip()
    if not text:
        return Recognition(text, None, "empty")
    table = synonyms()
    template = _template()
    for candidate, unit in _candidates(text):
        if candidate in PERSON_HEADINGS:
            return Recognition(text, None, "person", person=True)
        field = table.get(candidate)
        reason = "synonym"
        if field is None and candidate in template:
            field, reason = template[candidate], "template"
        if field is not None:
            money = field in ("budget", "spentToDate")
            return Recognition(text, field, reason, unit=unit if money else None)
    return Recognition(text, None, "unknown", person=_names_person(text))


def _names_person(heading: str) -> bool:
    words = fold(heading).replace("-", " ").split()
    return any(w in ("projektledare", "kontaktperson", "ägare", "beställare", "handläggare",
                     "manager", "owner") for w in words)


def choices(lang: str = "sv") -> list[tuple[str, str]]:
    """(field, label) for every field a column can be mapped to, in the form's order."""
    index = 1 if lang == "en" else 0
    return [(field, names[index]) for field, names in FIELDS.items()]


def label(field: str | None, lang: str = "sv") -> str:
    if field is None:
        return "—"
    names = FIELDS.get(field)
    return names[1 if lang == "en" else 0] if names else field
