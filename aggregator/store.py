"""The store behind the aggregator: one small interface, an embedded pyoxigraph implementation.

The crawler only ever asks a store for three things (:class:`GraphStore`): the statements of one
named graph, to *commit* a :class:`Batch` of graph replacements and additions, and to drop graphs.
Readers ask for SPARQL answers. :class:`~pios_ld.aggregator.external.ExternalStore` implements the
same interface on a SPARQL 1.1 server (Graph Store Protocol and SPARQL Update).

:class:`OxigraphStore` keeps two RocksDB stores on disk (``docs/decisions/0005-two-datasets.md``):

- the **national** dataset (``store/``): one named graph per node with its current state, and the
  reference data. It holds nothing else, so SPARQL's default graph is the union of its named
  graphs (``use_default_graph_as_union``), with no second copy of any statement;
- the **history** dataset (``history/``): every version read from the feeds as its default graph,
  and the crawl log (PROV) as the named graph :data:`~pios_ld.aggregator.crawllog.CRAWL_LOG`.

pyoxigraph lets one process open a store folder for writing, and opening it read-only while
another process writes is undefined, so the writer publishes *snapshots* (cheap RocksDB
checkpoints made of hard links, see ``docs/decisions/0004-aggregator-store-and-processes.md``):
query workers open the newest snapshot read-only and never see the live databases.

Statements are stored without blank nodes in the node graphs (the crawler skolemises them, see
:mod:`pios_ld.aggregator.records`), so a replacement is a small difference: the statements that
went away and the ones that came, in one SPARQL update, which pyoxigraph applies atomically.
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
from pios_ld.aggregator.crawllog import CRAWL_LOG, HISTORY

#: Above this many added statements (and nothing removed) a commit loads in bulk.
BULK_THRESHOLD = 20_000
_NT = ox.RdfFormat.N_TRIPLES
#: Seconds an outdated snapshot stays on disk for readers that still have it open.
SNAPSHOT_GRACE = 300.0
#: The two datasets, as folder names inside a snapshot.
NATIONAL, HISTORY_DATASET = "national", "history"
DATASETS = (NATIONAL, HISTORY_DATASET)
_DEFAULT = ox.DefaultGraph()


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

    def query(self, sparql: str, dataset: str = "national", **options):  # pragma: no cover
        raise NotImplementedError


def _data_block(quads: Iterable[ox.Quad]) -> str:
    by_graph: dict[str, list[str]] = {}
    for q in quads:
        name = "" if isinstance(q.graph_name, ox.DefaultGraph) else str(q.graph_name)
        by_graph.setdefault(name, []).append(f"{q.subject} {q.predicate} {q.object} .")
    return " ".join(f"GRAPH {g} {{ {' '.join(lines)} }}" if g else " ".join(lines)
                    for g, lines in by_graph.items())


class OxigraphStore(GraphStore):
    """The embedded store: the national and the history dataset, each a pyoxigraph RocksDB
    folder, plus read-only snapshots of both for readers."""

    def __init__(self, folder: str | os.PathLike, snapshots: str | os.PathLike | None = None,
                 keep: int = 3, history: str | os.PathLike | None = None) -> None:
        self.folder = Path(folder)
        self.history_folder = Path(history) if history else self.folder.parent / "history"
        self.snapshots = Path(snapshots) if snapshots else self.folder.parent / "snapshots"
        self.keep = keep
        self._store = ox.Store(str(self.folder))
        self._history = ox.Store(str(self.history_folder))
        self._lock = threading.Lock()
        #: how many commits changed something since this store was opened
        self.writes = 0
        self._move_records_out()

    # -- reading -----------------------------------------------------------------------------
    def graph(self, graph: str) -> list[ox.Quad]:
        if graph == HISTORY:  # the history dataset's default graph, named as in a dump
            name = ox.NamedNode(HISTORY)
            return [ox.Quad(q.subject, q.predicate, q.object, name)
                    for q in self._history.quads_for_pattern(None, None, None, _DEFAULT)]
        store = self._history if graph == CRAWL_LOG else self._store
        return list(store.quads_for_pattern(None, None, None, ox.NamedNode(graph)))

    def _empty(self, graph: str) -> bool:
        return next(iter(self._store.quads_for_pattern(None, None, None, ox.NamedNode(graph))),
                    None) is None

    def query(self, sparql: str, dataset: str = NATIONAL, **options):
        """Answer *sparql* on one dataset: the national one's default graph is the union of its
        named graphs (unless *options* name a ``default_graph``), the history's is every version."""
        if dataset == HISTORY_DATASET:
            return self._history.query(sparql, **options)
        if "default_graph" not in options:
            options["use_default_graph_as_union"] = True
        return self._store.query(sparql, **options)

    def __len__(self) -> int:
        return len(self._store) + len(self._history)

    # -- writing -----------------------------------------------------------------------------
    def commit(self, batch: Batch) -> bool:
        """Apply *batch*: the node graphs (and reference data) to the national dataset, history
        and crawl log to the history dataset, in that order.

        Replacing graphs that already hold statements is one SPARQL update (atomic). A batch that
        only adds (a first crawl, new history) is written with ``extend`` (atomic) or, when large,
        loaded in bulk: if that is interrupted, nothing that was there is lost and the nodes'
        crawl state is not recorded, so the next crawl writes the same statements again (adding
        a statement that is there already changes nothing).
        """
        extra = {g for g, _ in batch.append_nt} - {HISTORY, CRAWL_LOG}
        if extra:  # checked before anything is written
            raise ValueError(f"N-Triples can only be appended to the history: {sorted(extra)}")
        with self._lock:
            national = self._commit_national(batch)
            records = self._commit_history(batch)
            if national or records:
                self.writes += 1
            return national or records

    def _commit_national(self, batch: Batch) -> bool:
        removals: list[ox.Quad] = []
        additions: dict[str, list[ox.Triple]] = {
            g: list(t) for g, t in batch.append.items() if g not in (HISTORY, CRAWL_LOG)}
        replace = dict(batch.replace)
        fresh: dict[str, bytes] = {}
        for graph, data in batch.replace_nt.items():
            if self._empty(graph):
                fresh[graph] = data
            else:
                replace[graph] = list(ox.parse(data, format=_NT))
        for graph, new in replace.items():
            old = [_triple(q) for q in self.graph(graph)]
            if not old:
                came, gone = new, []
            else:
                new_set, old_set = set(new), set(old)
                gone = [t for t in old if t not in new_set]
                came = [t for t in new_set if t not in old_set]
            if any(isinstance(x, ox.BlankNode) for t in gone for x in (t.subject, t.object)):
                raise ValueError("graphs are stored skolemised, without blank nodes")
            name = ox.NamedNode(graph)
            removals += [ox.Quad(t.subject, t.predicate, t.object, name) for t in gone]
            additions.setdefault(graph, []).extend(came)
        size = (sum(map(len, additions.values()))
                + sum(d.count(b"\n") for d in fresh.values()))
        if not (removals or size):
            return False
        if removals or size <= BULK_THRESHOLD:  # everything as objects, in one transaction
            for graph, data in fresh.items():
                additions.setdefault(graph, []).extend(ox.parse(data, format=_NT))
            quads = _quads(additions)
            if removals:
                parts = [f"DELETE DATA {{ {_data_block(removals)} }}"]
                if quads:
                    parts.append(f"INSERT DATA {{ {_data_block(quads)} }}")
                self._store.update(" ;\n".join(parts))
            else:
                self._store.extend(quads)
            return True
        # one bulk load of N-Quads: each bulk load has a large fixed cost. The statements were
        # parsed and checked by the crawler (or written by pyoxigraph), so IRIs need no second
        # check ("lenient").
        parts = [in_graph(data, graph) for graph, data in fresh.items()]
        parts += [in_graph(ox.serialize(t, format=_NT), g) for g, t in additions.items() if t]
        self._store.bulk_load(b"".join(parts), format=ox.RdfFormat.N_QUADS, lenient=True)
        return True

    def _commit_history(self, batch: Batch) -> bool:
        versions = [data for graph, data in batch.append_nt if graph == HISTORY and data]
        log = list(batch.append.get(CRAWL_LOG, ()))
        for graph, data in batch.append_nt:
            if graph == CRAWL_LOG:
                log.extend(ox.parse(data, format=_NT))
        name = ox.NamedNode(CRAWL_LOG)
        quads = [ox.Quad(t.subject, t.predicate, t.object, name) for t in log]
        quads += [ox.Quad(t.subject, t.predicate, t.object) for t in batch.append.get(HISTORY, ())]
        if not (versions or quads):
            return False
        size = sum(d.count(b"\n") for d in versions)
        if size > BULK_THRESHOLD:
            self._history.bulk_load(b"".join(versions), format=_NT, lenient=True)
            self._history.extend(quads)
        else:
            for data in versions:
                quads.extend(ox.Quad(t.subject, t.predicate, t.object)
                             for t in ox.parse(data, format=_NT))
            self._history.extend(quads)
        return True

    def drop(self, graphs: Iterable[str]) -> None:
        """Remove whole node graphs (of nodes no longer registered)."""
        with self._lock:
            dropped = False
            for graph in graphs:
                name = ox.NamedNode(graph)
                if self._store.contains_named_graph(name):
                    self._store.remove_graph(name)
                    dropped = True
            if dropped:
                self.writes += 1

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

    def _move_records_out(self) -> None:
        """Bring a store written by an earlier version to this layout: the history and crawl
        log move to the history dataset, and the copy of the node graphs that the default graph
        used to hold is removed (the default graph is now the union of the named graphs)."""
        moved = False
        for graph in (HISTORY, CRAWL_LOG):
            name = ox.NamedNode(graph)
            if not self._store.contains_named_graph(name):
                continue
            target = _DEFAULT if graph == HISTORY else name
            self._history.extend(ox.Quad(q.subject, q.predicate, q.object, target)
                                 for q in self._store.quads_for_pattern(None, None, None, name))
            self._store.remove_graph(name)
            moved = True
        if next(iter(self._store.quads_for_pattern(None, None, None, _DEFAULT)), None) is not None:
            self._store.clear_graph(_DEFAULT)
            moved = True
        if moved:
            self._history.flush()
            self._store.flush()

    # -- snapshots for readers ---------------------------------------------------------------
    def snapshot(self) -> Path:
        """Publish both datasets as one read-only snapshot; returns its folder, which holds
        ``national/`` and ``history/``."""
        with self._lock:
            self.snapshots.mkdir(parents=True, exist_ok=True)
            stamp = f"{time.time_ns()}"
            partial = self.snapshots / f".{stamp}"
            partial.mkdir()
            for store, name in ((self._store, NATIONAL), (self._history, HISTORY_DATASET)):
                store.flush()
                store.backup(str(partial / name))
            target = self.snapshots / stamp
            partial.rename(target)  # readers only ever see complete snapshots
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
        """Flush and let go of both stores; closing again does nothing."""
        if not hasattr(self, "_store"):
            return
        self._store.flush()
        self._history.flush()
        del self._store
        del self._history


