"""The crawler's parsing and screening on plain terms gives what the pyoxigraph route gives.

The same documents are screened twice through ``pios_ld.aggregator.digest``: as JSON-LD (the fast
reader and plain terms all the way) and converted by pyoxigraph to Turtle or N-Quads (the standard
parser's statements, read through ``TermGraph.from_statements``). Both must give the same
statements, the same skolem IRIs and the same problems in the same order. The skolem IRIs are also
checked against the aggregator's earlier implementation on pyoxigraph terms (kept here as the
oracle), on literals with every kind of character that N-Triples escapes.
"""

from __future__ import annotations

import copy
import hashlib
import json
import re
from pathlib import Path

import pyoxigraph as ox
import pytest
from pios_ld.aggregator import digest, records

from pios_ld import catalog as wire_catalog
from pios_ld import feed, jsonld, jsonld_terms, ntriples, organizations, rdf
from pios_ld.terms import RDF_LANGSTRING, XSD_STRING, from_ox, to_ox
from pios_ld.tools import generate

ROOT = Path(__file__).resolve().parents[2]
VELLINGE = "http://dataportal.se/organisation/SE2120001033"
VELLINGE_PREFIXES = ("https://pios.vellinge.se/",)
CATALOG_URL = "https://pios.vellinge.se/catalog"
_BLANK = re.compile(r"_:[A-Za-z0-9_.-]+")


def statements(nt: bytes) -> set[ox.Triple]:
    return {q.triple for q in ox.parse(nt, format=ox.RdfFormat.N_TRIPLES)}


def plain(value):
    """Problems and results as plain values, blank-node labels blanked, results of a problem
    in a label-independent order."""
    if hasattr(value, "as_dict"):
        value = value.as_dict()
    if isinstance(value, dict):
        out = {k: plain(v) for k, v in value.items()}
        if "results" in out:
            out["results"] = sorted(out["results"], key=repr)
        return out
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return _BLANK.sub("_:", value) if isinstance(value, str) else value


def comparable(result: dict) -> dict:
    assert "error" not in result, result
    out = {}
    for key, value in result.items():
        if key == "declined":  # which reader read it: the route, not the result
            continue
        if key in ("graph", "history"):
            assert value == b"" or value.endswith(b" .\n")
            found = statements(value)
            assert not any(isinstance(t.subject, ox.BlankNode)
                           or isinstance(t.object, ox.BlankNode) for t in found)
            out[key] = found
        else:
            out[key] = plain(value)
    return out


def as_syntax(content: bytes, url: str, fmt: str) -> bytes:
    return rdf.serialize(rdf.parse(content, "jsonld", base_iri=url), fmt)


def catalog_both_ways(pages: list[tuple[bytes, str]], org: str, prefixes: tuple[str, ...],
                      limit: int = 5000) -> tuple[dict, dict]:
    fast = digest.catalog([(c, "application/ld+json", u) for c, u in pages], org, prefixes,
                          limit)
    standard = digest.catalog([(as_syntax(c, u, "turtle"), "text/turtle", u) for c, u in pages],
                              org, prefixes, limit)
    return comparable(fast), comparable(standard)


def feed_both_ways(content: bytes, url: str, org: str, prefixes: tuple[str, ...],
                   seen: frozenset[str] = frozenset()) -> tuple[dict, dict]:
    fast = digest.feed_page(content, "application/ld+json", url, seen, prefixes, org)
    standard = digest.feed_page(as_syntax(content, url, "nquads"), "application/n-quads", url,
                                seen, prefixes, org)
    return comparable(fast), comparable(standard)


