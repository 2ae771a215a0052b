"""The aggregator on an external SPARQL server (a real `oxigraph serve`), reached through a real
proxy that asks for credentials and fails on purpose: what an operator relies on beyond the
tests every backend runs (conftest.ON_EVERY_BACKEND)."""

from __future__ import annotations

import copy
import gzip
import time

import pytest
import requests
import stores
from pios_ld.aggregator import backup, dump, parts
from pios_ld.aggregator.crawllog import CRAWL_LOG, HISTORY, REFERENCE
from pios_ld.aggregator.external import CATALOGUE
from pios_ld.aggregator.store import latest_snapshot

from pios_ld.errors import PiosError, StoreError

USER, PASSWORD = "lagringskonto", "hemligt-l0sen"


@pytest.fixture
def proxy(tmp_path, monkeypatch):
    """An Oxigraph server behind a proxy that wants HTTP basic credentials; the aggregator's
    settings (environment) point at the proxy, with the credentials."""
    with stores.OxigraphServer(tmp_path / "oxigraph") as server:
        front = stores.Proxy(server.url, USER, PASSWORD)
        settings = {**front.settings(), "store_user": USER, "store_password": PASSWORD}
        for name, value in settings.items():
            monkeypatch.setenv(f"PIOS_AGGREGATOR_{name.upper()}", value)
        yield front
        front.close()


@pytest.fixture
def store_backend(proxy):
    """This module's own backend (in place of conftest's parametrised one)."""
    return "oxigraph-server-behind-a-proxy"


@pytest.fixture
def server(make_server, tmp_path):
    return make_server(tmp_path / "served")


def _rows(url: str, query: str, endpoint: str = "sparql") -> requests.Response:
    return requests.get(url + endpoint, params={"query": query}, timeout=30,
                        headers={"Accept": "application/sparql-results+json"})


def _change(site, title: str) -> str:
    record = copy.deepcopy(next(iter(site.records.values())))
    record["title"] = {"sv": title}
    record["modified"] = "2026-11-25T10:00:00Z"
    site.put(record)
    site.publish()
    return record["id"]


def test_history_and_crawl_log_stay_out_of_sparql_and_credentials_out_of_files(
        server, make_site, proxy, tmp_path):
    site = make_site(count=3)
    server.register(site)
    server.crawl()
    graphs = {b["g"]["value"] for b in _rows(
        server.url, "SELECT ?g WHERE { GRAPH ?g { } }").json()["results"]["bindings"]}
    assert graphs == {site.base_url, REFERENCE}
    crawls = "SELECT (COUNT(*) AS ?n) WHERE { ?c a <http://www.w3.org/ns/prov#Activity> }"
    versions = ("SELECT (COUNT(?v) AS ?n) WHERE { ?v <http://purl.org/dc/terms/isVersionOf> "
                "?i }")
    count = lambda r: int(r.json()["results"]["bindings"][0]["n"]["value"])  # noqa: E731
    assert count(_rows(server.url, crawls)) == 0
    assert count(_rows(server.url, versions)) == 0
    assert count(_rows(server.url, versions, "sparql/history")) == 3
    assert count(_rows(server.url, "SELECT (COUNT(*) AS ?n) WHERE { GRAPH "
                       f"<{CRAWL_LOG}> {{ ?c a <http://www.w3.org/ns/prov#Activity> }} }}",
                       "sparql/history")) == 1
    assert all(USER not in p.read_text(errors="replace") and PASSWORD not in
               p.read_text(errors="replace")
               for p in (tmp_path / "served").rglob("*") if p.is_file() and p.suffix != ".sqlite3")
    # the server holds the node graph, the reference, history, crawl log and the catalogue
    on_server = requests.get(proxy.url + "/query", auth=(USER, PASSWORD), timeout=10, params={
        "query": "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"},
        headers={"Accept": "application/sparql-results+json"}).json()["results"]["bindings"]
    assert {b["g"]["value"] for b in on_server} == {site.base_url, REFERENCE, HISTORY, CRAWL_LOG,
                                                     CATALOGUE}


def test_updates_and_service_never_reach_the_store_server(server, proxy):
    before = len(proxy.seen)
    update = requests.post(server.url + "sparql", timeout=10,
                           data={"query": "INSERT DATA { <urn:a> <urn:b> <urn:c> }"})
    assert update.status_code in (400, 403)
    direct = requests.post(server.url + "sparql", data=b"DROP ALL", timeout=10,
                           headers={"Content-Type": "application/sparql-update"})
    assert direct.status_code in (400, 403)
    service = _rows(server.url, "SELECT * WHERE { SERVICE <http://127.0.0.1:1/sparql> "
                                "{ ?s ?p ?o } }")
    assert service.status_code in (400, 403)
    sent = b" ".join(body for _, _, body in proxy.seen[before:])
    assert b"INSERT" not in sent and b"DROP" not in sent and b"SERVICE" not in sent
    assert not any(path.startswith("/update") for _, path, _ in proxy.seen[before:])


