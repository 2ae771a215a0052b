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
