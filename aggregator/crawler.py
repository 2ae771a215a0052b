"""The crawler: fetch every node, screen what it says, and commit it node by node.

For each node (concurrently, at most ``per_host`` requests to one host at a time):

1. **Feed first.** A conditional GET of the newest feed page read last time; ``304`` means the
   node is unchanged and costs nothing more (no store write). Otherwise the crawler follows the
   page's TREE links to pages it has not read yet (full pages never change, so each is read
   once) and collects the versions it has not seen; they go to the history graph.
2. **Catalog** (all its ``next`` pages), when the feed changed, or is missing or broken (then it
   is a conditional GET of its own). It is parsed with the locked document loader and screened
   (:mod:`pios_ld.aggregator.records`): authority, validation, quarantine, skolemisation.
3. **Commit** in one transaction, as soon as the node is done (nodes that finish while another
   commit runs are committed together, each node's part whole): the node's graph is replaced by
   its valid records, a record that was valid before and is now refused keeps its last valid
   version marked ``agg:stale``, and the crawl log gets a PROV activity. A fetch or parse
   failure writes only the log: the last good data stays.

Bounds, so that no node can stall a crawl or flood the store (``docs/aggregator.md``): every
fetch has a deadline that shuts its socket down (:mod:`pios_ld.fetch`); one node's crawl has one
time budget (``node_time_budget``) and one byte budget (``node_max_bytes``) over all its pages and
their screening; each screening job in the worker processes has a time limit
(``screen_timeout``, :mod:`~pios_ld.aggregator.workerpool`); a ``Retry-After`` (429/503) is
waited for up to ``retry_after_max``; records over ``max_record_triples`` are refused before
they are validated, and at most ``max_problems`` problems are kept per crawl of a node.

**Data safety**: a catalog that suddenly lists far fewer initiatives than the last good crawl
(``hold_shrink``, ``hold_min_loss``) is *held*: the records it no longer lists stay, the node's
state says ``held``, and the deletions go ahead only once the publisher confirms them
(``pios aggregator confirm-deletions``) or ``hold_repeats`` consecutive crawls find the same.
"""

from __future__ import annotations

import json
import logging
import queue
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from typing import Any

import pyoxigraph as ox
import requests
from pios_ld.aggregator import crawllog, digest, holding, records
from pios_ld.aggregator.outcome import Outcome, outcome_line, problem  # noqa: F401 - re-exported
from pios_ld.aggregator.registry import Node, Registry, now
from pios_ld.aggregator.store import Batch, GraphStore
from pios_ld.aggregator.workerpool import JobTimeout, PoolUnavailable, WorkerCrashed, WorkerPool

from pios_ld.errors import (
    BudgetError,
    FetchError,
    FetchTimeoutError,
    PiosError,
    ScreeningError,
    TooLargeError,
)
from pios_ld.fetch import Fetched, Limits, fetch, new_session, retry_after
from pios_ld.settings import Settings

log = logging.getLogger("pios_ld.aggregator.crawler")

ACCEPT = ("application/ld+json, text/turtle;q=0.9, application/n-triples;q=0.8, "
          "application/n-quads;q=0.8, application/trig;q=0.7")
#: Outcomes that finish while a commit runs are committed together up to about this many
#: statements.
COMMIT_GROUP = 400_000
#: Documents up to this size are read in the crawling thread, not in a worker process.
INLINE_BYTES = 64 * 1024
#: Most unread feed pages remembered for the next crawl when a node's budget runs out.
FRONTIER = 1000
#: How many times one request is repeated after a Retry-After.
RETRIES = 2


def _frontier(text: str | None) -> list[str]:
    try:
        found = json.loads(text) if text else []
    except ValueError:
        return []
    return [u for u in found if isinstance(u, str)] if isinstance(found, list) else []


def _steady_malloc() -> None:
    """Have glibc return large freed buffers (fetched documents) to the system at once.

    By default glibc raises its mmap threshold after a large buffer is freed, so that later
    buffers of up to 32 MiB come from the per-thread arenas and stay there after use: with many
    crawling threads each reading large documents, the crawl's memory grows to several times
    what it holds at any moment. A fixed threshold keeps it close to that. Elsewhere: nothing."""
    try:
        import ctypes

        libc = ctypes.CDLL("libc.so.6")
        libc.mallopt(-3, 256 * 1024)  # M_MMAP_THRESHOLD
    except (OSError, AttributeError):
        pass


