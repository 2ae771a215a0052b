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
or target, a complex path, ``sh:deactivated`` — raises :class:`Unsupported` at compile time; the
caller then runs pySHACL for every document. Data pySHACL itself cannot judge (a blank node in
``sh:lessThanOrEquals``, incomparable values) gets the specification's answer, a result. No
constraint is ever silently skipped.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from pios_ld.shacl_components import (
    SH,
    Unsupported,
    canonical,
    datatype_check,
    distinct,
    language_in,
    length_check,
    less_than_or_equals,
    member_of,
    node_kind,
    one_of,
    pattern_check,
    text_of,
    unique_lang,
    value_range,
)
from pios_ld.terms import RDF_TYPE, Term, TermGraph

__all__ = ["COMPONENTS", "Plan", "Raw", "Shape", "Unsupported", "compile_shapes", "text_of"]

RDFS_SUBCLASSOF = "http://www.w3.org/2000/01/rdf-schema#subClassOf"

#: Shape properties that structure shapes or carry no constraint.
STRUCTURE = frozenset(SH + name for name in (
    "property", "path", "targetClass", "targetObjectsOf", "severity", "message", "name",
    "description", "order", "group", "defaultValue"))


# A raw result: focus, path, severity, component, shape, value (None when the result has none).
Raw = tuple[Term, str | None, str, str, str, Term | None]


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

    def focus_nodes(self, graph: TermGraph,
                    instances: dict[Term, list[Term]] | None = None) -> list[Term]:
        """The target nodes in *graph* (*instances*: subjects by rdf:type, if already built)."""
        if instances is None:
            instances = instances_by_class(graph)
        found: dict[Any, Term] = {}
        for cls in self.target_classes:
            classes: set[Term] = {cls}
            subclass_of = graph.subjects_objects(RDFS_SUBCLASSOF)
            if subclass_of:
                classes |= _subclasses(subclass_of, cls)
            for each in classes:
                for subject in instances.get(each, ()):
                    found.setdefault(subject, subject)  # subjects are IRIs or blank nodes
        for predicate in self.target_objects_of:
            for objects in graph.subjects_objects(predicate).values():
                for obj in objects:
                    found.setdefault(canonical(obj), obj)
        return list(found.values())

    def validate(self, graph: TermGraph, focus: list[Term], out: list[Raw],
                 focus_set: set[Term] | None = None) -> None:
        """Append the results of *focus* against this shape to *out*."""
        if self.path is None:
            self._validate_focus_nodes(graph, focus, out)
        else:
            focus_set = _validate_path(graph, self.path, [self], focus, out, focus_set)
        if self.properties:
            if focus_set is None and len(focus) > 1:
                focus_set = set(focus)
            self._validate_properties(graph, focus, out, focus_set)

    def _validate_focus_nodes(self, graph: TermGraph, focus: list[Term],
                              out: list[Raw]) -> None:
        """A node shape's own constraints: each focus node is its one value node."""
        node, severity = self.node, self.severity
        for f in focus:
            for component, ok in self.value_checks:
                if not ok(f):
                    out.append((f, None, severity, component, node, f))
            for check in self.group_checks:
                check(graph, f, [f], out)

    def _validate_properties(self, graph: TermGraph, focus: list[Term], out: list[Raw],
                             focus_set: set[Term] | None) -> None:
        """The property shapes, those on one path together: the values are looked up and made
        distinct once per focus node and path, not once per property shape."""
        groups: dict[str, list[Shape]] = {}
        for prop in self.properties:
            if prop.path is None or prop.properties:
                prop.validate(graph, focus, out, focus_set)
            else:
                groups.setdefault(prop.path, []).append(prop)
        for path, members in groups.items():
            focus_set = _validate_path(graph, path, members, focus, out, focus_set)

    def conforms(self, graph: TermGraph, focus: Term) -> bool:
        out: list[Raw] = []
        self.validate(graph, [focus], out)
        return not out


def _validate_path(graph: TermGraph, path: str, shapes: list[Shape], focus: list[Term],
                   out: list[Raw], focus_set: set[Term] | None) -> set[Term] | None:
    """Append the results of *focus* against *shapes*, property shapes on one *path* without
    nested property shapes: the values of each focus node are looked up and made distinct once
    for all of them. Gives *focus_set* (``set(focus)``), built here if this needed it."""
    counted = [s for s in shapes if s.min_count or s.max_count is not None]
    required = [s for s in shapes if s.min_count]
    checked = [(s, s.value_checks, s.group_checks) for s in shapes
               if s.value_checks or s.group_checks]
    pairs, focus_set = _values_by_focus(graph.subjects_objects(path), focus, focus_set,
                                        bool(required))
    for f, values in pairs:
        if not values:
            for s in required:
                out.append((f, path, s.severity, "MinCount", s.node, None))
            continue
        if len(values) > 1:
            values = distinct(values)
        n = len(values)
        for s in counted:
            if s.min_count and n < s.min_count:
                out.append((f, path, s.severity, "MinCount", s.node, None))
            if s.max_count is not None and n > s.max_count:
                out.append((f, path, s.severity, "MaxCount", s.node, None))
        for s, value_checks, group_checks in checked:
            for component, ok in value_checks:
                for v in values:
                    if not ok(v):
                        out.append((f, path, s.severity, component, s.node, v))
            for check in group_checks:
                check(graph, f, values, out)
    return focus_set


