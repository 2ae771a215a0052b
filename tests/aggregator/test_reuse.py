"""The reuse network over a real federation: who builds on whom, since when (from the history),
by county; the national list, the county map, and the JSON, GraphML and CSV downloads agree."""

from __future__ import annotations

import copy
import csv
import io
from xml.etree import ElementTree as ET

import pytest
import requests

GRAPHML = "{http://graphml.graphdrawing.org/xmlns}"
#: A reused initiative outside the national graph (no node publishes it).
ELSEWHERE = "https://kommun.example/initiatives/annat"


def _change(site, record, when, **fields) -> None:
    record.update(fields, modified=when)
    site.put(copy.deepcopy(record), timestamp=when)
    site.publish()


@pytest.fixture
def reused(make_server, make_site):
    """Upplands Väsby (Stockholms län) built a solution; Vellinge and Lund (Skåne län) said they
    reuse it in later versions, Lund with Upplands Väsby as partner; a crawl between."""
    server = make_server()
    owner, vellinge, lund = (make_site(count=1), make_site(org="Vellinge", count=1),
                             make_site(org="Lund", count=1))
    for site in (owner, vellinge, lund):
        for record in site.records.values():  # the generated links are not this test's
            if record.pop("reuses", None) or record.pop("participant", None):
                site.put(copy.deepcopy(record))
        site.publish()
        server.register(site)
    server.crawl()
    solution = next(iter(owner.records.values()))
    adopter_v = next(iter(vellinge.records.values()))
    adopter_l = next(iter(lund.records.values()))
    _change(vellinge, adopter_v, "2026-02-10T09:00:00Z", reuses=[solution["id"]])
    server.crawl()
    _change(lund, adopter_l, "2026-05-20T09:00:00Z", reuses=[solution["id"]],
            participant=[owner.org.iri])
    server.crawl()
    return server, {"solution": solution, "vellinge": adopter_v, "lund": adopter_l,
                    "owner": owner.org, "sites": (owner, vellinge, lund)}


def _get(server, path, **params):
    answer = requests.get(server.url + path, params=params, timeout=60)
    assert answer.status_code == 200, answer.text[:400]
    return answer


def test_the_most_reused_solutions_name_their_adopters_and_when_they_joined(reused):
    server, f = reused
    data = _get(server, "reuse.json").json()
    assert data["reuseLinks"] == 2 and data["adopters"] == 2 and data["partnerLinks"] == 1
    (top,) = data["solutions"]
    assert top["solution"] == f["solution"]["id"] and top["title"] == f["solution"]["title"]["sv"]
    assert top["owner"]["name"] == "Upplands Väsby kommun"
    assert top["organizations"] == 2 and top["counties"] == 1
    assert [(a["organization"]["name"], a["since"][:10]) for a in top["adopters"]] == [
        ("Vellinge kommun", "2026-02-10"), ("Lunds kommun", "2026-05-20")]
    assert top["first"].startswith("2026-02-10")
    html = _get(server, "reuse").text
    assert "Mest återanvända lösningar" in html and f["solution"]["title"]["sv"] in html
    assert "Vellinge kommun, Lunds kommun" in html  # the network table, by solution


def test_a_solution_page_groups_adopters_by_county_with_an_adoption_curve(reused):
    server, f = reused
    data = _get(server, "reuse/solution.json", iri=f["solution"]["id"]).json()
    assert [(g["county"], len(g["adopters"])) for g in data["byCounty"]] == [("Skåne län", 2)]
    assert data["curve"] == [{"period": "2026-Q1", "new": 1, "total": 1},
                             {"period": "2026-Q2", "new": 1, "total": 2}]
    html = _get(server, "reuse/solution", iri=f["solution"]["id"]).text
    assert "Skåne län" in html and "10 februari 2026" in html and "<svg" in html
    missing = requests.get(server.url + "reuse/solution", timeout=30,
                           params={"iri": f["vellinge"]["id"]})
    assert missing.status_code == 404 and "återanvänder" in missing.text


