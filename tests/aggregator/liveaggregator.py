"""One aggregator for a whole test module: two nodes crawled, served over real HTTP on loopback.

The SPARQL protocol tests only read, so they share one server (starting and crawling takes
seconds). Each node's current state is the named graph of its base URL.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
import waitress
from pios_ld.aggregator import create_app, parts
from pios_ld.aggregator import instance as instance_module
from sites import Site

from pios_ld import organizations


@dataclass
class Live:
    url: str  # ends with "/"
    first: Site  # Upplands Väsby (0114), 3 initiatives
    second: Site  # Stockholm (0180), 2 initiatives


def stop_waitress(server, thread: threading.Thread | None = None) -> None:
    """Stop a waitress server started in a thread, and every thread it started: its listening
    socket, its open (keep-alive) connections and its task threads. ``server.close()`` alone
    leaves the task threads waiting for work that never comes, and the loop thread running
    until the last keep-alive connection times out: a suite of many servers leaked thousands."""
    def close_everything() -> None:  # in the loop thread, where the channels belong
        for channel in list(server._map.values()):
            if channel is not server and channel is not server.trigger:
                channel.close()
        server.close()  # the listening socket and the trigger: the map empties, the loop ends

    try:
        server.trigger.pull_trigger(close_everything)
    except OSError:  # already closed
        pass
    if thread is not None:
        thread.join(10)
    server.task_dispatcher.shutdown(timeout=10)


def serve(folder: Path):
    """Yield a :class:`Live` aggregator with two crawled nodes; stop everything afterwards."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PIOS_ALLOW_PRIVATE_ADDRESSES", "1")
        first = Site(folder / "first", organizations.find("0114"))
        first.generate(3, seed=1)
        first.publish()
        second = Site(folder / "second", organizations.find("0180"))
        second.generate(2, seed=2)
        second.publish()
        instance_module.init(folder / "aggregator")
        app = create_app({"instance": folder / "aggregator", "sparql_timeout": 10.0})
        server = waitress.create_server(app, host="127.0.0.1", port=0, threads=8)
        url = f"http://127.0.0.1:{server.effective_port}/"
        state = parts.of(app).state
        state.admin_token = state.instance.announce_server(url)
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        try:
            for site in (first, second):
                state.instance.registry.add(site.base_url, site.org.iri, site.base_url + "catalog",
                                            site.base_url + "feed")
            job = state.service.request(None)
            deadline = time.monotonic() + 60
            while not job.finished and time.monotonic() < deadline:
                time.sleep(0.05)
            assert job.finished and job.error is None, job.error
            yield Live(url, first, second)
        finally:
            stop_waitress(server, thread)
            parts.of(app).close()
            first.close()
            second.close()
