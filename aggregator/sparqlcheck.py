"""Screening a SPARQL request before it runs (pure): parse it, refuse what must not run.

pyoxigraph evaluates ``SERVICE <url>`` by fetching that URL from the server (a server-side request
forgery), so the endpoint refuses such queries, and updates, before execution. Screening works on
the *parsed* query, never on its text (``docs/decisions/0007-screen-the-parsed-query.md``):

1. **Codepoint escapes.** SPARQL lets ``\\uXXXX`` and ``\\UXXXXXXXX`` stand for any character
   anywhere in a query, keywords included (``\\u0053ERVICE`` is ``SERVICE``), and they are replaced
   before parsing. :func:`inspect` does that replacement itself; a query in which the replacement
   produces another escape (``\\u005Cu0053``) or an invalid character is refused (``400``). The
   resulting text, :attr:`Inspected.text`, contains no codepoint escape at all, and it is the text
   that runs: no parser can read an escape in it differently from the screen.
2. **A real parser.** The text is parsed with rdflib's SPARQL 1.1 grammar; a ``SERVICE`` clause
   anywhere in the tree (nested groups, subqueries, ``EXISTS``/``NOT EXISTS``, ``OPTIONAL``,
   ``MINUS``, ``UNION``, ``GRAPH``) is refused (``403``), and so is an update (``403``). A text that
   is neither a query nor an update is a syntax error (``400``), with the parser's reason.
3. **A lexical backstop.** The bare word ``SERVICE`` outside strings, IRIs, prefixed names and
   comments of the escape-free text is refused as well, so two parsers would have to disagree
   *and* the word be hidden from a tokenizer before a SERVICE could slip through. Where the two
   parsers are known to disagree the backstop reads as Oxigraph does: a comment ends at a CR as
   well as at a line feed (rdflib reads on to the line feed, and missed ``# …\\r SERVICE``).
   Beneath all three, the processes that run queries cannot open network connections at all
   (:mod:`pios_ld.aggregator.sandbox`).

Queries using syntax rdflib's SPARQL 1.1 grammar does not read (SPARQL-star's ``<< >>``) are
refused as syntax errors: the screen does not let through what it cannot read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pios_ld.errors import ForbiddenQueryError, QuerySyntaxError

_CODEPOINT = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_STRIP = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*"""'      # long strings
    r"|'''(?:[^'\\]|\\.|'(?!''))*'''"
    r'|"(?:[^"\\\n\r]|\\.)*"'              # short strings
    r"|'(?:[^'\\\n\r]|\\.)*'"
    r"|<[^<>\"{}|^`\\\s]*>"                # IRIs
    r"|(?:[^\W\d][\w.\-]*)?:(?:[\w.\-:%]|\\[_~.\-!$&'()*+,;=/?#@%])*"  # prefixed names
    r"|#[^\r\n]*",                         # comments (Oxigraph ends one at a CR too)
    re.DOTALL,
)
_WORD = re.compile(r"(?<!(?:[^\W\d]|[?$:@\-]))([A-Za-z]+)(?![\w:\-])")

QUERY_FORMS = ("SELECT", "CONSTRUCT", "DESCRIBE", "ASK")
_FORM_OF = {"SelectQuery": "SELECT", "ConstructQuery": "CONSTRUCT", "DescribeQuery": "DESCRIBE",
            "AskQuery": "ASK"}


SERVICE_REFUSED = (
    "SERVICE (federated query) is not allowed on this endpoint: the server does not fetch "
    "other endpoints on a visitor's behalf.",
    "SERVICE (federerad fråga) är inte tillåtet här: servern hämtar inte data från andra "
    "tjänster åt besökare.")
UPDATE_REFUSED = (
    "This endpoint is read-only: SPARQL updates (INSERT, DELETE, LOAD, CLEAR, DROP, …) "
    "are refused.",
    "Den här tjänsten är skrivskyddad: SPARQL-uppdateringar (INSERT, DELETE, LOAD, CLEAR, "
    "DROP …) avvisas.")


