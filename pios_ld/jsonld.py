"""JSON-LD in and out, with the bundled context as the only one that ever resolves.

Parsing goes through pyoxigraph (fast, and it never loads a remote context by itself); the
bundled context is inlined in place of its URL before parsing, and any other remote context is
refused with :class:`~pios_ld.errors.RemoteContextError`. Where pyoxigraph departs from JSON-LD
1.1, :func:`parse_jsonld` gives the specification's answer (docs/decisions/0008): a redefined
protected term of the bundled context and an ill-formed value object are errors, an integer from
10^20 to 10^21 stays an ``xsd:integer``. :func:`load_json` takes UTF-8 only, refuses ``NaN`` and
keeps numbers Python cannot hold as their text (:class:`Number`); every failure is a
:class:`~pios_ld.errors.ParseError`.

:func:`pios_ld.jsonld_terms.read_terms` reads the same documents straight into plain terms for
validation, and gives the same triples as :func:`parse_jsonld`. Framing and compaction back to the
context's form go through pyld, with a document loader that serves the bundled context and
refuses everything else, so no code path ever touches the network for a context.
"""

from __future__ import annotations

import copy
import json
import math
import re
import secrets
from functools import lru_cache
from typing import Any

import pyoxigraph as ox
from pyld import jsonld as pyld_jsonld

from pios_ld import vocab_paths
from pios_ld.errors import ParseError, RemoteContextError
from pios_ld.ntriples import BLANK_LABEL

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


def bundled_context() -> dict[str, Any]:
    """The bundled context object (the value of its ``@context``), shared: do not change it."""
    return _context_object()


def _refuse(url: object) -> RemoteContextError:
    return RemoteContextError(
        f"Remote JSON-LD context {url!r} refused: only {CONTEXT_URL} is allowed, and it is "
        "always read from the bundled file, never from the network.",
        f"Den externa JSON-LD-kontexten {url!r} vägras: bara {CONTEXT_URL} är tillåten, och den "
        "läses alltid från den medföljande filen, aldrig från nätet.",
    )


def _inline_context_value(value: Any, protected: bool) -> tuple[Any, bool]:
    """*value* (an ``@context``) with the bundled context inlined, and whether the bundled
    context's protected terms are in force after it."""
    if isinstance(value, list):
        out = []
        for item in value:
            inlined, protected = _inline_context_value(item, protected)
            out.append(inlined)
        return out, protected
    if value is None:
        if protected:
            raise ParseError(
                "Not valid JSON-LD: \"@context\": null would clear the protected terms of the "
                "bundled context.",
                "Inte giltig JSON-LD: \"@context\": null skulle ta bort de skyddade termerna i "
                "den medföljande kontexten.")
        return value, protected
    if isinstance(value, str):
        if value == CONTEXT_URL:
            return copy.deepcopy(_context_object()), True
        raise _refuse(value)
    if isinstance(value, dict):
        if value == _context_object():
            return copy.deepcopy(value), True
        imported = value.get("@import")
        if imported is not None and imported != CONTEXT_URL:
            raise _refuse(imported)
        # a term's own (property-scoped) context may override protected terms: not checked
        local = {key: inline_contexts(item) for key, item in value.items() if key != "@import"}
        if protected:
            _check_protected(local)
        if imported is None:
            return local, protected
        # JSON-LD 1.1 @import: the imported context, then the local definitions over it
        return {**copy.deepcopy(_context_object()), **local}, True
    return value, protected


def _check_protected(local: dict[str, Any]) -> None:
    """Refuse a local context that redefines a protected term of the bundled context (JSON-LD
    1.1 allows only an identical definition). pyoxigraph accepts some of these (a prefix such
    as ``dct``) and refuses others: this check makes the answer the specification's."""
    bundled = _context_object()
    for key, definition in local.items():
        if key in bundled and not key.startswith("@") and definition != bundled[key]:
            raise _protected_error(key)


def _protected_error(term: str) -> ParseError:
    return ParseError(
        f"Not valid JSON-LD: the protected term {term!r} of the bundled context is redefined.",
        f"Inte giltig JSON-LD: den skyddade termen {term!r} i den medföljande kontexten "
        "definieras om.",
    )


_VALUE_OBJECT_KEYS = {"@value", "@type", "type", "@language", "@direction", "@index", "@context"}


