"""The human-readable documentation of the vocabulary, generated from ``vocab/pios.ttl``.

Every class and property the JSON-LD context maps (and the pios terms for organisations) is shown
with its label and comment in Swedish and English, its domain, range and mappings to other
standards, and an example taken from the Vellinge example catalog; the concept schemes are tables.
:func:`collect` reads the files into values, :func:`render_markdown` and :func:`render_html` turn
them into text; only :func:`main` writes files::

    python -m pios_ld.tools.vocabdoc          # writes docs/vocabulary.md and docs/vocabulary.html
    python -m pios_ld.tools.vocabdoc --check  # exits 1 when the committed files are stale
"""

from __future__ import annotations

import html
import json
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import rdflib
from rdflib import OWL, RDF, RDFS, SKOS, URIRef
from rdflib.term import Node

from pios_ld import namespaces as ns
from pios_ld import vocab_paths
from pios_ld.namespaces import CONCEPT, PIOS

SCHEMA = rdflib.Namespace(ns.SCHEMA)
PUBLICCODE_KEY = URIRef(PIOS + "publiccodeKey")
SCHEMES = ("phase", "theme", "health", "organization-type")

PREFIXES = {
    "pios": PIOS, "dct": ns.DCT, "dcat": ns.DCAT, "prov": ns.PROV, "org": ns.ORG,
    "foaf": ns.FOAF, "vcard": ns.VCARD, "schema": ns.SCHEMA, "doap": ns.DOAP,
    "skos": ns.SKOS, "ldes": ns.LDES, "tree": ns.TREE, "hydra": ns.HYDRA,
    "as": ns.AS, "xsd": ns.XSD, "rdf": ns.RDF, "rdfs": ns.RDFS, "owl": ns.OWL,
}
MAPPING_PREDICATES = (
    (RDFS.subClassOf, "subclass of"), (RDFS.subPropertyOf, "subproperty of"),
    (SKOS.exactMatch, "exact match"), (SKOS.closeMatch, "close match"),
    (SKOS.relatedMatch, "related match"),
)
KINDS: dict[Node, str] = {OWL.Class: "class", OWL.ObjectProperty: "object property",
         OWL.DatatypeProperty: "datatype property"}
SOURCE = "Generated from vocab/pios.ttl by `python -m pios_ld.tools.vocabdoc`; do not edit by hand."


@dataclass(frozen=True)
class Term:
    """One class or property as the documentation shows it."""

    iri: str
    curie: str
    json_term: str | None
    kind: str
    label: dict[str, str]
    comment: dict[str, str]
    domain: tuple[str, ...]
    range: tuple[str, ...]
    used_on: tuple[str, ...]
    values: tuple[str, ...]
    mappings: tuple[tuple[str, str], ...]
    publiccode: tuple[str, ...]
    example: str
    example_lang: str = "json"


@dataclass(frozen=True)
class Concept:
    code: str
    label: dict[str, str]
    definition: dict[str, str]
    broader: str | None


@dataclass(frozen=True)
class Scheme:
    name: str
    iri: str
    label: dict[str, str]
    definition: dict[str, str]
    concepts: tuple[Concept, ...] = field(default_factory=tuple)


def curie(iri: str) -> str:
    """``https://w3id.org/pios/vocab#phase`` -> ``pios:phase`` (longest namespace wins)."""
    best = max((ns for ns in PREFIXES.values() if iri.startswith(ns)), key=len, default=None)
    if best is None:
        return f"<{iri}>"
    prefix = next(p for p, ns in PREFIXES.items() if ns == best)
    return f"{prefix}:{iri[len(best):]}"


def context_terms(context: dict[str, Any]) -> dict[str, str]:
    """JSON-LD term -> full IRI, for every term of the context that names a class or property."""
    prefixes = {k: v for k, v in context.items() if isinstance(v, str) and v.endswith(("#", "/"))}
    terms = {}
    for term, definition in context.items():
        iri = definition.get("@id") if isinstance(definition, dict) else definition
        if term.startswith("@") or term in prefixes or not isinstance(iri, str) or iri[0] == "@":
            continue
        prefix, _, local = iri.partition(":")
        terms[term] = prefixes[prefix] + local if prefix in prefixes else iri
    return terms


def _by_lang(graph: rdflib.Graph, subject: Node, predicate: URIRef) -> dict[str, str]:
    return {o.language: str(o) for o in graph.objects(subject, predicate)
            if isinstance(o, rdflib.Literal) and o.language}


