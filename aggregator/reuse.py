"""The reuse network: who builds on whom, and how far a solution has spread.

Read from the national graph's current state and the history dataset in three constant queries:

- :data:`REUSES`: every ``pios:reuses`` link (an initiative that builds on a solution, both with
  their responsible organisations; the solution may lie outside the national graph). A publisher
  who marks "Vi återanvänder detta" on a similar initiative in the node's editor writes one;
- :data:`PARTNERS`: every ``pios:participant`` (an organisation that works on another's
  initiative);
- :data:`ADOPTED`: per link, the first version in the history that carried it, which is when the
  adopter said so (the publisher's time; a link older than the history has no date).

:func:`network` shapes them into solutions with their adopters (each with organisation, county
and date; an adopter of the solution's own organisation is marked ``own`` and not counted as
spread: not in ``organizations``, ``counties``, ``first``, the curve or the map), the
organisation-to-organisation edges, and the downloads: JSON (:func:`network` itself), GraphML
(:func:`graphml`) and CSV (:func:`edge_rows`). :func:`adoption_curve` counts a
solution's adopters per quarter; :func:`county_tiles` places Sweden's 21 counties on a tile map
(:data:`TILES`, a grid of squares placed roughly as the counties lie: no shapes to license) with
each county's coverage and adoption.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from typing import Any
from xml.etree import ElementTree as ET

from pios_ld import organizations

REUSES = ("SELECT ?i ?o ?s ?so WHERE { ?i pios:reuses ?s ; pios:responsibleOrganization ?o . "
          "OPTIONAL { ?s pios:responsibleOrganization ?so } }")
PARTNERS = ("SELECT ?i ?o ?p WHERE { ?i pios:participant ?p ; "
            "pios:responsibleOrganization ?o }")
ADOPTED = ("SELECT ?i ?s (MIN(?when) AS ?since) WHERE { ?v dct:isVersionOf ?i ; "
           "pios:reuses ?s ; prov:generatedAtTime ?when } GROUP BY ?i ?s")
#: Per partner link, the first version in the history that named the partner.
PARTNERED = ("SELECT ?i ?p (MIN(?when) AS ?since) WHERE { ?v dct:isVersionOf ?i ; "
             "pios:participant ?p ; prov:generatedAtTime ?when } GROUP BY ?i ?p")
#: The county tile map: county code → (column, row) on a 4 × 10 grid, north at the top.
TILES: dict[str, tuple[int, int]] = {
    "25": (2, 0), "24": (2, 1), "23": (1, 2), "22": (2, 2), "20": (1, 3), "21": (2, 3),
    "17": (0, 4), "19": (1, 4), "03": (2, 4), "18": (1, 5), "04": (2, 5), "01": (3, 5),
    "14": (0, 6), "05": (2, 6), "13": (0, 7), "06": (1, 7), "08": (2, 7), "09": (3, 7),
    "07": (1, 8), "10": (2, 8), "12": (1, 9),
}
GRAPHML = "http://graphml.graphdrawing.org/xmlns"


def _org(iri: str | None) -> dict[str, Any]:
    found = organizations.by_iri(iri) if iri else None
    return {"iri": iri, "name": found.name if found else iri,
            "county": found.county_name if found else None,
            "countyCode": found.county_code if found else None,
            "kind": found.kind if found else None}


def network(reuses: Iterable[dict], partners: Iterable[dict], adopted: Iterable[dict],
            titles: dict[str, str], partnered: Iterable[dict] = ()) -> dict[str, Any]:
    """Solutions (most adopters first) with their adopters, and the network's edges (a partner
    link dated by *partnered*, the rows of :data:`PARTNERED`)."""
    since = {(r["i"], r["s"]): r["since"] for r in adopted}
    named = {(r["i"], r["p"]): r["since"] for r in partnered}
    solutions: dict[str, dict[str, Any]] = {}
    edges = []
    for row in reuses:
        if row["i"] == row["s"]:
            continue  # an initiative that names itself builds on nothing
        solution = solutions.setdefault(row["s"], {
            "solution": row["s"], "title": titles.get(row["s"]), "owner": _org(row.get("so")),
            "adopters": []})
        if row.get("so") and not solution["owner"]["iri"]:
            solution["owner"] = _org(row["so"])
        when = since.get((row["i"], row["s"]))
        solution["adopters"].append({"initiative": row["i"], "title": titles.get(row["i"]),
                                     "organization": _org(row["o"]), "since": when})
        edges.append({"kind": "reuses", "from": row["o"], "to": row.get("so"),
                      "initiative": row["i"], "solution": row["s"], "since": when})
    for row in partners:
        edges.append({"kind": "partner", "from": row["p"], "to": row["o"],
                      "initiative": row["i"], "solution": None,
                      "since": named.get((row["i"], row["p"]))})
    listed = []
    for solution in solutions.values():
        owner = solution["owner"]["iri"]
        adopters = sorted(({**a, "own": bool(owner) and a["organization"]["iri"] == owner}
                           for a in solution["adopters"]),
                          key=lambda a: (a["since"] or "9", a["initiative"]))
        others = [a for a in adopters if not a["own"]]  # reuse at home is not spread
        listed.append({**solution, "adopters": adopters,
                       "organizations": len({a["organization"]["iri"] for a in others}),
                       "counties": len({a["organization"]["county"] for a in others
                                        if a["organization"]["county"]}),
                       "first": next((a["since"] for a in others if a["since"]), None)})
    listed.sort(key=lambda s: (-s["organizations"], -len(s["adopters"]), s["solution"]))
    orgs = {e["from"] for e in edges} | {e["to"] for e in edges if e["to"]}
    pairs = Counter((e["from"], e["to"]) for e in edges if e["kind"] == "partner")
    return {"solutions": listed, "edges": edges,
            "organizations": [_org(iri) for iri in sorted(orgs)],
            "reuseLinks": sum(1 for e in edges if e["kind"] == "reuses"),
            "partnerLinks": sum(1 for e in edges if e["kind"] == "partner"),
            "adopters": len({e["from"] for e in edges if e["kind"] == "reuses"}),
            "partnerships": [{"partner": _org(a), "organization": _org(b), "initiatives": n}
                             for (a, b), n in pairs.most_common(50)]}


def solution(data: dict[str, Any], iri: str) -> dict[str, Any] | None:
    """One solution of :func:`network` with its adopters by county and its adoption curve."""
    found = next((s for s in data["solutions"] if s["solution"] == iri), None)
    if found is None:
        return None
    by_county: dict[str, list[dict]] = defaultdict(list)
    for adopter in found["adopters"]:
        by_county[adopter["organization"]["county"] or ""].append(adopter)
    partners = sorted(({"organization": _org(e["from"]), "since": e["since"]}
                       for e in data["edges"] if e["kind"] == "partner" and e["initiative"] == iri),
                      key=lambda p: (p["since"] or "9", p["organization"]["name"] or ""))
    return {**found, "partners": partners,
            "byCounty": [{"county": county or None, "adopters": adopters}
                         for county, adopters in sorted(by_county.items())],
            "curve": adoption_curve(found["adopters"])}


def _quarter(moment: str) -> str:
    return f"{moment[:4]}-Q{(int(moment[5:7]) - 1) // 3 + 1}"


def adoption_curve(adopters: list[dict]) -> list[dict[str, Any]]:
    """Per quarter with a new adopting organisation: how many joined then, and in all so far
    (an organisation counts once, at its first link; links without a date, and the solution's
    own organisation, are left out)."""
    first: dict[str, str] = {}
    for adopter in adopters:
        org, when = adopter["organization"]["iri"], adopter["since"]
        if when and not adopter.get("own") and (org not in first or when < first[org]):
            first[org] = when
    joined = Counter(_quarter(when) for when in first.values())
    total = 0
    out = []
    for quarter in sorted(joined):
        total += joined[quarter]
        out.append({"period": quarter, "new": joined[quarter], "total": total})
    return out


#: A solution reused by at least this many other organisations is followed up as scaling.
SCALED_FROM = 2


def scaling(data: dict[str, Any], limit: int = 20) -> dict[str, Any]:
    """The solutions adopted by at least :data:`SCALED_FROM` other organisations (the most
    adopted first, at most *limit*), each with its :func:`adoption_curve`."""
    scaled = [s for s in data["solutions"] if s["organizations"] >= SCALED_FROM]
    return {"scaledFrom": SCALED_FROM, "count": len(scaled),
            "solutions": [{key: found[key] for key in ("solution", "title", "owner",
                                                       "organizations", "counties", "first")}
                          | {"curve": adoption_curve(found["adopters"])}
                          for found in scaled[:limit]]}


def county_tiles(data: dict[str, Any], per_org: dict[str, int],
                 solution_iri: str | None = None) -> list[dict[str, Any]]:
    """Per county: where its tile lies, how many of its organisations publish (coverage), and how
    many adopt a reused solution (or the solution *solution_iri*)."""
    adopting: dict[str, set[str]] = defaultdict(set)
    for found in data["solutions"]:
        if solution_iri and found["solution"] != solution_iri:
            continue
        for adopter in found["adopters"]:
            org = adopter["organization"]
            if org["countyCode"] and not adopter["own"]:
                adopting[org["countyCode"]].add(org["iri"])
    counties: dict[str, dict[str, Any]] = {}
    for org in organizations.load():
        if not org.county_code:
            continue
        entry = counties.setdefault(org.county_code, {
            "code": org.county_code, "county": org.county_name, "organizations": 0,
            "publishing": 0})
        entry["organizations"] += 1
        entry["publishing"] += 1 if per_org.get(org.iri) else 0
    out = []
    for code, entry in sorted(counties.items()):
        column, row = TILES[code]
        share = entry["publishing"] / entry["organizations"] if entry["organizations"] else 0
        out.append({**entry, "column": column, "row": row, "coverage": round(100 * share),
                    "level": 1 + min(3, int(share * 4)) if share else 0,
                    "adopting": len(adopting.get(code, ()))})
    return out


def edge_rows(data: dict[str, Any]) -> tuple[list[str], list[list[Any]]]:
    """The network's edges as a CSV table (header, rows)."""
    names = {o["iri"]: o["name"] for o in data["organizations"]}
    header = ["kind", "from_organization", "from_name", "to_organization", "to_name",
              "initiative", "solution", "since"]
    rows = [[e["kind"], e["from"], names.get(e["from"]), e["to"], names.get(e["to"]),
             e["initiative"], e["solution"], e["since"]] for e in data["edges"]]
    return header, rows


