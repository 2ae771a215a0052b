"""Content negotiation as RFC 9110 describes it: q-values, specificity, the resource's order."""

import pytest
from pios_ld.node import negotiate as n


@pytest.mark.parametrize("accept,expected", [
    (None, n.JSONLD),
    ("", n.JSONLD),
    ("*/*", n.JSONLD),
    ("text/turtle", n.TURTLE),
    ("application/json", n.JSONLD),
    ("text/plain", n.NTRIPLES),
    ("application/n-quads", n.NQUADS),
    ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", n.HTML),
    ("application/ld+json;q=0.4, text/turtle;q=0.8", n.TURTLE),
    ("text/*;q=0.5, application/n-triples;q=0.4", n.HTML),
    ("text/turtle;q=0, */*;q=0.1", n.JSONLD),
    ("image/png", None),
    ("text/turtle; q=not-a-number, application/ld+json", n.JSONLD),
])
def test_documents_choose_by_q_then_specificity_then_json_ld_first(accept, expected):
    assert n.choose(accept, n.DOCUMENT_ORDER) is expected


def test_the_feed_prefers_formats_without_a_context_among_equals():
    assert n.choose("application/ld+json, text/turtle, application/n-quads",
                    n.FEED_ORDER) is n.TURTLE
    assert n.choose("*/*", n.FEED_ORDER) is n.TURTLE
    assert n.choose("application/ld+json", n.FEED_ORDER) is n.JSONLD


def test_suffix_is_split_only_when_it_is_a_known_format():
    assert n.split_suffix("/initiatives/x.ttl") == ("/initiatives/x", n.TURTLE)
    assert n.split_suffix("/initiatives/x") == ("/initiatives/x", None)
    assert n.split_suffix("/initiatives/v1.2") == ("/initiatives/v1.2", None)


@pytest.mark.parametrize("accept,json", [
    (None, False), ("*/*", False), ("application/json", True),
    ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", False),
    ("application/json, text/html;q=0.5", True),  # JSON preferred, HTML acceptable: JSON
    ("text/html;q=0, */*", True), ("image/png", False),
])
def test_a_page_or_its_json_twin_by_the_clients_preference(accept, json):
    from pios_ld import negotiate

    assert negotiate.wants_json(accept) is json
