"""The reference organisations: lookup, and their RDF rendering in vocab/organizations.ttl."""

from __future__ import annotations

import subprocess
import sys

import pytest
import rdflib
from rdflib import RDF, URIRef
from rdflib.compare import to_isomorphic

from pios_ld import organizations, vocab_paths
from pios_ld.errors import NotFoundError

PIOS = rdflib.Namespace("https://w3id.org/pios/vocab#")
ORG = rdflib.Namespace("http://www.w3.org/ns/org#")
FOAF = rdflib.Namespace("http://xmlns.com/foaf/0.1/")
DCT = rdflib.Namespace("http://purl.org/dc/terms/")
ORGTYPE = "https://w3id.org/pios/concept/organization-type/"


@pytest.fixture(scope="module")
def committed() -> rdflib.Graph:
    return rdflib.Graph().parse(str(vocab_paths.ORGANIZATIONS), format="turtle")


def test_reference_data_has_577_distinct_luhn_valid_organisations():
    orgs = organizations.load()
    assert len({o.orgnr for o in orgs}) == len(orgs) == 577
    assert all(organizations.luhn_valid(o.orgnr) for o in orgs)
    kinds = [k for o in orgs for k in o.kinds]
    assert (kinds.count("municipality"), kinds.count("region"), kinds.count("national-agency")) \
        == (290, 21, 267)


def test_luhn_check_rejects_a_changed_digit_and_a_wrong_length():
    assert organizations.luhn_valid("2120001033")
    assert not organizations.luhn_valid("2120001034")
    assert not organizations.luhn_valid("212000103")
    assert not organizations.luhn_valid("212000-1033")


@pytest.mark.parametrize("query", ["1233", "212000-1033", "2120001033", "Vellinge",
                                   "vellinge kommun",
                                   "http://dataportal.se/organisation/SE2120001033"])
def test_find_vellinge_by_code_number_name_or_iri(query):
    assert organizations.find(query).name == "Vellinge kommun"


@pytest.mark.parametrize(("query", "name"), [("Göteborgs Stad", "Göteborgs kommun"),
                                             ("VGR", "Västra Götalandsregionen"),
                                             ("Stockholm", "Stockholms kommun")])  # as before
def test_find_takes_names_as_people_write_them_and_keeps_its_old_answers(query, name):
    assert organizations.find(query).name == name


def test_find_unknown_organisation_explains_in_both_languages():
    with pytest.raises(NotFoundError) as info:
        organizations.find("Ankeborgs kommun")
    assert "organisation number" in info.value.message
    assert "organisationsnummer" in info.value.message_sv


def test_committed_organisations_file_equals_a_fresh_generation(committed):
    fresh = rdflib.Graph().parse(data=organizations.to_rdf(), format="turtle")
    assert to_isomorphic(fresh) == to_isomorphic(committed), (
        "vocab/organizations.ttl is stale: run python -m pios_ld.organizations --write")


def test_generation_is_deterministic():
    assert organizations.to_rdf() == organizations.to_rdf()


def test_organisations_file_has_577_organisations_with_valid_numbers(committed):
    subjects = set(committed.subjects(RDF.type, ORG.Organization))
    assert len(subjects) == 577
    for subject in subjects:
        orgnr = str(committed.value(subject, DCT.identifier))
        assert str(subject) == organizations.ORG_IRI_PREFIX + orgnr
        assert organizations.luhn_valid(orgnr), subject
        assert str(committed.value(subject, PIOS.organizationNumber)) == \
            f"{orgnr[:6]}-{orgnr[6:]}"
        assert (subject, RDF.type, FOAF.Organization) in committed
        assert committed.value(subject, FOAF.name).language == "sv"


def test_gotland_is_one_organisation_that_is_both_municipality_and_region(committed):
    gotland = URIRef("http://dataportal.se/organisation/SE2120000803")
    types = {str(t).removeprefix(ORGTYPE)
             for t in committed.objects(gotland, PIOS.organizationType)}
    assert types == {"municipality", "region"}
    assert str(committed.value(gotland, PIOS.municipalityCode)) == "0980"
    assert str(committed.value(gotland, PIOS.orgnrEvidenceLevel)) == "confirmed"


