"""A fast reader of JSON-LD in the bundled context's form, straight to plain terms.

:func:`read_terms` reads a document into a :class:`~pios_ld.terms.TermGraph` for validation,
without one Python object per quad (building those costs more than validating them). It knows
the bundled context's term definitions, compiled once, and handles documents written in that
context's plain form: what nodes publish and the examples show. On anything else — another or a
nested context, ``@graph``, ``@value`` objects, nulls, large or type-coerced floats, relative or
invalid IRIs, unknown keys, odd language tags, escaped surrogates — it hands the document to
:func:`pios_ld.jsonld.parse_jsonld`, so it always gives the standard parser's triples and raises
its errors (remote contexts included); the test suite compares the two.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from typing import Any

import pyoxigraph as ox

from pios_ld.jsonld import CONTEXT_URL, MAX_DEPTH, context_document, load_json, parse_jsonld
from pios_ld.terms import RDF_LANGSTRING, RDF_TYPE, XSD, XSD_STRING, TermGraph


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
    ctx = context_document()["@context"]
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
        elif "@id" in obj:
            raise _Decline
        if subject is None:
            subject = f"_:r{next(labels)}"
        elif subject.__class__ is str:
            subject = _expand_id(subject)
        else:
            raise _Decline
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
