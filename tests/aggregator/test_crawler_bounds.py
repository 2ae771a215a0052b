"""What bounds a crawl: budgets, time limits, size limits, caps, held catalogs, Retry-After.

Every misbehaving node is a real server on loopback (:mod:`hostile`); settings are made small.
"""

from __future__ import annotations

import copy
import os
import time

import pytest
from click.testing import CliRunner
from hostile import (
    HostileNode,
    retry_after_long,
    retry_after_short,
    slow_to_check,
    status_flood,
    thousand_catalog_pages,
    trickle_body,
    truncated_catalog,
)
from pios_ld.aggregator import digest
from pios_ld.aggregator.workerpool import JobTimeout, WorkerCrashed, WorkerPool

from pios_ld import organizations
from pios_ld.cli import main as pios
from pios_ld.errors import ParseError


@pytest.fixture
def bounded(tmp_path, monkeypatch, request):
    """A harness with the given settings, and hostile nodes to register in it."""
    made: list[HostileNode] = []

    def make(**settings):
        for name, value in settings.items():
            monkeypatch.setenv(f"PIOS_AGGREGATOR_{name.upper()}", str(value))
        return request.getfixturevalue("harness")

    def node(count: int = 3, org: str = "0114", seed: int = 1) -> HostileNode:
        site = HostileNode(tmp_path / f"node-{len(made)}", organizations.find(org))
        site.generate(count, seed=seed)
        site.publish()
        made.append(site)
        return site

    yield make, node
    for site in made:
        site.close()


def _crawled_once(bounded, count: int = 3, **settings):
    """A harness with *settings* that has crawled one good node of *count* initiatives."""
    make, node = bounded
    harness = make(**settings)
    site = node(count=count)
    harness.register(site)
    harness.crawl()
    return harness, site


def test_a_trickling_node_fails_at_its_budget_and_a_good_one_is_committed_long_before(bounded):
    make, node = bounded
    harness = make(node_time_budget=2, fetch_timeout=30)
    slow, good = node(org="0114"), node(org="Vellinge", seed=2)
    harness.register(slow)
    harness.register(good)
    slow.misbehave(trickle_body)
    committed = {}
    started = time.monotonic()
    outcomes = {o.node.url: o for o in harness.crawler.crawl(
        progress=lambda o: committed.setdefault(o.node.url, time.monotonic() - started))}
    assert time.monotonic() - started < 2 + 2
    assert outcomes[good.base_url].status == "updated"
    assert committed[good.base_url] < 1.5  # committed when done, not when the slow one was
    assert outcomes[slow.base_url].status == "failed"
    assert "node_time_budget" in outcomes[slow.base_url].errors[-1].message_en
    assert set(good.records) <= set(harness.titles())


def test_one_time_budget_covers_every_catalog_page_of_a_node(bounded):
    make, node = bounded
    harness = make(node_time_budget=1.5)
    site = node()
    harness.register(site)
    site.misbehave(thousand_catalog_pages)
    started = time.monotonic()
    outcome = harness.crawl()[site.base_url]
    assert time.monotonic() - started < 1.5 + 1.5
    assert outcome.status == "failed"
    assert 5 < outcome.requests < 1000
    assert "node_time_budget" in outcome.errors[-1].message_en
    assert "budget" in outcome.errors[-1].message_sv.lower() or "tidsbudget" in \
        outcome.errors[-1].message_sv


def test_one_byte_budget_covers_every_page_and_the_last_good_data_stays(bounded):
    make, node = bounded
    harness = make(node_max_bytes=40_000)
    site = node(count=0)
    site.generate(30)
    site.publish(page_size=5, feed_page_size=4)
    harness.register(site)
    outcome = harness.crawl()[site.base_url]
    assert outcome.status == "failed"
    assert "node_max_bytes" in outcome.errors[-1].message_en
    assert outcome.bytes <= 40_000
    assert harness.titles() == {}


