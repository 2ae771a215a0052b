"""The SHACL Core components of the pios shapes, evaluated the way pySHACL evaluates them.

Each function here builds the check for one constraint parameter of one shape; the engine in
:mod:`pios_ld.shacl` applies them. Literals are judged as rdflib judges them, since pySHACL sees
the data through rdflib: rdflib normalises lexical forms (``"01"^^xsd:integer`` is ``"1"``),
marks ill-typed literals (``"2026-13-45"^^xsd:date``), and orders values its own way. Canonical
integers, dates and date-times take fast paths; everything else asks rdflib, and comparisons
use pySHACL's own ``compare_literal``.
"""

from __future__ import annotations

import logging
import re
import warnings
from collections.abc import Callable
from datetime import date, datetime
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from pios_ld.terms import RDF_LANGSTRING, XSD, XSD_STRING, Term, TermGraph, remember

if TYPE_CHECKING:
    from pios_ld.shacl import Shape

SH = "http://www.w3.org/ns/shacl#"
RDFS_LITERAL = "http://www.w3.org/2000/01/rdf-schema#Literal"
RDFS_DATATYPE = "http://www.w3.org/2000/01/rdf-schema#Datatype"

# rdflib logs a traceback for every ill-typed literal it meets (and pySHACL makes it meet them):
# an ill-typed date is a validation result here, not an error to print.
logging.getLogger("rdflib.term").addHandler(logging.NullHandler())


#: How many literals a check remembers its verdict for before it starts afresh.
CACHE_SIZE = 100_000


class Unsupported(Exception):
    """The shapes or the data need pySHACL itself."""


# --------------------------------------------------------------------------------------------
# Literals as rdflib sees them
# --------------------------------------------------------------------------------------------
_INTEGER = re.compile(r"-?[0-9]{1,18}")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_DATETIME = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(?:Z|[+-][0-9]{2}:[0-9]{2})?")


@lru_cache(maxsize=65536)
def rdflib_term(term: Term) -> Any:
    """The rdflib term pySHACL sees for *term* (built as the reference route builds it)."""
    import rdflib

    if isinstance(term, tuple):
        lexical, datatype, language = term
        if language:
            return rdflib.Literal(lexical, lang=language)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "Parsing weird boolean": a result, not a warning
            return rdflib.Literal(lexical, datatype=rdflib.URIRef(datatype))
    if term.startswith("_:"):
        return rdflib.BNode(term[2:])
    return rdflib.URIRef(term)


def _fast_value(term: tuple) -> Any:
    """The Python value of a canonical, well-typed literal, or None when rdflib must decide."""
    lexical, datatype, _ = term
    try:
        if datatype == XSD + "date" and _DATE.fullmatch(lexical):
            return date.fromisoformat(lexical)
        if datatype == XSD + "integer" and _INTEGER.fullmatch(lexical):
            return int(lexical)
        if datatype == XSD + "dateTime" and _DATETIME.fullmatch(lexical):
            return datetime.fromisoformat(lexical)
    except ValueError:
        return None
    return None


def canonical(term: Term) -> Any:
    """What identifies *term* as rdflib compares terms (normalised lexical form)."""
    if not isinstance(term, tuple):
        return term
    lexical, datatype, language = term
    if language:
        return (lexical, None, language)
    if datatype == XSD_STRING or (datatype == XSD + "integer" and _INTEGER.fullmatch(lexical)
                                  and (lexical == "0" or lexical[0] not in "0-")):
        return term
    return (str(rdflib_term(term)), datatype, None)


def text_of(term: Term) -> str:
    """``str()`` of the rdflib term: the IRI, the label, or the normalised lexical form."""
    if isinstance(term, tuple):
        if term[2] or term[1] == XSD_STRING:
            return term[0]
        return str(rdflib_term(term))
    return term[2:] if term.startswith("_:") else term


def _value_string(term: Term) -> str | None:
    """pySHACL's string of a value for pattern and length checks (None: a blank node)."""
    if isinstance(term, tuple):
        if term[2] or term[1] == XSD_STRING:
            return term[0]
        return str(rdflib_term(term))
    return None if term.startswith("_:") else term


