"""One logging set-up for node and aggregator: plain or JSON lines, and an access line a request.

The standard :mod:`logging` module, configured once per process by :func:`configure` (the
``serve`` and ``crawl`` commands call it; library code and tests only log, so tests stay quiet
unless they capture). Every record goes to one handler on the ``pios_ld`` logger:

- ``plain``: ``2026-12-03T10:00:00Z INFO pios_ld.access GET /catalog 200 3.1ms``
- ``json``: ``{"time": "2026-12-03T10:00:00Z", "level": "INFO", "logger": "pios_ld.access",
  "message": "GET /catalog 200 3.1ms", "method": "GET", "path": "/catalog", ...}``

Structured values travel in ``extra={"fields": {...}}``: the plain format writes the message
(which already says them), the JSON format adds each field.

:class:`AccessLog` is WSGI middleware (no Flask): one line per request with the method, the path
without its query string (a query string can carry personal data or a whole SPARQL query), the
status and the duration. It records no client address.
"""

from __future__ import annotations

import json
import logging
import sys
import time
from collections.abc import Callable, Iterable
from typing import IO, Any

from pios_ld.clock import utc_text

FORMATS = ("plain", "json")
LEVELS = ("debug", "info", "warning", "error")
ROOT = "pios_ld"

access_log = logging.getLogger("pios_ld.access")


class PlainFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        text = f"{utc_text(record.created)} {record.levelname} {record.name} {record.getMessage()}"
        if record.exc_info:
            text += "\n" + self.formatException(record.exc_info)
        return text


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {"time": utc_text(record.created), "level": record.levelname,
                                "logger": record.name, "message": record.getMessage()}
        fields = getattr(record, "fields", None)
        if isinstance(fields, dict):
            line.update({k: v for k, v in fields.items() if k not in line})
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False, default=str)


def configure(fmt: str = "plain", level: str = "info", stream: IO[str] | None = None) -> None:
    """Send the ``pios_ld`` loggers' records at *level* and above to *stream* (stderr) as *fmt*.

    Calling it again replaces the earlier set-up (one handler, never two).
    """
    from pios_ld.errors import ConfigurationError

    if fmt not in FORMATS:
        raise ConfigurationError(f"The log format is plain or json, not {fmt!r}.",
                                 f"Loggformatet är plain eller json, inte {fmt!r}.")
    if str(level).lower() not in LEVELS:
        raise ConfigurationError(
            f"The log level is one of {', '.join(LEVELS)}, not {level!r}.",
            f"Loggnivån är en av {', '.join(LEVELS)}, inte {level!r}.")
    reset()
    logger = logging.getLogger(ROOT)
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.pios_ld = True  # type: ignore[attr-defined]
    handler.setFormatter(JsonFormatter() if fmt == "json" else PlainFormatter())
    logger.addHandler(handler)
    logger.setLevel(str(level).upper())
    logger.propagate = False


def options(command: Callable[..., Any]) -> Callable[..., Any]:
    """``--log-format`` and ``--log-level`` for a ``serve`` or ``crawl`` command."""
    import click

    command = click.option("--log-level", type=click.Choice(LEVELS),
                           help="Least important log level written (setting log_level).")(command)
    return click.option("--log-format", type=click.Choice(FORMATS),
                        help="Log lines as plain text or JSON (setting log_format).")(command)


def configure_from(settings: Any, fmt: str | None, level: str | None,
                   quiet: bool = False) -> None:
    """:func:`configure` from a command's options, else its settings (warnings only if *quiet*)."""
    chosen = level or ("warning" if quiet else settings["log_level"])
    configure(fmt or settings["log_format"], chosen)


def reset() -> None:
    """Undo :func:`configure`: the ``pios_ld`` loggers propagate to the root logger again."""
    logger = logging.getLogger(ROOT)
    for handler in list(logger.handlers):
        if getattr(handler, "pios_ld", False):
            logger.removeHandler(handler)
    logger.setLevel(logging.NOTSET)
    logger.propagate = True


def event(logger: logging.Logger, level: int, message: str, **fields: Any) -> None:
    """Log *message* with structured *fields* (written out by the JSON format)."""
    if logger.isEnabledFor(level):
        logger.log(level, message, extra={"fields": fields})


WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


class AccessLog:
    """WSGI middleware: an access line per request, after the response has been sent."""

    def __init__(self, app: WSGIApp, observe: Callable[[str, str, int, float], None] | None
                 = None) -> None:
        self.app = app
        self.observe = observe

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]
                 ) -> Iterable[bytes]:
        started = time.perf_counter()
        status: list[int] = [0]

        def start(status_line: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            status[0] = int(status_line.split(" ", 1)[0])
            return start_response(status_line, headers, exc_info)

        body = self.app(environ, start)
        try:
            yield from body
        finally:
            close = getattr(body, "close", None)
            if close is not None:
                close()
            self._done(environ, status[0], time.perf_counter() - started)

    def _done(self, environ: dict[str, Any], status: int, seconds: float) -> None:
        method = environ.get("REQUEST_METHOD", "")
        path = environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", "")
        if self.observe is not None:
            self.observe(method, path, status, seconds)
        level = logging.WARNING if status >= 500 else logging.INFO
        event(access_log, level, f"{method} {path} {status} {seconds * 1000:.1f}ms",
              method=method, path=path, status=status, duration_ms=round(seconds * 1000, 1))
