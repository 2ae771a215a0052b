"""Many readers (issue: beyond one machine): two `pios aggregator serve` processes, each its own
instance folder, serve one external store (a real `oxigraph serve`) while the one that has the
nodes registered crawls; both answer the same and both see what a crawl wrote."""

from __future__ import annotations

import copy
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
import stores
from pios_ld.aggregator import instance as instance_module
from pios_ld.aggregator.instance import Instance

INITIATIVES = ("SELECT ?i ?t WHERE { ?i a <https://w3id.org/pios/vocab#Initiative> ; "
               "<http://purl.org/dc/terms/title> ?t FILTER(LANG(?t) = 'sv') } ORDER BY ?i")


def _pios(*args: str, **kwargs) -> list[str]:
    return [sys.executable, "-m", "pios_ld", "aggregator", *args]


class Serving:
    """`pios aggregator serve FOLDER` as its own process on a free loopback port."""

    def __init__(self, folder: Path, log: Path) -> None:
        self.port = stores.free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        self.log = log.open("w")
        self.process = subprocess.Popen(
            _pios("serve", str(folder), "--host", "127.0.0.1", "--port", str(self.port)),
            stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            assert self.process.poll() is None, log.read_text()
            try:
                if requests.get(self.url + "health", timeout=2).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.2)
        raise AssertionError(f"{folder} was not served: {log.read_text()}")

    def rows(self) -> list[tuple[str, str]]:
        answer = requests.get(self.url + "sparql", params={"query": INITIATIVES}, timeout=30,
                              headers={"Accept": "application/sparql-results+json"})
        assert answer.status_code == 200, answer.text
        return [(b["i"]["value"], b["t"]["value"]) for b in answer.json()["results"]["bindings"]]

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)
        self.log.close()


def _register(folder: Path, site) -> None:
    instance = Instance.open(folder)
    try:
        instance.registry.add(site.base_url, site.org.iri, site.base_url + "catalog",
                              site.base_url + "feed")
    finally:
        instance.registry.close()


def _until(condition, seconds: float = 30.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "not seen in time"
        time.sleep(0.2)


@pytest.fixture
def store(tmp_path, monkeypatch):
    with stores.OxigraphServer(tmp_path / "oxigraph") as server:
        for name, value in server.settings().items():  # the environment of every process
            monkeypatch.setenv(f"PIOS_AGGREGATOR_{name.upper()}", value)
        yield server


def test_two_serving_processes_answer_alike_and_both_see_what_a_crawl_wrote(
        store, make_site, tmp_path):
    writer, reader = tmp_path / "crawler", tmp_path / "reader"
    instance_module.init(writer)
    instance_module.init(reader)
    first = make_site(count=3)
    _register(writer, first)
    served = []
    try:
        served.append(Serving(writer, tmp_path / "crawler.log"))
        served.append(Serving(reader, tmp_path / "reader.log"))
        crawl = subprocess.run(_pios("crawl", str(writer)), capture_output=True, text=True,
                               timeout=120, env=os.environ)
        assert crawl.returncode == 0, crawl.stdout + crawl.stderr
        _until(lambda: len(served[1].rows()) == 3)
        assert served[0].rows() == served[1].rows()

        # a crawl writes a new node (a new graph) and a changed record while both serve
        second = make_site(org="1280", count=2, seed=2)
        _register(writer, second)
        record = copy.deepcopy(next(iter(first.records.values())))
        record["title"] = {"sv": "Nytt namn som båda ser"}
        record["modified"] = "2026-11-25T10:00:00Z"
        first.put(record)
        first.publish()
        running = subprocess.Popen(_pios("crawl", str(writer)), stdout=subprocess.PIPE,
                                   stderr=subprocess.STDOUT, text=True)
        while running.poll() is None:  # both keep answering while the crawl writes
            for serving in served:
                serving.rows()
        assert running.wait(120) == 0, running.stdout.read()
        running.stdout.close()
        for serving in served:
            _until(lambda s=serving: len(s.rows()) == 5)
        assert served[0].rows() == served[1].rows()
        assert (record["id"], "Nytt namn som båda ser") in served[1].rows()
        graphs = requests.get(served[1].url + "sparql", timeout=30, params={
            "query": "SELECT ?g WHERE { GRAPH ?g { } }"},
            headers={"Accept": "application/sparql-results+json"}).json()
        assert {first.base_url, second.base_url} <= {
            b["g"]["value"] for b in graphs["results"]["bindings"]}
    finally:
        for serving in served:
            serving.stop()
