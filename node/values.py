"""Cell values as people write them, turned into what a record holds, or a precise refusal.

Each function takes a cell (text, number, date or bool, as the sheet gave it) and gives a
:class:`Value`: the text for the record's field (``""`` when the cell is empty), a warning when
the value was read with some latitude, or an error saying what to write instead. Nothing here
reads files. The rules:

- **Phases and themes**: the concept's code, IRI, ``skos:prefLabel`` or ``skos:altLabel``
  (sv, en) in ``vocab/pios.ttl`` — Pågår, Avslutad, Förstudie, In progress, Kollektivtrafik,
  Tandvård … — case and spacing ignored, also with a number before (``3. Genomförande``) or a
  remark after (``Pågår (försenat)``). An unknown phase is an error; an unknown theme a warning
  (the other themes of the cell are kept).
- **Amounts** in kronor: the unit from the cell (``600 tkr``, ``1,2 mnkr``) or else the heading
  (``Budget (tkr)``); spaces, decimal commas, ``1.200.000``; ``ca``/``cirka``/``~`` import with a
  warning that the amount is approximate. Negative amounts and ranges are errors.
- **Dates**: Excel dates, ISO (``2026-03-01``), ``1/3/2026`` (day first), ``1 mars 2026``,
  ``2026-03``, ``mars 2026``, ``Q3 2026``, ``T2 2026`` (tertial), ``VT 2026`` (January–June),
  ``HT 2027`` (July–December), ``2027``. A period becomes its **first day for a start date and
  its last day for an end date**, with a warning that the date was rounded.
- **Yes/no**: Ja, Nej, X, ✓, Yes, No, Sant, Falskt, 1, 0.
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Any

import pyoxigraph as ox

from pios_ld import vocab_paths

from .columns import UNITS, fold

CONCEPT = "https://w3id.org/pios/concept/"
SKOS = "http://www.w3.org/2004/02/skos/core#"
EMPTY = ("", "-", "–", "—", "?", "saknas", "n/a", "na", "ej angivet", "ej aktuellt", "x?")


@dataclass(frozen=True)
class Value:
    text: str = ""
    warning_sv: str = ""
    warning_en: str = ""
    error_sv: str = ""
    error_en: str = ""

    @property
    def ok(self) -> bool:
        return not self.error_sv


def _error(sv: str, en: str) -> Value:
    return Value(error_sv=sv, error_en=en)


def cell_text(cell: Any) -> str:
    """A cell as text: ``17.0`` → ``17``, a date → ISO, None → ``""``."""
    if cell is None:
        return ""
    if isinstance(cell, bool):
        return "ja" if cell else "nej"
    if isinstance(cell, datetime):
        return cell.date().isoformat() if not cell.time().hour + cell.time().minute else \
            cell.isoformat(timespec="minutes")
    if isinstance(cell, date):
        return cell.isoformat()
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell).strip()


def is_empty(cell: Any) -> bool:
    return fold(cell_text(cell)) in EMPTY


# -- concepts -------------------------------------------------------------------------------
@lru_cache(maxsize=4)
def _concepts(scheme: str) -> dict[str, str]:
    """Folded code, IRI, prefLabel or altLabel → code, for one scheme (prefLabels win)."""
    prefix = f"{CONCEPT}{scheme}/"
    pref: dict[str, str] = {}
    alt: dict[str, str] = {}
    data = vocab_paths.VOCABULARY.read_bytes()
    for triple in ox.parse(data, format=ox.RdfFormat.TURTLE):
        subject = triple.subject.value
        if not subject.startswith(prefix):
            continue
        code = subject[len(prefix):]
        pref.setdefault(fold(code), code)
        pref.setdefault(fold(subject), code)
        if triple.predicate.value == SKOS + "prefLabel":
            pref.setdefault(fold(triple.object.value), code)
        elif triple.predicate.value == SKOS + "altLabel":
            alt.setdefault(fold(triple.object.value), code)
    return {**alt, **pref}


def _lookup(scheme: str, text: str) -> str | None:
    table = _concepts(scheme)
    folded = fold(text)
    tries = [folded, re.sub(r"^\d+\s*[.):-]\s*", "", folded),
             re.split(r"\s*[(\[]", folded)[0], re.split(r"\s+[-–]\s+|:\s*", folded)[0]]
    for candidate in tries:
        candidate = candidate.strip(" .")
        if candidate in table:
            return table[candidate]
    return None


TRAFFIC_LIGHTS = ("grön", "gul", "röd", "grönt", "gult", "rött", "green", "yellow", "amber",
                  "red")


def _concept(scheme: str, cell: Any) -> tuple[str, Value | None]:
    """The cell's text, and its value when it is empty or names one concept of *scheme*."""
    text = cell_text(cell)
    if is_empty(text):
        return text, Value()
    code = _lookup(scheme, text)
    return text, Value(code) if code else None


