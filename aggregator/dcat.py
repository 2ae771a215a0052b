"""The national dataset described in DCAT-AP-SE, for Sweden's data portal to harvest (pure).

What ``GET /catalog`` answers (Turtle by default; RDF/XML or JSON-LD as ``Accept`` asks, or the
suffixes ``.ttl``, ``.rdf``, ``.jsonld``): one ``dcat:Catalog`` with

- two ``dcat:Dataset``: the **current state** (the national graph: every node's current graph
  and the reference data) and the **history** (every version of every initiative read from the
  nodes' feeds, and the crawl log). Each has a title and description in Swedish and English, the
  publisher and contact point, the licence, EU data themes (``GOVE``, ``TECH``), Sweden as
  spatial coverage, ``dct:modified`` from the latest crawl, ``dct:bibliographicCitation``
  (:func:`citation`), and its distributions;
- distributions: the SPARQL endpoint (``dcat:accessService``) for both, and the latest dump
  (N-Quads, gzip) with its download URL for the current state;
- two ``dcat:DataService``: ``/sparql`` and ``/sparql/history`` (``dcat:endpointURL``,
  ``dcat:endpointDescription`` = the SPARQL service description, ``dcat:servesDataset``).

Every IRI is absolute, made from *base* (the ``public_url`` setting or the request's URL). The
mandatory properties are checked by ``shapes/dcat-ap-se.ttl``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, XSD

VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
EU_THEME = "http://publications.europa.eu/resource/authority/data-theme/"
EU_FILE_TYPE = "http://publications.europa.eu/resource/authority/file-type/"
EU_LANGUAGE = "http://publications.europa.eu/resource/authority/language/"
SWEDEN = URIRef("http://publications.europa.eu/resource/authority/country/SWE")
MEDIA = "https://www.iana.org/assignments/media-types/"
SPARQL_PROTOCOL = URIRef("https://www.w3.org/TR/sparql11-protocol/")

#: Syntaxes the description is written in: suffix -> (media type, rdflib format), best first.
FORMATS = {"ttl": ("text/turtle", "turtle"), "rdf": ("application/rdf+xml", "xml"),
           "jsonld": ("application/ld+json", "json-ld")}


@dataclass(frozen=True)
class Publisher:
    """Who publishes the national dataset (the aggregator's operator)."""

    name: str
    homepage: str
    #: empty when the operator set none: the catalog then has no contact point
    email: str = ""
    license: str = "http://creativecommons.org/publicdomain/zero/1.0/"


def citation(publisher: Publisher, base: str, year: int | str) -> str:
    """How to cite the dataset: publisher, year, title, kind, URL."""
    return (f"{publisher.name} ({year}). Digitala utvecklingsinitiativ i Sveriges offentliga "
            f"sektor – nationell graf [Datamängd, länkade data]. {base.rstrip('/')}/catalog")


def citation_year(modified: datetime | None) -> int | str:
    """The year a citation names: the latest crawl's, "u.å." (no year) before any crawl."""
    return modified.year if modified else "u.å."


def describe(base: str, publisher: Publisher, modified: datetime | None,
             dump: str | None) -> Graph:
    """The catalog for the aggregator at *base*; *modified* is the latest crawl's end, *dump*
    the latest dump's file name (or None when none has been made)."""
    base = base.rstrip("/")
    g = Graph()
    g.bind("dcat", DCAT)
    g.bind("dct", DCTERMS)
    g.bind("foaf", FOAF)
    g.bind("vcard", VCARD)
    iri = lambda path: URIRef(base + path)  # noqa: E731 - read as iri("/sparql")
    catalog, current, history = iri("/catalog"), iri("/catalog#current"), iri("/catalog#history")
    agent, contact = iri("/catalog#publisher"), iri("/catalog#contact")
    licence = URIRef(publisher.license)
    year = citation_year(modified)

    g.add((agent, RDF.type, FOAF.Agent))
    g.add((agent, FOAF.name, Literal(publisher.name)))
    g.add((agent, FOAF.homepage, URIRef(publisher.homepage)))
    if publisher.email:  # without one there is no contact point (the shapes then say so)
        g.add((agent, FOAF.mbox, URIRef("mailto:" + publisher.email)))
        g.add((contact, RDF.type, VCARD.Organization))
        g.add((contact, VCARD.fn, Literal(publisher.name)))
        g.add((contact, VCARD.hasEmail, URIRef("mailto:" + publisher.email)))
    g.add((licence, RDF.type, DCTERMS.LicenseDocument))

    def text(subject, prop, sv: str, en: str) -> None:
        g.add((subject, prop, Literal(sv, lang="sv")))
        g.add((subject, prop, Literal(en, lang="en")))

    g.add((catalog, RDF.type, DCAT.Catalog))
    text(catalog, DCTERMS.title, "Digitala utvecklingsinitiativ i offentlig sektor",
         "Digital development initiatives in the Swedish public sector")
    text(catalog, DCTERMS.description,
         "Nationell sammanställning av de initiativ som offentliga organisationer publicerar "
         "på sina pios-noder, som länkade data.",
         "The national compilation of the initiatives public organisations publish on their "
         "pios nodes, as linked data.")
    g.add((catalog, DCTERMS.publisher, agent))
    g.add((catalog, DCTERMS.license, licence))
    g.add((catalog, FOAF.homepage, iri("/")))
    g.add((catalog, DCTERMS.language, URIRef(EU_LANGUAGE + "SWE")))
    g.add((catalog, DCTERMS.spatial, SWEDEN))
    if modified:
        g.add((catalog, DCTERMS.modified, Literal(modified.isoformat(), datatype=XSD.dateTime)))

    services = {}
    for name, path, sv, en in (
            ("current", "/sparql", "SPARQL-tjänst för den nationella grafen",
             "SPARQL endpoint of the national graph"),
            ("history", "/sparql/history", "SPARQL-tjänst för historiken",
             "SPARQL endpoint of the history")):
        service = iri(path)
        services[name] = service
        g.add((catalog, DCAT.service, service))
        g.add((service, RDF.type, DCAT.DataService))
        text(service, DCTERMS.title, sv, en)
        g.add((service, DCAT.endpointURL, service))
        g.add((service, DCAT.endpointDescription, service))
        g.add((service, DCTERMS.conformsTo, SPARQL_PROTOCOL))
        g.add((service, DCTERMS.publisher, agent))
        if publisher.email:
            g.add((service, DCAT.contactPoint, contact))
        g.add((service, DCTERMS.license, licence))

    for dataset, name, (sv_title, en_title, sv_text, en_text) in (
            (current, "current", (
                "Digitala utvecklingsinitiativ – aktuellt läge",
                "Digital development initiatives – current state",
                "Varje initiativ som det nu är beskrivet av organisationen som driver det: fas, "
                "tema, mål, budget, partner, återanvändning, kontakt. En namngiven graf per nod "
                "och en för referensdata (organisationer, begreppsscheman).",
                "Every initiative as the organisation running it now describes it: phase, "
                "theme, goals, budget, partners, reuse, contact. One named graph per node and "
                "one for the reference data (organisations, concept schemes).")),
            (history, "history", (
                "Digitala utvecklingsinitiativ – historik",
                "Digital development initiatives – history",
                "Varje version av varje initiativ som lästs från nodernas flöden "
                "(dct:isVersionOf, prov:generatedAtTime) och genomsökningsloggen.",
                "Every version of every initiative read from the nodes' feeds "
                "(dct:isVersionOf, prov:generatedAtTime) and the crawl log."))):
        g.add((catalog, DCAT.dataset, dataset))
        g.add((dataset, RDF.type, DCAT.Dataset))
        text(dataset, DCTERMS.title, sv_title, en_title)
        text(dataset, DCTERMS.description, sv_text, en_text)
        g.add((dataset, DCTERMS.publisher, agent))
        if publisher.email:
            g.add((dataset, DCAT.contactPoint, contact))
        g.add((dataset, DCAT.landingPage, iri("/")))
        g.add((dataset, DCAT.theme, URIRef(EU_THEME + "GOVE")))
        g.add((dataset, DCAT.theme, URIRef(EU_THEME + "TECH")))
        g.add((dataset, DCTERMS.spatial, SWEDEN))
        g.add((dataset, DCTERMS.accessRights,
               URIRef("http://publications.europa.eu/resource/authority/access-right/PUBLIC")))
        g.add((dataset, DCTERMS.bibliographicCitation, Literal(citation(publisher, base, year))))
        for word in ("digitalisering", "offentlig sektor", "länkade data"):
            g.add((dataset, DCAT.keyword, Literal(word, lang="sv")))
        if modified:
            g.add((dataset, DCTERMS.modified,
                   Literal(modified.isoformat(), datatype=XSD.dateTime)))
        g.add((services[name], DCAT.servesDataset, dataset))
        endpoint = BNode(f"{name}-sparql")
        g.add((dataset, DCAT.distribution, endpoint))
        g.add((endpoint, RDF.type, DCAT.Distribution))
        text(endpoint, DCTERMS.title, "SPARQL-fråga", "SPARQL query")
        g.add((endpoint, DCAT.accessURL, services[name]))
        g.add((endpoint, DCAT.accessService, services[name]))
        g.add((endpoint, DCTERMS.license, licence))
        g.add((endpoint, DCAT.mediaType, URIRef(MEDIA + "application/sparql-results+json")))
    if dump:
        download = BNode("current-dump")
        g.add((current, DCAT.distribution, download))
        g.add((download, RDF.type, DCAT.Distribution))
        text(download, DCTERMS.title, "Senaste dump (N-Quads, gzip)",
             "Latest dump (N-Quads, gzip)")
        g.add((download, DCAT.accessURL, iri("/dumps/latest")))
        g.add((download, DCAT.downloadURL, iri("/dumps/" + dump)))
        g.add((download, DCAT.mediaType, URIRef(MEDIA + "application/n-quads")))
        g.add((download, DCAT.compressFormat, URIRef(MEDIA + "application/gzip")))
        g.add((download, DCTERMS.format, URIRef(EU_FILE_TYPE + "RDF_N_QUADS")))
        g.add((download, DCTERMS.license, licence))
    return g


def serialize(graph: Graph, suffix: str) -> tuple[bytes, str]:
    """*graph* written in the syntax of *suffix* (a key of :data:`FORMATS`), with its media type."""
    media, fmt = FORMATS[suffix]
    return graph.serialize(format=fmt, encoding="utf-8"), media