def _curies(graph: rdflib.Graph, subject: Node, predicate: URIRef) -> tuple[str, ...]:
    return tuple(sorted(curie(str(o)) for o in graph.objects(subject, predicate)))


def _first_value(node: Any, term: str) -> Any:
    """The first value of *term* in a JSON document (depth first), or None."""
    children: Iterable[Any]
    if isinstance(node, dict):
        if term in node:
            return node[term]
        children = node.values()
    elif isinstance(node, list):
        children = node
    else:
        return None
    for child in children:
        found = _first_value(child, term)
        if found is not None:
            return found
    return None


def _first_node_of_type(node: Any, type_name: str) -> dict[str, Any] | None:
    if isinstance(node, dict):
        if node.get("type") == type_name:
            return {k: v for k, v in node.items() if k != "@context"}
        children = list(node.values())
    else:
        children = node if isinstance(node, list) else []
    return next(filter(None, (_first_node_of_type(c, type_name) for c in children)), None)


def _shorten(value: Any, depth: int = 0) -> Any:
    """A short version of *value* for an example: long texts cut, two items, nested records
    reduced to their ``id`` and ``type``."""
    if isinstance(value, str):
        return value if len(value) <= 70 else value[:67].rstrip() + "…"
    if isinstance(value, list):
        return [_shorten(v, depth + 1) for v in value[:2]]
    if isinstance(value, dict):
        if depth > 0 and "id" in value:
            return {k: value[k] for k in ("id", "type") if k in value}
        return {k: _shorten(v, depth + 1) for k, v in value.items()}
    return value


def json_example(term: str, catalog: dict[str, Any], is_class: bool) -> str:
    """A JSON-LD snippet using *term*, with a value taken from the example catalog."""
    if is_class:
        node = _first_node_of_type(catalog, term) or {"type": term}
        example = {k: _shorten(v, 1) for k, v in list(node.items())[:5]}
        return json.dumps(example, ensure_ascii=False, indent=2)
    value = _first_value(catalog.get("initiative"), term)
    if value is None:
        value = _first_value(catalog, term)
    if value is None:  # not in a one-page catalog, e.g. "next"
        value = "https://pios.vellinge.se/catalog?page=2"
    return json.dumps({term: _shorten(value, 1)}, ensure_ascii=False, indent=2)


def turtle_example(iri: str, organizations: rdflib.Graph) -> str:
    """An example triple about Vellinge kommun from the organisations file."""
    vellinge = URIRef("http://dataportal.se/organisation/SE2120001033")
    regions = organizations.subjects(URIRef(PIOS + "organizationType"),
                                     URIRef(CONCEPT + "organization-type/region"))
    for subject in (vellinge, *sorted(regions, key=str)):
        value = organizations.value(subject, URIRef(iri))
        if value is not None:
            return f"<{subject}> {curie(iri)} {value.n3(organizations.namespace_manager)} ."
    return ""


def collect(graph: rdflib.Graph, context: dict[str, Any], catalog: dict[str, Any],
            organizations: rdflib.Graph) -> tuple[list[Term], list[Scheme]]:
    """Read the vocabulary into :class:`Term` and :class:`Scheme` values, in reading order."""
    by_term = context_terms(context)
    ordered: list[tuple[str | None, str]] = list(by_term.items())
    extra = sorted(str(s) for s, kind in graph.subject_objects(RDF.type)
                   if kind in KINDS and str(s).startswith(PIOS) and str(s) not in by_term.values())
    ordered += [(None, iri) for iri in extra]
    terms = []
    for json_term, iri in ordered:
        subject = URIRef(iri)
        kinds = [KINDS[t] for t in graph.objects(subject, RDF.type) if t in KINDS]
        kind = kinds[0] if kinds else "term"
        if json_term is not None:
            example, lang = json_example(json_term, catalog, kind == "class"), "json"
        else:
            example, lang = turtle_example(iri, organizations), "turtle"
        terms.append(Term(
            iri=iri, curie=curie(iri), json_term=json_term, kind=kind,
            label=_by_lang(graph, subject, RDFS.label),
            comment=_by_lang(graph, subject, RDFS.comment),
            domain=_curies(graph, subject, RDFS.domain), range=_curies(graph, subject, RDFS.range),
            used_on=_curies(graph, subject, SCHEMA.domainIncludes),
            values=_curies(graph, subject, SCHEMA.rangeIncludes),
            mappings=tuple((name, c) for predicate, name in MAPPING_PREDICATES
                           for c in _curies(graph, subject, predicate)),
            publiccode=tuple(sorted(str(o) for o in graph.objects(subject, PUBLICCODE_KEY))),
            example=example, example_lang=lang,
        ))
    schemes = []
    for name in SCHEMES:
        scheme = URIRef(CONCEPT + name)
        members = []
        for concept in graph.subjects(SKOS.inScheme, scheme):
            broader = graph.value(concept, SKOS.broader)
            members.append(Concept(
                code=str(graph.value(concept, SKOS.notation)),
                label=_by_lang(graph, concept, SKOS.prefLabel),
                definition=_by_lang(graph, concept, SKOS.definition),
                broader=str(graph.value(broader, SKOS.notation)) if broader else None,
            ))
        schemes.append(Scheme(name, str(scheme), _by_lang(graph, scheme, SKOS.prefLabel),
                              _by_lang(graph, scheme, SKOS.definition),
                              tuple(_concept_order(members))))
    return terms, schemes


