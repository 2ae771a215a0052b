"""Sweden's municipalities, regions and national agencies, from the bundled reference data.

``vocab/reference/`` holds the CSV files (public register facts); this module reads them into
:class:`Organization` values and finds one by name, municipality code or organisation number
(DESIGN.md §8: ``ORG``). Region Gotland *is* Gotlands kommun: one organisation with two kinds, so
there are 577 distinct organisations.

:func:`match_name` resolves a name as people write it ("Göteborgs Stad", "VGR", "Region
Stockholm", "skatteverket", "212000-1033") to one organisation, or says that it is ambiguous or
unknown and suggests candidates; it never picks one organisation for another. The
abbreviations, short, former and English names it knows are data, in
``vocab/reference/organization_aliases.csv`` (``alias, organisationsnummer, name, kind``; a row
without a number is a well-known organisation that is *not* a reference organisation, such as
SKR, which is then reported as such and never matched). :func:`split_names` splits a list of
names ("Lunds kommun, Region Skåne och MSB") without splitting a name that contains " och " or a
comma.

:func:`to_rdf` renders them as Turtle (W3C ORG, FOAF, SKOS and the pios terms); the committed
``vocab/organizations.ttl`` is its output, regenerated with::

    python -m pios_ld.organizations --write
"""

from __future__ import annotations

import csv
import difflib
import io
import re
import sys
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache

from pios_ld import vocab_paths
from pios_ld.errors import NotFoundError

ORG_IRI_PREFIX = "http://dataportal.se/organisation/SE"

MUNICIPALITY = "municipality"
REGION = "region"
AGENCY = "national-agency"


@dataclass(frozen=True)
class Organization:
    orgnr: str  # ten digits, no hyphen
    name: str
    kinds: tuple[str, ...]
    short_name: str = ""
    municipality_code: str | None = None
    county_code: str | None = None
    county_name: str | None = None
    #: for regions: confirmed | corroborated | pattern-only (how well the number is evidenced)
    evidence_level: str | None = None
    #: other names the organisation goes by (Gotlands kommun is also Region Gotland)
    other_names: tuple[str, ...] = ()

    @property
    def iri(self) -> str:
        return ORG_IRI_PREFIX + self.orgnr

    @property
    def orgnr_formatted(self) -> str:
        return f"{self.orgnr[:6]}-{self.orgnr[6:]}"

    @property
    def kind(self) -> str:
        return self.kinds[0]


def luhn_valid(orgnr: str) -> bool:
    """True when the ten-digit Swedish organisation number passes the Luhn check."""
    if not re.fullmatch(r"\d{10}", orgnr):
        return False
    total = 0
    for i, ch in enumerate(orgnr):
        d = int(ch) * (2 if i % 2 == 0 else 1)
        total += d - 9 if d > 9 else d
    return total % 10 == 0


def _rows(name: str) -> list[dict[str, str]]:
    text = (vocab_paths.REFERENCE / name).read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text)))


@lru_cache(maxsize=1)
def load() -> tuple[Organization, ...]:
    """All distinct organisations: municipalities, then regions, then national agencies."""
    by_nr: dict[str, Organization] = {}
    for row in _rows("sweden_municipalities_290.csv"):
        by_nr[row["organisationsnummer"]] = Organization(
            orgnr=row["organisationsnummer"], name=row["kommunnamn"], kinds=(MUNICIPALITY,),
            short_name=row["kortnamn"], municipality_code=row["kommunkod"],
            county_code=row["lanskod"], county_name=row["lansnamn"],
        )
    for row in _rows("sweden_regions_21.csv"):
        nr = row["organisationsnummer"]
        existing = by_nr.get(nr)
        if existing:  # Region Gotland is Gotlands kommun
            by_nr[nr] = Organization(
                orgnr=nr, name=existing.name, kinds=existing.kinds + (REGION,),
                short_name=existing.short_name, municipality_code=existing.municipality_code,
                county_code=existing.county_code, county_name=existing.county_name,
                evidence_level=row["orgnr_evidence_level"], other_names=(row["regionnamn"],),
            )
            continue
        by_nr[nr] = Organization(
            orgnr=nr, name=row["regionnamn"], kinds=(REGION,), short_name=row["regionnamn"],
            county_code=row["lanskod"], county_name=row["lansnamn"],
            evidence_level=row["orgnr_evidence_level"],
        )
    for row in _rows("sweden_agencies.csv"):
        nr = row["organisationsnummer"]
        if nr not in by_nr:
            by_nr[nr] = Organization(orgnr=nr, name=row["name"], kinds=(AGENCY,),
                                     short_name=row["name"])
    return tuple(by_nr.values())