def _values_by_focus(by_subject: dict[Term, list[Term]], focus: list[Term],
                     focus_set: set[Term] | None, every: bool
                     ) -> tuple[Iterator[tuple[Term, list[Term] | None]], set[Term] | None]:
    """(focus node, its values) pairs, and *focus_set*: for every focus node (*every*: some
    shape requires values), else only for those with values, walking the smaller side."""
    if every or len(by_subject) >= len(focus):
        return ((f, None if isinstance(f, tuple) else by_subject.get(f)) for f in focus), \
            focus_set
    if focus_set is None:
        focus_set = set(focus)
    return ((f, vs) for f, vs in by_subject.items() if f in focus_set), focus_set


def _subclasses(subclass_of: dict[Term, list[Term]], cls: str) -> set[Term]:
    found: set[Term] = {cls}
    changed = True
    while changed:
        changed = False
        for sub, supers in subclass_of.items():
            if sub not in found and not found.isdisjoint(supers):
                found.add(sub)
                changed = True
    return found


@dataclass
class Plan:
    """The compiled shapes: the shapes with targets, evaluated over a graph."""

    shapes: list[Shape]

    def evaluate(self, graph: TermGraph) -> list[Raw]:
        out: list[Raw] = []
        instances = instances_by_class(graph)
        for shape in self.shapes:
            shape.validate(graph, shape.focus_nodes(graph, instances), out)
        return out


def instances_by_class(graph: TermGraph) -> dict[Term, list[Term]]:
    """Subjects by each of their rdf:type values."""
    instances: dict[Term, list[Term]] = {}
    for subject, types in graph.subjects_objects(RDF_TYPE).items():
        for each in types:
            instances.setdefault(each, []).append(subject)
    return instances


# --------------------------------------------------------------------------------------------
# Compiling a shapes graph
# --------------------------------------------------------------------------------------------
def compile_shapes(shapes_graph: Any) -> Plan:
    """Compile an rdflib shapes graph, or raise :class:`Unsupported`."""
    import rdflib

    g = shapes_graph
    sh = rdflib.Namespace(SH)
    for unsupported in ("targetNode", "targetSubjectsOf", "target", "parameter", "validator",
                        "nodeValidator", "propertyValidator"):
        if any(True for _ in g.subject_objects(sh[unsupported])):
            raise Unsupported(f"sh:{unsupported}")
    if any(True for _ in g.subjects(rdflib.RDF.type, sh.ConstraintComponent)):
        raise Unsupported("a custom constraint component")
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
    """The shape *node* of *g*, compiled once (*compiled*: the shapes so far), or raise
    :class:`Unsupported`."""
    if node in compiled:
        return compiled[node]
    if depth > 8:
        raise Unsupported("shapes nested too deeply")
    _refuse_unknown_parameters(g, node)
    shape = compiled[node] = _bare_shape(g, node)
    if shape.path is None:
        _refuse_property_parameters(g, node)

    def nested(member: Any) -> Shape:
        return _compile(g, member, compiled, depth + 1)

    for compile_parameter in _COMPILERS.values():
        compile_parameter(g, node, shape, nested)
    for prop in g.objects(node, _sh("property")):
        shape.properties.append(nested(prop))
    return shape


def _refuse_unknown_parameters(g: Any, node: Any) -> None:
    """Raise :class:`Unsupported` if the shape has a SHACL parameter this engine does not know."""
    for predicate in set(g.predicates(node)):
        if str(predicate).startswith(SH) and str(predicate) not in COMPONENTS | STRUCTURE:
            raise Unsupported(f"{predicate}")


def _bare_shape(g: Any, node: Any) -> Shape:
    """The shape with its path and severity, before its constraints."""
    path = _one(g, node, "path")
    severity = _one(g, node, "severity")
    return Shape(
        node=str(node),
        path=None if path is None else _iri_of(path),
        severity=str(severity).removeprefix(SH) if severity is not None else "Violation",
    )


def _refuse_property_parameters(g: Any, node: Any) -> None:
    """Raise :class:`Unsupported` if a node shape (no sh:path) has a property-shape parameter."""
    if (any(_one(g, node, n) is not None for n in ("minCount", "maxCount", "uniqueLang"))
            or any(True for _ in g.objects(node, _sh("lessThanOrEquals")))):
        raise Unsupported("a property-shape parameter on a node shape")


# One compiler per constraint parameter: it reads the parameter's values on a shape node and adds
# the checks they make to the shape (``nested`` compiles a shape the parameter names).
_Nested = Callable[[Any], Shape]
_Compiler = Callable[[Any, Any, Shape, _Nested], None]


