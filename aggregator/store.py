"""The store behind the aggregator: one small interface, an embedded pyoxigraph implementation.

The crawler only ever asks a store for three things (:class:`GraphStore`): the statements of one
named graph, to *commit* a :class:`Batch` of graph replacements and additions as one transaction,
and to drop graphs. Readers ask for SPARQL answers. A SPARQL 1.1 server reached over the Graph
Store Protocol and SPARQL Update can implement the same interface later.

:class:`OxigraphStore` keeps a RocksDB store on disk. pyoxigraph lets one process open a store
folder for writing, and opening it read-only while another process writes is undefined, so the
writer publishes *snapshots* (cheap RocksDB checkpoints made of hard links, see
``docs/decisions/0004-aggregator-store-and-processes.md``): query workers open the newest snapshot
read-only and never see the live database.

Statements are stored without blank nodes (the crawler skolemises them, see
:mod:`pios_ld.aggregator.records`), so a replacement is a small difference: the statements that
went away and the ones that came, in one SPARQL update, which pyoxigraph applies atomically.

Every replaced graph (the nodes' current state, the reference data) is also mirrored into the
store's *default graph*, so that SPARQL over the national union needs no dataset clause: on
pyoxigraph that is 10-50 times faster than naming hundreds of graphs as the default graph. The
mirror is exact because no two nodes can assert the same statement (the authority check keeps
only subjects under each node's own prefixes). History and crawl log are not mirrored.
"""

from __future__ import annotations

import os
import shutil
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

#: Above this many added statements (and nothing removed) a commit loads in bulk.
BULK_THRESHOLD = 20_000
_NT = ox.RdfFormat.N_TRIPLES
#: Seconds an outdated snapshot stays on disk for readers that still have it open.
SNAPSHOT_GRACE = 300.0


@dataclass
class Batch:
    """Changes to commit together: whole graphs replaced, statements appended (as triples)."""

    replace: dict[str, list[ox.Triple]] = field(default_factory=dict)
    append: dict[str, list[ox.Triple]] = field(default_factory=dict)
    #: the same as N-Triples bytes (loaded without building Python objects when possible)
    replace_nt: dict[str, bytes] = field(default_factory=dict)
    append_nt: list[tuple[str, bytes]] = field(default_factory=list)

    def replace_graph(self, graph: str, statements: Iterable[ox.Quad | ox.Triple]) -> None:
        self.replace[graph] = [_triple(s) for s in statements]

    def add(self, graph: str, statements: Iterable[ox.Quad | ox.Triple]) -> None:
        self.append.setdefault(graph, []).extend(_triple(s) for s in statements)

    def merge(self, other: Batch) -> None:
        self.replace.update(other.replace)
        for graph, triples in other.append.items():
            self.append.setdefault(graph, []).extend(triples)
        self.replace_nt.update(other.replace_nt)
        self.append_nt.extend(other.append_nt)

    def size(self) -> int:
        """About how many statements the batch holds (N-Triples counted by lines)."""
        return (sum(map(len, self.replace.values())) + sum(map(len, self.append.values()))
                + sum(d.count(b"\n") for d in self.replace_nt.values())
                + sum(d.count(b"\n") for _, d in self.append_nt))

    def __bool__(self) -> bool:
        return bool(self.replace or self.append or self.replace_nt or self.append_nt)


def in_graph(data: bytes, graph: str) -> bytes:
    """N-Triples *data* (one statement a line, as pyoxigraph writes it) as N-Quads in *graph*.

    An N-Triples line ends with `` .``; a literal cannot hold a raw line break, so `` .\\n``
    only ever ends a statement.
    """
    if not data:
        return data
    if not data.endswith(b"\n"):
        data += b"\n"
    return data.replace(b" .\n", f" <{graph}> .\n".encode())


def _triple(statement: ox.Quad | ox.Triple) -> ox.Triple:
    if isinstance(statement, ox.Triple):
        return statement
    return ox.Triple(statement.subject, statement.predicate, statement.object)


