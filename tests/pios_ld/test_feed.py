"""The feed's wire format: LDES pages that any RDF reader understands the same way."""

import json

import pytest

from pios_ld import feed, rdf, validation

BASE = "https://pios.example.se"
INITIATIVE = f"{BASE}/initiatives/digital-tillsyn"


def record(title: str = "Digital tillsyn") -> dict:
    return {
        "@context": "https://w3id.org/pios/context.jsonld",
        "id": INITIATIVE,
        "type": "Initiative",
        "identifier": "digital-tillsyn",
        "title": {"sv": title},
        "description": {"sv": "Kameror ersätter nattliga besök."},
        "responsibleOrganization": "http://dataportal.se/organisation/SE2120000019",
        "phase": "pilot",
        "theme": ["elderly-care"],
        "modified": "2026-11-20T10:00:00Z",
    }


def versions() -> list[feed.Version]:
    return [
        feed.Version(1, INITIATIVE, feed.CREATE, "2026-11-20T10:00:00Z", record()),
        feed.Version(2, INITIATIVE, feed.UPDATE, "2026-11-20T11:00:00Z", record("Ny titel")),
        feed.Version(3, INITIATIVE, feed.DELETE, "2026-11-20T12:00:00Z"),
    ]


@pytest.mark.parametrize("fmt", ["turtle", "ntriples", "nquads"])
def test_page_reads_back_create_update_delete_in_order_in_every_syntax(fmt):
    document = feed.page_document(BASE, 1, versions(), total=3, page_size=10)
    quads = rdf.parse(json.dumps(document), "jsonld")
    again = rdf.parse(rdf.serialize(quads, fmt), fmt)
    page = feed.read_page(again, feed.page_url(BASE, 1))
    assert [m.iri.rsplit("/", 1)[-1] for m in page.members] == ["1", "2", "3"]
    assert [m.deleted for m in page.members] == [False, False, True]
    assert {m.initiative for m in page.members} == {INITIATIVE}
    assert page.next_pages == () and not page.immutable


def test_full_page_is_immutable_and_links_the_next_page_from_its_last_timestamp():
    document = feed.page_document(BASE, 1, versions(), total=3, page_size=3)
    quads = rdf.parse(json.dumps(document), "jsonld")
    page = feed.read_page(quads, feed.page_url(BASE, 1))
    assert page.immutable
    assert page.next_pages == (feed.page_url(BASE, 2),)
    values = [q.object.value for q in quads if q.predicate.value == feed.TREE + "value"]
    assert values == ["2026-11-20T12:00:00Z"]


def test_stream_document_declares_the_ldes_paths_and_view():
    quads = rdf.parse(json.dumps(feed.stream_document(BASE)), "jsonld")
    by_predicate = {q.predicate.value: q.object.value for q in quads}
    assert by_predicate[feed.LDES + "timestampPath"] == feed.PROV + "generatedAtTime"
    assert by_predicate[feed.LDES + "versionOfPath"] == feed.DCT + "isVersionOf"
    assert by_predicate[feed.LDES + "versionDeleteObject"] == feed.AS + "Delete"
    assert by_predicate[feed.TREE + "view"] == feed.page_url(BASE, 1)


def test_page_with_versions_conforms_to_the_shapes():
    document = feed.page_document(BASE, 1, versions(), total=3)
    assert validation.validate(rdf.parse(json.dumps(document), "jsonld")).conforms


def test_inlined_context_gives_the_same_graph():
    document = feed.page_document(BASE, 1, versions(), total=3)
    inlined = feed.inline_context(document)
    assert "https://w3id.org/pios/context.jsonld" not in json.dumps(inlined["@context"])
    a = rdf.parse(json.dumps(document), "jsonld")
    b = rdf.parse(json.dumps(inlined), "jsonld")
    assert len(a) == len(b)


def test_page_count_always_leaves_an_open_page_after_full_ones():
    assert feed.page_count(0, 10) == 1
    assert feed.page_count(9, 10) == 1
    assert feed.page_count(10, 10) == 2
    assert feed.page_range(2, 10) == (11, 20)