def test_a_screening_job_past_its_time_limit_replaces_its_worker_and_others_go_on(bounded):
    make, node = bounded
    # the good node's check takes a few hundredths of a second on a quiet machine; the slow
    # node's 22,000 records take over a second, yet stay under the fast reader's 8 MB (above it
    # the document is read another way)
    harness = make(screen_timeout=0.4, crawl_processes=1, node_time_budget=60)
    slow, good = node(org="0114"), node(count=60, org="Vellinge", seed=2)  # > 64 KiB: a worker
    harness.register(slow)
    harness.register(good)
    slow.misbehave(slow_to_check(22_000))  # about 7.7 MB: the fast reader's, in a worker
    outcomes = harness.crawl()
    assert outcomes[slow.base_url].status == "failed"
    assert "screen_timeout" in outcomes[slow.base_url].errors[-1].message_en
    assert outcomes[good.base_url].status == "updated"
    assert set(harness.titles()) == set(good.records)
    assert harness.crawler.pool.replaced == 1


def test_a_worker_pool_stops_overrunning_and_dying_jobs_and_goes_on():
    pool = WorkerPool(1)
    try:
        started = time.monotonic()
        with pytest.raises(JobTimeout):
            pool.run(time.sleep, 30, timeout=0.5)
        assert time.monotonic() - started < 20  # includes starting the worker
        with pytest.raises(WorkerCrashed):
            pool.run(os._exit, 3, timeout=10)
        assert pool.run(sum, [1, 2], timeout=30) == 3
        assert pool.replaced == 2
    finally:
        pool.close()


def test_a_document_a_worker_cannot_read_comes_back_as_its_own_error():
    broken = (b'{"@id": "https://n.example/catalog", "next"', "application/ld+json",
              "https://n.example/catalog")
    with pytest.raises(ParseError) as here:
        digest.next_catalog_page(*broken)
    pool = WorkerPool(1)
    try:
        with pytest.raises(ParseError) as there:
            pool.run(digest.next_catalog_page, *broken, timeout=60)
    finally:
        pool.close()
    assert (there.value.message, there.value.message_sv) == (here.value.message,
                                                             here.value.message_sv)
    assert pool.replaced == 0  # an error in the document is not a crash of the worker


def test_a_record_of_300000_status_updates_is_refused_unread_fast(bounded):
    """Regression: 300,000 status updates in one record took 70–86 s and 2.9 GB, and put every
    one of its problems into the crawl log and the registry, again on every crawl."""
    harness, site = _crawled_once(bounded)
    site.misbehave(status_flood(300_000))
    started = time.monotonic()
    outcome = harness.crawl()[site.base_url]
    assert time.monotonic() - started < 15
    assert outcome.status == "updated"
    assert [p.kind for p in outcome.quarantined] == ["too-large"]
    huge = next(iter(site.records))
    assert outcome.stale == [huge]  # its last valid version stays, marked stale
    assert len(harness.titles()) == 3
    log = harness.select("SELECT (COUNT(*) AS ?n) WHERE { GRAPH "
                         "<https://w3id.org/pios/graph/crawl-log> { ?s ?p ?o } }",
                         dataset="history")
    assert int(log[0]["n"]) < 200
    history = harness.select("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", dataset="history")
    assert int(history[0]["n"]) < 1000


def test_rule_results_of_one_record_are_capped_and_the_message_says_how_many_more(bounded):
    make, node = bounded
    harness = make(max_problems=10)
    site = node()
    bad = copy.deepcopy(next(iter(site.records.values())))
    bad["statusUpdate"] = [{"type": "StatusUpdate", "date": "2026-01-01", "phase": f"nej-{i}",
                            "health": "on-track", "summary": {"sv": "x"}} for i in range(300)]
    site.records[bad["id"]] = bad
    site.publish()
    harness.register(site)
    outcome = harness.crawl()[site.base_url]
    problem = outcome.quarantined[0]
    assert len(problem.results) == 10
    assert problem.more >= 290
    assert f"… and {problem.more:,} more." in problem.message_en
    assert f"… och {problem.more} till." in problem.message_sv
    detail = harness.instance.registry.crawls(outcome.node.id, 1)[0]["detail"]
    assert len(detail["quarantined"][0]["results"]) == 10


