"""External SPARQL servers for the tests: each a real server process on a free loopback port, in
a folder of its own, stopped (and its folder left to ``tmp_path``) when the test ends.

Benchmarks use them too (outside pytest, with the ``test`` extra installed)::

    sys.path.insert(0, "tests/aggregator")
    import stores
    with stores.server("virtuoso", Path("/tmp/bench/virtuoso")) as running:
        os.environ.update(running.environment())  # PIOS_AGGREGATOR_STORE_… for every process

A server that is not installed skips the test (``pytest.skip``, an exception outside pytest).
"""

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

    def environment(self) -> dict[str, str]:
        """The settings as PIOS_AGGREGATOR_STORE_… environment variables."""
        return environment(self.settings())

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


class Proxy:
    """A real HTTP server in front of a store server that can misbehave on purpose: it asks for
    HTTP basic credentials (or a bearer *token*) when given some, answers ``500`` to a ``PUT`` of
    the graphs in :attr:`fail_puts` (or of every graph while :attr:`fail_all_puts`), answers
    every request with ``503`` while :attr:`down`, waits :attr:`delay` seconds before answering,
    and records what it was asked (method, path, body)."""

    def __init__(self, target: str, user: str = "", password: str = "", token: str = "") -> None:
        import base64
        import threading
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
        from urllib.parse import parse_qs, urlsplit

        self.target = target.rstrip("/")
        self.fail_puts: set[str] = set()
        self.fail_all_puts = False
        self.down = False
        self.delay = 0.0
        self.seen: list[tuple[str, str, bytes]] = []
        wanted = ("Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()
                  if user else f"Bearer {token}" if token else None)
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet
                pass

            def _any(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                proxy.seen.append((self.command, self.path, body))
                if proxy.delay:
                    time.sleep(proxy.delay)
                graph = parse_qs(urlsplit(self.path).query).get("graph", [""])[0]
                if wanted and self.headers.get("Authorization") != wanted:
                    return self._reply(401, b"sign in", {"WWW-Authenticate": 'Basic realm="x"'})
                if proxy.down or (self.command == "PUT" and (
                        proxy.fail_all_puts or graph in proxy.fail_puts)):
                    return self._reply(503 if proxy.down else 500, b"failing on purpose")
                headers = {k: v for k, v in self.headers.items()
                           if k.lower() in ("content-type", "accept")}
                answer = requests.request(self.command, proxy.target + self.path, data=body,
                                          headers=headers, timeout=30)
                self._reply(answer.status_code, answer.content,
                            {"Content-Type": answer.headers.get("Content-Type", "text/plain")})

            def _reply(self, status, body, headers=None):
                self.send_response(status)
                for key, value in (headers or {}).items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _any

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True  # a delayed answer does not hold up close()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def settings(self) -> dict[str, str]:
        return {"store_query_url": f"{self.url}/query", "store_update_url": f"{self.url}/update",
                "store_data_url": f"{self.url}/store"}

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


VIRTUOSO_INI = """[Database]
DatabaseFile = {db}/virtuoso.db
ErrorLogFile = {db}/virtuoso.log
LockFile = {db}/virtuoso.lck
TransactionFile = {db}/virtuoso.trx
xa_persistent_file = {db}/virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
MaxCheckpointRemap = 2000
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {db}/virtuoso-temp.db
TransactionFile = {db}/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping = 0

[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
CheckpointInterval = 60
CaseMode = 2
DirsAllowed = ., {vad}
VADInstallDir = {vad}/
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
MaxQueryMem = 200M

[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {vsp}
MaxClientConnections = 10
ServerThreads = 10
Charset = UTF-8
EnabledGzipContent = 0

[SPARQL]
ResultSetMaxRows = 1000000
MaxQueryExecutionTime = 120
"""


class VirtuosoServer:
    """OpenLink Virtuoso 7 (Debian's `virtuoso-opensource`) from its own virtuoso.ini on free
    ports: /sparql, /sparql-auth and /sparql-graph-crud-auth, digest authentication as `dba`.
    Starting one takes seconds, so the tests share one and :meth:`clear` it after each test."""

    USER = PASSWORD = "dba"  # the fresh database's administrator

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.http_port, self.sql_port = free_port(), free_port()
        self.url = f"http://127.0.0.1:{self.http_port}"
        self.process: subprocess.Popen | None = None
        self._baseline: set[str] = set()

    def settings(self) -> dict[str, str]:
        return {"store_query_url": f"{self.url}/sparql",
                "store_update_url": f"{self.url}/sparql-auth",
                "store_data_url": f"{self.url}/sparql-graph-crud-auth",
                "store_user": self.USER, "store_password": self.PASSWORD,
                "store_auth": "digest"}

    def environment(self) -> dict[str, str]:
        """The settings as PIOS_AGGREGATOR_STORE_… environment variables."""
        return environment(self.settings())

    def start(self) -> VirtuosoServer:
        command = shutil.which("virtuoso-t")
        if not command:
            pytest.skip("Virtuoso is not installed (apt-get install virtuoso-opensource)")
        db = self.folder / "db"
        db.mkdir(parents=True, exist_ok=True)
        ini = self.folder / "virtuoso.ini"
        ini.write_text(VIRTUOSO_INI.format(
            db=db, sql_port=self.sql_port, http_port=self.http_port,
            vad="/usr/share/virtuoso-opensource-7/vad",
            vsp="/var/lib/virtuoso-opensource-7/vsp"))
        # started detached (not a child of the tests' process: measurements of "this process
        # and its children" must not count a server shared by the whole session)
        launched = subprocess.run(
            ["sh", "-c", '"$0" +foreground +configfile "$1" > "$2" 2>&1 & echo $!', command,
             str(ini), str(self.folder / "virtuoso.out")],
            cwd=self.folder, capture_output=True, text=True, check=True)
        self.pid = int(launched.stdout.strip())
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                requests.get(f"{self.url}/sparql", params={"query": "ASK {}"}, timeout=1)
                break
            except requests.RequestException:
                if not Path(f"/proc/{self.pid}").exists():
                    raise AssertionError("Virtuoso exited: "
                                         + (self.folder / "virtuoso.out").read_text()) from None
                time.sleep(0.1)
        else:
            raise AssertionError("Virtuoso did not start")
        self._baseline = set(self.graphs())
        return self

    def graphs(self) -> list[str]:
        answer = requests.post(f"{self.url}/sparql", timeout=60, data={
            "query": "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"},
            headers={"Accept": "application/sparql-results+json"})
        answer.raise_for_status()
        return [b["g"]["value"] for b in answer.json()["results"]["bindings"]]

    def clear(self) -> None:
        """Drop every graph a test wrote (Virtuoso's own graphs stay)."""
        from requests.auth import HTTPDigestAuth

        for graph in set(self.graphs()) - self._baseline:
            requests.post(f"{self.url}/sparql-auth", timeout=60,
                          auth=HTTPDigestAuth(self.USER, self.PASSWORD),
                          data={"update": f"DROP SILENT GRAPH <{graph}>"}).raise_for_status()

    def stop(self) -> None:
        import os
        import signal

        pid = getattr(self, "pid", None)
        if pid is None:
            return
        try:
            os.kill(pid, signal.SIGTERM)
        except ProcessLookupError:
            return
        for _ in range(100):
            if not Path(f"/proc/{pid}").exists():
                return
            time.sleep(0.1)
        os.kill(pid, signal.SIGKILL)

    def __enter__(self) -> VirtuosoServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


#: the external backends, by the names the tests and benchmarks give them
KINDS = {"oxigraph-server": OxigraphServer, "virtuoso": VirtuosoServer}


def server(kind: str, folder: Path) -> OxigraphServer | VirtuosoServer:
    """A server of *kind* (:data:`KINDS`) in *folder*, not started: use it as a context manager
    (started on entering, stopped on leaving) or call ``start()`` and ``stop()``."""
    return KINDS[kind](Path(folder))


def environment(settings: dict[str, str]) -> dict[str, str]:
    """*settings* as the environment variables every aggregator process reads."""
    return {f"PIOS_AGGREGATOR_{name.upper()}": value for name, value in settings.items()}