class GraphStore:
    """What the aggregator needs from a store (DESIGN.md §5)."""

    def graph(self, graph: str) -> list[ox.Quad]:  # pragma: no cover - interface
        raise NotImplementedError

    def commit(self, batch: Batch) -> bool:  # pragma: no cover - interface
        """Apply *batch* in one transaction; True when anything changed."""
        raise NotImplementedError

    def drop(self, graphs: Iterable[str]) -> None:  # pragma: no cover - interface
        raise NotImplementedError

    def query(self, sparql: str, **options):  # pragma: no cover - interface
        raise NotImplementedError


def _data_block(quads: Iterable[ox.Quad]) -> str:
    by_graph: dict[str, list[str]] = {}
    for q in quads:
        name = "" if isinstance(q.graph_name, ox.DefaultGraph) else str(q.graph_name)
        by_graph.setdefault(name, []).append(f"{q.subject} {q.predicate} {q.object} .")
    return " ".join(f"GRAPH {g} {{ {' '.join(lines)} }}" if g else " ".join(lines)
                    for g, lines in by_graph.items())


class OxigraphStore(GraphStore):
    """The embedded store: a pyoxigraph RocksDB folder, plus read-only snapshots for readers."""

    def __init__(self, folder: str | os.PathLike, snapshots: str | os.PathLike | None = None,
                 keep: int = 3) -> None:
        self.folder = Path(folder)
        self.snapshots = Path(snapshots) if snapshots else self.folder.parent / "snapshots"
        self.keep = keep
        self._store = ox.Store(str(self.folder))
        self._lock = threading.Lock()
        #: how many commits changed something since this store was opened
        self.writes = 0

    # -- reading -----------------------------------------------------------------------------
    def graph(self, graph: str) -> list[ox.Quad]:
        return list(self._store.quads_for_pattern(None, None, None, ox.NamedNode(graph)))

    def _empty(self, graph: str) -> bool:
        return next(iter(self._store.quads_for_pattern(None, None, None, ox.NamedNode(graph))),
                    None) is None

    def has_graph(self, graph: str) -> bool:
        return self._store.contains_named_graph(ox.NamedNode(graph))

    def query(self, sparql: str, **options):
        return self._store.query(sparql, **options)

    def __len__(self) -> int:
        return len(self._store)

    # -- writing -----------------------------------------------------------------------------
    def commit(self, batch: Batch) -> bool:
        """Apply *batch*: replaced graphs by their difference, mirrored into the default graph.

        A batch that removes statements is one SPARQL update (atomic). A batch that only adds
        (a first crawl, new history) is written with ``extend`` (atomic) or, when large, loaded
        in bulk from N-Triples: if that is interrupted, nothing that was there is lost and the
        nodes' crawl state is not recorded, so the next crawl writes the same statements again.
        """
        with self._lock:
            removals: list[ox.Quad] = []
            additions: dict[str, list[ox.Triple]] = {g: list(t) for g, t in batch.append.items()}
            mirrored: list[ox.Triple] = []
            replace = dict(batch.replace)
            fresh: dict[str, bytes] = {}
            for graph, data in batch.replace_nt.items():
                if self._empty(graph):
                    fresh[graph] = data
                else:
                    replace[graph] = list(ox.parse(data, format=_NT))
            appended = list(batch.append_nt)
            for graph, new in replace.items():
                old = [_triple(q) for q in self.graph(graph)]
                if not old:
                    came, gone = new, []
                else:
                    new_set, old_set = set(new), set(old)
                    gone = [t for t in old if t not in new_set]
                    came = [t for t in new_set if t not in old_set]
                if any(isinstance(x, ox.BlankNode) for t in gone
                       for x in (t.subject, t.object)):
                    raise ValueError("graphs are stored skolemised, without blank nodes")
                name = ox.NamedNode(graph)
                removals += [ox.Quad(t.subject, t.predicate, t.object, name) for t in gone]
                removals += [ox.Quad(t.subject, t.predicate, t.object) for t in gone]
                additions.setdefault(graph, []).extend(came)
                mirrored.extend(came)
            size = (sum(map(len, additions.values())) + len(mirrored)
                    + sum(d.count(b"\n") for d in fresh.values()) * 2
                    + sum(d.count(b"\n") for _, d in appended))
            if not (removals or size):
                return False
            if removals or size <= BULK_THRESHOLD:  # everything as objects, in one transaction
                for graph, data in fresh.items():
                    triples = list(ox.parse(data, format=_NT))
                    additions.setdefault(graph, []).extend(triples)
                    mirrored.extend(triples)
                for graph, data in appended:
                    additions.setdefault(graph, []).extend(ox.parse(data, format=_NT))
                fresh, appended = {}, []
            if removals:
                quads = self._quads(additions, mirrored)
                parts = [f"DELETE DATA {{ {_data_block(removals)} }}"]
                if quads:
                    parts.append(f"INSERT DATA {{ {_data_block(quads)} }}")
                self._store.update(" ;\n".join(parts))
            elif size > BULK_THRESHOLD:
                # one bulk load of N-Quads: each bulk load has a large fixed cost
                parts = []
                for graph, data in fresh.items():
                    parts += [in_graph(data, graph), data]
                parts += [in_graph(data, graph) for graph, data in appended]
                parts += [in_graph(ox.serialize(t, format=_NT), g)
                          for g, t in additions.items() if t]
                if mirrored:
                    parts.append(ox.serialize(mirrored, format=_NT))
                self._store.bulk_load(b"".join(parts), format=ox.RdfFormat.N_QUADS)
            else:
                self._store.extend(self._quads(additions, mirrored))
            self.writes += 1
            return True

    @staticmethod
    def _quads(additions: dict[str, list[ox.Triple]], mirrored: list[ox.Triple]) -> list[ox.Quad]:
        quads = []
        for graph, triples in additions.items():
            name = ox.NamedNode(graph)
            quads += [ox.Quad(t.subject, t.predicate, t.object, name) for t in triples]
        quads += [ox.Quad(t.subject, t.predicate, t.object) for t in mirrored]
        return quads

    def drop(self, graphs: Iterable[str]) -> None:
        """Remove whole graphs (of nodes no longer registered) and their default-graph copy."""
        batch = Batch()
        for graph in graphs:
            if self.has_graph(graph):
                batch.replace[graph] = []
        if batch.replace:
            self.commit(batch)
            with self._lock:
                for graph in batch.replace:
                    self._store.remove_graph(ox.NamedNode(graph))

    def load_graph(self, graph: str, data: bytes, fmt: ox.RdfFormat) -> None:
        """Replace *graph* with a parsed file (reference data), blank nodes skolemised."""
        base = graph.rstrip("/") + "/.well-known/genid/"

        def term(t):
            return ox.NamedNode(base + t.value) if isinstance(t, ox.BlankNode) else t

        quads = [ox.Quad(term(t.subject), t.predicate, term(t.object), ox.NamedNode(graph))
                 for t in ox.parse(data, format=fmt)]
        batch = Batch()
        batch.replace[graph] = quads
        self.commit(batch)

    def quads(self) -> Iterable[ox.Quad]:
        """Every stored statement of the named graphs (the default graph is their mirror)."""
        for quad in self._store:
            if not isinstance(quad.graph_name, ox.DefaultGraph):
                yield quad

    # -- snapshots for readers ---------------------------------------------------------------
    def snapshot(self) -> Path:
        """Publish the current state as a read-only snapshot; returns its folder."""
        with self._lock:
            self.snapshots.mkdir(parents=True, exist_ok=True)
            self._store.flush()
            target = self.snapshots / f"{time.time_ns()}"
            self._store.backup(str(target))
            self._prune()
            return target

    def _prune(self) -> None:
        existing = sorted((p for p in self.snapshots.iterdir() if p.name.isdigit()),
                          key=lambda p: int(p.name))
        cutoff = time.time_ns() - int(SNAPSHOT_GRACE * 1e9)
        for old in existing[:-self.keep]:
            if int(old.name) < cutoff:  # readers switch on their next query; give them time
                shutil.rmtree(old, ignore_errors=True)

    def close(self) -> None:
        self._store.flush()
        del self._store


def latest_snapshot(folder: str | os.PathLike) -> Path | None:
    """The newest complete snapshot in *folder*, or None."""
    path = Path(folder)
    if not path.is_dir():
        return None
    found = sorted((p for p in path.iterdir() if p.name.isdigit()), key=lambda p: int(p.name))
    return found[-1] if found else None
