"""The data generator: valid, deterministic, realistic records."""

from __future__ import annotations

import random
import re
import statistics
from collections import Counter

import pytest

from pios_ld import jsonld, organizations, validation
from pios_ld.tools import generate
from pios_ld.vocab_paths import SHAPES


def base_for(org: organizations.Organization) -> str:
    return f"https://pios.example.se/{org.orgnr}/"


@pytest.fixture(scope="module")
def sample_orgs() -> list[organizations.Organization]:
    orgs = organizations.load()
    kinds = {organizations.MUNICIPALITY: 18, organizations.REGION: 5, organizations.AGENCY: 7}
    rng = random.Random(11)
    picked = []
    for kind, n in kinds.items():
        picked += rng.sample([o for o in orgs if o.kind == kind], n)
    return picked


@pytest.fixture(scope="module")
def sample_federation(sample_orgs) -> dict[str, list[dict]]:
    return generate.federation(sample_orgs, 10, seed=5, base_url_for=base_for)


def test_300_records_across_municipalities_regions_and_agencies_validate_cleanly(
        sample_orgs, sample_federation):
    statements = []
    for org in sample_orgs:
        doc = generate.catalog_of(org, sample_federation[org.orgnr], base_for(org))
        statements += jsonld.parse_jsonld(doc)
    report = validation.validate(statements)
    assert sum(len(v) for v in sample_federation.values()) == 300
    assert report.violations == ()
    assert report.warnings == ()


def test_a_standalone_record_validates_on_its_own():
    org = organizations.find("Kiruna")
    record = generate.initiatives(org, 1, seed=3)[0]
    assert record["@context"] == jsonld.CONTEXT_URL
    assert validation.validate(jsonld.parse_jsonld(record)).conforms


def test_same_seed_gives_identical_records_and_another_seed_differs():
    org = organizations.find("Malmö")
    first = generate.initiatives(org, 40, seed=9, base_url="https://pios.malmo.se/")
    again = generate.initiatives(org, 40, seed=9, base_url="https://pios.malmo.se/")
    other = generate.initiatives(org, 40, seed=10, base_url="https://pios.malmo.se/")
    assert first == again
    assert first != other


def test_generation_does_not_touch_the_global_random_generator():
    random.seed(1234)
    expected = random.random()
    random.seed(1234)
    generate.federation(organizations.load()[:5], 5, seed=1)
    assert random.random() == expected


def test_titles_and_identifiers_are_unique_within_an_organisation():
    org = organizations.find("Region Skåne")
    records = generate.initiatives(org, 300, seed=2, base_url="https://pios.skane.se/")
    titles = [r["title"]["sv"] for r in records]
    assert len(set(titles)) == len(titles)
    identifiers = [r["identifier"] for r in records]
    assert len(set(identifiers)) == len(identifiers)
    for record in records:
        assert record["id"] == "https://pios.skane.se/initiatives/" + record["identifier"]
        assert re.fullmatch(r"[a-z0-9][a-z0-9-]{0,99}", record["identifier"])


def test_status_updates_follow_the_lifecycle_with_dates_and_spending_in_order():
    org = organizations.find("Uppsala")
    order = {p: i for i, p in enumerate(generate.LIFECYCLE + ("scaling",))}
    for record in generate.initiatives(org, 400, seed=4):
        updates = record["statusUpdate"]
        phases = [u["phase"] for u in updates]
        assert phases[-1] == record["phase"]
        steps = [p for p in phases if p in order]
        assert [order[p] for p in steps] == sorted(order[p] for p in steps)
        assert all(p in order for p in phases[:-1])  # paused/discontinued/closed only last
        days = [u["date"] for u in updates]
        assert days == sorted(days)
        assert record["startDate"] == days[0]
        assert record["modified"].startswith(days[-1])
        assert record["plannedEndDate"] >= record["startDate"]
        if "endDate" in record:
            assert record["endDate"] >= record["startDate"]
        spent = [u.get("spentToDate", {}).get("value", 0) for u in updates]
        assert spent == sorted(spent)


