"""``pios demo``: a small federation on this machine, seeded with generated data.

Five nodes for real organisations (:data:`DEMO_ORGS`) and one aggregator that crawls them, each
a child process started through the ``pios`` command line (this library never imports the node
or the aggregator), in a temporary folder or ``--dir``. The nodes are seeded through their write
API with :mod:`pios_ld.tools.generate` data, a few initiatives are then changed so that the national
history has something to show, and the URLs are printed. Ctrl-C (SIGINT) or SIGTERM stops every
child and removes the temporary folder.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import click
import requests

from pios_ld import organizations
from pios_ld.errors import DemoError, Interrupted
from pios_ld.namespaces import Pios
from pios_ld.tools import generate

#: Organisations the demo runs a node for: (organisation number, initiatives to generate).
DEMO_ORGS = (
    ("2120001033", 18),  # Vellinge kommun
    ("2120001124", 30),  # Malmö kommun
    ("2321000255", 26),  # Region Skåne
    ("2120003005", 24),  # Uppsala kommun
    ("2120002783", 14),  # Kiruna kommun
)
DEMO_SEED = 2026
#: The login the demo creates on every node's editing UI.
DEMO_USER = "demo"
DEMO_PASSWORD = "demo-pios-ld"
START_TIMEOUT = 60.0
CRAWL_TIMEOUT = 120.0

#: How the demo runs ``pios``: this interpreter, with ``-P`` so that a ``pios_ld`` folder in the
#: current directory (a checkout, after ``pip install .``) never shadows the installed package.
PYTHON = (sys.executable, "-P", "-m", "pios_ld")


@dataclass
class Child:
    """A child process and where its output goes."""

    name: str
    process: subprocess.Popen
    log: Path


@dataclass
class DemoNode:
    org: organizations.Organization
    count: int
    port: int
    instance: Path
    token: str = ""

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"


@dataclass
class Demo:
    """The running federation: folders, ports, children. Use :meth:`start` then :meth:`stop`."""

    root: Path
    port: int
    host: str = "127.0.0.1"
    echo: Callable[[str], None] = print
    #: (organisation number, initiatives) of each node
    orgs: Sequence[tuple[str, int]] = DEMO_ORGS
    nodes: list[DemoNode] = field(default_factory=list)
    children: list[Child] = field(default_factory=list)
    #: initiatives changed after the first crawl: (IRI, new phase)
    changed: list[tuple[str, str]] = field(default_factory=list)
    #: set (by a signal handler) to stop a start that is under way, between two steps
    cancel: threading.Event = field(default_factory=threading.Event)

    def check(self) -> None:
        """Raise :class:`Interrupted` when a stop was asked for."""
        if self.cancel.is_set():
            raise Interrupted("Interrupted while starting.", "Avbruten under starten.")

    @property
    def aggregator_url(self) -> str:
        return f"http://{self.host}:{self.port}/"

    @property
    def aggregator_instance(self) -> Path:
        return self.root / "aggregator"

    def env(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        env = dict(os.environ)
        env["PIOS_ALLOW_PRIVATE_ADDRESSES"] = "1"
        env["PYTHONUNBUFFERED"] = "1"
        env.update(extra or {})
        return env

    # -- running the CLI -------------------------------------------------------------------
    def cli(self, *args: str) -> str:
        """Run ``pios ARGS`` to completion; its stdout, or :class:`DemoError` with its stderr."""
        self.check()
        command = [*PYTHON, *args]
        done = subprocess.run(command, capture_output=True, text=True, env=self.env(),
                              timeout=300, check=False)
        if done.returncode != 0:
            shown = " ".join(args[:2])
            reason = (done.stderr or done.stdout).strip()[-2000:]
            raise DemoError(f"'pios {shown}' failed: {reason}",
                            f"'pios {shown}' misslyckades: {reason}")
        return done.stdout

    def spawn(self, name: str, *args: str, env: dict[str, str] | None = None) -> Child:
        """Start ``pios ARGS`` in the background, its output in ``logs/NAME.log``."""
        self.check()
        logs = self.root / "logs"
        logs.mkdir(parents=True, exist_ok=True)
        log = logs / f"{name}.log"
        with log.open("ab") as out:
            process = subprocess.Popen(
                [*PYTHON, *args], stdout=out, stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL, env=self.env(env), start_new_session=True)
        child = Child(name, process, log)
        self.children.append(child)
        return child

    def wait_until_up(self, child: Child, url: str, timeout: float = START_TIMEOUT) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.check()
            if child.process.poll() is not None:
                tail = child.log.read_text(encoding="utf-8", errors="replace")[-2000:]
                raise DemoError(f"{child.name} stopped at start-up: {tail}",
                                f"{child.name} avslutades vid start: {tail}")
            try:
                if requests.get(url, timeout=2).status_code < 500:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.2)
        raise DemoError(f"{child.name} did not answer at {url} within {timeout:.0f} s.",
                        f"{child.name} svarade inte på {url} inom {timeout:.0f} s.")

    # -- the federation --------------------------------------------------------------------
    def start(self) -> None:
        taken = {self.port}
        for orgnr, count in self.orgs:
            port = free_port(self.port + len(taken), taken)
            taken.add(port)
            org = organizations.find(orgnr)
            slug = generate.slugify(org.short_name or org.name)
            self.nodes.append(DemoNode(org, count, port, self.root / "nodes" / slug))
        self.cli("aggregator", "init", str(self.aggregator_instance))
        for node in self.nodes:
            self.start_node(node)
        self.start_aggregator()
        self.seed_nodes()
        self.crawl_all()
        self.change_some()
        self.crawl_all()

    def start_node(self, node: DemoNode, login: bool = True) -> None:
        self.echo(f"  starting the node of {node.org.name} on {node.base_url}")
        self.cli("node", "init", str(node.instance), "--org", node.org.orgnr,
                 "--base-url", node.base_url)
        node.token = self.cli("node", "token", "create", str(node.instance),
                              "--name", "demo").strip().splitlines()[-1].strip()
        if login:
            self.create_login(node)
        child = self.spawn(f"node-{node.instance.name}", "node", "serve", str(node.instance),
                           "--host", "127.0.0.1", "--port", str(node.port),
                           env={"PIOS_NODE_AGGREGATORS": self.aggregator_url})
        self.wait_until_up(child, node.base_url + ".well-known/pios")

    def create_login(self, node: DemoNode) -> None:
        """A login for the node's editing UI (``pios node user create``), where supported."""
        try:
            self.cli("node", "user", "create", str(node.instance), "--name", DEMO_USER,
                     "--password", DEMO_PASSWORD)
        except DemoError as exc:
            self.echo(f"  (no login created on {node.org.name}: {exc.message[:200]})")

    def seed_nodes(self) -> None:
        counts = {n.org.orgnr: n.count for n in self.nodes}
        built = generate.federation([n.org for n in self.nodes], lambda o: counts[o.orgnr],
                                    seed=DEMO_SEED,
                                    base_url_for=lambda o: self.node_for(o).base_url)
        for node in self.nodes:
            records = built[node.org.orgnr]
            for record in records:
                self.check()
                self.write(node, "POST", "api/initiatives", record, expect=201)
            self.echo(f"  {len(records)} initiatives published by {node.org.name}")

    def node_for(self, org: organizations.Organization) -> DemoNode:
        return next(n for n in self.nodes if n.org.orgnr == org.orgnr)

    def write(self, node: DemoNode, method: str, path: str, body: dict, expect: int) -> None:
        response = requests.request(method, node.base_url + path, json=body, timeout=30,
                                    headers={"Authorization": f"Bearer {node.token}"})
        if response.status_code != expect:
            raise DemoError(
                f"{method} {node.base_url}{path} answered {response.status_code}: "
                f"{response.text[:1000]}",
                f"{method} {node.base_url}{path} svarade {response.status_code}: "
                f"{response.text[:1000]}")

    def start_aggregator(self) -> None:
        self.echo(f"  starting the aggregator on {self.aggregator_url}")
        instance = str(self.aggregator_instance)
        for node in self.nodes:
            self.cli("aggregator", "add-node", instance, node.base_url, "--org", node.org.orgnr)
        child = self.spawn("aggregator", "aggregator", "serve", instance, "--host", self.host,
                           "--port", str(self.port))
        self.wait_until_up(child, self.aggregator_url + "sparql?query=ASK%7B%7D")

    def crawl_all(self) -> None:
        """Ask the aggregator to crawl every node (a ping each) and wait until it has them.

        The nodes also ping the aggregator after every change, so their later edits show up in
        the national graph on their own.
        """
        for node in self.nodes:
            response = requests.post(self.aggregator_url + "ping", timeout=30,
                                     json={"catalog": node.base_url + "catalog"})
            if response.status_code != 202:
                self.cli("aggregator", "crawl", str(self.aggregator_instance))
                break
        expected = sum(n.count for n in self.nodes)
        deadline = time.monotonic() + CRAWL_TIMEOUT
        while time.monotonic() < deadline:
            self.check()
            if self.national_count() >= expected and self._changes_visible():
                return
            time.sleep(0.5)
        raise DemoError(f"The aggregator did not collect {expected} initiatives in time.",
                        f"Aggregatorn samlade inte in {expected} initiativ i tid.")

    def national_count(self) -> int:
        query = f"SELECT (COUNT(DISTINCT ?i) AS ?n) WHERE {{ ?i a <{Pios.Initiative}> }}"
        rows = self.sparql(query)
        return int(rows[0]["n"]["value"]) if rows else 0

    def sparql(self, query: str, endpoint: str = "sparql") -> list[dict]:
        """Rows of a SELECT on the aggregator (``endpoint``: ``sparql`` or ``sparql/history``)."""
        try:
            response = requests.get(self.aggregator_url + endpoint, params={"query": query},
                                    headers={"Accept": "application/sparql-results+json"},
                                    timeout=30)
            if response.status_code != 200:
                return []
            return response.json()["results"]["bindings"]
        except (requests.RequestException, ValueError, KeyError):
            return []

    def change_some(self) -> None:
        """Move a few initiatives one phase on, so that the history shows a change."""
        for node in self.nodes[:3]:
            response = requests.get(node.base_url + "catalog", timeout=30,
                                    headers={"Accept": "application/ld+json"})
            records = response.json().get("initiative", [])
            for record in [r for r in records if r.get("phase") == "pilot"][:1]:
                patch = {"phase": "implementation", "modified": _now()}
                self.write(node, "PATCH", f"api/initiatives/{record['identifier']}", patch, 204)
                self.changed.append((record["id"], "implementation"))

    def _changes_visible(self) -> bool:
        for iri, phase in self.changed:
            rows = self.sparql(f"SELECT ?p WHERE {{ <{iri}> <{Pios.phase}> ?p }}")
            if not any(r["p"]["value"].endswith("/" + phase) for r in rows):
                return False
        return True

    def urls(self) -> list[tuple[str, str]]:
        """What to open: (label, URL)."""
        agg = self.aggregator_url
        out = [("National overview", agg), ("SPARQL", agg + "sparql")]
        for node in self.nodes:
            out.append((f"Node {node.org.name}", node.base_url))
            out.append((f"Catalog {node.org.name}", node.base_url + "catalog"))
            out.append((f"Edit {node.org.name}", node.base_url + "login"))
        return out

    def stop(self) -> None:
        """Stop every child: SIGTERM, then SIGKILL after a grace period."""
        for child in reversed(self.children):
            if child.process.poll() is None:
                child.process.terminate()
        deadline = time.monotonic() + 10
        for child in reversed(self.children):
            try:
                child.process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                child.process.kill()
                child.process.wait()
        self.children.clear()


