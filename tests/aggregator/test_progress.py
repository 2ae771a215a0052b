"""Progress over time, from real history: nodes publish versions over two crawls, the aggregator's
page counts what a person checking by hand would count, and its CSV and JSON twins agree."""

from __future__ import annotations

import copy
import csv
import io
from datetime import UTC, datetime

import pytest
import requests
from pios_ld.aggregator import progress

PHASE = "https://w3id.org/pios/concept/phase/"
BROADER = {PHASE + p: PHASE + top for top, phases in {
    "planned": ("idea", "prestudy", "planning"),
    "ongoing": ("development", "pilot", "implementation", "scaling", "paused"),
    "completed": ("operation", "closed", "discontinued")}.items() for p in phases}

#: (initiative, when, phase): A planned → ongoing → completed; B planned → discontinued;
#: C ongoing since mid-2024 and quiet since; D (another county) planned.
FIRST = [("C", "2024-06-01T09:00:00Z", "development"), ("A", "2025-01-10T09:00:00Z", "idea"),
         ("B", "2025-02-01T09:00:00Z", "prestudy"), ("A", "2025-04-15T09:00:00Z", "pilot")]
LATER = [("B", "2025-08-01T09:00:00Z", "discontinued"), ("A", "2025-10-01T09:00:00Z", "operation")]


def _publish(site, records, events) -> None:
    for name, when, phase in events:
        record = records[name]
        record["phase"] = phase
        record["modified"] = when
        site.put(copy.deepcopy(record), timestamp=when)
    site.publish()


@pytest.fixture
def history(make_server, make_site):
    """An aggregator that has read A, B, C (Upplands Väsby, Stockholms län) and D (Vellinge,
    Skåne län) over two crawls, each initiative with its versions."""
    server = make_server()
    here, there = make_site(count=3), make_site(org="Vellinge", count=1)
    records = {}
    for site, names in ((here, "ABC"), (there, "D")):
        generated = list(site.records.values())
        site.versions.clear()  # the node's own life starts with the versions below
        site.records.clear()
        records.update({name: dict(r) for name, r in zip(names, generated, strict=True)})
    _publish(here, records, FIRST)
    _publish(there, records, [("D", "2025-03-01T09:00:00Z", "planning")])
    server.register(here)
    server.register(there)
    server.crawl()
    _publish(here, records, LATER)
    server.crawl()
    return server, records


def _get(server, path, **params):
    answer = requests.get(server.url + path, params=params, timeout=60)
    assert answer.status_code == 200, answer.text[:500]
    return answer


def _period(data, name):
    return next(r for r in data["byPeriod"] if r["period"] == name)


def test_phases_per_quarter_transitions_and_time_in_phase_are_counted_from_the_history(history):
    server, _ = history
    data = _get(server, "progress.json", period="quarter").json()
    assert data["initiatives"] == 4 and data["versions"] == 7
    assert data["byPeriod"][0]["period"] == "2024-Q2"
    assert _period(data, "2024-Q2") == {"period": "2024-Q2", "planned": 0, "ongoing": 1,
                                        "completed": 0, "total": 1}
    assert _period(data, "2025-Q1") == {"period": "2025-Q1", "planned": 3, "ongoing": 1,
                                        "completed": 0, "total": 4}
    assert _period(data, "2025-Q2")["planned"] == 2 and _period(data, "2025-Q2")["ongoing"] == 2
    assert _period(data, "2025-Q3")["completed"] == 1
    assert _period(data, "2025-Q4") == {"period": "2025-Q4", "planned": 1, "ongoing": 1,
                                        "completed": 2, "total": 4}
    changes = {r["period"]: {k: v for k, v in r.items() if v and k != "period"}
               for r in data["transitions"]}
    assert changes == {"2025-Q2": {"planned→ongoing": 1},
                       "2025-Q3": {"planned→completed": 1, "→discontinued": 1},
                       "2025-Q4": {"ongoing→completed": 1}}
    planned, ongoing = data["durations"]
    # A was planned 10 January → 15 April (95 days), B 1 February → 1 August (181 days)
    assert planned["phase"] == "planned" and planned["ended"] == 2 and planned["median"] == 138
    assert planned["running"] == 1  # D
    assert ongoing == {"phase": "ongoing", "ended": 1, "running": 1, "q1": 169,
                       "median": 169, "q3": 169}  # A: 15 April → 1 October; C still there


