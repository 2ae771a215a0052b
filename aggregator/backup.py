"""Backing up and restoring an aggregator instance (the embedded store).

A backup is a folder: ``aggregator.toml``, ``registry.sqlite3`` (an online SQLite copy),
``national/`` and ``history/`` (copies of the newest store snapshot, which never changes once
published, so a running server keeps serving and crawling while it is copied) and
``backup.json`` (when, which version, how many nodes). It is made while the instance runs.

Restoring makes a *new* instance folder from a backup: the store and the history from the copies,
the settings and the registry as they were — but the registry's crawl validators (ETags, the feed
pages and members already read) are cleared, because the registry may be a little newer than the
snapshot: the first crawl after a restore reads every node in full, so nothing crawled between the
snapshot and the backup is lost. An existing instance is never overwritten.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

from pios_ld.aggregator import settings as settings_module
from pios_ld.aggregator.instance import REGISTRY_FILE, Instance
from pios_ld.aggregator.store import DATASETS, HISTORY_DATASET, NATIONAL, is_manifest

from pios_ld import __version__
from pios_ld.backup import check_database, copy_database
from pios_ld.clock import utc_text
from pios_ld.errors import InputError, PiosError

MANIFEST = "backup.json"
REGISTRY_TABLES = ("nodes", "node_state", "crawls")
#: The crawl state a restore clears (see the module docstring).
VALIDATORS = ("catalog_etag", "catalog_last_modified", "feed_page", "feed_etag",
              "feed_last_modified")


def backup(inst: Instance, target: str | Path) -> Path:
    """Write a backup of *inst* into the new folder *target*; returns it."""
    target = Path(target)
    if target.exists() and any(target.iterdir()):
        raise InputError(f"{target} exists and is not empty: choose a new folder.",
                         f"{target} finns redan och är inte tom: välj en ny mapp.")
    snapshot = inst.fresh_snapshot()
    if snapshot is not None and is_manifest(snapshot):
        raise PiosError(
            "The store is on an external SPARQL server: back it up with that server's own tools "
            "(`pios aggregator dump` writes all its graphs to one file).",
            "Lagringen ligger på en extern SPARQL-server: säkerhetskopiera den med serverns egna "
            "verktyg (`pios aggregator dump` skriver alla dess grafer till en fil).")
    if snapshot is None:
        raise PiosError("The instance has no store snapshot to back up yet.",
                        "Instansen har ingen ögonblicksbild av lagret att säkerhetskopiera än.")
    partial = target.with_name(f".{target.name}.partial")
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(parents=True)
    for dataset in DATASETS:
        shutil.copytree(snapshot / dataset, partial / dataset)
    copy_database(inst.folder / REGISTRY_FILE, partial / REGISTRY_FILE, REGISTRY_TABLES)
    shutil.copy2(inst.folder / settings_module.CONFIG_FILE, partial / settings_module.CONFIG_FILE)
    (partial / MANIFEST).write_text(json.dumps({
        "created": utc_text(), "version": __version__, "snapshot": snapshot.name,
        "nodes": len(inst.registry.nodes())}, indent=2))
    if target.exists():
        target.rmdir()
    partial.rename(target)
    return target


def restore(source: str | Path, folder: str | Path) -> Path:
    """Make the new instance *folder* from the backup *source*; returns the folder."""
    source, folder = Path(source), Path(folder)
    missing = [name for name in (MANIFEST, settings_module.CONFIG_FILE, REGISTRY_FILE, *DATASETS)
               if not (source / name).exists()]
    if missing:
        raise InputError(
            f"{source} is not an aggregator backup (missing {', '.join(missing)}).",
            f"{source} är ingen säkerhetskopia av en aggregator ({', '.join(missing)} saknas).")
    check_database(source / REGISTRY_FILE, REGISTRY_TABLES)
    if folder.exists() and any(folder.iterdir()):
        raise InputError(
            f"{folder} exists and is not empty: a restore makes a new instance folder.",
            f"{folder} finns redan och är inte tom: en återställning skapar en ny instansmapp.")
    partial = folder.with_name(f".{folder.name}.partial")
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(parents=True)
    shutil.copy2(source / settings_module.CONFIG_FILE, partial / settings_module.CONFIG_FILE)
    copy_database(source / REGISTRY_FILE, partial / REGISTRY_FILE, REGISTRY_TABLES)
    db = sqlite3.connect(partial / REGISTRY_FILE)
    try:
        with db:
            db.execute(f"UPDATE node_state SET {', '.join(f'{c} = NULL' for c in VALIDATORS)}")
            db.execute("DELETE FROM feed_pages")
            db.execute("DELETE FROM feed_members")
            db.execute("DROP TABLE IF EXISTS history_heads")  # made again, empty, on opening
    finally:
        db.close()
    shutil.copytree(source / NATIONAL, partial / "store")
    shutil.copytree(source / HISTORY_DATASET, partial / "history")
    if folder.exists():
        folder.rmdir()
    partial.rename(folder)
    inst = Instance.open(folder)  # opens the store once: a snapshot for readers, reference data
    try:
        inst.acquire_writer()
    finally:
        inst.release_writer()
        inst.registry.close()
    return folder
