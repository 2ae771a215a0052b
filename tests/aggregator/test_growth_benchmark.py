"""benchmarks/growth.py runs and prints every figure it promises (at a tiny size: the benchmark
itself is run by hand, its figures are not a test)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"


def test_the_growth_benchmark_prints_statements_disk_crawls_queries_and_memory_per_point():
    done = subprocess.run([sys.executable, "growth.py", "--orgs", "2", "--per-org", "10",
                           "--years", "0.2", "0.4", "--servers", "1"], cwd=BENCHMARKS,
                          capture_output=True, text=True, timeout=240)
    assert done.returncode == 0, done.stderr[-2000:]
    out = done.stdout
    for year in ("0.2", "0.4"):
        for figure in ("versions published / statements", "on disk",
                       "catch-up crawl, then the daily crawl", "history example queries",
                       "peak memory"):
            assert f"year {year}: {figure}" in out, out
    assert "phase-changes" in out and "EXTRAPOLATED to 577 x 60" in out
    assert "1/288.5 of the country" in out
