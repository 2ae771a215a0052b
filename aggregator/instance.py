"""An aggregator instance folder and who may write to it.

The folder holds ``aggregator.toml`` (settings), ``registry.sqlite3`` (nodes and crawl state),
``store/`` and ``history/`` (the national and the history dataset: pyoxigraph databases, opened
for writing by one process only), ``snapshots/`` (read-only copies of both for query workers and
dumps) and ``dumps/``.

Exactly one process writes the store: whoever holds the lock on ``writer.lock``. ``pios aggregator
serve`` takes it for its lifetime and records its address and a secret in ``server.json``; a
``pios aggregator crawl`` that finds the lock taken asks that server to do the crawl over HTTP
instead of opening the store (docs/decisions/0004-aggregator-store-and-processes.md).

With ``store_query_url`` set the store is on an external SPARQL server
(:mod:`pios_ld.aggregator.external`): ``store/`` and ``history/`` are not used, ``snapshots/``
holds small manifests, and the writer lock still makes this instance's crawler the one writer.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import secrets
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from pios_ld.aggregator import external
from pios_ld.aggregator import settings as settings_module
from pios_ld.aggregator.crawllog import REFERENCE
from pios_ld.aggregator.registry import FILE as REGISTRY_FILE
from pios_ld.aggregator.registry import Registry
from pios_ld.aggregator.store import OxigraphStore, latest_snapshot

from pios_ld import vocab_paths
from pios_ld.errors import ConfigurationError, WriterBusy


def init(folder: str | os.PathLike) -> Path:
    """Create an instance folder (idempotent: an existing config file is kept)."""
    path = Path(folder)
    path.mkdir(parents=True, exist_ok=True)
    config = path / settings_module.CONFIG_FILE
    if not config.exists():
        config.write_text(settings_module.default_file_text(), encoding="utf-8")
    Registry(path / REGISTRY_FILE).close()
    return path


class Instance:
    """One aggregator instance: its settings, registry and (for the writer) its store."""

    def __init__(self, settings: dict[str, Any]) -> None:
        self.settings = settings
        self.folder: Path = Path(settings["instance"])
        self.registry = Registry(self.folder / REGISTRY_FILE)
        self.store: OxigraphStore | external.ExternalStore | None = None
        self._lock_file = None

    @classmethod
    def open(cls, folder: str | os.PathLike, overrides: dict[str, Any] | None = None) -> Instance:
        return cls(settings_module.load(folder, overrides))

    @property
    def snapshots(self) -> Path:
        return self.folder / "snapshots"

    @property
    def server_file(self) -> Path:
        return self.folder / "server.json"

    # -- the single writer -------------------------------------------------------------------
    def acquire_writer(self, wait: bool = False) -> OxigraphStore | external.ExternalStore:
        """Take the writer lock and open the store; :class:`WriterBusy` if another has it."""
        handle = open(self.folder / "writer.lock", "a+")  # noqa: SIM115 - held for the lifetime
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError as exc:
            handle.close()
            raise WriterBusy(
                f"Another process is writing to {self.folder} (a running `pios aggregator "
                "serve` or crawl).",
                f"En annan process skriver till {self.folder} (en körande `pios aggregator "
                "serve` eller genomsökning).") from exc
        self._lock_file = handle
        keep = self.settings["snapshots_keep"]
        try:
            if external.configured(self.settings):
                self.store = external.ExternalStore(
                    external.Connection.from_settings(self.settings), self.snapshots, self.folder,
                    keep=keep)
                # the server may have been emptied; else it has them (another instance serving
                # the same server, or this one before), and this one need not write
                self._load_reference(always=REFERENCE not in self.store.national_graphs)
                self._forget_validators(set(self.store.national_graphs))
            else:
                self.store = OxigraphStore(self.folder / "store", self.snapshots, keep=keep)
                self._load_reference()
        except Exception:
            self.release_writer()
            raise
        if latest_snapshot(self.snapshots) is None or external.configured(self.settings):
            self.store.snapshot()
        return self.store

    def _forget_validators(self, graphs: set[str]) -> None:
        """Nodes whose graph the store does not hold (a new or emptied server) are read in full
        at the next crawl, not answered "unchanged" from their remembered ETags."""
        for node in self.registry.nodes():
            if node.graph not in graphs:
                self.registry.reset_feed(node.id)
                self.registry.update_state(node.id, catalog_etag=None, catalog_last_modified=None)

    def release_writer(self) -> None:
        if self.store is not None:
            self.store.close()
            self.store = None
        if self._lock_file is not None:
            fcntl.flock(self._lock_file, fcntl.LOCK_UN)
            self._lock_file.close()
            self._lock_file = None
        self.server_file.unlink(missing_ok=True)

    def _load_reference(self, always: bool = False) -> None:
        """Keep the reference graph (vocabulary, concepts, organisations) in step with the files."""
        parts = []
        for path in (vocab_paths.VOCABULARY, vocab_paths.ORGANIZATIONS):
            if path.is_file():
                parts.append(path.read_bytes())
        digest = hashlib.sha256(b"\n".join(parts)).hexdigest()
        marker = self.folder / "reference.sha256"
        if not always and marker.exists() and marker.read_text() == digest:
            return
        data = b"\n".join(parts)
        assert self.store is not None
        self.store.load_graph(REFERENCE, data, ox.RdfFormat.TURTLE)
        marker.write_text(digest)

    # -- the running server ------------------------------------------------------------------
    def announce_server(self, url: str) -> str:
        token = secrets.token_urlsafe(24)
        self.server_file.write_text(json.dumps({"url": url, "token": token, "pid": os.getpid()}))
        self.server_file.chmod(0o600)
        return token

    def fresh_snapshot(self) -> Path | None:
        """The newest snapshot of the store: made now when no server runs (this process takes
        the writer for a moment), the running server's own when one does (it keeps it current)."""
        try:
            store = self.acquire_writer()
            store.snapshot()
            self.release_writer()
        except WriterBusy:
            pass
        return latest_snapshot(self.snapshots)

    def running_server(self) -> dict[str, Any] | None:
        try:
            info = json.loads(self.server_file.read_text())
        except (OSError, ValueError):
            return None
        try:
            os.kill(int(info["pid"]), 0)
        except (OSError, KeyError, ValueError):
            return None
        return info


def require_instance(folder: str | os.PathLike) -> None:
    if not (Path(folder) / settings_module.CONFIG_FILE).is_file():
        raise ConfigurationError(
            f"{folder} is not an aggregator instance; create it with `pios aggregator init "
            f"{folder}`.",
            f"{folder} är ingen aggregatorinstans; skapa den med `pios aggregator init {folder}`.")
