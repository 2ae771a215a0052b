"""A fast reader of JSON-LD in the bundled context's form, straight to plain terms.

:func:`read_terms` reads a document into a :class:`~pios_ld.terms.TermGraph` for validation,
without one Python object per quad (building those costs more than validating them). It knows
the bundled context's term definitions, compiled once, and handles documents written in that
context's plain form (what nodes publish and the examples show) and the feed's form: the context
``[CONTEXT_URL, FEED_CONTEXT]`` of :mod:`pios_ld.feed` (compiled once too) and a top-level
``@graph``. The context may be the URL or the bundled context written out in full, as a node's
feed pages carry it (:func:`pios_ld.feed.serialize`); that is compared with the bundled context
exactly, as JSON. On anything else — another, a changed or a nested context, any other
``@graph``, keywords, ``@value`` objects, nulls (``"id": null`` included), large or type-coerced
floats, relative or invalid IRIs, unknown keys, language tags that are not well-formed BCP 47,
blank-node labels that N-Triples cannot write, escaped surrogates, documents over 8 MB — it hands
the document to :func:`pios_ld.jsonld.parse_jsonld`, so it always gives the standard parser's
triples and raises its errors (remote contexts included); the test suite compares the two, also
on randomly mutated documents (``tests/pios_ld/test_properties.py``). :func:`read` also says
which route read a document.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from typing import Any

import pyoxigraph as ox

from pios_ld.jsonld import (
    CONTEXT_URL,
    MAX_DEPTH,
    bundled_context,
    context_document,
    load_json,
    parse_jsonld,
)
from pios_ld.ntriples import BLANK_LABEL
from pios_ld.terms import RDF_LANGSTRING, RDF_TYPE, XSD, XSD_STRING, Term, TermGraph, remember


class _Decline(Exception):
    """The fast reader does not handle this document; :func:`parse_jsonld` will."""


@dataclass(frozen=True)
class _Term:
    iri: str
    coerce: str | None  # None, "@id", "@vocab" or a datatype IRI
    language_map: bool
    vocab: str | None  # the scoped @vocab of an "@vocab"-typed term


#: What a key of a node object stands for: the predicate IRI, the coercion (None, "@id",
#: "@type", "@vocab" or a datatype IRI), whether it is a language map, the scoped @vocab.
_KeySpec = tuple[str, str | None, bool, str | None]


@dataclass(frozen=True, eq=False)
class _Compiled:
    """One context's term definitions, with memos of the values expanded under it."""

    terms: dict[str, _Term]
    prefixes: dict[str, str]
    ids: dict[str, str] = field(default_factory=dict)
    types: dict[str, str] = field(default_factory=dict)
    vocabs: dict[tuple[str, str | None], str] = field(default_factory=dict)
    keys: dict[str, _KeySpec] = field(default_factory=dict)
    languages: dict[str, str] = field(default_factory=dict)


_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")
#: A well-formed BCP 47 language tag (RFC 5646 §2.1, "langtag" and "privateuse"; the
#: grandfathered tags decline). JSON-LD 1.1 drops a string whose tag is not well-formed (Object
#: to RDF Conversion, step 7), and so does the store's parser; this reader declines it instead.
_LANGUAGE = re.compile(
    r"(?:(?:[a-z]{2,3}(?:-[a-z]{3}){0,3}|[a-z]{4,8})"  # language, extlang
    r"(?:-[a-z]{4})?"  # script
    r"(?:-(?:[a-z]{2}|[0-9]{3}))?"  # region
    r"(?:-(?:[a-z0-9]{5,8}|[0-9][a-z0-9]{3}))*"  # variants
    r"(?:-[0-9a-wyz](?:-[a-z0-9]{2,8})+)*"  # extensions
    r"(?:-x(?:-[a-z0-9]{1,8})+)?"  # private use
    r"|x(?:-[a-z0-9]{1,8})+)",
    re.IGNORECASE | re.ASCII,
)
#: Documents larger than this take the standard route: the store's parser refuses a single
#: string of about 8 MiB (its buffer), and only it knows exactly where that limit lies.
_FAST_MAX_BYTES = 8_000_000
_SURROGATE = re.compile(r"\\u[dD][89a-fA-F]")
_SURROGATE_BYTES = re.compile(rb"\\u[dD][89a-fA-F]")
_ID_KEYS = ("id", "@id")
_TYPE_KEYS = ("type", "@type")
_READER_MAX_DEPTH = MAX_DEPTH // 4


def _compile(ctx: dict[str, Any]) -> _Compiled:
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
        if "@id" not in definition and ":" not in name:
            continue
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
        # a compact IRI as the term's name, without @id, stands for what it expands to
        iri = expand(definition.get("@id", name))
        terms[name] = _Term(iri, coerce, container == "@language", vocab)
    return _Compiled(terms, prefixes)


@lru_cache(maxsize=1)
def _compiled() -> _Compiled:
    """The bundled context (``"@context": CONTEXT_URL``)."""
    return _compile(context_document()["@context"])


