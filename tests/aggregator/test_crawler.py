"""The crawler against nodes served over real HTTP on loopback."""

from __future__ import annotations

import copy


def test_first_crawl_takes_in_every_valid_initiative_with_its_history(harness, make_site):
    site = make_site(count=4)
    harness.register(site)
    outcome = harness.crawl()[site.base_url]
    assert outcome.status == "updated", outcome.summary()
    assert set(harness.titles()) == set(site.records)
    history = harness.select(
        "SELECT ?v WHERE { ?v <http://purl.org/dc/terms/isVersionOf> ?i }", dataset="history")
    assert len(history) == 4


def test_unchanged_node_costs_one_304_and_no_store_write(harness, make_site):
    site = make_site(count=3)
    harness.register(site)
    harness.crawl()
    writes = harness.store.writes
    site.requests.clear()
    outcome = harness.crawl()[site.base_url]
    assert outcome.status == "unchanged"
    assert site.requests == [("/feed-1", 304)]
    assert harness.store.writes == writes


def test_changed_record_replaces_the_old_one_and_history_keeps_both(harness, make_site):
    site = make_site(count=3)
    harness.register(site)
    harness.crawl()
    record = site.change_first(title={"sv": "Nytt namn på initiativet"}, phase="operation")
    outcome = harness.crawl()[site.base_url]
    assert outcome.status == "updated"
    assert harness.titles()[record["id"]] == "Nytt namn på initiativet"
    assert len(harness.titles()) == 3
    phases = harness.select(
        "SELECT ?when ?p WHERE { ?v "
        f"<http://purl.org/dc/terms/isVersionOf> <{record['id']}> ; "
        "<http://www.w3.org/ns/prov#generatedAtTime> ?when ; "
        "<https://w3id.org/pios/vocab#phase> ?p } ORDER BY ?when", dataset="history")
    assert len(phases) == 2
    assert phases[-1]["p"].endswith("/operation")


def test_deleted_initiative_leaves_the_national_graph(harness, make_site):
    site = make_site(count=3)
    harness.register(site)
    harness.crawl()
    gone = next(iter(site.records))
    site.delete(gone)
    site.publish()
    harness.crawl()
    assert gone not in harness.titles()
    assert len(harness.titles()) == 2


def _fails_and_keeps_its_data(harness, site, feed: tuple, catalog: tuple):
    """Crawl *site* once, then with its feed and catalog answering *feed* and *catalog*: the
    crawl fails and the national graph keeps what the first crawl took in. The outcome."""
    harness.register(site)
    harness.crawl()
    before = harness.titles()
    site.faults["/feed-1"] = feed
    site.faults["/catalog"] = catalog
    outcome = harness.crawl()[site.base_url]
    assert outcome.status == "failed"
    assert harness.titles() == before
    return outcome


def test_node_that_goes_down_keeps_its_last_good_data(harness, make_site):
    site = make_site(count=3)
    outcome = _fails_and_keeps_its_data(harness, site, (500, b"oops"), (500, b"oops"))
    before = harness.titles()
    crawls = harness.instance.registry.crawls(outcome.node.id)
    assert "HTTP 500" in crawls[0]["detail"]["errors"][-1]["message_en"]
    site.close()  # down entirely: connection refused
    outcome = harness.crawl()[site.base_url]
    assert outcome.status == "failed"
    assert harness.titles() == before


def test_garbage_keeps_last_good_data_and_reports_why(harness, make_site):
    site = make_site(count=2)
    outcome = _fails_and_keeps_its_data(harness, site, (200, b"{not json at all"),
                                        (200, b"<html>garbage</html>"))
    reasons = " ".join(p.message_en for p in outcome.errors)
    assert "JSON" in reasons


def test_invalid_record_is_quarantined_alone_and_the_valid_ones_go_in(harness, make_site):
    site = make_site(count=3)
    bad = copy.deepcopy(next(iter(site.records.values())))
    bad["id"] = site.base_url + "initiatives/utan-fas"
    bad["identifier"] = "utan-fas"
    del bad["phase"]
    site.records[bad["id"]] = bad
    site.publish()
    harness.register(site)
    outcome = harness.crawl()[site.base_url]
    assert [p.subject for p in outcome.quarantined] == [bad["id"]]
    assert bad["id"] not in harness.titles()
    assert len(harness.titles()) == 3
    messages = [r["message_sv"] for r in outcome.quarantined[0].results]
    assert messages and all(messages)


def test_record_that_turns_invalid_keeps_last_valid_version_marked_stale(harness, make_site):
    site = make_site(count=2)
    harness.register(site)
    harness.crawl()
    old_title = next(iter(site.records.values()))["title"]["sv"]
    record = site.change_first(title={"sv": "Trasig ny version"}, phase="no-such-phase")
    outcome = harness.crawl()[site.base_url]
    assert outcome.stale == [record["id"]]
    assert harness.titles()[record["id"]] == old_title
    stale = harness.select("SELECT ?i WHERE { ?i <https://w3id.org/pios/aggregator#stale> true }")
    assert [r["i"] for r in stale] == [record["id"]]


def test_statements_about_another_nodes_initiative_are_dropped_and_reported(harness, make_site):
    victim = make_site(org="0114", count=1)
    attacker = make_site(org="Vellinge", count=1)
    harness.register(victim)
    harness.register(attacker)
    harness.crawl()
    target = next(iter(victim.records))
    original = harness.titles()[target]
    forged = copy.deepcopy(next(iter(victim.records.values())))
    forged["title"] = {"sv": "Kapad titel"}
    attacker.extra_catalog_items.append({k: v for k, v in forged.items() if k != "@context"})
    own = copy.deepcopy(next(iter(attacker.records.values())))
    own["responsibleOrganization"] = victim.org.iri  # speaking for another organisation
    own["modified"] = "2026-11-26T10:00:00Z"
    attacker.put(own)
    attacker.publish()
    outcome = harness.crawl()[attacker.base_url]
    assert harness.titles()[target] == original
    kinds = {(p.kind, p.subject) for p in outcome.dropped}
    assert ("authority", target) in kinds
    assert ("organisation", own["id"]) in kinds
    assert own["id"] not in harness.titles()


def test_catalog_published_by_another_organisation_is_refused(harness, make_site):
    site = make_site(count=2)
    site.catalog_publisher = "http://dataportal.se/organisation/SE2021000035"
    site.publish()
    harness.register(site)
    outcome = harness.crawl()[site.base_url]
    assert outcome.status == "refused"
    assert harness.titles() == {}
    assert "SE2021000035" in outcome.errors[0].message_en


def test_broken_feed_falls_back_to_the_catalog(harness, make_site):
    site = make_site(count=2)
    site.faults["/feed"] = (404, b"no feed here")
    harness.register(site)
    outcome = harness.crawl()[site.base_url]
    assert outcome.status == "updated"
    assert len(harness.titles()) == 2
    assert outcome.errors and outcome.errors[0].kind == "feed"


def test_paged_catalog_and_feed_are_read_to_the_end(harness, make_site):
    site = make_site(count=0)
    site.generate(23)
    site.publish(page_size=5, feed_page_size=4)
    harness.register(site)
    harness.crawl()
    assert len(harness.titles()) == 23
    site.requests.clear()
    harness.crawl()
    assert site.requests == [("/feed-6", 304)]