def test_municipalities_and_regions_carry_codes_and_county(committed):
    vellinge = URIRef("http://dataportal.se/organisation/SE2120001033")
    assert str(committed.value(vellinge, PIOS.municipalityCode)) == "1233"
    assert str(committed.value(vellinge, PIOS.countyCode)) == "12"
    assert str(committed.value(vellinge, PIOS.countyName)) == "Skåne län"
    skane = URIRef("http://dataportal.se/organisation/SE2321000255")
    assert str(committed.value(skane, PIOS.countyCode)) == "12"
    assert committed.value(skane, PIOS.municipalityCode) is None


def test_every_region_keeps_its_evidence_level_so_pattern_only_numbers_stay_marked(committed):
    regions = set(committed.subjects(PIOS.organizationType, URIRef(ORGTYPE + "region")))
    assert len(regions) == 21
    levels = [str(committed.value(r, PIOS.orgnrEvidenceLevel)) for r in regions]
    assert set(levels) <= {"confirmed", "corroborated", "pattern-only"}
    assert levels.count("pattern-only") == 6
    agencies = committed.subjects(PIOS.organizationType, URIRef(ORGTYPE + "national-agency"))
    assert all(committed.value(a, PIOS.orgnrEvidenceLevel) is None for a in agencies)


def test_module_prints_the_turtle_on_stdout():
    done = subprocess.run([sys.executable, "-m", "pios_ld.organizations"], capture_output=True,
                          text=True, encoding="utf-8", timeout=60, check=True)
    assert done.stdout == organizations.to_rdf()


# --------------------------------------------------------------------------------------------
# Names as people write them
# --------------------------------------------------------------------------------------------
STOCKHOLMS_KOMMUN, REGION_STOCKHOLM = "2120000142", "2321000016"

#: text → the organisation number it must name (as people write partners in sheets and forms)
NAMED = [
    ("Göteborgs Stad", "2120001355"), ("Göteborg", "2120001355"), ("GÖTEBORGS STAD", "2120001355"),
    ("göteborgs kommun", "2120001355"), ("Goteborgs stad", "2120001355"),
    ("City of Gothenburg", "2120001355"), ("Gbg", "2120001355"),
    ("Region Stockholm", REGION_STOCKHOLM), ("region stockholm", REGION_STOCKHOLM),
    ("Stockholms läns landsting", REGION_STOCKHOLM), ("SLL", REGION_STOCKHOLM),
    ("Stockholms stad", STOCKHOLMS_KOMMUN), ("Stockholms kommun", STOCKHOLMS_KOMMUN),
    ("Sthlm stad", STOCKHOLMS_KOMMUN), ("Stockholm stad", STOCKHOLMS_KOMMUN),
    ("Lunds universitet", "2021003211"), ("Lund University", "2021003211"),
    ("Lunds kommun", "2120001132"), ("Lund", "2120001132"),
    ("VGR", "2321000131"), ("Västra Götalandsregionen", "2321000131"),
    ("Region Västra Götaland", "2321000131"), ("Västra Götalands regionen", "2321000131"),
    ("Region Skåne (medfinansiär)", "2321000255"),   # a remark in brackets
    ("Skatteverket", "2021005448"), ("skatteverket", "2021005448"),
    ("Malmö stad", "2120001124"), ("Malmö Stad", "2120001124"),
    ("Region Skåne", "2321000255"), ("Skåne", "2321000255"),
    ("Region Jönköping", "2321000057"), ("Landstinget i Värmland", "2321000156"),
    ("Region Gotland", "2120000803"), ("Gotland", "2120000803"),
    ("Upplands Bro", "2120000100"), ("Upplands-Bro kommun", "2120000100"),
    ("Falun", "2120002221"), ("Falu kommun", "2120002221"),
    ("Vellinge kommun", "2120001033"), ("212000-1033", "2120001033"), ("2120001033", "2120001033"),
    ("SE2120001033", "2120001033"), ("1233", "2120001033"),
    ("http://dataportal.se/organisation/SE2120001033", "2120001033"),
    ("Vellinge kommun (212000-1033)", "2120001033"),
    ("MSB", "2021005984"), ("Myndigheten för samhällsskydd och beredskap", "2021005984"),
    ("DIGG", "2021006883"), ("KTH", "2021003054"), ("Kungliga Tekniska högskolan", "2021003054"),
    ("Kungl. Tekniska högskolan", "2021003054"), ("Forte", "2021005240"),
    ("Skolverket", "2021004185"), ("Polisen", "2021000076"),
    ("Länsstyrelsen Skåne", "2021002346"), ("Länsstyrelsen i Skåne län", "2021002346"),
]


