"""The node's settings: each declared once, with a default and a line of help.

A value comes, in rising precedence, from the default, the instance's config file
(``pios-node.toml``), the environment (``PIOS_NODE_<NAME>``, e.g. ``PIOS_NODE_BASE_URL``) and
explicit overrides (command-line flags, a test's dict). A required setting without a value fails
at start-up with a message that says how to set it.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pios_ld.settings import Setting, Settings, resolve, toml_value

CONFIG_FILE = "pios-node.toml"
SECRET_FILE = "secret.key"
ENV_PREFIX = "PIOS_NODE_"


def env(setting: Setting) -> str:
    """The environment variable that sets *setting*."""
    return ENV_PREFIX + setting.name.upper()


SETTINGS: tuple[Setting, ...] = (
    Setting("base_url", None, "Public base URL the node's IRIs are minted under, "
            "e.g. https://pios.vellinge.se.", required=True),
    Setting("organization", None, "IRI of the organisation the node publishes for, "
            "e.g. http://dataportal.se/organisation/SE2120000019.", required=True),
    Setting("secret_key", None, "Key that signs login sessions; `pios node init` writes one "
            "to secret.key in the instance folder.", required=True),
    Setting("database", "node.db", "SQLite database file (relative to the instance folder)."),
    Setting("host", "127.0.0.1", "Address `pios node serve` listens on."),
    Setting("port", 8080, "Port `pios node serve` listens on."),
    Setting("threads", 8, "Worker threads of the WSGI server."),
    Setting("catalog_page_size", 500, "Initiatives per catalog page."),
    Setting("feed_page_size", 100, "Versions per feed page (changing it renames pages)."),
    Setting("aggregators", "", "Comma-separated aggregator URLs to ping after each change, "
            "e.g. https://pios.example.se (the node posts to <url>/ping); the editor also asks "
            "them for similar initiatives (<url>/api/similar)."),
    Setting("max_body_bytes", 1_000_000, "Largest request body the write API accepts."),
    Setting("max_upload_bytes", 10_000_000, "Largest spreadsheet the import accepts."),
    Setting("default_language", "sv", "Language of the editing UI when none is chosen (sv/en)."),
    Setting("log_format", "plain", "Log lines as `plain` text or `json` (one object a line)."),
    Setting("log_level", "info", "Least important log level written: debug, info, warning, "
            "error."),
)
BY_NAME = {s.name: s for s in SETTINGS}


class Config(Settings):
    """Resolved settings of one node instance (by attribute or key), and its folder."""

    def __init__(self, instance: Path, values: Mapping[str, Any]) -> None:
        super().__init__(values)
        self.__dict__["instance"] = instance

    @property
    def database_path(self) -> Path:
        path = Path(self["database"])
        return path if path.is_absolute() else self.instance / path

    @property
    def aggregator_urls(self) -> list[str]:
        text = str(self.get("aggregators") or "")
        return [u.strip() for u in text.split(",") if u.strip()]


def read_file(instance: Path) -> dict[str, Any]:
    """The settings in the instance's config file (empty when there is none)."""
    from pios_ld.settings import read_file as read_toml

    return read_toml(instance / CONFIG_FILE)


def load(instance: Path | str, overrides: Mapping[str, Any] | None = None,
         environ: Mapping[str, str] | None = None) -> Config:
    """Resolve every setting for *instance*; a missing one raises ``ConfigurationError``."""
    instance = Path(instance)
    fallbacks = {}
    if (instance / SECRET_FILE).exists():
        fallbacks["secret_key"] = (instance / SECRET_FILE).read_text(encoding="utf-8").strip()
    values = resolve(SETTINGS, file=instance / CONFIG_FILE, prefix=ENV_PREFIX,
                     overrides=overrides, environ=environ, fallbacks=fallbacks,
                     how_to_create="`pios node init`")
    values["base_url"] = str(values["base_url"]).rstrip("/")
    return Config(instance, values)


def write_file(instance: Path, values: Mapping[str, Any]) -> Path:
    """Write *values* as the instance's config file (TOML), with each setting's help above it."""
    lines = ["# pios node settings. Every setting can also be given as PIOS_NODE_<NAME>.", ""]
    for setting in SETTINGS:
        if setting.name not in values or setting.name == "secret_key":
            continue
        lines.append(f"# {setting.help}")
        lines.append(f"{setting.name} = {toml_value(values[setting.name])}")
        lines.append("")
    path = instance / CONFIG_FILE
    path.write_text("\n".join(lines), encoding="utf-8")
    return path
