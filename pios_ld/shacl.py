"""A compiled SHACL Core engine for the components the pios shapes use, equal to pySHACL.

:func:`compile_shapes` turns a shapes graph (rdflib, parsed once) into a :class:`Plan`;
:meth:`Plan.evaluate` runs it over a :class:`~pios_ld.terms.TermGraph` with plain dict lookups.
pySHACL stays the definition of the right answer (DESIGN.md §6), so this engine copies its
behaviour, quirks included: literals compare as rdflib compares them (rdflib normalises lexical
forms, so ``"01"^^xsd:integer`` and ``"1"^^xsd:integer`` are one value), ill-typed literals such
as ``"2026-13-45"^^xsd:date`` fail ``sh:datatype``, ``sh:languageIn`` matches the first subtag,
``sh:lessThanOrEquals`` reports each failing pair.

Common cases take fast paths (canonical integers, dates, date-times); everything else asks
rdflib and pySHACL's own comparison. A shapes graph that uses anything else — another component
or target, a complex path, ``sh:deactivated`` — raises :class:`Unsupported` at compile time, and
so does data the engine cannot judge the way pySHACL would (a blank node in
``sh:lessThanOrEquals``, incomparable values); the caller then runs pySHACL. No constraint is
ever silently skipped.
"""

from __future__ import annotations

import logging
import re
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from typing import Any

from pios_ld.terms import RDF_LANGSTRING, RDF_TYPE, XSD, XSD_STRING, Term, TermGraph

SH = "http://www.w3.org/ns/shacl#"
RDFS_SUBCLASSOF = "http://www.w3.org/2000/01/rdf-schema#subClassOf"
RDFS_LITERAL = "http://www.w3.org/2000/01/rdf-schema#Literal"
RDFS_DATATYPE = "http://www.w3.org/2000/01/rdf-schema#Datatype"

#: Shape parameters this engine evaluates (with sh:flags and sh:or's nested shapes).
COMPONENTS = frozenset(SH + name for name in (
    "minCount", "maxCount", "datatype", "nodeKind", "in", "pattern", "flags", "minLength",
    "maxLength", "minInclusive", "minExclusive", "maxInclusive", "maxExclusive", "languageIn",
    "uniqueLang", "lessThanOrEquals", "or"))
#: Shape properties that structure shapes or carry no constraint.
STRUCTURE = frozenset(SH + name for name in (
    "property", "path", "targetClass", "targetObjectsOf", "severity", "message", "name",
    "description", "order", "group", "defaultValue"))


# rdflib logs a traceback for every ill-typed literal it meets (and pySHACL makes it meet them):
# an ill-typed date is a validation result here, not an error to print.
logging.getLogger("rdflib.term").addHandler(logging.NullHandler())


class Unsupported(Exception):
    """The shapes or the data need pySHACL itself."""


# A raw result: focus, path, severity, component, shape, value (None when the result has none).
Raw = tuple[Term, str | None, str, str, str, Term | None]


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
            cache[term] = found
        return found

    return ok


