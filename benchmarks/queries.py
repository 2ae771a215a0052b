"""Median time and row count of each example query of the query page, on an existing store.

    python benchmarks/queries.py STORE                   # a national store folder
    python benchmarks/queries.py SNAPSHOT                # a snapshot with national/ and history/
    python benchmarks/queries.py STORE --history FOLDER  # the history dataset given apart
    python benchmarks/queries.py STORE --save rows.json  # keep every example's result rows
    python benchmarks/queries.py STORE --compare rows.json  # ... and compare them later

Opens the store(s) read-only, the way the SPARQL workers do: on the national dataset the default
graph is the union of the named graphs (``use_default_graph_as_union``), on the history dataset
it is the history versions. Runs each example 7 times and prints its median and its row count.
``--save`` and ``--compare`` check that a rewritten query answers with the same rows, row by row
and in order, as the one it replaces. A history example is skipped when no history is given.

Without a store it says how to make one (``benchmarks/aggregator.py --dir`` keeps its instance).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
from pios_ld.aggregator import examples

HOW_TO_MAKE_ONE = """No store given. Make one, for example the national graph of 577 organisations
x 60 initiatives, with
    python benchmarks/aggregator.py --dir /tmp/pios-bench
and give this script the newest snapshot it published (a folder with national/ and history/):
    python benchmarks/queries.py /tmp/pios-bench/aggregator/snapshots/<newest>
or any pyoxigraph store folder holding node graphs and the reference graph."""


def _rows(store: ox.Store, example: examples.Example) -> list[list[str | None]]:
    union = example.dataset == "national"
    return [[None if term is None else str(term) for term in row]
            for row in store.query(example.query, use_default_graph_as_union=union)]


def _stores(store: ox.Store, history: ox.Store | None) -> Iterator[tuple[examples.Example,
                                                                          ox.Store]]:
    for example in examples.EXAMPLES:
        chosen = history if example.dataset == "history" else store
        if chosen is not None:
            yield example, chosen


def time_examples(store: ox.Store, repeats: int = 7, history: ox.Store | None = None
                  ) -> list[tuple[examples.Example, float, int]]:
    """Run each example *repeats* times on its dataset; ``(example, median seconds, rows)``.

    *store* is the national dataset, *history* the history dataset (its examples are left out
    when it is None)."""
    timed = []
    for example, chosen in _stores(store, history):
        times, rows = [], 0
        for _ in range(repeats):
            started = time.perf_counter()
            rows = len(_rows(chosen, example))
            times.append(time.perf_counter() - started)
        timed.append((example, statistics.median(times), rows))
    return timed


def example_rows(store: ox.Store, history: ox.Store | None = None) -> dict[str, list]:
    """Every example's result rows (terms in N-Triples syntax), by example id."""
    return {example.id: _rows(chosen, example) for example, chosen in _stores(store, history)}


def differences(before: dict[str, list], after: dict[str, list]) -> list[str]:
    """Which examples answer differently from *before*, one line each (first differing row)."""
    lines = []
    for example_id, rows in after.items():
        if example_id not in before:
            lines.append(f"{example_id}: not in the saved rows")
            continue
        old = before[example_id]
        if rows != old:
            pairs = zip(old, rows, strict=False)
            at = next((i for i, (a, b) in enumerate(pairs) if a != b), min(len(old), len(rows)))
            lines.append(f"{example_id}: {len(old)} rows before, {len(rows)} now; first "
                         f"difference at row {at}: {old[at:at + 1]} -> {rows[at:at + 1]}")
    return lines


def _open(path: Path) -> tuple[ox.Store, ox.Store | None]:
    if (path / "national").is_dir():
        history = path / "history"
        return (ox.Store.read_only(str(path / "national")),
                ox.Store.read_only(str(history)) if history.is_dir() else None)
    return ox.Store.read_only(str(path)), None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("store", nargs="?", help="a store folder, or a snapshot folder")
    parser.add_argument("--history", help="the history dataset's store folder")
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--save", help="write every example's result rows to this JSON file")
    parser.add_argument("--compare", help="compare the result rows with this JSON file")
    args = parser.parse_args(argv)
    if not args.store:
        print(HOW_TO_MAKE_ONE)
        return 2
    store, history = _open(Path(args.store))
    if args.history:
        history = ox.Store.read_only(args.history)
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"machine load (1, 5, 15 min): {load} on {os.cpu_count()} cores")
    for example, median, rows in time_examples(store, args.repeats, history):
        print(f"{example.id:20} {median * 1000:7.1f} ms  {rows:5d} rows  ({example.dataset})")
    if history is None:
        skipped = [e.id for e in examples.EXAMPLES if e.dataset == "history"]
        print(f"not run, no history dataset given: {', '.join(skipped)}")
    if args.save or args.compare:
        rows = example_rows(store, history)
        if args.save:
            Path(args.save).write_text(json.dumps(rows, ensure_ascii=False, indent=0),
                                       encoding="utf-8")
            print(f"rows written to {args.save}")
        if args.compare:
            before = json.loads(Path(args.compare).read_text(encoding="utf-8"))
            found = differences(before, rows)
            print("\n".join(found) if found else f"same rows as {args.compare}")
            return 1 if found else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
