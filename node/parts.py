"""What a running node application holds, typed: one :class:`Parts` in the Flask app's
``extensions`` under one key, read with :func:`of` (the shared host's front page keeps only its
login throttle, as :class:`HostParts`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from flask import Flask, current_app

if TYPE_CHECKING:  # the modules that build the parts import this one
    from .auth import LoginThrottle
    from .notify import Notifier
    from .publish import Publisher
    from .store import Store

KEY = "pios"


@dataclass
class Parts:
    #: the node's SQLite store: records, versions, users, tokens
    store: Store
    #: what the node publishes (catalog, feed, pages), cached until the store changes
    publisher: Publisher
    login_throttle: LoginThrottle
    #: pings the registered aggregators after a change
    notifier: Notifier


@dataclass
class HostParts:
    login_throttle: LoginThrottle


def of(app: Flask | None = None) -> Parts:
    """The parts of the node application *app* (the current application by default)."""
    return (app or current_app).extensions[KEY]