def _check_value_object(node: dict[str, Any]) -> None:
    """JSON-LD 1.1 (expansion, steps 13.4.7 and 15): a value object holds only these keys, and
    its ``@value`` is a scalar or null unless its type is ``@json``; pyoxigraph lets some of
    these pass (``"@value": []`` beside ``@id``)."""
    value = node["@value"]
    if set(node) - _VALUE_OBJECT_KEYS or (isinstance(value, list | dict)
                                          and node.get("@type") != "@json"):
        raise ParseError(
            "Not valid JSON-LD: an object with @value holds other keys or a list or object.",
            "Inte giltig JSON-LD: ett objekt med @value har andra nycklar eller en lista eller "
            "ett objekt som värde.")


def inline_contexts(node: Any, depth: int = 0, protected: bool = False) -> Any:
    """Return *node* with every ``@context`` reference to the bundled context inlined.

    Raises :class:`RemoteContextError` for any other remote context, :class:`ParseError` for a
    context that redefines a protected term of the bundled one (or clears it with ``null``)
    and for a document nested more than :data:`MAX_DEPTH` levels deep.
    """
    if depth > MAX_DEPTH:
        raise ParseError(
            f"The document is nested more than {MAX_DEPTH} levels deep.",
            f"Dokumentet är nästlat i mer än {MAX_DEPTH} nivåer.",
        )
    if isinstance(node, dict):
        if "@value" in node:
            _check_value_object(node)
        if "@context" in node:
            context, protected = _inline_context_value(node["@context"], protected)
        out = {}
        for key, value in node.items():
            if key == "@context":
                out[key] = context
            else:
                out[key] = inline_contexts(value, depth + 1, protected)
        return out
    if isinstance(node, list):
        return [inline_contexts(item, depth + 1, protected) for item in node]
    return node


class Number(float):
    """A JSON number Python cannot hold as it is written: an integer of more digits than
    Python converts (``sys.get_int_max_str_digits``) or a float beyond the double range. It
    keeps the text, which :func:`parse_jsonld` hands to the store's parser unchanged. As a
    float it is infinite, so that other code that writes the document as JSON gets
    ``Infinity``, which no JSON-LD parser accepts (an input error, not a crash)."""

    __slots__ = ("text",)
    text: str

    def __new__(cls, text: str) -> Number:
        number = super().__new__(cls, "-inf" if text.startswith("-") else "inf")
        number.text = text
        return number

    def __repr__(self) -> str:
        return f"Number({self.text[:20]!r}{'…' if len(self.text) > 20 else ''})"


def _parse_float(text: str) -> float | Number:
    number = float(text)
    return number if math.isfinite(number) else Number(text)


def _parse_int(text: str) -> int | Number:
    return int(text) if len(text) <= _INT_DIGITS else Number(text)


def _parse_constant(text: str) -> None:
    raise ParseError(f"Not valid JSON: {text} is not a JSON value.",
                     f"Inte giltig JSON: {text} är inget JSON-värde.")


#: Integers of more digits than this stay text (:class:`Number`); Python refuses 4,301.
_INT_DIGITS = 4000
_SURROGATES = re.compile("[\ud800-\udfff]")


def load_json(data: bytes | str) -> Any:
    """Parse JSON text, turning every failure into a :class:`ParseError` with the position.

    Bytes must be UTF-8 (a byte order mark is allowed), as JSON-LD requires: an encoded
    surrogate is refused here, as the store's parser refuses it. ``NaN`` and ``Infinity`` are
    not JSON; numbers Python cannot hold become :class:`Number`.
    """
    try:
        if isinstance(data, bytes):
            text = data.decode("utf-8-sig")
        else:
            text = data
            if _SURROGATES.search(text):
                raise UnicodeDecodeError("utf-8", b"", 0, 1, "surrogate")
        return json.loads(text, parse_int=_parse_int, parse_float=_parse_float,
                          parse_constant=_parse_constant)
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
    """Parse a JSON-LD document into quads, resolving only the bundled context.

    pyoxigraph parses; where it departs from JSON-LD 1.1 this function gives the
    specification's answer (docs/decisions/0008): a redefined protected term is an error, and
    an integer from 10^20 to 10^21 is an ``xsd:integer``, not a double.
    """
    document = load_json(data) if isinstance(data, bytes | str) else data
    document = inline_contexts(document)
    try:
        text = _dumps(document)
        quads = list(ox.parse(text, format=ox.RdfFormat.JSON_LD, base_iri=base_iri))
    except SyntaxError as exc:
        raise ParseError(f"Not valid JSON-LD: {exc}", f"Inte giltig JSON-LD: {exc}") from exc
    except MemoryError as exc:  # pyoxigraph's buffer: one string of about 8 MiB
        raise ParseError(
            "The document cannot be read: one of its values is too long (about 8 MiB or more).",
            "Dokumentet kan inte läsas: ett av dess värden är för långt (omkring 8 MiB eller "
            "mer).") from exc
    except RecursionError as exc:
        raise _too_deep() from exc
    return _writable_labels(_integers_as_integers(quads, document))