def test_initiatives_without_an_update_for_a_year_are_listed_with_organisation_and_date(history):
    server, records = history
    data = _get(server, "progress.json").json()
    quiet = {e["initiative"]: e for e in data["quiet"]}
    assert records["C"]["id"] in quiet and records["A"]["id"] not in quiet  # A is completed
    entry = quiet[records["C"]["id"]]
    assert entry["organizationName"] == "Upplands Väsby kommun" and entry["phase"] == "ongoing"
    assert entry["lastVersion"].startswith("2024-06-01")
    assert entry["title"] == records["C"]["title"]["sv"]
    html = _get(server, "progress").text
    assert records["C"]["title"]["sv"] in html and "1 juni 2024" in html


def test_one_county_counts_only_its_organisations(history):
    server, _ = history
    skane = _get(server, "progress.json", county="Skåne län").json()
    assert skane["initiatives"] == 1 and skane["county"] == "Skåne län"
    assert _period(skane, "2025-Q1")["planned"] == 1
    nowhere = _get(server, "progress.json", county="Atlantis").json()
    assert nowhere["initiatives"] == 0 and nowhere["byPeriod"] == []


def test_months_are_periods_too(history):
    server, _ = history
    data = _get(server, "progress.json", period="month").json()
    assert data["period"] == "month"
    assert _period(data, "2025-04")["ongoing"] == 2 and _period(data, "2025-03")["ongoing"] == 1
    assert {r["period"] for r in data["transitions"]} == {"2025-04", "2025-08", "2025-10"}


def test_every_table_downloads_as_csv_with_the_same_facts_as_the_json(history):
    server, _ = history
    data = _get(server, "progress.json").json()
    expected = progress.tables(data)
    for name, (header, rows) in expected.items():
        answer = _get(server, f"progress/{name}.csv")
        assert answer.headers["Content-Type"].startswith("text/csv")
        assert answer.content.startswith(b"\xef\xbb\xbf")  # Excel reads it as UTF-8
        table = list(csv.reader(io.StringIO(answer.content.decode("utf-8-sig"))))
        assert table[0] == header
        assert table[1:] == [["" if v is None else str(v) for v in row] for row in rows], name
    phases = list(csv.DictReader(io.StringIO(
        _get(server, "progress/phases.csv").content.decode("utf-8-sig"))))
    assert {r["period"]: int(r["total"]) for r in phases} == {
        r["period"]: r["total"] for r in data["byPeriod"]}


def test_the_page_has_a_chart_with_a_table_of_the_same_facts_in_swedish_and_english(history):
    server, _ = history
    html = _get(server, "progress").text
    assert "Utveckling över tid" in html and "<svg" in html and "seg-ongoing" in html
    assert "<th scope=\"row\">2025-Q4</th>" in html  # the table beside the chart
    assert "Planerat → Pågående" in html
    assert "progress/phases.csv" in html
    english = _get(server, "progress", lang="en").text
    assert "Progress over time" in english and "Planned → Ongoing" in english
    overview = _get(server, "").text
    assert "/progress" in overview


def test_an_aggregator_without_history_explains_instead_of_failing(make_server):
    server = make_server()
    html = _get(server, "progress").text
    assert "Historiken är tom" in html
    assert _get(server, "progress.json").json()["byPeriod"] == []
    assert _get(server, "progress/phases.csv").content.decode("utf-8-sig").startswith("period,")


def test_an_unknown_table_is_a_404_that_names_the_tables(make_server):
    server = make_server()
    answer = requests.get(server.url + "progress/budgets.csv", timeout=30)
    assert answer.status_code == 404
    assert "phases" in answer.text and "quiet" in answer.text


