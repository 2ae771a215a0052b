"""JSON-LD in and out, with the bundled context as the only one that ever resolves.

Parsing goes through pyoxigraph (fast, and it never loads a remote context by itself); the
bundled context is inlined in place of its URL before parsing, and any other remote context is
refused with :class:`~pios_ld.errors.RemoteContextError`.

:func:`pios_ld.jsonld_terms.read_terms` reads the same documents straight into plain terms for
validation, and gives the same triples as :func:`parse_jsonld`. Framing and compaction back to the
context's form go through pyld, with a document loader that serves the bundled context and
refuses everything else, so no code path ever touches the network for a context.
"""

from __future__ import annotations

import copy
import json
from functools import lru_cache
from typing import Any

import pyoxigraph as ox
from pyld import jsonld as pyld_jsonld

from pios_ld import vocab_paths
from pios_ld.errors import ParseError, RemoteContextError

CONTEXT_URL = "https://w3id.org/pios/context.jsonld"
#: How deeply a document may nest objects and arrays; deeper is refused, not parsed.
MAX_DEPTH = 64


@lru_cache(maxsize=1)
def _context_document_text() -> str:
    return vocab_paths.CONTEXT.read_text(encoding="utf-8")


def context_document() -> dict[str, Any]:
    """The bundled context document, ``{"@context": {...}}`` (a fresh copy)."""
    return json.loads(_context_document_text())


@lru_cache(maxsize=1)
def _context_object() -> dict[str, Any]:
    return json.loads(_context_document_text())["@context"]


def _refuse(url: object) -> RemoteContextError:
    return RemoteContextError(
        f"Remote JSON-LD context {url!r} refused: only {CONTEXT_URL} is allowed, and it is "
        "always read from the bundled file, never from the network.",
        f"Den externa JSON-LD-kontexten {url!r} vägras: bara {CONTEXT_URL} är tillåten, och den "
        "läses alltid från den medföljande filen, aldrig från nätet.",
    )


def _inline_context_value(value: Any) -> Any:
    if isinstance(value, str):
        if value == CONTEXT_URL:
            return copy.deepcopy(_context_object())
        raise _refuse(value)
    if isinstance(value, list):
        return [_inline_context_value(item) for item in value]
    if isinstance(value, dict):
        imported = value.get("@import")
        if imported is not None and imported != CONTEXT_URL:
            raise _refuse(imported)
        local = {key: inline_contexts(item) for key, item in value.items() if key != "@import"}
        if imported is None:
            return local
        # JSON-LD 1.1 @import: the imported context, then the local definitions over it
        return {**copy.deepcopy(_context_object()), **local}
    return value


def inline_contexts(node: Any, depth: int = 0) -> Any:
    """Return *node* with every ``@context`` reference to the bundled context inlined.

    Raises :class:`RemoteContextError` for any other remote context, and :class:`ParseError`
    for a document nested more than :data:`MAX_DEPTH` levels deep.
    """
    if depth > MAX_DEPTH:
        raise ParseError(
            f"The document is nested more than {MAX_DEPTH} levels deep.",
            f"Dokumentet är nästlat i mer än {MAX_DEPTH} nivåer.",
        )
    if isinstance(node, dict):
        out = {}
        for key, value in node.items():
            if key == "@context":
                out[key] = _inline_context_value(value)
            else:
                out[key] = inline_contexts(value, depth + 1)
        return out
    if isinstance(node, list):
        return [inline_contexts(item, depth + 1) for item in node]
    return node


def load_json(data: bytes | str) -> Any:
    """Parse JSON text, turning every failure into a :class:`ParseError` with the position."""
    try:
        return json.loads(data)
    except json.JSONDecodeError as exc:
        reason = exc.msg.removesuffix(" at")  # Python says "Invalid control character at"
        raise ParseError(
            f"Not valid JSON: {reason} at line {exc.lineno}, column {exc.colno}.",
            f"Inte giltig JSON: {reason} på rad {exc.lineno}, kolumn {exc.colno}.",
        ) from exc
    except UnicodeDecodeError as exc:
        raise ParseError("The document is not UTF-8 text.",
                         "Dokumentet är inte UTF-8-text.") from exc
    except RecursionError as exc:
        raise _too_deep() from exc


