"""The crawler: fetch every node, screen what it says, and commit it node by node.

For each node (concurrently, at most ``per_host`` requests to one host at a time):

1. **Feed first.** A conditional GET of the newest feed page read last time; ``304`` means the
   node is unchanged and costs nothing more (no store write). Otherwise the crawler follows the
   page's TREE links to pages it has not read yet (full pages never change, so each is read
   once) and collects the versions it has not seen; they go to the history graph.
2. **Catalog** (all its ``next`` pages), when the feed changed, or is missing or broken (then it
   is a conditional GET of its own). It is parsed with the locked document loader and screened
   (:mod:`pios_ld.aggregator.records`): authority, validation, quarantine, skolemisation.
3. **Commit** in one transaction: the node's graph is replaced by its valid records, a record that
   was valid before and is now refused keeps its last valid version marked ``agg:stale``, and the
   crawl log gets a PROV activity. A fetch or parse failure writes only the log: the last good
   data stays.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox
import requests
from pios_ld.aggregator import crawllog, digest, records
from pios_ld.aggregator.registry import Node, Registry, now
from pios_ld.aggregator.store import Batch, GraphStore

from pios_ld.errors import FetchError, PiosError
from pios_ld.fetch import Fetched, Limits, fetch, guarded_session

log = logging.getLogger("pios_ld.aggregator.crawler")

ACCEPT = ("application/ld+json, text/turtle;q=0.9, application/n-triples;q=0.8, "
          "application/n-quads;q=0.8, application/trig;q=0.7")
#: Outcomes are committed together until they hold about this many statements.
COMMIT_GROUP = 400_000
#: Most catalog pages followed through ``next``.
MAX_CATALOG_PAGES = 1000


@dataclass
class Outcome:
    """What one crawl of one node found, and what to commit for it."""

    node: Node
    started: str
    status: str = "unchanged"  # unchanged | updated | failed | refused
    http_status: int | None = None
    etag: str | None = None
    initiatives: int = 0
    quarantined: list[records.Problem] = field(default_factory=list)
    dropped: list[records.Problem] = field(default_factory=list)
    warnings: list[dict] = field(default_factory=list)
    stale: list[str] = field(default_factory=list)
    errors: list[records.Problem] = field(default_factory=list)
    versions: int = 0
    requests: int = 0
    batch: Batch = field(default_factory=Batch)
    state: dict[str, Any] = field(default_factory=dict)
    feed_pages: list[str] = field(default_factory=list)
    feed_members: list[str] = field(default_factory=list)
    reset_feed: bool = False
    finished: str = ""

    def size(self) -> int:
        """Roughly how many statements this outcome writes."""
        return self.batch.size()

    def summary(self) -> dict[str, Any]:
        return {
            "node": self.node.id, "url": self.node.url, "status": self.status,
            "http": self.http_status, "etag": self.etag, "initiatives": self.initiatives,
            "quarantined": [p.as_dict() for p in self.quarantined],
            "dropped": [p.as_dict() for p in self.dropped],
            "errors": [p.as_dict() for p in self.errors],
            "warnings": self.warnings, "stale": self.stale, "versions": self.versions,
            "requests": self.requests,
        }


def _problem(kind: str, exc: PiosError | str, subject: str | None = None) -> records.Problem:
    if isinstance(exc, PiosError):
        return records.Problem(kind, subject, exc.message_sv, exc.message)
    return records.Problem(kind, subject, exc, exc)


class Crawler:
    """Crawls the registered nodes of one instance into one store."""

    def __init__(self, registry: Registry, store: GraphStore, settings: dict[str, Any]) -> None:
        self.registry = registry
        self.store = store
        self.settings = settings
        self.limits = Limits(max_bytes=int(settings["fetch_max_bytes"]),
                             deadline=float(settings["fetch_timeout"]),
                             read_timeout=min(20.0, float(settings["fetch_timeout"])))
        self._pool: ProcessPoolExecutor | None = None
        self._pool_broken = False
        self._pool_lock = threading.Lock()
        self._hosts: dict[str, threading.Semaphore] = {}
        self._hosts_lock = threading.Lock()
        self._local = threading.local()

    def _digest(self, fn: Callable[..., dict[str, Any]], *args: Any) -> dict[str, Any]:
        """Run a :mod:`digest` function in the worker processes (or here when there are none)."""
        processes = int(self.settings.get("crawl_processes", 0))
        if processes <= 0 or self._pool_broken:
            return digest.raise_if_error(fn(*args))
        with self._pool_lock:
            if self._pool is None:
                self._pool = ProcessPoolExecutor(
                    max_workers=processes, mp_context=multiprocessing.get_context("spawn"),
                    initializer=digest.watch_parent, initargs=(os.getpid(),))
            pool = self._pool
        try:
            return digest.raise_if_error(pool.submit(fn, *args).result())
        except BrokenProcessPool:
            # The workers could not start (e.g. the main program cannot be re-imported by a
            # spawned process, as with code read from stdin): do the work in this thread.
            log.warning("crawl worker processes unavailable; parsing in the crawling threads")
            self._pool_broken = True
            return digest.raise_if_error(fn(*args))

    def close(self) -> None:
        with self._pool_lock:
            if self._pool is not None:
                self._pool.shutdown(wait=True, cancel_futures=True)
                self._pool = None

    # -- orchestration -----------------------------------------------------------------------
    def crawl(self, node_ids: Iterable[int] | None = None,
              progress: Callable[[Outcome], None] | None = None) -> list[Outcome]:
        """Crawl the given nodes (all by default) and commit each as it finishes."""
        wanted = set(node_ids) if node_ids is not None else None
        nodes = [n for n in self.registry.nodes() if wanted is None or n.id in wanted]
        removed = self.registry.removed_graphs()
        if removed:
            self.store.drop(removed)
            self.registry.forget_removed(removed)
        outcomes: list[Outcome] = []
        pending: list[Outcome] = []
        pending_size = 0
        workers = max(1, min(int(self.settings["crawl_workers"]), len(nodes) or 1))
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="crawl") as pool:
            futures = [pool.submit(self.crawl_node, node) for node in nodes]
            for future in as_completed(futures):
                pending.append(future.result())
                pending_size += pending[-1].size()
                if pending_size >= COMMIT_GROUP:
                    self.commit_many(pending, progress)
                    outcomes += pending
                    pending, pending_size = [], 0
            if pending:
                self.commit_many(pending, progress)
                outcomes += pending
        return outcomes

    def commit_many(self, outcomes: list[Outcome],
                    progress: Callable[[Outcome], None] | None = None) -> None:
        """Commit several nodes' outcomes in one store write (each node's part stays whole)."""
        combined = Batch()
        for outcome in outcomes:
            self._log(outcome)
            combined.merge(outcome.batch)
        self.store.commit(combined)
        for outcome in outcomes:
            outcome.batch = Batch()  # written: let the statements go
        unchanged = [o for o in outcomes if o.status == "unchanged" and not o.errors
                     and not o.state and not o.feed_members]
        if unchanged:  # one registry transaction for all nodes that answered 304
            self.registry.update_states([(o.node.id, {
                "last_crawl_at": o.finished, "last_good_at": o.finished,
                "last_status": "unchanged", "last_http": o.http_status, "last_error": None})
                for o in unchanged])
        for outcome in outcomes:
            if not any(outcome is u for u in unchanged):
                self._record(outcome)
            if progress:
                progress(outcome)

    def commit(self, outcome: Outcome) -> None:
        """Write one node's outcome: store first (one transaction), then the registry."""
        self._log(outcome)
        self.store.commit(outcome.batch)
        outcome.batch = Batch()
        self._record(outcome)

    def _log(self, outcome: Outcome) -> None:
        """Add the crawl's PROV description to its batch (nothing for an unchanged node)."""
        node = outcome.node
        outcome.finished = finished = now()
        if outcome.status != "unchanged":
            problems = outcome.errors + outcome.quarantined + outcome.dropped
            outcome.batch.add(crawllog.CRAWL_LOG, crawllog.statements(
                node.graph, [node.catalog_url, node.feed_url or ""], outcome.started, finished,
                outcome.status, outcome.http_status, outcome.etag,
                {"initiatives": outcome.initiatives, "quarantined": len(outcome.quarantined),
                 "stale": len(outcome.stale), "dropped": len(outcome.dropped),
                 "warnings": len(outcome.warnings), "versions": outcome.versions},
                problems, generated=node.graph in outcome.batch.replace
                or node.graph in outcome.batch.replace_nt))

    def _record(self, outcome: Outcome) -> None:
        """After the store write: the registry's crawl state and the crawl summary."""
        node, finished = outcome.node, outcome.finished
        if outcome.reset_feed:
            self.registry.reset_feed(node.id)
        if outcome.feed_pages or outcome.feed_members:
            self.registry.record_feed(node.id, outcome.feed_pages, outcome.feed_members)
        state = {**outcome.state, "last_crawl_at": finished, "last_status": outcome.status,
                 "last_http": outcome.http_status,
                 "last_error": outcome.errors[0].message_en if outcome.errors else None}
        if outcome.status != "failed":
            state["last_good_at"] = finished
        if outcome.status == "updated":
            state.update(last_change_at=finished, initiatives=outcome.initiatives,
                         quarantined=len(outcome.quarantined), stale=len(outcome.stale),
                         warnings=len(outcome.warnings))
        self.registry.update_state(node.id, **state)
        if outcome.status != "unchanged" or outcome.errors:
            self.registry.add_crawl(node.id, outcome.started, finished, outcome.status,
                                    outcome.http_status, outcome.summary())

    # -- one node ----------------------------------------------------------------------------
    def crawl_node(self, node: Node) -> Outcome:
        """Fetch and screen one node; nothing is written here (see :meth:`commit`)."""
        outcome = Outcome(node=node, started=now())
        try:
            feed_changed = self._follow_feed(node, outcome) if node.feed_url else None
        except PiosError as exc:
            outcome.errors.append(_problem("feed", exc, node.feed_url))
            feed_changed = None
        if feed_changed is False:
            return outcome
        try:
            self._read_catalog(node, outcome, conditional=feed_changed is None)
        except PiosError as exc:
            outcome.status = "failed"
            outcome.errors.append(_problem("fetch", exc, node.catalog_url))
        if outcome.status == "unchanged" and outcome.feed_members:
            outcome.status = "updated"  # new versions for the history, catalog unchanged
        if outcome.status == "unchanged" and outcome.errors:
            outcome.status = "failed"
        return outcome

    def _session(self) -> requests.Session:
        session = getattr(self._local, "session", None)
        if session is None:
            session = self._local.session = (
                requests.Session() if self.limits.allow_private else guarded_session())
        return session

    def _get(self, node: Node, url: str, outcome: Outcome, headers: dict[str, str] | None = None
             ) -> Fetched:
        host = node.host
        with self._hosts_lock:
            gate = self._hosts.setdefault(host, threading.Semaphore(int(self.settings["per_host"])))
        with gate:
            outcome.requests += 1
            return fetch(url, headers={"Accept": ACCEPT, **(headers or {})}, limits=self.limits,
                         session=self._session())

    @staticmethod
    def _conditional(etag: str | None, last_modified: str | None) -> dict[str, str]:
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        return headers

    def _follow_feed(self, node: Node, outcome: Outcome) -> bool:
        """Read new feed versions into the history; False when the feed is unchanged."""
        state = node.state
        start = state.get("feed_page") or node.feed_url
        visited: set[str] = set()
        seen: set[str] = set()
        headers = self._conditional(state.get("feed_etag"), state.get("feed_last_modified")) \
            if state.get("feed_page") else {}
        queue, queued = deque([start]), {start}
        newest: tuple[str, str | None, str | None] | None = None
        members: list[str] = []
        history: list[bytes] = []
        pages = 0
        while queue and pages < int(self.settings["feed_max_pages"]):
            url = queue.popleft()
            fetched = self._get(node, url, outcome, headers if pages == 0 else None)
            pages += 1
            if pages == 1 and fetched.status == 304:
                outcome.http_status = 304
                return False
            if pages == 1:  # something changed: now read where this node's feed stopped
                visited = self.registry.feed_pages(node.id)
                seen = self.registry.seen_members(node.id)
            if fetched.status != 200:
                raise FetchError(f"The feed page {url} answered HTTP {fetched.status}.",
                                 f"Flödessidan {url} svarade HTTP {fetched.status}.")
            page = self._digest(digest.feed_page, fetched.content, fetched.media_type,
                                fetched.url, frozenset(seen), node.prefixes, node.org_iri)
            cache_control = fetched.headers.get("cache-control", "")
            if page["immutable"] or "immutable" in cache_control:
                outcome.feed_pages.append(url)
            else:
                newest = (url, fetched.headers.get("etag"), fetched.headers.get("last-modified"))
            seen.update(page["members"])
            members += page["members"]
            outcome.dropped += page["dropped"]
            if page["history"]:
                history.append(page["history"])
            for link in page["links"]:
                if link not in visited and link not in queued:
                    queued.add(link)
                    queue.append(link)
        if newest:
            outcome.state.update(feed_page=newest[0], feed_etag=newest[1],
                                 feed_last_modified=newest[2])
        outcome.feed_members = members
        if history:
            outcome.batch.append_nt.append((crawllog.HISTORY, b"".join(history)))
            outcome.versions = len(members)
        return bool(members)

    def _read_catalog(self, node: Node, outcome: Outcome, conditional: bool) -> None:
        state = node.state
        headers = self._conditional(state.get("catalog_etag"),
                                    state.get("catalog_last_modified")) if conditional else {}
        url, documents, pages = node.catalog_url, [], 0
        while url and pages < MAX_CATALOG_PAGES:
            fetched = self._get(node, url, outcome, headers if pages == 0 else None)
            if pages == 0:
                outcome.http_status = fetched.status
                outcome.etag = fetched.headers.get("etag")
                if fetched.status == 304:
                    return
                if fetched.status != 200:
                    raise FetchError(f"The catalog {url} answered HTTP {fetched.status}.",
                                     f"Katalogen {url} svarade HTTP {fetched.status}.")
                first = fetched
            elif fetched.status != 200:
                raise FetchError(f"The catalog page {url} answered HTTP {fetched.status}.",
                                 f"Katalogsidan {url} svarade HTTP {fetched.status}.")
            documents.append((fetched.content, fetched.media_type, fetched.url))
            pages += 1
            url = self._digest(digest.next_catalog_page, fetched.content, fetched.media_type,
                               fetched.url)["next"]
        screened = self._digest(digest.catalog, documents, node.org_iri, node.prefixes,
                                int(self.settings["max_record_triples"]))
        outcome.dropped.extend(screened["dropped"])
        if screened["refused"]:
            outcome.status = "refused"
            outcome.errors.append(screened["refused"])
            return
        outcome.quarantined = screened["quarantined"]
        outcome.warnings = screened["warnings"]
        refused = {p.subject for p in outcome.quarantined if p.subject}
        previous = records.records_of(self.store.graph(node.graph)) if refused else {}
        if refused & previous.keys():
            graph = list(ox.parse(screened["graph"], format=ox.RdfFormat.N_TRIPLES))
            for iri in sorted(refused & previous.keys()):
                graph.extend(t for t in previous[iri] if t.predicate != records.STALE)
                graph.append(records.stale_marker(iri))
                outcome.stale.append(iri)
            outcome.batch.replace_graph(node.graph, graph)
        else:
            outcome.batch.replace_nt[node.graph] = screened["graph"]
        outcome.initiatives = screened["records"] + len(outcome.stale)
        outcome.status = "updated"
        outcome.state.update(catalog_etag=first.headers.get("etag"),
                             catalog_last_modified=first.headers.get("last-modified"))


def outcome_line(outcome: Outcome) -> str:
    """One line about an outcome, for the terminal."""
    org = outcome.node.organization
    name = org.name if org else outcome.node.org_iri
    extra = f", {len(outcome.quarantined)} quarantined" if outcome.quarantined else ""
    extra += f", {len(outcome.stale)} stale" if outcome.stale else ""
    extra += (": " + "; ".join(e.message_en for e in outcome.errors)) if outcome.errors else ""
    return (f"{name} ({outcome.node.url}): {outcome.status}, HTTP {outcome.http_status}, "
            f"{outcome.initiatives} initiatives{extra}")


def timed(fn: Callable[[], Any]) -> tuple[Any, float]:
    started = time.perf_counter()
    return fn(), time.perf_counter() - started