#: The phase scheme in life-cycle order (DESIGN.md §4); other schemes are shown alphabetically.
LIFECYCLE = ("planned", "idea", "prestudy", "planning", "ongoing", "development", "pilot",
             "implementation", "scaling", "paused", "completed", "operation", "closed",
             "discontinued")


def _concept_order(members: list[Concept]) -> list[Concept]:
    def key(concept: Concept) -> tuple[int, str]:
        index = LIFECYCLE.index(concept.code) if concept.code in LIFECYCLE else len(LIFECYCLE)
        return index, concept.code

    return sorted(members, key=key)


def load() -> tuple[list[Term], list[Scheme]]:
    """Read the bundled vocabulary, context, example catalog and organisations."""
    graph = rdflib.Graph().parse(str(vocab_paths.VOCABULARY), format="turtle")
    context = json.loads(vocab_paths.CONTEXT.read_text(encoding="utf-8"))["@context"]
    catalog = json.loads((vocab_paths.EXAMPLES / "vellinge-catalog.jsonld")
                         .read_text(encoding="utf-8"))
    organizations = rdflib.Graph().parse(str(vocab_paths.ORGANIZATIONS), format="turtle")
    for prefix, namespace in PREFIXES.items():
        organizations.bind(prefix, namespace)
    return collect(graph, context, catalog, organizations)


# --------------------------------------------------------------------------------------------
# Rendering
# --------------------------------------------------------------------------------------------
TITLE = "The pios vocabulary · Vokabulären pios"
INTRO = (
    "Terms for publishing the digital development initiatives of Sweden's public sector as linked "
    "data. Namespace `https://w3id.org/pios/vocab#` (prefix `pios:`), JSON-LD context "
    "`https://w3id.org/pios/context.jsonld`, concepts `https://w3id.org/pios/concept/<scheme>/"
    "<code>`. Terms are reused from DCAT, Dublin Core, PROV, ORG, vCard and schema.org; a `pios:` "
    "term exists only where nothing fits. The examples are taken from "
    "`vocab/examples/vellinge-catalog.jsonld`; `shapes/pios-shapes.ttl` says which fields are "
    "required, and `pios validate FILE` checks a document against it."
)
INTRO_SV = (
    "Termer för att publicera offentlig sektors digitala utvecklingsinitiativ som länkade data. "
    "Termerna återanvänds från DCAT, Dublin Core, PROV, ORG, vCard och schema.org; en `pios:`-term "
    "finns bara där inget annat passar. Exemplen kommer från Vellinge kommuns exempelkatalog; "
    "`pios validate FIL` kontrollerar ett dokument mot reglerna i `shapes/pios-shapes.ttl`."
)
GROUPS = (
    ("classes", "Classes · Klasser", lambda t: t.kind == "class"),
    ("properties", "Properties · Egenskaper",
     lambda t: t.kind != "class" and t.json_term is not None),
    ("organisations", "Organisations · Organisationer (vocab/organizations.ttl)",
     lambda t: t.json_term is None),
)


