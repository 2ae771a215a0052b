"""SPARQL answers in the formats of the SPARQL 1.1 Protocol, with content negotiation (pure).

SELECT and ASK answers are written here (JSON, XML, CSV, TSV) from rows already counted against
the result cap, so a capped answer is an error, never a truncated ``200``. CONSTRUCT and DESCRIBE
answers are written by pyoxigraph (Turtle, N-Triples, N-Quads, JSON-LD).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox

SOLUTION_FORMATS = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
}
GRAPH_FORMATS = {
    "turtle": "text/turtle",
    "ntriples": "application/n-triples",
    "jsonld": "application/ld+json",
    "nquads": "application/n-quads",
}
_ALIASES = {
    "application/json": "json", "application/sparql-results+json": "json",
    "application/sparql-results+xml": "xml", "application/xml": "xml", "text/xml": "xml",
    "text/csv": "csv", "text/tab-separated-values": "tsv", "text/turtle": "turtle",
    "application/x-turtle": "turtle", "application/n-triples": "ntriples",
    "text/plain": "ntriples", "application/ld+json": "jsonld", "application/n-quads": "nquads",
    "ttl": "turtle", "nt": "ntriples", "nq": "nquads", "json-ld": "jsonld",
}
_OX = {"turtle": ox.RdfFormat.TURTLE, "ntriples": ox.RdfFormat.N_TRIPLES,
       "jsonld": ox.RdfFormat.JSON_LD, "nquads": ox.RdfFormat.N_QUADS}


class NotAcceptable(Exception):
    """No format the client accepts fits the answer."""


def _accepted(accept: str) -> list[tuple[float, int, str]]:
    ranked = []
    for position, part in enumerate(accept.split(",")):
        fields = [f.strip() for f in part.split(";")]
        media = fields[0].lower()
        q = 1.0
        for f in fields[1:]:
            if f.startswith("q="):
                try:
                    q = float(f[2:])
                except ValueError:
                    q = 0.0
        if media and q > 0:
            ranked.append((-q, position, media))
    return sorted(ranked)


def negotiate(accept: str | None, graph: bool, explicit: str | None = None) -> str:
    """The format name for an answer: *explicit* (``format=``) wins, then the Accept header."""
    table = GRAPH_FORMATS if graph else SOLUTION_FORMATS
    if explicit:
        name = _ALIASES.get(explicit.lower(), explicit.lower())
        if name in table:
            return name
        raise NotAcceptable(explicit)
    if not accept:
        return "turtle" if graph else "json"
    for _, _, media in _accepted(accept):
        if media in ("*/*", "application/*", "text/*") or media == "text/html":
            return "turtle" if graph else "json"
        name = _ALIASES.get(media)
        if name in table:
            return name
    raise NotAcceptable(accept)


def media_type(name: str) -> str:
    return {**SOLUTION_FORMATS, **GRAPH_FORMATS}[name]


def _json_term(term) -> dict:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
            out["datatype"] = term.datatype.value
        return out
    return {"type": "triple", "value": str(term)}


def solutions(variables: Sequence[str], rows: Sequence[Sequence], name: str) -> bytes:
    """Write SELECT rows (sequences of terms or None, in *variables* order) in format *name*."""
    if name == "json":
        bindings = [{v: _json_term(t) for v, t in zip(variables, row, strict=True) if t is not None}
                    for row in rows]
        return json.dumps({"head": {"vars": list(variables)}, "results": {"bindings": bindings}},
                          ensure_ascii=False).encode()
    if name == "xml":
        out = ['<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">',
               "<head>", *(f"<variable name={quoteattr(v)}/>" for v in variables), "</head>",
               "<results>"]
        for row in rows:
            out.append("<result>")
            for v, t in zip(variables, row, strict=True):
                if t is not None:
                    out.append(f"<binding name={quoteattr(v)}>{_xml_term(t)}</binding>")
            out.append("</result>")
        out.append("</results>\n</sparql>\n")
        return "\n".join(out).encode()
    if name == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(variables)
        for row in rows:
            writer.writerow(["" if t is None else _csv_value(t) for t in row])
        return buffer.getvalue().encode()
    if name == "tsv":
        lines = ["\t".join("?" + v for v in variables)]
        lines += ["\t".join("" if t is None else str(t) for t in row) for row in rows]
        return ("\n".join(lines) + "\n").encode()
    raise NotAcceptable(name)


def boolean(value: bool, name: str) -> bytes:
    if name == "json":
        return json.dumps({"head": {}, "boolean": value}).encode()
    if name == "xml":
        return ('<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">'
                f"<head/><boolean>{str(value).lower()}</boolean></sparql>\n").encode()
    if name == "csv":
        return f"_askResult\r\n{str(value).lower()}\r\n".encode()
    if name == "tsv":
        return f"?_askResult\n{str(value).lower()}\n".encode()
    raise NotAcceptable(name)


def triples(statements: Sequence[ox.Triple], name: str) -> bytes:
    if name == "nquads":
        statements = [ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph())
                      for t in statements]
    from pios_ld.rdf import PREFIXES

    prefixes = PREFIXES if name == "turtle" else None
    return ox.serialize(statements, format=_OX[name], prefixes=prefixes)


def _xml_term(term) -> str:
    if isinstance(term, ox.NamedNode):
        return f"<uri>{escape(term.value)}</uri>"
    if isinstance(term, ox.BlankNode):
        return f"<bnode>{escape(term.value)}</bnode>"
    if term.language:
        return f'<literal xml:lang={quoteattr(term.language)}>{escape(term.value)}</literal>'
    if term.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
        return f"<literal datatype={quoteattr(term.datatype.value)}>{escape(term.value)}</literal>"
    return f"<literal>{escape(term.value)}</literal>"


def _csv_value(term) -> str:
    if isinstance(term, ox.BlankNode):
        return "_:" + term.value
    return term.value
