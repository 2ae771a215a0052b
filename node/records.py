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
                 modified: str) -> list[Prepared]:
    """:func:`prepare` for many records, validated together in one pass (for imports)."""
    staged = [_normalise(data, base_url, organization, modified, identifier)
              for data, identifier in items]
    report = validate([q for _, quads, _ in staged for q in quads])
    grouped = report.by_initiative()
    out = []
    for record, _, problems in staged:
        results = tuple(problems) + tuple(grouped.get(record["id"], ()))
        out.append(Prepared(record, Report(results)))
    return out


def _normalise(data: Any, base_url: str, organization: str, modified: str,
               identifier: str | None) -> tuple[dict[str, Any], list, list[Result]]:
    if not isinstance(data, dict):
        raise InputError("The body must be one JSON object: an initiative.",
                         "Innehållet ska vara ett JSON-objekt: ett initiativ.")
    jsonld.inline_contexts(data)  # refuses any @context but the bundled one, before anything
    record = {k: v for k, v in data.items() if v not in (None, "", [], {})}
    identifier = identifier or record.get("identifier")
    if isinstance(identifier, list) and len(identifier) == 1:
        identifier = identifier[0]
    identifier = str(identifier or "").strip()
    valid = bool(IDENTIFIER.match(identifier))
    iri = catalog.initiative_iri(base_url, identifier if valid else "_")
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
    quads = rdf.parse(json.dumps(record), rdf.JSON_LD)
    framed = [r for r in jsonld.frame(quads) if r.get("id") == iri]
    if len(framed) != 1:
        raise InputError("The body must describe exactly one initiative.",
                         "Innehållet ska beskriva exakt ett initiativ.")
    subjects = {q.subject.value for q in quads if not _is_blank(q.subject)}
    if subjects - {iri}:
        raise InputError(
            f"The body may describe only the initiative {iri}, not {sorted(subjects - {iri})}.",
            f"Innehållet får bara beskriva initiativet {iri}, inte {sorted(subjects - {iri})}.")
    normal = _sorted_lists({k: v for k, v in framed[0].items() if k != "@context"})
    return ordered({"@context": jsonld.CONTEXT_URL, **normal}), quads, problems


def _is_blank(term: Any) -> bool:
    return type(term).__name__ == "BlankNode"