@lru_cache(maxsize=1)
def _compiled_feed() -> _Compiled:
    """The feed's context (``"@context": [CONTEXT_URL, FEED_CONTEXT]``): the bundled terms and
    the LDES and TREE terms of :data:`pios_ld.feed.FEED_CONTEXT`, which redefine none of them."""
    from pios_ld.feed import FEED_CONTEXT

    bundled = context_document()["@context"]
    if set(FEED_CONTEXT) & set(bundled):  # a protected term redefined: never the fast path
        raise _Decline
    return _compile({**bundled, **FEED_CONTEXT})


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
            if not blank or not BLANK_LABEL.fullmatch(local):
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


def _expand_id(value: str, compiled: _Compiled) -> str:
    return remember(compiled.ids, value, _iri(value, compiled, blank=True))


def _expand_type(value: str, compiled: _Compiled) -> str:
    return remember(compiled.types, value, _iri(value, compiled, terms=True))


def _expand_vocab(value: str, vocab: str | None, compiled: _Compiled) -> str:
    return remember(compiled.vocabs, (value, vocab),
                     _iri(value, compiled, vocab=vocab, terms=True))


def _language(tag: str, compiled: _Compiled) -> str:
    if not _LANGUAGE.fullmatch(tag):
        raise _Decline
    return remember(compiled.languages, tag, tag.lower())


def _expand_key(key: str, compiled: _Compiled) -> _KeySpec:
    found: _KeySpec
    if key in _TYPE_KEYS:
        found = (RDF_TYPE, "@type", False, None)
    elif (term := compiled.terms.get(key)) is not None:
        found = (term.iri, term.coerce, term.language_map, term.vocab)
    elif ":" not in key or key.startswith("@"):
        raise _Decline
    else:
        found = (_iri(key, compiled), None, False, None)
    return remember(compiled.keys, key, found)


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


def _compiled_for(document: Any) -> _Compiled:
    """The compiled context of a document in one of the forms this reader knows, or decline."""
    if document.__class__ is not dict:
        raise _Decline
    context = document.get("@context")
    if context == CONTEXT_URL or _is_bundled(context):
        return _compiled()
    if (context.__class__ is list and len(context) == 2
            and (context[0] == CONTEXT_URL or _is_bundled(context[0]))
            and _same_json(context[1], _feed_context())):
        return _compiled_feed()
    raise _Decline


def _is_bundled(context: Any) -> bool:
    """Whether *context* is the bundled context written out in full (what a node's feed pages
    carry, :func:`pios_ld.feed.serialize`)."""
    return context.__class__ is dict and _same_json(context, bundled_context())


def _same_json(a: Any, b: Any) -> bool:
    """JSON equality: Python's ``==`` would also equate ``1``, ``1.0`` and ``true``."""
    if a.__class__ is not b.__class__:
        return False
    if a.__class__ is dict:
        return a.keys() == b.keys() and all(_same_json(a[k], b[k]) for k in a)
    if a.__class__ is list:
        return len(a) == len(b) and all(map(_same_json, a, b))
    return a == b


def _feed_context() -> dict[str, Any]:
    from pios_ld.feed import FEED_CONTEXT

    return FEED_CONTEXT


def _read_document(document: Any) -> TermGraph:
    """Read *document* on the fast path, or decline (:class:`_Decline`)."""
    compiled = _compiled_for(document)
    reader = _Reader(compiled)
    if "@graph" in document:
        for item in _graph_nodes(document, compiled):
            reader.node(item, 1)
    else:
        reader.node(document, 0)
    return reader.graph


def _graph_nodes(document: dict[str, Any], compiled: _Compiled) -> Iterator[dict[str, Any]]:
    """The node objects of a document in the feed's form: a top-level ``@graph`` of node objects,
    all in the default graph, beside the feed's context and nothing else."""
    items = document["@graph"]
    if compiled is not _compiled_feed() or set(document) != {"@context", "@graph"} \
            or items.__class__ is not list:
        raise _Decline
    for item in items:
        if item.__class__ is not dict or "@context" in item:
            raise _Decline
        yield item


_INTEGER = XSD + "integer"
_BOOLEAN = XSD + "boolean"
_DOUBLE = XSD + "double"
#: The coercions under which a JSON number or boolean keeps its own datatype.
_PLAIN = (None, "@id", "@vocab")