@dataclass(frozen=True)
class Inspected:
    """What the screen read; :attr:`text` is the query to run (escape-free, as screened)."""

    form: str  # SELECT | CONSTRUCT | DESCRIBE | ASK
    has_dataset: bool  # FROM or FROM NAMED present
    text: str = ""
    default_graphs: tuple[str, ...] = ()  # the FROM IRIs, prefixed names resolved
    named_graphs: tuple[str, ...] = ()  # the FROM NAMED IRIs

    @property
    def is_graph(self) -> bool:
        return self.form in ("CONSTRUCT", "DESCRIBE")


def unescape(query: str) -> str:
    """*query* with its codepoint escapes replaced; refuses one that yields another escape."""
    def character(match: re.Match) -> str:
        value = int(match.group(1) or match.group(2), 16)
        if value > 0x10FFFF or 0xD800 <= value <= 0xDFFF:
            raise QuerySyntaxError(
                f"SPARQL syntax error: {match.group(0)} is not a Unicode character.",
                f"Syntaxfel i SPARQL-frågan: {match.group(0)} är inget Unicode-tecken.")
        return chr(value)

    text = _CODEPOINT.sub(character, query)
    if _CODEPOINT.search(text):
        raise QuerySyntaxError(
            "SPARQL syntax error: a \\u or \\U escape produces another escape; write the "
            "character itself.",
            "Syntaxfel i SPARQL-frågan: en \\u- eller \\U-kod ger en ny kod; skriv tecknet "
            "självt.")
    return text


def keywords(query: str) -> list[str]:
    """The bare words of *query* outside strings, IRIs and comments, upper-cased."""
    blanked = _STRIP.sub(" ", query)
    return [m.group(1).upper() for m in _WORD.finditer(blanked)]


def _has_service(tree) -> bool:
    from pyparsing import ParseResults
    from rdflib.plugins.sparql.parserutils import CompValue

    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, CompValue):
            if node.name == "ServiceGraphPattern":
                return True
            stack.extend(dict.values(node))
        elif isinstance(node, (ParseResults, list, tuple)):
            stack.extend(node)
    return False


def _parse(text: str):
    """rdflib's parse tree of *text* (a query), or the refusal that fits."""
    from pyparsing import ParseBaseException
    from rdflib.plugins.sparql import parser

    try:
        return parser.Query.parse_string(text, parse_all=True)
    except (ParseBaseException, RecursionError, ValueError) as exc:
        reason = (str(exc) if not isinstance(exc, RecursionError)
                  else "too deeply nested, or too many patterns in a row, to be read")
        query_error = exc
    try:
        parser.UpdateUnit.parse_string(text, parse_all=True)
    except (ParseBaseException, RecursionError, ValueError):
        raise QuerySyntaxError(f"SPARQL syntax error: {reason}",
                               f"Syntaxfel i SPARQL-frågan: {reason}") from query_error
    raise ForbiddenQueryError(*UPDATE_REFUSED)


def inspect(query: str) -> Inspected:
    """Screen *query*: raise :class:`ForbiddenQueryError` (403) for updates and SERVICE,
    :class:`QuerySyntaxError` (400) for anything that is not a query; else what it is."""
    from rdflib.plugins.sparql.algebra import translatePrologue

    text = unescape(query)
    if "SERVICE" in keywords(text):
        raise ForbiddenQueryError(*SERVICE_REFUSED)
    prologue, body = _parse(text)
    if _has_service(body):
        raise ForbiddenQueryError(*SERVICE_REFUSED)
    defaults: list[str] = []
    named: list[str] = []
    clauses = dict.get(body, "datasetClause") or []
    if clauses:
        resolved = translatePrologue(prologue, None)
        for clause in clauses:
            if "default" in clause:
                defaults.append(str(resolved.absolutize(clause["default"])))
            else:
                named.append(str(resolved.absolutize(clause["named"])))
    return Inspected(form=_FORM_OF[body.name], has_dataset=bool(clauses), text=text,
                     default_graphs=tuple(defaults), named_graphs=tuple(named))