def test_a_value_quoted_in_a_message_is_cut_to_size(bounded):
    make, node = bounded
    harness = make()
    site = node()
    bad = copy.deepcopy(next(iter(site.records.values())))
    bad["id"] = site.base_url + "initiatives/" + "x" * 100_000
    bad.pop("phase")
    site.records[bad["id"]] = bad
    site.publish()
    harness.register(site)
    outcome = harness.crawl()[site.base_url]
    problem = outcome.quarantined[0]
    assert len(problem.message_en) < 1000 and "…" in problem.message_en
    assert problem.subject is None  # too long to keep as an IRI
    assert all(len(v) <= 401 for r in problem.results for v in r.values() if isinstance(v, str))


def test_a_truncated_catalog_is_held_until_the_publisher_confirms(bounded):
    make, node = bounded
    harness = make(hold_repeats=5)
    site = node(count=6)
    registered = harness.register(site)
    harness.crawl()
    site.misbehave(truncated_catalog)
    outcome = harness.crawl()[site.base_url]
    assert outcome.status == "held"
    assert outcome.held["listed"] == 1 and outcome.held["previous"] == 6
    assert set(harness.titles()) == set(site.records)  # nothing deleted
    assert "1 of 6" in outcome.errors[-1].message_en
    folder = str(harness.instance.folder)
    listing = CliRunner().invoke(pios, ["aggregator", "list-nodes", folder])
    assert "HELD" in listing.output and "lists 1 of 6" in listing.output
    assert harness.crawl()[site.base_url].status == "held"  # again: still nothing deleted
    assert harness.instance.registry.get(registered.id).state["held_count"] == 2
    log = harness.select(
        "SELECT ?s WHERE { GRAPH <https://w3id.org/pios/graph/crawl-log> "
        "{ ?c <https://w3id.org/pios/aggregator#status> ?s } }", dataset="history")
    assert "held" in {r["s"] for r in log}

    confirmed = CliRunner().invoke(pios, ["aggregator", "confirm-deletions", folder,
                                          str(registered.id)])
    assert confirmed.exit_code == 0, confirmed.output
    outcome = harness.crawl()[site.base_url]
    assert outcome.status == "updated"
    assert len(harness.titles()) == 1
    state = harness.instance.registry.get(registered.id).state
    assert (state["held_count"], state["deletions_confirmed"]) == (0, 0)
    again = CliRunner().invoke(pios, ["aggregator", "confirm-deletions", folder,
                                      str(registered.id)])
    assert again.exit_code == 2 and "nothing to confirm" in again.output


def test_a_held_catalog_goes_ahead_after_consecutive_crawls_find_the_same(bounded):
    harness, site = _crawled_once(bounded, 6, hold_repeats=2)
    site.misbehave(truncated_catalog)
    assert harness.crawl()[site.base_url].status == "held"
    outcome = harness.crawl()[site.base_url]
    assert outcome.status == "updated"
    assert "2 consecutive crawls" in outcome.errors[-1].message_en
    assert len(harness.titles()) == 1


def test_a_small_deletion_is_not_held(bounded):
    harness, site = _crawled_once(bounded, 6)
    site.delete(next(iter(site.records)))
    site.publish()
    assert harness.crawl()[site.base_url].status == "updated"
    assert len(harness.titles()) == 5


