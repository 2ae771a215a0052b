"""The node's database: current initiatives and their append-only version history (SQLite, WAL).

Tables::

    initiatives(identifier PK, iri, record JSON, created, modified, seq)   the current state
    versions(seq PK, identifier, iri, action, timestamp, record JSON)      every change, forever
    tokens(id PK, name, hash, created)                                     API tokens (hashed)
    users(name PK, password_hash, created)                                 logins for the editor
    meta(key PK, value)                                                    the change counter

Every create, update and delete appends one row to ``versions`` and bumps the change counter in
the same transaction; nothing in ``versions`` is ever updated or deleted. Connections are
per thread.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import sqlite3
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from werkzeug.security import check_password_hash, generate_password_hash

from pios_ld.clock import utc_text
from pios_ld.feed import CREATE, DELETE, UPDATE, Version

SCHEMA = """
CREATE TABLE IF NOT EXISTS initiatives (
    identifier TEXT PRIMARY KEY, iri TEXT NOT NULL, record TEXT NOT NULL,
    created TEXT NOT NULL, modified TEXT NOT NULL, seq INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS versions (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, identifier TEXT NOT NULL, iri TEXT NOT NULL,
    action TEXT NOT NULL CHECK (action IN ('create', 'update', 'delete')),
    timestamp TEXT NOT NULL, record TEXT);
CREATE INDEX IF NOT EXISTS versions_identifier ON versions(identifier, seq);
CREATE TABLE IF NOT EXISTS tokens (
    id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL, hash TEXT NOT NULL UNIQUE,
    created TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS users (
    name TEXT PRIMARY KEY, password_hash TEXT NOT NULL, created TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
INSERT OR IGNORE INTO meta(key, value) VALUES ('counter', '0');
CREATE TRIGGER IF NOT EXISTS versions_append_only_update BEFORE UPDATE ON versions
    BEGIN SELECT RAISE(ABORT, 'versions are append-only'); END;
CREATE TRIGGER IF NOT EXISTS versions_append_only_delete BEFORE DELETE ON versions
    BEGIN SELECT RAISE(ABORT, 'versions are append-only'); END;
"""

#: Keys that change on every save and are not part of what makes two records "the same".
VOLATILE = ("modified", "created")


def now() -> str:
    """The current UTC time as an ``xsd:dateTime`` with milliseconds."""
    return utc_text(precise=True)


def canonical(record: dict[str, Any]) -> str:
    """A record's content as a stable string, ignoring the save times."""
    return json.dumps({k: v for k, v in record.items() if k not in VOLATILE},
                      sort_keys=True, ensure_ascii=False)


@dataclass(frozen=True)
class Current:
    identifier: str
    iri: str
    record: dict[str, Any]
    created: str
    modified: str
    seq: int


@dataclass(frozen=True)
class Change:
    """What :meth:`Store.save` did with one record."""

    identifier: str
    outcome: str  # "created", "updated" or "unchanged"
    version: Version | None


class Store:
    """One node's SQLite database."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self._local = threading.local()
        with self._connect() as db:
            db.executescript(SCHEMA)

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=30, isolation_level=None,
                             check_same_thread=False)
        db.row_factory = sqlite3.Row
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        db.execute("PRAGMA foreign_keys=ON")
        return db

    @property
    def db(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._local.conn = self._connect()
        return conn

    # -- reading ---------------------------------------------------------------------------
    def counter(self) -> int:
        """A number that grows with every change; caches key on it."""
        return int(self.db.execute("SELECT value FROM meta WHERE key='counter'").fetchone()[0])

    def get(self, identifier: str) -> Current | None:
        row = self.db.execute("SELECT * FROM initiatives WHERE identifier=?",
                              (identifier,)).fetchone()
        return _current(row) if row else None

    def current(self) -> list[Current]:
        """Every current initiative, ordered by identifier."""
        rows = self.db.execute("SELECT * FROM initiatives ORDER BY identifier").fetchall()
        return [_current(r) for r in rows]

    def count(self) -> int:
        return self.db.execute("SELECT count(*) FROM initiatives").fetchone()[0]

    def last_modified(self) -> str | None:
        row = self.db.execute("SELECT max(timestamp) FROM versions").fetchone()
        return row[0]

    def total_versions(self) -> int:
        row = self.db.execute("SELECT max(seq) FROM versions").fetchone()
        return row[0] or 0

    def versions(self, first: int, last: int) -> list[Version]:
        rows = self.db.execute("SELECT * FROM versions WHERE seq BETWEEN ? AND ? ORDER BY seq",
                               (first, last)).fetchall()
        return [_version(r) for r in rows]

    def version(self, seq: int) -> Version | None:
        row = self.db.execute("SELECT * FROM versions WHERE seq=?", (seq,)).fetchone()
        return _version(row) if row else None

    def history(self, identifier: str) -> list[Version]:
        rows = self.db.execute("SELECT * FROM versions WHERE identifier=? ORDER BY seq",
                               (identifier,)).fetchall()
        return [_version(r) for r in rows]

    def recent(self, limit: int = 10) -> list[Version]:
        rows = self.db.execute("SELECT * FROM versions ORDER BY seq DESC LIMIT ?",
                               (limit,)).fetchall()
        return [_version(r) for r in rows]

    # -- writing ---------------------------------------------------------------------------
    def save(self, records: Iterable[dict[str, Any]], timestamp: str | None = None) -> list[Change]:
        """Create or update *records* (context-form, with ``identifier`` and ``id``) in one
        transaction. A record whose content equals the stored one is left alone: no version.

        Each saved record gets ``modified`` set to its version's timestamp (and ``created`` kept
        from the first version).
        """
        changes: list[Change] = []
        db = self.db
        db.execute("BEGIN IMMEDIATE")
        try:
            stamp = self._next_timestamp(timestamp)
            for record in records:
                identifier = record["identifier"]
                row = db.execute("SELECT * FROM initiatives WHERE identifier=?",
                                 (identifier,)).fetchone()
                if row is not None and canonical(json.loads(row["record"])) == canonical(record):
                    changes.append(Change(identifier, "unchanged", None))
                    continue
                created = row["created"] if row else record.get("created") or stamp
                saved = {**record, "created": created, "modified": stamp}
                action = UPDATE if row else CREATE
                version = self._append(identifier, record["id"], action, stamp, saved)
                db.execute(
                    "INSERT INTO initiatives(identifier, iri, record, created, modified, seq) "
                    "VALUES (?,?,?,?,?,?) ON CONFLICT(identifier) DO UPDATE SET iri=excluded.iri,"
                    " record=excluded.record, modified=excluded.modified, seq=excluded.seq",
                    (identifier, record["id"], _dump(saved), created, stamp, version.seq))
                changes.append(Change(identifier, "created" if row is None else "updated", version))
            if any(c.version for c in changes):
                self._bump()
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
        return changes

    def delete(self, identifier: str) -> Version | None:
        """Delete the initiative (a tombstone version); ``None`` when there is no such one."""
        db = self.db
        db.execute("BEGIN IMMEDIATE")
        try:
            row = db.execute("SELECT iri FROM initiatives WHERE identifier=?",
                             (identifier,)).fetchone()
            if row is None:
                db.execute("ROLLBACK")
                return None
            version = self._append(identifier, row["iri"], DELETE, self._next_timestamp(), None)
            db.execute("DELETE FROM initiatives WHERE identifier=?", (identifier,))
            self._bump()
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
        return version

    def _next_timestamp(self, wanted: str | None = None) -> str:
        """Now (or *wanted*), but never earlier than the last version: the feed stays ordered."""
        stamp = wanted or now()
        last = self.last_modified()
        return max(stamp, last) if last else stamp

    def _append(self, identifier: str, iri: str, action: str, stamp: str,
                record: dict | None) -> Version:
        cursor = self.db.execute(
            "INSERT INTO versions(identifier, iri, action, timestamp, record) VALUES (?,?,?,?,?)",
            (identifier, iri, action, stamp, None if record is None else _dump(record)))
        return Version(cursor.lastrowid, iri, action, stamp, record)

    def _bump(self) -> None:
        self.db.execute("UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key='counter'")

    # -- tokens and users ------------------------------------------------------------------
    def create_token(self, name: str) -> str:
        """A new API token; only its SHA-256 hash is stored."""
        token = "pios_" + secrets.token_urlsafe(32)
        self.db.execute("INSERT INTO tokens(name, hash, created) VALUES (?,?,?)",
                        (name, _token_hash(token), now()))
        return token

    def check_token(self, token: str) -> str | None:
        """The token's name if it is valid, else ``None``."""
        row = self.db.execute("SELECT name FROM tokens WHERE hash=?",
                              (_token_hash(token),)).fetchone()
        return row["name"] if row else None

    def create_user(self, name: str, password: str) -> None:
        self.db.execute(
            "INSERT INTO users(name, password_hash, created) VALUES (?,?,?) ON CONFLICT(name) "
            "DO UPDATE SET password_hash=excluded.password_hash",
            (name, generate_password_hash(password), now()))

    def check_user(self, name: str, password: str) -> bool:
        row = self.db.execute("SELECT password_hash FROM users WHERE name=?", (name,)).fetchone()
        return bool(row) and check_password_hash(row["password_hash"], password)

    def users(self) -> list[str]:
        return [r[0] for r in self.db.execute("SELECT name FROM users ORDER BY name")]


#: The tables a node's database must hold (checked before a backup is restored).
TABLES = ("initiatives", "versions", "meta")


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _dump(record: dict) -> str:
    return json.dumps(record, ensure_ascii=False, sort_keys=True)


def _current(row: sqlite3.Row) -> Current:
    return Current(row["identifier"], row["iri"], json.loads(row["record"]), row["created"],
                   row["modified"], row["seq"])


def _version(row: sqlite3.Row) -> Version:
    record = json.loads(row["record"]) if row["record"] else None
    return Version(row["seq"], row["iri"], row["action"], row["timestamp"], record)