def test_a_failed_write_is_reported_and_leaves_every_graph_whole(harness, make_site, proxy):
    first, second = make_site(count=3), make_site(org="1280", count=3, seed=2)
    harness.register(first)
    harness.register(second)
    harness.crawl()
    before = harness.titles()
    changed = [_change(first, "Nytt namn hos den första"),
               _change(second, "Nytt namn hos den andra")]
    proxy.fail_puts = {second.base_url}  # the write stops half-way: one graph written
    try:
        outcomes = harness.crawl()
    except StoreError as exc:  # the crawl stops with the store's error
        assert "answered 500" in exc.message and "svarade 500" in exc.message_sv
    else:  # or that node fails and the others go in
        assert outcomes[second.base_url].status == "failed"
        assert any("answered 500" in e.message_en for e in outcomes[second.base_url].errors)
    titles = harness.titles()  # each node graph is its old or its new state, never a mix
    assert len(titles) == 6
    assert titles[changed[0]] in (before[changed[0]], "Nytt namn hos den första")
    assert titles[changed[1]] == before[changed[1]]
    proxy.fail_puts = set()
    harness.crawl()  # the crawl state was not recorded: both nodes are read again
    titles = harness.titles()
    assert [titles[i] for i in changed] == ["Nytt namn hos den första", "Nytt namn hos den andra"]
    versions = harness.select(
        "SELECT ?v WHERE { ?v <http://purl.org/dc/terms/isVersionOf> ?i }", dataset="history")
    assert len(versions) == 8  # six first versions and two changes, none twice


INITIATIVES = "SELECT ?i WHERE { ?i a <https://w3id.org/pios/vocab#Initiative> } ORDER BY ?i"


def _crawled_three(server, make_site):
    """A node of three initiatives, crawled: the node, the query of the initiatives, and the
    answer the endpoint gave while the store was well (to compare with later)."""
    site = make_site(count=3)
    server.register(site)
    server.crawl()
    return site, INITIATIVES, _rows(server.url, INITIATIVES).json()


def test_a_store_server_that_is_down_answers_503_and_the_state_returns(server, make_site, proxy):
    site, query, good = _crawled_three(server, make_site)
    proxy.down = True
    answer = _rows(server.url, query)
    assert answer.status_code == 503
    assert "answered 503" in answer.text and "svarade 503" in answer.text
    assert requests.get(server.url + "health", timeout=10).status_code == 503
    proxy.down = False
    assert _rows(server.url, query).json() == good


def test_dump_holds_every_graph_of_the_server(harness, make_site, tmp_path):
    site = make_site(count=3)
    harness.register(site)
    harness.crawl()
    harness.store.snapshot()
    out, void = dump.write(latest_snapshot(harness.instance.snapshots), tmp_path / "d.nq.gz",
                           [site.base_url])
    graphs: dict[str, int] = {}
    for line in gzip.decompress(out.read_bytes()).decode().splitlines():
        name = line.rsplit(" ", 2)[-2].strip("<>")
        graphs[name] = graphs.get(name, 0) + 1
    assert {site.base_url, REFERENCE, HISTORY, CRAWL_LOG} <= set(graphs)
    assert CATALOGUE not in graphs
    assert graphs[site.base_url] == len(harness.store.graph(site.base_url))
    assert "void:entities 3" in void.read_text()


def test_backup_of_an_external_store_points_to_the_servers_tools(harness, tmp_path):
    harness.instance.release_writer()
    with pytest.raises(PiosError) as refused:
        backup.backup(harness.instance, tmp_path / "backup")
    assert "server's own tools" in refused.value.message
    assert "serverns egna" in refused.value.message_sv


def test_an_instance_moved_to_an_empty_server_is_read_in_full_at_its_next_crawl(
        tmp_path, make_site, proxy, monkeypatch, make_harness):
    site = make_site(count=3)
    with monkeypatch.context() as embedded:
        for name in ("QUERY", "UPDATE", "DATA"):
            embedded.delenv(f"PIOS_AGGREGATOR_STORE_{name}_URL")
        before = make_harness(tmp_path / "moved")
        before.register(site)
        before.crawl()
        titles = before.titles()
        before.close()
    after = make_harness(tmp_path / "moved")  # the same instance, now on the server
    outcome = after.crawl()[site.base_url]
    assert outcome.status == "updated"
    assert after.titles() == titles