def solution_rows(data: dict[str, Any]) -> tuple[list[str], list[list[Any]]]:
    """The most reused solutions as a CSV table (header, rows)."""
    header = ["solution", "title", "owner", "owner_name", "organizations", "links", "counties",
              "first_adoption"]
    rows = [[s["solution"], s["title"], s["owner"]["iri"], s["owner"]["name"],
             s["organizations"], len(s["adopters"]), s["counties"], s["first"]]
            for s in data["solutions"]]
    return header, rows


def graphml(data: dict[str, Any]) -> bytes:
    """The organisation network as GraphML: organisations are nodes (name, county, kind), each
    reuse or partner link an edge (kind, initiative, solution, since). A reused solution whose
    organisation is not known (it lies outside the national graph) is a node of its own, kind
    ``initiative``, so that every link of the page is an edge here too."""
    ET.register_namespace("", GRAPHML)
    root = ET.Element(f"{{{GRAPHML}}}graphml")
    keys = (("name", "node"), ("county", "node"), ("kind", "node"), ("type", "edge"),
            ("initiative", "edge"), ("solution", "edge"), ("since", "edge"))
    for name, scope in keys:
        ET.SubElement(root, f"{{{GRAPHML}}}key", {"id": name, "for": scope, "attr.name": name,
                                                   "attr.type": "string"})
    graph = ET.SubElement(root, f"{{{GRAPHML}}}graph", {"id": "reuse", "edgedefault": "directed"})
    known = set()
    for org in data["organizations"]:
        node = ET.SubElement(graph, f"{{{GRAPHML}}}node", {"id": org["iri"]})
        known.add(org["iri"])
        for key in ("name", "county", "kind"):
            if org.get(key):
                ET.SubElement(node, f"{{{GRAPHML}}}data", {"key": key}).text = org[key]
    for number, edge in enumerate(data["edges"]):
        target = edge["to"] if edge["to"] in known else edge["solution"]
        if target and target not in known:  # a solution outside the graph: a node of its own
            node = ET.SubElement(graph, f"{{{GRAPHML}}}node", {"id": target})
            ET.SubElement(node, f"{{{GRAPHML}}}data", {"key": "name"}).text = target
            ET.SubElement(node, f"{{{GRAPHML}}}data", {"key": "kind"}).text = "initiative"
            known.add(target)
        if not target or edge["from"] not in known:
            continue
        element = ET.SubElement(graph, f"{{{GRAPHML}}}edge", {
            "id": f"e{number}", "source": edge["from"], "target": target})
        values = {"type": edge["kind"], "initiative": edge["initiative"],
                  "solution": edge["solution"], "since": edge["since"]}
        for key, value in values.items():
            if value:
                ET.SubElement(element, f"{{{GRAPHML}}}data", {"key": key}).text = value
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)
