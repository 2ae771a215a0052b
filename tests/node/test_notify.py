"""Pings to aggregators after a change: sent in the background, failures never block an edit."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from nodehelpers import record
from pios_ld.node import parts as node_parts


@pytest.fixture
def aggregator():
    """A tiny real HTTP server that records the pings it receives."""
    received: list[dict] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 (the name http.server calls)
            length = int(self.headers.get("Content-Length", 0))
            received.append({"path": self.path, "body": json.loads(self.rfile.read(length))})
            self.send_response(202)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}", received
    server.shutdown()
    server.server_close()


def wait_for(condition, seconds: float = 10) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


def test_a_change_pings_every_configured_aggregator_with_the_catalog_url(start_node, aggregator):
    url, received = aggregator
    node = start_node(aggregators=f"{url}, {url}/ping")
    assert node.post(record()).status_code == 201
    assert wait_for(lambda: len(received) >= 2)
    assert {r["path"] for r in received} == {"/ping"}
    assert all(r["body"] == {"catalog": f"{node.url}/catalog"} for r in received)


def test_an_unreachable_aggregator_does_not_block_or_fail_the_edit(start_node):
    node = start_node(aggregators="http://127.0.0.1:9")
    assert node.post(record()).status_code == 201
    notifier = node_parts.of(node.app).notifier
    assert wait_for(lambda: notifier.failed >= 1)
    assert node.store.count() == 1
