"""What a running aggregator application holds, typed: one :class:`Parts` in the Flask app's
``extensions`` under one key, read with :func:`of` (no string keys scattered through the
modules)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from flask import Flask, current_app

if TYPE_CHECKING:  # the modules that build the parts import this one
    from pios_ld.aggregator.admission import Admission
    from pios_ld.aggregator.app import State
    from pios_ld.aggregator.queryworker import QueryPool
    from pios_ld.aggregator.ui import UI

KEY = "pios"


@dataclass
class Parts:
    state: State
    #: the sealed query workers of /sparql
    queries: QueryPool
    #: the per-client queue in front of them
    admission: Admission
    #: reverse proxies whose client-address header is believed
    trusted_proxies: Any
    ui: UI
    #: stop the workers and let go of the store (closing again does nothing)
    close: Callable[[], None]


def of(app: Flask | None = None) -> Parts:
    """The parts of *app* (the current application by default)."""
    return (app or current_app).extensions[KEY]