class Crawler:
    """Crawls the registered nodes of one instance into one store."""

    def __init__(self, registry: Registry, store: GraphStore, settings: Settings) -> None:
        """*settings*: the instance's, resolved and typed (:mod:`pios_ld.aggregator.settings`)."""
        _steady_malloc()
        self.registry = registry
        self.store = store
        self.settings = settings
        self.limits = Limits(max_bytes=settings["fetch_max_bytes"],
                             deadline=settings["fetch_timeout"],
                             read_timeout=min(20.0, settings["fetch_timeout"]))
        processes = settings["crawl_processes"]
        memory = settings["screen_max_memory"] * 2**20
        self.pool = WorkerPool(processes, memory or None) if processes > 0 else None
        self.max_problems = settings["max_problems"]
        #: called after a commit, at most every ``crawl_publish_interval`` seconds of a crawl
        self.on_commit: Callable[[], None] | None = None
        self._published = 0.0
        self._hosts: dict[str, threading.Semaphore] = {}
        self._hosts_lock = threading.Lock()
        self._local = threading.local()

    def _digest(self, outcome: Outcome, what: str, size: int,
                fn: Callable[..., dict[str, Any]], *args: Any) -> dict[str, Any]:
        """Run a :mod:`digest` function on *size* bytes of documents in a worker process, within
        the screening time limit and the node's budget. Small documents (a feed page, a catalog
        page's link) are read here: that takes milliseconds, and a node with a thousand pages
        then does not queue a thousand jobs in front of everyone else's. Without worker
        processes everything is read here, with no time limit."""
        if self.pool is None or self.pool.broken or size <= INLINE_BYTES:
            return fn(*args)
        if time.monotonic() >= outcome.deadline:
            raise self._over_budget(outcome, "node_time_budget")
        limit = self.settings["screen_timeout"]
        try:
            return self.pool.run(fn, *args, timeout=limit, until=outcome.deadline)
        except JobTimeout as exc:
            if time.monotonic() >= outcome.deadline - 0.05:
                raise self._over_budget(outcome, "node_time_budget") from exc
            raise ScreeningError(
                f"Checking {records.quote(what)} took longer than {limit:g} s "
                "(screen_timeout); it was stopped.",
                f"Kontrollen av {records.quote(what)} tog längre tid än {limit:g} s "
                "(screen_timeout) och avbröts.") from exc
        except WorkerCrashed as exc:
            raise ScreeningError(
                f"Checking {records.quote(what)} failed: {records.quote(str(exc))}.",
                f"Kontrollen av {records.quote(what)} misslyckades: "
                f"{records.quote(str(exc))}.") from exc
        except PoolUnavailable:
            log.warning("crawl worker processes unavailable; parsing in the crawling threads")
            return fn(*args)

    def close(self) -> None:
        if self.pool is not None:
            self.pool.close()

    # -- orchestration -----------------------------------------------------------------------
    def crawl(self, node_ids: Iterable[int] | None = None,
              progress: Callable[[Outcome], None] | None = None) -> list[Outcome]:
        """Crawl the given nodes (all by default) and commit each as soon as it is done."""
        wanted = set(node_ids) if node_ids is not None else None
        nodes = [n for n in self.registry.nodes() if wanted is None or n.id in wanted]
        removed = self.registry.removed_graphs()
        if removed:
            self.store.drop(removed)
            self.registry.forget_removed(removed)
        outcomes: list[Outcome] = []
        done: queue.Queue[Outcome] = queue.Queue()
        workers = max(1, min(self.settings["crawl_workers"], len(nodes) or 1))
        self._published = time.monotonic()
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="crawl") as pool:
            for node in nodes:
                pool.submit(self._crawl_into, node, done)
            while len(outcomes) < len(nodes):
                group = [done.get()]
                size = group[0].size()
                while size < COMMIT_GROUP:  # those that finished meanwhile go along
                    try:
                        group.append(done.get_nowait())
                    except queue.Empty:
                        break
                    size += group[-1].size()
                self.commit_many(group, progress)
                outcomes += group
                self._publish()
        return outcomes

    def _crawl_into(self, node: Node, done: queue.Queue[Outcome]) -> None:
        try:
            outcome = self.crawl_node(node)
        except Exception as exc:  # noqa: BLE001 - one node's bug must not stop the crawl
            log.exception("crawling %s failed", node.url)
            outcome = Outcome(node=node, started=now(), status="failed")
            outcome.errors.append(problem("fetch", f"{type(exc).__name__}: "
                                                    f"{records.quote(str(exc))}"))
        done.put(outcome)

    def _publish(self) -> None:
        interval = self.settings["crawl_publish_interval"]
        if self.on_commit is None or time.monotonic() - self._published < interval:
            return
        self._published = time.monotonic()
        try:
            self.on_commit()
        except Exception:  # noqa: BLE001 - publishing again at the end of the crawl
            log.exception("publishing a snapshot during the crawl failed")

    def commit_many(self, outcomes: list[Outcome],
                    progress: Callable[[Outcome], None] | None = None) -> None:
        """Commit several nodes' outcomes in one store write (each node's part stays whole)."""
        combined = Batch()
        for outcome in outcomes:
            self._log(outcome)
            combined.merge(outcome.batch)
        try:
            self.store.commit(combined)
        except Exception:
            if len(outcomes) == 1:
                raise
            for outcome in outcomes:  # find the one that cannot be written; the others go in
                try:
                    self.store.commit(outcome.batch)
                except Exception as exc:  # noqa: BLE001 - that node fails, the crawl goes on
                    log.exception("writing %s failed", outcome.node.url)
                    outcome.status = "failed"
                    outcome.errors.append(problem("store", f"{type(exc).__name__}: "
                                                            f"{records.quote(str(exc))}"))
                    outcome.state, outcome.feed_pages, outcome.feed_members = {}, [], []
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

    def _log(self, outcome: Outcome) -> None:
        """Add the crawl's PROV description to its batch (nothing for an unchanged node)."""
        node = outcome.node
        outcome.finished = finished = now()
        if outcome.status != "unchanged":
            problems, omitted = outcome.problems(self.max_problems)
            counts = {"initiatives": outcome.initiatives,
                      "quarantined": outcome.quarantined_count, "stale": len(outcome.stale),
                      "dropped": outcome.dropped_count, "warnings": outcome.warnings_count,
                      "versions": outcome.versions,
                      "repeatedVersions": outcome.repeated_versions, "omittedProblems": omitted}
            slow = {"declinedDocuments": outcome.declined_documents,
                    "pyshaclRecords": outcome.pyshacl_records}
            counts.update((k, v) for k, v in slow.items() if v)
            if outcome.held:
                counts.update(listedInitiatives=outcome.held["listed"],
                              heldCrawls=outcome.held["crawls"])
            outcome.batch.add(crawllog.CRAWL_LOG, crawllog.statements(
                node.graph, [node.catalog_url, node.feed_url or ""], outcome.started, finished,
                outcome.status, outcome.http_status, outcome.etag, counts,
                problems, generated=node.graph in outcome.batch.replace
                or node.graph in outcome.batch.replace_nt))

    def _record(self, outcome: Outcome) -> None:
        """After the store write: the registry's crawl state and the crawl summary."""
        node, finished = outcome.node, outcome.finished
        if outcome.reset_feed:
            self.registry.reset_feed(node.id)
        if outcome.feed_pages or outcome.feed_members:
            self.registry.record_feed(node.id, outcome.feed_pages, outcome.feed_members,
                                      outcome.history_heads)
        state = {**outcome.state, "last_crawl_at": finished, "last_status": outcome.status,
                 "last_http": outcome.http_status,
                 "last_error": records.quote(outcome.errors[0].message_en, 1000)
                 if outcome.errors else None}
        if outcome.status != "failed":
            state["last_good_at"] = finished
        if outcome.status in ("updated", "held"):
            state.update(last_change_at=finished, initiatives=outcome.initiatives,
                         quarantined=outcome.quarantined_count, stale=len(outcome.stale),
                         warnings=outcome.warnings_count)
        self.registry.update_state(node.id, **state)
        if outcome.status != "unchanged" or outcome.errors:
            self.registry.add_crawl(node.id, outcome.started, finished, outcome.status,
                                    outcome.http_status, outcome.summary(self.max_problems))

    # -- one node ----------------------------------------------------------------------------
    def crawl_node(self, node: Node) -> Outcome:
        """Fetch and screen one node; nothing is written here (see :meth:`commit`)."""
        outcome = Outcome(node=node, started=now())
        outcome.deadline = time.monotonic() + self.settings["node_time_budget"]
        outcome.bytes_left = self.settings["node_max_bytes"]
        held = bool(node.state.get("held_count")) or bool(node.state.get("deletions_confirmed"))
        try:
            feed_changed = self._follow_feed(node, outcome) if node.feed_url else None
        except PiosError as exc:
            outcome.errors.append(problem("feed", exc, records.subject_of(node.feed_url)))
            feed_changed = None
        if feed_changed is False and not held:
            return outcome
        try:
            self._read_catalog(node, outcome, conditional=feed_changed is None and not held)
        except PiosError as exc:
            outcome.status = "failed"
            outcome.errors.append(problem("fetch", exc, records.subject_of(node.catalog_url)))
        if outcome.status == "unchanged" and outcome.feed_members:
            outcome.status = "updated"  # new versions for the history, catalog unchanged
        if outcome.status == "unchanged" and outcome.errors:
            outcome.status = "failed"
        return outcome

    def _session(self) -> requests.Session:
        session = getattr(self._local, "session", None)
        if session is None:
            session = self._local.session = new_session(self.limits.allow_private)
        return session

    def _over_budget(self, outcome: Outcome, setting: str) -> BudgetError:
        """The node used up its time (``node_time_budget``) or bytes (``node_max_bytes``)."""
        budget, calls = self.settings[setting], outcome.requests
        if setting == "node_time_budget":
            en = (f"The node's time budget of {budget:g} s for one crawl (node_time_budget) was "
                  f"used up after {calls} requests")
            sv = (f"Nodens tidsbudget på {budget:g} s per genomsökning (node_time_budget) tog "
                  f"slut efter {calls} anrop")
        else:
            en = (f"The node sent more than its budget of {budget:,} bytes for one crawl "
                  f"(node_max_bytes) in {calls} requests")
            sv = (f"Noden skickade mer än sin budget på {records.count_sv(budget)} byte per "
                  f"genomsökning (node_max_bytes) på {calls} anrop")
        return BudgetError(f"{en}; its last good data stays.",
                           f"{sv}; dess senaste godkända data finns kvar.")

    def _get(self, node: Node, url: str, outcome: Outcome, headers: dict[str, str] | None = None
             ) -> Fetched:
        """GET *url* within the node's budgets, honouring a short enough ``Retry-After``."""
        host = node.host
        with self._hosts_lock:
            gate = self._hosts.setdefault(host, threading.Semaphore(self.settings["per_host"]))
        for attempt in range(RETRIES + 1):
            with gate:
                fetched = self._fetch(url, outcome, headers)
            if fetched.status not in (429, 503):
                return fetched
            wait = retry_after(fetched.headers)
            if wait is None or attempt == RETRIES:
                return fetched
            if wait > self.settings["retry_after_max"] \
                    or time.monotonic() + wait >= outcome.deadline:
                fetched.headers["x-pios-retry-after"] = f"{wait:g}"
                return fetched
            time.sleep(wait)
        return fetched  # pragma: no cover - the loop returns

    def _fetch(self, url: str, outcome: Outcome, headers: dict[str, str] | None) -> Fetched:
        if time.monotonic() >= outcome.deadline:
            raise self._over_budget(outcome, "node_time_budget")
        if outcome.bytes_left <= 0:
            raise self._over_budget(outcome, "node_max_bytes")
        limits = self.limits
        if outcome.bytes_left < limits.max_bytes:
            limits = replace(limits, max_bytes=outcome.bytes_left)
        outcome.requests += 1
        try:
            fetched = fetch(url, headers={"Accept": ACCEPT, **(headers or {})}, limits=limits,
                            session=self._session(), until=outcome.deadline)
        except FetchTimeoutError as exc:
            if time.monotonic() >= outcome.deadline - 0.01:
                raise self._over_budget(outcome, "node_time_budget") from exc
            raise
        except TooLargeError as exc:
            if limits.max_bytes < self.limits.max_bytes:
                raise self._over_budget(outcome, "node_max_bytes") from exc
            raise
        outcome.bytes += len(fetched.content)
        outcome.bytes_left -= len(fetched.content)
        return fetched

    @staticmethod
    def _answered(what_en: str, what_sv: str, url: str, fetched: Fetched) -> FetchError:
        """The error for a page that did not answer 200."""
        wait = fetched.headers.get("x-pios-retry-after")
        extra_en = extra_sv = ""
        if wait:
            extra_en = (f" and asks to wait {float(wait):g} s (Retry-After), longer than this "
                        "crawl waits (retry_after_max)")
            extra_sv = (f" och ber om {float(wait):g} s väntan (Retry-After), längre än "
                        "genomsökningen väntar (retry_after_max)")
        return FetchError(f"The {what_en} {records.quote(url)} answered HTTP "
                          f"{fetched.status}{extra_en}.",
                          f"{what_sv} {records.quote(url)} svarade HTTP {fetched.status}"
                          f"{extra_sv}.")

    @staticmethod
    def _conditional(etag: str | None, last_modified: str | None) -> dict[str, str]:
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        return headers

    def _follow_feed(self, node: Node, outcome: Outcome) -> bool:
        """Read new feed versions into the history; False when the feed is unchanged.

        When the node's budget runs out part-way, the pages and versions read so far are kept
        (the next crawl goes on from there) and the error is raised."""
        state = node.state
        frontier = _frontier(state.get("feed_frontier"))
        start = state.get("feed_page") or node.feed_url
        visited: set[str] = set()
        seen: set[str] = set()
        heads: dict[str, str] = {}
        headers = self._conditional(state.get("feed_etag"), state.get("feed_last_modified")) \
            if state.get("feed_page") and not frontier else {}
        queue_ = deque(frontier or [start])
        queued = set(queue_)
        newest: tuple[str, str | None, str | None] | None = None
        pending: str | None = None
        members: list[str] = []
        history: list[bytes] = []
        pages = 0
        try:
            while queue_ and pages < self.settings["feed_max_pages"]:
                url = pending = queue_.popleft()
                fetched = self._get(node, url, outcome, headers if pages == 0 else None)
                pages += 1
                if pages == 1 and fetched.status == 304:
                    outcome.http_status = 304
                    return False
                if pages == 1:  # something changed: now read where this node's feed stopped
                    visited = self.registry.feed_pages(node.id)
                    seen = self.registry.seen_members(node.id)
                    heads = self.registry.history_heads(node.id)
                if fetched.status != 200:
                    raise self._answered("feed page", "Flödessidan", url, fetched)
                page = self._digest(outcome, url, len(fetched.content), digest.feed_page,
                                    fetched.content,
                                    fetched.media_type, fetched.url, frozenset(seen),
                                    node.prefixes, node.org_iri,
                                    self.settings["max_record_triples"], self.max_problems,
                                    heads)
                cache_control = fetched.headers.get("cache-control", "")
                if page["immutable"] or "immutable" in cache_control:
                    outcome.feed_pages.append(url)
                else:
                    newest = (url, fetched.headers.get("etag"),
                              fetched.headers.get("last-modified"))
                seen.update(page["members"])
                members += page["members"]
                heads.update(page["heads"])
                outcome.history_heads.update(page["heads"])
                outcome.repeated_versions += page["repeated"]
                outcome.declined_documents += page["declined"]
                room = max(0, self.max_problems - len(outcome.dropped))
                outcome.dropped += page["dropped"][:room]
                outcome.dropped_count += page["dropped_count"]
                if page["history"]:
                    history.append(page["history"])
                for link in page["links"]:
                    if link not in visited and link not in queued:
                        queued.add(link)
                        queue_.append(link)
                pending = None
        finally:  # what was read stays read, also when the budget ran out
            unread = ([pending] if pending else []) + list(queue_)
            if unread and pages > 1:  # the next crawl goes on from the pages not read yet
                outcome.state["feed_frontier"] = json.dumps(unread[:FRONTIER])
            elif not unread:
                if state.get("feed_frontier"):
                    outcome.state["feed_frontier"] = None
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
        most = self.settings["catalog_max_pages"]
        while url:
            if pages >= most:
                raise FetchError(
                    f"The catalog has more than {most:,} pages (catalog_max_pages); it was not "
                    "taken in, and the node's last good data stays.",
                    f"Katalogen har fler än {records.count_sv(most)} sidor (catalog_max_pages); "
                    "den togs inte in, och nodens senaste godkända data finns kvar.")
            fetched = self._get(node, url, outcome, headers if pages == 0 else None)
            if pages == 0:
                outcome.http_status = fetched.status
                outcome.etag = fetched.headers.get("etag")
                if fetched.status == 304:
                    return
                if fetched.status != 200:
                    raise self._answered("catalog", "Katalogen", url, fetched)
                first = fetched
            elif fetched.status != 200:
                raise self._answered("catalog page", "Katalogsidan", url, fetched)
            documents.append((fetched.content, fetched.media_type, fetched.url))
            pages += 1
            url = self._digest(outcome, url, len(fetched.content), digest.next_catalog_page,
                               fetched.content, fetched.media_type, fetched.url)["next"]
            if url in {d[2] for d in documents}:
                url = None  # a page that links back to an earlier one ends the catalog
        screened = self._digest(outcome, node.catalog_url, sum(len(d[0]) for d in documents),
                                digest.catalog, documents,
                                node.org_iri, node.prefixes,
                                self.settings["max_record_triples"], self.max_problems)
        del documents
        outcome.declined_documents += screened["declined"]
        outcome.pyshacl_records += screened["pyshacl_records"]
        outcome.dropped.extend(screened["dropped"])
        outcome.dropped_count += screened["dropped_count"]
        if screened["refused"]:
            outcome.status = "refused"
            outcome.errors.append(screened["refused"])
            return
        outcome.quarantined = screened["quarantined"]
        outcome.quarantined_count = screened["quarantined_count"]
        outcome.warnings = screened["warnings"]
        outcome.warnings_count = screened["warnings_count"]
        listed = set(screened["initiatives"]) | set(screened["quarantined_subjects"])
        hold = self._hold(node, outcome, max(len(listed), screened["listed"]))
        refused = set(screened["quarantined_subjects"])
        previous = records.records_of(self.store.graph(node.graph)) \
            if refused or hold else {}
        kept_old = sorted(previous.keys() - listed) if hold else []
        if refused & previous.keys() or kept_old:
            graph = list(ox.parse(screened["graph"], format=ox.RdfFormat.N_TRIPLES))
            for iri in sorted(refused & previous.keys()):
                graph.extend(t for t in previous[iri] if t.predicate != records.STALE)
                graph.append(records.stale_marker(iri))
                outcome.stale.append(iri)
            for iri in kept_old:  # held: what the catalog no longer lists stays as it was
                graph.extend(previous[iri])
            outcome.batch.replace_graph(node.graph, graph)
        else:
            outcome.batch.replace_nt[node.graph] = screened["graph"]
        outcome.initiatives = screened["records"] + len(outcome.stale) + len(kept_old)
        outcome.status = "held" if hold else "updated"
        outcome.state.update(catalog_etag=first.headers.get("etag"),
                             catalog_last_modified=first.headers.get("last-modified"))

    def _hold(self, node: Node, outcome: Outcome, listed: int) -> bool:
        """Whether this catalog's deletions are held (:mod:`holding`); notes the decision."""
        decision = holding.decide(node.state, listed, self.settings, now())
        outcome.state.update(decision.state)
        if decision.notice:
            outcome.errors.append(decision.notice)
        outcome.held = decision.detail
        return decision.held

