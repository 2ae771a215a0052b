"""One installation, many organisations: a hosted folder of tenant nodes and the WSGI dispatcher.

A county's municipalities, a shared IT service or a municipal association can run one node
installation for several organisations. A *hosted folder* holds ``pios-hosting.toml`` (where
``pios node serve`` listens) and ``tenants/<name>/``, each a complete node instance of its own
(:mod:`node.instance`): its own settings, base URL, organisation, database, users, API tokens,
catalog, feed, discovery document and portfolio overview. Nothing is shared between tenants but
the process, so the authority rules hold as between separate nodes: a tenant's token opens only its
own write API, and it mints IRIs only under its own base URL.

Each tenant's base URL decides which requests it answers: by host (``https://pios.vellinge.se``)
or by path prefix on a shared host (``https://pios.skane.se/vellinge``). :class:`Dispatcher`
picks the tenant whose base URL matches the request's ``Host`` and path best (the longest path
prefix), moves the prefix into ``SCRIPT_NAME`` and hands the request to that tenant's app. When no
host matches (a proxy that does not pass ``Host`` on), the path prefix alone decides. An
organisation moves out to a node of its own by copying its tenant folder: its IRIs are minted under
its own base URL, so they stay the same.

Removing a tenant moves its folder to ``removed/`` (its data is never deleted by the command).
"""

from __future__ import annotations

import os
import secrets
import shutil
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from werkzeug.security import check_password_hash, generate_password_hash

from pios_ld import organizations
from pios_ld.clock import utc_text
from pios_ld.errors import InputError, NotFoundError
from pios_ld.settings import Setting, resolve, toml_value

from . import instance, settings

CONFIG_FILE = "pios-hosting.toml"
ADMINS_FILE = "admins.sqlite3"
SECRET_FILE = "secret.key"
ENV_PREFIX = "PIOS_HOSTING_"
TENANTS = "tenants"
REMOVED = "removed"

SETTINGS: tuple[Setting, ...] = (
    Setting("host", "127.0.0.1", "Address `pios node serve` listens on for all tenants."),
    Setting("port", 8080, "Port `pios node serve` listens on for all tenants."),
    Setting("threads", 16, "Worker threads of the WSGI server, shared by the tenants."),
    Setting("log_format", "plain", "Log lines as `plain` text or `json`."),
    Setting("log_level", "info", "Least important log level written."),
)


def is_hosting(folder: str | os.PathLike) -> bool:
    return (Path(folder) / CONFIG_FILE).is_file()


@dataclass(frozen=True)
class Tenant:
    name: str
    folder: Path
    config: settings.Config

    @property
    def host(self) -> str:
        return urlsplit(self.config.base_url).netloc.lower()

    @property
    def prefix(self) -> str:
        return urlsplit(self.config.base_url).path.rstrip("/")

    def as_dict(self) -> dict[str, Any]:
        org = organizations.by_iri(self.config.organization)
        return {"name": self.name, "base_url": self.config.base_url,
                "organization": self.config.organization, "organization_name":
                org.name if org else None, "folder": str(self.folder)}


def _name(name: str) -> str:
    if not name or not all(c.isalnum() or c in "-_" for c in name) or not name.isascii():
        raise InputError(
            f"A tenant's name is letters a–z, digits, - and _ (it names its folder), not {name!r}.",
            f"En hyresgästs namn är bokstäver a–z, siffror, - och _ (det blir mappens namn), "
            f"inte {name!r}.")
    return name.lower()


class Hosting:
    """A hosted folder: its settings and tenants."""

    def __init__(self, folder: str | os.PathLike) -> None:
        self.folder = Path(folder)
        if not is_hosting(self.folder):
            raise InputError(
                f"{self.folder} is not a hosted node installation (no {CONFIG_FILE}); create it "
                f"with `pios node tenant add {self.folder} NAME --org ORG --base-url URL`.",
                f"{self.folder} är ingen nodinstallation för flera organisationer "
                f"({CONFIG_FILE} saknas); skapa den med `pios node tenant add {self.folder} "
                "NAMN --org ORG --base-url URL`.")

    @classmethod
    def create(cls, folder: str | os.PathLike) -> Hosting:
        """The hosted folder *folder*, made if it does not exist yet."""
        path = Path(folder)
        if (path / settings.CONFIG_FILE).exists():
            raise InputError(f"{path} is a single node instance, not a hosted installation.",
                             f"{path} är en enskild nodinstans, inte en installation för flera.")
        if not is_hosting(path):
            path.mkdir(parents=True, exist_ok=True)
            lines = ["# pios node hosting several organisations; PIOS_HOSTING_<NAME> overrides.",
                     ""]
            for s in SETTINGS:
                lines += [f"# {s.help}", f"{s.name} = {toml_value(s.default)}", ""]
            (path / CONFIG_FILE).write_text("\n".join(lines), encoding="utf-8")
            (path / TENANTS).mkdir(exist_ok=True)
            secret = path / SECRET_FILE
            secret.write_text(secrets.token_urlsafe(48), encoding="utf-8")
            secret.chmod(0o600)
        return cls(path)

    @property
    def secret_key(self) -> str:
        """Signs the admin page's sessions (made on first use for folders from before)."""
        path = self.folder / SECRET_FILE
        if not path.exists():
            path.write_text(secrets.token_urlsafe(48), encoding="utf-8")
            path.chmod(0o600)
        return path.read_text(encoding="utf-8").strip()

    @property
    def admins(self) -> Admins:
        return Admins(self.folder / ADMINS_FILE)

    def settings(self, overrides: dict[str, Any] | None = None) -> dict[str, Any]:
        return resolve(SETTINGS, file=self.folder / CONFIG_FILE, prefix=ENV_PREFIX,
                       overrides=overrides)

    def tenants(self) -> list[Tenant]:
        found = []
        root = self.folder / TENANTS
        for folder in sorted(root.iterdir()) if root.is_dir() else []:
            if (folder / settings.CONFIG_FILE).is_file():
                found.append(Tenant(folder.name, folder, settings.load(folder, environ={})))
        return found

    def tenant(self, name: str) -> Tenant:
        for tenant in self.tenants():
            if tenant.name == name:
                return tenant
        raise NotFoundError(f"No tenant {name!r} in {self.folder}.",
                            f"Ingen hyresgäst {name!r} i {self.folder}.")

    def add(self, name: str, organization: str, base_url: str) -> Tenant:
        """A new tenant for the organisation IRI *organization* under *base_url*."""
        name = _name(name)
        base_url = instance.check_base_url(base_url)
        wanted = (urlsplit(base_url).netloc.lower(), urlsplit(base_url).path.rstrip("/"))
        for other in self.tenants():
            if other.name == name:
                raise InputError(f"There is a tenant {name!r} already.",
                                 f"Det finns redan en hyresgäst {name!r}.")
            if (other.host, other.prefix) == wanted:
                raise InputError(
                    f"The tenant {other.name!r} already answers {base_url}.",
                    f"Hyresgästen {other.name!r} svarar redan på {base_url}.")
        folder = instance.create(self.folder / TENANTS / name, organization, base_url)
        return Tenant(name, folder, settings.load(folder, environ={}))

    def remove(self, name: str) -> Path:
        """Move the tenant's folder to ``removed/``; returns where it went."""
        tenant = self.tenant(name)
        target = self.folder / REMOVED / f"{tenant.name}-{time.strftime('%Y%m%dT%H%M%S')}"
        target.parent.mkdir(exist_ok=True)
        shutil.move(str(tenant.folder), target)
        return target

    def state(self) -> float:
        """Changes when a tenant is added or removed (the tenants folder's mtime)."""
        try:
            return (self.folder / TENANTS).stat().st_mtime_ns
        except OSError:
            return 0


