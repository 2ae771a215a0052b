"""The crawl log as PROV statements (pure): one ``prov:Activity`` per crawl of one node.

Each crawl is ``<urn:uuid:…> a prov:Activity, agg:Crawl`` with its start and end, the node it
read (``prov:used`` the catalog and feed URLs, ``agg:node`` the node's graph), the HTTP status and
ETag, counts (initiatives kept, quarantined, stale, dropped, warnings, versions read) and one
``agg:problem`` per refused record or statement with ``agg:subject``, ``agg:kind`` and the message
in Swedish and English (``rdfs:comment``). The crawler keeps at most ``max_problems`` problems and
as many rule results per crawl; ``agg:omittedProblems`` on the crawl and ``agg:omittedResults``
on a problem count the rest, so that nothing a node sends can grow the log without bound. When
the node graph was replaced, the crawl ``prov:generated`` it. The log lives in the named graph
:data:`CRAWL_LOG`.
"""

from __future__ import annotations

import uuid
from typing import Any

import pyoxigraph as ox
from pios_ld.aggregator.records import AGG, Problem

PROV = "http://www.w3.org/ns/prov#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
XSD = "http://www.w3.org/2001/XMLSchema#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"

HISTORY = "https://w3id.org/pios/graph/history"
CRAWL_LOG = "https://w3id.org/pios/graph/crawl-log"
REFERENCE = "https://w3id.org/pios/graph/reference"


def _n(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


def _int(value: int) -> ox.Literal:
    return ox.Literal(str(value), datatype=_n(XSD + "integer"))


def _time(value: str) -> ox.Literal:
    return ox.Literal(value, datatype=_n(XSD + "dateTime"))


def statements(node_graph: str, used: list[str], started: str, finished: str, status: str,
               http_status: int | None, etag: str | None, counts: dict[str, int],
               problems: list[Problem], generated: bool) -> list[ox.Triple]:
    """The PROV description of one crawl of one node."""
    crawl = _n(f"urn:uuid:{uuid.uuid4()}")
    out = [
        ox.Triple(crawl, _n(RDF_TYPE), _n(PROV + "Activity")),
        ox.Triple(crawl, _n(RDF_TYPE), _n(AGG + "Crawl")),
        ox.Triple(crawl, _n(PROV + "startedAtTime"), _time(started)),
        ox.Triple(crawl, _n(PROV + "endedAtTime"), _time(finished)),
        ox.Triple(crawl, _n(AGG + "node"), _n(node_graph)),
        ox.Triple(crawl, _n(AGG + "status"), ox.Literal(status)),
    ]
    out += [ox.Triple(crawl, _n(PROV + "used"), _n(url)) for url in used if url]
    if http_status is not None:
        out.append(ox.Triple(crawl, _n(AGG + "httpStatus"), _int(http_status)))
    if etag:
        out.append(ox.Triple(crawl, _n(AGG + "etag"), ox.Literal(etag)))
    if generated:
        out.append(ox.Triple(crawl, _n(PROV + "generated"), _n(node_graph)))
    for name, value in counts.items():
        out.append(ox.Triple(crawl, _n(AGG + name), _int(value)))
    for problem in problems:
        node = ox.BlankNode()
        out += [
            ox.Triple(crawl, _n(AGG + "problem"), node),
            ox.Triple(node, _n(AGG + "kind"), ox.Literal(problem.kind)),
            ox.Triple(node, _n(RDFS + "comment"), ox.Literal(problem.message_sv, language="sv")),
            ox.Triple(node, _n(RDFS + "comment"), ox.Literal(problem.message_en, language="en")),
        ]
        if problem.subject:
            out.append(ox.Triple(node, _n(AGG + "subject"), _n(problem.subject)))
        if problem.more:
            out.append(ox.Triple(node, _n(AGG + "omittedResults"), _int(problem.more)))
        for result in problem.results:
            out += _result(node, result)
    return out


def _result(problem: ox.BlankNode, result: dict[str, Any]) -> list[ox.Triple]:
    node = ox.BlankNode()
    out = [ox.Triple(problem, _n(AGG + "result"), node),
           ox.Triple(node, _n(RDFS + "comment"), ox.Literal(result["message_sv"], language="sv")),
           ox.Triple(node, _n(RDFS + "comment"), ox.Literal(result["message_en"], language="en"))]
    if result.get("path"):
        out.append(ox.Triple(node, _n(AGG + "path"), _n(result["path"])))
    if result.get("value") is not None:
        out.append(ox.Triple(node, _n(AGG + "value"), ox.Literal(str(result["value"]))))
    return out
