"""Feed pages in plain terms: the fast JSON-LD reader reads the feed's form exactly as the standard
parser does, the one LDES page reader works on plain terms, and graphs of several documents keep
their blank nodes apart."""

from __future__ import annotations

import copy
import json

import pytest
from graphsig import tree_signature

from pios_ld import feed, jsonld, jsonld_terms, organizations, rdf
from pios_ld.terms import TermGraph, from_ox
from pios_ld.tools import generate

BASE = "https://pios.example.se/0114"
ORG = organizations.load()[0]


def records(count: int, seed: int = 7) -> list[dict]:
    return generate.initiatives(ORG, count, seed=seed, base_url=BASE + "/")


def versions(count: int) -> list[feed.Version]:
    """Creates, an update and a delete: every kind of member a page holds."""
    made = records(count)
    out = [feed.Version(i, r["id"], feed.CREATE, r["modified"], r)
           for i, r in enumerate(made, start=1)]
    changed = {**made[0], "title": {"sv": "Ny titel med \"citat\" och\nradbrytning 😀"}}
    out.append(feed.Version(count + 1, made[0]["id"], feed.UPDATE, "2027-01-01T10:00:00Z",
                            changed))
    out.append(feed.Version(count + 2, made[1]["id"], feed.DELETE, "2027-01-02T10:00:00Z"))
    return out


def page(count: int = 5, page_size: int | None = None) -> dict:
    """Feed page 1 with *count* creates, an update and a delete; full when *page_size* says."""
    held = versions(count)
    return feed.page_document(BASE, 1, held, total=len(held), page_size=page_size or 100)


def standard(text: str | bytes) -> TermGraph:
    return TermGraph.from_statements(jsonld.parse_jsonld(text))


FEED_DOCUMENTS = {
    "page-with-create-update-delete": lambda: page(),
    "full-page-with-relation": lambda: page(5, page_size=7),
    "empty-page": lambda: feed.page_document(BASE, 1, [], total=0),
    "stream": lambda: feed.stream_document(BASE),
    "page-of-sixty": lambda: page(60),
}


@pytest.mark.parametrize("form", ["as-published", "context-url"])
@pytest.mark.parametrize("name", sorted(FEED_DOCUMENTS))
def test_fast_reader_reads_feed_documents_as_the_standard_parser_does(name, form):
    document = FEED_DOCUMENTS[name]()
    if form == "as-published":  # what nodes serve: the bundled context written out in full
        document = json.loads(feed.serialize(document))
    for text in (json.dumps(document), json.dumps(document, ensure_ascii=False)):
        fast = jsonld_terms._read_document(json.loads(text))  # the fast path: it does not decline
        assert tree_signature(fast) == tree_signature(standard(text))
        read = jsonld_terms.read_terms(text.encode())
        assert tree_signature(read) == tree_signature(standard(text))


def other_feed_context(document: dict) -> dict:
    changed = copy.deepcopy(document)
    changed["@context"][1]["immutable"] = {"@id": "https://example.org/frozen",
                                           "@type": "xsd:boolean"}
    return changed


DECLINED = {
    "another-second-context": lambda: other_feed_context(page(3, page_size=5)),
    "graph-with-the-plain-context": lambda: {**page(2), "@context": jsonld.CONTEXT_URL},
    "graph-with-an-id-is-a-named-graph": lambda: {**page(2), "id": BASE + "/graph"},
    "graph-item-with-its-own-context": lambda: {
        **page(2), "@graph": [{**page(2)["@graph"][0], "@context": jsonld.CONTEXT_URL}]},
    "graph-of-strings": lambda: {**page(2), "@graph": ["https://example.org/x"]},
}


@pytest.mark.parametrize("name", sorted(DECLINED))
def test_other_forms_are_left_to_the_standard_parser_with_the_same_triples(name):
    text = json.dumps(DECLINED[name]())
    with pytest.raises(jsonld_terms._Decline):
        jsonld_terms._read_document(json.loads(text))
    assert tree_signature(jsonld_terms.read_terms(text)) == tree_signature(standard(text))


def members_by_iri(read: feed.Page) -> dict[str, tuple]:
    out = {}
    for m in read.members:
        graph = TermGraph()
        for s, p, o in m.statements:
            graph.add(s, p, o)
        out[m.iri] = (m.version_of, m.timestamp, m.deleted, tree_signature(graph))
    return out


