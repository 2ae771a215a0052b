"""The write API (DESIGN §8): tokens, 201/204, 422 with the report, 400, 413, nothing half-saved."""

from __future__ import annotations

import hashlib
import sqlite3

import requests
from nodehelpers import record


def table_counts(live) -> tuple[int, int]:
    db = sqlite3.connect(live.instance / "node.db")
    try:
        return (db.execute("SELECT count(*) FROM initiatives").fetchone()[0],
                db.execute("SELECT count(*) FROM versions").fetchone()[0])
    finally:
        db.close()


def test_post_creates_with_201_and_location_minted_from_the_identifier(live):
    response = live.post(record())
    assert response.status_code == 201
    assert response.headers["Location"] == f"{live.url}/initiatives/digital-tillsyn"
    stored = requests.get(f"{live.url}/api/initiatives/digital-tillsyn", timeout=10).json()
    assert stored["id"] == response.headers["Location"]
    assert stored["responsibleOrganization"].endswith("SE2120000019")
    assert stored["modified"] and stored["created"]


def test_missing_or_wrong_token_is_401_and_nothing_is_saved(live):
    assert requests.post(f"{live.url}/api/initiatives", json=record(), timeout=10).status_code \
        == 401
    wrong = requests.post(f"{live.url}/api/initiatives", json=record(), timeout=10,
                          headers={"Authorization": "Bearer pios_not-a-token"})
    assert wrong.status_code == 401
    assert wrong.json()["message_sv"]
    assert table_counts(live) == (0, 0)
    live.post(record())
    for method in ("put", "patch", "delete"):
        response = requests.request(method, f"{live.url}/api/initiatives/digital-tillsyn",
                                    json=record(), timeout=10)
        assert response.status_code == 401


def test_tokens_are_stored_only_as_hashes(live):
    db = sqlite3.connect(live.instance / "node.db")
    stored = [row[0] for row in db.execute("SELECT hash FROM tokens")]
    db.close()
    assert live.token not in stored
    assert hashlib.sha256(live.token.encode()).hexdigest() in stored


def test_invalid_record_is_refused_with_the_report_and_leaves_the_database_unchanged(live):
    live.post(record())
    before = table_counts(live)
    bad = record("trasig", phase="nonsense", budget={"value": -5, "currency": "SEK"})
    del bad["title"]
    response = live.post(bad)
    assert response.status_code == 422
    body = response.json()
    assert body["conforms"] is False
    fields = {r["field"] for r in body["results"] if r["severity"] == "Violation"}
    assert {"title", "phase", "value"} <= fields
    assert all(r["message_sv"] and r["message_en"] for r in body["results"])
    replaced = requests.put(f"{live.url}/api/initiatives/digital-tillsyn", timeout=10,
                            json=record(phase="nonsense"), headers=live.auth())
    assert replaced.status_code == 422
    assert table_counts(live) == before
    assert requests.get(f"{live.url}/api/initiatives/digital-tillsyn",
                        timeout=10).json()["phase"] == "pilot"


def test_malformed_json_is_400_with_the_reason(live):
    response = requests.post(f"{live.url}/api/initiatives", data=b'{"identifier": ', timeout=10,
                             headers={**live.auth(), "Content-Type": "application/json"})
    assert response.status_code == 400
    assert "line 1" in response.json()["message"]
    remote = record(**{"@context": "http://127.0.0.1:9/evil.jsonld"})
    response = live.post(remote)
    assert response.status_code == 400
    assert "refused" in response.json()["message"]


def test_too_large_body_is_413(start_node):
    node = start_node(max_body_bytes=2000)
    big = record(description={"sv": "x" * 5000})
    response = node.post(big)
    assert response.status_code == 413


def test_identifier_that_cannot_be_part_of_an_address_is_422(live):
    response = live.post(record("Inte OK/../x"))
    assert response.status_code == 422
    violations = [r for r in response.json()["results"] if r["severity"] == "Violation"]
    assert {r["field"] for r in violations} == {"identifier"}


def test_another_organisations_initiative_is_refused(live):
    other = record(responsibleOrganization="http://dataportal.se/organisation/SE2120001355")
    response = live.post(other)
    assert response.status_code == 422
    assert "responsibleOrganization" in {r["field"] for r in response.json()["results"]}


def test_post_of_an_existing_identifier_is_409(live):
    live.post(record())
    assert live.post(record()).status_code == 409


def test_put_replaces_patch_merges_delete_removes(live):
    url = f"{live.url}/api/initiatives/digital-tillsyn"
    assert requests.put(url, json=record(), headers=live.auth(), timeout=10).status_code == 201
    replaced = record(goal={"sv": "Färre nattbesök."})
    del replaced["budget"]
    assert requests.put(url, json=replaced, headers=live.auth(), timeout=10).status_code == 204
    stored = requests.get(url, timeout=10).json()
    assert "budget" not in stored and stored["goal"] == {"sv": "Färre nattbesök."}
    patch = {"phase": "implementation", "goal": None}
    assert requests.patch(url, json=patch, headers=live.auth(), timeout=10).status_code == 204
    stored = requests.get(url, timeout=10).json()
    assert stored["phase"] == "implementation" and "goal" not in stored
    assert stored["title"] == {"sv": "Digital tillsyn i hemtjänsten"}
    assert requests.delete(url, headers=live.auth(), timeout=10).status_code == 204
    assert requests.get(url, timeout=10).status_code == 404
    assert requests.delete(url, headers=live.auth(), timeout=10).status_code == 404
    assert table_counts(live) == (0, 4)


def test_openapi_description_lists_the_write_operations(live):
    spec = requests.get(f"{live.url}/api/openapi.json", timeout=10).json()
    assert spec["openapi"].startswith("3.")
    operations = spec["paths"]["/api/initiatives/{identifier}"]
    assert {"put", "patch", "delete"} <= set(operations)
    assert "post" in spec["paths"]["/api/initiatives"]
    assert spec["servers"][0]["url"] == live.url
