"""A node instance folder: what ``pios node init`` (and a hosted tenant) starts from.

The folder holds the config file (``pios-node.toml``), the secret that signs login sessions
(``secret.key``, readable by its owner only) and the SQLite database (``node.db``).
"""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any

from pios_ld.errors import InputError

from . import settings


def check_base_url(base_url: str) -> str:
    """*base_url* without a trailing slash; refused unless it is an http(s) URL."""
    if not base_url.startswith(("http://", "https://")):
        raise InputError(f"The base URL must start with http:// or https://, not {base_url!r}.",
                         f"Bas-URL:en ska börja med http:// eller https://, inte {base_url!r}.")
    return base_url.rstrip("/")


def create(path: Path, organization: str, base_url: str, **values: Any) -> Path:
    """Create the instance folder *path* for the organisation IRI *organization*."""
    from .store import Store

    if (path / settings.CONFIG_FILE).exists():
        raise InputError(f"{path} is already a node instance.", f"{path} är redan en nodinstans.")
    base_url = check_base_url(base_url)
    path.mkdir(parents=True, exist_ok=True)
    settings.write_file(path, {"base_url": base_url, "organization": organization,
                               "database": "node.db", **values})
    secret = path / settings.SECRET_FILE
    secret.write_text(secrets.token_urlsafe(48), encoding="utf-8")
    secret.chmod(0o600)
    Store(path / "node.db")
    return path
