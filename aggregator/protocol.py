"""A SPARQL 1.1 Protocol query request, read strictly, and the RDF dataset it asks for (pure).

:func:`read` turns the parts of an HTTP request (method, ``Content-Type``, the raw query string
and body) into a :class:`QueryRequest`, or raises an error with the reason in English and
Swedish. What the Protocol (§2.1) allows, and nothing else:

- ``GET`` with ``query`` in the query string;
- ``POST`` with ``application/x-www-form-urlencoded`` (``query`` in the body; the misspelt
  ``application/x-www-url-form-urlencoded`` of the W3C protocol tests' descriptions too);
- ``POST`` with ``application/sparql-query`` (the body is the query, UTF-8);
- ``default-graph-uri`` and ``named-graph-uri`` (any number, absolute IRIs) in the query string,
  or in the form body of a form POST.

``400`` for: more than one ``query``, an empty ``query``, a POST with another or no content
type, bytes that are not UTF-8 (percent-encoded or not: never decoded "with replacement"), a
charset other than UTF-8, ``query`` together with ``update``, a dataset IRI that is not an
absolute IRI, and the update-only ``using-graph-uri``/``using-named-graph-uri``. An update alone
(``update=``, ``application/sparql-update``) is ``403`` (read-only). Other parameters are ignored
(``format``/``output`` choose a result format, see :mod:`~pios_ld.aggregator.results`).

:func:`dataset` is SPARQL's dataset rule (Protocol §2.1.4, Query §13.2): the protocol's graphs
replace the query's ``FROM``/``FROM NAMED``; ``FROM``/``FROM NAMED`` apply as written when the
protocol names none; only when neither names a graph is the default dataset used (on the
national graph: the default graph is the union of the named graphs).
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qsl

import pyoxigraph as ox

from pios_ld.errors import InputError, ReadOnly

FORM = "application/x-www-form-urlencoded"
#: The misspelling the W3C protocol tests' request descriptions use; read as a form too.
FORM_MISSPELT = "application/x-www-url-form-urlencoded"
DIRECT = "application/sparql-query"
UPDATE = "application/sparql-update"
_UPDATE_ONLY = ("using-graph-uri", "using-named-graph-uri")


READ_ONLY = ("This endpoint is read-only: SPARQL updates are refused.",
             "Den här tjänsten är skrivskyddad: SPARQL-uppdateringar avvisas.")


@dataclass(frozen=True)
class QueryRequest:
    query: str | None  # None: no query at all (GET: the query page or the service description)
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()
    format: str | None = None  # format= or output=, as given


@dataclass(frozen=True)
class Dataset:
    """What the query worker passes to ``Store.query`` (``None``: the query's own or the
    store's; ``[]``: no graph)."""

    default_graph: list[str] | None = None
    named_graphs: list[str] | None = None
    union: bool = False


def _pairs(raw: bytes, where: str, where_sv: str) -> list[tuple[str, str]]:
    try:
        return parse_qsl(raw.decode("utf-8"), keep_blank_values=True, encoding="utf-8",
                         errors="strict")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"The {where} is not UTF-8 (percent-encoded UTF-8 is required): byte "
            f"{exc.object[exc.start]:#04x} is {exc.reason}.",
            f"{where_sv} är inte UTF-8 (procentkodad UTF-8 krävs): byten "
            f"{exc.object[exc.start]:#04x} är ogiltig där.") from exc


def _charset_is_utf8(params: dict[str, str]) -> None:
    charset = params.get("charset", "utf-8").strip().strip('"').lower()
    if charset not in ("utf-8", "utf8"):
        raise InputError(
            f"The body must be UTF-8; charset={charset} is not accepted.",
            f"Innehållet måste vara UTF-8; charset={charset} godtas inte.")