def test_the_county_map_shows_coverage_and_adoption_with_the_same_facts_in_its_table(reused):
    server, f = reused
    data = _get(server, "reuse/map.json").json()
    counties = {c["county"]: c for c in data["counties"]}
    assert len(counties) == 21
    skane, stockholm = counties["Skåne län"], counties["Stockholms län"]
    assert skane["publishing"] == 2 and skane["adopting"] == 2
    assert stockholm["publishing"] == 1 and stockholm["adopting"] == 0
    assert skane["coverage"] == round(100 * 2 / skane["organizations"])
    assert len({(c["column"], c["row"]) for c in data["counties"]}) == 21  # no tile on another
    table = list(csv.DictReader(io.StringIO(
        _get(server, "reuse/map.csv").content.decode("utf-8-sig"))))
    assert {r["county"]: int(r["adopting_organizations"]) for r in table} == {
        c["county"]: c["adopting"] for c in data["counties"]}
    html = _get(server, "reuse/map").text
    assert html.count('class="tile level-') == 21 and "Skåne län" in html
    one = _get(server, "reuse/map.json", solution=f["solution"]["id"]).json()
    assert {c["county"]: c["adopting"] for c in one["counties"]}["Skåne län"] == 2


def test_the_network_downloads_as_graphml_and_csv_and_agrees_with_the_json(reused):
    server, f = reused
    data = _get(server, "reuse.json").json()
    answer = _get(server, "reuse/network.graphml")
    assert answer.headers["Content-Type"].startswith("application/graphml+xml")
    root = ET.fromstring(answer.content)
    graph = root.find(f"{GRAPHML}graph")
    nodes = {n.get("id") for n in graph.findall(f"{GRAPHML}node")}
    assert nodes == {o["iri"] for o in data["organizations"]}
    edges = [(e.get("source"), e.get("target"),
              {d.get("key"): d.text for d in e.findall(f"{GRAPHML}data")})
             for e in graph.findall(f"{GRAPHML}edge")]
    kinds = sorted(d["type"] for _, _, d in edges)
    assert kinds == ["partner", "reuses", "reuses"]
    owner, lund = f["owner"].iri, f["sites"][2].org.iri
    assert {(source, target) for source, target, d in edges if d["type"] == "partner"} == {
        (owner, lund)}  # the partner works on Lund's initiative
    assert all(target == owner for _, target, d in edges if d["type"] == "reuses")
    rows = list(csv.DictReader(io.StringIO(
        _get(server, "reuse/network.csv").content.decode("utf-8-sig"))))
    assert sorted((r["kind"], r["from_name"], r["to_name"]) for r in rows) == [
        ("partner", "Upplands Väsby kommun", "Lunds kommun"),
        ("reuses", "Lunds kommun", "Upplands Väsby kommun"),
        ("reuses", "Vellinge kommun", "Upplands Väsby kommun")]
    solutions = list(csv.DictReader(io.StringIO(
        _get(server, "reuse/solutions.csv").content.decode("utf-8-sig"))))
    assert [(r["solution"], r["organizations"]) for r in solutions] == [
        (f["solution"]["id"], "2")]


def test_an_aggregator_where_nobody_reuses_anything_explains_how_it_fills(make_server, make_site):
    server = make_server()
    server.register(make_site(count=2))
    server.crawl()
    html = _get(server, "reuse").text
    assert "Inget initiativ anger ännu" in html
    assert _get(server, "reuse.json").json()["solutions"] == []
    root = ET.fromstring(_get(server, "reuse/network.graphml").content)
    assert root.find(f"{GRAPHML}graph") is not None
    assert requests.get(server.url + "reuse/budgets.csv", timeout=30).status_code == 404


@pytest.fixture
def at_home(make_server, make_site):
    """Upplands Väsby's solution, reused by another Upplands Väsby initiative and by Vellinge;
    the solution also names itself in its reuses (a slip a publisher can make)."""
    server = make_server()
    owner, vellinge = make_site(count=2), make_site(org="Vellinge", count=1)
    solution, sibling = (dict(r) for r in owner.records.values())
    adopter = dict(next(iter(vellinge.records.values())))
    for site, record in ((owner, solution), (owner, sibling), (vellinge, adopter)):
        record.pop("reuses", None)
        record.pop("participant", None)
        site.put(copy.deepcopy(record))
    _change(owner, solution, "2026-01-05T09:00:00Z", reuses=[solution["id"]])
    _change(owner, sibling, "2026-01-10T09:00:00Z", reuses=[solution["id"], ELSEWHERE])
    _change(vellinge, adopter, "2026-03-01T09:00:00Z", reuses=[solution["id"]])
    for site in (owner, vellinge):
        server.register(site)
    server.crawl()
    return server, solution, sibling, adopter