# --------------------------------------------------------------------------------------------
# Shapes
# --------------------------------------------------------------------------------------------
@dataclass
class Shape:
    """One compiled shape: its constraints and its property shapes."""

    node: str
    path: str | None
    severity: str
    min_count: int | None = None
    max_count: int | None = None
    #: (component, check) pairs applied to every value node; check(value) -> conforms.
    value_checks: list[tuple[str, Callable[[Term], bool]]] = field(default_factory=list)
    #: checks over a focus node and all its values, emitting raw results themselves.
    group_checks: list[Callable[[TermGraph, Term, list, list], None]] = field(default_factory=list)
    properties: list[Shape] = field(default_factory=list)
    target_classes: list[str] = field(default_factory=list)
    target_objects_of: list[str] = field(default_factory=list)

    def focus_nodes(self, graph: TermGraph) -> list[Term]:
        found: dict[Any, Term] = {}
        for cls in self.target_classes:
            classes = {cls}
            subclass_of = graph.subjects_objects(RDFS_SUBCLASSOF)
            if subclass_of:
                classes |= _subclasses(subclass_of, cls)
            for subject, types in graph.subjects_objects(RDF_TYPE).items():
                if not classes.isdisjoint(types):
                    found.setdefault(canonical(subject), subject)
        for predicate in self.target_objects_of:
            for objects in graph.subjects_objects(predicate).values():
                for obj in objects:
                    found.setdefault(canonical(obj), obj)
        return list(found.values())

    def validate(self, graph: TermGraph, focus: list[Term], out: list[Raw]) -> None:
        """Append the results of *focus* against this shape to *out*."""
        path, node, severity = self.path, self.node, self.severity
        by_subject = graph.subjects_objects(path) if path is not None else None
        min_count, max_count = self.min_count, self.max_count
        value_checks, group_checks = self.value_checks, self.group_checks
        for f in focus:
            if by_subject is None:
                values = [f]
            else:
                values = by_subject.get(f) if not isinstance(f, tuple) else None
                if not values:
                    if min_count:
                        out.append((f, path, severity, "MinCount", node, None))
                    continue
                if len(values) > 1:
                    values = _distinct(values)
                if min_count and len(values) < min_count:
                    out.append((f, path, severity, "MinCount", node, None))
                if max_count is not None and len(values) > max_count:
                    out.append((f, path, severity, "MaxCount", node, None))
            for component, ok in value_checks:
                for v in values:
                    if not ok(v):
                        out.append((f, path, severity, component, node, v))
            for check in group_checks:
                check(graph, f, values, out)
        for prop in self.properties:
            prop.validate(graph, focus, out)

    def conforms(self, graph: TermGraph, focus: Term) -> bool:
        out: list[Raw] = []
        self.validate(graph, [focus], out)
        return not out


def _subclasses(subclass_of: dict[Term, list[Term]], cls: str) -> set[Term]:
    found, changed = {cls}, True
    while changed:
        changed = False
        for sub, supers in subclass_of.items():
            if sub not in found and not found.isdisjoint(supers):
                found.add(sub)
                changed = True
    return found


def _distinct(values: list[Term]) -> list[Term]:
    """The values as a set, as rdflib holds them (equal normalised literals are one)."""
    unique = list(dict.fromkeys(values))
    if sum(1 for v in unique if isinstance(v, tuple) and not v[2] and v[1] != XSD_STRING) < 2:
        return unique
    seen: dict[Any, Term] = {}
    for v in unique:
        seen.setdefault(canonical(v), v)
    return list(seen.values())


@dataclass
class Plan:
    """The compiled shapes: the shapes with targets, evaluated over a graph."""

    shapes: list[Shape]

    def evaluate(self, graph: TermGraph) -> list[Raw]:
        out: list[Raw] = []
        for shape in self.shapes:
            shape.validate(graph, shape.focus_nodes(graph), out)
        return out


# --------------------------------------------------------------------------------------------
# Components
# --------------------------------------------------------------------------------------------
_NODE_KINDS = {
    SH + "IRI": (True, False, False), SH + "BlankNode": (False, True, False),
    SH + "Literal": (False, False, True), SH + "BlankNodeOrIRI": (True, True, False),
    SH + "BlankNodeOrLiteral": (False, True, True), SH + "IRIOrLiteral": (True, False, True),
}


def _node_kind(rule: str) -> Callable[[Term], bool]:
    if rule not in _NODE_KINDS:
        raise Unsupported(f"sh:nodeKind {rule}")
    iri_ok, blank_ok, literal_ok = _NODE_KINDS[rule]

    def ok(term: Term) -> bool:
        if isinstance(term, tuple):
            return literal_ok
        return blank_ok if term.startswith("_:") else iri_ok

    return ok


def _in(members: list[Any]) -> Callable[[Term], bool]:
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


def _pattern(pattern: str, flags: str | None) -> Callable[[Term], bool]:
    re_flags = 0
    if flags:
        re_flags |= re.I if "i" in flags.lower() else 0
        re_flags |= re.M if "m" in flags.lower() else 0
    matcher = re.compile(pattern, re_flags)

    def ok(term: Term) -> bool:
        string = _value_string(term)
        return string is not None and matcher.search(string) is not None

    return ok