def _quads(additions: dict[str, list[ox.Triple]]) -> list[ox.Quad]:
    quads = []
    for graph, triples in additions.items():
        name = ox.NamedNode(graph)
        quads += [ox.Quad(t.subject, t.predicate, t.object, name) for t in triples]
    return quads


def latest_snapshot(folder: str | os.PathLike) -> Path | None:
    """The newest complete snapshot in *folder* (one with both datasets, or an external store's
    manifest ``<time>.json``), or None."""
    path = Path(folder)
    if not path.is_dir():
        return None
    found = sorted((p for p in path.iterdir() if (p.name.isdigit()
                    and all((p / name).is_dir() for name in DATASETS))
                    or (p.suffix == ".json" and p.stem.isdigit())),
                   key=lambda p: int(p.name.removesuffix(".json")))
    return found[-1] if found else None


def is_manifest(snapshot: str | os.PathLike) -> bool:
    """True for an external store's manifest (:mod:`pios_ld.aggregator.external`)."""
    return str(snapshot).endswith(".json")


def open_snapshot(snapshot: str | os.PathLike, dataset: str = NATIONAL, connection=None):
    """Open one dataset of a snapshot read-only: a pyoxigraph store, or for an external store's
    manifest a :class:`~pios_ld.aggregator.external.RemoteDataset` (on *connection*, by default
    the one the instance's settings name)."""
    if dataset not in DATASETS:
        raise ValueError(f"unknown dataset {dataset!r}")
    if is_manifest(snapshot):
        from pios_ld.aggregator.external import open_manifest

        return open_manifest(snapshot, dataset, connection)
    return ox.Store.read_only(str(Path(snapshot) / dataset))
