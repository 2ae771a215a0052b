"""What the person running a node sees: /health and an access line per request."""

from __future__ import annotations

import io
import json
import time

import requests
from nodehelpers import record

from pios_ld import logs


def test_health_answers_200_with_a_small_status(live):
    answer = requests.get(f"{live.url}/health", timeout=10)
    assert answer.status_code == 200
    assert answer.json()["status"] == "ok" and answer.json()["initiatives"] == 0
    assert live.post(record()).status_code == 201
    assert requests.get(f"{live.url}/health", timeout=10).json()["initiatives"] == 1


def test_health_answers_503_when_the_database_cannot_be_read(live):
    database = live.store.path
    for path in (database, database.with_name(database.name + "-wal")):
        if path.exists():  # the fault: the database file is overwritten under the node
            path.write_bytes(b"\0" * path.stat().st_size)
    answer = requests.get(f"{live.url}/health", timeout=10)
    assert answer.status_code == 503
    assert answer.json()["status"] == "unavailable"


def test_access_lines_have_method_path_status_and_duration_but_no_query_string(live):
    stream = io.StringIO()
    logs.configure("json", "info", stream)
    try:
        requests.get(f"{live.url}/catalog?email=anna@example.se", timeout=10)
        requests.get(f"{live.url}/nothing-here", timeout=10)
        for _ in range(100):  # the line is written once the response has gone out
            if "/nothing-here" in stream.getvalue():
                break
            time.sleep(0.02)
    finally:
        logs.reset()
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    access = {line["path"]: line for line in lines if line["logger"] == "pios_ld.access"}
    assert access["/catalog"]["status"] == 200 and access["/catalog"]["method"] == "GET"
    assert access["/nothing-here"]["status"] == 404
    assert "example.se" not in stream.getvalue()


def test_backup_while_serving_and_restore_bring_back_the_published_catalog(live, tmp_path):
    from click.testing import CliRunner

    from pios_ld.cli import main

    def catalog() -> list[str]:
        answer = requests.get(f"{live.url}/catalog", headers={"Accept": "application/ld+json"},
                              timeout=10).json()
        return sorted(r["identifier"] for r in answer["initiative"])

    assert live.post(record("forst")).status_code == 201
    copy = tmp_path / "backup.db"
    result = CliRunner().invoke(main, ["node", "backup", str(live.instance), str(copy)])
    assert result.exit_code == 0, result.output
    assert live.post(record("sedan")).status_code == 201
    assert catalog() == ["forst", "sedan"]
    result = CliRunner().invoke(main, ["node", "restore", str(live.instance), str(copy)])
    assert result.exit_code == 0, result.output
    from pios_ld.node import create_app

    restarted = create_app({"instance": live.instance}).test_client()  # started again
    answer = restarted.get("/catalog", headers={"Accept": "application/ld+json"}).get_json()
    assert [r["identifier"] for r in answer["initiative"]] == ["forst"]
    assert (live.instance / "node.db.before-restore").exists()


def test_restore_refuses_a_file_that_is_not_a_node_database(live, tmp_path):
    from click.testing import CliRunner

    from pios_ld.cli import main

    junk = tmp_path / "junk.db"
    junk.write_text("not a database")
    result = CliRunner().invoke(main, ["node", "restore", str(live.instance), str(junk)])
    assert result.exit_code == 2
    assert "SQLite" in result.output
    assert requests.get(f"{live.url}/health", timeout=10).json()["status"] == "ok"
