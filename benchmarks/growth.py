"""What growth costs: years of history in the national graph, and what a daily crawl then takes.

    python benchmarks/growth.py                          # 30 organisations x 60, 1/2/4/8 years
    python benchmarks/growth.py --orgs 100 --years 1 2 4
    python benchmarks/growth.py --orgs 0                 # all 577 organisations (hours here)

The national graph is 577 organisations x 60 initiatives; on a 2-core machine this script runs a
slice of it (``--orgs``, 30 by default: 1,800 initiatives, a 19th of the country) and says so,
then scales the counts up to the whole country in its last lines (an extrapolation, marked).

Status changes arrive as they do in real portfolios: most initiatives change a few times a year
(Poisson, 3 a year), one in twenty every week; a change moves the phase along its life or adds a
status update, and saves the record (a new ``modified``). Each organisation is a static export of
what a node publishes (``benchmarks/exports.py``: the node's wire format and serialisation, every
version in its LDES feed), served over loopback by plain static HTTP servers (the same ones as
``benchmarks/aggregator.py``). At each point (1, 2, 4, 8 simulated years) the aggregator has
crawled the feed up to that day; the script then adds one day of changes and prints:

- statements in the history and the national dataset, and bytes on disk;
- the daily crawl (one day's new versions, every node asked) and the catch-up crawl before it;
- the median of each history example query (the query page's, on a snapshot as the SPARQL
  workers run them);
- the peak memory of this process and of the crawl's worker processes.
"""

from __future__ import annotations

import argparse
import copy
import os
import random
import resource
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from exports import write_export  # benchmarks/exports.py
from loopback import free_port, in_work_folder, wait_until_listening  # benchmarks/loopback.py

from pios_ld import feed as wire_feed
from pios_ld import organizations
from pios_ld.tools import generate

START = datetime(2026, 1, 1, tzinfo=UTC)
#: The phases a change moves an initiative through, in the order of a life.
LIFE = ("idea", "prestudy", "planning", "development", "pilot", "implementation", "operation")
YEAR = timedelta(days=365)


def say(label: str, value: str) -> None:
    print(f"{label:<52} {value}", flush=True)


def stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def changes(records: list[dict], years: float, rng: random.Random) -> list[tuple[datetime, str]]:
    """(moment, initiative IRI) of every change in *years*, in time order."""
    out = []
    for record in records:
        rate = 52 if rng.random() < 0.05 else 3  # changes a year
        moment = START
        while True:
            moment += timedelta(days=rng.expovariate(rate) * 365)
            if moment >= START + years * YEAR:
                break
            out.append((moment, record["id"]))
    out.sort()
    return out


def changed(record: dict, moment: datetime, rng: random.Random) -> dict:
    """*record* after one change at *moment*: a step along its life or a status update."""
    record = copy.deepcopy(record)
    phase = record.get("phase")
    if phase in LIFE and LIFE.index(phase) < len(LIFE) - 1 and rng.random() < 0.4:
        record["phase"] = LIFE[LIFE.index(phase) + 1]
    else:
        updates = list(record.get("statusUpdate") or [])[-11:]  # the last dozen stay listed
        updates.append({"type": "StatusUpdate", "date": moment.date().isoformat(),
                        "phase": record.get("phase") or "development",
                        "health": rng.choice(("on-track", "on-track", "at-risk")),
                        "summary": {"sv": f"Läget {moment.date()}: arbetet fortsätter."}})
        record["statusUpdate"] = updates
    record["modified"] = stamp(moment)
    return record


class Portfolio:
    """One organisation's records and every version of them, written as its static export."""

    def __init__(self, org: organizations.Organization, base_url: str, records: list[dict],
                 folder: Path) -> None:
        self.org, self.base_url, self.folder = org, base_url, folder
        first = stamp(START)
        self.records = {r["id"]: {**r, "modified": first} for r in records}
        self.versions = [wire_feed.Version(n, iri, wire_feed.CREATE, first, record)
                         for n, (iri, record) in enumerate(self.records.items(), start=1)]

    def change(self, iri: str, moment: datetime, rng: random.Random) -> None:
        record = self.records[iri] = changed(self.records[iri], moment, rng)
        self.versions.append(wire_feed.Version(len(self.versions) + 1, iri, wire_feed.UPDATE,
                                               record["modified"], record))

    def write(self) -> None:
        write_export(self.folder, self.base_url, self.org, list(self.records.values()),
                     versions=self.versions)


def worker_peaks(skip: set[int]) -> list[int]:
    """Peak memory (VmHWM, kB) of this process's children that are not in *skip*."""
    me, found = str(os.getpid()), []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) in skip:
            continue
        try:
            status = (entry / "status").read_text()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        if fields.get("PPid", "").strip() == me and "VmHWM" in fields:
            found.append(int(fields["VmHWM"].split()[0]))
    return found


