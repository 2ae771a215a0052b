"""The registry: which nodes exist, whom they speak for, and where each crawl stopped.

A SQLite database (``registry.sqlite3`` in the instance folder, WAL mode, so that the CLI and a
running server can both use it). Every node is bound to one organisation IRI and to the IRI
prefixes it may speak for (its base URL, DESIGN.md §5). The organisations themselves are not
stored: all 577 come from :mod:`pios_ld.organizations`, so the operator sees every organisation,
with or without a node.

Besides the nodes, the registry keeps the crawl state (conditional-GET validators, the feed pages
already read and the feed members already seen, ``feed_frontier``: the feed pages found but not
yet read when a crawl's budget ran out, as JSON; a held catalog: ``held_count`` consecutive
crawls since ``held_since`` that listed ``held_listed`` of ``held_previous`` initiatives, and
``deletions_confirmed`` once its publisher confirmed) and a summary of every crawl for the
publisher pages, its lists cut to size by the crawler; the crawl log in PROV lives in the store.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pios_ld import organizations
from pios_ld.clock import utc_text
from pios_ld.errors import InputError, NotFoundError

FILE = "registry.sqlite3"

SCHEMA = """
CREATE TABLE IF NOT EXISTS nodes (
    id INTEGER PRIMARY KEY,
    url TEXT NOT NULL UNIQUE,
    org_iri TEXT NOT NULL,
    prefixes TEXT NOT NULL,
    catalog_url TEXT NOT NULL,
    feed_url TEXT,
    added_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS node_state (
    node_id INTEGER PRIMARY KEY,
    catalog_etag TEXT, catalog_last_modified TEXT,
    feed_page TEXT, feed_etag TEXT, feed_last_modified TEXT,
    last_crawl_at TEXT, last_status TEXT, last_http INTEGER, last_error TEXT,
    last_change_at TEXT, initiatives INTEGER DEFAULT 0, quarantined INTEGER DEFAULT 0,
    stale INTEGER DEFAULT 0, warnings INTEGER DEFAULT 0, last_good_at TEXT,
    held_count INTEGER DEFAULT 0, held_since TEXT, held_listed INTEGER, held_previous INTEGER,
    deletions_confirmed INTEGER DEFAULT 0, feed_frontier TEXT
);
CREATE TABLE IF NOT EXISTS feed_pages (
    node_id INTEGER NOT NULL, url TEXT NOT NULL, PRIMARY KEY (node_id, url)
);
CREATE TABLE IF NOT EXISTS feed_members (
    node_id INTEGER NOT NULL, member TEXT NOT NULL, PRIMARY KEY (node_id, member)
);
CREATE TABLE IF NOT EXISTS crawls (
    id INTEGER PRIMARY KEY,
    node_id INTEGER NOT NULL,
    started_at TEXT NOT NULL,
    finished_at TEXT NOT NULL,
    status TEXT NOT NULL,
    http_status INTEGER,
    detail TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS crawls_by_node ON crawls (node_id, id);
CREATE TABLE IF NOT EXISTS removed_graphs (graph TEXT PRIMARY KEY);
CREATE TABLE IF NOT EXISTS history_heads (
    node_id INTEGER NOT NULL, resource TEXT NOT NULL, fingerprint TEXT NOT NULL,
    PRIMARY KEY (node_id, resource)
);
"""

#: Columns added after the first release: a registry made before gets them when opened.
ADDED_COLUMNS = {"node_state": ("last_good_at TEXT", "held_count INTEGER DEFAULT 0",
                                "held_since TEXT", "held_listed INTEGER", "held_previous INTEGER",
                                "deletions_confirmed INTEGER DEFAULT 0", "feed_frontier TEXT")}

#: How many crawl summaries are kept per node.
KEEP_CRAWLS = 50


def now() -> str:
    return utc_text()


@dataclass(frozen=True)
class Node:
    id: int
    url: str
    org_iri: str
    prefixes: tuple[str, ...]
    catalog_url: str
    feed_url: str | None
    added_at: str
    state: dict[str, Any] = field(default_factory=dict, compare=False)

    @property
    def graph(self) -> str:
        """The named graph that holds this node's current state: its base URL."""
        return self.url

    @property
    def organization(self) -> organizations.Organization | None:
        return organizations.by_iri(self.org_iri)

    @property
    def host(self) -> str:
        from urllib.parse import urlsplit

        return urlsplit(self.catalog_url).netloc

    def speaks_for(self, iri: str) -> bool:
        return any(iri.startswith(prefix) for prefix in self.prefixes)

    def as_dict(self) -> dict[str, Any]:
        org = self.organization
        return {
            "id": self.id, "url": self.url, "organization": self.org_iri,
            "organizationName": org.name if org else None, "prefixes": list(self.prefixes),
            "catalog": self.catalog_url, "feed": self.feed_url, "addedAt": self.added_at,
            "graph": self.graph, "state": self.state,
        }


def normalise_base(url: str) -> str:
    url = url.strip()
    if not url.startswith(("http://", "https://")):
        raise InputError(f"{url!r} is not an http(s) URL.", f"{url!r} är ingen http(s)-adress.")
    return url if url.endswith("/") else url + "/"


class Registry:
    """The SQLite registry of one aggregator instance; safe to share between threads."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._local = threading.local()
        db = self._db()
        db.executescript(SCHEMA)
        for table, columns in ADDED_COLUMNS.items():
            have = {row["name"] for row in db.execute(f"PRAGMA table_info({table})")}
            for column in columns:
                if column.split()[0] not in have:
                    db.execute(f"ALTER TABLE {table} ADD COLUMN {column}")

    def _db(self) -> sqlite3.Connection:
        db = getattr(self._local, "db", None)
        if db is None:
            db = sqlite3.connect(self.path, timeout=30, isolation_level=None,
                                 check_same_thread=False)
            db.row_factory = sqlite3.Row
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            self._local.db = db
        return db

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        db = self._db()
        db.execute("BEGIN IMMEDIATE")
        try:
            yield db
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")

    # -- nodes -------------------------------------------------------------------------------
    def add(self, url: str, org_iri: str, catalog_url: str, feed_url: str | None,
            prefixes: list[str] | None = None) -> Node:
        url = normalise_base(url)
        prefixes = [normalise_base(p) for p in (prefixes or [url])]
        with self._tx() as db:
            if db.execute("SELECT 1 FROM nodes WHERE url = ?", (url,)).fetchone():
                raise InputError(f"A node at {url} is already registered.",
                                 f"En nod på {url} är redan registrerad.")
            cursor = db.execute(
                "INSERT INTO nodes (url, org_iri, prefixes, catalog_url, feed_url, added_at) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (url, org_iri, json.dumps(prefixes), catalog_url, feed_url, now()))
            db.execute("INSERT INTO node_state (node_id) VALUES (?)", (cursor.lastrowid,))
            db.execute("DELETE FROM removed_graphs WHERE graph = ?", (url,))
        return self.get(cursor.lastrowid)

    def remove(self, node: Node) -> None:
        """Forget *node*; the next crawl drops its graph from the store."""
        with self._tx() as db:
            for table in ("node_state", "feed_pages", "feed_members", "history_heads", "crawls"):
                db.execute(f"DELETE FROM {table} WHERE node_id = ?", (node.id,))  # noqa: S608
            db.execute("DELETE FROM nodes WHERE id = ?", (node.id,))
            db.execute("INSERT OR IGNORE INTO removed_graphs (graph) VALUES (?)", (node.graph,))

    def removed_graphs(self) -> list[str]:
        return [r[0] for r in self._db().execute("SELECT graph FROM removed_graphs")]

    def forget_removed(self, graphs: list[str]) -> None:
        with self._tx() as db:
            db.executemany("DELETE FROM removed_graphs WHERE graph = ?", [(g,) for g in graphs])

    def _node(self, row: sqlite3.Row) -> Node:
        state = {k: row[k] for k in row.keys() if k not in (
            "id", "url", "org_iri", "prefixes", "catalog_url", "feed_url", "added_at", "node_id")}
        return Node(id=row["id"], url=row["url"], org_iri=row["org_iri"],
                    prefixes=tuple(json.loads(row["prefixes"])), catalog_url=row["catalog_url"],
                    feed_url=row["feed_url"], added_at=row["added_at"], state=state)

    _SELECT = "SELECT * FROM nodes JOIN node_state ON node_state.node_id = nodes.id"

    def nodes(self) -> list[Node]:
        return [self._node(r) for r in self._db().execute(self._SELECT + " ORDER BY nodes.id")]

    def latest_crawl(self) -> str | None:
        """When the latest crawl of any node ended (``last_crawl_at``), or None before any."""
        return self._db().execute("SELECT MAX(last_crawl_at) FROM node_state").fetchone()[0]

    def get(self, node_id: int) -> Node:
        row = self._db().execute(self._SELECT + " WHERE nodes.id = ?", (node_id,)).fetchone()
        if row is None:
            raise NotFoundError(f"No node {node_id} is registered.",
                                f"Ingen nod {node_id} är registrerad.")
        return self._node(row)

    def find(self, key: str) -> Node:
        """A node by id, URL, catalog URL or organisation (name, number, IRI)."""
        key = key.strip()
        if key.isdigit() and len(key) < 6 and not key.startswith("0"):
            return self.get(int(key))  # an id; municipality codes start with 0
        for node in self.nodes():
            if key in (node.url, node.catalog_url, node.url.rstrip("/")):
                return node
        org = organizations.find(key)
        matches = [n for n in self.nodes() if n.org_iri == org.iri]
        if len(matches) == 1:
            return matches[0]
        raise NotFoundError(
            f"No single registered node for {key!r} ({len(matches)} found); give its URL or id.",
            f"Ingen entydig registrerad nod för {key!r} ({len(matches)} hittade); ange adress "
            "eller id.",
        )

    def by_catalog(self, catalog_url: str) -> Node | None:
        wanted = catalog_url.strip()
        for node in self.nodes():
            if wanted in (node.catalog_url, node.url, node.url.rstrip("/")):
                return node
        return None

    # -- crawl state -------------------------------------------------------------------------
    def update_state(self, node_id: int, **values: Any) -> None:
        if not values:
            return
        columns = ", ".join(f"{k} = ?" for k in values)
        with self._tx() as db:
            db.execute(f"UPDATE node_state SET {columns} WHERE node_id = ?",  # noqa: S608
                       (*values.values(), node_id))

    def update_states(self, updates: list[tuple[int, dict[str, Any]]]) -> None:
        """Several nodes' crawl state in one transaction."""
        with self._tx() as db:
            for node_id, values in updates:
                columns = ", ".join(f"{k} = ?" for k in values)
                db.execute(f"UPDATE node_state SET {columns} WHERE node_id = ?",  # noqa: S608
                           (*values.values(), node_id))

    def confirm_deletions(self, node_id: int) -> bool:
        """The publisher confirms a held catalog: its deletions go ahead at the next crawl.
        False (and nothing changes) when the node's catalog is not held."""
        with self._tx() as db:
            row = db.execute("SELECT held_count FROM node_state WHERE node_id = ?",
                             (node_id,)).fetchone()
            if not row or not row[0]:
                return False
            db.execute("UPDATE node_state SET deletions_confirmed = 1 WHERE node_id = ?",
                       (node_id,))
        return True

    def feed_pages(self, node_id: int) -> set[str]:
        rows = self._db().execute("SELECT url FROM feed_pages WHERE node_id = ?", (node_id,))
        return {r[0] for r in rows}

    def seen_members(self, node_id: int) -> set[str]:
        rows = self._db().execute("SELECT member FROM feed_members WHERE node_id = ?", (node_id,))
        return {r[0] for r in rows}

    def history_heads(self, node_id: int) -> dict[str, str]:
        """Per resource of the node, the fingerprint of its latest version in the history."""
        rows = self._db().execute(
            "SELECT resource, fingerprint FROM history_heads WHERE node_id = ?", (node_id,))
        return dict(rows.fetchall())

    def record_feed(self, node_id: int, pages: list[str], members: list[str],
                    heads: dict[str, str] | None = None) -> None:
        with self._tx() as db:
            db.executemany("INSERT OR IGNORE INTO feed_pages VALUES (?, ?)",
                           [(node_id, p) for p in pages])
            db.executemany("INSERT OR IGNORE INTO feed_members VALUES (?, ?)",
                           [(node_id, m) for m in members])
            db.executemany("INSERT OR REPLACE INTO history_heads VALUES (?, ?, ?)",
                           [(node_id, r, f) for r, f in (heads or {}).items()])

    def reset_feed(self, node_id: int) -> None:
        with self._tx() as db:
            db.execute("DELETE FROM feed_pages WHERE node_id = ?", (node_id,))
            db.execute("DELETE FROM feed_members WHERE node_id = ?", (node_id,))
            db.execute("DELETE FROM history_heads WHERE node_id = ?", (node_id,))
            db.execute("UPDATE node_state SET feed_page = NULL, feed_etag = NULL, "
                       "feed_last_modified = NULL WHERE node_id = ?", (node_id,))

    def add_crawl(self, node_id: int, started_at: str, finished_at: str, status: str,
                  http_status: int | None, detail: dict[str, Any]) -> None:
        with self._tx() as db:
            db.execute("INSERT INTO crawls (node_id, started_at, finished_at, status, http_status,"
                       " detail) VALUES (?, ?, ?, ?, ?, ?)",
                       (node_id, started_at, finished_at, status, http_status,
                        json.dumps(detail, ensure_ascii=False)))
            db.execute("DELETE FROM crawls WHERE node_id = ? AND id NOT IN (SELECT id FROM crawls"
                       " WHERE node_id = ? ORDER BY id DESC LIMIT ?)",
                       (node_id, node_id, KEEP_CRAWLS))

    def crawls(self, node_id: int, limit: int = 20) -> list[dict[str, Any]]:
        rows = self._db().execute(
            "SELECT * FROM crawls WHERE node_id = ? ORDER BY id DESC LIMIT ?", (node_id, limit))
        return [{**dict(r), "detail": json.loads(r["detail"])} for r in rows]

    def close(self) -> None:
        db = getattr(self._local, "db", None)
        if db is not None:
            db.close()
            self._local.db = None