def _length(limit: int, minimum: bool) -> Callable[[Term], bool]:
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


def _range(bound: Any, test: Callable[[int], bool]) -> Callable[[Term], bool]:
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


def _language_in(languages: list[Any]) -> Callable[[Term], bool]:
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


def _or(shape: Shape, alternatives: list[Shape]) -> Callable[[TermGraph, Term, list, list], None]:
    simple = all(a.path is None and not a.group_checks and not a.properties
                 for a in alternatives)
    cache: dict[Term, bool] = {}

    def passes(graph: TermGraph, v: Term) -> bool:
        if not simple:  # nested shapes with paths or their own nested shapes
            return any(alternative.conforms(graph, v) for alternative in alternatives)
        found = cache.get(v)
        if found is None:
            found = cache[v] = any(all(ok(v) for _, ok in alternative.value_checks)
                                   for alternative in alternatives)
        return found

    def check(graph: TermGraph, focus: Term, values: list, out: list) -> None:
        for v in values:
            if not passes(graph, v):
                out.append((focus, shape.path, shape.severity, "Or", shape.node, v))

    return check


def _unique_lang(shape: Shape) -> Callable[[TermGraph, Term, list, list], None]:
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


def _less_than_or_equals(shape: Shape, other: str) -> Callable[[TermGraph, Term, list, list], None]:
    def check(graph: TermGraph, focus: Term, values: list, out: list) -> None:
        if isinstance(focus, tuple):
            return
        compare = graph.objects(focus, other)
        if not compare:
            return
        compare = _distinct(compare) if len(compare) > 1 else compare
        for v in values:
            for c in compare:
                if not _ltoe(v, c):
                    out.append((focus, shape.path, shape.severity, "LessThanOrEquals",
                                shape.node, v))

    return check


def _ltoe(value: Term, compare: Term) -> bool:
    """pySHACL's ``_compare_ltoe`` for one pair."""
    if (isinstance(value, str) and value.startswith("_:")) or (
            isinstance(compare, str) and compare.startswith("_:")):
        raise Unsupported("sh:lessThanOrEquals on a blank node")  # pySHACL raises
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
    except TypeError as exc:
        raise Unsupported("incomparable values") from exc


def _comparable(term: Term) -> tuple[bool, Any]:
    """(is a string, what pySHACL compares): IRIs and string literals compare as strings."""
    if isinstance(term, str):
        return True, term
    literal = rdflib_term(term)
    return (True, literal.value) if isinstance(literal.value, str) else (False, literal)


# --------------------------------------------------------------------------------------------
# Compiling a shapes graph
# --------------------------------------------------------------------------------------------
def compile_shapes(shapes_graph: Any) -> Plan:
    """Compile an rdflib shapes graph, or raise :class:`Unsupported`."""
    import rdflib

    g = shapes_graph
    sh = rdflib.Namespace(SH)
    for unsupported in ("targetNode", "targetSubjectsOf", "target"):
        if any(True for _ in g.subject_objects(sh[unsupported])):
            raise Unsupported(f"sh:{unsupported}")
    classes = {rdflib.RDFS.Class, rdflib.OWL.Class}
    for shape_type in (sh.NodeShape, sh.PropertyShape):
        for node in g.subjects(rdflib.RDF.type, shape_type):
            if classes & set(g.objects(node, rdflib.RDF.type)):
                raise Unsupported("implicit class target")
    compiled: dict[Any, Shape] = {}
    top = []
    for node in sorted(set(g.subjects(sh.targetClass)) | set(g.subjects(sh.targetObjectsOf)),
                       key=str):
        shape = _compile(g, node, compiled, 0)
        shape.target_classes = [_iri_of(o) for o in g.objects(node, sh.targetClass)]
        shape.target_objects_of = [_iri_of(o) for o in g.objects(node, sh.targetObjectsOf)]
        top.append(shape)
    return Plan(top)


def _iri_of(term: Any) -> str:
    import rdflib

    if not isinstance(term, rdflib.URIRef):
        raise Unsupported(f"{term!r} where an IRI was expected")
    return str(term)