def _facts(term: Term) -> list[tuple[str, str]]:
    """(heading, value) rows shown under a term, code already marked with backticks."""
    def codes(items: tuple[str, ...]) -> str:
        return ", ".join(f"`{i}`" for i in items)

    rows = [("IRI", f"`{term.iri}`"), ("Kind", term.kind)]
    if term.json_term:
        rows.append(("JSON-LD term", f"`{term.json_term}`"))
    if term.domain:
        rows.append(("Domain", codes(term.domain)))
    if term.range:
        rows.append(("Range", codes(term.range)))
    if term.used_on:
        rows.append(("Used on in pios", codes(term.used_on)))
    if term.values:
        rows.append(("Values in pios", codes(term.values)))
    grouped: dict[str, list[str]] = {}
    for name, target in term.mappings:
        grouped.setdefault(name, []).append(target)
    mapping = "; ".join(f"{name} {codes(tuple(targets))}" for name, targets in grouped.items())
    rows.append(("Mappings", mapping or "none: nothing in the standards resembles it"))
    if term.publiccode:
        rows.append(("publiccode.yml", codes(term.publiccode)))
    return rows


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render_markdown(terms: list[Term], schemes: list[Scheme]) -> str:
    """The vocabulary as one Markdown page, Swedish and English side by side."""
    out = [f"# {TITLE}", "", f"<!-- {SOURCE} -->", "", INTRO, "", INTRO_SV, ""]
    out += ["Contents · Innehåll:", ""]
    out += [f"- [{title}](#{anchor})" for anchor, title, _ in GROUPS]
    out += ["- [Concept schemes · Begreppsscheman](#concept-schemes)", ""]
    for anchor, title, belongs in GROUPS:
        out += [f'<a id="{anchor}"></a>', "", f"## {title}", ""]
        for term in filter(belongs, terms):
            name = term.json_term or term.curie.removeprefix("pios:")
            out += [f"### {name} — `{term.curie}`", "", "| | Svenska | English |", "|---|---|---|"]
            for row, values in (("Label", term.label), ("Comment", term.comment)):
                out.append(f"| {row} | {_cell(values.get('sv', ''))} | "
                           f"{_cell(values.get('en', ''))} |")
            out.append("")
            out += [f"- **{heading}:** {value}" for heading, value in _facts(term)]
            out += ["", "Example:", "", f"```{term.example_lang}", term.example, "```", ""]
    out += ['<a id="concept-schemes"></a>', "", "## Concept schemes · Begreppsscheman", "",
            "In JSON-LD a concept is written as its bare code (`\"phase\": \"pilot\"`); its IRI is "
            "the scheme's IRI, a slash and the code.", ""]
    for scheme in schemes:
        out += [f"### {scheme.label.get('en')} · {scheme.label.get('sv')} — `{scheme.iri}`", "",
                f"{scheme.definition.get('en', '')}", "", f"*{scheme.definition.get('sv', '')}*",
                "", "| code | svenska | English | broader | definition | definition (en) |",
                "|---|---|---|---|---|---|"]
        for c in scheme.concepts:
            out.append(f"| `{c.code}` | {_cell(c.label.get('sv', ''))} | "
                       f"{_cell(c.label.get('en', ''))} | {f'`{c.broader}`' if c.broader else ''}"
                       f" | {_cell(c.definition.get('sv', ''))} | "
                       f"{_cell(c.definition.get('en', ''))} |")
        out.append("")
    return "\n".join(out)


def _inline(text: str) -> str:
    """Escape *text* for HTML and turn `code` spans into <code>."""
    parts = html.escape(text).split("`")
    return "".join(f"<code>{p}</code>" if i % 2 else p for i, p in enumerate(parts))