# --- generated nodes ---------------------------------------------------------------------------
@pytest.fixture(scope="module")
def nodes() -> list[dict]:
    """20 organisations x 60 generated initiatives in the wire format of a node's export."""
    orgs = list(organizations.load())[:20]
    base_for = {o.orgnr: f"https://pios.example.se/{o.orgnr}/" for o in orgs}
    built = generate.federation(orgs, 60, seed=7, base_url_for=lambda o: base_for[o.orgnr])
    out = []
    for org in orgs:
        base_url, made = base_for[org.orgnr], sorted(built[org.orgnr],
                                                     key=lambda r: r["identifier"])
        cat = wire_catalog.catalog_page(base_url, org.iri, max(r["modified"] for r in made),
                                        made, 1, len(made))
        held = [feed.Version(seq, r["id"], feed.CREATE, r["modified"], r)
                for seq, r in enumerate(sorted(made, key=lambda r: r["modified"]), start=1)]
        page = feed.page_document(base_url, 1, held, len(held))
        out.append({"org": org.iri, "prefixes": (base_url,),
                    "catalog": (json.dumps(cat, ensure_ascii=False).encode(),
                                wire_catalog.catalog_url(base_url)),
                    "feed": (json.dumps(page, ensure_ascii=False).encode(),
                             feed.page_url(base_url, 1))})
    return out


def test_generated_catalogs_screen_the_same_on_plain_terms_as_through_pyoxigraph(nodes):
    for node in nodes:
        fast, standard = catalog_both_ways([node["catalog"]], node["org"], node["prefixes"])
        assert fast == standard
        assert fast["records"] == 60 and len(fast["graph"]) > 60 * 30


def test_generated_feed_pages_read_the_same_on_plain_terms_as_through_pyoxigraph(nodes):
    for node in nodes:
        fast, standard = feed_both_ways(*node["feed"], node["org"], node["prefixes"])
        assert fast == standard
        assert len(fast["members"]) == 60


def test_versions_seen_before_are_left_out_of_the_history(nodes):
    node = nodes[0]
    whole = digest.feed_page(*node["feed"][:1], "application/ld+json", node["feed"][1],
                             frozenset(), node["prefixes"], node["org"])
    seen = frozenset(whole["members"][:50])
    fast, standard = feed_both_ways(*node["feed"], node["org"], node["prefixes"], seen)
    assert fast == standard
    assert fast["members"] == whole["members"][50:]
    assert fast["history"] < statements(whole["history"])


# --- the examples and every invalid document ------------------------------------------------
EXAMPLES = sorted((ROOT / "vocab" / "examples").glob("*.jsonld")) \
    + sorted((ROOT / "tests" / "data" / "valid").glob("*.jsonld")) \
    + sorted((ROOT / "tests" / "data" / "invalid").glob("*.jsonld"))


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_examples_screen_the_same_on_plain_terms_as_through_pyoxigraph(path: Path):
    fast, standard = catalog_both_ways([(path.read_bytes(), CATALOG_URL)], VELLINGE,
                                       VELLINGE_PREFIXES)
    assert fast == standard


def mixed_catalog() -> dict:
    """The Vellinge example plus every kind of trouble: a record that breaks the rules, one of
    another node's, one naming another organisation, foreign statements about the catalog, and
    another node's resource with nothing said about it (empty values: no statements)."""
    document = json.loads((ROOT / "vocab" / "examples" / "vellinge-catalog.jsonld").read_text())
    first = document["initiative"][0]
    broken = json.loads((ROOT / "tests/data/invalid/negative-budget.jsonld").read_text())
    broken.pop("@context")
    foreign = {**copy.deepcopy(first), "id": "https://pios.other.se/initiatives/x"}
    other_org = {**copy.deepcopy(first), "id": "https://pios.vellinge.se/initiatives/other-org",
                 "identifier": "other-org",
                 "responsibleOrganization": "http://dataportal.se/organisation/SE2120000019"}
    awkward = {**copy.deepcopy(first), "id": "https://pios.vellinge.se/initiatives/awkward",
               "identifier": "awkward",
               "title": {"sv": 'Citat " och \\ bakstreck\toch\nrad', "en": "Emoji 😀 \x7f"},
               "keyword": {"sv": ["a\x01b", "\ufffe"]}}
    empty = {"id": "https://pios.other.se/initiatives/empty", "theme": [], "title": {}}
    document["initiative"] += [broken, foreign, other_org, awkward, empty]
    document["https://w3id.org/pios/vocab#seeAlso"] = {"id": "https://elsewhere.se/x",
                                                       "http://purl.org/dc/terms/title": "x"}
    return document


