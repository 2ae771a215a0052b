"""The catalog's wire format: discovery, paging and validity."""

import json

from pios_ld import catalog, rdf, validation

BASE = "https://pios.example.se/"
ORG = "http://dataportal.se/organisation/SE2120000019"


def records(n: int) -> list[dict]:
    return [{
        "@context": "https://w3id.org/pios/context.jsonld",
        "id": catalog.initiative_iri(BASE, f"i-{i:03}"),
        "type": "Initiative",
        "identifier": f"i-{i:03}",
        "title": {"sv": f"Initiativ {i}"},
        "description": {"sv": "En beskrivning."},
        "responsibleOrganization": ORG,
        "phase": "idea",
        "modified": "2026-11-20T10:00:00Z",
    } for i in range(n)]


def test_well_known_names_catalog_feed_and_publisher():
    assert catalog.well_known(BASE, ORG) == {
        "catalog": "https://pios.example.se/catalog",
        "feed": "https://pios.example.se/feed",
        "publisher": ORG,
    }


def test_catalog_pages_link_onwards_until_the_last():
    items = records(5)
    pages = [catalog.catalog_page(BASE, ORG, "2026-11-20T10:00:00Z",
                                  catalog.paginate(items, n, 2), page=n, total=5, page_size=2)
             for n in (1, 2, 3)]
    assert [p.get("next") for p in pages] == [
        "https://pios.example.se/catalog-2", "https://pios.example.se/catalog-3", None]
    assert sum(len(p["initiative"]) for p in pages) == 5
    assert all("@context" not in r for p in pages for r in p["initiative"])


def test_catalog_page_conforms_and_holds_every_initiative():
    document = catalog.catalog_page(BASE, ORG, "2026-11-20T10:00:00Z", records(3))
    quads = rdf.parse(json.dumps(document), "jsonld")
    assert validation.validate(quads).conforms
    members = {q.object.value for q in quads
               if q.predicate.value == "https://w3id.org/pios/vocab#initiative"}
    assert len(members) == 3