def render_html(terms: list[Term], schemes: list[Scheme]) -> str:
    """The same content as :func:`render_markdown`, as one standalone, accessible HTML page."""
    out = ["<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
           '<meta name="viewport" content="width=device-width, initial-scale=1">',
           f"<title>{html.escape(TITLE)}</title>",
           "<style>body{font-family:system-ui,sans-serif;max-width:70rem;margin:auto;padding:1rem;"
           "line-height:1.5;color:#1a1a1a}table{border-collapse:collapse;width:100%}"
           "th,td{border:1px solid #767676;padding:.3rem .5rem;text-align:left;vertical-align:top}"
           "pre{background:#f3f3f3;padding:.5rem;overflow-x:auto}code{font-size:.95em}"
           "dl{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem}"
           "dt{font-weight:bold}dd{margin:0}</style>",
           "</head>", "<body>", f"<!-- {html.escape(SOURCE)} -->", "<main>",
           f"<h1>{html.escape(TITLE)}</h1>", f"<p>{_inline(INTRO)}</p>",
           f'<p lang="sv">{_inline(INTRO_SV)}</p>', '<nav aria-label="Contents"><ul>']
    out += [f'<li><a href="#{a}">{html.escape(t)}</a></li>' for a, t, _ in GROUPS]
    out += ['<li><a href="#concept-schemes">Concept schemes · Begreppsscheman</a></li>',
            "</ul></nav>"]
    for anchor, title, belongs in GROUPS:
        out += [f'<section id="{anchor}">', f"<h2>{html.escape(title)}</h2>"]
        for term in filter(belongs, terms):
            name = html.escape(term.json_term or term.curie.removeprefix("pios:"))
            out += [f'<h3 id="{html.escape(term.curie)}">{name} — '
                    f"<code>{html.escape(term.curie)}</code></h3>",
                    '<table><thead><tr><td></td><th scope="col">Svenska</th>'
                    '<th scope="col">English</th></tr></thead><tbody>']
            for row, values in (("Label", term.label), ("Comment", term.comment)):
                out.append(f'<tr><th scope="row">{row}</th>'
                           f'<td lang="sv">{html.escape(values.get("sv", ""))}</td>'
                           f'<td>{html.escape(values.get("en", ""))}</td></tr>')
            out += ["</tbody></table>", "<dl>"]
            out += [f"<dt>{html.escape(h)}</dt><dd>{_inline(v)}</dd>" for h, v in _facts(term)]
            out += ["<dt>Example</dt><dd><pre><code>"
                    f"{html.escape(term.example)}</code></pre></dd>", "</dl>"]
        out.append("</section>")
    out += ['<section id="concept-schemes">', "<h2>Concept schemes · Begreppsscheman</h2>"]
    for scheme in schemes:
        out += [f"<h3>{html.escape(scheme.label.get('en', ''))} · "
                f"{html.escape(scheme.label.get('sv', ''))} — <code>{scheme.iri}</code></h3>",
                f"<p>{html.escape(scheme.definition.get('en', ''))}</p>",
                f'<p lang="sv">{html.escape(scheme.definition.get("sv", ""))}</p>',
                "<table><thead><tr>" + "".join(
                    f'<th scope="col">{h}</th>' for h in
                    ("code", "svenska", "English", "broader", "definition", "definition (en)"))
                + "</tr></thead><tbody>"]
        for c in scheme.concepts:
            out.append(
                f'<tr><th scope="row"><code>{c.code}</code></th>'
                f'<td lang="sv">{html.escape(c.label.get("sv", ""))}</td>'
                f'<td>{html.escape(c.label.get("en", ""))}</td>'
                f"<td>{f'<code>{c.broader}</code>' if c.broader else ''}</td>"
                f'<td lang="sv">{html.escape(c.definition.get("sv", ""))}</td>'
                f'<td>{html.escape(c.definition.get("en", ""))}</td></tr>')
        out += ["</tbody></table>"]
    out += ["</section>", "</main>", "</body>", "</html>", ""]
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    """Write (or with ``--check`` verify) ``docs/vocabulary.md`` and ``docs/vocabulary.html``."""
    args = sys.argv[1:] if argv is None else argv
    docs = Path(args[args.index("--docs") + 1]) if "--docs" in args else default_docs_dir()
    if docs is None:
        print("No source tree found next to the vocabulary: give --docs FOLDER.", file=sys.stderr)
        return 2
    terms, schemes = load()
    outputs = {docs / "vocabulary.md": render_markdown(terms, schemes),
               docs / "vocabulary.html": render_html(terms, schemes)}
    if "--check" in args:
        stale = [str(p) for p, text in outputs.items()
                 if not p.exists() or p.read_text(encoding="utf-8") != text]
        for name in stale:
            print(f"stale: {name} (run python -m pios_ld.tools.vocabdoc)", file=sys.stderr)
        return 1 if stale else 0
    for path, text in outputs.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8", newline="\n")
        print(f"wrote {path}", file=sys.stderr)
    return 0


def default_docs_dir() -> Path | None:
    """``docs/`` of the source tree the vocabulary lives in, or None in an installed wheel."""
    root = Path(str(vocab_paths.VOCABULARY)).resolve().parent.parent
    return root / "docs" if (root / "pyproject.toml").is_file() else None


if __name__ == "__main__":
    raise SystemExit(main())
