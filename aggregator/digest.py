"""The CPU-heavy part of a crawl as pure functions of bytes, so that it can run in worker
processes (``crawl_processes``) while the crawling threads fetch: parsing a document, reading a
feed page, screening a catalog. Arguments and results are plain picklable values; statements
travel as N-Triples bytes. A document that cannot be read raises its
:class:`~pios_ld.errors.PiosError`, which comes back from a worker process as itself
(:mod:`workerpool`).

Documents are read into plain terms (:mod:`pios_ld.terms`), screened on them and written as
N-Triples (:func:`records.to_ntriples`): no pyoxigraph object per statement on the way.
"""

from __future__ import annotations

import functools
import gc
import hashlib
import json
from collections.abc import Callable, Mapping
from dataclasses import asdict
from typing import Any, ParamSpec, TypeVar

from pios_ld.aggregator import records

from pios_ld import feed, jsonld, jsonld_terms, rdf
from pios_ld.errors import InputError, ParseError, PiosError
from pios_ld.terms import TermGraph, UnsupportedTerm, value

P = ParamSpec("P")
R = TypeVar("R")


def watch_parent(parent: int) -> None:
    """Worker initializer: exit when the crawling process is gone (killed, not shut down)."""
    import os
    import threading
    import time

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1)
        os._exit(0)

    threading.Thread(target=watch, daemon=True, name="watch-parent").start()


def read(content: bytes, media_type: str, url: str) -> jsonld_terms.Reading:
    """A fetched document in the syntax its media type names (JSON-LD when unknown), as plain
    terms: JSON-LD through the fast reader (:func:`pios_ld.jsonld_terms.read`; ``fast`` is false
    when it declined the document and the standard parser read it), other syntaxes through
    pyoxigraph (``fast``: not JSON-LD, nothing to decline)."""
    fmt = _format(media_type, url)
    if fmt is rdf.JSON_LD:
        return jsonld_terms.read(content, base_iri=url)
    try:
        return jsonld_terms.Reading(
            TermGraph.from_statements(rdf.parse(content, fmt, base_iri=url)), True)
    except UnsupportedTerm as exc:
        raise ParseError(f"{url}: {exc} (RDF 1.2 triple terms are not supported).",
                         f"{url}: {exc} (RDF 1.2-tripeltermer stöds inte).") from exc


#: A JSON document smaller than this cannot hold a record over any sensible size limit.
_PRESCREEN_BYTES = 64 * 1024
#: JSON values (objects and leaves) per statement above which a record is too large unread: a
#: statement takes at least one value; a language map, an ``@value`` object or an ``@list``
#: takes a few more, never this many.
_VALUES_PER_STATEMENT = 4


def _values(item: Any, stop: int) -> int:
    """How many JSON values (objects, arrays' items, leaves) *item* holds, counting to *stop*."""
    count, stack = 0, [item]
    while stack and count <= stop:
        current = stack.pop()
        count += 1
        if isinstance(current, dict):
            stack.extend(v for k, v in current.items() if k != "@context")
        elif isinstance(current, list):
            count -= 1
            stack.extend(current)
    return count


def prescreen(content: bytes, media_type: str, url: str, prefixes: tuple[str, ...],
              max_record_triples: int) -> tuple[bytes, list[records.Problem], list[str]]:
    """Take records far over the size limit out of a JSON-LD document *before* it is read.

    Reading a 14 MiB record of 300,000 status updates costs seconds and gigabytes, so the JSON
    is looked at first: a record (an object with an absolute ``id`` inside a top-level node
    with an ``id``, like a catalog's initiatives and a feed's members) holding more than
    ``4 × max_record_triples`` JSON values is removed unread and reported, ``too-large`` when
    it lies under the node's *prefixes*, ``authority`` otherwise. Returns the document (the same
    bytes when nothing was removed), the problems and the subjects of the records removed."""
    if len(content) < _PRESCREEN_BYTES or _format(media_type, url) is not rdf.JSON_LD:
        return content, [], []
    try:
        document = jsonld.load_json(content)
    except (PiosError, ValueError, RecursionError):
        return content, [], []  # the reader will say what is wrong with it
    stop = _VALUES_PER_STATEMENT * max_record_triples
    problems: list[records.Problem] = []
    subjects: list[str] = []
    tops = document.get("@graph") if isinstance(document, dict) and "@graph" in document \
        else [document]
    for top in tops if isinstance(tops, list) else []:
        if not isinstance(top, dict) or not isinstance(top.get("id", top.get("@id")), str):
            continue
        for key, found in top.items():
            if key == "@context":
                continue
            items = found if isinstance(found, list) else [found]
            keep = []
            for item in items:
                iri = item.get("id", item.get("@id")) if isinstance(item, dict) else None
                if isinstance(iri, str) and iri.startswith(("http://", "https://")) \
                        and _values(item, stop) > stop:
                    problems.append(_unread(iri, prefixes, max_record_triples))
                    subjects.append(iri)
                else:
                    keep.append(item)
            if len(keep) != len(items):
                top[key] = keep if isinstance(found, list) else (keep[0] if keep else [])
    if not problems:
        return content, [], []
    return json.dumps(document, ensure_ascii=False).encode(), problems, subjects


