"""Looking at a SPARQL request before it runs (pure): its form, SERVICE clauses, FROM clauses.

pyoxigraph would evaluate ``SERVICE <url>`` by fetching that URL from the server (a server-side
request forgery), so the endpoint refuses such queries *before* execution. :func:`inspect` reads
the query as tokens: comments, string literals and IRIs are blanked out first, so the word
``SERVICE`` inside a string, an IRI, a comment, a variable (``?service``) or a prefixed name
(``ex:service``) is not mistaken for the keyword.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pios_ld.errors import InputError

_STRIP = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*"""'      # long strings
    r"|'''(?:[^'\\]|\\.|'(?!''))*'''"
    r'|"(?:[^"\\\n]|\\.)*"'                # short strings
    r"|'(?:[^'\\\n]|\\.)*'"
    r"|<[^<>\"{}|^`\\\s]*>"                # IRIs
    r"|#[^\n]*",                           # comments
    re.DOTALL,
)
_WORD = re.compile(r"(?<![\w?$:\-])([A-Za-z]+)(?![\w:\-])")

QUERY_FORMS = ("SELECT", "CONSTRUCT", "DESCRIBE", "ASK")
UPDATE_WORDS = {"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY",
                "WITH"}


class ForbiddenQueryError(InputError):
    """A SPARQL request the endpoint will not run (an update, a SERVICE clause)."""

    status = 403
    code = "forbidden-query"


@dataclass(frozen=True)
class Inspected:
    form: str  # SELECT | CONSTRUCT | DESCRIBE | ASK
    has_dataset: bool  # FROM or FROM NAMED present

    @property
    def is_graph(self) -> bool:
        return self.form in ("CONSTRUCT", "DESCRIBE")


def keywords(query: str) -> list[str]:
    """The bare words of *query* outside strings, IRIs and comments, upper-cased."""
    blanked = _STRIP.sub(" ", query)
    return [m.group(1).upper() for m in _WORD.finditer(blanked)]


def inspect(query: str) -> Inspected:
    """Classify *query*; raise :class:`ForbiddenQueryError` for updates and SERVICE."""
    words = keywords(query)
    if "SERVICE" in words:
        raise ForbiddenQueryError(
            "SERVICE (federated query) is not allowed on this endpoint: the server does not fetch "
            "other endpoints on a visitor's behalf.",
            "SERVICE (federerad fråga) är inte tillåtet här: servern hämtar inte data från andra "
            "tjänster åt besökare.")
    form = next((w for w in words if w in QUERY_FORMS or w in UPDATE_WORDS), None)
    if form in UPDATE_WORDS or form is None and any(w in UPDATE_WORDS for w in words):
        raise ForbiddenQueryError(
            "This endpoint is read-only: SPARQL updates (INSERT, DELETE, LOAD, CLEAR, DROP, …) "
            "are refused.",
            "Den här tjänsten är skrivskyddad: SPARQL-uppdateringar (INSERT, DELETE, LOAD, CLEAR, "
            "DROP …) avvisas.")
    if form is None:
        raise InputError(
            "Not a SPARQL query: expected SELECT, CONSTRUCT, DESCRIBE or ASK.",
            "Ingen SPARQL-fråga: SELECT, CONSTRUCT, DESCRIBE eller ASK saknas.")
    return Inspected(form=form, has_dataset="FROM" in words)
