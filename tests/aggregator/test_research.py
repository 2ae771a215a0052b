"""The researcher's kit: docs/research/pios_analysis.py, run as a researcher runs it (a separate
process, SPARQLWrapper and pandas, over HTTP) against a real federation with real history, prints
and writes the figures that the nodes' own data give when counted by hand."""

from __future__ import annotations

import copy
import csv
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "docs" / "research" / "pios_analysis.py"
R_SCRIPT = ROOT / "docs" / "research" / "pios_analysis.R"


def _version(site, record, when, **fields) -> None:
    record.update(fields, modified=when)
    site.put(copy.deepcopy(record), timestamp=when)


@pytest.fixture
def federation(make_server, make_site):
    """Two municipalities and a region; in the history, of the initiatives once planned one is
    now in operation, one discontinued and one still planned; one reuses another's work."""
    server = make_server()
    sites = {"väsby": make_site(count=3), "vellinge": make_site(org="Vellinge", count=2),
             "region": make_site(org="Region Skåne", count=2)}
    records = {name: list(site.records.values()) for name, site in sites.items()}
    for site in sites.values():
        site.versions.clear()
        site.records.clear()
    a, b, c = records["väsby"]
    d, e = records["vellinge"]
    f, g = records["region"]
    for record in (a, b, c, d, e, f, g):
        record.pop("reuses", None)
        record.pop("codeRepository", None)
    e["reuses"] = [a["id"]]
    f["codeRepository"] = "https://github.com/region-skane/tjanst"
    plan = [("väsby", a, "2025-01-10T08:00:00Z", "idea"), ("väsby", b, "2025-01-11T08:00:00Z",
                                                          "planning"),
            ("väsby", c, "2025-01-12T08:00:00Z", "prestudy"),
            ("vellinge", d, "2025-01-13T08:00:00Z", "pilot"),
            ("vellinge", e, "2025-01-14T08:00:00Z", "development"),
            ("region", f, "2025-01-15T08:00:00Z", "operation"),
            ("region", g, "2025-01-16T08:00:00Z", "implementation"),
            ("väsby", a, "2025-06-01T08:00:00Z", "pilot"),
            ("väsby", a, "2025-11-01T08:00:00Z", "operation"),
            ("väsby", b, "2025-09-01T08:00:00Z", "discontinued")]
    plan.sort(key=lambda step: step[2])  # a node's feed is in time order
    for name, record, when, phase in plan:
        _version(sites[name], record, when, phase=phase)
    for site in sites.values():
        site.publish()
        server.register(site)
    server.crawl()
    return server, records


def _table(folder: Path, name: str) -> list[dict[str, str]]:
    with open(folder / f"{name}.csv", encoding="utf-8") as file:
        return list(csv.DictReader(file))


def _budget(record: dict) -> float:
    return float(record.get("budget", {}).get("value", 0))


@pytest.mark.parametrize("language", ["python", "r"])
def test_the_research_script_answers_its_four_questions_with_the_nodes_figures(federation,
                                                                               tmp_path, language):
    server, records = federation
    command = ([sys.executable, str(SCRIPT), server.url, "--out", str(tmp_path)]
               if language == "python" else ["Rscript", str(R_SCRIPT), server.url, str(tmp_path)])
    done = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "1. What share of planned initiatives reach completion?" in done.stdout

    outcome = {r["outcome"]: int(r["initiatives"]) for r in _table(tmp_path, "completion")}
    assert outcome == {"ever planned": 3, "reached completion (in operation or closed)": 1,
                       "discontinued": 1, "not (yet) completed": 1}

    everyone = [r for rs in records.values() for r in rs]
    themes = _table(tmp_path, "theme_reuse")
    assert sum(int(float(r["initiatives"])) for r in themes) == sum(
        len(r["theme"]) for r in everyone)
    assert sum(int(float(r["reusing_initiatives"])) for r in themes) == sum(
        len(r["theme"]) for r in everyone if r.get("reuses"))

    by_type = {r["type"]: float(r["budget_sek"]) for r in _table(tmp_path, "budgets_by_type")}
    municipal = sum(_budget(r) for r in records["väsby"] + records["vellinge"])
    assert by_type == {"Municipality": municipal, "Region": sum(map(_budget, records["region"]))}
    by_county = {r["county"]: float(r["budget_sek"])
                 for r in _table(tmp_path, "budgets_by_county")}
    assert by_county["Stockholms län"] == sum(map(_budget, records["väsby"]))
    assert by_county["Skåne län"] == sum(map(_budget, records["vellinge"] + records["region"]))

    code = {r["type"]: (int(float(r["initiatives"])), int(float(r["with_code"])))
            for r in _table(tmp_path, "open_code")}
    assert code == {"Municipality": (5, 0), "Region": (2, 1)}


def test_the_research_script_says_what_is_wrong_with_an_address_that_is_no_aggregator(tmp_path):
    done = subprocess.run([sys.executable, str(SCRIPT), "http://127.0.0.1:9/"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode != 0
    assert "127.0.0.1:9" in done.stderr and "Traceback" not in done.stderr
