"""Backing up a running aggregator and restoring it into a new instance."""

from __future__ import annotations

import json

import requests
from click.testing import CliRunner

from pios_ld.cli import main

COUNT = ("SELECT (COUNT(DISTINCT ?i) AS ?n) WHERE { "
         "?i a <https://w3id.org/pios/vocab#Initiative> }")
VERSIONS = ("SELECT (COUNT(DISTINCT ?v) AS ?n) WHERE { "
            "?v <http://purl.org/dc/terms/isVersionOf> ?i }")


def pios(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.output


def count(url: str, query: str, endpoint: str = "sparql") -> int:
    answer = requests.post(url + endpoint, data={"query": query},
                           headers={"Accept": "application/sparql-results+json"}, timeout=30)
    assert answer.status_code == 200, answer.text
    return int(answer.json()["results"]["bindings"][0]["n"]["value"])


def test_backup_of_a_running_server_restores_into_an_instance_that_answers_the_same(
        tmp_path, make_server, make_site):
    server = make_server()
    site = make_site(count=4)
    server.register(site)
    server.crawl()
    before = count(server.url, COUNT), count(server.url, VERSIONS, "sparql/history")
    assert before[0] == 4 and before[1] >= 4
    code, out = pios("aggregator", "backup", str(server.state.instance.folder),
                     str(tmp_path / "backup"))
    assert code == 0, out
    assert json.loads((tmp_path / "backup" / "backup.json").read_text())["nodes"] == 1

    restored = tmp_path / "restored"
    code, out = pios("aggregator", "restore", str(tmp_path / "backup"), str(restored))
    assert code == 0, out
    code, out = pios("aggregator", "list-nodes", str(restored))
    assert site.base_url in out and "4 initiatives" in out

    again = make_server(restored)
    assert (count(again.url, COUNT), count(again.url, VERSIONS, "sparql/history")) == before
    site.generate(2, seed=7)  # the node adds two initiatives after the backup
    site.publish()
    again.crawl()  # the first crawl after a restore reads the node in full
    assert count(again.url, COUNT) == 6


def test_restore_never_overwrites_an_instance_and_refuses_what_is_no_backup(tmp_path, make_site):
    folder = str(tmp_path / "agg")
    pios("aggregator", "init", folder)
    code, out = pios("aggregator", "backup", folder, str(tmp_path / "b"))
    assert code == 0, out
    code, out = pios("aggregator", "restore", str(tmp_path / "b"), folder)
    assert code == 2 and "not empty" in out
    code, out = pios("aggregator", "restore", str(tmp_path), str(tmp_path / "new"))
    assert code == 2 and "not an aggregator backup" in out
    assert not (tmp_path / "new").exists()
    code, out = pios("aggregator", "backup", folder, str(tmp_path / "b"))
    assert code == 2 and "not empty" in out
