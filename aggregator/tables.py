"""A page's table as a CSV download: the same rows the page shows, as a spreadsheet opens them.

UTF-8 with a byte-order mark (without it, Excel in a Swedish locale reads UTF-8 as Windows-1252
and "Västra Götaland" breaks), comma-separated with CRLF line ends, as the node's own export
(:func:`pios_ld.node.spreadsheet.export`) writes; a header row of stable English column names,
the same in either page language, so a script that reads it does not depend on the language.

Besides the writer, the rows of the pages whose data is not shaped elsewhere (each a pure
function from the page's JSON twin to ``(header, rows)``): the search of ``/initiatives``
(:func:`initiative_rows`), the node list of ``/nodes`` (:func:`node_rows`) and a node's
publisher page ``/nodes/<id>``: its crawls (:func:`crawl_rows`) and the problems of its latest
crawl (:func:`problem_rows`).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

from flask import Response


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows([["" if value is None else value for value in row] for row in rows])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def csv_response(name: str, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> Response:
    """*rows* under *header* as ``name.csv``, to open or save."""
    response = Response(csv_bytes(header, rows), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'inline; filename="{name}.csv"'
    response.charset = "utf-8"
    return response


Table = tuple[list[str], list[list[Any]]]


def _flag(value: Any) -> str:
    return "true" if value else "false"


def initiative_rows(items: list[dict[str, Any]]) -> Table:
    """The search's items (``/initiatives.json``'s ``items``), one row each, in their order."""
    header = ["initiative", "title", "organization", "organization_name", "phase",
              "phase_label", "modified", "stale"]
    return header, [[i["iri"], i["title"], i["organization"], i["organizationName"], i["phase"],
                     i["phaseLabel"], i["modified"], _flag(i["stale"])] for i in items]


def node_rows(nodes: list[dict[str, Any]]) -> Table:
    """The registered nodes (``/nodes.json``), one row each: whom they speak for, where, and
    their last crawl (``status`` empty when never crawled)."""
    header = ["node", "organization", "organization_name", "url", "last_crawl", "status",
              "http_status", "initiatives", "quarantined", "stale"]
    rows = []
    for n in nodes:
        state = n.get("state") or {}
        rows.append([n["id"], n["organization"], n["organizationName"], n["url"],
                     state.get("last_crawl_at"), state.get("last_status"), state.get("last_http"),
                     state.get("initiatives") or 0, state.get("quarantined") or 0,
                     state.get("stale") or 0])
    return header, rows


#: The tables of a node's publisher page, by the name of their CSV download.
NODE_TABLES = ("crawls", "problems")


def crawl_rows(data: dict[str, Any]) -> Table:
    """A node's recent crawls (``/nodes/<id>.json``'s ``crawls``), newest first, as the page's
    table: when, status, HTTP status, initiatives, quarantined records and the errors' reasons
    (in the page's language)."""
    header = ["finished_at", "status", "http_status", "initiatives", "quarantined", "errors"]
    rows = []
    for c in data["crawls"]:
        detail = c["detail"]
        rows.append([c["finished_at"], c["status"], c["http_status"], detail.get("initiatives"),
                     detail.get("quarantined_count") or len(detail.get("quarantined") or []),
                     " ".join(p["reason"] for p in c.get("problems", []))])
    return header, rows


def problem_rows(data: dict[str, Any]) -> Table:
    """What the publisher page lists about the latest crawl that changed or failed, in the
    page's order: its errors (``record`` the document's URL, ``field`` which document), each
    quarantined record followed by its rule results (``rule`` rows), the stale initiatives, the
    dropped statements and the warnings (all the crawl kept; the page shows the first 200)."""
    header = ["kind", "record", "field", "value", "message_sv", "message_en"]
    latest = data.get("latest")
    if not latest:
        return header, []
    detail = latest["detail"]
    rows: list[list[Any]] = []
    for raw, explained in zip(detail.get("errors", []), latest.get("problems", []), strict=False):
        rows.append(["error", explained["url"], explained["document"], None, raw["message_sv"],
                     raw["message_en"]])
    for p in detail.get("quarantined") or []:
        rows.append(["quarantined", p["subject"], None, None, p["message_sv"], p["message_en"]])
        rows += [["rule", p["subject"], r.get("field") or r.get("path"), r.get("value"),
                  r.get("message_sv"), r.get("message_en")] for r in p.get("results") or []]
    rows += [["stale", iri, None, None, None, None] for iri in detail.get("stale") or []]
    rows += [["dropped", p["subject"], None, None, p["message_sv"], p["message_en"]]
             for p in detail.get("dropped") or []]
    rows += [["warning", r.get("initiative"), r.get("field") or r.get("path"), r.get("value"),
              r.get("message_sv"), r.get("message_en")] for r in detail.get("warnings") or []]
    return header, rows