def test_a_deleted_initiative_stops_counting_and_its_stay_is_not_counted_as_running():
    rows = [{"i": "x", "when": "2025-01-05T00:00:00Z", "phase": PHASE + "pilot", "o": None,
             "deleted": False},
            {"i": "x", "when": "2025-05-05T00:00:00Z", "phase": None, "o": None,
             "deleted": True}]
    data = progress.report(rows, BROADER, datetime(2025, 12, 1, tzinfo=UTC))
    assert _period(data, "2025-Q1")["ongoing"] == 1 and _period(data, "2025-Q2")["total"] == 0
    assert data["durations"][1]["running"] == 0 and data["quietCount"] == 0


def _rows(*events):
    return [{"i": i, "when": when, "phase": PHASE + phase if phase else None,
             "o": org, "deleted": deleted} for i, when, phase, org, deleted in events]


NOW = datetime(2026, 3, 1, tzinfo=UTC)
ORG = "http://dataportal.se/organisation/SE2021004284"  # an agency: no county


def test_versions_at_the_same_moment_count_the_same_whatever_order_the_store_returns():
    events = [("A", "2025-01-10T09:00:00Z", "idea", ORG, False),
              ("A", "2025-05-10T09:00:00Z", "pilot", ORG, False),
              ("A", "2025-05-10T09:00:00Z", "operation", ORG, False)]
    one = progress.report(_rows(*events), BROADER, NOW)
    other = progress.report(_rows(*reversed(events)), BROADER, NOW)
    assert one == other
    assert one["byPeriod"][-1]["completed"] == 1
    changes = {r["period"]: r for r in one["transitions"]}["2025-Q2"]
    assert (changes["planned→ongoing"], changes["ongoing→completed"]) == (1, 1)
    assert changes["completed→ongoing"] == 0


def test_a_recreated_initiative_starts_a_new_life_without_a_change_across_the_deletion():
    rows = _rows(("A", "2025-01-10T09:00:00Z", "pilot", ORG, False),
                 ("A", "2025-02-10T09:00:00Z", None, None, True),
                 ("A", "2025-07-10T09:00:00Z", "idea", ORG, False))
    data = progress.report(rows, BROADER, NOW)
    periods = {r["period"]: r for r in data["byPeriod"]}
    assert periods["2025-Q1"]["total"] == 0 and periods["2025-Q3"]["planned"] == 1
    assert all(r["ongoing→planned"] == 0 for r in data["transitions"])
    assert {d["phase"]: d["ended"] for d in data["durations"]} == {"planned": 0, "ongoing": 0}


def test_a_phase_outside_the_vocabulary_or_no_phase_keeps_the_phase_before():
    rows = _rows(("A", "2025-01-10T09:00:00Z", "pilot", ORG, False),
                 ("A", "2025-04-10T09:00:00Z", None, ORG, False),
                 ("A", "2025-07-10T09:00:00Z", "made-up", ORG, False))
    rows[2]["phase"] = "https://example.org/phase/made-up"
    data = progress.report(rows, BROADER, NOW)
    assert [r["ongoing"] for r in data["byPeriod"]] == [1] * len(data["byPeriod"])
    assert data["transitions"] == []
    assert data["durations"][1] == {"phase": "ongoing", "ended": 0, "running": 1,
                                    "q1": None, "median": None, "q3": None}


def test_months_run_on_across_the_year_end_and_an_agency_without_county_counts_nationally():
    rows = _rows(("A", "2025-11-20T09:00:00Z", "idea", ORG, False),
                 ("A", "2026-01-05T09:00:00Z", "pilot", ORG, False))
    data = progress.report(rows, BROADER, NOW, period="month")
    assert [r["period"] for r in data["byPeriod"]] == ["2025-11", "2025-12", "2026-01",
                                                      "2026-02", "2026-03"]
    assert [r["ongoing"] for r in data["byPeriod"]] == [0, 0, 1, 1, 1]
    assert {r["period"]: r["planned→ongoing"] for r in data["transitions"]} == {"2026-01": 1}
    assert data["durations"][0]["median"] == 46
    assert progress.report(rows, BROADER, NOW, county="Stockholms län")["initiatives"] == 0
