"""The aggregator's settings, each declared once with a default and a line of help.

A value comes from, in rising order of precedence: the default below, the instance's config file
(``aggregator.toml`` in the instance folder, written by ``pios aggregator init``), the environment
(``PIOS_AGGREGATOR_<NAME>``, e.g. ``PIOS_AGGREGATOR_SPARQL_TIMEOUT=5``) and explicit overrides
(command-line options, a test's config dict).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pios_ld.errors import ConfigurationError
from pios_ld.settings import Setting, Settings, resolve, toml_value

CONFIG_FILE = "aggregator.toml"
ENV_PREFIX = "PIOS_AGGREGATOR_"


SETTINGS: tuple[Setting, ...] = (
    Setting("host", "127.0.0.1", "Address `pios aggregator serve` listens on."),
    Setting("port", 8080, "Port `pios aggregator serve` listens on."),
    Setting("public_url", "", "The aggregator's public base URL (used in dumps and the service "
            "description); empty means the URL of each request."),
    Setting("crawl_workers", 16, "How many nodes are crawled at the same time."),
    Setting("crawl_processes", 2, "Worker processes that parse and check documents during a "
            "crawl (0: in the crawling threads)."),
    Setting("per_host", 4, "How many requests may go to one host at the same time."),
    Setting("fetch_timeout", 30.0, "Seconds one fetch (redirects and body included) may take."),
    Setting("fetch_max_bytes", 50 * 1024 * 1024, "Largest document fetched, after decompression."),
    Setting("feed_max_pages", 2000, "Most feed pages read from one node in one crawl."),
    Setting("catalog_max_pages", 1000, "Most catalog pages read from one node in one crawl."),
    Setting("node_time_budget", 300.0, "Seconds one node's crawl may take in all: every feed "
            "and catalog page and their screening (past it the node fails, its data stays)."),
    Setting("node_max_bytes", 256 * 1024 * 1024, "Most bytes read from one node in one crawl, "
            "all pages together, after decompression."),
    Setting("screen_timeout", 60.0, "Seconds one screening job (reading and checking one "
            "document) may take in a worker process; a worker that overruns is replaced."),
    Setting("screen_max_memory", 1024, "MiB of memory one screening worker process may use on "
            "one document before it is stopped and replaced (0: no limit)."),
    Setting("retry_after_max", 30.0, "Longest Retry-After (429/503) from a node that a crawl "
            "waits for before asking again; a longer one fails the node for this crawl."),
    Setting("crawl_publish_interval", 30.0, "During a long crawl under `serve`, the nodes "
            "committed so far are published to readers at most this often (seconds)."),
    Setting("max_record_triples", 5000, "Records with more statements are quarantined (checked "
            "before they are validated)."),
    Setting("max_problems", 100, "Most problems (and rule results per record) kept in the crawl "
            "log and the registry for one crawl of one node; the rest are counted."),
    Setting("hold_shrink", 0.5, "A catalog that lists fewer than this share of the initiatives "
            "of the last good crawl is held: nothing is deleted."),
    Setting("hold_min_loss", 3, "A held catalog must also lose at least this many "
            "initiatives (an empty catalog after a non-empty one is always held)."),
    Setting("hold_repeats", 3, "Consecutive crawls that must find a held catalog before its "
            "deletions go ahead without the publisher's confirmation."),
    Setting("ping_interval", 5.0, "Seconds between two crawls triggered by one node's pings."),
    Setting("sparql_timeout", 15.0, "Seconds a SPARQL query may run before it is stopped (503)."),
    Setting("sparql_max_results", 100_000, "Most rows or triples a SPARQL answer may hold (413)."),
    Setting("sparql_workers", 2, "Worker processes that answer SPARQL queries."),
    Setting("sparql_per_client", 2, "SPARQL queries one client may run at once; more wait in "
            "the queue, taking turns with other clients."),
    Setting("sparql_queue_per_client", 64, "SPARQL queries one client may have waiting; past "
            "that, 429 with Retry-After."),
    Setting("sparql_queue_size", 128, "SPARQL queries that may wait in all; past that, 503 with "
            "Retry-After."),
    Setting("sparql_queue_wait", 30.0, "Seconds a SPARQL query may wait for a worker before it "
            "is refused (503 with Retry-After)."),
    Setting("trusted_proxies", "", "Addresses or networks (comma-separated) of reverse proxies "
            "whose client_ip_header names the client; empty: the connecting address is the "
            "client."),
    Setting("client_ip_header", "X-Forwarded-For", "Header in which a trusted proxy names the "
            "client's address (the right-most address that is not a trusted proxy counts)."),
    Setting("cors_origin", "*", "Access-Control-Allow-Origin of the SPARQL endpoint and JSON."),
    Setting("publisher_name", "", "Who publishes the national dataset (the operator), as its "
            "DCAT-AP-SE description (/catalog) and citation name it; empty: the site's host."),
    Setting("publisher_homepage", "", "The operator's web page, for /catalog; empty: the "
            "aggregator's public address."),
    Setting("publisher_email", "", "The operator's contact mailbox (a function mailbox), for "
            "/catalog; a catalog without one is not DCAT-AP-SE conformant, and says so."),
    Setting("dataset_license", "http://creativecommons.org/publicdomain/zero/1.0/",
            "The licence the national dataset is published under (an IRI), for /catalog."),
    Setting("snapshots_keep", 3, "Store snapshots kept for readers (older ones are removed)."),
    Setting("store_query_url", "", "SPARQL query endpoint of an external store (empty: the "
            "embedded store), e.g. http://127.0.0.1:7878/query."),
    Setting("store_update_url", "", "SPARQL update endpoint of the external store, e.g. "
            "http://127.0.0.1:7878/update."),
    Setting("store_data_url", "", "Graph Store Protocol endpoint of the external store, e.g. "
            "http://127.0.0.1:7878/store."),
    Setting("store_user", "", "User name for the external store (HTTP basic or digest)."),
    Setting("store_password", "", "Password for the external store."),
    Setting("store_token", "", "Bearer token for the external store (in place of a user)."),
    Setting("store_auth", "basic", "How store_user signs in: `basic` or `digest` (Virtuoso)."),
    Setting("store_timeout", 60.0, "Seconds one request to the external store may take."),
    Setting("store_history_query_url", "", "Query endpoint of a second server for the history "
            "and crawl log (empty: the same server)."),
    Setting("store_history_update_url", "", "Update endpoint of the history server."),
    Setting("store_history_data_url", "", "Graph Store Protocol endpoint of the history server."),
    Setting("stale_after_hours", 48.0, "A node without a good crawl for this many hours is "
            "listed as stale by `pios aggregator status`."),
    Setting("log_format", "plain", "Log lines as `plain` text or `json` (one object a line)."),
    Setting("log_level", "info", "Least important log level written: debug, info, warning, "
            "error."),
)


def load(instance: str | os.PathLike, overrides: Mapping[str, Any] | None = None,
         environ: Mapping[str, str] | None = None) -> Settings:
    """All settings of *instance*, typed, plus ``instance`` (the folder, a :class:`Path`)."""
    folder = Path(instance)
    if not (folder / CONFIG_FILE).is_file():
        raise ConfigurationError(
            f"{folder} is not an aggregator instance (no {CONFIG_FILE}); create it with "
            f"`pios aggregator init {folder}`.",
            f"{folder} är ingen aggregatorinstans (ingen {CONFIG_FILE}); skapa den med "
            f"`pios aggregator init {folder}`.",
        )
    values = resolve(SETTINGS, file=folder / CONFIG_FILE, prefix=ENV_PREFIX,
                     overrides=overrides, environ=environ)
    values["instance"] = folder.resolve()
    return Settings(values)


def default_file_text() -> str:
    """The commented config file `pios aggregator init` writes."""
    lines = ["# pios aggregator settings.",
             "# Environment variables PIOS_AGGREGATOR_<NAME> override.", ""]
    for s in SETTINGS:
        lines.append(f"# {s.help}")
        lines.append(f"# {s.name} = {toml_value(s.default)}")
        lines.append("")
    return "\n".join(lines)
