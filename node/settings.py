"""The node's settings: each declared once, with a default and a line of help.

A value comes, in rising precedence, from the default, the instance's config file
(``pios-node.toml``), the environment (``PIOS_NODE_<NAME>``, e.g. ``PIOS_NODE_BASE_URL``) and
explicit overrides (command-line flags, a test's dict). A required setting without a value fails
at start-up with a message that says how to set it.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pios_ld.errors import ConfigurationError

CONFIG_FILE = "pios-node.toml"
SECRET_FILE = "secret.key"
ENV_PREFIX = "PIOS_NODE_"


@dataclass(frozen=True)
class Setting:
    name: str
    default: Any
    help: str
    required: bool = False

    @property
    def env(self) -> str:
        return ENV_PREFIX + self.name.upper()


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
            "e.g. https://pios.example.se (the node posts to <url>/ping)."),
    Setting("max_body_bytes", 1_000_000, "Largest request body the write API accepts."),
    Setting("max_upload_bytes", 10_000_000, "Largest spreadsheet the import accepts."),
    Setting("default_language", "sv", "Language of the editing UI when none is chosen (sv/en)."),
)
BY_NAME = {s.name: s for s in SETTINGS}


@dataclass(frozen=True)
class Config:
    """Resolved settings of one node instance."""

    instance: Path
    values: Mapping[str, Any]

    def __getattr__(self, name: str) -> Any:
        try:
            return self.values[name]
        except KeyError:
            raise AttributeError(name) from None

    @property
    def database_path(self) -> Path:
        path = Path(self.values["database"])
        return path if path.is_absolute() else self.instance / path

    @property
    def aggregator_urls(self) -> list[str]:
        text = str(self.values.get("aggregators") or "")
        return [u.strip() for u in text.split(",") if u.strip()]


def _coerce(setting: Setting, value: Any) -> Any:
    if isinstance(setting.default, int) and not isinstance(value, int):
        try:
            return int(value)
        except (TypeError, ValueError):
            raise ConfigurationError(
                f"Setting {setting.name} must be a whole number, not {value!r}.",
                f"Inställningen {setting.name} ska vara ett heltal, inte {value!r}.",
            ) from None
    return value


def read_file(instance: Path) -> dict[str, Any]:
    """The settings in the instance's config file (empty when there is none)."""
    path = instance / CONFIG_FILE
    if not path.exists():
        return {}
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigurationError(f"{path} is not valid TOML: {exc}",
                                 f"{path} är inte giltig TOML: {exc}") from exc


def load(instance: Path | str, overrides: Mapping[str, Any] | None = None,
         environ: Mapping[str, str] | None = None) -> Config:
    """Resolve every setting for *instance*; raise :class:`ConfigurationError` if one is missing."""
    instance = Path(instance)
    environ = os.environ if environ is None else environ
    from_file = read_file(instance)
    unknown = set(from_file) - set(BY_NAME)
    if unknown:
        raise ConfigurationError(
            f"Unknown setting(s) in {instance / CONFIG_FILE}: {', '.join(sorted(unknown))}.",
            f"Okända inställningar i {instance / CONFIG_FILE}: {', '.join(sorted(unknown))}.",
        )
    values: dict[str, Any] = {}
    for setting in SETTINGS:
        value = setting.default
        if setting.name in from_file:
            value = from_file[setting.name]
        if setting.env in environ:
            value = environ[setting.env]
        if overrides and overrides.get(setting.name) is not None:
            value = overrides[setting.name]
        if setting.name == "secret_key" and value is None and (instance / SECRET_FILE).exists():
            value = (instance / SECRET_FILE).read_text(encoding="utf-8").strip()
        values[setting.name] = None if value is None else _coerce(setting, value)
    for setting in SETTINGS:
        if setting.required and not values[setting.name]:
            raise ConfigurationError(
                f"The setting {setting.name} is missing ({setting.help}) Set it in "
                f"{instance / CONFIG_FILE} as {setting.name} = \"…\", or in the environment "
                f"variable {setting.env}, or run `pios node init`.",
                f"Inställningen {setting.name} saknas. Ange den i {instance / CONFIG_FILE} som "
                f"{setting.name} = \"…\", eller i miljövariabeln {setting.env}, eller kör "
                "`pios node init`.",
            )
    values["base_url"] = str(values["base_url"]).rstrip("/")
    return Config(instance, values)


def write_file(instance: Path, values: Mapping[str, Any]) -> Path:
    """Write *values* as the instance's config file (TOML), with each setting's help above it."""
    lines = ["# pios node settings. Every setting can also be given as PIOS_NODE_<NAME>.", ""]
    for setting in SETTINGS:
        if setting.name not in values or setting.name == "secret_key":
            continue
        value = values[setting.name]
        lines.append(f"# {setting.help}")
        if isinstance(value, int):
            lines.append(f"{setting.name} = {value}")
        else:
            escaped = str(value).replace("\\", "\\\\").replace('"', '\\"')
            lines.append(f'{setting.name} = "{escaped}"')
        lines.append("")
    path = instance / CONFIG_FILE
    path.write_text("\n".join(lines), encoding="utf-8")
    return path
