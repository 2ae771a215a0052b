"""SPARQL answers in the formats of the SPARQL 1.1 Protocol, with content negotiation (pure).

SELECT and ASK answers are written here from rows already counted against the result cap (so a
capped answer is an error, never a truncated ``200``): SPARQL 1.1 Query Results JSON, XML, CSV
and TSV. CONSTRUCT and DESCRIBE answers: Turtle, RDF/XML (written here), N-Triples, JSON-LD,
N-Quads.

Negotiation (:func:`negotiate`) gives the formats to try, best first: a ``format=`` (or
``output=``) value that names a format of this answer's kind decides alone; any other value is
ignored and the ``Accept`` header decides (RFC 9110 through :mod:`pios_ld.negotiate`: q-values,
the most specific range, wildcards answered inside their range: ``text/*`` gives CSV or Turtle,
``application/*`` JSON or RDF/XML). No ``Accept`` gives JSON or Turtle.

XML 1.0 cannot carry the characters U+0000–U+0008, U+000B, U+000C, U+000E–U+001F, U+FFFE,
U+FFFF and lone surrogates, not even as character references, and RDF/XML cannot name a
predicate whose IRI does not end in an XML name. An answer that holds such a value is
*unrepresentable* in XML: it is never written with the character dropped, replaced or escaped in
a way a parser would refuse; the next acceptable format is used instead, and when there is none
the request gets ``406`` saying which value and which character (:class:`NotAcceptable`).

ASK in CSV and TSV (the CSV/TSV results format defines only SELECT): one column ``_askResult``
and one row ``true`` or ``false`` (the convention of Apache Jena, which rdflib's CSV and TSV
parsers read as a one-row table; in TSV the value is an ``xsd:boolean``).
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Sequence
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox

from pios_ld import negotiate as _negotiate
from pios_ld.errors import NotAcceptable

SOLUTION_FORMATS = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
}
GRAPH_FORMATS = {
    "turtle": "text/turtle",
    "rdfxml": "application/rdf+xml",
    "ntriples": "application/n-triples",
    "jsonld": "application/ld+json",
    "nquads": "application/n-quads",
}
#: What each format answers to in ``Accept``, in the server's order of preference.
_SOLUTION_OFFERS = (
    ("json", ("application/sparql-results+json", "application/json")),
    ("xml", ("application/sparql-results+xml", "application/xml", "text/xml")),
    ("csv", ("text/csv",)),
    ("tsv", ("text/tab-separated-values",)),
)
_GRAPH_OFFERS = (
    ("turtle", ("text/turtle", "application/x-turtle")),
    ("rdfxml", ("application/rdf+xml", "application/xml", "text/xml")),
    ("ntriples", ("application/n-triples", "text/plain")),
    ("jsonld", ("application/ld+json", "application/json")),
    ("nquads", ("application/n-quads",)),
)
#: ``format=`` values (besides the format names and their media types).
_NAMES = {
    "ttl": "turtle", "n-triples": "ntriples", "nt": "ntriples", "json-ld": "jsonld",
    "nq": "nquads", "n-quads": "nquads", "rdf": "rdfxml", "rdf+xml": "rdfxml",
    "rdf/xml": "rdfxml", "sparql-results+json": "json", "sparql-results+xml": "xml",
}
#: Where one word means a different format for graphs.
_GRAPH_NAMES = {"json": "jsonld", "xml": "rdfxml"}
_OX = {"turtle": ox.RdfFormat.TURTLE, "ntriples": ox.RdfFormat.N_TRIPLES,
       "jsonld": ox.RdfFormat.JSON_LD, "nquads": ox.RdfFormat.N_QUADS}
_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_RESULTS_NS = "http://www.w3.org/2005/sparql-results#"
#: Characters XML 1.0 cannot carry, raw or as character references.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
#: The end of an IRI that can be an XML element name (an NCName).
_LOCAL_NAME = re.compile(r"[^\W\d][\w.\-\u00b7]*\Z")
#: rdf: names that are RDF/XML syntax, not property elements.
_RDF_SYNTAX = {"RDF", "ID", "about", "bagID", "parseType", "resource", "nodeID", "datatype",
               "Description", "aboutEach", "aboutEachPrefix", "li"}


class Unrepresentable(ValueError):
    """This answer cannot be written in this format (a character or name XML cannot carry)."""


def negotiate(accept: str | None, graph: bool, explicit: str | None = None) -> list[str]:
    """The format names to try for an answer, best first (see the module docstring)."""
    offers = _GRAPH_OFFERS if graph else _SOLUTION_OFFERS
    table = GRAPH_FORMATS if graph else SOLUTION_FORMATS
    if explicit:
        word = explicit.strip().lower()
        word = _NAMES.get(word.removeprefix("application/").removeprefix("text/"), word)
        if graph:
            word = _GRAPH_NAMES.get(word, word)
        by_media = {media: name for name, medias in offers for media in medias}
        name = word if word in table else by_media.get(explicit.strip().lower())
        if name:
            return [name]
    ranked = _negotiate.preferences(accept, offers, aliases_exact=True)
    if not ranked:
        kind = "graph (CONSTRUCT, DESCRIBE)" if graph else "SELECT or ASK"
        kind_sv = "graf (CONSTRUCT, DESCRIBE)" if graph else "SELECT eller ASK"
        asked = f"Accept: {accept}" + (f", format={explicit}" if explicit else "")
        raise NotAcceptable(
            f"No result format fits {asked}. A {kind} answer is available as "
            f"{', '.join(table.values())}.",
            f"Inget resultatformat passar {asked}. Ett svar på {kind_sv} finns som "
            f"{', '.join(table.values())}.")
    return ranked


def media_type(name: str) -> str:
    return {**SOLUTION_FORMATS, **GRAPH_FORMATS}[name]


def _first(names: str | Sequence[str], write) -> tuple[str, bytes]:
    """Write with the first of *names* that can carry the answer."""
    reasons = []
    for name in [names] if isinstance(names, str) else names:
        try:
            return name, write(name)
        except Unrepresentable as exc:
            reasons.append((name, exc))
    name, exc = reasons[0]
    raise NotAcceptable(
        f"The answer cannot be written as {media_type(name)}: {exc.args[0]}. Ask for another "
        "format (Accept: application/sparql-results+json, text/csv, text/turtle, …).",
        f"Svaret kan inte skrivas som {media_type(name)}: {exc.args[1]}. Be om ett annat "
        "format (Accept: application/sparql-results+json, text/csv, text/turtle …).")


# -- SELECT and ASK ------------------------------------------------------------------------------
def solutions(variables: Sequence[str], rows: Sequence[Sequence],
              names: str | Sequence[str]) -> tuple[str, bytes]:
    """SELECT rows (sequences of terms or None, in *variables* order) in the first of *names*
    that can carry them: ``(name, body)``."""
    return _first(names, lambda name: _WRITERS[name](variables, rows))


def boolean(value: bool, names: str | Sequence[str]) -> tuple[str, bytes]:
    """An ASK answer in the first of *names*: ``(name, body)``."""
    word = "true" if value else "false"
    bodies = {
        "json": json.dumps({"head": {}, "boolean": value}).encode(),
        "xml": ('<?xml version="1.0" encoding="UTF-8"?>\n'
                f'<sparql xmlns="{_RESULTS_NS}">\n<head/>\n<boolean>{word}</boolean>\n</sparql>\n'
                ).encode(),
        "csv": f"_askResult\r\n{word}\r\n".encode(),
        "tsv": f"?_askResult\n{word}\n".encode(),
    }
    return _first(names, bodies.__getitem__)


def _json_term(term) -> dict:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
            if term.direction is not None:
                out["its:dir"] = _direction(term)
        elif term.datatype.value != _XSD_STRING:
            out["datatype"] = term.datatype.value
        return out
    return {"type": "triple", "value": {"subject": _json_term(term.subject),  # SPARQL 1.2
                                        "predicate": _json_term(term.predicate),
                                        "object": _json_term(term.object)}}


def _direction(literal: ox.Literal) -> str:
    return "rtl" if literal.direction == ox.BaseDirection.RTL else "ltr"


def _json(variables, rows) -> bytes:
    bindings = [{v: _json_term(t) for v, t in zip(variables, row, strict=True) if t is not None}
                for row in rows]
    return json.dumps({"head": {"vars": list(variables)}, "results": {"bindings": bindings}},
                      ensure_ascii=False).encode()


def _xml_text(value: str, where: tuple[str, str]) -> str:
    bad = _NOT_XML.search(value)
    if bad:
        code = f"U+{ord(bad.group()):04X}"
        raise Unrepresentable(f"{where[0]} holds {code}, which XML 1.0 cannot carry",
                              f"{where[1]} innehåller {code}, som XML 1.0 inte kan bära")
    # \r would reach the reader as \n (XML line-end handling): keep it as a reference
    return escape(value, {"\r": "&#13;"})


def _xml_attr(value: str, where: tuple[str, str]) -> str:
    _xml_text(value, where)
    return quoteattr(value)


def _xml_term(term, where: tuple[str, str]) -> str:
    if isinstance(term, ox.NamedNode):
        return f"<uri>{_xml_text(term.value, where)}</uri>"
    if isinstance(term, ox.BlankNode):
        return f"<bnode>{_xml_text(term.value, where)}</bnode>"
    if isinstance(term, ox.Triple):  # SPARQL 1.2
        return (f"<triple><subject>{_xml_term(term.subject, where)}</subject>"
                f"<predicate>{_xml_term(term.predicate, where)}</predicate>"
                f"<object>{_xml_term(term.object, where)}</object></triple>")
    value = _xml_text(term.value, where)
    if term.language:
        direction = ""
        if term.direction is not None:
            direction = (' xmlns:its="http://www.w3.org/2005/11/its" '
                         f'its:dir="{_direction(term)}"')
        return f"<literal xml:lang={quoteattr(term.language)}{direction}>{value}</literal>"
    if term.datatype.value != _XSD_STRING:
        return (f"<literal datatype={_xml_attr(term.datatype.value, where)}>{value}"
                "</literal>")
    return f"<literal>{value}</literal>"


def _xml(variables, rows) -> bytes:
    out = ['<?xml version="1.0" encoding="UTF-8"?>', f'<sparql xmlns="{_RESULTS_NS}">',
           "<head>", *(f"<variable name={quoteattr(v)}/>" for v in variables), "</head>",
           "<results>"]
    for number, row in enumerate(rows, 1):
        out.append("<result>")
        for v, t in zip(variables, row, strict=True):
            if t is not None:
                where = (f"row {number}, ?{v}", f"rad {number}, ?{v}")
                out.append(f"<binding name={quoteattr(v)}>{_xml_term(t, where)}</binding>")
        out.append("</result>")
    out.append("</results>\n</sparql>\n")
    return "\n".join(out).encode()


def _csv_value(term) -> str:
    if isinstance(term, ox.BlankNode):
        return "_:" + term.value
    if isinstance(term, ox.Triple):
        return _tsv_value(term)
    return term.value


def _csv(variables, rows) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(variables)
    for row in rows:
        writer.writerow(["" if t is None else _csv_value(t) for t in row])
    return buffer.getvalue().encode()


def _tsv_value(term) -> str:
    if isinstance(term, ox.Triple):
        return (f"<<( {_tsv_value(term.subject)} {_tsv_value(term.predicate)} "
                f"{_tsv_value(term.object)} )>>")
    return str(term)  # N-Triples syntax: tabs and line breaks in strings are escaped


def _tsv(variables, rows) -> bytes:
    lines = ["\t".join("?" + v for v in variables)]
    lines += ["\t".join("" if t is None else _tsv_value(t) for t in row) for row in rows]
    return ("\n".join(lines) + "\n").encode()


_WRITERS = {"json": _json, "xml": _xml, "csv": _csv, "tsv": _tsv}


# -- CONSTRUCT and DESCRIBE ----------------------------------------------------------------------
def triples(statements: Sequence[ox.Triple], names: str | Sequence[str]) -> tuple[str, bytes]:
    """Graph statements in the first of *names* that can carry them: ``(name, body)``."""
    return _first(names, lambda name: _graph(statements, name))


def _graph(statements: Sequence[ox.Triple], name: str) -> bytes:
    if name == "rdfxml":
        return rdf_xml(statements)
    if name == "nquads":
        statements = [ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph())
                      for t in statements]
    from pios_ld.rdf import PREFIXES

    prefixes = PREFIXES if name == "turtle" else None
    return ox.serialize(statements, format=_OX[name], prefixes=prefixes)


def rdf_xml(statements: Sequence[ox.Triple]) -> bytes:
    """RDF/XML (RDF 1.1) that every XML parser reads: one ``rdf:Description`` per run of
    statements about one subject; raises :class:`Unrepresentable` for what RDF/XML cannot say."""
    nodes: dict[str, str] = {}  # blank node label -> an rdf:nodeID that is an XML name

    def node_id(term: ox.BlankNode) -> str:
        return nodes.setdefault(term.value, f"b{len(nodes)}")

    def node(term, attribute: str) -> str:
        if isinstance(term, ox.BlankNode):
            return f'rdf:nodeID="{node_id(term)}"'
        where = (f"the IRI <{term.value}>", f"IRI:n <{term.value}>")
        return f"rdf:{attribute}={_xml_attr(term.value, where)}"

    out = ['<?xml version="1.0" encoding="UTF-8"?>', f'<rdf:RDF xmlns:rdf="{_RDF}">']
    subject = None
    for triple in statements:
        if triple.subject != subject:
            if subject is not None:
                out.append("  </rdf:Description>")
            if isinstance(triple.subject, ox.Triple):
                raise Unrepresentable("a triple term is a subject, which RDF/XML cannot say",
                                      "en trippelterm är subjekt, vilket RDF/XML inte kan uttrycka")
            out.append(f"  <rdf:Description {node(triple.subject, 'about')}>")
            subject = triple.subject
        predicate = triple.predicate.value
        local = _LOCAL_NAME.search(predicate)
        if (not local or local.start() == 0
                or predicate[:local.start()] == _RDF and local.group() in _RDF_SYNTAX):
            raise Unrepresentable(
                f"the predicate <{predicate}> does not end in an XML name",
                f"predikatet <{predicate}> slutar inte på ett XML-namn")
        namespace = _xml_attr(predicate[:local.start()],
                              (f"the predicate <{predicate}>", f"predikatet <{predicate}>"))
        element = f"p:{local.group()}"
        opening = f"    <{element} xmlns:p={namespace}"
        value = triple.object
        if isinstance(value, ox.Literal):
            where = (f"a value of <{predicate}>", f"ett värde för <{predicate}>")
            text = _xml_text(value.value, where)
            if value.language:
                if value.direction is not None:
                    raise Unrepresentable(
                        "a literal has a base direction, which RDF/XML 1.1 cannot say",
                        "en literal har en skrivriktning, som RDF/XML 1.1 inte kan uttrycka")
                opening += f" xml:lang={quoteattr(value.language)}"
            elif value.datatype.value != _XSD_STRING:
                opening += f" rdf:datatype={_xml_attr(value.datatype.value, where)}"
            out.append(f"{opening}>{text}</{element}>")
        elif isinstance(value, ox.Triple):
            raise Unrepresentable("a triple term is an object, which RDF/XML 1.1 cannot say",
                                  "en trippelterm är objekt, vilket RDF/XML 1.1 inte kan uttrycka")
        else:
            out.append(f"{opening} {node(value, 'resource')}/>")
    if subject is not None:
        out.append("  </rdf:Description>")
    out.append("</rdf:RDF>\n")
    return "\n".join(out).encode()
