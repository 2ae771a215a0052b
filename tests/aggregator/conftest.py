"""Fixtures for the aggregator tests: nodes served on loopback, an instance, a crawler."""

from __future__ import annotations

from pathlib import Path

import pytest
from pios_ld.aggregator import instance as instance_module
from pios_ld.aggregator.crawler import Crawler
from pios_ld.aggregator.instance import Instance
from sites import Site  # tests/aggregator is on sys.path (pytest's rootdir-relative conftest)

from pios_ld import organizations


@pytest.fixture(autouse=True)
def _allow_loopback(monkeypatch):
    monkeypatch.setenv("PIOS_ALLOW_PRIVATE_ADDRESSES", "1")


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
def harness(tmp_path):
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
        state = self.app.extensions["pios"]
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
        self.server.close()
        self.app.extensions["pios_close"]()


@pytest.fixture
def make_server(tmp_path):
    servers = []

    def make(folder: Path | None = None, **settings) -> Server:
        server = Server(folder or tmp_path / f"aggregator-{len(servers)}", **settings)
        servers.append(server)
        return server

    yield make
    for server in servers:
        server.close()