def phase(cell: Any) -> Value:
    text, known = _concept("phase", cell)
    if known is not None:
        return known
    if fold(text) in TRAFFIC_LIGHTS:
        return _error(
            f"«{text}» är ett trafikljus (hur initiativet mår), ingen fas. Välj kolumnen med "
            "fasen (Pågår, Avslutad …) med --map \"Rubrik=phase\", och hoppa över den här "
            "med --ignore.",
            f"«{text}» is a traffic light (how the initiative is doing), not a phase. Choose "
            "the column with the phase (In progress, Completed …) with --map "
            "\"Heading=phase\", and skip this one with --ignore.")
    return _error(
        f"«{text}» är ingen känd fas. Skriv till exempel Idé, Förstudie, Planerad, Pågår, "
        "Pilot, Införande, Pausad, I drift eller Avslutad.",
        f"«{text}» is not a known phase. Write for example Idea, Prestudy, Planned, In "
        "progress, Pilot, Implementation, Paused, In operation or Completed.")


def themes(cell: Any) -> Value:
    text, known = _concept("theme", cell)
    if known is not None:
        return known
    codes, unknown = [], []
    for part in re.split(r"[;,/\n]+|\s+&\s+", text):
        part = part.strip()
        if not part:
            continue
        code = _lookup("theme", part)
        if code is None and " och " in part:
            pieces = [_lookup("theme", p) for p in part.split(" och ")]
            if all(pieces):
                codes += [p for p in pieces if p]
                continue
        if code:
            codes.append(code)
        else:
            unknown.append(part)
    codes = list(dict.fromkeys(codes))
    if not unknown:
        return Value("; ".join(codes))
    names = ", ".join(f"«{u}»" for u in unknown)
    return Value("; ".join(codes),
                 f"{names} är inget tema i vokabulären och publiceras inte. Välj bland till "
                 "exempel Hälso- och sjukvård, Utbildning, Kollektivtrafik, Intern "
                 "administration (se docs/vocabulary.md).",
                 f"{names} is not a theme of the vocabulary and is not published. Choose "
                 "among for example Health care, Education, Transport, Administration (see "
                 "docs/vocabulary.md).")


# -- amounts --------------------------------------------------------------------------------
_APPROX = re.compile(r"^(?:ca\.?|c:a|cirka|circa|ungefär|ung\.?|runt|omkring|approx\.?|"
                     r"about|around|~|≈)\s*")
_CELL_UNIT = re.compile(r"\s*(" + "|".join(re.escape(u) for u in sorted(UNITS, key=len,
                                                                         reverse=True))
                        + r")\.?\s*$")
_SPACES = re.compile(r"[\s\u00a0\u202f\u2009']")


def _number(text: str) -> float | None:
    text = _SPACES.sub("", text)
    if not re.fullmatch(r"[0-9.,]+", text) or not re.search(r"\d", text):
        return None
    if "," in text and "." in text:
        decimal = "," if text.rfind(",") > text.rfind(".") else "."
        thousands = "." if decimal == "," else ","
        text = text.replace(thousands, "").replace(decimal, ".")
    elif text.count(",") > 1:
        text = text.replace(",", "")
    elif text.count(".") > 1:
        text = text.replace(".", "")
    else:
        text = text.replace(",", ".")
    try:
        return float(text)
    except ValueError:
        return None


def _kronor(value: float) -> str:
    rounded = round(value, 2)
    return str(int(rounded)) if float(rounded).is_integer() else f"{rounded:.2f}"


def _spaced(text: str) -> str:
    whole, _, decimals = text.partition(".")
    spaced = f"{int(whole):,}".replace(",", " ")
    return f"{spaced},{decimals}" if decimals else spaced