@pytest.mark.parametrize(("text", "orgnr"), NAMED)
def test_match_name_finds_the_organisation_as_people_write_it(text, orgnr):
    found = organizations.match_name(text)
    assert found.organization is not None, found.message_en
    assert found.organization.orgnr == orgnr, found.organization.name
    assert found.message_sv == found.message_en == ""


def test_region_stockholm_never_becomes_stockholms_kommun():
    assert organizations.match_name("Region Stockholm").organization.orgnr == REGION_STOCKHOLM
    assert organizations.match_name("Stockholms stad").organization.orgnr == STOCKHOLMS_KOMMUN


#: text → the organisations it could mean: ambiguous, so it names none of them
AMBIGUOUS = [
    ("Stockholm", {STOCKHOLMS_KOMMUN, REGION_STOCKHOLM}),
    ("stockholm", {STOCKHOLMS_KOMMUN, REGION_STOCKHOLM}),
    ("Uppsala", {"2120003005", "2321000024"}),
    ("Stockholms län", {REGION_STOCKHOLM, "2021002247"}),          # the region, the county board
    ("Lunds kommun (212000-1033)", {"2120001132", "2120001033"}),  # the name and number disagree
]


@pytest.mark.parametrize(("text", "orgnrs"), AMBIGUOUS)
def test_an_ambiguous_name_gives_candidates_and_no_organisation(text, orgnrs):
    found = organizations.match_name(text)
    assert found.organization is None
    assert found.ambiguous
    assert {o.orgnr for o in found.candidates} == orgnrs
    for candidate in found.candidates:
        assert candidate.name in found.message_sv and candidate.name in found.message_en
    assert "flera" in found.message_sv and "several" in found.message_en


#: text → a suggestion it must offer; never an organisation
UNKNOWN = [
    ("Lunds univ", "Lunds universitet"),
    ("Skatteverk", "Skatteverket"),
    ("Region Stockhlom", "Region Stockholm"),
    ("Göteborgs universitetet", "Göteborgs universitet"),
    ("Trafikverket Region Väst", "Trafikverket"),     # a part of an agency: the agency
    # a real committee of a region, which is not a reference organisation: a name that shares
    # words with an agency is a suggestion, never a match
    ("Hälso- och sjukvårdsnämnden", "Hälso- och sjukvårdens ansvarsnämnd"),
]


@pytest.mark.parametrize(("text", "suggestion"), UNKNOWN)
def test_an_unknown_name_names_no_organisation_and_suggests_the_nearest(text, suggestion):
    found = organizations.match_name(text)
    assert found.organization is None and not found.ambiguous
    assert suggestion in [o.name for o in found.candidates]
    assert len(found.candidates) <= organizations.MAX_SUGGESTIONS
    assert "Menade du" in found.message_sv and suggestion in found.message_sv
    assert suggestion in found.message_en


@pytest.mark.parametrize("text", ["SKR", "Sveriges Kommuner och Regioner", "skr"])
def test_skr_is_not_a_reference_organisation_and_is_reported_as_such(text):
    found = organizations.match_name(text)
    assert found.organization is None and not found.ambiguous
    assert found.outside == "Sveriges Kommuner och Regioner"
    assert "referensorganisationerna" in found.message_sv
    assert "reference organisations" in found.message_en