def _sh(name: str) -> Any:
    import rdflib

    return rdflib.URIRef(SH + name)


def _one(g: Any, node: Any, name: str) -> Any:
    values = list(g.objects(node, _sh(name)))
    if len(values) > 1:
        raise Unsupported(f"more than one sh:{name}")
    return values[0] if values else None


def _compile(g: Any, node: Any, compiled: dict[Any, Shape], depth: int) -> Shape:
    import rdflib

    if node in compiled:
        return compiled[node]
    if depth > 8:
        raise Unsupported("shapes nested too deeply")
    for predicate in set(g.predicates(node)):
        if str(predicate).startswith(SH) and str(predicate) not in COMPONENTS | STRUCTURE:
            raise Unsupported(f"{predicate}")
    path = _one(g, node, "path")
    severity = _one(g, node, "severity")
    shape = Shape(
        node=str(node),
        path=None if path is None else _iri_of(path),
        severity=str(severity).removeprefix(SH) if severity is not None else "Violation",
    )
    compiled[node] = shape

    def integer(name: str) -> int | None:
        value = _one(g, node, name)
        if value is None:
            return None
        if not isinstance(value, rdflib.Literal) or type(value.value) is not int:
            raise Unsupported(f"sh:{name} {value!r}")
        return value.value

    if shape.path is None and (
            any(_one(g, node, n) is not None for n in ("minCount", "maxCount", "uniqueLang"))
            or any(True for _ in g.objects(node, _sh("lessThanOrEquals")))):
        raise Unsupported("a property-shape parameter on a node shape")
    shape.min_count = integer("minCount")
    shape.max_count = integer("maxCount")
    checks = shape.value_checks
    if (datatype := _one(g, node, "datatype")) is not None:
        checks.append(("Datatype", datatype_check(_iri_of(datatype))))
    if (kind := _one(g, node, "nodeKind")) is not None:
        checks.append(("NodeKind", _node_kind(_iri_of(kind))))
    if (members := _one(g, node, "in")) is not None:
        checks.append(("In", _in(list(g.items(members)))))
    flags = next(iter(g.objects(node, _sh("flags"))), None)
    for pattern in g.objects(node, _sh("pattern")):
        if not isinstance(pattern, rdflib.Literal):
            raise Unsupported("sh:pattern that is not a literal")
        text = str(pattern.value) if pattern.value is not None and len(pattern.value) > 1 \
            else str(pattern)
        checks.append(("Pattern", _pattern(text, str(flags.value) if flags is not None else None)))
    if (length := integer("minLength")) is not None:
        checks.append(("MinLength", _length(length, minimum=True)))
    if (length := integer("maxLength")) is not None:
        checks.append(("MaxLength", _length(length, minimum=False)))
    for name, test in (("minInclusive", lambda c: c >= 0), ("minExclusive", lambda c: c > 0),
                       ("maxInclusive", lambda c: c <= 0), ("maxExclusive", lambda c: c < 0)):
        for bound in g.objects(node, _sh(name)):
            checks.append((name[0].upper() + name[1:], _range(bound, test)))
    if (languages := _one(g, node, "languageIn")) is not None:
        checks.append(("LanguageIn", _language_in(list(g.items(languages)))))
    if (unique := _one(g, node, "uniqueLang")) is not None:
        if not isinstance(unique, rdflib.Literal) or not isinstance(unique.value, bool):
            raise Unsupported("sh:uniqueLang that is not a boolean")
        if unique.value:
            shape.group_checks.append(_unique_lang(shape))
    for other in g.objects(node, _sh("lessThanOrEquals")):
        shape.group_checks.append(_less_than_or_equals(shape, _iri_of(other)))
    for alternatives in g.objects(node, _sh("or")):
        members = set(g.items(alternatives))
        if not members:
            raise Unsupported("empty sh:or")
        shape.group_checks.append(
            _or(shape, [_compile(g, m, compiled, depth + 1) for m in members]))
    for prop in g.objects(node, _sh("property")):
        shape.properties.append(_compile(g, prop, compiled, depth + 1))
    return shape
