"""The vocabulary in code: namespace IRIs and the terms pios-ld uses, as plain ``str`` constants.

Terms are ``str`` because that is what an IRI is everywhere else in the library
(:mod:`pios_ld.terms`: ``TermGraph`` keys, SPARQL substitutions via ``pyoxigraph.NamedNode``).

- A namespace is a module constant holding its IRI: ``PIOS + "phase"`` for a term computed at run
  time, ``f"PREFIX pios: <{PIOS}>"`` in a query.
- A term the code names is an attribute of its namespace's class, spelt as in the vocabulary
  (``Pios.Initiative`` is ``pios:Initiative``, ``Pios.initiative`` is ``pios:initiative``), so
  that the class and the property of the same name stay apart.

Every ``pios:`` and ``agg:`` term named here, in the code, the JSON-LD context and the shapes is
defined in ``vocab/pios.ttl`` or ``vocab/aggregator.ttl`` (the aggregator's own terms); a test
walks them all. Other vocabularies' terms are theirs to define.
"""

from __future__ import annotations

from typing import Final

# -- pios: the shared standard (DESIGN.md §3) -------------------------------------------------
PIOS: Final = "https://w3id.org/pios/vocab#"
SHAPES: Final = "https://w3id.org/pios/shapes#"
CONCEPT: Final = "https://w3id.org/pios/concept/"
PHASE: Final = CONCEPT + "phase/"
THEME: Final = CONCEPT + "theme/"
HEALTH: Final = CONCEPT + "health/"
ORGTYPE: Final = CONCEPT + "organization-type/"
CONTEXT_URL: Final = "https://w3id.org/pios/context.jsonld"
#: The aggregator's own terms (crawl log, stale marks): ``vocab/aggregator.ttl``.
AGG: Final = "https://w3id.org/pios/aggregator#"
#: The aggregator's named graphs.
GRAPH: Final = "https://w3id.org/pios/graph/"

# -- other vocabularies ------------------------------------------------------------------------
RDF: Final = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS: Final = "http://www.w3.org/2000/01/rdf-schema#"
XSD: Final = "http://www.w3.org/2001/XMLSchema#"
OWL: Final = "http://www.w3.org/2002/07/owl#"
SH: Final = "http://www.w3.org/ns/shacl#"
DCT: Final = "http://purl.org/dc/terms/"
DCAT: Final = "http://www.w3.org/ns/dcat#"
PROV: Final = "http://www.w3.org/ns/prov#"
SCHEMA: Final = "https://schema.org/"
SKOS: Final = "http://www.w3.org/2004/02/skos/core#"
VCARD: Final = "http://www.w3.org/2006/vcard/ns#"
FOAF: Final = "http://xmlns.com/foaf/0.1/"
ORG: Final = "http://www.w3.org/ns/org#"
LDES: Final = "https://w3id.org/ldes#"
TREE: Final = "https://w3id.org/tree#"
AS: Final = "https://www.w3.org/ns/activitystreams#"
HYDRA: Final = "http://www.w3.org/ns/hydra/core#"
DOAP: Final = "http://usefulinc.com/ns/doap#"
VOID: Final = "http://rdfs.org/ns/void#"
SD: Final = "http://www.w3.org/ns/sparql-service-description#"

#: The prefixes of the documentation and of written Turtle, prefix -> namespace IRI.
PREFIXES: Final[dict[str, str]] = {
    "pios": PIOS, "phase": PHASE, "theme": THEME, "health": HEALTH, "orgtype": ORGTYPE,
    "dct": DCT, "dcat": DCAT, "prov": PROV, "schema": SCHEMA, "skos": SKOS, "vcard": VCARD,
    "ldes": LDES, "tree": TREE, "xsd": XSD, "rdf": RDF, "rdfs": RDFS,
}


class Pios:
    """``pios:`` terms the code names (``vocab/pios.ttl``)."""

    Initiative: Final = PIOS + "Initiative"
    Catalog: Final = PIOS + "Catalog"
    StatusUpdate: Final = PIOS + "StatusUpdate"
    initiative: Final = PIOS + "initiative"
    nextPage: Final = PIOS + "nextPage"
    totalItems: Final = PIOS + "totalItems"
    responsibleOrganization: Final = PIOS + "responsibleOrganization"
    participant: Final = PIOS + "participant"
    phase: Final = PIOS + "phase"
    theme: Final = PIOS + "theme"
    budget: Final = PIOS + "budget"
    hasStatusUpdate: Final = PIOS + "hasStatusUpdate"


class Agg:
    """The aggregator's own terms (``vocab/aggregator.ttl``): the crawl log and stale marks."""

    Crawl: Final = AGG + "Crawl"
    node: Final = AGG + "node"
    status: Final = AGG + "status"
    httpStatus: Final = AGG + "httpStatus"
    etag: Final = AGG + "etag"
    initiatives: Final = AGG + "initiatives"
    quarantined: Final = AGG + "quarantined"
    stale: Final = AGG + "stale"
    dropped: Final = AGG + "dropped"
    warnings: Final = AGG + "warnings"
    versions: Final = AGG + "versions"
    repeatedVersions: Final = AGG + "repeatedVersions"
    declinedDocuments: Final = AGG + "declinedDocuments"
    pyshaclRecords: Final = AGG + "pyshaclRecords"
    problem: Final = AGG + "problem"
    kind: Final = AGG + "kind"
    subject: Final = AGG + "subject"
    result: Final = AGG + "result"
    path: Final = AGG + "path"
    value: Final = AGG + "value"


class Rdf:
    type: Final = RDF + "type"
    langString: Final = RDF + "langString"


class Rdfs:
    label: Final = RDFS + "label"
    comment: Final = RDFS + "comment"


class Xsd:
    string: Final = XSD + "string"
    boolean: Final = XSD + "boolean"
    integer: Final = XSD + "integer"
    decimal: Final = XSD + "decimal"
    double: Final = XSD + "double"
    date: Final = XSD + "date"
    dateTime: Final = XSD + "dateTime"


class Dct:
    identifier: Final = DCT + "identifier"
    title: Final = DCT + "title"
    description: Final = DCT + "description"
    modified: Final = DCT + "modified"
    publisher: Final = DCT + "publisher"
    isVersionOf: Final = DCT + "isVersionOf"


class Prov:
    Activity: Final = PROV + "Activity"
    startedAtTime: Final = PROV + "startedAtTime"
    endedAtTime: Final = PROV + "endedAtTime"
    used: Final = PROV + "used"
    generated: Final = PROV + "generated"
    generatedAtTime: Final = PROV + "generatedAtTime"


#: The one ``rdf:type``, for the many places that need it.
RDF_TYPE: Final = Rdf.type
