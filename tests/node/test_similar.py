"""The pure core of the editor's similar-initiative suggestions: URLs, answers, merging."""

from __future__ import annotations

import json

import pytest
from pios_ld.node.similar import Suggestion, draft_text, merge, parse, similar_url

LUND = "http://dataportal.se/organisation/SE2120002627"
OWN = "http://dataportal.se/organisation/SE2120000019"


def suggestion(iri: str, score: float, organization: str = LUND, **extra) -> Suggestion:
    values = {"title": "T", "organizationName": "Lunds kommun", "contact": None, **extra}
    return Suggestion(iri, values["title"], organization, values["organizationName"],
                      values["contact"], score)


def test_the_similar_url_follows_the_aggregator_setting_with_or_without_ping():
    for setting in ("https://agg.example.se", "https://agg.example.se/",
                    "https://agg.example.se/ping"):
        assert similar_url(setting, "nattillsyn kamera", 5) == \
            "https://agg.example.se/api/similar?text=nattillsyn+kamera&limit=5"


def test_answers_from_several_aggregators_are_merged_best_first_without_duplicates():
    one = [suggestion("https://a.se/1", 0.4), suggestion("https://a.se/2", 0.9)]
    two = [suggestion("https://a.se/1", 0.7), suggestion("https://b.se/3", 0.5),
           suggestion("https://own.se/4", 0.99, organization=OWN)]
    merged = merge([one, two], own_organization=OWN, limit=5)
    assert [(s.initiative, s.score) for s in merged] == [
        ("https://a.se/2", 0.9), ("https://a.se/1", 0.7), ("https://b.se/3", 0.5)]
    assert len(merge([one, two], limit=2)) == 2


def test_an_answer_that_breaks_the_contract_is_refused_and_broken_entries_are_left_out():
    with pytest.raises(ValueError):
        parse(b"<html>not json</html>")
    with pytest.raises(ValueError):
        parse(json.dumps({"results": "none"}).encode())
    found = parse(json.dumps({"results": [
        {"initiative": "https://a.se/1", "title": "Kameratillsyn", "organization": LUND,
         "organizationName": "Lunds kommun", "contact": "mailto:x@lund.se", "score": 0.6},
        {"title": "no IRI"}, "text", {"initiative": "https://a.se/2", "score": "high"},
    ]}).encode())
    assert [s.initiative for s in found] == ["https://a.se/1", "https://a.se/2"]
    assert found[0].mailbox == "x@lund.se" and found[0].mail_href == "mailto:x@lund.se"
    assert found[1].title == "https://a.se/2" and found[1].score == 0.0


def test_only_http_iris_become_links():
    assert suggestion("https://a.se/1", 1).href == "https://a.se/1"
    for iri in ("javascript:alert(1)", "mailto:x@y.se", "urn:uuid:1", "data:text/html,x"):
        assert suggestion(iri, 1).href is None
    assert suggestion("https://a.se/1", 1, contact="javascript:alert(1)").mail_href is None


def test_the_draft_text_joins_the_fields_and_folds_whitespace():
    assert draft_text("Digital  nattillsyn", None, " ", "Kamera\npå natten") == \
        "Digital nattillsyn Kamera på natten"
    assert len(draft_text("x" * 10_000)) == 4000
