"""`pios demo`: the newcomer's first command starts a federation, answers, and cleans up."""

from __future__ import annotations

import os
import queue
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import requests

from pios_ld.tools.demo import DEMO_ORGS

pytestmark = pytest.mark.slow

START_TIMEOUT = 240


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def read_lines(stream, lines: queue.Queue) -> None:
    for line in stream:
        lines.put(line.rstrip("\n"))
    lines.put(None)


def processes_mentioning(text: str) -> list[str]:
    """The command lines of running processes that mention *text* (zombies have none)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        if text in cmdline:
            found.append(f"{entry.name}: {cmdline}")
    return found


@pytest.fixture
def demo(tmp_path):
    """A running `pios demo`, its printed lines, and its process (stopped by the test)."""
    port = free_port()
    env = dict(os.environ, TMPDIR=str(tmp_path), PYTHONUNBUFFERED="1")
    process = subprocess.Popen(
        [sys.executable, "-m", "pios_ld", "demo", "--port", str(port)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
    lines: queue.Queue = queue.Queue()
    threading.Thread(target=read_lines, args=(process.stdout, lines), daemon=True).start()
    printed: list[str] = []
    deadline = time.monotonic() + START_TIMEOUT
    try:
        while time.monotonic() < deadline:
            try:
                line = lines.get(timeout=1)
            except queue.Empty:
                continue
            if line is None:
                break
            printed.append(line)
            if line.startswith("Press Ctrl-C"):
                break
        assert printed and printed[-1].startswith("Press Ctrl-C"), "\n".join(printed)
        yield process, printed, port
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                process.kill()


def urls(printed: list[str]) -> dict[str, str]:
    found = {}
    for line in printed:
        match = re.match(r"\s+(.+?): (http://\S+)$", line)
        if match:
            found[match.group(1)] = match.group(2)
    return found


def test_demo_serves_nodes_and_aggregator_with_demo_data_then_stops_cleanly(demo):
    process, printed, port = demo
    shown = urls(printed)
    assert shown["National overview"] == f"http://127.0.0.1:{port}/"
    root = next(line.rsplit(" ", 1)[1] for line in printed if "building a federation in" in line)

    catalogs = {label: url for label, url in shown.items() if label.startswith("Catalog ")}
    assert len(catalogs) == len(DEMO_ORGS)
    for url in catalogs.values():
        catalog = requests.get(url, headers={"Accept": "application/ld+json"}, timeout=30).json()
        assert catalog["initiative"], url
    for label, url in shown.items():
        if label.startswith(("Node ", "Edit ")) or label == "National overview":
            assert requests.get(url, timeout=30).status_code == 200, url

    query = ("SELECT (COUNT(DISTINCT ?i) AS ?n) WHERE { ?i a "
             "<https://w3id.org/pios/vocab#Initiative> }")  # the default graph: current state
    answer = requests.get(shown["SPARQL"], params={"query": query}, timeout=30,
                          headers={"Accept": "application/sparql-results+json"}).json()
    assert int(answer["results"]["bindings"][0]["n"]["value"]) == sum(n for _, n in DEMO_ORGS)

    process.send_signal(signal.SIGINT)
    assert process.wait(timeout=60) == 0
    assert not Path(root).exists()
    assert processes_mentioning(root) == []
    for url in shown.values():
        with pytest.raises(requests.ConnectionError):
            requests.get(url, timeout=5)


def test_demo_refuses_a_port_in_use_with_a_clear_message(tmp_path):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        done = subprocess.run([sys.executable, "-m", "pios_ld", "demo", "--port", str(port)],
                              capture_output=True, text=True, timeout=60,
                              env=dict(os.environ, TMPDIR=str(tmp_path)))
    assert done.returncode == 1
    assert f"port {port} is in use" in done.stdout
    assert list(tmp_path.iterdir()) == []


def test_sigterm_while_starting_stops_every_child_and_removes_the_folder(tmp_path):
    env = dict(os.environ, TMPDIR=str(tmp_path), PYTHONUNBUFFERED="1")
    process = subprocess.Popen(
        [sys.executable, "-m", "pios_ld", "demo", "--port", str(free_port())],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
    lines: queue.Queue = queue.Queue()
    threading.Thread(target=read_lines, args=(process.stdout, lines), daemon=True).start()
    printed = []
    while True:
        line = lines.get(timeout=START_TIMEOUT)
        assert line is not None, "\n".join(printed)
        printed.append(line)
        if "starting the node of Malmö" in line:  # the first node is up, the second starting
            break
    root = next(line.rsplit(" ", 1)[1] for line in printed if "building a federation in" in line)
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=60) == 1
    assert not Path(root).exists()
    assert processes_mentioning(root) == []
