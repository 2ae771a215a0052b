"""The national benchmark runs: at a tiny size, on the embedded store and an Oxigraph server, it
crawls every node, answers every example query on both and prints the comparison and the floor.
(Its figures are not checked: a benchmark is not a timed test.)"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import stores

SCRIPT = Path(__file__).resolve().parents[2] / "benchmarks" / "aggregator.py"


def test_the_benchmark_compares_two_backends_at_a_tiny_size(tmp_path):
    stores.oxigraph_command()  # skips when the `oxigraph` command is not installed
    done = subprocess.run(
        [sys.executable, str(SCRIPT), "--orgs", "2", "--per-org", "3", "--repeats", "1",
         "--servers", "1", "--store", "embedded", "--store", "oxigraph-server",
         "--dir", str(tmp_path)],
        capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    out = done.stdout
    assert out.count("0 nodes not updated") == 2, out
    assert out.count("unchanged re-crawl") == 3, out  # one per backend and one ratio row
    assert "first crawl / floor" in out
    assert "== ratios to embedded" in out
    assert "rows differ" not in out, out  # both backends answer every example alike
    assert out.count("query: ") >= 2 * 13, out
