"""Validate records against the shapes in ``shapes/``; the result is a value, a :class:`Report`.

pySHACL is the reference implementation of the shapes (DESIGN.md §6). :func:`validate` uses the
route chosen in ``docs/decisions/0002-validation-route.md``: the compiled engine of
:mod:`pios_ld.shacl` (falling back to pySHACL whenever it cannot answer exactly as pySHACL would);
:func:`validate_document` parses and validates in one step, reading JSON-LD with
:mod:`pios_ld.jsonld_terms`; :func:`validate_reference` always runs pySHACL. The test suite proves
that the routes report the same results on the same data.

Each :class:`Result` names the record it concerns (``initiative``: the initiative itself, or the
one a budget, contact point or status update hangs from), the property (``path`` and the context
term ``field`` that a form shows it beside), the severity and the messages in Swedish and English.
"""

from __future__ import annotations

import gc
import json
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from typing import cast

import pyoxigraph as ox

from pios_ld import shacl, vocab_paths
from pios_ld.errors import ParseError, ValidationError
from pios_ld.terms import TermGraph, UnsupportedTerm, owned

SH = "http://www.w3.org/ns/shacl#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
PIOS = "https://w3id.org/pios/vocab#"
INITIATIVE = PIOS + "Initiative"
CATALOG = PIOS + "Catalog"

VIOLATION = "Violation"
#: the two engines a :class:`Report` may come from
COMPILED, PYSHACL = "compiled", "pyshacl"
WARNING = "Warning"
INFO = "Info"


@dataclass(frozen=True)
class Result:
    """One thing wrong with one node of the data."""

    initiative: str | None
    focus: str
    path: str | None
    severity: str
    component: str
    shape: str
    value: str | None
    message_sv: str
    message_en: str
    field: str | None = None

    def message(self, lang: str = "sv") -> str:
        return self.message_en if lang == "en" else self.message_sv

    def key(self) -> tuple:
        """What identifies the result independently of blank-node labels and message wording."""
        focus = None if self.focus.startswith("_:") else self.focus
        return (self.initiative, focus, self.path, self.severity, self.component, self.shape,
                self.value)