def test_an_unchanged_record_read_again_makes_no_new_version(bounded):
    harness, site = _crawled_once(bounded, 3)

    def versions() -> int:
        rows = harness.select("SELECT (COUNT(DISTINCT ?v) AS ?n) WHERE { ?v "
                              "<http://purl.org/dc/terms/isVersionOf> ?i }", dataset="history")
        return int(rows[0]["n"])

    assert versions() == 3
    site.faults["/feed-1"] = (404, b"gone for a moment")  # so the catalog is read again,
    site.faults["/catalog"] = (200, (site.root / "catalog").read_bytes())  # whole (no ETag)
    assert harness.crawl()[site.base_url].status == "updated"
    assert versions() == 3
    site.faults.clear()
    record = copy.deepcopy(next(iter(site.records.values())))
    record["title"] = {"sv": "Ändrad titel"}
    record["modified"] = "2026-12-01T10:00:00Z"
    site.put(record)
    site.publish()  # the newest feed page changes: its old members are read again
    harness.crawl()
    assert versions() == 4
    site.publish()
    harness.crawl()
    assert versions() == 4


def test_retry_after_is_honoured_when_short_and_reported_when_long(bounded):
    make, node = bounded
    harness = make(retry_after_max=3)
    patient, busy = node(org="0114"), node(org="Vellinge", seed=2)
    harness.register(patient)
    harness.register(busy)
    harness.crawl()
    patient.misbehave(retry_after_short)
    busy.misbehave(retry_after_long)
    started = time.monotonic()
    outcomes = harness.crawl()
    assert time.monotonic() - started < 5
    assert outcomes[patient.base_url].status == "unchanged"
    assert patient.hits["/feed-1"] == 2  # asked again after the second it asked for
    assert outcomes[busy.base_url].status == "failed"
    assert busy.hits["/feed-1"] == 1  # an hour is longer than retry_after_max: not asked again
    assert "Retry-After" in outcomes[busy.base_url].errors[-1].message_en


def test_feed_pages_read_before_the_budget_ran_out_are_kept_and_the_next_crawl_goes_on(bounded):
    make, node = bounded
    # feed pages of two versions are 11-15 kB (a real node's, the context inlined): a budget of
    # 40 kB reads two or three of them per crawl, never the 72 kB catalog
    harness = make(node_max_bytes=40_000)
    site = node(count=0)
    site.generate(24)
    site.publish(feed_page_size=2)

    def versions() -> int:
        rows = harness.select("SELECT (COUNT(DISTINCT ?v) AS ?n) WHERE { ?v "
                              "<http://purl.org/dc/terms/isVersionOf> ?i }", dataset="history")
        return int(rows[0]["n"])

    harness.register(site)
    first = harness.crawl()[site.base_url]
    assert first.status == "failed" and "node_max_bytes" in first.errors[-1].message_en
    seen = [versions()]
    for _ in range(24):
        harness.crawl()
        seen.append(versions())
        if seen[-1] == 24:
            break
    assert 0 < seen[0] < 24 and seen[-1] == 24
    assert seen == sorted(seen)


def test_the_node_page_says_when_a_catalog_is_held(make_server, tmp_path):
    server = make_server()
    site = HostileNode(tmp_path / "held", organizations.find("0114"))
    try:
        site.generate(6)
        site.publish()
        node = server.register(site)
        server.crawl()
        site.misbehave(truncated_catalog)
        server.crawl()
        client = server.app.test_client()
        english = client.get(f"/nodes/{node.id}?lang=en").get_data(as_text=True)
        assert "lists only 1 of 6 initiatives" in english and "Nothing has been deleted" in english
        swedish = client.get(f"/nodes/{node.id}?lang=sv").get_data(as_text=True)
        assert "bara 1 av 6 initiativ" in swedish
    finally:
        site.close()


@pytest.mark.parametrize("previous, listed, held", [
    (40, 0, True), (40, 19, True), (40, 20, False), (3, 0, True), (3, 1, False),
    (6, 1, True), (0, 0, False), (40, 39, False)])
def test_a_catalog_is_held_when_it_lists_far_fewer_than_the_last_good_crawl(previous, listed,
                                                                              held):
    from pios_ld.aggregator import holding

    decision = holding.decide({"initiatives": previous}, listed, {}, "2026-12-01T00:00:00Z")
    assert decision.held is held
