"""A comparison of graphs for the tests: equal signatures mean isomorphic tree-shaped graphs."""

from __future__ import annotations

from collections import Counter

from pios_ld.terms import TermGraph


def tree_signature(graph: TermGraph) -> Counter:
    """The triples with each blank node replaced by a digest of what hangs below it: equal
    signatures mean isomorphic graphs for tree-shaped data (what JSON documents give), and
    this is quick where rdflib's general isomorphism test is slow on many blank nodes."""
    below: dict = {}
    for s, p, o in graph.triples():
        below.setdefault(s, []).append((p, o))
    memo: dict = {}

    def sig(term, depth=0):
        if not (isinstance(term, str) and term.startswith("_:")):
            return term
        if term not in memo:
            assert depth < 50
            memo[term] = "_:" + repr(sorted(repr((p, sig(o, depth + 1)))
                                            for p, o in set(below.get(term, ()))))
        return memo[term]

    return Counter((sig(s), p, sig(o)) for s, p, o in set(graph.triples()))
