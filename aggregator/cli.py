"""``pios aggregator …``: init, add-node, list-nodes, remove-node, confirm-deletions, crawl, serve,
dump."""

from __future__ import annotations

import json
import logging
import signal
import sys
import time
from pathlib import Path

import click
import requests
from pios_ld.aggregator import admission, parts
from pios_ld.aggregator import instance as instance_module
from pios_ld.aggregator import settings as agg_settings
from pios_ld.aggregator.crawler import Crawler, outcome_line
from pios_ld.aggregator.instance import Instance
from pios_ld.aggregator.monitor import Monitor
from pios_ld.aggregator.outcome import slow_paths
from pios_ld.aggregator.service import failure

from pios_ld import logs, organizations
from pios_ld.cli import CommandGroup
from pios_ld.clock import utc_text
from pios_ld.errors import PiosError, WriterBusy
from pios_ld.fetch import Limits, fetch

log = logging.getLogger("pios_ld.aggregator")


@click.group("aggregator", cls=CommandGroup,
             context_settings={"help_option_names": ["-h", "--help"]})
def aggregator() -> None:
    """The national aggregator: crawl every node and serve the national graph."""


@aggregator.command("init")
@click.argument("instance", type=click.Path(file_okay=False))
def init_command(instance: str) -> None:
    """Create an aggregator instance folder (settings, registry, store)."""
    path = instance_module.init(instance)
    click.echo(f"Created the aggregator instance {path}.")
    click.echo(f"Register nodes:  pios aggregator add-node {path} URL --org ORG")
    click.echo(f"Start it:        pios aggregator serve {path}")


def discover(url: str) -> dict[str, str | None]:
    """Read ``/.well-known/pios`` of a node; falls back to the conventional URLs."""
    base = url if url.endswith("/") else url + "/"
    try:
        fetched = fetch(base + ".well-known/pios", headers={"Accept": "application/json"},
                        limits=Limits(max_bytes=1024 * 1024, deadline=15))
        if fetched.status == 200:
            data = json.loads(fetched.content)
            if isinstance(data, dict) and data.get("catalog"):
                return {"catalog": data["catalog"], "feed": data.get("feed"),
                        "publisher": data.get("publisher"), "discovered": "yes"}
        reason = f"HTTP {fetched.status}"
    except (PiosError, ValueError) as exc:
        reason = str(exc)
    return {"catalog": base + "catalog", "feed": base + "feed", "publisher": None,
            "discovered": None, "reason": reason}


@aggregator.command("add-node")
@click.argument("instance", type=click.Path(file_okay=False))
@click.argument("url")
@click.option("--org", required=True,
              help="The organisation the node speaks for: name, municipality code or number.")
@click.option("--prefix", "prefixes", multiple=True,
              help="An IRI prefix the node may speak for (repeatable); default: URL.")
def add_node_command(instance: str, url: str, org: str, prefixes: tuple[str, ...]) -> None:
    """Register the node at URL, found through its /.well-known/pios."""
    inst = Instance.open(instance)
    organisation = organizations.find(org)
    found = discover(url)
    if found["publisher"] and found["publisher"] != organisation.iri:
        raise PiosError(
            f"The node at {url} says it publishes for {found['publisher']}, not for "
            f"{organisation.name} ({organisation.iri}).",
            f"Noden på {url} anger att den publicerar för {found['publisher']}, inte för "
            f"{organisation.name} ({organisation.iri}).")
    node = inst.registry.add(url, organisation.iri, found["catalog"], found["feed"],
                             list(prefixes) or None)
    if not found["discovered"]:
        click.echo(f"warning: {url}.well-known/pios could not be read ({found.get('reason')}); "
                   "using the conventional catalog and feed URLs.", err=True)
    click.echo(f"Registered node {node.id}: {node.url} for {organisation.name} "
               f"(catalog {node.catalog_url}, feed {node.feed_url or '-'}).")