def _dumps(document: Any) -> str:
    """JSON text of *document*, with each :class:`Number` written as it was read and other
    characters as they are (not as ``\\u`` escapes, which would make a string up to six times
    longer for the parser's buffer than in the document). A lone surrogate (from an escape such
    as ``"\\ud800"``) is no character: refused, as pyoxigraph refuses it."""
    try:
        text = json.dumps(document, ensure_ascii=False, allow_nan=False)
    except ValueError:  # an infinite float: a Number (json.loads makes no other)
        text = _dumps_numbers(document)
    if _SURROGATES.search(text):
        raise ParseError("Not valid JSON-LD: a string holds a lone surrogate (\\ud800–\\udfff).",
                         "Inte giltig JSON-LD: en sträng innehåller ett ensamt surrogat "
                         "(\\ud800–\\udfff).")
    return text


def _dumps_numbers(document: Any) -> str:
    numbers: list[str] = []
    nonce = secrets.token_hex(8)

    def marked(node: Any) -> Any:
        if isinstance(node, dict):
            return {key: marked(value) for key, value in node.items()}
        if isinstance(node, list):
            return [marked(value) for value in node]
        if isinstance(node, Number):
            numbers.append(node.text)
            return f"\x00{nonce}:{len(numbers) - 1}\x00"
        return node

    try:
        text = json.dumps(marked(document), ensure_ascii=False, allow_nan=False)
    except ValueError as exc:
        raise ParseError("Not valid JSON: a number is not finite.",
                         "Inte giltig JSON: ett tal är inte ändligt.") from exc
    return re.sub(f'"\\\\u0000{nonce}:(\\d+)\\\\u0000"',
                  lambda m: numbers[int(m.group(1))], text)


def _writable_labels(quads: list[ox.Quad]) -> list[ox.Quad]:
    """The quads with every blank node whose label N-Triples cannot carry (pyoxigraph keeps
    ``_:a:b`` and ``_::``) given a fresh label, so that no label is ever written raw."""
    good: set[str] = set()
    renamed: dict[str, ox.BlankNode] = {}

    def fix(term: Any) -> Any:
        if not isinstance(term, ox.BlankNode) or term.value in good:
            return term
        if BLANK_LABEL.fullmatch(term.value):
            good.add(term.value)
            return term
        return renamed.setdefault(term.value, ox.BlankNode())

    out = [ox.Quad(fix(q.subject), q.predicate, fix(q.object), fix(q.graph_name))
           if isinstance(q.subject, ox.BlankNode) or isinstance(q.object, ox.BlankNode)
           or isinstance(q.graph_name, ox.BlankNode) else q for q in quads]
    return out if renamed else quads


_DOUBLE = ox.NamedNode("http://www.w3.org/2001/XMLSchema#double")
_INTEGER = ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")


def _big_integers(node: Any, found: dict[str, int]) -> None:
    if isinstance(node, dict):
        for value in node.values():
            _big_integers(value, found)
    elif isinstance(node, list):
        for value in node:
            _big_integers(value, found)
    elif node.__class__ is int and 10**20 <= abs(node) < 10**21:
        digits = str(abs(node)).rstrip("0")
        sign = "-" if node < 0 else ""
        found[f"{sign}{digits[0]}.{digits[1:] or '0'}E20"] = node


def _integers_as_integers(quads: list[ox.Quad], document: Any) -> list[ox.Quad]:
    """JSON-LD 1.1 turns a JSON number without a fraction below 10^21 into an ``xsd:integer``
    (or its lexical form under a coerced datatype); pyoxigraph writes those from 10^20 up as
    doubles (``"1.0E20"``). Put back the integers the document holds."""
    found: dict[str, int] = {}
    _big_integers(document, found)
    if not found:
        return quads
    out = []
    for quad in quads:
        literal = quad.object
        if isinstance(literal, ox.Literal) and not literal.language \
                and literal.value in found:
            number = str(found[literal.value])
            datatype = _INTEGER if literal.datatype == _DOUBLE else literal.datatype
            quad = ox.Quad(quad.subject, quad.predicate, ox.Literal(number, datatype=datatype),
                           quad.graph_name)
        out.append(quad)
    return out


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
