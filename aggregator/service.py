"""The crawl service inside ``pios aggregator serve``: the one writer, taking crawl requests.

Requests come from ``POST /ping`` (one node), from ``pios aggregator crawl`` run next to the
server (all nodes, through ``POST /admin/crawl``) and from the ``--watch`` timer. One thread runs
them in order; pings for a node are coalesced and rate-limited (``ping_interval``): a burst of
edits gives one crawl right away and at most one more after the interval, so the last edit is
always picked up. After each run the store publishes a new snapshot for the query workers.
"""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from pios_ld.aggregator.crawler import Crawler, Outcome, outcome_line


@dataclass
class Job:
    id: int
    node_ids: list[int] | None
    total: int = 0
    done: int = 0
    finished: bool = False
    lines: list[str] = field(default_factory=list)
    failed: list[dict[str, Any]] = field(default_factory=list)
    error: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "total": self.total, "done": self.done, "finished": self.finished,
                "lines": self.lines, "failed": self.failed, "error": self.error}


def failure(outcome: Outcome) -> dict[str, Any]:
    """A failed node, as the crawl summary names it: which node and why, in sv and en."""
    org = outcome.node.organization
    return {"node": outcome.node.id, "url": outcome.node.url,
            "name": org.name if org else outcome.node.org_iri,
            "reason": outcome.reason() or "failed",
            "reason_sv": outcome.reason("sv") or "misslyckades"}


class CrawlService:
    def __init__(self, crawler: Crawler, interval: float, on_commit=None,
                 on_outcome: Callable[[Outcome], None] | None = None,
                 on_finished: Callable[[list[Outcome]], None] | None = None) -> None:
        self.crawler = crawler
        self.interval = interval
        self.on_commit = on_commit
        self.on_outcome = on_outcome
        self.on_finished = on_finished
        self._cond = threading.Condition()
        self._queue: list[Job] = []
        self._jobs: dict[int, Job] = {}
        self._ids = itertools.count(1)
        self._last_ping: dict[int, float] = {}
        self._pending_ping: dict[int, float] = {}  # node id -> earliest time
        self._stop = False
        self._thread = threading.Thread(target=self._run, name="crawl-service", daemon=True)
        self._thread.start()

    def request(self, node_ids: list[int] | None = None) -> Job:
        with self._cond:
            job = Job(next(self._ids), node_ids)
            self._jobs[job.id] = job
            self._queue.append(job)
            self._cond.notify()
            return job

    def ping(self, node_id: int) -> str:
        """Schedule a crawl of one node: now, or after the interval if it was just crawled."""
        with self._cond:
            now = time.monotonic()
            earliest = self._last_ping.get(node_id, -1e9) + self.interval
            if node_id in self._pending_ping:
                return "queued"
            self._pending_ping[node_id] = max(now, earliest)
            self._cond.notify()
            return "now" if earliest <= now else "queued"

    def depth(self) -> int:
        """Crawl requests and pings waiting to run."""
        with self._cond:
            return len(self._queue) + len(self._pending_ping)

    def job(self, job_id: int) -> Job | None:
        return self._jobs.get(job_id)

    def stop(self) -> None:
        with self._cond:
            self._stop = True
            self._cond.notify()
        self._thread.join(30)

    def _next(self) -> Job | None:
        with self._cond:
            while not self._stop:
                if self._queue:
                    return self._queue.pop(0)
                now = time.monotonic()
                due = [n for n, t in self._pending_ping.items() if t <= now]
                if due:
                    for n in due:
                        del self._pending_ping[n]
                        self._last_ping[n] = now
                    job = Job(next(self._ids), due)
                    self._jobs[job.id] = job
                    return job
                wait = min(self._pending_ping.values(), default=now + 60) - now
                self._cond.wait(max(0.01, min(wait, 60)))
            return None

    def _run(self) -> None:
        while True:
            job = self._next()
            if job is None:
                return
            try:
                nodes = self.crawler.registry.nodes()
                job.total = len(nodes) if job.node_ids is None else len(job.node_ids)

                def progress(outcome: Outcome, job: Job = job) -> None:
                    job.done += 1
                    job.lines.append(outcome_line(outcome))
                    if outcome.status == "failed":
                        job.failed.append(failure(outcome))
                    if self.on_outcome:
                        self.on_outcome(outcome)

                outcomes = self.crawler.crawl(job.node_ids, progress=progress)
                if self.on_finished:
                    self.on_finished(outcomes)
                if any(o.status != "unchanged" for o in outcomes) and self.on_commit:
                    self.on_commit()
            except Exception as exc:  # noqa: BLE001 - reported through the job, service lives on
                job.error = f"{type(exc).__name__}: {exc}"
            finally:
                job.finished = True
                if len(self._jobs) > 200:
                    for old in sorted(self._jobs)[:-100]:
                        self._jobs.pop(old, None)