@pytest.mark.parametrize("limit", [5000, 40])
def test_every_kind_of_problem_is_reported_alike_on_plain_terms(limit: int):
    content = json.dumps(mixed_catalog(), ensure_ascii=False).encode()
    fast, standard = catalog_both_ways([(content, CATALOG_URL)], VELLINGE, VELLINGE_PREFIXES,
                                       limit)
    assert fast == standard
    kinds = {p["kind"] for p in fast["dropped"] + fast["quarantined"]}
    assert {"authority", "organisation", "violation"} <= kinds
    assert ("too-large" in kinds) == (limit == 40)
    taken = {t.subject.value for t in fast["graph"]}
    assert ("https://pios.vellinge.se/initiatives/awkward" in taken) == (limit == 5000)


def test_a_catalog_naming_another_publisher_is_refused_alike():
    document = mixed_catalog()
    document["publisher"] = "http://dataportal.se/organisation/SE2120000019"
    content = json.dumps(document).encode()
    fast, standard = catalog_both_ways([(content, CATALOG_URL)], VELLINGE, VELLINGE_PREFIXES)
    assert fast == standard
    assert fast["refused"]["kind"] == "publisher" and fast["graph"] == set()


def test_blank_nodes_of_different_catalog_pages_stay_apart():
    document = json.loads((ROOT / "vocab" / "examples" / "vellinge-catalog.jsonld").read_text())
    members = document.pop("initiative")
    pages = []
    for number, part in enumerate((members[:8], members[8:]), start=1):
        url = CATALOG_URL if number == 1 else CATALOG_URL + "-2"
        pages.append((json.dumps({**document, "id": url, "initiative": part}).encode(), url))
    whole = json.dumps({**document, "initiative": members}).encode()
    fast, standard = catalog_both_ways(pages, VELLINGE, VELLINGE_PREFIXES)
    assert fast == standard
    single = comparable(digest.catalog([(whole, "application/ld+json", CATALOG_URL)], VELLINGE,
                                       VELLINGE_PREFIXES, 5000))
    records_only = {t for t in fast["graph"] if "/initiatives/" in t.subject.value
                    or "/genid/" in t.subject.value and "catalog" not in t.subject.value}
    assert records_only <= single["graph"]
    assert fast["records"] == single["records"] == 16


def test_feed_members_of_other_nodes_and_organisations_are_dropped_alike():
    base = "https://pios.vellinge.se"
    example = json.loads((ROOT / "vocab" / "examples" / "vellinge-catalog.jsonld").read_text())
    made = example["initiative"][:4]
    made[1] = {**made[1], "responsibleOrganization": "http://dataportal.se/organisation/SE1"}
    held = [feed.Version(seq, r["id"], feed.CREATE, r["modified"], r)
            for seq, r in enumerate(made, start=1)]
    held.append(feed.Version(5, made[0]["id"], feed.DELETE, "2027-01-01T00:00:00Z"))
    held.append(feed.Version(6, "https://pios.other.se/initiatives/x", feed.DELETE,
                             "2027-01-02T00:00:00Z"))
    page = feed.page_document(base, 1, held, total=len(held), page_size=6)
    fast, standard = feed_both_ways(json.dumps(page).encode(), feed.page_url(base, 1), VELLINGE,
                                    VELLINGE_PREFIXES)
    assert fast == standard
    assert [p["kind"] for p in fast["dropped"]] == ["organisation", "authority"]
    assert fast["immutable"] and fast["links"] == [feed.page_url(base, 2)]


# --- skolem IRIs ------------------------------------------------------------------------------
def reference_skolemise(triples: list[ox.Triple], prefix: str, owner: str) -> list[ox.Triple]:
    """The aggregator's skolemisation as it was written on pyoxigraph terms (the oracle)."""
    outgoing: dict[str, list[ox.Triple]] = {}
    for t in triples:
        if isinstance(t.subject, ox.BlankNode):
            outgoing.setdefault(t.subject.value, []).append(t)
    memo: dict[str, str] = {}

    def signature(label: str, depth: int = 0) -> str:
        if label in memo:
            return memo[label]
        lines = sorted(
            f"{t.predicate} "
            + (signature(t.object.value, depth + 1) if isinstance(t.object, ox.BlankNode)
               else str(t.object))
            for t in outgoing.get(label, ()))
        digest_ = hashlib.sha1(("\n".join(lines) + owner).encode(), usedforsecurity=False)
        memo[label] = digest_.hexdigest()[:24]
        return memo[label]

    genid = prefix.rstrip("/") + "/.well-known/genid/"
    name = lambda label: ox.NamedNode(genid + signature(label))  # noqa: E731
    return [ox.Triple(name(t.subject.value) if isinstance(t.subject, ox.BlankNode) else t.subject,
                      t.predicate,
                      name(t.object.value) if isinstance(t.object, ox.BlankNode) else t.object)
            for t in triples]