@dataclass(frozen=True)
class Report:
    """The outcome of validating a graph: every result, violations and warnings alike."""

    results: tuple[Result, ...] = field(default_factory=tuple)
    #: which engine produced the results: ``compiled`` (:mod:`pios_ld.shacl`) or ``pyshacl``
    #: (the shapes or the data needed what the compiled engine does not evaluate); the results
    #: are the same either way, the time is not, so the crawler counts it
    engine: str = field(default=COMPILED, compare=False)

    @property
    def conforms(self) -> bool:
        return not self.violations

    @property
    def violations(self) -> tuple[Result, ...]:
        return tuple(r for r in self.results if r.severity == VIOLATION)

    @property
    def warnings(self) -> tuple[Result, ...]:
        return tuple(r for r in self.results if r.severity != VIOLATION)

    def by_initiative(self) -> dict[str | None, list[Result]]:
        grouped: dict[str | None, list[Result]] = {}
        for result in self.results:
            grouped.setdefault(result.initiative, []).append(result)
        return grouped

    def for_initiative(self, iri: str) -> Report:
        return Report(tuple(r for r in self.results if r.initiative == iri), self.engine)

    def as_dict(self) -> dict:
        return {
            "conforms": self.conforms,
            "violations": len(self.violations),
            "warnings": len(self.warnings),
            "results": [asdict(r) for r in self.results],
        }

    def to_json(self) -> str:
        return json.dumps(self.as_dict(), ensure_ascii=False, indent=2)

    def to_text(self, lang: str = "sv") -> str:
        if not self.results:
            return "Inga fel hittades." if lang == "sv" else "No problems found."
        labels = {
            "sv": {VIOLATION: "FEL", WARNING: "VARNING", INFO: "INFO",
                   None: "(utanför initiativ)"},
            "en": {VIOLATION: "ERROR", WARNING: "WARNING", INFO: "INFO",
                   None: "(outside initiatives)"},
        }["sv" if lang == "sv" else "en"]
        lines = []
        for initiative, results in sorted(self.by_initiative().items(), key=lambda kv: kv[0] or ""):
            lines.append(initiative or labels[None])
            for r in results:
                where = r.field or (r.path or "")
                value = f" [{r.value}]" if r.value is not None else ""
                rule = r.shape.rsplit("#", 1)[-1]
                lines.append(f"  {labels[r.severity]} {where} ({rule}): {r.message(lang)}{value}")
        summary = (
            f"{len(self.violations)} fel, {len(self.warnings)} varningar."
            if lang == "sv"
            else f"{len(self.violations)} errors, {len(self.warnings)} warnings."
        )
        lines.append(summary)
        return "\n".join(lines)

    def to_rdf(self) -> list[ox.Triple]:
        """The report as a SHACL validation report graph."""
        report = ox.BlankNode()
        sh = lambda name: ox.NamedNode(SH + name)  # noqa: E731
        triples = [
            ox.Triple(report, ox.NamedNode(RDF_TYPE), sh("ValidationReport")),
            ox.Triple(report, sh("conforms"), ox.Literal(str(self.conforms).lower(),
                      datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#boolean"))),
        ]
        for r in self.results:
            node = ox.BlankNode()
            triples += [
                ox.Triple(report, sh("result"), node),
                ox.Triple(node, ox.NamedNode(RDF_TYPE), sh("ValidationResult")),
                ox.Triple(node, sh("focusNode"), _term(r.focus)),
                ox.Triple(node, sh("resultSeverity"), sh(r.severity)),
                ox.Triple(node, sh("sourceConstraintComponent"),
                          sh(r.component + "ConstraintComponent")),
                ox.Triple(node, sh("sourceShape"), _term(r.shape)),
                ox.Triple(node, sh("resultMessage"), ox.Literal(r.message_sv, language="sv")),
                ox.Triple(node, sh("resultMessage"), ox.Literal(r.message_en, language="en")),
            ]
            if r.path:
                triples.append(ox.Triple(node, sh("resultPath"), ox.NamedNode(r.path)))
            if r.value is not None:
                triples.append(ox.Triple(node, sh("value"), ox.Literal(r.value)))
        return triples


def sort_key(result: Result) -> tuple:
    """Results in a stable order: by initiative, focus node, path, shape."""
    return tuple("" if part is None else part for part in (
        result.initiative, result.focus, result.path, result.shape, result.component, result.value))


def _term(text: str) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    """A focus node or shape as a term: a literal focus node (``"1200000"`` given where an
    amount belongs) is kept as a literal rather than failing as an IRI."""
    if text.startswith("_:"):
        return ox.BlankNode(text[2:])
    try:
        return ox.NamedNode(text)
    except ValueError:
        return ox.Literal(text)


# --------------------------------------------------------------------------------------------
# Helpers shared by both routes
# --------------------------------------------------------------------------------------------
@lru_cache(maxsize=1)
def context_terms() -> dict[str, str]:
    """Property IRI -> the context term a form or a JSON document uses for it."""
    from pios_ld.jsonld import context_document

    ctx = context_document()["@context"]
    prefixes = {k: v for k, v in ctx.items() if isinstance(v, str) and v.endswith(("#", "/"))}
    terms = {}
    for term, definition in ctx.items():
        iri = definition.get("@id") if isinstance(definition, dict) else definition
        if not isinstance(iri, str) or term.startswith("@") or term in prefixes:
            continue
        prefix, _, local = iri.partition(":")
        if prefix in prefixes:
            iri = prefixes[prefix] + local
        terms.setdefault(iri, term)
    return terms


def owners(statements: Iterable[ox.Quad | ox.Triple]) -> dict[str, str]:
    """Map every node reachable from an initiative (itself included) to that initiative's IRI."""
    children: dict[str, list[str]] = {}
    initiatives = []
    for s in statements:
        subject = _key(s.subject)
        if s.predicate.value == RDF_TYPE and s.object.value == INITIATIVE:
            initiatives.append(subject)
        if isinstance(s.object, ox.BlankNode):
            children.setdefault(subject, []).append(_key(s.object))
    return owned(children, sorted(set(initiatives)))  # a shared blank node: the first IRI


def _key(term: ox.NamedNode | ox.BlankNode | ox.Literal) -> str:
    return f"_:{term.value}" if isinstance(term, ox.BlankNode) else term.value


# --------------------------------------------------------------------------------------------
# The reference route: pySHACL
# --------------------------------------------------------------------------------------------
@lru_cache(maxsize=1)
def _shapes_rdflib():
    import rdflib

    graph = rdflib.Graph()
    graph.parse(str(vocab_paths.SHAPES), format="turtle")
    return graph


@lru_cache(maxsize=1)
def shape_messages() -> dict[str, tuple[str, str]]:
    """Shape IRI -> (Swedish message, English message), read once from the shapes file."""
    import rdflib

    graph = _shapes_rdflib()
    messages: dict[str, dict[str, str]] = {}
    for shape, message in graph.subject_objects(rdflib.URIRef(SH + "message")):
        if isinstance(message, rdflib.Literal):
            messages.setdefault(str(shape), {})[message.language or "en"] = str(message)
    return {s: (m.get("sv", m.get("en", "")), m.get("en", m.get("sv", "")))
            for s, m in messages.items()}


def validate_reference(statements: Iterable[ox.Quad | ox.Triple]) -> Report:
    """Validate with pySHACL (no inference, no meta-SHACL): the definition of the right answer."""
    import pyshacl
    import rdflib

    statements = list(statements)
    data = rdflib.Graph()
    for s in statements:  # term by term, so that blank-node labels survive into the results
        data.add((_rdflib_term(s.subject), rdflib.URIRef(s.predicate.value),
                  _rdflib_term(s.object)))
    try:
        _, results_graph, _ = pyshacl.validate(
            data, shacl_graph=_shapes_rdflib(), inference="none", meta_shacl=False,
            advanced=False, allow_warnings=True,
        )
    except Exception as exc:  # pySHACL raises many kinds; it is the boundary to translate at
        raise ValidationError(f"Validation could not run: {exc}",
                              f"Valideringen kunde inte köras: {exc}") from exc
    return _report_from_rdflib(results_graph, owners(statements))


def _rdflib_term(term):
    import rdflib

    if isinstance(term, ox.NamedNode):
        return rdflib.URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return rdflib.BNode(term.value)
    if term.language:
        return rdflib.Literal(term.value, lang=term.language)
    return rdflib.Literal(term.value, datatype=rdflib.URIRef(term.datatype.value))


def _report_from_rdflib(graph, owner: dict[str, str]) -> Report:
    import rdflib

    sh = rdflib.Namespace(SH)
    messages = shape_messages()
    terms = context_terms()
    results = []
    for node in graph.subjects(rdflib.RDF.type, sh.ValidationResult):
        focus_term = graph.value(node, sh.focusNode)
        focus = f"_:{focus_term}" if isinstance(focus_term, rdflib.BNode) else str(focus_term)
        path = graph.value(node, sh.resultPath)
        shape = str(graph.value(node, sh.sourceShape))
        value = graph.value(node, sh.value)
        component = str(graph.value(node, sh.sourceConstraintComponent)).removeprefix(SH)
        severity = str(graph.value(node, sh.resultSeverity)).removeprefix(SH)
        sv, en = messages.get(shape, ("", ""))
        results.append(Result(
            initiative=owner.get(focus),
            focus=focus,
            path=str(path) if path is not None else None,
            severity=severity,
            component=component.removesuffix("ConstraintComponent"),
            shape=shape,
            value=None if value is None or isinstance(value, rdflib.BNode) else str(value),
            message_sv=sv,
            message_en=en,
            field=terms.get(str(path)) if path is not None else None,
        ))
    return Report(tuple(sorted(results, key=sort_key)), PYSHACL)


# --------------------------------------------------------------------------------------------
# The fast route: the compiled engine of pios_ld.shacl
# --------------------------------------------------------------------------------------------
@lru_cache(maxsize=1)
def _plan() -> shacl.Plan | None:
    """The bundled shapes compiled once, or None when they need pySHACL itself."""
    try:
        return shacl.compile_shapes(_shapes_rdflib())
    except shacl.Unsupported:
        return None


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector: building many small tuples otherwise triggers it
    again and again, and none of them form cycles."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def validate(statements: Iterable[ox.Quad | ox.Triple] | TermGraph) -> Report:
    """Validate *statements* (or a :class:`~pios_ld.terms.TermGraph`) against the bundled shapes.

    Uses the compiled engine (:mod:`pios_ld.shacl`), which reports exactly what pySHACL reports;
    when the shapes need something it does not compile, runs pySHACL instead.
    """
    plan = _plan()
    if not isinstance(statements, TermGraph):
        statements = list(statements)
    if plan is None:
        return validate_reference(_as_statements(statements))
    with _gc_paused():
        try:
            graph = statements if isinstance(statements, TermGraph) else \
                TermGraph.from_statements(statements)
        except UnsupportedTerm as exc:
            raise ValidationError(
                f"Validation could not run: {exc} (RDF 1.2 triple terms are not supported).",
                f"Valideringen kunde inte köras: {exc} (RDF 1.2-tripeltermer stöds inte).",
            ) from exc
        return _report_from_raw(plan.evaluate(graph), graph)


def validate_document(data: bytes | str, fmt: str = "jsonld",
                      base_iri: str | None = None) -> Report:
    """Parse and validate a document in one step, on the fastest route for its format.

    *fmt* is a format name, suffix or media type (see :func:`pios_ld.rdf.format_for`). Raises
    :class:`~pios_ld.errors.ParseError` (and the other input errors) as parsing does.
    """
    from pios_ld import jsonld_terms, rdf

    with _gc_paused():
        if rdf.format_for(fmt) is rdf.JSON_LD:
            graph = jsonld_terms.read_terms(data, base_iri=base_iri)
        else:
            try:
                graph = TermGraph.from_statements(rdf.parse(data, fmt, base_iri=base_iri))
            except UnsupportedTerm as exc:  # an input error, as in the crawler's reader
                raise ParseError(f"{exc} (RDF 1.2 triple terms are not supported).",
                                 f"{exc} (RDF 1.2-tripeltermer stöds inte).") from exc
        return validate(graph)


def _as_statements(statements: list | TermGraph) -> list:
    return statements.to_triples() if isinstance(statements, TermGraph) else statements


def term_owners(graph: TermGraph) -> dict[str, str]:
    """:func:`owners` for a :class:`~pios_ld.terms.TermGraph`."""
    initiatives = sorted(subject for subject, types in graph.subjects_objects(RDF_TYPE).items()
                         if INITIATIVE in types and isinstance(subject, str))
    return cast("dict[str, str]", owned(graph.blank_children(), initiatives))


def _report_from_raw(raw: list[shacl.Raw], graph: TermGraph) -> Report:
    if not raw:
        return Report()
    messages = shape_messages()
    terms = context_terms()
    owner = term_owners(graph)
    results = []
    for focus_term, path, severity, component, shape, value in raw:
        focus = shacl.text_of(focus_term)
        if isinstance(focus_term, str) and focus_term.startswith("_:"):
            focus = focus_term
        sv, en = messages.get(shape, ("", ""))
        blank = isinstance(value, str) and value.startswith("_:")
        results.append(Result(
            initiative=owner.get(focus),
            focus=focus,
            path=path,
            severity=severity,
            component=component,
            shape=shape,
            value=None if value is None or blank else shacl.text_of(value),
            message_sv=sv,
            message_en=en,
            field=terms.get(path) if path is not None else None,
        ))
    return Report(tuple(sorted(results, key=sort_key)))
