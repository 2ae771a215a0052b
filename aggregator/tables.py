"""A page's table as a CSV download: the same rows the page shows, as a spreadsheet opens them.

UTF-8 with a byte-order mark (without it, Excel in a Swedish locale reads UTF-8 as Windows-1252
and "Västra Götaland" breaks), comma-separated with CRLF line ends, as the node's own export
(:func:`pios_ld.node.spreadsheet.export`) writes; a header row of stable English column names,
the same in either page language, so a script that reads it does not depend on the language.
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