def _actual_type_ok(value: Any, datatype: str) -> bool:
    """pySHACL's ``_assert_actual_datatype``."""
    from datetime import time
    from decimal import Decimal

    expected = {XSD_STRING: (str, bytes), RDF_LANGSTRING: (str, bytes), XSD + "integer": int,
                XSD + "float": float, XSD + "decimal": Decimal, XSD + "boolean": bool,
                XSD + "date": date, XSD + "time": time, XSD + "dateTime": datetime}.get(datatype)
    return True if expected is None else isinstance(value, expected)


def datatype_check(rule: str) -> Callable[[Term], bool]:
    """Whether a value has datatype *rule*, as pySHACL's DatatypeConstraintComponent decides."""
    cache: dict[Term, bool] = {}

    def ok(term: Term) -> bool:
        if not isinstance(term, tuple):
            return False
        lexical, datatype, language = term
        if language:
            return rule in (RDF_LANGSTRING, RDFS_LITERAL)
        if datatype != rule:
            return rule == RDFS_LITERAL or rule == RDFS_DATATYPE
        if rule == XSD_STRING or (rule == XSD + "boolean" and lexical in ("true", "false")):
            return True
        found = cache.get(term)
        if found is None:
            if _fast_value(term) is not None:
                found = True
            else:
                literal = rdflib_term(term)
                found = getattr(literal, "ill_typed", None) is not True and _actual_type_ok(
                    literal.value, rule)
            remember(cache, term, found, CACHE_SIZE)
        return found

    return ok


def distinct(values: list[Term]) -> list[Term]:
    """The values as a set, as rdflib holds them (equal normalised literals are one)."""
    unique = list(dict.fromkeys(values))
    if sum(1 for v in unique if isinstance(v, tuple) and not v[2] and v[1] != XSD_STRING) < 2:
        return unique
    seen: dict[Any, Term] = {}
    for v in unique:
        seen.setdefault(canonical(v), v)
    return list(seen.values())


# --------------------------------------------------------------------------------------------
# Components
# --------------------------------------------------------------------------------------------
_NODE_KINDS = {
    SH + "IRI": (True, False, False), SH + "BlankNode": (False, True, False),
    SH + "Literal": (False, False, True), SH + "BlankNodeOrIRI": (True, True, False),
    SH + "BlankNodeOrLiteral": (False, True, True), SH + "IRIOrLiteral": (True, False, True),
}


def node_kind(rule: str) -> Callable[[Term], bool]:
    if rule not in _NODE_KINDS:
        raise Unsupported(f"sh:nodeKind {rule}")
    iri_ok, blank_ok, literal_ok = _NODE_KINDS[rule]

    def ok(term: Term) -> bool:
        if isinstance(term, tuple):
            return literal_ok
        return blank_ok if term.startswith("_:") else iri_ok

    return ok


def member_of(members: list[Any]) -> Callable[[Term], bool]:
    import rdflib

    iris = {str(m) for m in members if isinstance(m, rdflib.URIRef)}
    literals = {(str(m), str(m.datatype) if m.datatype else None, m.language)
                for m in members if isinstance(m, rdflib.Literal)}
    if len(iris) + len(literals) != len(set(members)):
        raise Unsupported("sh:in with blank nodes")

    def ok(term: Term) -> bool:
        if isinstance(term, tuple):
            return bool(literals) and canonical(term) in literals
        return term in iris

    return ok


def pattern_check(pattern: str, flags: str | None) -> Callable[[Term], bool]:
    re_flags = 0
    if flags:
        re_flags |= re.I if "i" in flags.lower() else 0
        re_flags |= re.M if "m" in flags.lower() else 0
    matcher = re.compile(pattern, re_flags)

    def ok(term: Term) -> bool:
        string = _value_string(term)
        return string is not None and matcher.search(string) is not None

    return ok


def length_check(limit: int, minimum: bool) -> Callable[[Term], bool]:
    if limit < 0:
        raise Unsupported("negative length")

    def ok(term: Term) -> bool:
        if minimum and limit == 0:
            return True
        string = _value_string(term)
        if string is None:
            return False
        return len(string) >= limit if minimum else len(string) <= limit

    return ok