def _integer(g: Any, node: Any, name: str) -> int | None:
    """The integer value of the parameter *name*, if the shape has one."""
    import rdflib

    value = _one(g, node, name)
    if value is None:
        return None
    if not isinstance(value, rdflib.Literal) or type(value.value) is not int:
        raise Unsupported(f"sh:{name} {value!r}")
    return value.value


def _min_count(g: Any, node: Any, shape: Shape, nested: _Nested) -> None:
    shape.min_count = _integer(g, node, "minCount")


def _max_count(g: Any, node: Any, shape: Shape, nested: _Nested) -> None:
    shape.max_count = _integer(g, node, "maxCount")


def _datatype(g: Any, node: Any, shape: Shape, nested: _Nested) -> None:
    if (datatype := _one(g, node, "datatype")) is not None:
        shape.value_checks.append(("Datatype", datatype_check(_iri_of(datatype))))


def _node_kind(g: Any, node: Any, shape: Shape, nested: _Nested) -> None:
    if (kind := _one(g, node, "nodeKind")) is not None:
        shape.value_checks.append(("NodeKind", node_kind(_iri_of(kind))))


def _in(g: Any, node: Any, shape: Shape, nested: _Nested) -> None:
    if (members := _one(g, node, "in")) is not None:
        shape.value_checks.append(("In", member_of(list(g.items(members)))))


def _pattern(g: Any, node: Any, shape: Shape, nested: _Nested) -> None:
    """Each sh:pattern, with the shape's sh:flags."""
    import rdflib

    flags = next(iter(g.objects(node, _sh("flags"))), None)
    for pattern in g.objects(node, _sh("pattern")):
        if not isinstance(pattern, rdflib.Literal):
            raise Unsupported("sh:pattern that is not a literal")
        text = str(pattern.value) if pattern.value is not None and len(pattern.value) > 1 \
            else str(pattern)
        flag_text = str(flags.value) if flags is not None else None
        shape.value_checks.append(("Pattern", pattern_check(text, flag_text)))


def _min_length(g: Any, node: Any, shape: Shape, nested: _Nested) -> None:
    if (length := _integer(g, node, "minLength")) is not None:
        shape.value_checks.append(("MinLength", length_check(length, minimum=True)))


def _max_length(g: Any, node: Any, shape: Shape, nested: _Nested) -> None:
    if (length := _integer(g, node, "maxLength")) is not None:
        shape.value_checks.append(("MaxLength", length_check(length, minimum=False)))


def _range(name: str, test: Callable[[int], bool]) -> _Compiler:
    """The compiler of a range parameter (sh:minInclusive …): *test* of how a value compares
    with each bound (negative, zero or positive)."""
    component = name[0].upper() + name[1:]

    def compile_range(g: Any, node: Any, shape: Shape, nested: _Nested) -> None:
        for bound in g.objects(node, _sh(name)):
            shape.value_checks.append((component, value_range(bound, test)))

    return compile_range


def _language_in(g: Any, node: Any, shape: Shape, nested: _Nested) -> None:
    if (languages := _one(g, node, "languageIn")) is not None:
        shape.value_checks.append(("LanguageIn", language_in(list(g.items(languages)))))


def _unique_lang(g: Any, node: Any, shape: Shape, nested: _Nested) -> None:
    import rdflib

    if (unique := _one(g, node, "uniqueLang")) is not None:
        if not isinstance(unique, rdflib.Literal) or not isinstance(unique.value, bool):
            raise Unsupported("sh:uniqueLang that is not a boolean")
        if unique.value:
            shape.group_checks.append(unique_lang(shape))


def _less_than_or_equals(g: Any, node: Any, shape: Shape, nested: _Nested) -> None:
    for other in g.objects(node, _sh("lessThanOrEquals")):
        shape.group_checks.append(less_than_or_equals(shape, _iri_of(other)))


def _or(g: Any, node: Any, shape: Shape, nested: _Nested) -> None:
    for alternatives in g.objects(node, _sh("or")):
        members = set(g.items(alternatives))
        if not members:
            raise Unsupported("empty sh:or")
        shape.group_checks.append(one_of(shape, [nested(m) for m in members]))


#: The compiler of each constraint parameter, in the order a shape's checks run (which is the
#: order of its results): counts, then checks of each value, then checks of all values together.
_COMPILERS: dict[str, _Compiler] = {
    "minCount": _min_count,
    "maxCount": _max_count,
    "datatype": _datatype,
    "nodeKind": _node_kind,
    "in": _in,
    "pattern": _pattern,  # with sh:flags
    "minLength": _min_length,
    "maxLength": _max_length,
    "minInclusive": _range("minInclusive", lambda c: c >= 0),
    "minExclusive": _range("minExclusive", lambda c: c > 0),
    "maxInclusive": _range("maxInclusive", lambda c: c <= 0),
    "maxExclusive": _range("maxExclusive", lambda c: c < 0),
    "languageIn": _language_in,
    "uniqueLang": _unique_lang,
    "lessThanOrEquals": _less_than_or_equals,
    "or": _or,
}
#: Shape parameters this engine evaluates: those with a compiler, and sh:flags (sh:pattern's).
COMPONENTS = frozenset(SH + name for name in (*_COMPILERS, "flags"))
