"""Seconds and peak memory of importing a large portfolio sheet into a fresh node.

Writes an .xlsx in the municipal layout of tests/data/sheets (a title row, Swedish headings,
status words, amounts in tkr, dates as Excel dates and as "mars 2026", a Summa row) with
N rows, then runs ``pios node import`` on it in a child process and reports that process's
wall time and peak resident memory (``resource.getrusage(RUSAGE_CHILDREN).ru_maxrss``, the
whole interpreter included). Prints both, and exits 1 when a target is missed.

    python benchmarks/import.py [--rows 5000]

Targets on a 2-core machine: 5,000 rows in under 10 s and under 300 MB.
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

import openpyxl

PHASES = ("Pågår", "Avslutad", "Ej påbörjad", "Pausad", "Förstudie", "Införande")
THEMES = ("Äldreomsorg", "Skola", "Kollektivtrafik", "Intern administration", "Tandvård",
          "Samhällsbyggnad")
UNITS = ("Vård- och omsorgsförvaltningen", "Utbildningsförvaltningen",
         "Kommunledningsförvaltningen", "Samhällsbyggnadsförvaltningen")


def write_sheet(path: Path, rows: int) -> None:
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("Portfölj")
    sheet.append(["Digitaliseringsportfölj – genererad för mätning"])
    sheet.append([])
    sheet.append(["Nr", "Projektnamn", "Beskrivning", "Status", "Förvaltning",
                  "Verksamhetsområde", "Budget (tkr)", "Förbrukat (tkr)", "Start",
                  "Planerat slut", "Projektledare", "Kontakt"])
    start = datetime(2024, 1, 1)
    for n in range(rows):
        sheet.append([
            f"P-{n:05d}", f"Initiativ nummer {n} inom {THEMES[n % len(THEMES)].lower()}",
            f"Beskrivning av initiativ {n}: vad det gör och för vem.", PHASES[n % len(PHASES)],
            UNITS[n % len(UNITS)], THEMES[n % len(THEMES)],
            "ca 600" if n % 7 == 0 else 100 + n % 900, 50 + n % 40,
            start + timedelta(days=n % 700), "mars 2027" if n % 3 else "Q4 2026",
            "Anna Berg", "digitalisering@kommun.se"])
    sheet.append(["Summa", None, None, None, None, None, f"=SUM(G4:G{rows + 3})"])
    book.save(path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=5000)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        base = Path(folder)
        sheet = base / "portfolj.xlsx"
        write_sheet(sheet, args.rows)
        pios = [sys.executable, "-m", "pios_ld"]
        subprocess.run([*pios, "node", "init", str(base / "node"), "--org", "0114",
                        "--base-url", "https://pios.example.se"], check=True,
                       capture_output=True)
        started = time.perf_counter()
        result = subprocess.run([*pios, "node", "import", str(base / "node"), str(sheet)],
                                capture_output=True, text=True)
        seconds = time.perf_counter() - started
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        peak_mb = usage.ru_maxrss / 1024
        cpu = usage.ru_utime + usage.ru_stime
        summary = [line for line in result.stdout.splitlines() if " nya, " in line]
        if result.returncode != 0 or not summary:
            sys.stderr.write(result.stdout[-3000:] + result.stderr[-3000:])
            return 1
        print(f"import of {args.rows} rows: {seconds:.1f} s ({cpu:.1f} s of CPU, with the "
              f"init before it), peak memory {peak_mb:.0f} MB ({summary[0]})")
        ok = seconds < 10 and peak_mb < 300
        print("targets (< 10 s, < 300 MB):", "met" if ok else "MISSED")
        return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