def test_reuse_inside_the_owner_is_listed_but_not_counted_as_spread(at_home):
    server, solution, sibling, adopter = at_home
    data = _get(server, "reuse/solution.json", iri=solution["id"]).json()
    assert {a["initiative"]: a["own"] for a in data["adopters"]} == {
        sibling["id"]: True, adopter["id"]: False}  # the self-link is no adoption
    assert data["organizations"] == 1 and data["counties"] == 1
    assert data["first"].startswith("2026-03-01")
    assert data["curve"] == [{"period": "2026-Q1", "new": 1, "total": 1}]
    assert "egen organisation" in _get(server, "reuse/solution", iri=solution["id"]).text
    counties = {c["county"]: c["adopting"] for c in _get(
        server, "reuse/map.json", solution=solution["id"]).json()["counties"]}
    assert counties["Stockholms län"] == 0 and counties["Skåne län"] == 1


def test_the_initiative_page_lists_who_reuses_it_from_the_network_and_links_its_spread(at_home):
    server, solution, sibling, adopter = at_home
    data = _get(server, "initiative.json", iri=solution["id"]).json()
    network = _get(server, "reuse/solution.json", iri=solution["id"]).json()
    assert [r["iri"] for r in data["reusedBy"]] == [a["initiative"] for a in network["adopters"]]
    assert [r["since"] for r in data["reusedBy"]] == [a["since"] for a in network["adopters"]]
    assert data["reuseSolution"] is True
    html = _get(server, "initiative", iri=solution["id"]).text
    assert "/reuse/solution?iri=" in html and "sedan 1 mars 2026" in html
    unused = _get(server, "initiative.json", iri=adopter["id"]).json()
    assert unused["reusedBy"] == [] and unused["reuseSolution"] is False
    assert "/reuse/solution?iri=" not in _get(server, "initiative", iri=adopter["id"]).text


def test_scaling_follows_solutions_adopted_by_several_organisations_with_their_curve(reused):
    server, f = reused
    data = _get(server, "reuse/scaling.json").json()
    assert data["scaledFrom"] == 2 and data["count"] == 1
    (scaled,) = data["solutions"]
    assert scaled["solution"] == f["solution"]["id"] and scaled["organizations"] == 2
    assert scaled["curve"] == [{"period": "2026-Q1", "new": 1, "total": 1},
                               {"period": "2026-Q2", "new": 1, "total": 2}]
    html = _get(server, "reuse/scaling").text
    assert "Spridning av lösningar" in html and html.count("<rect") == 2
    assert '<th scope="row">2026-Q2</th><td class="num">1</td><td class="num">2</td>' in html
    assert "/reuse/scaling" in _get(server, "").text and "/reuse/scaling" in _get(
        server, "reuse").text
    assert "Scaling follow-up" in _get(server, "reuse/scaling", lang="en").text


def test_scaling_says_so_when_no_solution_has_spread_to_several_organisations(at_home):
    server, *_ = at_home
    assert _get(server, "reuse/scaling.json").json()["solutions"] == []
    assert "Ingen lösning återanvänds ännu av flera" in _get(server, "reuse/scaling").text


def test_a_partner_is_dated_from_the_history_and_listed_on_the_solution_page(reused):
    server, f = reused
    data = _get(server, "reuse.json").json()
    (partner,) = [e for e in data["edges"] if e["kind"] == "partner"]
    assert partner["since"].startswith("2026-05-20")  # the version that named the partner
    assert partner["initiative"] == f["lund"]["id"]


def test_a_solution_outside_the_graph_is_a_node_of_its_own_in_graphml(at_home):
    server, solution, sibling, _ = at_home
    data = _get(server, "reuse.json").json()
    assert ELSEWHERE in [s["solution"] for s in data["solutions"]]
    graph = ET.fromstring(_get(server, "reuse/network.graphml").content).find(f"{GRAPHML}graph")
    kinds = {n.get("id"): {d.get("key"): d.text for d in n.findall(f"{GRAPHML}data")}.get("kind")
             for n in graph.findall(f"{GRAPHML}node")}
    assert kinds[ELSEWHERE] == "initiative"
    targets = [e.get("target") for e in graph.findall(f"{GRAPHML}edge")]
    assert len(targets) == len(data["edges"]) and ELSEWHERE in targets
    rows = list(csv.DictReader(io.StringIO(
        _get(server, "reuse/network.csv").content.decode("utf-8-sig"))))
    assert len(rows) == len(data["edges"])
    assert ELSEWHERE in _get(server, "reuse").text