def free_port(preferred: int, taken: set[int] | Sequence[int] = ()) -> int:
    """*preferred* when it is free on loopback, otherwise any free port."""
    for candidate in (preferred, 0):
        if candidate in taken:
            continue
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", candidate))
            except OSError:
                continue
            port = sock.getsockname()[1]
            if port not in taken:
                return port
    return free_port(0, taken)


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


def run(port: int, directory: Path | None, echo: Callable[[str], None] = print) -> int:
    """Start the demo, print its URLs and keep it running until SIGINT or SIGTERM.

    A signal while the federation is still starting stops the start after its current step
    (one command or request); either way every child is stopped before this returns. 0 after
    a stop by signal once running, 1 when something failed or the start was interrupted.
    """
    if free_port(port) != port:
        echo(f"pios demo: port {port} is in use; choose another with --port "
             f"(porten {port} används redan; välj en annan med --port).")
        return 1
    stop = threading.Event()
    previous = {sig: signal.signal(sig, lambda *_: stop.set())
                for sig in (signal.SIGINT, signal.SIGTERM)}
    root = directory or Path(tempfile.mkdtemp(prefix="pios-demo-"))
    root.mkdir(parents=True, exist_ok=True)
    demo = Demo(root=root, port=port, echo=echo, cancel=stop)
    status = 0
    try:
        echo(f"pios demo: building a federation in {root}")
        demo.start()
        echo("")
        echo("pios demo is running. Open:")
        for label, url in demo.urls():
            echo(f"  {label}: {url}")
        echo(f"  Login on every node: user {DEMO_USER}, password {DEMO_PASSWORD}")
        echo("Press Ctrl-C to stop.")
        while not stop.wait(0.5):
            dead = [c for c in demo.children if c.process.poll() is not None]
            if dead:
                echo(f"pios demo: {dead[0].name} stopped unexpectedly; see {dead[0].log}")
                status = 1
                break
    except DemoError as exc:
        echo(f"pios demo: {exc.message}")
        status = exc.exit_code
    finally:
        echo("pios demo: stopping …")
        demo.stop()
        if directory is None:
            shutil.rmtree(root, ignore_errors=True)
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        echo("pios demo: stopped.")
    return status


@click.command("demo")
@click.option("--port", type=int, default=8400, show_default=True,
              help="Port of the aggregator; the nodes take the next free ports.")
@click.option("--dir", "directory", type=click.Path(file_okay=False, path_type=Path),
              help="Keep the federation's instances in this folder (default: a temporary one, "
                   "removed on exit).")
def demo_command(port: int, directory: Path | None) -> None:
    """A small federation on this machine: five nodes and an aggregator, with demo data."""
    sys.exit(run(port, directory, echo=lambda line: click.echo(line)))