class _Reader:
    """Reads the node objects of one document into :attr:`graph`, or declines."""

    __slots__ = ("compiled", "graph", "labels")

    def __init__(self, compiled: _Compiled) -> None:
        self.compiled = compiled
        self.graph = TermGraph()
        self.labels = itertools.count()  # the document's own blank nodes: _:r0, _:r1, …

    def node(self, obj: dict[str, Any], depth: int) -> str:
        """Read the node object *obj* (at *depth*) and the node objects nested in it; its
        subject."""
        if depth > _READER_MAX_DEPTH:
            raise _Decline
        subject = self.subject(obj)
        compiled = self.compiled
        keys, index, subjects = compiled.keys, self.graph.index, self.graph.subjects
        for key, value in obj.items():
            spec = keys.get(key)
            if spec is None:
                if key == "id" or key == "@id" or (key == "@context" and depth == 0):
                    continue
                spec = _expand_key(key, compiled)  # keywords (@list, @set, …) decline here
            if value.__class__ is list and not value:
                continue  # no statement (nor a subject without one)
            # the list the objects of this subject and predicate go to
            by_subject = index.get(spec[0])
            if by_subject is None:
                by_subject = index[spec[0]] = {}
            found = by_subject.get(subject)
            if found is None:
                found = by_subject[subject] = []
                if subject not in subjects:
                    subjects[subject] = None
            if spec[2] and value.__class__ is dict:
                self.language_map(found, value)
            else:
                self.values(found, value, spec, depth)
        return subject

    def subject(self, obj: dict[str, Any]) -> str:
        """The subject *obj* names with ``id`` (or ``@id``), else a new blank node."""
        if "id" in obj:
            if "@id" in obj:
                raise _Decline  # colliding keywords: an error
            subject = obj["id"]
        elif "@id" in obj:
            subject = obj["@id"]
        else:
            return f"_:r{next(self.labels)}"
        if subject.__class__ is not str:
            raise _Decline  # "id": null is an invalid @id value: an error
        return self.compiled.ids.get(subject) or _expand_id(subject, self.compiled)

    def language_map(self, found: list[Term], value: dict[str, Any]) -> None:
        """A language map's strings, as language-tagged literals."""
        compiled = self.compiled
        languages = compiled.languages
        for language, texts in value.items():
            language = languages.get(language) or _language(language, compiled)
            for text in texts if texts.__class__ is list else (texts,):
                if text.__class__ is not str:
                    raise _Decline
                found.append((text, RDF_LANGSTRING, language))

    def values(self, found: list[Term], value: Any, spec: _KeySpec, depth: int) -> None:
        """A key's value (one item or an array of them) under its term's definition *spec*:
        strings and node objects as the term coerces them, numbers and booleans as literals."""
        _, coerce, language_map, vocab = spec
        compiled = self.compiled
        for item in value if value.__class__ is list else (value,):
            kind = item.__class__
            if kind is str:  # as the term coerces it: a literal or an IRI
                if coerce is None or language_map:
                    found.append((item, XSD_STRING, None))
                elif coerce == "@id":
                    found.append(compiled.ids.get(item) or _expand_id(item, compiled))
                elif coerce == "@type":
                    found.append(compiled.types.get(item) or _expand_type(item, compiled))
                elif coerce == "@vocab":
                    found.append(compiled.vocabs.get((item, vocab))
                                 or _expand_vocab(item, vocab, compiled))
                else:
                    found.append((item, coerce, None))
            elif coerce == "@type":
                raise _Decline
            elif kind is dict:
                if coerce == "@vocab":
                    raise _Decline
                found.append(self.node(item, depth + 1))
            else:
                found.append(_scalar(item, coerce))


def _scalar(item: Any, coerce: str | None) -> Term:
    """A boolean or number as a literal (its own datatype, or the term's), or decline: large or
    coerced floats, nulls, nested arrays."""
    kind = item.__class__
    if kind is bool:
        return ("true" if item else "false", _BOOLEAN if coerce in _PLAIN else coerce, None)
    if kind is int and abs(item) < 10**21 and coerce != _DOUBLE:
        return (str(item), _INTEGER if coerce in _PLAIN else coerce, None)
    if kind is float and coerce in _PLAIN and abs(item) < 1e15:
        return _number(item)
    raise _Decline


def read_terms(data: bytes | str, base_iri: str | None = None) -> TermGraph:
    """Read a JSON-LD document into a :class:`~pios_ld.terms.TermGraph`.

    Gives the same triples as :func:`parse_jsonld` (blank-node labels aside) and raises the same
    errors; documents in the bundled context's plain form, and feed pages, take a fast path.
    Blank-node labels are the document's own: a reader merging several documents keeps them
    apart with :meth:`TermGraph.union <pios_ld.terms.TermGraph.union>`.
    """
    return read(data, base_iri).graph


@dataclass(frozen=True)
class Reading:
    """What :func:`read` gives: the graph, and whether the fast path read it (``False``: the
    document was declined and the standard parser read it)."""

    graph: TermGraph
    fast: bool


def read(data: bytes | str, base_iri: str | None = None) -> Reading:
    """:func:`read_terms`, saying which route read the document."""
    document = load_json(data)
    if _fast_candidate(data):
        try:
            return Reading(_read_document(document), True)
        except _Decline:
            pass
        except RecursionError:
            pass
    return Reading(TermGraph.from_statements(parse_jsonld(document, base_iri=base_iri)), False)


def _fast_candidate(data: bytes | str) -> bool:
    """Whether the fast path may read *data*: no escaped surrogates (the standard route says
    what a lone one means) and not so large that the store's parser might refuse a string."""
    if isinstance(data, bytes):
        return len(data) <= _FAST_MAX_BYTES and not _SURROGATE_BYTES.search(data)
    if len(data) * 4 > _FAST_MAX_BYTES and len(data.encode()) > _FAST_MAX_BYTES:
        return False
    return not _SURROGATE.search(data)
