"""What the operator sees: crawl exit codes and summaries, log lines, /health and /metrics."""

from __future__ import annotations

import io
import json

import pytest
import requests
from click.testing import CliRunner
from prometheus_client.parser import text_string_to_metric_families

from pios_ld import logs
from pios_ld.cli import main


def pios(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.output


@pytest.fixture
def log_lines():
    """The pios_ld log records as parsed JSON lines, captured for the test."""
    stream = io.StringIO()
    logs.configure("json", "info", stream)

    def read(waiting_for: str = "") -> list[dict]:
        _wait_for(stream, waiting_for)
        return [json.loads(line) for line in stream.getvalue().splitlines() if line.strip()]

    yield read
    logs.reset()


def _wait_for(stream: io.StringIO, text: str) -> None:
    """The access line is written once the response has gone out: wait for it (bounded)."""
    import time

    for _ in range(100):
        if text in stream.getvalue():
            return
        time.sleep(0.02)


def metrics(url: str) -> dict[tuple[str, tuple], float]:
    text = requests.get(url + "metrics", timeout=10)
    assert text.status_code == 200
    assert text.headers["Content-Type"].startswith("text/plain; version=0.0.4")
    found = {}
    for family in text_string_to_metric_families(text.text):
        for sample in family.samples:
            found[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return found


def _broken_and_good(tmp_path, make_site) -> tuple[str, object, object]:
    good = make_site(count=2)
    broken = make_site(org="Vellinge", count=1)
    broken.faults["/catalog"] = (500, b"internal error")
    folder = str(tmp_path / "agg")
    pios("aggregator", "init", folder)
    pios("aggregator", "add-node", folder, good.base_url, "--org", "0114")
    pios("aggregator", "add-node", folder, broken.base_url, "--org", "Vellinge")
    return folder, good, broken


def test_crawl_exits_1_and_names_the_failed_node_and_why(tmp_path, make_site):
    folder, good, broken = _broken_and_good(tmp_path, make_site)
    code, out = pios("aggregator", "crawl", folder)
    assert code == 1, out
    assert "1 node(s) failed" in out
    [line] = [line for line in out.splitlines() if line.startswith("  Vellinge kommun")]
    assert broken.base_url in line and "500" in line
    code, out = pios("aggregator", "list-nodes", folder)
    assert "why:" in out and "500" in out
    assert "last good crawl never" in out  # the broken node
    assert "last good crawl 20" in out     # the good one, with its time


def test_crawl_exits_0_when_every_node_was_crawled(tmp_path, make_site):
    folder, good, broken = _broken_and_good(tmp_path, make_site)
    del broken.faults["/catalog"]
    code, out = pios("aggregator", "crawl", folder)
    assert code == 0, out
    assert "failed" not in out


def _good_and_broken(make_server, make_site, good_count: int = 1):
    """A serving aggregator with a good node and one whose catalog answers 500."""
    server = make_server()
    good, broken = make_site(count=good_count), make_site(org="Vellinge", count=1)
    broken.faults["/catalog"] = (500, b"no")
    server.register(good)
    server.register(broken)
    return server, good, broken


def test_crawl_through_a_running_server_reports_failures_too(make_server, make_site):
    server, good, broken = _good_and_broken(make_server, make_site)
    code, out = pios("aggregator", "crawl", str(server.state.instance.folder))
    assert code == 1, out
    assert "is running" in out and "1 failed" in out
    assert any(broken.base_url in line and "500" in line for line in out.splitlines()
               if line.startswith("  "))


def test_health_answers_200_and_503_when_the_store_cannot_be_read(make_server):
    server = make_server()
    answer = requests.get(server.url + "health", timeout=10)
    assert answer.status_code == 200
    assert answer.json()["status"] == "ok" and answer.json()["version"]
    server.state.store.close()  # the fault: the store is gone from under the server
    answer = requests.get(server.url + "health", timeout=10)
    assert answer.status_code == 503
    assert answer.json()["status"] == "unavailable"


def test_metrics_count_crawls_queries_and_refusals(make_server, make_site):
    server, good, broken = _good_and_broken(make_server, make_site, 2)
    server.crawl()
    sparql = server.url + "sparql"
    assert requests.post(sparql, data={"query": "ASK {}"}, timeout=10).status_code == 200
    refused = requests.post(sparql, data={"query": "INSERT DATA { <a:b> <a:c> <a:d> }"},
                            timeout=10)
    assert refused.status_code in (400, 403)
    found = metrics(server.url)
    assert found[("pios_aggregator_crawl_nodes_total", (("status", "updated"),))] == 1
    assert found[("pios_aggregator_crawl_nodes_total", (("status", "failed"),))] == 1
    assert found[("pios_aggregator_crawl_runs_total", ())] == 1
    assert found[("pios_aggregator_nodes", (("state", "failed"),))] == 1
    assert found[("pios_aggregator_nodes", (("state", "updated"),))] == 1
    assert found[("pios_aggregator_last_crawl_timestamp_seconds", ())] > 0
    assert found[("pios_aggregator_last_successful_crawl_timestamp_seconds", ())] == 0
    assert found[("pios_aggregator_sparql_query_seconds_count", (("endpoint", "national"),))] == 2
    assert sum(v for (name, _), v in found.items()
               if name == "pios_aggregator_sparql_refusals_total") == 1
    assert found[("pios_aggregator_store_bytes", ())] > 0
    assert found[("pios_aggregator_crawl_queue_depth", ())] == 0


def test_log_lines_for_requests_and_each_crawled_node(make_server, make_site, log_lines):
    server, good, broken = _good_and_broken(make_server, make_site)
    server.crawl()
    requests.get(server.url + "sparql", params={"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 1",
                                                "secret": "name@example.se"}, timeout=10)
    lines = log_lines(waiting_for='"path": "/sparql"')
    access = [line for line in lines if line["logger"] == "pios_ld.access"]
    [query] = [line for line in access if line["path"] == "/sparql"]
    assert (query["method"], query["status"]) == ("GET", 200)
    assert query["duration_ms"] >= 0
    assert "example.se" not in json.dumps(lines)  # query strings are not logged
    crawl = [line for line in lines if line["logger"] == "pios_ld.aggregator.crawl"]
    by_url = {line.get("url"): line for line in crawl if "url" in line}
    assert by_url[good.base_url]["status"] == "updated"
    assert by_url[good.base_url]["level"] == "INFO"
    assert by_url[good.base_url]["seconds"] > 0
    assert by_url[broken.base_url]["status"] == "failed"
    assert by_url[broken.base_url]["level"] == "WARNING"
    assert "500" in by_url[broken.base_url]["reason"]
    [finished] = [line for line in crawl if line["message"].startswith("crawl finished")]
    assert finished["failed"] == 1 and finished["updated"] == 1


def test_plain_log_format_is_one_readable_line_per_record(make_server):
    stream = io.StringIO()
    logs.configure("plain", "info", stream)
    try:
        server = make_server()
        requests.get(server.url + "health", timeout=10)
        _wait_for(stream, "/health")
    finally:
        logs.reset()
    [line] = [line for line in stream.getvalue().splitlines() if "/health" in line]
    assert " INFO pios_ld.access GET /health 200 " in line and line.endswith("ms")


def test_status_is_one_screen_with_states_stale_nodes_and_the_store(tmp_path, make_site):
    folder, good, broken = _broken_and_good(tmp_path, make_site)
    pios("aggregator", "crawl", folder)
    code, out = pios("aggregator", "status", folder)
    assert code == 0, out
    assert "Nodes: 2 (1 failed, 1 updated)" in out
    assert "Stale (no good crawl in 48.0 h): 1" in out and broken.base_url in out
    code, out = pios("aggregator", "status", folder, "--json")
    status = json.loads(out)
    assert status["by_state"] == {"failed": 1, "updated": 1}
    assert [s["url"] for s in status["stale"]] == [broken.base_url]
    assert "500" in status["stale"][0]["why"]
    assert status["store_bytes"] > 0 and status["last_crawl_at"].startswith("20")
