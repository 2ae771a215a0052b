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
    Setting("max_record_triples", 5000, "Records with more statements are quarantined."),
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
