"""RDF documents in and out: formats, media types, parsing and serialising.

One entry point for every syntax pios-ld reads (JSON-LD with the bundled context, Turtle,
N-Triples, N-Quads, TriG) and writes. Statements are pyoxigraph :class:`~pyoxigraph.Quad`\\ s.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import cast

import pyoxigraph as ox

from pios_ld import jsonld, namespaces
from pios_ld.errors import InputError, ParseError


@dataclass(frozen=True)
class Format:
    name: str
    media_type: str
    suffix: str
    oxigraph: ox.RdfFormat


JSON_LD = Format("jsonld", "application/ld+json", ".jsonld", ox.RdfFormat.JSON_LD)
TURTLE = Format("turtle", "text/turtle", ".ttl", ox.RdfFormat.TURTLE)
N_TRIPLES = Format("ntriples", "application/n-triples", ".nt", ox.RdfFormat.N_TRIPLES)
N_QUADS = Format("nquads", "application/n-quads", ".nq", ox.RdfFormat.N_QUADS)
TRIG = Format("trig", "application/trig", ".trig", ox.RdfFormat.TRIG)
FORMATS = (JSON_LD, TURTLE, N_TRIPLES, N_QUADS, TRIG)

_ALIASES = {
    "json": JSON_LD, "json-ld": JSON_LD, "application/json": JSON_LD, "ttl": TURTLE,
    "nt": N_TRIPLES, "n-triples": N_TRIPLES, "text/plain": N_TRIPLES, "nq": N_QUADS,
    "n-quads": N_QUADS, "application/x-turtle": TURTLE,
}

#: Prefixes used when writing Turtle, so that published files read like the documentation.
PREFIXES = namespaces.PREFIXES


def format_for(name_or_type: str) -> Format:
    """The format for a name (``turtle``), suffix (``.ttl``), path or media type."""
    key = name_or_type.split(";")[0].strip().lower()
    for fmt in FORMATS:
        if key in (fmt.name, fmt.media_type, fmt.suffix) or key.endswith(fmt.suffix):
            return fmt
    if key in _ALIASES:
        return _ALIASES[key]
    if key.endswith(".json"):
        return JSON_LD
    raise InputError(
        f"Unknown RDF format {name_or_type!r}: use JSON-LD, Turtle, N-Triples, N-Quads or "
        "TriG.",
        f"Okänt RDF-format {name_or_type!r}: använd JSON-LD, Turtle, N-Triples, N-Quads eller "
        "TriG.",
    )


def parse(data: bytes | str, fmt: Format | str, base_iri: str | None = None) -> list[ox.Quad]:
    """Parse *data* into quads. JSON-LD resolves only the bundled context."""
    fmt = fmt if isinstance(fmt, Format) else format_for(fmt)
    if fmt is JSON_LD:
        return jsonld.parse_jsonld(data, base_iri=base_iri)
    try:
        return list(ox.parse(data, format=fmt.oxigraph, base_iri=base_iri))
    except SyntaxError as exc:
        raise ParseError(f"Not valid {fmt.name}: {exc}", f"Inte giltig {fmt.name}: {exc}") from exc


def serialize(statements: Iterable[ox.Quad | ox.Triple], fmt: Format | str) -> bytes:
    """Write statements in *fmt*; JSON-LD comes out compacted with the bundled context."""
    fmt = fmt if isinstance(fmt, Format) else format_for(fmt)
    statements = list(statements)
    if fmt is JSON_LD:
        # compact_quads reads triples and quads alike (each becomes a quad).
        compacted = jsonld.compact_quads(cast("list[ox.Quad]", statements))
        return json.dumps(compacted, ensure_ascii=False, indent=2).encode()
    if fmt in (TURTLE, N_TRIPLES):
        statements = [_as_triple(s) for s in statements]
    prefixes = PREFIXES if fmt in (TURTLE, TRIG) else None
    # pyoxigraph writes a triple in a quad format into the default graph.
    written = ox.serialize(cast("list[ox.Quad]", statements), format=fmt.oxigraph,
                           prefixes=prefixes)
    assert written is not None  # without an output file, serialize returns the bytes
    return written


def _as_triple(statement: ox.Quad | ox.Triple) -> ox.Triple:
    if isinstance(statement, ox.Triple):
        return statement
    return ox.Triple(statement.subject, statement.predicate, statement.object)