def test_query_workers_stay_sealed_and_the_server_process_asks_the_store(server, make_site,
                                                                          proxy):
    site = make_site(count=3)
    server.register(site)
    server.crawl()
    report = parts.of(server.app).queries.wait_for_sandbox(60)
    if report is None or not report.sealed:
        pytest.skip("this machine cannot seal the query workers off from the network")
    before = len(proxy.seen)
    answer = _rows(server.url, "SELECT ?i WHERE { ?i a <https://w3id.org/pios/vocab#Initiative> }")
    assert answer.status_code == 200
    assert len(answer.json()["results"]["bindings"]) == 3
    assert any(path.startswith("/query") for _, path, _ in proxy.seen[before:])


def _wait_for(job, seconds: float = 60.0):
    deadline = time.monotonic() + seconds
    while not job.finished:
        assert time.monotonic() < deadline, "the crawl did not finish"
        time.sleep(0.05)
    return job


def test_a_store_server_that_is_stopped_is_reported_and_its_last_state_is_read_once_it_is_back(
        make_server, make_site, tmp_path, monkeypatch):
    with stores.OxigraphServer(tmp_path / "stopped") as store:  # no proxy: the real server
        for name, value in store.settings().items():
            monkeypatch.setenv(f"PIOS_AGGREGATOR_{name.upper()}", value)
        server = make_server(tmp_path / "served-directly")
        site, query, good = _crawled_three(server, make_site)
        assert len(good["results"]["bindings"]) == 3

        store.stop()  # the server process is gone
        answer = _rows(server.url, query)
        assert answer.status_code == 503
        assert "cannot be reached" in answer.text and "går inte att nå" in answer.text
        page = requests.get(server.url, timeout=30)
        assert page.status_code == 503 and "Traceback" not in page.text
        _change(site, "Ändrad medan lagringen var nere")
        job = _wait_for(server.state.service.request(None))
        reported = " ".join(f["reason"] for f in job.failed) + (job.error or "")
        assert "cannot be reached" in reported  # the crawl says why it wrote nothing

        store.start()  # the same folder and port: the last good state is there
        assert _rows(server.url, query).json() == good
        server.crawl()  # the change that could not be written is read again, and goes in
        titles = {b["t"]["value"] for b in _rows(server.url, (
            "SELECT ?t WHERE { ?i <http://purl.org/dc/terms/title> ?t }")).json()[
            "results"]["bindings"]}
        assert "Ändrad medan lagringen var nere" in titles


def test_a_slow_store_server_is_reported_within_store_timeout_and_then_answers_again(
        make_server, make_site, proxy, tmp_path, monkeypatch):
    monkeypatch.setenv("PIOS_AGGREGATOR_STORE_TIMEOUT", "1")
    server = make_server(tmp_path / "impatient")
    site, query, good = _crawled_three(server, make_site)
    proxy.delay = 3.0
    started = time.monotonic()
    answer = _rows(server.url, query)
    assert answer.status_code == 503
    assert "did not answer within 1 s" in answer.text and "svarade inte inom 1 s" in answer.text
    assert time.monotonic() - started < 3.0  # not held for as long as the server dawdles
    _change(site, "Ändrad medan lagringen var långsam")
    job = _wait_for(server.state.service.request(None))
    reported = " ".join(f["reason"] for f in job.failed) + (job.error or "")
    assert "did not answer within 1 s" in reported
    proxy.delay = 0.0
    assert _rows(server.url, query).json() == good  # the last good state, whole


def test_a_bearer_token_from_the_settings_signs_in_and_a_wrong_one_is_reported(
        make_harness, make_site, tmp_path, monkeypatch):
    with stores.OxigraphServer(tmp_path / "tokened") as store:
        front = stores.Proxy(store.url, token="rätt-token-123")
        try:
            for name, value in {**front.settings(), "store_token": "rätt-token-123"}.items():
                monkeypatch.setenv(f"PIOS_AGGREGATOR_{name.upper()}", value)
            site = make_site(count=2)
            harness = make_harness(tmp_path / "with-token")
            harness.register(site)
            assert harness.crawl()[site.base_url].status == "updated"
            assert len(harness.titles()) == 2
            harness.close()
            monkeypatch.setenv("PIOS_AGGREGATOR_STORE_TOKEN", "fel-token")
            with pytest.raises(StoreError) as refused:
                make_harness(tmp_path / "with-token")  # opening the store reads its catalogue
            assert "answered 401" in refused.value.message
            assert "svarade 401" in refused.value.message_sv
            assert "fel-token" not in refused.value.message
        finally:
            front.close()


def test_no_command_takes_the_stores_credentials():
    from pios_ld.aggregator.cli import aggregator

    options = {name for command in aggregator.commands.values() for param in command.params
               for name in getattr(param, "opts", [])}
    assert not [o for o in options if any(w in o for w in ("store", "password", "token",
                                                           "user"))]
