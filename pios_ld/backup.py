"""Online copies of SQLite databases, for the node's and the aggregator's backups.

:func:`copy_database` uses SQLite's online backup API: a consistent copy while the application
keeps running and writing (WAL mode), never a half-written file — the copy is made next to the
target and renamed into place only when complete and checked. :func:`check_database` says whether
a file is a sound SQLite database with the tables a restore expects, before anything is replaced.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from pios_ld.errors import InputError


def check_database(path: str | os.PathLike, tables: tuple[str, ...]) -> None:
    """Raise :class:`InputError` unless *path* is a sound SQLite database holding *tables*."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path} does not exist.", f"{path} finns inte.")
    try:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            [result] = db.execute("PRAGMA integrity_check").fetchone()
            found = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        finally:
            db.close()
    except sqlite3.DatabaseError as exc:
        raise InputError(f"{path} is not a readable SQLite database: {exc}.",
                         f"{path} är ingen läsbar SQLite-databas: {exc}.") from exc
    if result != "ok":
        raise InputError(f"{path} is damaged: {result}.", f"{path} är skadad: {result}.")
    missing = [t for t in tables if t not in found]
    if missing:
        raise InputError(
            f"{path} is not the right kind of database (no table {', '.join(missing)}).",
            f"{path} är inte rätt sorts databas (tabellen {', '.join(missing)} saknas).")


def copy_database(source: str | os.PathLike, target: str | os.PathLike,
                  tables: tuple[str, ...] = ()) -> Path:
    """Copy the SQLite database *source* to *target* online; returns *target*."""
    source, target = Path(source), Path(target)
    check_database(source, tables)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.partial")
    partial.unlink(missing_ok=True)
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    dst = sqlite3.connect(partial)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()
    check_database(partial, tables)
    partial.replace(target)
    return target
