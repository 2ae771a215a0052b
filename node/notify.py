"""Tell aggregators that something changed: ``POST <aggregator>/ping`` with ``{"catalog": URL}``.

Pings go out on a background thread after each change, so an edit never waits for an
aggregator; failures are logged and otherwise ignored (the aggregator will crawl anyway).
Changes that arrive while a ping is in flight are folded into one follow-up ping.
"""

from __future__ import annotations

import logging
import threading

import requests

log = logging.getLogger("pios_ld.node.notify")
TIMEOUT = 10


def ping_url(aggregator: str) -> str:
    """``https://agg.example.se`` → ``…/ping``; a URL that ends in /ping is kept."""
    aggregator = aggregator.rstrip("/")
    return aggregator if aggregator.endswith("/ping") else aggregator + "/ping"


class Notifier:
    """Pings the configured aggregators after changes, in the background."""

    def __init__(self, aggregators: list[str], catalog_url: str) -> None:
        self.targets = [ping_url(a) for a in aggregators]
        self.catalog_url = catalog_url
        self._pending = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self.sent = 0
        self.failed = 0

    def changed(self) -> None:
        """Note a change; a ping follows soon on the background thread."""
        if not self.targets:
            return
        with self._lock:
            self._pending.set()
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="pios-ping", daemon=True)
                self._thread.start()

    def ping_now(self) -> None:
        """Ping every aggregator now, on this thread (for command-line tools)."""
        for target in self.targets:
            self._send(target)

    def _run(self) -> None:
        while True:
            with self._lock:
                if not self._pending.is_set():
                    self._thread = None
                    return
                self._pending.clear()
            for target in self.targets:
                self._send(target)

    def _send(self, target: str) -> None:
        try:
            response = requests.post(target, json={"catalog": self.catalog_url}, timeout=TIMEOUT)
            if response.status_code >= 400:
                self.failed += 1
                log.warning("Ping to %s answered HTTP %s", target, response.status_code)
            else:
                self.sent += 1
        except requests.RequestException as exc:
            self.failed += 1
            log.warning("Ping to %s failed: %s", target, exc)