@lru_cache(maxsize=1)
def _index() -> dict[str, Organization]:
    index: dict[str, Organization] = {}
    for org in load():
        index[org.orgnr] = org
        index[org.iri] = org
        if org.municipality_code:
            index[org.municipality_code] = org
    return index


def by_iri(iri: str) -> Organization | None:
    return _index().get(iri)


def find(query: str) -> Organization:
    """Find one organisation by name, municipality code, organisation number or IRI.

    ``0114``, ``212000-0019``, ``2120000019``, ``Upplands Väsby``, ``upplands väsby kommun`` and
    ``http://dataportal.se/organisation/SE2120000019`` all find Upplands Väsby kommun; a name
    as people write it (:func:`match_name`: "Göteborgs Stad", "VGR") works too. Raises
    :class:`NotFoundError` naming near matches when the query is unknown or ambiguous.
    """
    text = query.strip()
    digits = text.replace("-", "").replace(" ", "")
    if digits.upper().startswith("SE") and digits[2:].isdigit():
        digits = digits[2:]
    index = _index()
    for key in (text, digits):
        if key in index:
            return index[key]
    wanted = _fold(text)
    exact = [o for o in load()
             if wanted in (_fold(o.name), _fold(o.short_name), *map(_fold, o.other_names))]
    if len(exact) == 1:
        return exact[0]
    partial = exact or [o for o in load() if wanted and wanted in _fold(o.name)]
    if len(partial) == 1:
        return partial[0]
    if not partial:
        written = match_name(text)   # as people write it: "Göteborgs Stad", "VGR"
        if written.organization is not None:
            return written.organization
        partial = list(written.candidates) if written.ambiguous else []
    if partial:
        names = ", ".join(f"{o.name} ({o.orgnr_formatted})" for o in partial[:8])
        raise NotFoundError(
            f"{query!r} matches several organisations: {names}. Use the organisation number.",
            f"{query!r} matchar flera organisationer: {names}. Ange organisationsnumret.",
        )
    raise NotFoundError(
        f"No organisation {query!r} among Sweden's municipalities, regions and national agencies. "
        "Give a name, a municipality code (0114) or an organisation number (212000-0019).",
        f"Ingen organisation {query!r} bland Sveriges kommuner, regioner och statliga myndigheter. "
        "Ange namn, kommunkod (0114) eller organisationsnummer (212000-0019).",
    )


def _fold(text: str) -> str:
    return " ".join(text.casefold().split())


# --------------------------------------------------------------------------------------------
# Names as people write them
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class NameMatch:
    """What a written name resolves to.

    ``organization`` is set only when the text names exactly one reference organisation;
    otherwise ``candidates`` holds the organisations it may mean (``ambiguous``) or the nearest
    names (suggestions for an unknown or misspelt one, possibly none). ``outside`` names a
    well-known organisation that is not a reference organisation (SKR).
    """

    text: str
    organization: Organization | None
    candidates: tuple[Organization, ...] = ()
    ambiguous: bool = False
    outside: str = ""

    @property
    def message_sv(self) -> str:
        """Why the text names no organisation, and what to write instead ("" when it does)."""
        if self.organization is not None:
            return ""
        names = ", ".join(o.name for o in self.candidates)
        if self.ambiguous:
            return (f"«{self.text}» kan vara flera organisationer: {names}. Skriv hela namnet "
                    "eller organisationsnumret.")
        if self.outside:
            return (f"«{self.text}» ({self.outside}) finns inte bland referensorganisationerna "
                    "(kommuner, regioner och statliga myndigheter). Ange en länk (IRI) till "
                    "organisationen om den ska vara med.")
        hint = f" Menade du {names}?" if names else ""
        return (f"«{self.text}» finns inte bland Sveriges kommuner, regioner och statliga "
                f"myndigheter.{hint} Skriv namnet som i registret, organisationsnumret eller en "
                "länk (IRI) till organisationen.")

    @property
    def message_en(self) -> str:
        if self.organization is not None:
            return ""
        names = ", ".join(o.name for o in self.candidates)
        if self.ambiguous:
            return (f"“{self.text}” could be several organisations: {names}. Write the full name "
                    "or the organisation number.")
        if self.outside:
            return (f"“{self.text}” ({self.outside}) is not among the reference organisations "
                    "(municipalities, regions and national agencies). Give a link (IRI) to the "
                    "organisation if it should be included.")
        hint = f" Did you mean {names}?" if names else ""
        return (f"“{self.text}” is not among Sweden's municipalities, regions and national "
                f"agencies.{hint} Write the registered name, the organisation number or a link "
                "(IRI) to the organisation.")

    def message(self, lang: str) -> str:
        return self.message_en if lang == "en" else self.message_sv