def amount(cell: Any, unit: int | None = None) -> Value:
    """*cell* in kronor; *unit* is what the heading names (kronor per unit)."""
    if isinstance(cell, bool):
        return _error(f"«{cell_text(cell)}» är inget belopp.",
                      f"«{cell_text(cell)}» is not an amount.")
    if isinstance(cell, int | float):
        if cell < 0:
            return _negative(cell_text(cell))
        return Value(_kronor(cell * (unit or 1)))
    text = cell_text(cell)
    if is_empty(text):
        return Value()
    folded = fold(text)
    approximate = bool(_APPROX.match(folded))
    folded = re.sub(r"^(?:sek|kr)\.?\s*", "", _APPROX.sub("", folded))
    cell_unit = None
    match = _CELL_UNIT.search(folded)
    if match and match.start() > 0:
        cell_unit = UNITS[match.group(1)]
        folded = folded[:match.start()]
    folded = folded.strip()
    if folded.startswith(("-", "−")) and _number(folded[1:]) is not None:
        return _negative(text)
    if re.search(r"\d\s*[-–]\s*\d", folded) and _number(folded) is None:
        return _error(
            f"«{text}» är ett intervall. Skriv ett belopp (till exempel det övre), och "
            "\"ca\" framför om det är ungefärligt.",
            f"«{text}» is a range. Write one amount (for example the upper one), with "
            "\"ca\" before it if it is approximate.")
    number = _number(folded)
    if number is None:
        return _error(
            f"«{text}» är inget belopp. Skriv ett tal, till exempel 850 000, 850 tkr eller "
            "1,2 mnkr.",
            f"«{text}» is not an amount. Write a number, for example 850 000, 850 tkr or "
            "1,2 mnkr.")
    kronor = _kronor(number * (cell_unit or unit or 1))
    if approximate:
        return Value(kronor, f"«{text}» är ett ungefärligt belopp; det importeras som "
                             f"{_spaced(kronor)} kr.",
                     f"«{text}» is an approximate amount; it is imported as SEK "
                     f"{_spaced(kronor)}.")
    return Value(kronor)


def _negative(text: str) -> Value:
    del text  # the report shows the refused value beside the message
    return _error("Beloppet får inte vara negativt. Skriv beloppet utan minustecken.",
                  "The amount must not be negative. Write it without a minus sign.")


# -- dates ----------------------------------------------------------------------------------
MONTHS = {
    "januari": 1, "jan": 1, "january": 1, "februari": 2, "feb": 2, "february": 2,
    "mars": 3, "mar": 3, "march": 3, "april": 4, "apr": 4, "maj": 5, "may": 5,
    "juni": 6, "jun": 6, "june": 6, "juli": 7, "jul": 7, "july": 7, "augusti": 8, "aug": 8,
    "august": 8, "september": 9, "sep": 9, "sept": 9, "oktober": 10, "okt": 10,
    "october": 10, "oct": 10, "november": 11, "nov": 11, "december": 12, "dec": 12,
}
_MONTH = "(" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_EXCEL_EPOCH = date(1899, 12, 30)
#: What people write where a date is not known: left empty, with a warning.
NO_DATE = ("tills vidare", "tillsvidare", "löpande", "pågående", "ej fastställt", "ej klart",
           "okänt", "okänd", "ej bestämt", "tbd", "tba", "ongoing", "until further notice")


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _period(text: str) -> tuple[date, date] | None:
    """The first and last day of a period written as text, or None."""
    t = fold(text).replace("–", "-")
    if m := re.fullmatch(r"((?:19|20)\d\d)", t):
        year = int(m.group(1))
        return date(year, 1, 1), date(year, 12, 31)
    if m := re.fullmatch(r"((?:19|20)\d\d)-(\d\d?)", t):
        year, month = int(m.group(1)), int(m.group(2))
        if 1 <= month <= 12:
            return date(year, month, 1), _month_end(year, month)
    if m := re.fullmatch(_MONTH + r"\s+((?:19|20)\d\d)", t):
        year, month = int(m.group(2)), MONTHS[m.group(1)]
        return date(year, month, 1), _month_end(year, month)
    quarter = r"(?:q|kv|kvartal|quarter)\s*([1-4])"
    for pattern in (quarter + r"\s*[-/ ]?\s*((?:19|20)\d\d)",
                    r"((?:19|20)\d\d)\s*[-/ ]?\s*" + quarter):
        if m := re.fullmatch(pattern, t):
            groups = m.groups()
            q, year = (int(groups[0]), int(groups[1])) if pattern.startswith("(?:q") else \
                (int(groups[1]), int(groups[0]))
            return date(year, 3 * q - 2, 1), _month_end(year, 3 * q)
    if m := re.fullmatch(r"(?:t|tertial)\s*([1-3])\s*[-/ ]?\s*((?:19|20)\d\d)", t):
        n, year = int(m.group(1)), int(m.group(2))
        return date(year, 4 * n - 3, 1), _month_end(year, 4 * n)
    term = r"(vt|ht|vår|våren|höst|hösten|spring|autumn|fall)"
    for pattern in (term + r"\s*[-/ ]?\s*((?:19|20)\d\d|\d\d)",
                    r"((?:19|20)\d\d)\s*" + term):
        if m := re.fullmatch(pattern, t):
            a, b = m.groups()
            word, year_text = (a, b) if pattern.startswith("(vt") else (b, a)
            year = int(year_text) + (2000 if len(year_text) == 2 else 0)
            if word in ("vt", "vår", "våren", "spring"):
                return date(year, 1, 1), date(year, 6, 30)
            return date(year, 7, 1), date(year, 12, 31)
    return None


