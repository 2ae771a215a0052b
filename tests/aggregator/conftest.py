"""Fixtures for the aggregator tests: nodes served on loopback, an instance, a crawler."""

from __future__ import annotations

from pathlib import Path

import pytest
import stores  # the external SPARQL servers the tests start
from liveaggregator import stop_waitress
from pios_ld.aggregator import instance as instance_module
from pios_ld.aggregator import parts
from pios_ld.aggregator.crawler import Crawler
from pios_ld.aggregator.instance import Instance
from sites import Site  # tests/aggregator is on sys.path (pytest's rootdir-relative conftest)

from pios_ld import organizations

#: threads a module may leave running (a daemon thread still winding down, a pool's worker)
THREADS_LEFT = 4


def _threads() -> list[str]:
    import threading

    return sorted(t.name for t in threading.enumerate())


@pytest.fixture(scope="module", autouse=True)
def _no_threads_left():
    """Every module stops what it started: after its fixtures are torn down the process runs no
    more threads than before it (within :data:`THREADS_LEFT`, after a few seconds to wind down).
    Servers whose threads outlived their tests once piled up to more than a thousand threads and
    made the suite fail late in the run."""
    import time

    before = len(_threads())
    yield
    deadline = time.monotonic() + 10
    while len(_threads()) > before + THREADS_LEFT and time.monotonic() < deadline:
        time.sleep(0.1)
    left = _threads()
    assert len(left) <= before + THREADS_LEFT, (
        f"{len(left) - before} threads more than when this module started: {left}")


@pytest.fixture(autouse=True)
def _allow_loopback(monkeypatch):
    monkeypatch.setenv("PIOS_ALLOW_PRIVATE_ADDRESSES", "1")


# -- the store's backends ---------------------------------------------------------------------
# The tests of these modules (and any test marked `backends`) run once per backend: the embedded
# store, an Oxigraph server (a real `oxigraph serve` process per test) and Virtuoso (one server for
# the session, emptied after each test). The others use the embedded store only, to keep the
# suite's time.
BACKENDS = ("embedded", "oxigraph-server", "virtuoso")
ON_EVERY_BACKEND = {"test_federation", "test_crawler", "test_sparql", "test_web", "test_web_pages",
                    "test_web_publisher"}


def pytest_configure(config):
    config.addinivalue_line("markers", "backends: run once per store backend (embedded, "
                            "Oxigraph server)")


def pytest_generate_tests(metafunc):
    if "store_backend" in metafunc.fixturenames and not hasattr(metafunc.module,
                                                                "store_backend"):
        marked = (metafunc.definition.get_closest_marker("backends") is not None
                  or metafunc.module.__name__.rsplit(".", 1)[-1] in ON_EVERY_BACKEND)
        metafunc.parametrize("store_backend", BACKENDS if marked else BACKENDS[:1],
                             indirect=True)


@pytest.fixture(scope="session")
def virtuoso(tmp_path_factory):
    with stores.VirtuosoServer(tmp_path_factory.mktemp("virtuoso")) as server:
        yield server


@pytest.fixture
def store_backend(request, tmp_path, monkeypatch):
    """The backend's name; for a server, its settings are in the environment
    (PIOS_AGGREGATOR_STORE_…) of this process and of the commands it starts."""
    backend = getattr(request, "param", "embedded")  # asked for late: getfixturevalue
    if backend == "embedded":
        yield "embedded"
        return
    if backend == "virtuoso":
        server = request.getfixturevalue("virtuoso")
        for name, value in server.settings().items():
            monkeypatch.setenv(f"PIOS_AGGREGATOR_{name.upper()}", value)
        yield backend
        server.clear()
        return
    with stores.OxigraphServer(tmp_path / "oxigraph-server") as server:
        for name, value in server.settings().items():
            monkeypatch.setenv(f"PIOS_AGGREGATOR_{name.upper()}", value)
        yield backend


@pytest.fixture
def make_site(tmp_path):
    sites = []

    def make(org: str = "0114", count: int = 3, seed: int = 1) -> Site:
        site = Site(tmp_path / f"site-{len(sites)}", organizations.find(org))
        if count:
            site.generate(count, seed=seed)
        site.publish()
        sites.append(site)
        return site

    yield make
    for site in sites:
        site.close()


class Harness:
    """An instance with its store open for writing and a crawler, as the CLI uses them."""

    def __init__(self, folder: Path) -> None:
        instance_module.init(folder)
        self.instance = Instance.open(folder)
        self.store = self.instance.acquire_writer()
        self.crawler = Crawler(self.instance.registry, self.store, self.instance.settings)

    def register(self, site: Site, org: str | None = None):
        return self.instance.registry.add(site.base_url, org or site.org.iri,
                                          site.base_url + "catalog", site.base_url + "feed")

    def crawl(self):
        outcomes = self.crawler.crawl()
        return {o.node.url: o for o in outcomes}

    def select(self, query: str, dataset: str = "national") -> list[dict]:
        result = self.store.query(query, dataset=dataset)
        names = [v.value for v in result.variables]
        return [{n: (s[n].value if s[n] is not None else None) for n in names} for s in result]

    def titles(self) -> dict[str, str]:
        rows = self.select("SELECT ?i ?t WHERE { ?i a <https://w3id.org/pios/vocab#Initiative> ; "
                           "<http://purl.org/dc/terms/title> ?t FILTER(LANG(?t) = 'sv') }")
        return {r["i"]: r["t"] for r in rows}

    def close(self) -> None:
        self.crawler.close()
        self.instance.release_writer()
        self.instance.registry.close()


@pytest.fixture
def make_harness(store_backend):
    """Harnesses on any folder (closed at the end unless closed before)."""
    made: list[Harness] = []

    def make(folder: Path) -> Harness:
        made.append(Harness(folder))
        return made[-1]

    yield make
    for h in made:
        if h.instance.store is not None:
            h.close()


@pytest.fixture
def harness(tmp_path, store_backend):
    h = Harness(tmp_path / "aggregator")
    yield h
    h.close()


class Server:
    """The aggregator application served by waitress on a free loopback port, in a thread."""

    def __init__(self, folder: Path, threads: int = 8, **settings) -> None:
        import threading

        import waitress
        from pios_ld.aggregator import create_app

        if not (folder / "aggregator.toml").exists():  # else: serve an existing instance
            instance_module.init(folder)
        self.app = create_app({"instance": folder, **settings})
        self.server = waitress.create_server(self.app, host="127.0.0.1", port=0, threads=threads,
                                             connection_limit=threads + 100,
                                             clear_untrusted_proxy_headers=False)
        self.url = f"http://127.0.0.1:{self.server.effective_port}/"
        state = parts.of(self.app).state
        state.admin_token = state.instance.announce_server(self.url)
        self.state = state
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()

    def register(self, site: Site):
        return self.state.instance.registry.add(site.base_url, site.org.iri,
                                                site.base_url + "catalog", site.base_url + "feed")

    def crawl(self) -> None:
        """Crawl every node through the crawl service and wait for it (bounded)."""
        import time

        job = self.state.service.request(None)
        for _ in range(600):
            if job.finished:
                assert job.error is None, job.error
                return
            time.sleep(0.05)
        raise AssertionError("crawl did not finish")

    def close(self) -> None:
        stop_waitress(self.server, self.thread)
        parts.of(self.app).close()


@pytest.fixture
def make_server(tmp_path, store_backend):
    servers = []

    def make(folder: Path | None = None, **settings) -> Server:
        server = Server(folder or tmp_path / f"aggregator-{len(servers)}", **settings)
        servers.append(server)
        return server

    yield make
    for server in servers:
        server.close()
