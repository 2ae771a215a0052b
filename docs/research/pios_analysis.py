"""Four questions to the national graph of digital development initiatives, with pandas.

    pip install pandas SPARQLWrapper        # or: pip install 'pios-ld[research]'
    python docs/research/pios_analysis.py https://AGGREGATOR/ --out results/

The argument is the aggregator's address (its pages and its SPARQL endpoints live under it:
``sparql`` for the current state, ``sparql/history`` for every version ever published). The
script asks, and prints a table for each (and writes it as CSV under ``--out``):

1. What share of planned initiatives reach completion?  From the history: initiatives that were
   ever in a planned phase, and how many of them later reached a completed phase (in operation or
   closed) or were discontinued.
2. Which themes reuse most?  From the current state: per theme, the initiatives that say they
   reuse another's solution (``pios:reuses``), and their share.
3. Where do budgets concentrate?  The stated budgets (SEK) summed by organisation type and by
   county, with their share of the national sum; initiatives without a budget are counted apart.
4. Who publishes source code?  The share of initiatives with a code repository, by
   organisation type.

Every query is sent as a SPARQL 1.1 Protocol request with SPARQLWrapper; the answers are turned
into pandas data frames by :func:`frame`. The phase hierarchy (which phases are "planned" and
which "completed") is read from the vocabulary in the national graph, not typed in here.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd
from SPARQLWrapper import JSON, POST, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

PREFIXES = """PREFIX pios: <https://w3id.org/pios/vocab#>
PREFIX dct: <http://purl.org/dc/terms/>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX schema: <https://schema.org/>
"""
PHASE = "https://w3id.org/pios/concept/phase/"

PHASES = """SELECT ?phase ?top WHERE {
  ?phase skos:inScheme <https://w3id.org/pios/concept/phase> .
  OPTIONAL { ?phase skos:broader ?broader }
  BIND(COALESCE(?broader, ?phase) AS ?top)
}"""
#: Initiatives ever planned, and the completed or discontinued phase each reached after that.
COMPLETION = """SELECT ?initiative (SAMPLE(?end) AS ?reached) WHERE {
  ?v dct:isVersionOf ?initiative ; pios:phase ?planned ; prov:generatedAtTime ?t .
  VALUES ?planned { %(planned)s }
  OPTIONAL {
    ?w dct:isVersionOf ?initiative ; pios:phase ?end ; prov:generatedAtTime ?u .
    VALUES ?end { %(completed)s }
    FILTER(?u > ?t)
  }
} GROUP BY ?initiative"""
THEME_REUSE = """SELECT ?theme (COUNT(DISTINCT ?i) AS ?initiatives)
       (COUNT(DISTINCT ?reusing) AS ?reusing_initiatives) WHERE {
  ?i a pios:Initiative ; pios:theme ?t .
  ?t skos:prefLabel ?theme . FILTER(LANG(?theme) = "en")
  OPTIONAL { ?i pios:reuses ?solution . BIND(?i AS ?reusing) }
} GROUP BY ?theme"""
BUDGETS = """SELECT ?i ?type ?county ?value WHERE {
  ?i a pios:Initiative ; pios:responsibleOrganization ?o .
  ?o pios:organizationType ?t . ?t skos:prefLabel ?type . FILTER(LANG(?type) = "en")
  OPTIONAL { ?o pios:countyName ?county }
  OPTIONAL { ?i pios:budget ?b . ?b schema:value ?value .
             OPTIONAL { ?b schema:currency ?currency }
             FILTER(!BOUND(?currency) || ?currency = "SEK") }
}"""
CODE = """SELECT ?type (COUNT(DISTINCT ?i) AS ?initiatives)
       (COUNT(DISTINCT ?open) AS ?with_code) WHERE {
  ?i a pios:Initiative ; pios:responsibleOrganization ?o .
  ?o pios:organizationType ?t . ?t skos:prefLabel ?type . FILTER(LANG(?type) = "en")
  OPTIONAL { ?i pios:codeRepository ?repository . BIND(?i AS ?open) }
} GROUP BY ?type"""


class Unanswered(Exception):
    """An endpoint that could not be reached or refused a query."""


def frame(endpoint: str, query: str) -> pd.DataFrame:
    """The answer to *query* at *endpoint* as a data frame (numbers as numbers)."""
    client = SPARQLWrapper(endpoint)
    client.setQuery(PREFIXES + query)
    client.setReturnFormat(JSON)
    client.setMethod(POST)
    try:
        answer = client.query().convert()
    except (OSError, ValueError, SPARQLWrapperException) as exc:  # URLError is an OSError
        raise Unanswered(f"{endpoint} did not answer the query: {exc}") from None
    names = answer["head"]["vars"]
    rows = []
    for binding in answer["results"]["bindings"]:
        row = {}
        for name in names:
            term = binding.get(name)
            if term is None:
                row[name] = None
            elif term.get("datatype", "").endswith(("#integer", "#decimal", "#double")):
                row[name] = float(term["value"])
            else:
                row[name] = term["value"]
        rows.append(row)
    return pd.DataFrame(rows, columns=names)


def completion(base: str) -> pd.DataFrame:
    phases = frame(base + "sparql", PHASES)
    planned = phases[phases["top"] == PHASE + "planned"]["phase"]
    completed = phases[phases["top"] == PHASE + "completed"]["phase"]
    values = {"planned": " ".join(f"<{p}>" for p in planned),
              "completed": " ".join(f"<{p}>" for p in completed)}
    found = frame(base + "sparql/history", COMPLETION % values)
    total = len(found)
    reached = found["reached"].dropna()
    stopped = int((reached == PHASE + "discontinued").sum())
    done = len(reached) - stopped
    table = pd.DataFrame([
        {"outcome": "ever planned", "initiatives": total, "share": 1.0 if total else None},
        {"outcome": "reached completion (in operation or closed)", "initiatives": done,
         "share": done / total if total else None},
        {"outcome": "discontinued", "initiatives": stopped,
         "share": stopped / total if total else None},
        {"outcome": "not (yet) completed", "initiatives": total - len(reached),
         "share": (total - len(reached)) / total if total else None},
    ])
    return table


def theme_reuse(base: str) -> pd.DataFrame:
    table = frame(base + "sparql", THEME_REUSE)
    if table.empty:
        return table
    table["share"] = table["reusing_initiatives"] / table["initiatives"]
    return table.sort_values(["share", "initiatives"], ascending=False, ignore_index=True)


def budgets(base: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    rows = frame(base + "sparql", BUDGETS).drop_duplicates("i")
    national = rows["value"].sum()

    def by(column: str) -> pd.DataFrame:
        grouped = rows.fillna({column: "(national agencies: no county)"}).groupby(column)
        table = grouped.agg(initiatives=("i", "count"), with_budget=("value", "count"),
                            budget_sek=("value", "sum")).reset_index()
        table["share_of_national"] = table["budget_sek"] / national if national else None
        return table.sort_values("budget_sek", ascending=False, ignore_index=True)

    return by("type"), by("county")


def open_code(base: str) -> pd.DataFrame:
    table = frame(base + "sparql", CODE)
    if not table.empty:
        table["share"] = table["with_code"] / table["initiatives"]
    return table


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("aggregator", help="the aggregator's address, e.g. https://pios.example/")
    parser.add_argument("--out", type=Path, help="a folder to write each table to as CSV")
    args = parser.parse_args(argv)
    base = args.aggregator.rstrip("/") + "/"
    try:
        by_type, by_county = budgets(base)
        tables = {
            "completion": ("1. What share of planned initiatives reach completion?",
                           completion(base)),
            "theme_reuse": ("2. Which themes reuse most?", theme_reuse(base)),
            "budgets_by_type": ("3a. Where do budgets concentrate? By organisation type",
                                by_type),
            "budgets_by_county": ("3b. Where do budgets concentrate? By county", by_county),
            "open_code": ("4. Who publishes source code?", open_code(base)),
        }
    except Unanswered as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.out:
        args.out.mkdir(parents=True, exist_ok=True)
    with pd.option_context("display.width", 120, "display.max_columns", 10):
        for name, (title, table) in tables.items():
            print(f"\n{title}\n{table.to_string(index=False) if not table.empty else '(none)'}")
            if args.out:
                table.to_csv(args.out / f"{name}.csv", index=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
