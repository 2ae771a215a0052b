"""JSON-LD in and out, with the bundled context as the only one that ever resolves.

Parsing goes through pyoxigraph (fast, and it never loads a remote context by itself); the
bundled context is inlined in place of its URL before parsing, and any other remote context is
refused with :class:`~pios_ld.errors.RemoteContextError`.

:func:`read_terms` reads the same documents straight into a :class:`~pios_ld.terms.TermGraph`
for validation, without one Python object per quad: it knows the bundled context's term
definitions and handles documents written in that context's plain form (what nodes publish). On
anything else (another context, ``@graph``, ``@value`` objects, floats, relative or invalid
IRIs, unknown keys, ...) it hands the document to :func:`parse_jsonld`, so both always give the
same triples; the test suite compares them. Framing and compaction back to the
context's form go through pyld, with a document loader that serves the bundled context and
refuses everything else, so no code path ever touches the network for a context.
"""

from __future__ import annotations

import copy
import itertools
import json
import re
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from typing import Any

import pyoxigraph as ox
from pyld import jsonld as pyld_jsonld

from pios_ld import vocab_paths
from pios_ld.errors import ParseError, RemoteContextError
from pios_ld.terms import RDF_LANGSTRING, RDF_TYPE, XSD, XSD_STRING, TermGraph

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
        raise ParseError(
            f"Not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}.",
            f"Inte giltig JSON: {exc.msg} på rad {exc.lineno}, kolumn {exc.colno}.",
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


# --------------------------------------------------------------------------------------------
# The fast reader: documents in the bundled context's form, straight to plain terms
# --------------------------------------------------------------------------------------------
class _Decline(Exception):
    """The fast reader does not handle this document; :func:`parse_jsonld` will."""


@dataclass(frozen=True)
class _Term:
    iri: str
    coerce: str | None  # None, "@id", "@vocab" or a datatype IRI
    language_map: bool
    vocab: str | None  # the scoped @vocab of an "@vocab"-typed term


@dataclass(frozen=True)
class _Compiled:
    terms: dict[str, _Term]
    prefixes: dict[str, str]


_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")
_LANGUAGE = re.compile(r"[A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*")
_SURROGATE = re.compile(r"\\u[dD][89a-fA-F]")
_SURROGATE_BYTES = re.compile(rb"\\u[dD][89a-fA-F]")
_ID_KEYS = ("id", "@id")
_TYPE_KEYS = ("type", "@type")
_READER_MAX_DEPTH = MAX_DEPTH // 4


@lru_cache(maxsize=1)
def _compiled() -> _Compiled:
    ctx = _context_object()
    prefixes = {k: v for k, v in ctx.items()
                if isinstance(v, str) and not k.startswith("@") and v.endswith(("/", "#"))}

    def expand(value: str) -> str:
        prefix, _, local = value.partition(":")
        return prefixes[prefix] + local if prefix in prefixes else value

    terms = {}
    for name, definition in ctx.items():
        if name.startswith("@") or name in prefixes or name in _ID_KEYS + _TYPE_KEYS:
            continue
        if isinstance(definition, str):
            terms[name] = _Term(expand(definition), None, False, None)
            continue
        if set(definition) - {"@id", "@type", "@container", "@context"}:
            continue  # a definition this reader does not know: documents using it decline
        coerce = definition.get("@type")
        vocab = None
        if coerce == "@vocab":
            scoped = definition.get("@context", {})
            if set(scoped) != {"@vocab"}:
                continue
            vocab = scoped["@vocab"]
        elif "@context" in definition:
            continue
        elif coerce is not None and coerce != "@id":
            coerce = expand(coerce)
        container = definition.get("@container")
        if container not in (None, "@set", "@language"):
            continue
        terms[name] = _Term(expand(definition["@id"]), coerce, container == "@language", vocab)
    return _Compiled(terms, prefixes)


@lru_cache(maxsize=65536)
def _valid_iri(value: str) -> bool:
    if not _SCHEME.match(value):
        return False
    try:
        ox.NamedNode(value)
    except ValueError:
        return False
    return True


def _iri(value: Any, compiled: _Compiled, vocab: str | None = None, terms: bool = False,
         blank: bool = False) -> str:
    """Expand an IRI-valued string as JSON-LD would, or decline.

    *terms*: a context term stands for its IRI (``@type`` values and ``"@type": "@vocab"``);
    *vocab*: the ``@vocab`` prepended to other bare words; *blank*: ``_:`` labels are allowed.
    """
    if not isinstance(value, str) or not value or value.startswith("@"):
        raise _Decline
    if terms:
        if value in compiled.terms:
            return compiled.terms[value].iri
        if value in compiled.prefixes or value in _ID_KEYS + _TYPE_KEYS:
            raise _Decline
    prefix, colon, local = value.partition(":")
    if colon:
        if prefix == "_":
            if not blank or not local:
                raise _Decline
            return "_:j" + local
        if prefix in compiled.prefixes and not local.startswith("//"):
            value = compiled.prefixes[prefix] + local
        elif prefix in compiled.terms or prefix in _ID_KEYS + _TYPE_KEYS:
            raise _Decline
    elif vocab is not None:
        value = vocab + value
    if not _valid_iri(value):
        raise _Decline
    return value


@lru_cache(maxsize=65536)
def _expand_id(value: str) -> str:
    return _iri(value, _compiled(), blank=True)


@lru_cache(maxsize=4096)
def _expand_type(value: str) -> str:
    return _iri(value, _compiled(), terms=True)


@lru_cache(maxsize=4096)
def _expand_vocab(value: str, vocab: str) -> str:
    return _iri(value, _compiled(), vocab=vocab, terms=True)


@lru_cache(maxsize=1024)
def _language(tag: str) -> str:
    if not _LANGUAGE.fullmatch(tag):
        raise _Decline
    return tag.lower()


@lru_cache(maxsize=1024)
def _expand_key(key: str) -> tuple[str, str | None, bool, str | None]:
    term = _compiled().terms.get(key)
    if term is not None:
        return term.iri, term.coerce, term.language_map, term.vocab
    if ":" not in key or key.startswith("@"):
        raise _Decline
    return _iri(key, _compiled()), None, False, None


def _number(value: float) -> tuple[str, str, None]:
    """A JSON number with a decimal point or exponent, as JSON-LD turns it into a literal: an
    integer when it has no fraction, else an xsd:double in canonical form (``1.2000005E6``).
    (Only below 10^15, where this is proven to match the standard parser's digits.)"""
    if value.is_integer():
        return str(int(value)), XSD + "integer", None
    sign, digits, exponent = Decimal(repr(value)).as_tuple()
    assert isinstance(exponent, int)
    power = len(digits) - 1 + exponent
    text = "".join(map(str, digits)).rstrip("0")
    mantissa = text[0] + "." + (text[1:] or "0")
    return f"{'-' if sign else ''}{mantissa}E{power}", XSD + "double", None


def _read_document(document: Any) -> TermGraph:
    graph = TermGraph()
    index = graph.index
    labels = itertools.count()
    integer, boolean, double = XSD + "integer", XSD + "boolean", XSD + "double"
    plain = (None, "@id", "@vocab")

    def node(obj: dict, depth: int) -> str:
        if depth > _READER_MAX_DEPTH:
            raise _Decline
        subject = obj.get("id")
        if subject is None:
            subject = obj.get("@id")
            subject = f"_:r{next(labels)}" if subject is None else _expand_id(subject)
        elif "@id" in obj:
            raise _Decline
        else:
            subject = _expand_id(subject)
        for key, value in obj.items():
            if key == "id" or key == "@id" or (key == "@context" and depth == 0):
                continue
            if key == "type" or key == "@type":
                iri, coerce, language_map, vocab = RDF_TYPE, "@type", False, None
            else:
                iri, coerce, language_map, vocab = _expand_key(key)
            by_subject = index.get(iri)
            if by_subject is None:
                by_subject = index[iri] = {}
            found = by_subject.get(subject)
            if found is None:
                found = by_subject[subject] = []
            if language_map and value.__class__ is dict:
                for language, texts in value.items():
                    language = _language(language)
                    for text in texts if texts.__class__ is list else (texts,):
                        if text.__class__ is not str:
                            raise _Decline
                        found.append((text, RDF_LANGSTRING, language))
                continue
            for item in value if value.__class__ is list else (value,):
                kind = item.__class__
                if kind is str:
                    if coerce is None or language_map:
                        found.append((item, XSD_STRING, None))
                    elif coerce == "@id":
                        found.append(_expand_id(item))
                    elif coerce == "@type":
                        found.append(_expand_type(item))
                    elif coerce == "@vocab":
                        found.append(_expand_vocab(item, vocab))
                    else:
                        found.append((item, coerce, None))
                elif coerce == "@type":
                    raise _Decline
                elif kind is dict:
                    if coerce == "@vocab":
                        raise _Decline
                    found.append(node(item, depth + 1))
                elif kind is bool:
                    found.append(("true" if item else "false",
                                  boolean if coerce in plain else coerce, None))
                elif kind is int and abs(item) < 10**21 and coerce != double:
                    found.append((str(item), integer if coerce in plain else coerce, None))
                elif kind is float and coerce in plain and abs(item) < 1e15:
                    found.append(_number(item))
                else:
                    raise _Decline  # large or coerced floats, nulls, nested arrays
        return subject

    if document.__class__ is not dict or document.get("@context") != CONTEXT_URL:
        raise _Decline
    node(document, 0)
    return graph


def read_terms(data: bytes | str, base_iri: str | None = None) -> TermGraph:
    """Read a JSON-LD document into a :class:`~pios_ld.terms.TermGraph`.

    Gives the same triples as :func:`parse_jsonld` (blank-node labels aside) and raises the same
    errors; documents in the bundled context's plain form take a fast path.
    """
    document = load_json(data)
    surrogate = _SURROGATE_BYTES if isinstance(data, bytes) else _SURROGATE
    if not surrogate.search(data):
        try:
            return _read_document(document)
        except _Decline:
            pass
        except RecursionError:
            pass
    return TermGraph.from_statements(parse_jsonld(document, base_iri=base_iri))