@pytest.mark.parametrize("page_size", [100, 7])
def test_page_reader_reads_plain_terms_as_it_reads_pyoxigraph_quads(page_size):
    text = json.dumps(page(5, page_size=page_size))
    url = feed.page_url(BASE, 1)
    from_terms = feed.read_page(jsonld_terms.read_terms(text), url)
    from_quads = feed.read_page(rdf.parse(text, "jsonld"), url)
    assert [m.iri for m in from_terms.members] == [m.iri for m in from_quads.members]
    assert members_by_iri(from_terms) == members_by_iri(from_quads)
    assert (from_terms.links, from_terms.next_pages, from_terms.immutable) == \
        (from_quads.links, from_quads.next_pages, from_quads.immutable)
    assert from_terms.immutable == (page_size == 7)
    assert [m.deleted for m in from_terms.members] == [False] * 6 + [True]


def test_member_statements_are_plain_terms_and_record_names_the_initiative():
    read = feed.read_page(jsonld_terms.read_terms(json.dumps(page(2))), feed.page_url(BASE, 1))
    update = read.members[-2]
    assert all(isinstance(p, str) for _, p, _ in update.statements)
    record = update.record()
    assert {s for s, _, _ in record if not s.startswith("_:")} == {update.version_of}
    assert not any(p == feed.DCT + "isVersionOf" for _, p, _ in record)
    assert read.members[-1].record() == []


def test_union_keeps_blank_nodes_of_different_documents_apart():
    doc = {"@context": jsonld.CONTEXT_URL, "id": BASE + "/initiatives/a",
           "budget": {"value": 1, "currency": "SEK"}}
    other = {**doc, "id": BASE + "/initiatives/b", "budget": {"value": 2, "currency": "SEK"}}
    first, second = (jsonld_terms.read_terms(json.dumps(d)) for d in (doc, other))
    assert first.subjects.keys() & second.subjects.keys() == {"_:r0"}  # the same label
    union = TermGraph.union([first, second])
    budgets = union.subjects_objects("https://w3id.org/pios/vocab#budget")
    a, b = budgets[BASE + "/initiatives/a"][0], budgets[BASE + "/initiatives/b"][0]
    assert a != b
    assert union.objects(a, "https://schema.org/value") == [("1", jsonld_terms.XSD + "integer",
                                                             None)]
    assert len(union) == len(first) + len(second)
    assert list(union.subjects) == [BASE + "/initiatives/a", a, BASE + "/initiatives/b", b]


def test_subjects_are_listed_in_the_order_of_their_first_statement():
    text = json.dumps(page(3))
    quads = jsonld.parse_jsonld(text)
    graph = TermGraph.from_statements(quads)
    expected = list(dict.fromkeys(from_ox(q.subject) for q in quads))
    assert list(graph.subjects) == expected
    fast = jsonld_terms.read_terms(text)
    named = [s for s in fast.subjects if not s.startswith("_:")]
    assert named == [s for s in expected if not s.startswith("_:")]


# --- what real nodes publish ------------------------------------------------------------------
@pytest.fixture(scope="module")
def built_site(tmp_path_factory):
    """A node's static build (``pios node build``): the files are what the live node serves."""
    from pios_ld.node.build import build_from_files

    root = tmp_path_factory.mktemp("built")
    folder = root / "records"
    folder.mkdir()
    for number, record in enumerate(records(6, seed=3)):
        record = {k: v for k, v in record.items() if k != "id"}
        (folder / f"{number}.json").write_text(json.dumps(record, ensure_ascii=False))
    build_from_files(folder, ORG.iri, BASE, root / "site")
    return root / "site"


@pytest.mark.parametrize("path", ["catalog", "feed", "feed-1", "versions/1", "versions/6"])
def test_what_a_node_publishes_is_read_on_the_fast_path(built_site, path):
    data = (built_site / path).read_bytes()
    if path.startswith("feed"):
        assert b'"@protected": true' in data  # the bundled context written out in full
    reading = jsonld_terms.read(data)
    assert reading.fast
    assert tree_signature(reading.graph) == tree_signature(standard(data))


def test_feed_serialize_is_what_the_node_serves(built_site):
    document = json.loads((built_site / "feed-1").read_bytes())
    assert feed.serialize(document) == (built_site / "feed-1").read_bytes()
    assert document["@context"] == [jsonld.context_document()["@context"], feed.FEED_CONTEXT]
