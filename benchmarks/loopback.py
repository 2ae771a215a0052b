"""Servers on loopback for the benchmarks: a free port, waiting until one listens, and running a
benchmark in a work folder whose child servers are stopped (and the folder removed) after it."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path


def free_port() -> int:
    """A port on 127.0.0.1 that is free now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_listening(port: int, what: str = "server") -> None:
    """Return once something accepts connections on *port* (about ten seconds at most)."""
    for _ in range(200):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    raise SystemExit(f"{what} on port {port} did not start")


def in_work_folder(folder: str | None, prefix: str,
                   run: Callable[[Path, list[subprocess.Popen]], None]) -> None:
    """Call ``run(root, children)`` in *folder* (or a temporary one, removed afterwards), nodes on
    loopback allowed; every process *run* appends to ``children`` is stopped when it ends."""
    os.environ["PIOS_ALLOW_PRIVATE_ADDRESSES"] = "1"
    root = Path(folder) if folder else Path(tempfile.mkdtemp(prefix=prefix))
    children: list[subprocess.Popen] = []
    try:
        run(root, children)
    finally:
        for child in children:
            child.terminate()
        for child in children:
            child.wait(10)
        if not folder:
            shutil.rmtree(root, ignore_errors=True)
