"""The live feed: versions in order, immutable full pages, and the reference LDES client."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
import requests
from nodehelpers import record

from pios_ld import feed, rdf

JS = Path(__file__).resolve().parents[1] / "js"


def read_feed(url: str) -> list[feed.Member]:
    """Follow the feed from its view like a peer: every member of every page, in order."""
    stream = rdf.parse(requests.get(url, headers={"Accept": "text/turtle"}, timeout=10).content,
                       rdf.TURTLE)
    view = next(q.object.value for q in stream if q.predicate.value == feed.TREE + "view")
    members, pages = [], [view]
    while pages:
        page_url = pages.pop(0)
        response = requests.get(page_url, headers={"Accept": "application/n-quads"}, timeout=10)
        page = feed.read_page(rdf.parse(response.content, rdf.N_QUADS), page_url)
        members += page.members
        pages += page.next_pages
    return members


def test_feed_shows_create_update_delete_as_three_versions_in_order(live):
    assert live.post(record()).status_code == 201
    assert requests.patch(f"{live.url}/api/initiatives/digital-tillsyn", json={"phase": "scaling"},
                          headers=live.auth(), timeout=10).status_code == 204
    assert requests.delete(f"{live.url}/api/initiatives/digital-tillsyn", headers=live.auth(),
                           timeout=10).status_code == 204
    members = read_feed(f"{live.url}/feed")
    iri = f"{live.url}/initiatives/digital-tillsyn"
    assert [m.initiative for m in members] == [iri, iri, iri]
    assert [m.deleted for m in members] == [False, False, True]
    assert [m.timestamp for m in members] == sorted(m.timestamp for m in members)
    second = requests.get(members[1].iri, headers={"Accept": "application/ld+json"}, timeout=10)
    assert second.json()["phase"] == "scaling"
    first = requests.get(members[0].iri, headers={"Accept": "application/ld+json"}, timeout=10)
    assert first.json()["phase"] == "pilot"


def test_an_unchanged_record_makes_no_new_version(live):
    live.post(record())
    requests.put(f"{live.url}/api/initiatives/digital-tillsyn", json=record(),
                 headers=live.auth(), timeout=10)
    assert len(read_feed(f"{live.url}/feed")) == 1


def test_full_pages_are_immutable_and_the_newest_page_revalidates(start_node):
    node = start_node(feed_page_size=2)
    for i in range(5):
        node.post(record(f"initiativ-{i}"))
    full = requests.get(f"{node.url}/feed-1", headers={"Accept": "text/turtle"}, timeout=10)
    assert full.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    newest = requests.get(f"{node.url}/feed-3", headers={"Accept": "text/turtle"}, timeout=10)
    assert "immutable" not in newest.headers["Cache-Control"]
    assert newest.headers["ETag"]
    again = requests.get(f"{node.url}/feed-3", timeout=10, headers={
        "Accept": "text/turtle", "If-None-Match": newest.headers["ETag"]})
    assert again.status_code == 304
    assert [m.initiative.rsplit("/", 1)[-1] for m in read_feed(f"{node.url}/feed")] == [
        f"initiativ-{i}" for i in range(5)]
    node.post(record("initiativ-5"))
    assert requests.get(f"{node.url}/feed-1", headers={"Accept": "text/turtle"},
                        timeout=10).content == full.content


@pytest.mark.skipif(shutil.which("node") is None or shutil.which("npm") is None,
                    reason="node and npm are not installed")
def test_reference_ldes_client_sees_every_version_deletes_included(start_node):
    if not (JS / "node_modules" / "ldes-client").exists():
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=JS, check=True,
                       capture_output=True, timeout=300)
    node = start_node(feed_page_size=3)
    for i in range(4):
        node.post(record(f"initiativ-{i}"))
    requests.patch(f"{node.url}/api/initiatives/initiativ-1", json={"phase": "scaling"},
                   headers=node.auth(), timeout=10)
    requests.delete(f"{node.url}/api/initiatives/initiativ-2", headers=node.auth(), timeout=10)
    done = subprocess.run(["node", "replicate.mjs", f"{node.url}/feed"], cwd=JS,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "error" not in done.stderr.lower(), done.stderr
    members = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
    assert sorted(m["id"] for m in members) == sorted(
        f"{node.url}/versions/{seq}" for seq in range(1, 7))
    deletes = [m for m in members if feed.AS + "Delete" in m["types"]]
    assert [d["isVersionOf"] for d in deletes] == [f"{node.url}/initiatives/initiativ-2"]
    assert [m["timestamp"] for m in members] == sorted(m["timestamp"] for m in members)