def folder_bytes(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--orgs", type=int, default=30, help="organisations (0: all 577)")
    parser.add_argument("--per-org", type=int, default=60, help="initiatives per organisation")
    parser.add_argument("--years", type=float, nargs="+", default=[1, 2, 4, 8])
    parser.add_argument("--servers", type=int, default=4, help="static server processes")
    parser.add_argument("--dir", help="work folder (default: a temporary one, removed after)")
    args = parser.parse_args()
    in_work_folder(args.dir, "pios-growth-", lambda root, children: run(args, root, children))


def run(args: argparse.Namespace, root: Path, children: list) -> None:
    from pios_ld.aggregator import instance as instance_module
    from pios_ld.aggregator.crawler import Crawler
    from pios_ld.aggregator.examples import EXAMPLES
    from pios_ld.aggregator.instance import Instance
    from pios_ld.aggregator.store import HISTORY_DATASET, NATIONAL, open_snapshot
    from queries import time_examples  # benchmarks/queries.py

    everyone = list(organizations.load())
    orgs = everyone[:args.orgs] if args.orgs else everyone
    scale = len(everyone) / len(orgs)
    rng = random.Random(11)
    ports = [free_port() for _ in range(args.servers)]
    base_for = {o.orgnr: f"http://127.0.0.1:{ports[i % len(ports)]}/{o.orgnr}/"
                for i, o in enumerate(orgs)}
    built = generate.federation(orgs, args.per_org, seed=7,
                                base_url_for=lambda o: base_for[o.orgnr])
    export = root / "export"
    portfolios = {o.orgnr: Portfolio(o, base_for[o.orgnr], built[o.orgnr], export / o.orgnr)
                  for o in orgs}
    owner = {iri: p for p in portfolios.values() for iri in p.records}
    last = max(args.years)
    events = changes([r for p in portfolios.values() for r in p.records.values()], last + 0.01,
                     rng)
    total = sum(len(p.records) for p in portfolios.values())
    say("organisations x initiatives", f"{len(orgs)} x {args.per_org} = {total:,} "
        f"({'the whole country' if scale == 1 else f'1/{scale:.1f} of the country'})")
    say("changes simulated", f"{len(events):,} in {last:g} years "
        f"({len(events) / last / total:.1f} a year per initiative)")
    for p in portfolios.values():
        p.write()
    script = Path(__file__).with_name("aggregator.py")  # its static HTTP servers
    for port in ports:
        children.append(subprocess.Popen([sys.executable, str(script), "--serve-static",
                                          str(export), str(port)]))
    for port in ports:
        wait_until_listening(port, "static server")

    folder = root / "aggregator"
    instance_module.init(folder)
    inst = Instance.open(folder, {"per_host": 8, "crawl_workers": 16})
    for org in orgs:
        url = base_for[org.orgnr]
        inst.registry.add(url, org.iri, url + "catalog", url + "feed")
    store = inst.acquire_writer()
    crawler = Crawler(inst.registry, store, inst.settings)
    started = time.perf_counter()
    crawler.crawl()
    say("first crawl (year 0: every initiative created)", f"{time.perf_counter() - started:.1f} s")

    applied = 0
    history_examples = [e for e in EXAMPLES if e.dataset == "history"]
    points = []
    for years in sorted(args.years):
        until = START + years * YEAR
        while applied < len(events) and events[applied][0] < until:
            moment, iri = events[applied]
            owner[iri].change(iri, moment, rng)
            applied += 1
        for p in portfolios.values():
            p.write()
        started = time.perf_counter()
        crawler.crawl()
        catch_up = time.perf_counter() - started
        day = 0
        while applied < len(events) and events[applied][0] < until + timedelta(days=1):
            moment, iri = events[applied]
            owner[iri].change(iri, moment, rng)
            applied += 1
            day += 1
        touched = {owner[iri].org.orgnr for _, iri in events[applied - day:applied]}
        for orgnr in touched:
            portfolios[orgnr].write()
        started = time.perf_counter()
        outcomes = crawler.crawl()
        daily = time.perf_counter() - started
        snapshot = store.snapshot()
        national, history = (open_snapshot(snapshot, n) for n in (NATIONAL, HISTORY_DATASET))
        medians = {e.id: m for e, m, _ in time_examples(national, 5, history=history)
                   if e in history_examples}
        history_count = len(history)
        national_count = len(national)
        disk = folder_bytes(folder / "store") + folder_bytes(folder / "history")
        versions = sum(len(p.versions) for p in portfolios.values())
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        workers = max(worker_peaks({c.pid for c in children}), default=0) / 1024
        points.append((years, history_count, national_count, disk, versions))
        say(f"year {years:g}: versions published / statements", f"{versions:,} versions; "
            f"history {history_count:,}, national {national_count:,} statements")
        say(f"year {years:g}: on disk", f"{disk / 2**20:.0f} MB "
            f"({disk / max(1, history_count + national_count):.0f} bytes per statement)")
        say(f"year {years:g}: catch-up crawl, then the daily crawl",
            f"{catch_up:.1f} s; daily {daily:.2f} s ({day} new versions, "
            f"{sum(o.status == 'updated' for o in outcomes)} nodes updated)")
        say(f"year {years:g}: history example queries (median of 5)", ", ".join(
            f"{name} {m * 1000:.0f} ms" for name, m in medians.items()) or "none")
        say(f"year {years:g}: peak memory", f"this process {peak:.0f} MB, largest crawl worker "
            f"{workers:.0f} MB")
    crawler.close()
    inst.release_writer()
    if len(points) >= 2:
        (y0, h0, _, d0, _), (y1, h1, n1, d1, _) = points[0], points[-1]
        per_year = (h1 - h0) / (y1 - y0)
        disk_year = (d1 - d0) / (y1 - y0)
        say("growth per simulated year (this slice)",
            f"{per_year:,.0f} history statements, {disk_year / 2**20:.0f} MB on disk")
        say("EXTRAPOLATED to 577 x 60 (linear)", f"{per_year * scale:,.0f} statements and "
            f"{disk_year * scale / 2**30:.1f} GB a year; after {y1:g} years "
            f"{(h1 + n1) * scale:,.0f} statements, {d1 * scale / 2**30:.1f} GB")
    print("Figures are whole-process timings on this machine (other work changes them); the "
          "extrapolation assumes growth stays linear.", flush=True)


if __name__ == "__main__":
    main()
