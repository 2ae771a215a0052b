"""A small federation on loopback, as a user would run it: two real nodes (`pios node serve`), a
real aggregator (`pios aggregator serve`), registration, a crawl, SPARQL answers, then an edit on a
node that pings the aggregator and shows up, with its history, in SPARQL within seconds."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from pios_ld import organizations
from pios_ld.tools import generate

PIOS = "https://w3id.org/pios/vocab#"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run(*args: str, env: dict) -> str:
    done = subprocess.run([sys.executable, "-m", "pios_ld", *args], env=env, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def wait_up(url: str, process: subprocess.Popen) -> None:
    for _ in range(300):
        if process.poll() is not None:
            raise AssertionError(f"{url} exited: {process.stdout.read() if process.stdout else ''}")
        try:
            requests.get(url, timeout=1)
            return
        except requests.RequestException:
            time.sleep(0.1)
    raise AssertionError(f"{url} did not start")


def sparql(url: str, query: str, endpoint: str = "sparql") -> list[dict]:
    response = requests.get(url + endpoint, params={"query": query}, timeout=30,
                            headers={"Accept": "application/sparql-results+json"})
    assert response.status_code == 200, response.text
    return response.json()["results"]["bindings"]


@pytest.fixture
def federation(tmp_path: Path, store_backend):
    env = {**os.environ, "PIOS_ALLOW_PRIVATE_ADDRESSES": "1", "PYTHONUNBUFFERED": "1"}
    agg_port = free_port()
    agg_url = f"http://127.0.0.1:{agg_port}/"
    processes: list[subprocess.Popen] = []
    nodes = []
    try:
        for org_key in ("0114", "Vellinge"):
            org = organizations.find(org_key)
            port = free_port()
            base = f"http://127.0.0.1:{port}/"
            folder = tmp_path / f"node-{org.orgnr}"
            run("node", "init", str(folder), "--org", org.orgnr, "--base-url", base, env=env)
            token = run("node", "token", "create", str(folder), env=env).strip()
            process = subprocess.Popen(
                [sys.executable, "-m", "pios_ld", "node", "serve", str(folder), "--host",
                 "127.0.0.1", "--port", str(port)],
                env={**env, "PIOS_NODE_AGGREGATORS": agg_url.rstrip("/")},
                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
            processes.append(process)
            wait_up(base + ".well-known/pios", process)
            records = generate.initiatives(org, 3, seed=5, base_url=base)
            for record in records:
                response = requests.post(base + "api/initiatives", json=record, timeout=30,
                                         headers={"Authorization": f"Bearer {token}"})
                assert response.status_code == 201, response.text
            nodes.append({"org": org, "base": base, "token": token, "records": records})
        instance = tmp_path / "aggregator"
        run("aggregator", "init", str(instance), env=env)
        for node in nodes:
            run("aggregator", "add-node", str(instance), node["base"], "--org",
                node["org"].orgnr, env=env)
        process = subprocess.Popen(
            [sys.executable, "-m", "pios_ld", "aggregator", "serve", str(instance), "--host",
             "127.0.0.1", "--port", str(agg_port)],
            env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        processes.append(process)
        wait_up(agg_url, process)
        yield {"url": agg_url, "nodes": nodes, "instance": instance, "env": env}
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(15)
            except subprocess.TimeoutExpired:
                process.kill()


def test_two_nodes_crawled_edited_and_pinged_show_up_in_sparql(federation):
    url, nodes, env = federation["url"], federation["nodes"], federation["env"]
    output = run("aggregator", "crawl", str(federation["instance"]), env=env)
    assert "Crawled 2 nodes" in output
    rows = sparql(url, f"SELECT ?o (COUNT(?i) AS ?n) WHERE {{ ?i a <{PIOS}Initiative> ; "
                       f"<{PIOS}responsibleOrganization> ?o }} GROUP BY ?o")
    counts = {r["o"]["value"]: int(r["n"]["value"]) for r in rows}
    assert counts == {n["org"].iri: 3 for n in nodes}

    node = nodes[0]
    record = node["records"][0]
    response = requests.patch(node["base"] + f"api/initiatives/{record['identifier']}",
                              json={"title": {"sv": "Ändrad i federationstestet"},
                                    "phase": "scaling"}, timeout=30,
                              headers={"Authorization": f"Bearer {node['token']}"})
    assert response.status_code == 204, response.text
    ask = (f'ASK {{ <{record["id"]}> <http://purl.org/dc/terms/title> '
           '"Ändrad i federationstestet"@sv }')
    deadline = time.monotonic() + 15
    seen = False
    while time.monotonic() < deadline and not seen:
        seen = requests.get(url + "sparql", params={"query": ask}, timeout=30,
                            headers={"Accept": "application/sparql-results+json"}
                            ).json()["boolean"]
        time.sleep(0.1)
    assert seen, "the edit did not reach the national graph within 15 s of the ping"
    history = sparql(url, "SELECT ?p WHERE { "
                          f"?v <http://purl.org/dc/terms/isVersionOf> <{record['id']}> ; "
                          "<http://www.w3.org/ns/prov#generatedAtTime> ?t ; "
                          f"<{PIOS}phase> ?p }} ORDER BY ?t", endpoint="sparql/history")
    phases = [r["p"]["value"].rsplit("/", 1)[-1] for r in history]
    assert phases == [record["phase"], "scaling"]
