"""Settings declared once, with a default, a type and a line of help (pure, no Flask).

Both applications declare their settings as a tuple of :class:`Setting` and resolve them with
:func:`resolve`. A value comes, in rising order of precedence, from the default, the instance's
config file (TOML), the environment (``<PREFIX><NAME>``, e.g. ``PIOS_NODE_BASE_URL`` or
``PIOS_AGGREGATOR_SPARQL_TIMEOUT``) and explicit overrides (command-line options, a test's dict).
Every value is converted to its setting's type (``kind``, by default the type of the default), so
callers never re-cast; a value that does not convert, an unknown name in the file and a missing
required setting each fail with a message that says which setting and how to set it.

The result is a :class:`Settings`: read-only, by key (``settings["port"]``) or by attribute
(``settings.port``).
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pios_ld.errors import ConfigurationError

_TRUE = ("1", "true", "yes", "on")
_FALSE = ("0", "false", "no", "off", "")


@dataclass(frozen=True)
class Setting:
    """One setting: its name, default, a line of help, and whether it must be given."""

    name: str
    default: Any
    help: str
    required: bool = False
    kind: type | None = None  # the type of the default when not given (str when it is None)

    @property
    def type(self) -> type:
        if self.kind is not None:
            return self.kind
        return str if self.default is None else type(self.default)


class Settings(Mapping[str, Any]):
    """Resolved settings: a read-only mapping that also answers by attribute."""

    def __init__(self, values: Mapping[str, Any]) -> None:
        self._values = dict(values)

    def __getitem__(self, name: str) -> Any:
        return self._values[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def __getattr__(self, name: str) -> Any:
        try:
            return self.__dict__["_values"][name]
        except KeyError:
            raise AttributeError(name) from None

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._values!r})"


def env_name(prefix: str, setting: Setting) -> str:
    return prefix + setting.name.upper()


def coerce(setting: Setting, value: Any, where: str) -> Any:
    """*value* as the setting's type; *where* tells the person where to set it."""
    kind = setting.type
    if isinstance(value, kind) and not (kind is not bool and isinstance(value, bool)):
        return value
    try:
        if kind is bool:
            text = str(value).strip().lower()
            if text not in _TRUE + _FALSE:
                raise ValueError(text)
            return text in _TRUE
        if kind in (int, float) and isinstance(value, str):
            value = value.strip().replace("_", "")
        return kind(value)
    except (TypeError, ValueError) as exc:
        names = {bool: ("true or false", "true eller false"), int: ("a whole number", "ett heltal"),
                 float: ("a number", "ett tal"), str: ("a text", "en text")}
        en, sv = names.get(kind, (kind.__name__, kind.__name__))
        raise ConfigurationError(
            f"Setting {setting.name} must be {en}, not {value!r} (set it in {where}).",
            f"Inställningen {setting.name} ska vara {sv}, inte {value!r} (ange den i {where}).",
        ) from exc


def read_file(path: Path) -> dict[str, Any]:
    """The settings in a TOML config file (empty when there is none)."""
    if not path.is_file():
        return {}
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigurationError(f"Cannot read {path}: {exc}",
                                 f"Kan inte läsa {path}: {exc}") from exc


def resolve(declared: tuple[Setting, ...], *, file: Path, prefix: str,
            overrides: Mapping[str, Any] | None = None,
            environ: Mapping[str, str] | None = None,
            fallbacks: Mapping[str, Any] | None = None,
            how_to_create: str = "") -> dict[str, Any]:
    """Every declared setting's value, typed; *fallbacks* stand in for unset values only."""
    environ = os.environ if environ is None else environ
    from_file = read_file(file)
    known = {s.name for s in declared}
    unknown = sorted(set(from_file) - known)
    if unknown:
        raise ConfigurationError(
            f"Unknown setting(s) in {file}: {', '.join(unknown)}.",
            f"Okända inställningar i {file}: {', '.join(unknown)}.")
    values: dict[str, Any] = {}
    for setting in declared:
        variable = env_name(prefix, setting)
        value, where = setting.default, f"{file} or {variable}"
        if setting.name in from_file:
            value = from_file[setting.name]
        if environ.get(variable) not in (None, ""):
            value = environ[variable]
        if overrides and overrides.get(setting.name) is not None:
            value = overrides[setting.name]
        if value is None and fallbacks:
            value = fallbacks.get(setting.name)
        values[setting.name] = None if value is None else coerce(setting, value, where)
    for setting in declared:
        if setting.required and not values[setting.name]:
            variable = env_name(prefix, setting)
            raise ConfigurationError(
                f"The setting {setting.name} is missing ({setting.help}) Set it in {file} as "
                f"{setting.name} = \"…\", or in the environment variable {variable}"
                f"{', or ' + how_to_create if how_to_create else ''}.",
                f"Inställningen {setting.name} saknas. Ange den i {file} som "
                f"{setting.name} = \"…\", eller i miljövariabeln {variable}"
                f"{', eller kör ' + how_to_create if how_to_create else ''}.")
    return values


def toml_value(value: Any) -> str:
    """*value* written as TOML."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    escaped = str(value).replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'


def describe(declared: tuple[Setting, ...], prefix: str) -> list[tuple[str, str, str, str]]:
    """(name, environment variable, default as text, help) of each setting, for docs and CLIs."""
    return [(s.name, env_name(prefix, s), "" if s.default is None else toml_value(s.default),
             s.help) for s in declared]
