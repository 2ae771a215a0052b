"""How the node answers an error: one place for its pages, its write API and a shared host's pages.

:func:`respond` answers a :class:`~pios_ld.errors.PiosError` with the ``status`` and ``code`` of
its class: JSON (``{"error": code, "message": …, "message_sv": …}``) under ``/api/`` and for a
client that prefers JSON to HTML, otherwise the application's HTML error page in the visitor's
language. Werkzeug's own HTTP errors (404, 405, 413, …) answer the same way
(:func:`respond_http`), with the messages of :data:`HTTP_MESSAGES`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Response, jsonify, make_response, request
from werkzeug.exceptions import HTTPException

from pios_ld.errors import PiosError

#: A page for an error: ``page(status, message_en, message_sv)`` -> a Flask response value.
Page = Callable[[int, str, str], Any]

#: What a person reads for Werkzeug's HTTP errors, in English and Swedish.
HTTP_MESSAGES = {
    404: ("Not found.", "Finns inte."),
    405: ("Method not allowed.", "Metoden är inte tillåten."),
    406: ("None of the formats in the Accept header is available: use JSON-LD, Turtle, "
          "N-Triples, N-Quads or HTML.",
          "Inget av formaten i Accept-rubriken finns: använd JSON-LD, Turtle, N-Triples, N-Quads "
          "eller HTML."),
    413: ("The request body is too large.", "Innehållet i anropet är för stort."),
    429: ("Too many requests.", "För många anrop."),
}


def wants_json() -> bool:
    """An API call, or a client that prefers JSON to HTML (``*/*`` included)."""
    return request.path.startswith("/api/") or request.accept_mimetypes.best_match(
        ["application/json", "text/html"]) != "text/html"


def respond(exc: PiosError, page: Page) -> Response:
    """The answer to *exc*: JSON, or *page* in HTML, with the status of its class (and its
    ``Retry-After``, if it has one)."""
    response = _answer(exc.status, exc.code, exc.message, exc.message_sv, page)
    if exc.retry_after:
        response.headers["Retry-After"] = str(exc.retry_after)
    return response


def respond_http(exc: HTTPException, page: Page) -> Response:
    """The answer to one of Werkzeug's HTTP errors, as :func:`respond` gives one of ours."""
    status = exc.code or 500
    en, sv = HTTP_MESSAGES.get(status, (exc.description or exc.name, exc.name))
    return _answer(status, exc.name.lower().replace(" ", "-"), en, sv, page)


def _answer(status: int, code: str, en: str, sv: str, page: Page) -> Response:
    if not wants_json():
        return make_response(page(status, en, sv))
    response = jsonify({"error": code, "message": en, "message_sv": sv})
    response.status_code = status
    return response
