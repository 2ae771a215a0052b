"""The history stays compact: a version that repeats the one before it is not stored again, and
what did not change between two versions (a status update, a budget) is stored once; the history
example queries answer as before."""

from __future__ import annotations

import copy

from pios_ld.aggregator.examples import EXAMPLES

HISTORY = "history"
VERSIONS = ("SELECT (COUNT(DISTINCT ?v) AS ?n) WHERE { ?v "
            "<http://purl.org/dc/terms/isVersionOf> ?i }")
STATEMENTS = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
UPDATES = ("SELECT (COUNT(DISTINCT ?u) AS ?n) WHERE { ?v <http://purl.org/dc/terms/isVersionOf> "
           "<%s> ; <https://w3id.org/pios/vocab#hasStatusUpdate> ?u }")


def _count(harness, query: str) -> int:
    return int(harness.select(query, dataset=HISTORY)[0]["n"])


def _step(site, record: dict, when: str, **fields) -> dict:
    record = copy.deepcopy(record)
    record.update(fields, modified=when)
    site.put(record, timestamp=when)
    return record


def test_a_version_that_repeats_the_one_before_adds_nothing_to_the_history(harness, make_site):
    site = make_site(count=2)
    harness.register(site)
    harness.crawl()
    before = (_count(harness, VERSIONS), _count(harness, STATEMENTS))
    for record in list(site.records.values()):  # published again, only the save time is new
        _step(site, record, "2026-11-25T10:00:00Z")
    site.publish()
    outcome = harness.crawl()[site.base_url]
    assert (_count(harness, VERSIONS), _count(harness, STATEMENTS)) == before
    assert outcome.repeated_versions == 2
    first = next(iter(site.records.values()))
    _step(site, first, "2026-11-26T10:00:00Z", title={"sv": "Ny titel"})  # a change is kept
    site.publish()
    harness.crawl()
    assert _count(harness, VERSIONS) == before[0] + 1
    assert _count(harness, STATEMENTS) > before[1]


def test_a_repeat_within_one_page_and_after_a_change_back_is_judged_against_its_neighbour(
        harness, make_site):
    site = make_site(count=1)
    record = next(iter(site.records.values()))
    a = _step(site, record, "2026-11-20T10:00:00Z", phase="pilot")
    _step(site, a, "2026-11-20T11:00:00Z")  # the same again: left out
    b = _step(site, a, "2026-11-21T10:00:00Z", phase="implementation")
    _step(site, b, "2026-11-22T10:00:00Z", phase="pilot")  # back to pilot: a change, kept
    site.publish()
    harness.register(site)
    harness.crawl()
    phases = harness.select(
        "SELECT ?when ?phase WHERE { ?v <http://purl.org/dc/terms/isVersionOf> <"
        + record["id"] + "> ; <http://www.w3.org/ns/prov#generatedAtTime> ?when ; "
        "<https://w3id.org/pios/vocab#phase> ?phase } ORDER BY ?when",
        dataset=HISTORY)
    assert [p["phase"].rsplit("/", 1)[1] for p in phases][-3:] == [
        "pilot", "implementation", "pilot"]
    assert "2026-11-20T11:00:00Z" not in {p["when"] for p in phases}


def test_an_unchanged_status_update_is_one_node_for_every_version_that_carries_it(harness,
                                                                                   make_site):
    site = make_site(count=1)
    record = next(iter(site.records.values()))
    site.versions.clear()  # the record's life starts here, without the generated updates
    record = _step(site, record, "2026-10-01T10:00:00Z", statusUpdate=[])
    for n, phase in enumerate(("pilot", "implementation", "operation"), start=1):
        update = {"type": "StatusUpdate", "date": f"2026-1{n - 1}-15", "phase": phase,
                  "health": "on-track", "summary": {"sv": f"Steg {n}."}}
        record = _step(site, record, f"2026-1{n - 1}-16T10:00:00Z", phase=phase,
                       statusUpdate=[*record["statusUpdate"], update])
    site.publish()
    harness.register(site)
    harness.crawl()
    # four versions carry 0 + 1 + 2 + 3 updates; three different updates are stored
    assert _count(harness, UPDATES % record["id"]) == 3
    per_version = harness.select(
        "SELECT ?v (COUNT(?u) AS ?n) WHERE { ?v <http://purl.org/dc/terms/isVersionOf> <"
        + record["id"] + "> OPTIONAL { ?v <https://w3id.org/pios/vocab#hasStatusUpdate> ?u } } "
        "GROUP BY ?v", dataset=HISTORY)
    assert sorted(int(r["n"]) for r in per_version) == [0, 1, 2, 3]


def test_the_history_examples_answer_with_versions_and_status_updates_after_compaction(
        harness, make_site):
    site = make_site(count=3)
    for record in list(site.records.values()):
        new = "closed" if record["phase"] != "closed" else "operation"
        _step(site, record, "2026-11-27T10:00:00Z", phase=new)
        _step(site, record, "2026-11-28T10:00:00Z", phase=new)  # a repeat
    site.publish()
    harness.register(site)
    harness.crawl()
    example = next(e for e in EXAMPLES if e.id == "phase-changes")
    rows = harness.select(example.query, dataset=HISTORY)
    per_initiative: dict[str, list[str]] = {}
    for row in rows:
        per_initiative.setdefault(row["initiative"], []).append(row["phase"])
    assert len(per_initiative) == 3
    assert all(len(phases) == 2 and phases[-1].rsplit("/", 1)[1] in ("closed", "operation")
               and phases[0] != phases[-1] for phases in per_initiative.values())