@aggregator.command("list-nodes")
@click.argument("instance", type=click.Path(file_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.option("--all", "everyone", is_flag=True,
              help="List all 577 reference organisations, with their node or without one.")
def list_nodes_command(instance: str, as_json: bool, everyone: bool) -> None:
    """List the registered nodes and how their last crawl went."""
    inst = Instance.open(instance)
    nodes = inst.registry.nodes()
    if everyone:
        by_org: dict[str, list] = {}
        for n in nodes:
            by_org.setdefault(n.org_iri, []).append(n)
        rows = [{"organization": o.iri, "name": o.name, "kinds": list(o.kinds),
                 "county": o.county_name, "nodes": [n.url for n in by_org.get(o.iri, [])]}
                for o in organizations.load()]
        if as_json:
            click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
            return
        for row in rows:
            click.echo(f"{row['name']:<50} {', '.join(row['kinds']):<28} "
                       f"{', '.join(row['nodes']) or '-'}")
        with_node = sum(1 for r in rows if r["nodes"])
        click.echo(f"{with_node} of {len(rows)} organisations have a node.")
        return
    if as_json:
        click.echo(json.dumps([n.as_dict() for n in nodes], ensure_ascii=False, indent=2))
        return
    for n in nodes:
        org = n.organization
        s = n.state
        line = (f"{n.id:>4}  {n.url}  {org.name if org else n.org_iri}  "
                f"{s.get('last_status') or 'not crawled'}  {s.get('initiatives') or 0} initiatives"
                f"  last good crawl {s.get('last_good_at') or 'never'}")
        if s.get("held_count"):
            line += (f"\n      HELD since {s.get('held_since')}: the catalog lists "
                     f"{s.get('held_listed')} of {s.get('held_previous')}; nothing deleted"
                     + (" (confirmed: deletions at the next crawl)"
                        if s.get("deletions_confirmed") else
                        f" (confirm: pios aggregator confirm-deletions {instance} {n.id})"))
        if s.get("last_status") == "failed" and s.get("last_error"):
            line += f"\n      why: {s['last_error']}"
        click.echo(line)
    click.echo(f"{len(nodes)} nodes; {len(organizations.load())} organisations in the register.")


def _status(inst: Instance) -> dict:
    """The operator's one screen: nodes by state, stale nodes, the store, the last crawl."""
    from pios_ld.aggregator.monitor import folder_bytes

    nodes = inst.registry.nodes()
    by_state: dict[str, int] = {}
    for n in nodes:
        state = n.state.get("last_status") or "never"
        by_state[state] = by_state.get(state, 0) + 1
    cutoff = utc_text(time.time() - inst.settings["stale_after_hours"] * 3600)
    stale = [{"node": n.id, "url": n.url, "last_good_at": n.state.get("last_good_at"),
              "why": n.state.get("last_error")}
             for n in nodes if (n.state.get("last_good_at") or "") < cutoff]
    folder = Path(inst.folder)
    crawled = [n.state["last_crawl_at"] for n in nodes if n.state.get("last_crawl_at")]
    return {"nodes": len(nodes), "by_state": by_state, "stale": stale,
            "stale_after_hours": inst.settings["stale_after_hours"],
            "last_crawl_at": max(crawled, default=None),
            "server": (inst.running_server() or {}).get("url"),
            "store_bytes": folder_bytes(p for p in folder.iterdir() if p.is_dir())}


@aggregator.command("status")
@click.argument("instance", type=click.Path(file_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def status_command(instance: str, as_json: bool) -> None:
    """One screen for the operator: nodes by state, stale nodes, store size, last crawl."""
    inst = Instance.open(instance)
    status = _status(inst)
    if as_json:
        click.echo(json.dumps(status, ensure_ascii=False, indent=2))
        return
    states = ", ".join(f"{v} {k}" for k, v in sorted(status["by_state"].items())) or "none"
    click.echo(f"Nodes: {status['nodes']} ({states})")
    click.echo(f"Last crawl: {status['last_crawl_at'] or 'never'}; "
               f"server: {status['server'] or 'not running'}")
    click.echo(f"Store on disk: {status['store_bytes'] / 1e6:,.1f} MB")
    click.echo(f"Stale (no good crawl in {status['stale_after_hours']} h): "
               f"{len(status['stale'])}")
    for s in status["stale"]:
        click.echo(f"  {s['node']:>4}  {s['url']}  last good {s['last_good_at'] or 'never'}"
                   + (f": {s['why']}" if s["why"] else ""))


@aggregator.command("remove-node")
@click.argument("instance", type=click.Path(file_okay=False))
@click.argument("node")
def remove_node_command(instance: str, node: str) -> None:
    """Forget a node (by id, URL or organisation); its graph goes at the next crawl."""
    inst = Instance.open(instance)
    found = inst.registry.find(node)
    inst.registry.remove(found)
    click.echo(f"Removed node {found.id} ({found.url}).")


@aggregator.command("confirm-deletions")
@click.argument("instance", type=click.Path(file_okay=False))
@click.argument("node")
def confirm_deletions_command(instance: str, node: str) -> None:
    """Let a held catalog's deletions go ahead at the node's next crawl (by id, URL or
    organisation)."""
    inst = Instance.open(instance)
    found = inst.registry.find(node)
    confirmed = inst.registry.confirm_deletions(found.id)
    if not confirmed:
        raise PiosError(f"Node {found.id} ({found.url}) has no held catalog: nothing to confirm.",
                        f"Nod {found.id} ({found.url}) har ingen katalog som hålls kvar: "
                        "inget att bekräfta.")
    state = found.state
    click.echo(f"Confirmed: the next crawl of node {found.id} ({found.url}) applies its catalog "
               f"of {state.get('held_listed')} initiatives and removes the "
               f"{(state.get('held_previous') or 0) - (state.get('held_listed') or 0)} it no "
               "longer lists.")


def _crawl_here(inst: Instance) -> list[dict]:
    """Crawl in this process (no server holds the store); the failed nodes."""
    store = inst.acquire_writer()
    crawler = Crawler(inst.registry, store, inst.settings)
    monitor = Monitor()
    try:
        nodes = inst.registry.nodes()
        outcomes = []
        if sys.stdout.isatty():
            with click.progressbar(length=len(nodes), label="Crawling") as bar:
                def progress(o) -> None:
                    monitor.crawled(o)
                    bar.update(1)
                outcomes = crawler.crawl(progress=progress)
        else:
            def progress(o) -> None:
                monitor.crawled(o)
                click.echo(outcome_line(o))
            outcomes = crawler.crawl(progress=progress)
        monitor.run_finished(outcomes)
        if any(o.status != "unchanged" for o in outcomes):
            store.snapshot()
        counts: dict[str, int] = {}
        for o in outcomes:
            counts[o.status] = counts.get(o.status, 0) + 1
        click.echo("Crawled {} nodes: {}.".format(
            len(outcomes), ", ".join(f"{v} {k}" for k, v in sorted(counts.items())) or "none"))
        slow = slow_paths(outcomes)
        if slow:
            click.echo(f"Slow routes: {slow} (the fast ones declined them; see /metrics).")
        return [failure(o) for o in outcomes if o.status == "failed"]
    finally:
        crawler.close()
        inst.release_writer()


def _report_failures(failed: list[dict]) -> None:
    if not failed:
        return
    click.echo(f"{len(failed)} node(s) failed / {len(failed)} nod(er) misslyckades:")
    for f in failed:
        click.echo(f"  {f['name']} ({f['url']}): {f['reason']}")


def _crawl_through_server(inst: Instance, info: dict) -> list[dict]:
    headers = {"X-Pios-Admin": info["token"]}
    url = info["url"].rstrip("/")
    response = requests.post(url + "/admin/crawl", json={}, headers=headers, timeout=30)
    response.raise_for_status()
    job = response.json()
    click.echo(f"The aggregator at {url} is running; it crawls (job {job['id']}).")
    shown = 0
    bar = click.progressbar(length=max(1, len(inst.registry.nodes())), label="Crawling") \
        if sys.stdout.isatty() else None
    while True:
        job = requests.get(f"{url}/admin/crawl/{job['id']}", headers=headers, timeout=30).json()
        new = job["lines"][shown:]
        shown += len(new)
        if bar:
            bar.update(len(new))
        else:
            for line in new:
                click.echo(line)
        if job["finished"]:
            break
        time.sleep(0.2)
    if bar:
        bar.render_finish()
    if job.get("error"):
        raise PiosError(f"The crawl failed: {job['error']}",
                        f"Genomsökningen misslyckades: {job['error']}")
    failed = job.get("failed", [])
    click.echo(f"Crawled {job['done']} nodes: {len(failed)} failed.")
    return failed


def _crawl_once(inst: Instance) -> list[dict]:
    """One crawl, here or through the running server; the failed nodes."""
    try:
        return _crawl_here(inst)
    except WriterBusy:
        info = inst.running_server()
        if not info:
            raise
    return _crawl_through_server(inst, info)


@aggregator.command("crawl")
@click.argument("instance", type=click.Path(file_okay=False))
@click.option("--watch", type=float, metavar="MINUTES",
              help="Crawl again every MINUTES minutes until interrupted.")
@logs.options
def crawl_command(instance: str, watch: float | None, log_format: str | None,
                  log_level: str | None) -> None:
    """Crawl every registered node (through the running server if there is one).

    Exits 0 when every node was crawled, 1 when some node failed (they are named, with why),
    2 when the crawl could not run.
    """
    inst = Instance.open(instance)
    logs.configure_from(inst.settings, log_format, log_level, quiet=sys.stdout.isatty())
    try:
        while True:
            failed = _crawl_once(inst)
            _report_failures(failed)
            if not watch:
                sys.exit(1 if failed else 0)
            click.echo(f"Next crawl in {watch:g} minutes (Ctrl-C stops).")
            time.sleep(watch * 60)
    except KeyboardInterrupt:
        click.echo("Stopped.")
    except requests.RequestException as exc:
        raise PiosError(f"The running aggregator did not answer: {exc}",
                        f"Den körande aggregatorn svarade inte: {exc}") from exc


@aggregator.command("serve")
@click.argument("instance", type=click.Path(file_okay=False))
@click.option("--host", help="Address to listen on (setting host).")
@click.option("--port", type=int, help="Port to listen on (setting port).")
@logs.options
def serve_command(instance: str, host: str | None, port: int | None, log_format: str | None,
                  log_level: str | None) -> None:
    """Serve the web pages, /sparql and /ping with waitress."""
    import waitress
    from pios_ld.aggregator import create_app

    instance_module.require_instance(instance)
    logs.configure_from(agg_settings.load(instance), log_format, log_level)
    click.echo("Opening the store (waits while a command-line crawl finishes) …")
    app = create_app({"instance": instance, "host": host, "port": port,
                      "wait_for_writer": True})
    settings = app.config["PIOS"]
    state = parts.of(app).state
    url = f"http://{settings['host']}:{settings['port']}/"
    local = f"http://127.0.0.1:{settings['port']}/"
    state.admin_token = state.instance.announce_server(local)
    sandbox = parts.of(app).queries.wait_for_sandbox(30)
    if sandbox is not None and sandbox.sealed:
        click.echo(f"SPARQL query workers cannot open network connections ({sandbox.describe()}).")
    else:
        click.echo("WARNING: SPARQL query workers are NOT sealed off from the network ("
                   f"{sandbox.describe() if sandbox else 'no worker started'}); SERVICE is still "
                   "refused by the query screen. See docs/aggregator.md, 'Query sandbox'.",
                   err=True)
    click.echo(f"pios aggregator serving {state.instance.folder} on {url} (Ctrl-C stops)")
    log.info("serving %s on %s", state.instance.folder, url)

    def stop(signum: int, frame: object) -> None:  # SIGTERM: stop like Ctrl-C, cleaning up
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    try:
        threads = admission.server_threads(settings)  # a waiting query holds a thread
        waitress.serve(app, host=settings["host"], port=settings["port"], threads=threads,
                       connection_limit=threads + 100, ident="pios-aggregator",
                       # the aggregator trusts proxies itself (settings trusted_proxies and
                       # client_ip_header): waitress must pass their headers on
                       clear_untrusted_proxy_headers=False)
    except KeyboardInterrupt:
        click.echo("Stopping …")
    finally:
        parts.of(app).close()
        log.info("stopped")


@aggregator.command("backup")
@click.argument("instance", type=click.Path(file_okay=False))
@click.argument("target", type=click.Path(file_okay=False))
def backup_command(instance: str, target: str) -> None:
    """Back up the instance (store snapshot, registry, settings) into the new folder TARGET.

    Works while `serve` runs. Restore with `pios aggregator restore`.
    """
    from pios_ld.aggregator.backup import backup

    out = backup(Instance.open(instance), target)
    click.echo(f"Backed up {instance} to {out}.")


@aggregator.command("restore")
@click.argument("backup_folder", metavar="BACKUP", type=click.Path(file_okay=False))
@click.argument("instance", type=click.Path(file_okay=False))
def restore_command(backup_folder: str, instance: str) -> None:
    """Make the new instance folder INSTANCE from a backup made by `pios aggregator backup`."""
    from pios_ld.aggregator.backup import restore

    out = restore(backup_folder, instance)
    click.echo(f"Restored {backup_folder} as the instance {out}; the next crawl reads every "
               "node in full.")


@aggregator.command("dump")
@click.argument("instance", type=click.Path(file_okay=False))
@click.argument("outfile", type=click.Path(dir_okay=False))
def dump_command(instance: str, outfile: str) -> None:
    """Write the national graph as gzipped N-Quads plus a VoID/DCAT description."""
    from pios_ld.aggregator import dump

    inst = Instance.open(instance)
    snapshot = inst.fresh_snapshot()
    if snapshot is None:
        raise PiosError("Nothing to dump yet: crawl first.",
                        "Inget att dumpa ännu: genomsök först.")
    graphs = [n.graph for n in inst.registry.nodes()]
    out, void = dump.write(snapshot, outfile, graphs, inst.settings["public_url"],
                           keep_copy_in=Path(inst.folder) / "dumps")
    click.echo(f"Wrote {out} ({out.stat().st_size:,} bytes) and {void}.")