def test_phases_cover_planned_ongoing_and_completed_initiatives():
    org = organizations.find("Vellinge")
    phases = Counter(r["phase"] for r in generate.initiatives(org, 500, seed=1))
    assert set(phases) == set(generate.FINAL_PHASES)


def test_budgets_are_long_tailed():
    org = organizations.find("Göteborg")
    values = [r["budget"]["value"] for r in generate.initiatives(org, 2000, seed=8)]
    assert min(values) > 0
    assert max(values) > 20 * statistics.median(values)
    assert statistics.mean(values) > 1.3 * statistics.median(values)


def test_every_theme_in_the_shapes_has_phrases_and_is_generated():
    shape_themes = set(re.findall(r"theme:([a-z-]+)", SHAPES.read_text(encoding="utf-8")))
    assert shape_themes == set(generate.THEMES)
    records = [r for rs in generate.federation(organizations.load()[::10], 20, seed=3).values()
               for r in rs]
    assert {t for r in records for t in r["theme"]} == shape_themes


def test_texts_are_swedish_prose_without_placeholders():
    org = organizations.find("Kiruna")
    for record in generate.initiatives(org, 200, seed=6):
        text = " ".join([record["title"]["sv"], record["description"]["sv"],
                         *(u["summary"]["sv"] for u in record["statusUpdate"])])
        assert "{" not in text and "lorem" not in text.casefold()
        assert "Kiruna kommun" in record["description"]["sv"]
    english = [r for r in generate.initiatives(org, 200, seed=6) if "en" in r["title"]]
    assert 10 < len(english) < 80


def test_partners_are_other_real_organisations_of_the_same_county():
    org = organizations.find("Vellinge")
    partners = [p for r in generate.initiatives(org, 200, seed=2) for p in r.get("participant", [])]
    assert partners
    for iri in partners:
        partner = organizations.by_iri(iri)
        assert partner is not None and partner.orgnr != org.orgnr
        assert partner.county_code == org.county_code


def test_contact_is_a_functional_mailbox_of_the_organisation():
    org = organizations.find("Malmö")
    for record in generate.initiatives(org, 50, seed=2):
        assert re.fullmatch(r"mailto:[a-z.-]+@malmo\.se", record["contactPoint"]["email"])


def test_reuse_links_cross_organisations_and_concentrate_on_few_solutions():
    orgs = organizations.load()[::4]
    built = generate.federation(orgs, 20, seed=12, base_url_for=base_for)
    by_id = {r["id"]: (orgnr, r) for orgnr, rs in built.items() for r in rs}
    links = Counter()
    for orgnr, records in built.items():
        for record in records:
            for target in record.get("reuses", []):
                target_org, target_record = by_id[target]
                assert target_org != orgnr
                assert target_record["phase"] in generate.REUSABLE_PHASES
                links[target] += 1
    total = sum(links.values())
    mature = sum(1 for _, r in by_id.values() if r["phase"] in generate.REUSABLE_PHASES)
    assert total > 0.2 * len(by_id)
    top = sorted(links.values(), reverse=True)[: max(1, mature // 20)]
    assert sum(top) > 0.5 * total  # the top 5 % of mature initiatives get most of the reuse


def test_catalog_wraps_records_under_the_organisation_as_publisher():
    org = organizations.find("Kiruna")
    doc = generate.catalog(org, 12, seed=1, base_url="https://pios.kiruna.se/")
    assert doc["type"] == "Catalog" and doc["publisher"] == org.iri
    assert len(doc["initiative"]) == 12
    assert all("@context" not in r for r in doc["initiative"])
    assert doc["modified"] == max(r["modified"] for r in doc["initiative"])
    assert validation.validate(jsonld.parse_jsonld(doc)).conforms
