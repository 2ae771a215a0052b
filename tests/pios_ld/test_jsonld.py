"""JSON-LD in: only the bundled context resolves, nothing touches the network, and the fast
reader gives the same triples as the standard parser."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pyoxigraph as ox
import pytest
import samples
from graphsig import tree_signature
from rdflib import Graph
from rdflib.compare import to_isomorphic

from pios_ld import jsonld, jsonld_terms, ntriples, rdf
from pios_ld.errors import ParseError, RemoteContextError
from pios_ld.terms import TermGraph

ROOT = Path(__file__).resolve().parents[2]

RECORD = {
    **{key: value for key, value in samples.RECORD.items() if key not in ("goal", "contactPoint")},
    "theme": ["elderly-care", "https://w3id.org/pios/concept/theme/health-care"],
    "keyword": {"sv": ["trygghet", "kamera"], "en": "safety"},
    "openForCollaboration": True,
    "statusUpdate": [{"type": "StatusUpdate", "date": "2026-01-01", "phase": "pilot",
                      "health": "on-track", "summary": {"sv": "Bra."}}],
}


def as_rdflib(triples) -> Graph:
    graph = Graph()
    graph.parse(data="\n".join(f"{t} ." for t in triples), format="nt")
    return graph


def assert_same_graph(a: TermGraph, b: TermGraph) -> None:
    assert to_isomorphic(as_rdflib(a.to_triples())) == to_isomorphic(as_rdflib(b.to_triples()))


def standard(data: str | bytes) -> TermGraph:
    return TermGraph.from_statements(jsonld.parse_jsonld(data))


# --- the fast reader equals the standard parser --------------------------------------------
def variant(**changes: object) -> dict:
    doc = copy.deepcopy(RECORD)
    doc.update(changes)
    return doc


def member(doc: dict) -> dict:
    return {k: v for k, v in doc.items() if k != "@context"}


READER_CASES = {
    "record": RECORD,
    "catalog": {"@context": jsonld.CONTEXT_URL, "type": "Catalog",
                "publisher": "http://dataportal.se/organisation/SE2120000019",
                "initiative": [member(RECORD),
                               member(variant(id="https://pios.example.se/initiatives/b"))]},
    "catalog-members-with-context": {"@context": jsonld.CONTEXT_URL, "type": "Catalog",
                                     "initiative": [RECORD]},
    "compact-iris-and-keywords": variant(**{"@type": ["Initiative", "pios:Thing"],
                                           "dct:subject": "text",
                                           "http://example.org/p": {"@id": "pios:x"}}),
    "blank-node-ids": variant(reuses=["_:b1"], budget={"@id": "_:b1", "value": 5}),
    "title-plain-string": variant(title="Utan språk"),
    "upper-case-language": variant(title={"SV": "Stor", "en-GB": "Big"}),
    "phase-term-and-iri": variant(phase="Initiative", theme=["x:y", "pios:z"]),
    "native-values": variant(openForCollaboration=False, modified=5, startDate=True,
                             identifier=7, budget={"value": -3, "currency": "SEK"}),
    "floats": variant(budget={"value": 1200000.5, "currency": "SEK"},
                      spentToDate={"value": [0.1, 5.0, -0.0, 1e-7, 2.5e-300], "currency": "SEK"}),
    "large-float-declines": variant(budget={"value": 1.5e20, "currency": "SEK"}),
    "coerced-float-declines": variant(modified=1.5),
    "null-declines": variant(goal=None),
    "value-object-declines": variant(identifier={"@value": "x", "@type": "pios:Code"}),
    "unknown-key-declines": variant(unknown="dropped by JSON-LD"),
    "relative-iri-declines": variant(landingPage="../relative"),
    "invalid-iri-declines": variant(landingPage="http://exa mple.se/"),
    "bad-language-declines": variant(title={"sv_SE": "x"}),
    "id-not-a-string-is-an-error": variant(budget={"id": ["x"], "value": 1}),
    "graph-declines": {"@context": jsonld.CONTEXT_URL, "@graph": [RECORD]},
    "nested-bundled-context-declines": variant(budget={"@context": jsonld.CONTEXT_URL,
                                                       "value": 1}),
    "emoji-declines": variant(title={"sv": "Glad \U0001F600"}),
}


@pytest.mark.parametrize("name", sorted(READER_CASES))
def test_fast_reader_gives_the_same_triples_as_the_standard_parser(name: str):
    doc = READER_CASES[name]
    for text in (json.dumps(doc), json.dumps(doc, ensure_ascii=False)):
        try:
            expected = standard(text)
        except ParseError as error:  # then the fast reader raises the same error
            with pytest.raises(ParseError, match=str(error)):
                jsonld_terms.read_terms(text)
            continue
        assert_same_graph(jsonld_terms.read_terms(text), expected)
        assert_same_graph(jsonld_terms.read_terms(text.encode()), expected)


def test_fast_reader_takes_the_fast_path_for_the_context_form():
    for name in ("record", "catalog", "native-values", "blank-node-ids", "floats"):
        jsonld_terms._read_document(json.loads(json.dumps(READER_CASES[name])))  # does not decline


@pytest.mark.parametrize("path", sorted((ROOT / "vocab" / "examples").glob("*.jsonld"))
                         + sorted((ROOT / "tests" / "data" / "invalid").glob("*.jsonld")),
                         ids=lambda p: p.name)
def test_fast_reader_equals_the_standard_parser_on_every_example(path: Path):
    data = path.read_bytes()
    assert_same_graph(jsonld_terms.read_terms(data), standard(data))


def test_fast_reader_equals_the_standard_parser_on_a_generated_catalog():
    from pios_ld import organizations
    from pios_ld.tools import generate

    catalog = generate.catalog(organizations.load()[0], 300, seed=7)
    text = json.dumps(catalog, ensure_ascii=False)
    jsonld_terms._read_document(json.loads(text))
    assert tree_signature(jsonld_terms.read_terms(text)) == tree_signature(standard(text))


def test_fast_reader_writes_floats_as_the_standard_parser_does():
    import random

    rng = random.Random(3)
    values = [rng.uniform(-1e6, 1e6) for _ in range(300)]
    values += [rng.random() * 10 ** rng.randint(-300, 14) for _ in range(300)]
    values += [round(rng.uniform(0, 1e9), 2) for _ in range(300)]
    doc = {"@context": jsonld.CONTEXT_URL, "id": "https://ex.se/x", "https://ex.se/p": values}
    text = json.dumps(doc)
    fast = set(jsonld_terms._read_document(json.loads(text)).objects("https://ex.se/x", "https://ex.se/p"))
    assert fast == set(standard(text).objects("https://ex.se/x", "https://ex.se/p"))


# --- remote contexts are refused without any connection -------------------------------------
def remote_documents(url: str) -> dict[str, dict]:
    body = {"id": "https://pios.example.se/initiatives/x", "type": "Initiative"}
    return {
        "top": {"@context": url, **body},
        "array": {"@context": [jsonld.CONTEXT_URL, url], **body},
        "nested": {"@context": jsonld.CONTEXT_URL, **body, "budget": {"@context": url, "value": 1}},
        "import": {"@context": {"@import": url}, **body},
        "scoped-term": {"@context": [jsonld.CONTEXT_URL, {"x": {"@id": "pios:x", "@context": url}}],
                        **body},
        "type-scoped": {"@context": [{"T": {"@id": "https://ex.se/T", "@context": [url]}}],
                        "@type": "T"},
        "deep-in-array": {"@context": jsonld.CONTEXT_URL, "@graph": [[{"@context": url}]]},
    }


@pytest.mark.parametrize("where", ["top", "array", "nested", "import", "scoped-term",
                                   "type-scoped", "deep-in-array"])
def test_remote_context_is_refused_anywhere_without_a_connection(silent_port, where):
    url = silent_port.url("/evil.jsonld")
    text = json.dumps(remote_documents(url)[where])
    for parse in (jsonld.parse_jsonld, jsonld_terms.read_terms, lambda t: rdf.parse(t, "jsonld")):
        with pytest.raises(RemoteContextError) as caught:
            parse(text)
        assert url in str(caught.value) and "vägras" in caught.value.message_sv
    with pytest.raises(RemoteContextError):
        jsonld.compact({"@context": url, "@id": "https://ex.se/x"})
    silent_port.assert_untouched()


def test_document_loader_serves_only_the_bundled_context(silent_port):
    url = silent_port.url("/evil.jsonld")
    assert jsonld.document_loader(jsonld.CONTEXT_URL)["document"]["@context"]["id"] == "@id"
    with pytest.raises(RemoteContextError):
        jsonld.document_loader(url)
    silent_port.assert_untouched()


def test_import_of_the_bundled_context_is_served_from_the_bundle():
    doc = {"@context": {"@import": jsonld.CONTEXT_URL, "extra": "https://ex.se/extra"},
           "@id": "https://ex.se/x", "title": {"sv": "Titel"}, "extra": "e"}
    triples = {str(q.predicate.value) for q in jsonld.parse_jsonld(json.dumps(doc))}
    assert triples == {"http://purl.org/dc/terms/title", "https://ex.se/extra"}


# --- malformed input --------------------------------------------------------------------------
def test_invalid_json_names_line_and_column():
    with pytest.raises(ParseError) as caught:
        jsonld_terms.read_terms('{\n  "id": "https://ex.se/x",\n  "title": }')
    assert "line 3, column 12" in str(caught.value)
    assert "rad 3, kolumn 12" in caught.value.message_sv


def test_deep_nesting_is_refused():
    doc: dict = {"@context": jsonld.CONTEXT_URL, "@id": "https://ex.se/x"}
    inner = doc
    for _ in range(jsonld.MAX_DEPTH + 5):
        inner["https://ex.se/p"] = {}
        inner = inner["https://ex.se/p"]
    for parse in (jsonld.parse_jsonld, jsonld_terms.read_terms):
        with pytest.raises(ParseError, match="nested"):
            parse(json.dumps(doc))


def test_absurdly_deep_json_is_a_parse_error_not_a_crash():
    with pytest.raises(ParseError):
        jsonld_terms.read_terms("[" * 100_000 + "]" * 100_000)


def test_non_utf8_bytes_are_a_parse_error():
    with pytest.raises(ParseError):
        jsonld_terms.read_terms(b'{"title": "\xff"}')


# --- out again: compaction and framing ------------------------------------------------------
def test_frame_nests_blank_nodes_and_round_trips():
    quads = jsonld.parse_jsonld(json.dumps(RECORD))
    [framed] = jsonld.frame(quads)
    assert framed["@context"] == jsonld.CONTEXT_URL
    assert framed["budget"]["currency"] == "SEK"
    again = jsonld.parse_jsonld(json.dumps(framed))
    assert to_isomorphic(as_rdflib(again)) == to_isomorphic(as_rdflib(quads))


# --- one reader, one truth: the corners where the fast reader once disagreed ----------------
def fast_route(text: str | bytes) -> bool:
    return jsonld_terms.read(text).fast


XSD_INTEGER = "http://www.w3.org/2001/XMLSchema#integer"
TITLE = "http://purl.org/dc/terms/title"

#: Documents both routes read, with the same triples; the fast reader must decline each one
#: (or read it to the same triples).
AGREE = {
    "language-sv-1-is-dropped": variant(title={"sv-1": "Ogiltig", "sv": "Giltig"}),
    "language-x-is-dropped": variant(title={"x": "Ogiltig", "sv": "Giltig"}),
    "language-with-a-lone-singleton-is-dropped": variant(title={"sv-a": "x", "sv": "Giltig"}),
    "language-with-four-extlangs-is-dropped": variant(title={"sv-aaa-bbb-ccc-ddd": "x"}),
    "blank-label-with-a-space-drops-the-node": variant(budget={"id": "_:a b", "value": 1}),
    "blank-label-ending-in-a-dot-drops-the-node": variant(budget={"id": "_:a.", "value": 1}),
    "blank-label-starting-with-a-hyphen": variant(reuses=["_:-a"]),
    "empty-list-on-a-term-is-no-statement": variant(theme=[], keyword={"sv": []}),
    "empty-type-list": variant(type=[]),
}

#: Documents that are errors in JSON-LD 1.1 (and for the store's parser).
ERRORS = {
    "@list-empty": variant(**{"@list": []}),
    "@set-empty": variant(**{"@set": []}),
    "@reverse-empty": variant(**{"@reverse": []}),
    "@index-empty": variant(**{"@index": []}),
    "@value-empty": variant(**{"@value": []}),
    "id-null": variant(id=None),
    "@id-null": {**member(RECORD), "@context": jsonld.CONTEXT_URL, "@id": None},
    "nested-id-null": variant(budget={"id": None, "value": 1}),
    "protected-prefix-redefined": {**RECORD, "@context": [jsonld.CONTEXT_URL,
                                                          {"dct": "https://example.org/"}]},
    "protected-prefix-redefined-in-a-nested-object": variant(
        budget={"@context": {"pios": "https://example.org/"}, "value": 1}),
    "protected-term-redefined": {**RECORD, "@context": [jsonld.CONTEXT_URL,
                                                        {"title": "https://example.org/t"}]},
    "context-cleared": {**RECORD, "@context": [jsonld.CONTEXT_URL, None]},
}


@pytest.mark.parametrize("name", sorted(AGREE))
def test_fast_reader_agrees_with_the_standard_parser_in_the_corners(name):
    text = json.dumps(AGREE[name], ensure_ascii=False)
    expected = standard(text)
    got = jsonld_terms.read_terms(text.encode())
    assert tree_signature(got) == tree_signature(expected)
    # and what it read can be written as N-Triples that parse back to the same graph
    written = ntriples.serialize(got.triples())
    assert len(list(ox.parse(written, format=ox.RdfFormat.N_TRIPLES))) == len(got)


def test_language_tags_that_are_not_bcp47_are_dropped_as_json_ld_1_1_says():
    graph = jsonld_terms.read_terms(json.dumps(AGREE["language-sv-1-is-dropped"]))
    titles = graph.objects(RECORD["id"], TITLE)
    assert titles == [("Giltig", "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString", "sv")]


def test_blank_node_labels_are_never_written_raw_into_n_triples():
    graph = jsonld_terms.read_terms(json.dumps(variant(reuses=["_:a b", "_:ok"])))
    text = ntriples.serialize(graph.triples()).decode()
    assert "_:a b" not in text
    list(ox.parse(text, format=ox.RdfFormat.N_TRIPLES))


@pytest.mark.parametrize("name", sorted(ERRORS))
def test_json_ld_errors_are_errors_on_both_routes(name):
    text = json.dumps(ERRORS[name])
    with pytest.raises(ParseError):
        standard(text)
    with pytest.raises(ParseError):
        jsonld_terms.read_terms(text)


def test_an_encoded_surrogate_is_not_utf8_and_never_reaches_a_writer():
    data = json.dumps(variant(identifier="X")).encode().replace(b'"X"', b'"\xed\xa0\x80"')
    with pytest.raises(ParseError, match="UTF-8"):
        jsonld_terms.read_terms(data)
    with pytest.raises(ParseError, match="UTF-8"):
        standard(data)


def test_a_lone_surrogate_in_text_is_refused():
    with pytest.raises(ParseError):
        jsonld_terms.read_terms(json.dumps(variant(identifier="x")).replace("x\"", "\ud800\""))
    with pytest.raises(ParseError):  # escaped: the standard route refuses it
        jsonld_terms.read_terms(json.dumps(variant(identifier="\ud800")))


def test_nan_and_infinity_are_not_json():
    for word in ("NaN", "Infinity", "-Infinity"):
        text = json.dumps(variant(identifier="X")).replace('"X"', word)
        with pytest.raises(ParseError, match=word):
            jsonld_terms.read_terms(text)


def test_an_integer_of_4301_digits_is_read_as_the_store_reads_it():
    text = json.dumps(variant(identifier="X")).replace('"X"', "1" + "0" * 4300)
    assert not fast_route(text)
    graph = jsonld_terms.read_terms(text)
    (value,) = graph.objects(RECORD["id"], "http://purl.org/dc/terms/identifier")
    assert value == ("1.0E4300", "http://www.w3.org/2001/XMLSchema#double", None)


def test_a_float_beyond_the_double_range_is_read_as_the_store_reads_it():
    text = json.dumps(variant(identifier="X")).replace('"X"', "1.5e400")
    graph = jsonld_terms.read_terms(text)
    (value,) = graph.objects(RECORD["id"], "http://purl.org/dc/terms/identifier")
    assert value == ("1.5E400", "http://www.w3.org/2001/XMLSchema#double", None)


def test_a_string_too_long_for_the_store_is_a_parse_error_on_both_routes():
    text = json.dumps(variant(identifier="x" * 17_000_000))
    with pytest.raises(ParseError, match="too long"):
        jsonld_terms.read_terms(text.encode())
    with pytest.raises(ParseError, match="too long"):
        standard(text)


@pytest.mark.parametrize("number", [10**20, 123456789012345678901, -(10**20) - 7,
                                    10**21 - 1])
def test_integers_below_10_21_are_integers_on_both_routes(number):
    # JSON-LD 1.1: a number without a fraction below 10^21 is an xsd:integer; pyoxigraph makes
    # those from 10^20 up doubles, and parse_jsonld puts the integer back (decision 0008)
    doc = variant(budget={"value": number, "currency": "SEK"})
    expected = [(str(number), XSD_INTEGER, None)]
    for graph in (jsonld_terms.read_terms(json.dumps(doc)),
                  standard(json.dumps({**doc, "unknown": "declines"}))):
        (budget,) = graph.objects(RECORD["id"], "https://w3id.org/pios/vocab#budget")
        assert graph.objects(budget, "https://schema.org/value") == expected


def test_the_inlined_bundled_context_takes_the_fast_path():
    inlined = {**RECORD, "@context": jsonld.context_document()["@context"]}
    assert fast_route(json.dumps(inlined))
    assert tree_signature(jsonld_terms.read_terms(json.dumps(inlined))) == \
        tree_signature(standard(json.dumps(RECORD)))


def test_a_context_that_only_resembles_the_bundled_one_declines():
    changed = jsonld.context_document()["@context"]
    changed["@protected"] = 1  # equal in Python, not in JSON (and not valid JSON-LD)
    with pytest.raises(jsonld_terms._Decline):
        jsonld_terms._read_document({**RECORD, "@context": changed})
    with pytest.raises(ParseError, match="@protected"):
        jsonld_terms.read_terms(json.dumps({**RECORD, "@context": changed}))
    changed = jsonld.context_document()["@context"]
    changed["title"] = {"@id": "dct:alternative", "@container": "@language"}
    doc = {**RECORD, "@context": changed}
    assert not fast_route(json.dumps(doc))
    assert (RECORD["id"], "http://purl.org/dc/terms/alternative") in {
        (s, p) for s, p, _ in jsonld_terms.read_terms(json.dumps(doc)).triples()}


def test_a_long_non_ascii_string_is_read_alike_on_both_routes():
    # 7 MB of "é": the standard route once wrote it as \u00e9 escapes (21 MB) for pyoxigraph,
    # which then refused what the fast reader read
    doc = variant(identifier="é" * 3_500_000)
    data = json.dumps(doc, ensure_ascii=False).encode()
    assert fast_route(data)
    assert tree_signature(jsonld_terms.read_terms(data)) == tree_signature(standard(data))
