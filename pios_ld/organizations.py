"""Sweden's municipalities, regions and national agencies, from the bundled reference data.

``vocab/reference/`` holds the CSV files (public register facts); this module reads them into
:class:`Organization` values and finds one by name, municipality code or organisation number
(DESIGN.md §8: ``ORG``). Region Gotland *is* Gotlands kommun: one organisation with two kinds, so
there are 577 distinct organisations.

:func:`to_rdf` renders them as Turtle (W3C ORG, FOAF, SKOS and the pios terms); the committed
``vocab/organizations.ttl`` is its output, regenerated with::

    python -m pios_ld.organizations --write
"""

from __future__ import annotations

import csv
import io
import re
import sys
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
    ``http://dataportal.se/organisation/SE2120000019`` all find Upplands Väsby kommun. Raises
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
