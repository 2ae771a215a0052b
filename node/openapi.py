"""The OpenAPI 3.1 description of the node's write API (served at /api/openapi.json)."""

from __future__ import annotations

from typing import Any

from pios_ld import __version__
from pios_ld.namespaces import CONTEXT_URL


def _error(description: str) -> dict[str, Any]:
    return {"description": description,
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}


def openapi(base_url: str) -> dict[str, Any]:
    """The API description, with *base_url* as its server."""
    record = {"$ref": "#/components/schemas/Initiative"}
    body = {"required": True, "content": {"application/json": {"schema": record},
                                          "application/ld+json": {"schema": record}}}
    identifier = {"name": "identifier", "in": "path", "required": True,
                  "schema": {"type": "string", "pattern": "^[a-z0-9](?:[a-z0-9-]{0,98}[a-z0-9])?$"}}
    common = {
        "400": _error("Malformed JSON or not JSON-LD; the message says why."),
        "401": _error("No or a wrong API token."),
        "413": _error("The body is too large."),
        "422": {"description": "The record violates the shapes; nothing was saved.",
                "content": {"application/json": {"schema": {
                    "$ref": "#/components/schemas/Report"}}}},
    }
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "pios node write API",
            "version": __version__,
            "description": (
                "Create, replace, change and delete the initiatives this node publishes. "
                "Bodies are initiatives in the JSON-LD form of "
                f"{CONTEXT_URL}. Every change is a version in the "
                "node's LDES feed."),
        },
        "servers": [{"url": base_url.rstrip("/")}],
        "security": [{"bearer": []}],
        "paths": {
            "/api/initiatives": {
                "get": {"summary": "All current initiatives", "security": [],
                        "responses": {"200": {"description": "The records."}}},
                "post": {"summary": "Create an initiative; the node mints its IRI from "
                                    "`identifier`", "requestBody": body,
                         "responses": {"201": {"description": "Created; `Location` is its IRI."},
                                       "409": _error("The identifier is taken."), **common}},
            },
            "/api/initiatives/{identifier}": {
                "parameters": [identifier],
                "get": {"summary": "One initiative", "security": [],
                        "responses": {"200": {"description": "The record."},
                                      "404": _error("No such initiative.")}},
                "put": {"summary": "Replace (or create) an initiative", "requestBody": body,
                        "responses": {"201": {"description": "Created."},
                                      "204": {"description": "Replaced."}, **common}},
                "patch": {"summary": "Change some fields; a field set to null is removed",
                          "requestBody": body,
                          "responses": {"204": {"description": "Changed."},
                                        "404": _error("No such initiative."), **common}},
                "delete": {"summary": "Delete an initiative (a tombstone in the feed)",
                           "responses": {"204": {"description": "Deleted."},
                                         "401": common["401"],
                                         "404": _error("No such initiative.")}},
            },
        },
        "components": {
            "securitySchemes": {"bearer": {
                "type": "http", "scheme": "bearer",
                "description": "A token from `pios node token create INSTANCE`."}},
            "schemas": {
                "Initiative": {
                    "type": "object",
                    "description": "An initiative in the context's JSON-LD form (DESIGN §4).",
                    "required": ["identifier", "title", "description", "phase"],
                    "properties": {
                        "identifier": {"type": "string"},
                        "title": {"$ref": "#/components/schemas/LanguageMap"},
                        "description": {"$ref": "#/components/schemas/LanguageMap"},
                        "phase": {"type": "string", "examples": ["pilot"]},
                        "theme": {"type": "array", "items": {"type": "string"}},
                        "startDate": {"type": "string", "format": "date"},
                        "endDate": {"type": "string", "format": "date"},
                        "plannedEndDate": {"type": "string", "format": "date"},
                        "budget": {"$ref": "#/components/schemas/Amount"},
                        "spentToDate": {"$ref": "#/components/schemas/Amount"},
                        "goal": {"$ref": "#/components/schemas/LanguageMap"},
                        "contactPoint": {"type": "object",
                                         "properties": {"email": {"type": "string"}}},
                        "statusUpdate": {"type": "array", "items": {"type": "object"}},
                    },
                    "additionalProperties": True,
                },
                "LanguageMap": {"type": "object", "properties": {
                    "sv": {"type": "string"}, "en": {"type": "string"}}},
                "Amount": {"type": "object", "required": ["value", "currency"], "properties": {
                    "value": {"type": "number", "minimum": 0},
                    "currency": {"type": "string", "pattern": "^[A-Z]{3}$"}}},
                "Error": {"type": "object", "properties": {
                    "error": {"type": "string"}, "message": {"type": "string"},
                    "message_sv": {"type": "string"}}},
                "Report": {"type": "object", "properties": {
                    "conforms": {"type": "boolean"}, "violations": {"type": "integer"},
                    "warnings": {"type": "integer"},
                    "results": {"type": "array", "items": {"type": "object", "properties": {
                        "initiative": {"type": ["string", "null"]},
                        "field": {"type": ["string", "null"]},
                        "path": {"type": ["string", "null"]},
                        "severity": {"type": "string"},
                        "message_sv": {"type": "string"},
                        "message_en": {"type": "string"},
                        "value": {"type": ["string", "null"]}}}}}},
            },
        },
    }
