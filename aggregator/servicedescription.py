"""The SPARQL 1.1 Service Description of each endpoint (pure).

What ``GET /sparql`` (and ``/sparql/history``) without a query answers to anyone but a browser:
an ``sd:Service`` with its ``sd:endpoint``, the language (``sd:SPARQL11Query``), every result
format it writes (``sd:resultFormat``, the W3C format IRIs), ``sd:UnionDefaultGraph`` where the
default graph is the union of the named graphs (the national graph), and the default dataset:
``sd:defaultGraph`` and one ``sd:namedGraph`` (``sd:name``) for every named graph. Written in
Turtle, RDF/XML, N-Triples or JSON-LD, as ``Accept`` asks (Turtle when none fits).
"""

from __future__ import annotations

from collections.abc import Sequence

import pyoxigraph as ox
from pios_ld.aggregator import results
from pios_ld.aggregator.store import NATIONAL

from pios_ld import negotiate

SD = "http://www.w3.org/ns/sparql-service-description#"
FORMATS_NS = "http://www.w3.org/ns/formats/"
DCT = "http://purl.org/dc/terms/"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
SEE_ALSO = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#seeAlso")
#: The syntaxes the description is written in, best first.
FORMATS = {"turtle": "text/turtle", "rdfxml": "application/rdf+xml",
           "ntriples": "application/n-triples", "jsonld": "application/ld+json"}
RESULT_FORMATS = ("SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV",
                  "SPARQL_Results_TSV", "Turtle", "RDF_XML", "N-Triples", "JSON-LD", "N-Quads")

_DESCRIPTIONS = {
    NATIONAL: (
        ("The national graph of digital development initiatives. Default graph: the union of "
         "the named graphs (every node's current graph and the reference data). Read-only; "
         "SERVICE is refused; queries have a timeout and a result cap. Relative IRIs resolve "
         "against the endpoint's URL. The history and the crawl log: {other}."),
        ("Den nationella grafen över digitala utvecklingsinitiativ. Standardgrafen: unionen av "
         "de namngivna graferna (varje nods aktuella graf och referensdata). Skrivskyddad; "
         "SERVICE avvisas; frågor har tidsgräns och radtak. Relativa IRI:er tolkas mot "
         "tjänstens URL. Historiken och genomsökningsloggen: {other}.")),
    "history": (
        ("Every version of every initiative read from the nodes' feeds is the default graph "
         "(dct:isVersionOf the initiative, prov:generatedAtTime); the crawl log (PROV, one "
         "prov:Activity per crawl of one node) is a named graph. Read-only. Relative IRIs "
         "resolve against the endpoint's URL. The current national graph: {other}."),
        ("Varje version av varje initiativ som lästs från nodernas flöden är standardgrafen "
         "(dct:isVersionOf initiativet, prov:generatedAtTime); genomsökningsloggen (PROV, en "
         "prov:Activity per genomsökning av en nod) är en namngiven graf. Skrivskyddad. "
         "Relativa IRI:er tolkas mot tjänstens URL. Den aktuella nationella grafen: {other}.")),
}


def describe(url: str, dataset: str, named_graphs: Sequence[str], other: str) -> list[ox.Triple]:
    """The description of the endpoint at *url* serving *dataset* with *named_graphs*; *other*
    is the other dataset's endpoint."""
    sd = lambda name: ox.NamedNode(SD + name)  # noqa: E731 - a namespace, read as sd("…")
    service, data, default = ox.NamedNode(url), ox.BlankNode("dataset"), ox.BlankNode("default")
    out = [
        ox.Triple(service, RDF_TYPE, sd("Service")),
        ox.Triple(service, sd("endpoint"), service),
        ox.Triple(service, sd("supportedLanguage"), sd("SPARQL11Query")),
        *(ox.Triple(service, sd("resultFormat"), ox.NamedNode(FORMATS_NS + f))
          for f in RESULT_FORMATS),
    ]
    if dataset == NATIONAL:
        out.append(ox.Triple(service, sd("feature"), sd("UnionDefaultGraph")))
    en, sv = _DESCRIPTIONS[dataset]
    out += [
        ox.Triple(service, ox.NamedNode(DCT + "description"),
                  ox.Literal(en.format(other=other), language="en")),
        ox.Triple(service, ox.NamedNode(DCT + "description"),
                  ox.Literal(sv.format(other=other), language="sv")),
        ox.Triple(service, SEE_ALSO, ox.NamedNode(other)),
        ox.Triple(service, sd("defaultDataset"), data),
        ox.Triple(data, RDF_TYPE, sd("Dataset")),
        ox.Triple(data, sd("defaultGraph"), default),
        ox.Triple(default, RDF_TYPE, sd("Graph")),
    ]
    for number, name in enumerate(named_graphs):
        entry, graph = ox.BlankNode(f"named{number}"), ox.BlankNode(f"graph{number}")
        out += [ox.Triple(data, sd("namedGraph"), entry),
                ox.Triple(entry, RDF_TYPE, sd("NamedGraph")),
                ox.Triple(entry, sd("name"), ox.NamedNode(name)),
                ox.Triple(entry, sd("graph"), graph),
                ox.Triple(graph, RDF_TYPE, sd("Graph"))]
    return out


def write(statements: Sequence[ox.Triple], accept: str | None) -> tuple[str, bytes]:
    """The description in the syntax *accept* prefers: ``(format name, body)``."""
    ranked = negotiate.preferences(accept, [(name, (media,)) for name, media in FORMATS.items()])
    return results.triples(statements, [*ranked, "turtle"])