def read(method: str, content_type: str | None, query_string: bytes, body: bytes) -> QueryRequest:
    """The query request in these parts of an HTTP request (see the module docstring)."""
    media, params = _media_type(content_type)
    url = _pairs(query_string, "query string", "Frågesträngen")
    fields = list(url)
    direct = None
    if method == "POST":
        if media in (FORM, FORM_MISSPELT):
            _charset_is_utf8(params)
            fields += _pairs(body, "form body", "Formulärdatat")
        elif media == DIRECT:
            _charset_is_utf8(params)
            try:
                direct = body.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise InputError(
                    f"The query is not UTF-8: byte {exc.start} ({body[exc.start]:#04x}) is "
                    f"{exc.reason}.",
                    f"Frågan är inte UTF-8: byte {exc.start} ({body[exc.start]:#04x}) är "
                    "ogiltig där.") from exc
        elif media == UPDATE:
            raise ReadOnly(*READ_ONLY)
        elif not media:
            raise InputError(
                f"A POST needs a Content-Type: {FORM} (query=…) or {DIRECT} (the query as the "
                "body).",
                f"En POST behöver en Content-Type: {FORM} (query=…) eller {DIRECT} (frågan som "
                "innehåll).")
        else:
            raise InputError(
                f"A POST with Content-Type {media} is not a SPARQL query: use {FORM} (query=…) "
                f"or {DIRECT} (the query as the body).",
                f"En POST med Content-Type {media} är ingen SPARQL-fråga: använd {FORM} "
                f"(query=…) eller {DIRECT} (frågan som innehåll).")
    names = [name for name, _ in fields]
    queries = [value for name, value in fields if name == "query"]
    if direct is not None:
        queries.append(direct)
    if "update" in names:
        if queries:
            raise InputError(
                "A request holds either a query or an update, not both.",
                "En begäran innehåller antingen en fråga eller en uppdatering, inte båda.")
        raise ReadOnly(*READ_ONLY)
    for name in _UPDATE_ONLY:
        if name in names:
            raise InputError(
                f"{name} belongs to SPARQL Update, which this endpoint refuses; a query chooses "
                "its graphs with default-graph-uri and named-graph-uri (or FROM, FROM NAMED).",
                f"{name} hör till SPARQL Update, som den här tjänsten avvisar; en fråga väljer "
                "sina grafer med default-graph-uri och named-graph-uri (eller FROM, FROM NAMED).")
    if len(queries) > 1:
        raise InputError(
            f"The request holds {len(queries)} queries; send exactly one (one query parameter, "
            "or the body of an application/sparql-query POST).",
            f"Begäran innehåller {len(queries)} frågor; skicka exakt en (en query-parameter "
            "eller innehållet i en application/sparql-query-POST).")
    if queries and not queries[0].strip():
        raise InputError("The query is empty.", "Frågan är tom.")
    if method == "POST" and not queries:
        raise InputError("The POST holds no query (query=… or an application/sparql-query "
                         "body).",
                         "POST-begäran innehåller ingen fråga (query=… eller innehåll av typen "
                         "application/sparql-query).")
    fmt = next((value for name, value in fields if name in ("format", "output") and value), None)
    return QueryRequest(queries[0] if queries else None,
                        _graphs(fields, "default-graph-uri"), _graphs(fields, "named-graph-uri"),
                        fmt)


def _graphs(fields: list[tuple[str, str]], name: str) -> tuple[str, ...]:
    graphs = []
    for key, value in fields:
        if key != name:
            continue
        try:
            ox.NamedNode(value)
            if ":" not in value:
                raise ValueError("no scheme")
        except ValueError as exc:
            raise InputError(f"{name}={value!r} is not an absolute IRI.",
                             f"{name}={value!r} är inte en absolut IRI.") from exc
        graphs.append(value)
    return tuple(dict.fromkeys(graphs))


def _media_type(content_type: str | None) -> tuple[str, dict[str, str]]:
    if not content_type:
        return "", {}
    media, *rest = content_type.split(";")
    params = {}
    for item in rest:
        key, _, value = item.partition("=")
        params[key.strip().lower()] = value.strip()
    return media.strip().lower(), params


def dataset(request: QueryRequest, has_dataset_clause: bool, union_by_default: bool) -> Dataset:
    """The RDF dataset of *request* (see the module docstring)."""
    if request.default_graphs or request.named_graphs:
        return Dataset(list(request.default_graphs), list(request.named_graphs))
    if has_dataset_clause:
        return Dataset()
    return Dataset(union=union_by_default)