class Admins:
    """The hosted installation's administrators (who may add and remove tenants on its page)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        with closing(sqlite3.connect(path)) as db, db:
            db.execute("CREATE TABLE IF NOT EXISTS admins (name TEXT PRIMARY KEY, "
                       "password_hash TEXT NOT NULL, created TEXT NOT NULL)")

    def create(self, name: str, password: str) -> None:
        if len(password) < 8:
            raise InputError("A password has at least 8 characters.",
                             "Ett lösenord har minst 8 tecken.")
        with closing(sqlite3.connect(self.path)) as db, db:
            db.execute("INSERT OR REPLACE INTO admins VALUES (?, ?, ?)",
                       (name, generate_password_hash(password), utc_text()))

    def names(self) -> list[str]:
        """The administrators' names (the login throttle counts failures for these only)."""
        with closing(sqlite3.connect(self.path)) as db:
            return [row[0] for row in db.execute("SELECT name FROM admins ORDER BY name")]

    def check(self, name: str, password: str) -> bool:
        with closing(sqlite3.connect(self.path)) as db:
            row = db.execute("SELECT password_hash FROM admins WHERE name = ?",
                             (name,)).fetchone()
        return bool(row) and check_password_hash(row[0], password)


WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


class Dispatcher:
    """WSGI: each request to the tenant whose base URL it falls under (see the module docstring)."""

    def __init__(self, hosting: Hosting, make_app: Callable[[settings.Config], WSGIApp],
                 index: WSGIApp | None = None) -> None:
        self.hosting = hosting
        self.make_app = make_app
        self.index = index
        self._lock = threading.Lock()
        self._seen: float | None = None
        self._routes: list[tuple[str, str, WSGIApp]] = []
        self._apps: dict[Path, WSGIApp] = {}

    def _refresh(self) -> list[tuple[str, str, WSGIApp]]:
        state = self.hosting.state()
        with self._lock:
            if state != self._seen:
                routes, apps = [], {}
                for tenant in self.hosting.tenants():
                    app = self._apps.get(tenant.folder) or self.make_app(tenant.config)
                    apps[tenant.folder] = app
                    routes.append((tenant.host, tenant.prefix, app))
                routes.sort(key=lambda r: len(r[1]), reverse=True)  # longest prefix first
                self._routes, self._apps, self._seen = routes, apps, state
            return self._routes

    def route(self, host: str, path: str) -> tuple[str, WSGIApp] | None:
        """The tenant app and its prefix for a request to *host* and *path*, or None."""
        routes = self._refresh()
        host = host.lower()

        def under(prefix: str) -> bool:
            return path == prefix or path.startswith(prefix + "/") or prefix == ""

        for wanted_host in (host, None):
            for tenant_host, prefix, app in routes:
                if wanted_host is not None and tenant_host != wanted_host:
                    continue
                if wanted_host is None and not prefix:
                    continue  # without a matching host only a path prefix can decide
                if under(prefix):
                    return prefix, app
        return None

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]
                 ) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "") or "/"
        found = self.route(environ.get("HTTP_HOST", ""), path)
        if found is None:
            if self.index is not None:
                return self.index(environ, start_response)
            start_response("404 Not Found", [("Content-Type", "text/plain; charset=utf-8")])
            return [b"No organisation is published here. / Ingen organisation publiceras har.\n"]
        prefix, app = found
        environ = dict(environ)
        environ["SCRIPT_NAME"] = environ.get("SCRIPT_NAME", "") + prefix
        environ["PATH_INFO"] = path[len(prefix):] or "/"
        return app(environ, start_response)