@pytest.mark.parametrize("text", ["Ankeborgs kommun", "Kommunen", "", "Region Atlantis"])
def test_a_name_of_no_organisation_is_unknown_with_a_message(text):
    found = organizations.match_name(text)
    assert found.organization is None and not found.ambiguous
    assert found.message_sv and found.message_en


def test_every_reference_organisation_is_found_by_its_own_name_number_and_iri():
    for org in organizations.load():
        for text in (org.name, *org.other_names, org.orgnr, org.orgnr_formatted, org.iri):
            assert organizations.match_name(text).organization is org, text
        short = organizations.match_name(org.short_name)
        assert short.organization is org or (short.ambiguous and org in short.candidates)


def test_alias_table_rows_name_the_organisation_they_say():
    names = {o.orgnr: o.name for o in organizations.load()}
    rows = organizations.aliases()
    assert len({organizations._key(r.alias) for r in rows}) == len(rows), "an alias is repeated"
    for row in rows:
        assert row.kind in {"abbreviation", "short-form", "former-name", "english",
                            "not-a-reference-organisation"}, row
        if row.kind == "not-a-reference-organisation":
            assert not row.orgnr and organizations.match_name(row.alias).outside == row.name
        else:
            assert names[row.orgnr] == row.name, row
            assert organizations.match_name(row.alias).organization.orgnr == row.orgnr, row


def test_alias_table_lies_with_the_reference_data_that_the_wheel_ships():
    assert vocab_paths.ORGANIZATION_ALIASES.name == "organization_aliases.csv"
    assert vocab_paths.ORGANIZATION_ALIASES.is_file()
    assert (vocab_paths.REFERENCE / vocab_paths.ORGANIZATION_ALIASES.name).is_file()


#: a cell as people write it → the names in it
LISTS = [
    ("Lunds kommun, Region Skåne och MSB", ["Lunds kommun", "Region Skåne", "MSB"]),
    ("Göteborgs Stad; VGR", ["Göteborgs Stad", "VGR"]),
    ("Region Stockholm\nStockholms stad", ["Region Stockholm", "Stockholms stad"]),
    ("göteborgs stad och region skåne", ["göteborgs stad", "region skåne"]),
    ("Malmö stad samt Lunds kommun", ["Malmö stad", "Lunds kommun"]),
    ("- Malmö stad\n- Lunds kommun.", ["Malmö stad", "Lunds kommun"]),
    ("Upplands Väsby kommun", ["Upplands Väsby kommun"]),               # never on spaces
    ("Myndigheten för samhällsskydd och beredskap",
     ["Myndigheten för samhällsskydd och beredskap"]),
    ("Forskningsrådet för hälsa, arbetsliv och välfärd; VGR",
     ["Forskningsrådet för hälsa, arbetsliv och välfärd", "VGR"]),
    ("Hälso- och sjukvårdsnämnden och Region Skåne",
     ["Hälso- och sjukvårdsnämnden", "Region Skåne"]),
    ("Sveriges Kommuner och Regioner och Göteborgs Stad",
     ["Sveriges Kommuner och Regioner", "Göteborgs Stad"]),
    ("Kultur och fritid", ["Kultur och fritid"]),  # a department's name, not two names
    ("Skatteverket,, ;", ["Skatteverket"]),
    # links, one per line, as the import hands them on: never joined into one
    ("http://dataportal.se/organisation/SE2120000183\nhttp://dataportal.se/organisation/"
     "SE2120000191", ["http://dataportal.se/organisation/SE2120000183",
                      "http://dataportal.se/organisation/SE2120000191"]),
    ("212000-1033, 212000-1132", ["212000-1033", "212000-1132"]),
    ("", []),
]


@pytest.mark.parametrize(("text", "names"), LISTS)
def test_split_names_splits_lists_but_never_a_name(text, names):
    assert organizations.split_names(text) == names


def test_no_reference_organisation_name_is_split():
    for org in organizations.load():
        assert organizations.split_names(org.name) == [org.name]