def _unread(iri: str, prefixes: tuple[str, ...], limit: int) -> records.Problem:
    shown = records.quote(iri)
    values = records.count_sv(_VALUES_PER_STATEMENT * limit)
    if iri.startswith(prefixes):
        return records.Problem(
            "too-large", records.subject_of(iri),
            f"Posten {shown} har fler än {values} värden, för många för gränsen "
            f"{records.count_sv(limit)} påståenden; den lästes inte och togs inte med.",
            f"The record {shown} has more than {_VALUES_PER_STATEMENT * limit:,} values, too "
            f"many for the limit of {limit:,} statements; it was not read and not taken in.")
    return records.Problem(
        "authority", records.subject_of(iri),
        f"Posten {shown} ligger utanför nodens IRI-prefix och är dessutom för stor; den lästes "
        "inte och togs inte med.",
        f"The record {shown} lies outside the node's IRI prefixes and is too large besides; it "
        "was not read and not taken in.")


def _format(media_type: str, url: str) -> rdf.Format:
    try:
        fmt = rdf.format_for(media_type)
    except InputError:
        fmt = rdf.JSON_LD  # a static host's application/octet-stream: the export is JSON-LD
    if media_type in ("text/html", "application/xhtml+xml"):
        raise InputError(f"{url} answered HTML, not RDF.", f"{url} svarade med HTML, inte RDF.")
    return fmt


def _without_gc(fn: Callable[P, R]) -> Callable[P, R]:
    """Run *fn* with the cyclic garbage collector paused: reading a document builds many small
    tuples, none of them in cycles, and the collector would scan them again and again. It is
    resumed after *fn* has returned, when those tuples are gone, so that it does not scan them
    once more on the way out either."""

    @functools.wraps(fn)
    def paused(*args: P.args, **kwargs: P.kwargs) -> R:
        if not gc.isenabled():
            return fn(*args, **kwargs)
        gc.disable()
        try:
            return fn(*args, **kwargs)
        finally:
            gc.enable()

    return paused


@_without_gc
def next_catalog_page(content: bytes, media_type: str, url: str) -> dict[str, Any]:
    """The ``next`` page a catalog page links to, if any."""
    if b"next" not in content.lower():  # every syntax spells the link with "next" somewhere
        return {"next": None}
    graph = read(content, media_type, url).graph
    found = graph.objects(url, records.PIOS + "nextPage")
    return {"next": value(found[0]) if found else None}


@_without_gc
def feed_page(content: bytes, media_type: str, url: str, seen: frozenset[str],
              prefixes: tuple[str, ...], org_iri: str, max_record_triples: int = 5000,
              max_problems: int = 100, heads: Mapping[str, str] | None = None
              ) -> dict[str, Any]:
    """Read one feed page: onward links, the versions not seen before, and their statements
    for the history (only versions the node may speak for, and within the size limit; a version
    that repeats the one before it is counted in ``repeated`` and left out, see
    :func:`_compacted`; ``heads`` are the fingerprints to compare with).

    ``dropped`` holds at most *max_problems* problems; ``dropped_count`` counts them all."""
    content, dropped, unread = prescreen(content, media_type, url, prefixes, max_record_triples)
    reading = read(content, media_type, url)
    page = feed.read_page(reading.graph, url)
    members = [m for m in page.members if m.iri not in seen]
    kept: list[tuple[feed.Member, list[records.Triple]]] = []
    for member in members:
        iri = records.quote(member.iri)
        if not (member.iri.startswith(prefixes) and member.version_of
                and member.version_of.startswith(prefixes)):
            dropped.append(records.Problem(
                "authority", records.subject_of(member.iri),
                f"Versionen {iri} ligger utanför nodens IRI-prefix och togs inte med "
                "i historiken.",
                f"The version {iri} lies outside the node's IRI prefixes and was left "
                "out of the history."))
            continue
        if len(member.statements) > max_record_triples:
            count = len(member.statements)
            dropped.append(records.Problem(
                "too-large", records.subject_of(member.iri),
                f"Versionen {iri} har {records.count_sv(count)} påståenden, fler än gränsen "
                f"{records.count_sv(max_record_triples)}, och togs inte med i historiken.",
                f"The version {iri} has {count:,} statements, more than the limit of "
                f"{max_record_triples:,}, and was left out of the history."))
            continue
        responsible = {value(o) for _, p, o in member.statements if p == records.RESPONSIBLE}
        if responsible and responsible != {org_iri}:
            dropped.append(records.Problem(
                "organisation", records.subject_of(member.iri),
                f"Versionen {iri} anger en annan ansvarig organisation än nodens.",
                f"The version {iri} names another responsible organisation than the "
                "node's."))
            continue
        kept.append((member, list(member.statements)))
    history, new_heads, repeated = _compacted(kept, prefixes[0], heads or {})
    shown, _ = records.capped(dropped, max_problems)
    return {"links": list(page.links), "immutable": page.immutable,
            "members": [m.iri for m in members] + [i for i in unread if i not in seen],
            "history": history, "heads": new_heads, "repeated": repeated,
            "dropped": shown, "dropped_count": len(dropped), "declined": int(not reading.fast)}


