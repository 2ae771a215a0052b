"""`pios node …` as a person runs it: init, token, user, serve (a real subprocess), settings."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from nodehelpers import record
from pios_ld.node import settings

DOCS = Path(__file__).resolve().parents[2] / "docs" / "node.md"


def pios(*args: str, input: str | None = None, env: dict | None = None):
    return subprocess.run([sys.executable, "-m", "pios_ld", "node", *args], capture_output=True,
                          text=True, input=input, timeout=120,
                          env={**os.environ, **(env or {})})


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_init_creates_the_instance_and_says_what_to_do_next(tmp_path):
    done = pios("init", str(tmp_path / "n"), "--org", "Upplands Väsby",
                "--base-url", "https://pios.upplandsvasby.se/")
    assert done.returncode == 0, done.stderr
    assert "Upplands Väsby kommun" in done.stdout
    assert "pios node serve" in done.stdout and "pios node token create" in done.stdout
    config = settings.load(tmp_path / "n", environ={})
    assert config.base_url == "https://pios.upplandsvasby.se"
    assert config.organization == "http://dataportal.se/organisation/SE2120000019"
    assert (tmp_path / "n" / "node.db").exists()
    assert oct((tmp_path / "n" / "secret.key").stat().st_mode)[-3:] == "600"


def test_init_with_an_unknown_organisation_fails_in_swedish_and_english(tmp_path):
    done = pios("init", str(tmp_path / "n"), "--org", "Ingenstans kommun",
                "--base-url", "https://x.se")
    assert done.returncode == 2
    assert "Ingen organisation" in done.stderr and "No organisation" in done.stderr
    assert "Traceback" not in done.stderr


def test_token_create_prints_only_the_token(tmp_path):
    pios("init", str(tmp_path / "n"), "--org", "0114", "--base-url", "https://x.se")
    done = pios("token", "create", str(tmp_path / "n"), "--name", "ci")
    assert re.fullmatch(r"pios_[A-Za-z0-9_-]{30,}\n", done.stdout)


def test_missing_setting_fails_at_start_saying_how_to_set_it(tmp_path):
    instance = tmp_path / "n"
    instance.mkdir()
    (instance / settings.CONFIG_FILE).write_text('base_url = "https://x.se"\n')
    (instance / settings.SECRET_FILE).write_text("s" * 40)
    done = pios("serve", str(instance), "--port", str(free_port()))
    assert done.returncode == 2
    assert "organization" in done.stderr and "PIOS_NODE_ORGANIZATION" in done.stderr


def test_environment_overrides_the_config_file(tmp_path):
    instance = tmp_path / "n"
    pios("init", str(instance), "--org", "0114", "--base-url", "https://x.se")
    config = settings.load(instance, environ={"PIOS_NODE_BASE_URL": "https://y.se/",
                                              "PIOS_NODE_FEED_PAGE_SIZE": "7"})
    assert config.base_url == "https://y.se" and config.feed_page_size == 7


def test_serve_runs_a_real_server_that_takes_writes_and_publishes(tmp_path):
    instance, port = tmp_path / "n", free_port()
    url = f"http://127.0.0.1:{port}"
    pios("init", str(instance), "--org", "0114", "--base-url", url)
    token = pios("token", "create", str(instance)).stdout.strip()
    assert pios("user", "create", str(instance), "--name", "anna", "--password-stdin",
                input="ett-bra-losenord\n").returncode == 0
    server = subprocess.Popen([sys.executable, "-m", "pios_ld", "node", "serve", str(instance),
                               "--port", str(port)], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE)
    try:
        for _ in range(100):
            try:
                if requests.get(f"{url}/.well-known/pios", timeout=2).status_code == 200:
                    break
            except requests.ConnectionError:
                time.sleep(0.1)
        else:
            pytest.fail("the node did not start")
        response = requests.post(f"{url}/api/initiatives", json=record(), timeout=10,
                                 headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 201
        catalog = requests.get(f"{url}/catalog", headers={"Accept": "application/ld+json"},
                               timeout=10).json()
        assert [r["identifier"] for r in catalog["initiative"]] == ["digital-tillsyn"]
        assert requests.get(url, timeout=10).headers["Server"] == "pios-node"
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_every_command_and_setting_is_documented():
    text = DOCS.read_text(encoding="utf-8")
    for command in ("init", "serve", "token create", "user create", "import", "export",
                    "build", "settings"):
        assert f"pios node {command}" in text, command
    for setting in settings.SETTINGS:
        assert setting.name in text and settings.env(setting) in text, setting.name


def test_init_asks_for_what_the_flags_do_not_give(tmp_path):
    from click.testing import CliRunner
    from pios_ld.node.cli import node

    result = CliRunner().invoke(node, ["init", str(tmp_path / "n")],
                                input="Vellinge\nhttps://pios.vellinge.se\n")
    assert result.exit_code == 0, result.output
    assert "Vellinge kommun" in result.output
    config = settings.load(tmp_path / "n", environ={})
    assert config.base_url == "https://pios.vellinge.se"
