"""Fixtures: real node instances in tmp_path, served over real HTTP on loopback."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from nodehelpers import PASSWORD, LiveNode, make_instance
from pios_ld.node import create_app
from pios_ld.node import parts as node_parts
from pios_ld.node.store import Store
from werkzeug.serving import make_server


@pytest.fixture
def start_node(tmp_path: Path):
    """Start nodes (real threaded WSGI servers on free loopback ports), stopped after the test."""
    servers = []

    def start(name: str = "node", **values: Any) -> LiveNode:
        holder: dict[str, Any] = {}
        server = make_server("127.0.0.1", 0, lambda env, start_response: holder["app"](
            env, start_response), threaded=True)
        url = f"http://127.0.0.1:{server.port}"
        instance = make_instance(tmp_path / name, url, **values)
        app = create_app({"instance": instance})
        holder["app"] = app
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        servers.append((server, thread))
        store: Store = node_parts.of(app).store
        store.create_user("anna", PASSWORD)
        return LiveNode(url, instance, app, store.create_token("test"))

    yield start
    for server, thread in servers:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture
def live(start_node) -> Iterator[LiveNode]:
    yield start_node()