def parse_jsonld(data: bytes | str | dict | list, base_iri: str | None = None) -> list[ox.Quad]:
    """Parse a JSON-LD document into quads, resolving only the bundled context."""
    document = load_json(data) if isinstance(data, bytes | str) else data
    document = inline_contexts(document)
    try:
        text = json.dumps(document)
        return list(ox.parse(text, format=ox.RdfFormat.JSON_LD, base_iri=base_iri))
    except SyntaxError as exc:
        raise ParseError(f"Not valid JSON-LD: {exc}", f"Inte giltig JSON-LD: {exc}") from exc
    except RecursionError as exc:
        raise _too_deep() from exc


def _too_deep() -> ParseError:
    return ParseError("The JSON is nested too deeply.", "JSON-dokumentet är för djupt nästlat.")


def document_loader(url: str, options: dict | None = None) -> dict[str, Any]:
    """A pyld document loader that serves the bundled context and refuses everything else."""
    if url != CONTEXT_URL:
        raise _refuse(url)
    return {
        "contentType": "application/ld+json",
        "contextUrl": None,
        "documentUrl": url,
        "document": context_document(),
    }


def _pyld_options(**extra: Any) -> dict[str, Any]:
    return {"documentLoader": document_loader, **extra}


def frame(quads: list[ox.Quad] | list[ox.Triple], type_name: str = "Initiative") -> list[dict]:
    """Frame a graph into context-form JSON-LD objects of *type_name* (e.g. ``Initiative``).

    Each returned object carries ``"@context": CONTEXT_URL`` and nests its blank nodes (budget,
    contact point, status updates).
    """
    try:
        expanded = _expanded(quads)
        framed = pyld_jsonld.frame(
            expanded,
            {"@context": CONTEXT_URL, "type": type_name},
            _pyld_options(omitGraph=False, embed="@always"),
        )
    except pyld_jsonld.JsonLdError as exc:
        raise _refusal_in(exc) or ParseError(
            f"JSON-LD framing failed: {exc}", f"JSON-LD-inramning misslyckades: {exc}") from exc
    return [{"@context": CONTEXT_URL, **obj} for obj in framed.get("@graph", [])]


def compact_quads(quads: list[ox.Quad] | list[ox.Triple]) -> dict:
    """Any graph as one JSON-LD document in the bundled context's form (no framing)."""
    return compact(_expanded(quads))


def _expanded(quads: list[ox.Quad] | list[ox.Triple]) -> list:
    nquads = ox.serialize([_as_quad(q) for q in quads], format=ox.RdfFormat.N_QUADS).decode()
    return pyld_jsonld.from_rdf(nquads, {"format": "application/n-quads", "useNativeTypes": True})


def compact(document: dict | list) -> dict:
    """Compact any JSON-LD document (expanded or not) to the bundled context's form."""
    try:
        return pyld_jsonld.compact(document, CONTEXT_URL, _pyld_options())
    except pyld_jsonld.JsonLdError as exc:
        raise _refusal_in(exc) or ParseError(
            f"JSON-LD compaction failed: {exc}",
            f"JSON-LD-kompaktering misslyckades: {exc}") from exc


def _refusal_in(exc: BaseException | None, depth: int = 0) -> RemoteContextError | None:
    """The refused remote context behind a pyld error (pyld wraps its loader's errors)."""
    while exc is not None and depth < 20:
        if isinstance(exc, RemoteContextError):
            return exc
        found = _refusal_in(getattr(exc, "cause", None), depth + 1)
        if found is not None:
            return found
        exc, depth = exc.__cause__ or exc.__context__, depth + 1
    return None


def _as_quad(statement: ox.Quad | ox.Triple) -> ox.Quad:
    if isinstance(statement, ox.Quad):
        return statement
    return ox.Quad(statement.subject, statement.predicate, statement.object, ox.DefaultGraph())
