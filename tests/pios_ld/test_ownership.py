"""The one ownership walk (:func:`pios_ld.terms.owned`): which record a blank node belongs to."""

from __future__ import annotations

import samples

from pios_ld import jsonld
from pios_ld.terms import TermGraph, owned
from pios_ld.validation import owners, term_owners


def test_each_node_belongs_to_the_first_root_that_reaches_it_and_cycles_end():
    children = {"a": ["_:x"], "b": ["_:x", "_:y"], "_:x": ["_:z"], "_:z": ["_:x"]}
    assert owned(children, ["a", "b"]) == {"a": "a", "_:x": "a", "_:z": "a", "b": "b",
                                           "_:y": "b"}
    assert owned(children, ["b", "a"])["_:x"] == "b"
    assert owned(children, []) == {}


def test_the_walk_over_statements_and_over_plain_terms_agree():
    statements = jsonld.parse_jsonld(samples.RECORD)
    by_statements = owners(statements)
    by_terms = term_owners(TermGraph.from_statements(statements))
    assert by_statements == by_terms
    assert len(set(by_statements.values())) == 1 and len(by_statements) > 1
