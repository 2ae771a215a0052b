"""Turn what a person or a program sends into a stored record, or say precisely why not.

Every way into the node (the write API, the editing form, a spreadsheet row) ends here:
:func:`prepare` mints the IRI from the identifier, fills in what the node knows (type, the
responsible organisation, the modification time), parses the record with the bundled context,
frames it back to the context's form (so equal content is stored equally) and validates it
against the shapes. Nothing here touches the database.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from pios_ld import catalog, jsonld, rdf
from pios_ld.errors import InputError
from pios_ld.namespaces import SHAPES, Dct, Pios
from pios_ld.validation import VIOLATION, Report, Result, validate

IDENTIFIER = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,98}[a-z0-9])?$")
NODE_SHAPE = SHAPES + "NodeRule"

#: The order keys are written in, so that published JSON reads well; the rest follow sorted.
KEY_ORDER = ("@context", "id", "type", "identifier", "title", "description",
             "responsibleOrganization", "phase", "theme", "created", "modified")


@dataclass(frozen=True)
class Prepared:
    """A record ready to store (``record``) and what the shapes said about it (``report``)."""

    record: dict[str, Any]
    report: Report

    @property
    def ok(self) -> bool:
        return self.report.conforms


def node_result(iri: str, field: str, path: str, value: str | None, sv: str, en: str) -> Result:
    """A violation the node itself finds (outside the shapes), shaped like any other result."""
    return Result(initiative=iri, focus=iri, path=path, severity=VIOLATION, component="Node",
                  shape=NODE_SHAPE, value=value, message_sv=sv, message_en=en, field=field)


def ordered(record: dict[str, Any]) -> dict[str, Any]:
    """*record* with its keys in :data:`KEY_ORDER`, the rest sorted."""
    first = {k: record[k] for k in KEY_ORDER if k in record}
    rest = {k: record[k] for k in sorted(record) if k not in first}
    return {**first, **rest}


def _sorted_lists(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _sorted_lists(v) for k, v in value.items()}
    if isinstance(value, list):
        items = [_sorted_lists(v) for v in value]
        return sorted(items, key=lambda v: json.dumps(v, sort_keys=True, ensure_ascii=False))
    return value


def prepare(data: Any, base_url: str, organization: str, modified: str,
            identifier: str | None = None) -> Prepared:
    """Check and normalise one initiative record sent in the context's JSON-LD form.

    *identifier*, when given (from the URL), wins over the body's. Raises :class:`InputError`
    when the input is not a JSON object or not JSON-LD at all; a record that merely breaks the
    rules comes back with ``ok`` false and the reasons in ``report``.
    """
    return prepare_many([(data, identifier)], base_url, organization, modified)[0]


def prepare_many(items: list[tuple[Any, str | None]], base_url: str, organization: str,
                 modified: str, *, frame: bool = True) -> list[Prepared]:
    """:func:`prepare` for many records, validated together in one pass (for imports).

    ``frame=False`` is for records a program built in the context's own form (the import's):
    they are stored as given, lists sorted, instead of being framed back from their graph —
    the same graph (a test compares them), at a fraction of the time.
    """
    staged = [_normalise(data, base_url, organization, modified, identifier, f"_{index}",
                         parse=frame)
              for index, (data, identifier) in enumerate(items)]
    if not frame:
        staged = _parse_together(staged)
    report = validate([q for _, _, quads, _ in staged for q in quads])
    grouped = report.by_initiative()
    out = []
    for iri, given, quads, problems in staged:
        if frame:
            framed = [r for r in jsonld.frame(quads) if r.get("id") == iri]
            if len(framed) != 1:
                raise InputError("The body must describe exactly one initiative.",
                                 "Innehållet ska beskriva exakt ett initiativ.")
            given = framed[0]
        normal = _sorted_lists({k: v for k, v in given.items() if k != "@context"})
        record = ordered({"@context": jsonld.CONTEXT_URL, **normal})
        results = tuple(problems) + tuple(grouped.get(iri, ()))
        out.append(Prepared(record, Report(results)))
    return out


Staged = tuple[str, dict[str, Any], list, list[Result]]


def _parse_together(staged: list[Staged]) -> list[Staged]:
    """Parse many records as one document (parsing is most of an import's time when each
    record carries the context on its own) and hand each its statements: those about its IRI
    and about the blank nodes beneath it. Records sharing an IRI are parsed alone."""
    counts: dict[str, int] = {}
    for iri, _, _, _ in staged:
        counts[iri] = counts.get(iri, 0) + 1
    together = [i for i, (iri, _, _, _) in enumerate(staged) if counts[iri] == 1]
    out = list(staged)
    if together:
        document = {"@context": jsonld.CONTEXT_URL, "@graph": [
            {k: v for k, v in staged[i][1].items() if k != "@context"} for i in together]}
        quads = rdf.parse(json.dumps(document), rdf.JSON_LD)
        owner = {staged[i][0]: i for i in together}
        parent = {q.object.value: q.subject for q in quads if _is_blank(q.object)}
        mine: dict[int, list] = {i: [] for i in together}
        for quad in quads:
            subject, hops = quad.subject, 0
            while _is_blank(subject) and hops < 50:
                subject, hops = parent.get(subject.value, subject), hops + 1
            index = owner.get(subject.value)
            if index is None:     # not one of the records: parse them one by one after all
                return [_with_quads(s) for s in staged]
            mine[index].append(quad)
        for i in together:
            iri, record, _, problems = staged[i]
            out[i] = (iri, record, mine[i], problems)
    return [s if s[2] else _with_quads(s) for s in out]


def _with_quads(staged: Staged) -> Staged:
    iri, record, _, problems = staged
    return iri, record, rdf.parse(json.dumps(record), rdf.JSON_LD), problems


def _normalise(data: Any, base_url: str, organization: str, modified: str,
               identifier: str | None, placeholder: str = "_", parse: bool = True,
               ) -> Staged:
    # *placeholder* names a record whose identifier is unusable: one per record of a batch, so
    # that one record's problems are never reported on another (they would share the IRI).
    if not isinstance(data, dict):
        raise InputError("The body must be one JSON object: an initiative.",
                         "Innehållet ska vara ett JSON-objekt: ett initiativ.")
    # refuses any @context but the bundled one, before anything (the bundled one at the top
    # needs no inlining for that)
    jsonld.inline_contexts({k: v for k, v in data.items()
                            if k != "@context" or v != jsonld.CONTEXT_URL})
    record = {k: v for k, v in data.items() if v not in (None, "", [], {})}
    identifier = identifier or record.get("identifier")
    if isinstance(identifier, list) and len(identifier) == 1:
        identifier = identifier[0]
    identifier = str(identifier or "").strip()
    valid = bool(IDENTIFIER.match(identifier))
    iri = catalog.initiative_iri(base_url, identifier if valid else placeholder)
    problems: list[Result] = []
    if not valid:
        problems.append(node_result(
            iri, "identifier", Dct.identifier, identifier or None,
            "Identifieraren ska bestå av små bokstäver a–z, siffror och bindestreck (högst 100 "
            "tecken), till exempel digital-tillsyn. Den blir en del av initiativets adress.",
            "The identifier must consist of lower-case letters a–z, digits and hyphens (at "
            "most 100 characters), for example digital-tillsyn. It becomes part of the "
            "initiative's address."))
    given_org = record.get("responsibleOrganization")
    if given_org and given_org != organization:
        problems.append(node_result(
            iri, "responsibleOrganization", Pios.responsibleOrganization, str(given_org),
            f"Den här noden publicerar bara för {organization}; ett initiativ som en annan "
            "organisation ansvarar för publiceras av den organisationen.",
            f"This node publishes only for {organization}; an initiative another organisation "
            "is responsible for is published by that organisation."))
    record.update({
        "@context": jsonld.CONTEXT_URL,
        "id": iri,
        "type": "Initiative",
        "identifier": identifier,
        "responsibleOrganization": organization,
        "modified": modified,
    })
    if not parse:
        return iri, record, [], problems
    quads = rdf.parse(json.dumps(record), rdf.JSON_LD)
    subjects = {q.subject.value for q in quads if not _is_blank(q.subject)}
    if subjects - {iri}:
        raise InputError(
            f"The body may describe only the initiative {iri}, not {sorted(subjects - {iri})}.",
            f"Innehållet får bara beskriva initiativet {iri}, inte {sorted(subjects - {iri})}.")
    return iri, record, quads, problems


def _is_blank(term: Any) -> bool:
    return type(term).__name__ == "BlankNode"