def value_range(bound: Any, test: Callable[[int], bool]) -> Callable[[Term], bool]:
    """min/maxInclusive/Exclusive, as pySHACL's value range components decide."""
    import rdflib

    if not isinstance(bound, rdflib.Literal):
        raise Unsupported("non-literal range bound")
    bound_is_string = isinstance(bound.value, str)
    fast_bound = bound.value if type(bound.value) is int and bound.datatype == rdflib.XSD.integer \
        else None

    def ok(term: Term) -> bool:
        if not isinstance(term, tuple):
            return False
        if fast_bound is not None and term[1] == XSD + "integer" and _INTEGER.fullmatch(term[0]):
            value = int(term[0])
            return test(0 if value == fast_bound else (1 if value > fast_bound else -1))
        from pyshacl.rdfutil.compare import compare_literal

        literal = rdflib_term(term)
        if isinstance(literal.value, str) != bound_is_string:
            return False
        try:
            return test(compare_literal(literal, bound))
        except (TypeError, NotImplementedError):
            return False

    return ok


def language_in(languages: list[Any]) -> Callable[[Term], bool]:
    import rdflib

    wanted = set()
    for language in languages:
        if not isinstance(language, rdflib.Literal) or not isinstance(language.value, str):
            raise Unsupported("sh:languageIn member that is not a string")
        wanted.add(str(language.value).lower())
    wildcard = "*" in wanted

    def ok(term: Term) -> bool:
        if not isinstance(term, tuple) or not term[2]:
            return False
        tag = term[2].lower()
        return wildcard or tag in wanted or tag.split("-")[0] in wanted

    return ok


GroupCheck = Callable[[TermGraph, Term, list, list], None]


def one_of(shape: Shape, alternatives: list[Shape]) -> GroupCheck:
    simple = all(a.path is None and not a.group_checks and not a.properties
                 for a in alternatives)
    cache: dict[Term, bool] = {}

    def passes(graph: TermGraph, v: Term) -> bool:
        if not simple:  # nested shapes with paths or their own nested shapes
            return any(alternative.conforms(graph, v) for alternative in alternatives)
        found = cache.get(v)
        if found is None:
            found = remember(cache, v, any(all(ok(v) for _, ok in alternative.value_checks)
                                           for alternative in alternatives), CACHE_SIZE)
        return found

    def check(graph: TermGraph, focus: Term, values: list, out: list) -> None:
        for v in values:
            if not passes(graph, v):
                out.append((focus, shape.path, shape.severity, "Or", shape.node, v))

    return check


def unique_lang(shape: Shape) -> GroupCheck:
    def check(graph: TermGraph, focus: Term, values: list, out: list) -> None:
        seen: set[str] = set()
        duplicates: set[str] = set()
        for v in values:
            if isinstance(v, tuple) and v[2]:
                tag = v[2].lower()
                (duplicates if tag in seen else seen).add(tag)
        for _ in duplicates:
            out.append((focus, shape.path, shape.severity, "UniqueLang", shape.node, None))

    return check


def less_than_or_equals(shape: Shape, other: str) -> GroupCheck:
    def check(graph: TermGraph, focus: Term, values: list, out: list) -> None:
        if isinstance(focus, tuple):
            return
        compare = graph.objects(focus, other)
        if not compare:
            return
        compare = distinct(compare) if len(compare) > 1 else compare
        for v in values:
            for c in compare:
                if not _ltoe(v, c):
                    out.append((focus, shape.path, shape.severity, "LessThanOrEquals",
                                shape.node, v))

    return check


def _ltoe(value: Term, compare: Term) -> bool:
    """pySHACL's ``_compare_ltoe`` for one pair.

    Where pySHACL has no answer (it raises on a blank node or on values it cannot compare, such
    as an ill-typed date), the SHACL specification's answer is given: ``value <= compare`` is not
    true, so the pair is a result. A publisher's typo must give a message, not a crash.
    """
    if (isinstance(value, str) and value.startswith("_:")) or (
            isinstance(compare, str) and compare.startswith("_:")):
        return False
    if isinstance(value, tuple) and isinstance(compare, tuple) and value[1] == compare[1] \
            and not value[2] and value[1] in (XSD + "date", XSD + "integer"):
        a, b = _fast_value(value), _fast_value(compare)
        if a is not None and b is not None:
            return a <= b
    (a_is_string, a), (b_is_string, b) = _comparable(value), _comparable(compare)
    if a_is_string != b_is_string:
        return False
    try:
        return bool(a <= b)
    except TypeError:
        return False


def _comparable(term: Term) -> tuple[bool, Any]:
    """(is a string, what pySHACL compares): IRIs and string literals compare as strings."""
    if isinstance(term, str):
        return True, term
    literal = rdflib_term(term)
    return (True, literal.value) if isinstance(literal.value, str) else (False, literal)