def _exact(text: str) -> date | None:
    t = fold(text)
    try:
        if m := re.fullmatch(r"((?:19|20)\d\d)[-/.](\d\d?)[-/.](\d\d?)(?:[ t].*)?", t):
            return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        if m := re.fullmatch(r"((?:19|20)\d\d)(\d\d)(\d\d)", t):
            return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        if m := re.fullmatch(r"(\d\d?)[/.](\d\d?)[/.]((?:19|20)\d\d)", t):
            return date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
        if m := re.fullmatch(r"(\d\d?)\s+" + _MONTH + r"\s+((?:19|20)\d\d)", t):
            return date(int(m.group(3)), MONTHS[m.group(2)], int(m.group(1)))
    except ValueError:
        return None
    return None


def a_date(cell: Any, *, end: bool = False) -> Value:
    """*cell* as an ``xsd:date``; a period gives its first day, or its last when *end*."""
    if isinstance(cell, datetime):
        return Value(cell.date().isoformat())
    if isinstance(cell, date):
        return Value(cell.isoformat())
    if isinstance(cell, int | float) and not isinstance(cell, bool):
        if 1900 <= cell <= 2100 and float(cell).is_integer():
            cell = str(int(cell))
        elif 20000 <= cell <= 80000:
            return Value((_EXCEL_EPOCH + timedelta(days=int(cell))).isoformat())
    text = cell_text(cell)
    if is_empty(text):
        return Value()
    if fold(text) in NO_DATE:
        return Value("", f"«{text}» är inget datum; fältet lämnas tomt.",
                     f"«{text}» is not a date; the field is left empty.")
    exact = _exact(text)
    if exact:
        return Value(exact.isoformat())
    period = _period(text)
    if period:
        chosen = period[1] if end else period[0]
        which_sv, which_en = ("slut", "end") if end else ("början", "start")
        return Value(chosen.isoformat(),
                     f"«{text}» är inget exakt datum; det avrundas till {chosen.isoformat()} "
                     f"(periodens {which_sv}).",
                     f"«{text}» is not an exact date; it is rounded to {chosen.isoformat()} "
                     f"(the {which_en} of the period).")
    return _error(
        f"«{text}» är inget datum. Skriv till exempel 2026-03-01, 1 mars 2026, mars 2026, "
        "Q3 2026, HT 2026 eller 2026.",
        f"«{text}» is not a date. Write for example 2026-03-01, 1 March 2026, March 2026, "
        "Q3 2026, HT 2026 or 2026.")


# -- the rest -------------------------------------------------------------------------------
YES = ("ja", "j", "x", "✓", "✔", "☑", "yes", "y", "sant", "true", "1", "ok")
NO = ("nej", "n", "no", "falskt", "false", "0", "☐")


def yes_no(cell: Any) -> Value:
    if isinstance(cell, bool):
        return Value("ja" if cell else "nej")
    text = cell_text(cell)
    if fold(text) in ("", "-", "–"):
        return Value()
    if fold(text) in YES:
        return Value("ja")
    if fold(text) in NO:
        return Value("nej")
    return _error(f"«{text}» är varken ja eller nej. Skriv Ja eller Nej (eller X för ja).",
                  f"«{text}» is neither yes nor no. Write Yes or No (or X for yes).")


_EMAIL = re.compile(r"[A-Za-z0-9._%+'-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")


def email(cell: Any) -> Value:
    text = cell_text(cell).removeprefix("mailto:")
    if is_empty(text):
        return Value()
    found = _EMAIL.search(text)
    if found:
        return Value(found.group(0).lower())
    return Value("", f"«{text}» är ingen e-postadress och publiceras inte. Ange en "
                     "funktionsbrevlåda, till exempel digitalisering@kommun.se.",
                 f"«{text}» is not an email address and is not published. Give a functional "
                 "mailbox, for example digitalisering@kommun.se.")


def slug(text: str, limit: int = 60) -> str:
    """``Digital tillsyn i hemtjänsten`` → ``digital-tillsyn-i-hemtjansten``."""
    folded = unicodedata.normalize("NFKD", str(text).casefold())
    ascii_text = "".join(c for c in folded if not unicodedata.combining(c))
    ascii_text = ascii_text.replace("ß", "ss").replace("æ", "ae").replace("ø", "o")
    words = re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")
    if len(words) > limit:
        words = words[:limit].rsplit("-", 1)[0] or words[:limit]
    return words.strip("-")
