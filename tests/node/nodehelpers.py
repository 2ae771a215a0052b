"""Helpers for the node tests: instances in tmp_path, records, a live node handle."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests
from pios_ld.node import parts as node_parts
from pios_ld.node import settings as node_settings
from pios_ld.node.store import Store

ORG = "http://dataportal.se/organisation/SE2120000019"   # Upplands Väsby kommun
PASSWORD = "korrekt-hast-batteri"


def make_instance(path: Path, base_url: str, **values: Any) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    node_settings.write_file(path, {"base_url": base_url, "organization": ORG, **values})
    (path / node_settings.SECRET_FILE).write_text(secrets.token_urlsafe(32))
    return path


def record(identifier: str = "digital-tillsyn", **extra: Any) -> dict[str, Any]:
    """A small valid initiative in the context's form."""
    return {
        "@context": "https://w3id.org/pios/context.jsonld",
        "identifier": identifier,
        "type": "Initiative",
        "title": {"sv": "Digital tillsyn i hemtjänsten"},
        "description": {"sv": "Kameror ersätter nattliga besök för brukare som vill det."},
        "phase": "pilot",
        "theme": ["elderly-care"],
        "budget": {"value": 1200000, "currency": "SEK"},
        **extra,
    }


@dataclass
class LiveNode:
    url: str
    instance: Path
    app: Any
    token: str

    @property
    def store(self) -> Store:
        return node_parts.of(self.app).store

    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    def post(self, body: dict[str, Any]) -> requests.Response:
        return requests.post(f"{self.url}/api/initiatives", json=body, headers=self.auth(),
                             timeout=30)