_PUNCTUATION = re.compile(r"[\-\u2010-\u2015.,:;'’´`\"()/&]+")
_MUNICIPAL_SUFFIX = re.compile(r"(.+?) (?:kommun|kommunen|kommuns|stad|staden|stads)")
_REGIONAL = (re.compile(r"(?:region|regionen|landstinget i|landstinget) (.+)"),
             re.compile(r"(.+?) (?:läns landsting|landsting|regionen|region)"))
_COUNTY_BOARD = re.compile(r"länsstyrelsen (?:i )?(.+)")
_REMARK = re.compile(r"\s*\([^)]*\)")
_ORGNR_INSIDE = re.compile(r"(?<!\d)(\d{6})[-\u2010-\u2013 ]?(\d{4})(?!\d)")
_SUGGESTION_STOPWORDS = {"kommun", "kommunen", "stad", "staden", "region", "regionen", "i",
                         "för", "och", "av", "the", "of"}
MAX_SUGGESTIONS = 5


def _key(text: str) -> str:
    """A name folded for comparison: case, width, hyphens and punctuation do not matter."""
    text = _PUNCTUATION.sub(" ", unicodedata.normalize("NFKC", text).casefold())
    return " ".join(text.split())


def _ascii(key: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", key) if not unicodedata.combining(c))


def _without_genitive(key: str) -> str:
    return key[:-1] if key.endswith("s") and len(key) > 3 else key


@dataclass(frozen=True)
class _Alias:
    alias: str
    orgnr: str
    name: str
    kind: str


@lru_cache(maxsize=1)
def aliases() -> tuple[_Alias, ...]:
    """The rows of ``vocab/reference/organization_aliases.csv``."""
    text = vocab_paths.ORGANIZATION_ALIASES.read_text(encoding="utf-8")
    return tuple(_Alias(r["alias"], r["organisationsnummer"], r["name"], r["kind"])
                 for r in csv.DictReader(io.StringIO(text)))


@dataclass(frozen=True)
class _Names:
    """Folded name → organisation numbers, in the indexes the matching rules look in."""

    full: dict[str, frozenset[str]]      # names, short names, other names, aliases
    municipal: dict[str, frozenset[str]]  # "göteborg", "göteborgs" (before kommun/stad)
    regional: dict[str, frozenset[str]]   # "stockholm", "jönköping", "västra götaland"
    county_board: dict[str, frozenset[str]]  # "stockholm", "stockholms län" → Länsstyrelsen
    places: dict[str, frozenset[str]]     # a bare place name: municipality, region, county
    outside: dict[str, str]               # known names of organisations outside the reference


def _add(index: dict[str, set[str]], key: str, orgnr: str) -> None:
    if key:
        index.setdefault(key, set()).add(orgnr)


def _build(fold: Callable[[str], str]) -> _Names:
    full: dict[str, set[str]] = {}
    municipal: dict[str, set[str]] = {}
    regional: dict[str, set[str]] = {}
    board: dict[str, set[str]] = {}
    places: dict[str, set[str]] = {}
    outside: dict[str, str] = {}
    by_nr = {o.orgnr: o for o in load()}
    for org in load():
        for name in (org.name, org.short_name, *org.other_names):
            _add(full, fold(_key(name)), org.orgnr)
        if MUNICIPALITY in org.kinds:
            base = fold(_key(org.name.removesuffix(" kommun")))
            for key in (fold(_key(org.short_name)), base):
                _add(municipal, key, org.orgnr)
                _add(places, key, org.orgnr)
        if REGION in org.kinds:
            for name in (org.name, *org.other_names):
                key = fold(_key(name))
                match = _REGIONAL[0].fullmatch(key) or _REGIONAL[1].fullmatch(key) or \
                    re.fullmatch(r"(.+?s)regionen", key)      # Västra Götalandsregionen
                if match:
                    place = match.group(1)
                    for variant in {place, place.removesuffix(" län"),
                                    _without_genitive(place.removesuffix(" län"))}:
                        _add(regional, variant, org.orgnr)
                        _add(places, variant, org.orgnr)
        if org.county_name and REGION in org.kinds:
            county = fold(_key(org.county_name))
            _add(regional, county, org.orgnr)
            _add(places, county, org.orgnr)
        if org.name.startswith("Länsstyrelsen i "):
            county = fold(_key(org.name.removeprefix("Länsstyrelsen i ")))
            place = county.removesuffix(" län")
            for variant in (county, place, _without_genitive(place)):
                _add(board, variant, org.orgnr)
            _add(places, county, org.orgnr)
    for row in aliases():
        key = fold(_key(row.alias))
        if row.orgnr:
            _add(full, key, row.orgnr)
            if MUNICIPALITY in by_nr[row.orgnr].kinds:
                _add(municipal, key, row.orgnr)
        else:
            outside[key] = row.name
    freeze = lambda index: {k: frozenset(v) for k, v in index.items()}  # noqa: E731
    return _Names(freeze(full), freeze(municipal), freeze(regional), freeze(board),
                  freeze(places), outside)


@lru_cache(maxsize=1)
def _names() -> tuple[_Names, _Names]:
    """The indexes with diacritics, and folded to ASCII (the fallback: "Goteborgs stad")."""
    return _build(lambda k: k), _build(_ascii)


def _lookup(key: str, names: _Names) -> frozenset[str] | str:
    """The organisation numbers *key* names by the first rule that applies (or an outside name)."""
    if key in names.full:  # "Stockholm" is a municipality's short name and the region's place
        return names.full[key] | names.places.get(key, frozenset())
    if key in names.outside:
        return names.outside[key]
    match = _MUNICIPAL_SUFFIX.fullmatch(key)
    if match:
        base = match.group(1)
        return names.municipal.get(base) or names.municipal.get(_without_genitive(base),
                                                                frozenset())
    match = _COUNTY_BOARD.fullmatch(key)
    if match:
        place = match.group(1)
        return names.county_board.get(place) or names.county_board.get(
            _without_genitive(place), frozenset())
    for pattern in _REGIONAL:
        match = pattern.fullmatch(key)
        if match:
            place = match.group(1)
            for variant in (place, place.removesuffix(" län"),
                            _without_genitive(place.removesuffix(" län"))):
                if variant in names.regional:
                    return names.regional[variant]
            return frozenset()
    return names.places.get(key, frozenset())


def _identified(text: str) -> Organization | None:
    """The organisation *text* names by IRI, organisation number or municipality code."""
    index = _index()
    plain = text.strip()
    digits = re.sub(r"[\s\-\u2010-\u2013]", "", plain)
    if digits[:2].upper() == "SE" and digits[2:].isdigit():
        digits = digits[2:]
    return index.get(plain) or (index.get(digits) if digits.isdigit() else None)


@lru_cache(maxsize=8192)
def _resolve(text: str) -> tuple[tuple[str, ...], str]:
    """(organisation numbers, outside name) for *text*, without suggestions."""
    found = _identified(text)
    if found:
        return (found.orgnr,), ""
    by_number = None
    inside = _ORGNR_INSIDE.search(text)
    if inside:  # "Vellinge kommun (212000-1033)"
        by_number = _index().get(inside.group(1) + inside.group(2))
        text = (text[:inside.start()] + text[inside.end():])
    exact, folded = _names()
    result: frozenset[str] | str = frozenset()
    for attempt in (text, _REMARK.sub(" ", text)):   # "Region Skåne (medfinansiär)"
        key = _key(attempt)
        if key:
            result = _lookup(key, exact) or _lookup(_ascii(key), folded)
        if result or "(" not in text:
            break
    if by_number is not None:
        if isinstance(result, str) or not result or result == {by_number.orgnr}:
            return (by_number.orgnr,), ""
        return tuple(sorted({by_number.orgnr, *result})), ""   # name and number disagree
    if isinstance(result, str):
        return (), result
    return tuple(sorted(result)), ""


def _order(orgnrs: Iterable[str]) -> tuple[Organization, ...]:
    by_nr = {o.orgnr: i for i, o in enumerate(load())}
    return tuple(sorted((_index()[n] for n in orgnrs), key=lambda o: by_nr[o.orgnr]))


@lru_cache(maxsize=1)
def _suggestion_keys() -> tuple[dict[str, frozenset[str]], tuple[tuple[str, str], ...]]:
    """Every full name key, and per organisation the words of its names (with ASCII forms)."""
    exact, _ = _names()
    words: dict[str, set[str]] = {}
    for key, orgnrs in exact.full.items():
        for orgnr in orgnrs:
            words.setdefault(orgnr, set()).update(key.split())
    joined = tuple((orgnr, " " + " ".join(sorted(w | {_ascii(x) for x in w})))
                   for orgnr, w in words.items())
    return exact.full, joined


def _suggest(text: str) -> tuple[Organization, ...]:
    """The nearest organisations to an unknown name: every word a word's start, or close."""
    key = _key(text)
    if not key:
        return ()
    full, org_words = _suggestion_keys()
    wanted = [" " + _ascii(w) for w in key.split()
              if w not in _SUGGESTION_STOPWORDS and len(w) >= 3]
    found: list[str] = []
    if wanted:
        found = [orgnr for orgnr, words in org_words if all(part in words for part in wanted)]
    if not found and len(wanted) > 1:   # "Trafikverket Region Väst": the best partial matches
        scored = sorted(((sum(len(p) for p in wanted if p in words), orgnr)
                         for orgnr, words in org_words), reverse=True)
        best = scored[0][0] if scored else 0
        found = [orgnr for score, orgnr in scored[:MAX_SUGGESTIONS]
                 if score >= 6 and score == best]
    for close in difflib.get_close_matches(key, list(full), n=MAX_SUGGESTIONS, cutoff=0.8):
        found += sorted(full[close])
    return _order(dict.fromkeys(found))[:MAX_SUGGESTIONS] if found else ()


@lru_cache(maxsize=4096)
def match_name(text: str) -> NameMatch:
    """The reference organisation *text* names, as people write it; see the module docstring.

    An IRI, organisation number (``212000-1033``, ``SE2120001033``) or municipality code
    (``1233``) names its organisation. A name is compared without regard to case, hyphens,
    punctuation and (as a fallback) diacritics; "kommun", "kommunen", "stad" and a genitive -s
    after a municipality's name, "Region"/"Landstinget" around a county's, and the aliases table
    are understood. A text that names several organisations ("Stockholm": the municipality or
    the region) is ambiguous and names none.
    """
    text = " ".join(str(text or "").split())
    orgnrs, outside = _resolve(text)
    if len(orgnrs) == 1:
        return NameMatch(text, _index()[orgnrs[0]])
    if orgnrs:
        return NameMatch(text, None, _order(orgnrs), ambiguous=True)
    if outside:
        return NameMatch(text, None, (), outside=outside)
    return NameMatch(text, None, _suggest(text))


_LIST_SEPARATOR = re.compile(r"(\s*[,;\r\n]+\s*|\s+(?:och|samt)\s+)", re.IGNORECASE)
_MAX_NAME_PARTS = 6


@lru_cache(maxsize=8192)
def _known(text: str) -> bool:
    """Whether *text* is the name of one organisation (numbers and links do not count: a list of
    links must not join into one because the first holds an organisation number)."""
    key = _key(text)
    if not key or any(c.isdigit() for c in key):
        return False
    exact, folded = _names()
    result = _lookup(key, exact) or _lookup(_ascii(key), folded)
    return bool(result) and (isinstance(result, str) or len(result) == 1)


def split_names(text: str) -> list[str]:
    """The names in a list as people write it: "Lunds kommun, Region Skåne och MSB".

    Names are separated by commas, semicolons, line breaks, " och " and " samt ", never by
    spaces. A separator inside a known name stays ("Forskningsrådet för hälsa, arbetsliv och
    välfärd", "Sveriges Kommuner och Regioner"), as does " och " after a hyphen ("Hälso- och
    sjukvårdsnämnden") and " och " before a lowercase word when neither side is a known name
    ("Kultur och fritid"). Leading bullets and trailing full stops are dropped.
    """
    parts = _LIST_SEPARATOR.split(str(text or ""))
    pieces, separators = parts[0::2], parts[1::2]

    def joined(i: int, j: int) -> str:
        out = pieces[i]
        for k in range(i, j):
            out += separators[k] + pieces[k + 1]
        return out

    def continues(i: int, j: int) -> bool:   # does piece j+1 belong to the name pieces[i..j]?
        left, right = pieces[j].rstrip(), pieces[j + 1].strip()
        if not left or not right:
            return False
        if left.endswith(("-", "\u2010", "\u2011")):
            return True
        return (separators[j].strip().casefold() in ("och", "samt") and right[0].islower()
                and not _known(joined(i, j)) and not _known(right))

    names: list[str] = []
    i = 0
    while i < len(pieces):
        end = i
        for j in range(min(len(pieces) - 1, i + _MAX_NAME_PARTS), i, -1):
            if all(p.strip() for p in pieces[i:j + 1]) and _known(joined(i, j)):
                end = j
                break
        else:
            while end + 1 < len(pieces) and continues(i, end):
                end += 1
        name = " ".join(joined(i, end).split()).lstrip("-–•*·▪ ").rstrip(". ").strip()
        if name:
            names.append(name)
        i = end + 1
    return names


# --------------------------------------------------------------------------------------------
# RDF rendering
# --------------------------------------------------------------------------------------------
ORG_TYPE_SCHEME = "https://w3id.org/pios/concept/organization-type/"

_TURTLE_HEADER = """\
# Sweden's municipalities, regions and national agencies: 577 distinct organisations.
# Generated from vocab/reference/*.csv by pios_ld.organizations; do not edit by hand.
# Regenerate with: python -m pios_ld.organizations --write

@prefix dct:     <http://purl.org/dc/terms/> .
@prefix foaf:    <http://xmlns.com/foaf/0.1/> .
@prefix org:     <http://www.w3.org/ns/org#> .
@prefix pios:    <https://w3id.org/pios/vocab#> .
@prefix skos:    <http://www.w3.org/2004/02/skos/core#> .
@prefix orgtype: <https://w3id.org/pios/concept/organization-type/> .
"""


def _literal(text: str, lang: str | None = None) -> str:
    escaped = (text.replace("\\", "\\\\").replace('"', '\\"')
               .replace("\n", "\\n").replace("\r", "\\r"))
    return f'"{escaped}"@{lang}' if lang else f'"{escaped}"'


def organization_turtle(org: Organization) -> str:
    """One organisation as a Turtle block (subject, then its properties, one per line)."""
    lines = [
        "a org:Organization, foaf:Organization",
        f"skos:prefLabel {_literal(org.name, 'sv')}",
        f"foaf:name {_literal(org.name, 'sv')}",
    ]
    alternatives = sorted({n for n in (org.short_name, *org.other_names) if n and n != org.name})
    if alternatives:
        lines.append("skos:altLabel " + ", ".join(_literal(n, "sv") for n in alternatives))
    lines += [
        f"dct:identifier {_literal(org.orgnr)}",
        f"pios:organizationNumber {_literal(org.orgnr_formatted)}",
        "pios:organizationType " + ", ".join(f"orgtype:{kind}" for kind in org.kinds),
    ]
    if org.municipality_code:
        lines.append(f"pios:municipalityCode {_literal(org.municipality_code)}")
    if org.county_code:
        lines.append(f"pios:countyCode {_literal(org.county_code)}")
    if org.county_name:
        lines.append(f"pios:countyName {_literal(org.county_name, 'sv')}")
    if org.evidence_level:
        lines.append(f"pios:orgnrEvidenceLevel {_literal(org.evidence_level)}")
    body = " ;\n    ".join(lines)
    return f"<{org.iri}>\n    {body} .\n"


def to_rdf() -> str:
    """All reference organisations as Turtle, sorted by organisation number (deterministic)."""
    blocks = [organization_turtle(o) for o in sorted(load(), key=lambda o: o.orgnr)]
    return _TURTLE_HEADER + "\n" + "\n".join(blocks)


def main(argv: list[str] | None = None) -> int:
    """``python -m pios_ld.organizations [--write]``: print (or write) ``organizations.ttl``."""
    args = sys.argv[1:] if argv is None else argv
    text = to_rdf()
    if "--write" in args:
        target = vocab_paths.ORGANIZATIONS
        with open(str(target), "w", encoding="utf-8", newline="\n") as out:
            out.write(text)
        print(f"wrote {target}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
