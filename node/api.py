"""The JSON write API (DESIGN.md §8, a contract), with bearer tokens.

    POST   /api/initiatives                201 + Location; the node mints the IRI
    PUT    /api/initiatives/<identifier>   replace (201 when new, 204 when it existed)
    PATCH  /api/initiatives/<identifier>   merge (a key set to null is removed) → 204
    DELETE /api/initiatives/<identifier>   204 (a tombstone version in the feed)
    GET    /api/initiatives[/<identifier>] the stored records (no token needed)
    GET    /api/openapi.json               this API as OpenAPI 3.1

A record that violates the shapes → 422 with the validation report; nothing is saved.
No or a wrong token → 401; malformed JSON → 400 with the reason; too large → 413.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, current_app, jsonify, request

from pios_ld import catalog, jsonld
from pios_ld.errors import Conflict, InputError, NotFoundError, TooLargeError

from . import parts as node_parts
from .auth import require_token
from .openapi import openapi
from .records import Prepared, prepare
from .store import Store, now

bp = Blueprint("api", __name__, url_prefix="/api")


def _store() -> Store:
    return node_parts.of().store


def _body() -> Any:
    limit = current_app.config["PIOS"].max_body_bytes
    if (request.content_length or 0) > limit:
        raise TooLargeError(f"The body is larger than {limit:,} bytes.",
                            f"Innehållet är större än {limit:,} byte.")
    data = request.get_data(cache=False)
    if len(data) > limit:
        raise TooLargeError(f"The body is larger than {limit:,} bytes.",
                            f"Innehållet är större än {limit:,} byte.")
    if not data.strip():
        raise InputError("The body is empty: send an initiative as JSON.",
                         "Innehållet är tomt: skicka ett initiativ som JSON.")
    return jsonld.load_json(data)


def _prepare(data: Any, identifier: str | None = None) -> Prepared:
    config = current_app.config["PIOS"]
    return prepare(data, config.base_url, config.organization, now(), identifier)


def _invalid(prepared: Prepared) -> Response:
    body = {
        "error": "invalid",
        "message": "The initiative breaks the rules of the shapes; nothing was saved.",
        "message_sv": "Initiativet bryter mot reglerna i formerna; inget sparades.",
        **prepared.report.as_dict(),
    }
    response = jsonify(body)
    response.status_code = 422
    return response


def _changed() -> None:
    node_parts.of().notifier.changed()


def _created(identifier: str) -> Response:
    location = catalog.initiative_iri(current_app.config["PIOS"].base_url, identifier)
    response = jsonify({"id": location, "identifier": identifier})
    response.status_code = 201
    response.headers["Location"] = location
    return response


def _no_content() -> Response:
    return Response(status=204)


@bp.get("/initiatives")
def list_initiatives():
    return jsonify([c.record for c in _store().current()])


@bp.get("/initiatives/<identifier>")
def get_initiative(identifier: str):
    found = _store().get(identifier)
    if found is None:
        raise NotFoundError(f"No initiative {identifier!r}.", f"Inget initiativ {identifier!r}.")
    return jsonify(found.record)


@bp.post("/initiatives")
@require_token
def create_initiative():
    prepared = _prepare(_body())
    if not prepared.ok:
        return _invalid(prepared)
    identifier = prepared.record["identifier"]
    if _store().get(identifier) is not None:
        raise Conflict(
            f"An initiative {identifier!r} exists already: PUT or PATCH "
            f"/api/initiatives/{identifier} changes it.",
            f"Initiativet {identifier!r} finns redan: ändra det med PUT eller PATCH "
            f"/api/initiatives/{identifier}.")
    _store().save([prepared.record])
    _changed()
    return _created(identifier)


@bp.put("/initiatives/<identifier>")
@require_token
def replace_initiative(identifier: str):
    prepared = _prepare(_body(), identifier)
    if not prepared.ok:
        return _invalid(prepared)
    [change] = _store().save([prepared.record])
    if change.version:
        _changed()
    return _created(identifier) if change.outcome == "created" else _no_content()


@bp.patch("/initiatives/<identifier>")
@require_token
def patch_initiative(identifier: str):
    found = _store().get(identifier)
    if found is None:
        raise NotFoundError(f"No initiative {identifier!r} to change.",
                            f"Inget initiativ {identifier!r} att ändra.")
    patch = _body()
    if not isinstance(patch, dict):
        raise InputError("The body must be a JSON object.", "Innehållet ska vara ett JSON-objekt.")
    merged = {k: v for k, v in found.record.items() if k not in ("modified",)}
    for key, value in patch.items():
        if key in ("id", "@context", "identifier", "modified", "created"):
            continue
        if value is None:
            merged.pop(key, None)
        else:
            merged[key] = value
    prepared = _prepare(merged, identifier)
    if not prepared.ok:
        return _invalid(prepared)
    [change] = _store().save([prepared.record])
    if change.version:
        _changed()
    return _no_content()


@bp.delete("/initiatives/<identifier>")
@require_token
def delete_initiative(identifier: str):
    if _store().delete(identifier) is None:
        raise NotFoundError(f"No initiative {identifier!r} to delete.",
                            f"Inget initiativ {identifier!r} att ta bort.")
    _changed()
    return _no_content()


@bp.get("/openapi.json")
def openapi_document():
    response = jsonify(openapi(current_app.config["PIOS"].base_url))
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response
