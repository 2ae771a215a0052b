"""The aggregator: crawls every node into one national graph and serves it.

``create_app(config)`` builds the Flask application of one instance folder; ``config`` holds
``instance`` (the folder) and optionally any setting of :mod:`pios_ld.aggregator.settings`. The
application is the instance's single writer: it owns the store, runs the crawl service (pings,
crawl requests from the CLI) and answers SPARQL through worker processes.
"""

from __future__ import annotations

from typing import Any

from flask import Flask

__all__ = ["create_app"]


def create_app(config: dict[str, Any]) -> Flask:
    """The aggregator's Flask application for ``config["instance"]``."""
    from pios_ld.aggregator.app import build

    return build(config)
