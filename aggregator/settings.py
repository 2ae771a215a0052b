"""The aggregator's settings, each declared once with a default and a line of help.

A value comes from, in rising order of precedence: the default below, the instance's config file
(``aggregator.toml`` in the instance folder, written by ``pios aggregator init``), the environment
(``PIOS_AGGREGATOR_<NAME>``, e.g. ``PIOS_AGGREGATOR_SPARQL_TIMEOUT=5``) and explicit overrides
(command-line options, a test's config dict).
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pios_ld.errors import ConfigurationError

CONFIG_FILE = "aggregator.toml"
ENV_PREFIX = "PIOS_AGGREGATOR_"


@dataclass(frozen=True)
class Setting:
    name: str
    default: Any
    help: str


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
    Setting("sparql_per_client", 2, "SPARQL queries one client address may run at once (429)."),
    Setting("cors_origin", "*", "Access-Control-Allow-Origin of the SPARQL endpoint and JSON."),
    Setting("snapshots_keep", 3, "Store snapshots kept for readers (older ones are removed)."),
)
_BY_NAME = {s.name: s for s in SETTINGS}


def _coerce(setting: Setting, value: Any) -> Any:
    kind = type(setting.default)
    if isinstance(value, kind) and not (kind is int and isinstance(value, bool)):
        return value
    try:
        if kind is bool:
            return str(value).strip().lower() in ("1", "true", "yes", "on")
        return kind(value)
    except (TypeError, ValueError) as exc:
        raise ConfigurationError(
            f"Setting {setting.name} must be a {kind.__name__}, not {value!r} "
            f"(set it in {CONFIG_FILE} or {ENV_PREFIX}{setting.name.upper()}).",
            f"Inställningen {setting.name} måste vara {kind.__name__}, inte {value!r} "
            f"(sätt den i {CONFIG_FILE} eller {ENV_PREFIX}{setting.name.upper()}).",
        ) from exc


def load(instance: str | os.PathLike, overrides: Mapping[str, Any] | None = None,
         environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """All settings of *instance* as a dict, plus ``instance`` (the folder, a :class:`Path`)."""
    folder = Path(instance)
    if not (folder / CONFIG_FILE).is_file():
        raise ConfigurationError(
            f"{folder} is not an aggregator instance (no {CONFIG_FILE}); create it with "
            f"`pios aggregator init {folder}`.",
            f"{folder} är ingen aggregatorinstans (ingen {CONFIG_FILE}); skapa den med "
            f"`pios aggregator init {folder}`.",
        )
    try:
        from_file = tomllib.loads((folder / CONFIG_FILE).read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigurationError(f"Cannot read {folder / CONFIG_FILE}: {exc}",
                                 f"Kan inte läsa {folder / CONFIG_FILE}: {exc}") from exc
    environ = os.environ if environ is None else environ
    values: dict[str, Any] = {}
    for setting in SETTINGS:
        value = setting.default
        if setting.name in from_file:
            value = from_file[setting.name]
        env = environ.get(ENV_PREFIX + setting.name.upper())
        if env is not None and env != "":
            value = env
        if overrides and overrides.get(setting.name) is not None:
            value = overrides[setting.name]
        values[setting.name] = _coerce(setting, value)
    unknown = set(from_file) - set(_BY_NAME)
    if unknown:
        raise ConfigurationError(
            f"Unknown setting(s) in {folder / CONFIG_FILE}: {', '.join(sorted(unknown))}.",
            f"Okända inställningar i {folder / CONFIG_FILE}: {', '.join(sorted(unknown))}.",
        )
    values["instance"] = folder.resolve()
    return values


def default_file_text() -> str:
    """The commented config file `pios aggregator init` writes."""
    lines = ["# pios aggregator settings.",
             "# Environment variables PIOS_AGGREGATOR_<NAME> override.", ""]
    for s in SETTINGS:
        lines.append(f"# {s.help}")
        value = f'"{s.default}"' if isinstance(s.default, str) else repr(s.default)
        lines.append(f"# {s.name} = {value}")
        lines.append("")
    return "\n".join(lines)