#: What differs between two versions of the same content: when each was made and saved.
_VOLATILE = (b"<http://www.w3.org/ns/prov#generatedAtTime>", b"<http://purl.org/dc/terms/modified>")


def _compacted(kept: list, prefix: str, heads: Mapping[str, str]
               ) -> tuple[bytes, dict[str, str], int]:
    """The history's N-Triples of the *kept* versions, without those whose content equals the
    version before them of the same resource (*heads*: resource → fingerprint of its latest
    version in the history; updated and returned for the resources on this page), and how many
    were left out.

    A version's blank nodes are named from its resource and their content (not from the
    version), so a status update or budget that did not change between two versions is the same
    node, stored once. The fingerprint is the version's statements without the version's own IRI
    and its save times."""
    latest = dict(heads)
    changed: dict[str, str] = {}
    out: list[bytes] = []
    repeated = 0
    for member, statements in sorted(kept, key=lambda pair: pair[0].timestamp or ""):
        owner = member.version_of or member.iri
        text = records.to_ntriples([(owner, statements)], prefix)
        subject = b"<" + member.iri.encode() + b">"
        lines = sorted(line.replace(subject, b"<>") for line in text.splitlines()
                       if not any(term in line for term in _VOLATILE))
        fingerprint = hashlib.sha1(b"\n".join(lines), usedforsecurity=False).hexdigest()
        if latest.get(owner) == fingerprint:
            repeated += 1
            continue
        latest[owner] = changed[owner] = fingerprint
        out.append(text)
    return b"".join(out), changed, repeated


@_without_gc
def catalog(pages: list[tuple[bytes, str, str]], org_iri: str, prefixes: tuple[str, ...],
            max_record_triples: int, max_problems: int = 100) -> dict[str, Any]:
    """Screen a whole catalog (all its pages): what may go in, and what was refused and why.

    The lists of problems and warnings hold at most *max_problems* entries each; the
    ``…_count`` entries count them all."""
    unread: list[records.Problem] = []
    unread_subjects: list[str] = []
    declined = 0
    graphs = []
    for content, media_type, url in pages:
        content, problems, subjects = prescreen(content, media_type, url, prefixes,
                                                max_record_triples)
        unread += problems
        unread_subjects += subjects
        reading = read(content, media_type, url)
        graphs.append(reading.graph)
        declined += not reading.fast
    graph = TermGraph.union(graphs)
    del graphs
    screened = records.screen(graph, org_iri, prefixes, max_record_triples, max_problems)
    del graph
    for problem in unread:
        (screened.quarantined if problem.kind == "too-large" else screened.dropped).append(problem)
    screened.listed += sum(1 for p in unread if p.kind == "too-large")
    statements = records.to_ntriples([("catalog", screened.catalog), *screened.records.items()],
                                     prefixes[0])
    return {"refused": screened.refused,
            "dropped": screened.dropped[:max_problems], "dropped_count": len(screened.dropped),
            "quarantined": screened.quarantined[:max_problems],
            "quarantined_count": len(screened.quarantined),
            "quarantined_subjects": screened.quarantined_iris + [
                i for p, i in zip(unread, unread_subjects, strict=True) if p.kind == "too-large"],
            "warnings": [records.capped_result(asdict(r))
                         for r in screened.warnings[:max_problems]],
            "warnings_count": len(screened.warnings),
            "graph": statements, "records": len(screened.records), "listed": screened.listed,
            "initiatives": sorted(screened.records),
            "declined": declined, "pyshacl_records": screened.pyshacl_records}
