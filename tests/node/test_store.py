"""The node's SQLite store: append-only versions, unchanged records make no version."""

import sqlite3

import pytest
from pios_ld.node.store import Store


def rec(identifier: str, title: str = "T") -> dict:
    return {"identifier": identifier, "id": f"https://x.se/initiatives/{identifier}",
            "title": {"sv": title}}


def test_versions_cannot_be_changed_or_deleted(tmp_path):
    store = Store(tmp_path / "node.db")
    store.save([rec("a")])
    db = sqlite3.connect(tmp_path / "node.db")
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        db.execute("UPDATE versions SET action='delete'")
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        db.execute("DELETE FROM versions")


def test_save_reports_created_updated_unchanged_and_timestamps_never_go_back(tmp_path):
    store = Store(tmp_path / "node.db")
    assert [c.outcome for c in store.save([rec("a"), rec("b")])] == ["created", "created"]
    counter = store.counter()
    assert [c.outcome for c in store.save([rec("a"), rec("b", "Ny")])] == ["unchanged",
                                                                            "updated"]
    assert store.counter() == counter + 1
    store.save([rec("c")], timestamp="2001-01-01T00:00:00Z")
    stamps = [v.timestamp for v in store.versions(1, 10)]
    assert stamps == sorted(stamps) and len(stamps) == 4
    deleted = store.delete("a")
    assert deleted.action == "delete" and store.get("a") is None
    assert store.delete("a") is None
    assert [v.action for v in store.history("a")] == ["create", "delete"]


def test_first_created_time_survives_updates(tmp_path):
    store = Store(tmp_path / "node.db")
    store.save([rec("a")])
    created = store.get("a").record["created"]
    store.save([rec("a", "Ändrad")])
    assert store.get("a").record["created"] == created
    assert store.get("a").record["modified"] >= created
