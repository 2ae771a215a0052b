"""External SPARQL servers for the tests: each a real server process on a free loopback port, in
a folder of its own, stopped (and its folder left to ``tmp_path``) when the test ends."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait(url: str, process: subprocess.Popen, seconds: float = 30.0, auth=None) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            out = process.stdout.read() if process.stdout else ""
            raise AssertionError(f"the store server exited: {out}")
        try:
            requests.get(url, params={"query": "ASK {}"}, timeout=1, auth=auth)
            return
        except requests.RequestException:
            time.sleep(0.05)
    raise AssertionError(f"the store server at {url} did not start")


def oxigraph_command() -> str:
    """The `oxigraph` command of the PyPI package (next to this Python, or on PATH)."""
    beside = Path(sys.executable).with_name("oxigraph")
    found = str(beside) if beside.exists() else shutil.which("oxigraph")
    if not found:
        pytest.skip("the `oxigraph` command is not installed (pip install oxigraph)")
    return found


class OxigraphServer:
    """`oxigraph serve` on a free port: /query, /update and /store."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen | None = None

    def settings(self) -> dict[str, str]:
        return {"store_query_url": f"{self.url}/query", "store_update_url": f"{self.url}/update",
                "store_data_url": f"{self.url}/store"}

    def start(self) -> OxigraphServer:
        self.folder.mkdir(parents=True, exist_ok=True)
        self.process = subprocess.Popen(
            [oxigraph_command(), "serve", "--location", str(self.folder), "--bind",
             f"127.0.0.1:{self.port}"],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        _wait(f"{self.url}/query", self.process)
        return self

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)
        if self.process is not None and self.process.stdout:
            self.process.stdout.close()

    def __enter__(self) -> OxigraphServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