AWKWARD = ['"', "\\", "\n", "\r\n", "\t", "\x00", "\x08\x0c", "\x1f\x7f", "\x80\x9f",
           "åäö ÅÄÖ", "😀👩‍👩‍👧", "\u2028", "\ufeff", "\ufffe\uffff", "\U0010ffff", "",
           'all "of\\ them\n\t\x01 😀 \ufffe']


def awkward_record(owner: str) -> list[tuple]:
    """A record whose blank nodes hold literals with every kind of escaped character."""
    triples = [(owner, "https://w3id.org/pios/vocab#budget", "_:b"),
               ("_:b", "https://schema.org/value", ("1", "http://www.w3.org/2001/XMLSchema#integer",
                                                    None)),
               ("_:b", "https://w3id.org/pios/vocab#note", "_:c")]
    for i, text in enumerate(AWKWARD):
        triples.append(("_:c", f"https://example.org/p{i}", (text, XSD_STRING, None)))
        triples.append(("_:c", f"https://example.org/l{i}", (text, RDF_LANGSTRING, "sv")))
        triples.append((owner, "https://w3id.org/pios/vocab#statusUpdate", f"_:s{i}"))
        triples.append((f"_:s{i}", "https://w3id.org/pios/vocab#summary",
                        (text, RDF_LANGSTRING, "en")))
    return triples


def test_skolem_iris_are_those_the_pyoxigraph_implementation_gives_on_awkward_literals():
    owner, prefix = "https://pios.vellinge.se/initiatives/x", "https://pios.vellinge.se/"
    triples = awkward_record(owner)
    as_ox = [ox.Triple(to_ox(s), ox.NamedNode(p), to_ox(o)) for s, p, o in triples]
    expected = set(reference_skolemise(as_ox, prefix, owner))
    got = records.skolemise(triples, prefix, owner)
    assert {ox.Triple(to_ox(s), ox.NamedNode(p), to_ox(o)) for s, p, o in got} == expected
    written = records.to_ntriples([(owner, triples)], prefix)
    assert statements(written) == expected
    assert sorted(written.splitlines(True)) == sorted(ntriples.serialize(got).splitlines(True))
    assert len(written.splitlines()) == len(triples)


def test_skolem_iris_do_not_depend_on_blank_node_labels_or_order():
    owner, prefix = "https://pios.vellinge.se/initiatives/x", "https://pios.vellinge.se"
    triples = awkward_record(owner)
    relabel = {f"_:s{i}": f"_:other{i}" for i in range(len(AWKWARD))} | {"_:b": "_:z",
                                                                        "_:c": "_:y"}
    renamed = [(relabel.get(s, s), p, relabel.get(o, o) if isinstance(o, str) else o)
               for s, p, o in reversed(triples)]
    assert set(records.skolemise(triples, prefix, owner)) == \
        set(records.skolemise(renamed, prefix, owner))
    assert records.skolemise(triples, prefix, owner + "/other") != \
        records.skolemise(triples, prefix, owner)


def test_reader_and_standard_parser_agree_on_a_feed_page_with_awkward_text():
    member = {"@context": jsonld.CONTEXT_URL, "id": "https://pios.vellinge.se/initiatives/a",
              "type": "Initiative", "title": {"sv": "".join(AWKWARD[:-1])}}
    page = feed.page_document("https://pios.vellinge.se", 1, [
        feed.Version(1, member["id"], feed.CREATE, "2026-01-01T00:00:00Z", member)], total=1)
    text = json.dumps(page)
    fast = {(s, p, o) for s, p, o in jsonld_terms.read_terms(text).triples()}
    standard = {(from_ox(q.subject), q.predicate.value, from_ox(q.object))
                for q in jsonld.parse_jsonld(text)}
    assert fast == standard
