"""What the operator sees: a log line per node per crawl, and the Prometheus metrics.

:class:`Monitor` is one per application (its own ``prometheus_client`` registry, so tests can
build many apps in one process). The crawl reports each node's outcome to :meth:`Monitor.crawled`
(a log line and the crawl metrics), the access log reports each request to
:meth:`Monitor.request` (query durations and refusals), and ``GET /metrics`` answers
:meth:`Monitor.exposition`. Values that live elsewhere (nodes by state, the crawl queue, the store's
size, the last successful crawl) are read when Prometheus scrapes, so they are never stale.

Metric names (all ``pios_aggregator_…``):

- ``crawl_node_seconds`` (histogram, label ``status``): one node's fetch, screening and commit.
- ``crawl_nodes_total`` (counter, ``status``: updated, unchanged, failed, refused).
- ``crawl_runs_total`` (counter) and ``last_crawl_timestamp_seconds`` /
  ``last_successful_crawl_timestamp_seconds`` (gauges; successful: no node failed).
- ``nodes`` (gauge, ``state``: the last crawl's status of each registered node, or never).
- ``crawl_queue_depth`` (gauge): crawl requests and pings waiting.
- ``sparql_query_seconds`` (histogram, ``endpoint``), ``sparql_refusals_total`` (counter,
  ``reason``: malformed, forbidden, format, too-many-results, client-limit, timeout-or-busy,
  server-error), ``http_requests_total`` (counter, ``status`` class: 2xx, 3xx, 4xx, 5xx).
- ``fast_reader_declined_total`` (counter): documents (catalog and feed pages) the fast JSON-LD
  reader declined, so the standard parser read them; ``shacl_fallback_records_total`` (counter):
  catalog records pySHACL validated because the compiled engine could not. Both give the same
  answers many times slower: a rise after a change to the context or the shapes is the sign.
- ``page_query_timeouts_total`` (counter): pages answered ``503`` because their queries did not
  finish within ``sparql_timeout``.
- ``store_bytes`` (gauge): the instance's store, history and snapshots on disk.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily

from pios_ld.logs import event

log = logging.getLogger("pios_ld.aggregator.crawl")

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
SPARQL_PATHS = {"/sparql": "national", "/sparql/history": "history"}
REFUSALS = {400: "malformed", 403: "forbidden", 406: "format", 413: "too-many-results",
            415: "malformed", 429: "client-limit", 503: "timeout-or-busy"}


def folder_bytes(folders: Iterable[Path]) -> int:
    """Bytes of the files below *folders* (hard links counted once)."""
    seen: set[tuple[int, int]] = set()
    total = 0
    for folder in folders:
        for root, _dirs, files in os.walk(folder):
            for name in files:
                try:
                    info = os.stat(os.path.join(root, name))
                except OSError:
                    continue
                if (info.st_dev, info.st_ino) not in seen:
                    seen.add((info.st_dev, info.st_ino))
                    total += info.st_size
    return total


class _Live:
    """A collector whose values are read at scrape time."""

    def __init__(self, read: Callable[[], Iterable[GaugeMetricFamily]]) -> None:
        self.read = read

    def collect(self) -> Iterable[GaugeMetricFamily]:
        try:
            yield from self.read()
        except Exception:  # noqa: BLE001 - a metric that cannot be read is left out, not a 500
            logging.getLogger("pios_ld.aggregator").exception("a live metric could not be read")


class Monitor:
    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        r = self.registry
        self.node_seconds = Histogram(
            "pios_aggregator_crawl_node_seconds", "Seconds one node's crawl took, by outcome.",
            ["status"], registry=r, buckets=(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120))
        self.nodes_total = Counter("pios_aggregator_crawl_nodes", "Nodes crawled, by outcome.",
                                   ["status"], registry=r)
        self.runs_total = Counter("pios_aggregator_crawl_runs", "Crawl runs finished.",
                                  registry=r)
        self.last_crawl = Gauge("pios_aggregator_last_crawl_timestamp_seconds",
                                "When the last crawl run finished (Unix time).", registry=r)
        self.last_success = Gauge(
            "pios_aggregator_last_successful_crawl_timestamp_seconds",
            "When the last crawl run in which no node failed finished (Unix time).", registry=r)
        self.query_seconds = Histogram(
            "pios_aggregator_sparql_query_seconds", "Seconds a SPARQL request took, by endpoint.",
            ["endpoint"], registry=r, buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 15))
        self.refusals = Counter("pios_aggregator_sparql_refusals",
                                "SPARQL requests refused, by reason.", ["reason"], registry=r)
        self.declined = Counter(
            "pios_aggregator_fast_reader_declined",
            "Documents the fast JSON-LD reader declined (the standard parser read them).",
            registry=r)
        self.shacl_fallback = Counter(
            "pios_aggregator_shacl_fallback_records",
            "Catalog records validated by pySHACL because the compiled engine could not.",
            registry=r)
        self.page_timeouts = Counter(
            "pios_aggregator_page_query_timeouts",
            "Web pages answered 503 because their queries ran past sparql_timeout.", registry=r)
        self.requests_total = Counter("pios_aggregator_http_requests",
                                      "HTTP requests answered, by status class.", ["status"],
                                      registry=r)

    # -- the crawl -------------------------------------------------------------------------------
    def crawled(self, outcome: Any) -> None:
        """One node's outcome: count it and write its log line."""
        seconds = max(0.0, time.monotonic() - outcome.began)
        self.node_seconds.labels(outcome.status).observe(seconds)
        self.nodes_total.labels(outcome.status).inc()
        self.declined.inc(outcome.declined_documents)
        self.shacl_fallback.inc(outcome.pyshacl_records)
        node = outcome.node
        org = node.organization
        reason = outcome.reason()
        level = logging.WARNING if outcome.status in ("failed", "refused") else logging.INFO
        message = (f"node {node.id} {node.url} {outcome.status} http={outcome.http_status} "
                   f"requests={outcome.requests} initiatives={outcome.initiatives} "
                   f"quarantined={len(outcome.quarantined)} stale={len(outcome.stale)} "
                   f"versions={outcome.versions} {seconds:.2f}s")
        if outcome.declined_documents or outcome.pyshacl_records:
            message += (f" declined={outcome.declined_documents} "
                        f"pyshacl={outcome.pyshacl_records}")
        event(log, level, message + (f": {reason}" if reason else ""),
              node=node.id, url=node.url, organization=org.name if org else node.org_iri,
              status=outcome.status, http=outcome.http_status, requests=outcome.requests,
              initiatives=outcome.initiatives, quarantined=len(outcome.quarantined),
              stale=len(outcome.stale), versions=outcome.versions, seconds=round(seconds, 3),
              declined=outcome.declined_documents, pyshacl=outcome.pyshacl_records,
              reason=reason or None)

    def run_finished(self, outcomes: list[Any]) -> None:
        """A crawl run is over: its time, and whether every node it tried was crawled."""
        self.runs_total.inc()
        now = time.time()
        self.last_crawl.set(now)
        failed = [o for o in outcomes if o.status == "failed"]
        if not failed:
            self.last_success.set(now)
        counts: dict[str, int] = {}
        for o in outcomes:
            counts[o.status] = counts.get(o.status, 0) + 1
        event(log, logging.WARNING if failed else logging.INFO,
              f"crawl finished: {len(outcomes)} nodes, " + ", ".join(
                  f"{v} {k}" for k, v in sorted(counts.items())), nodes=len(outcomes), **counts)

    # -- requests --------------------------------------------------------------------------------
    def request(self, method: str, path: str, status: int, seconds: float) -> None:
        self.requests_total.labels(f"{status // 100}xx").inc()
        endpoint = SPARQL_PATHS.get(path)
        if endpoint is None or method == "OPTIONS":
            return
        self.query_seconds.labels(endpoint).observe(seconds)
        if status >= 400:
            self.refusals.labels(REFUSALS.get(status, "server-error")).inc()

    # -- values read at scrape time --------------------------------------------------------------
    def watch(self, read: Callable[[], Iterable[GaugeMetricFamily]]) -> None:
        self.registry.register(_Live(read))  # type: ignore[arg-type]

    def exposition(self) -> bytes:
        return generate_latest(self.registry)


def node_states(nodes: Iterable[Any]) -> GaugeMetricFamily:
    family = GaugeMetricFamily("pios_aggregator_nodes",
                               "Registered nodes, by their last crawl's outcome.",
                               labels=["state"])
    counts = {"updated": 0, "unchanged": 0, "failed": 0, "refused": 0, "never": 0}
    for node in nodes:
        state = node.state.get("last_status") or "never"
        counts[state] = counts.get(state, 0) + 1
    for state, count in sorted(counts.items()):
        family.add_metric([state], count)
    return family


def gauge(name: str, help_text: str, value: float) -> GaugeMetricFamily:
    return GaugeMetricFamily(name, help_text, value=value)
