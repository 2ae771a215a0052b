"""``pios node …``: set up, run, fill and publish a node.

    pios node init INSTANCE --org ORG --base-url URL
    pios node serve INSTANCE [--host HOST] [--port PORT]
    pios node token create INSTANCE [--name NAME]        prints only the token
    pios node user create INSTANCE --name NAME [--password-stdin]
    pios node import INSTANCE FILE [--dry-run] [--partial] [--lang sv|en]
                     [--map "Heading=field"]... [--ignore "Heading"]...
    pios node export INSTANCE FILE                        .xlsx or .csv
    pios node build INSTANCE OUTDIR [--from-sheet FILE]   the static site
    pios node settings                                    every setting with its default and help
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from pios_ld import logs, organizations
from pios_ld.cli import CommandGroup
from pios_ld.errors import PiosError, TooLargeError

from . import columns, settings

log = logging.getLogger("pios_ld.node")


def _config(instance: str, **overrides: Any) -> settings.Config:
    path = Path(instance)
    if not (path / settings.CONFIG_FILE).exists() and not any(
            settings.env(s) in os.environ for s in settings.SETTINGS if s.required):
        raise PiosError(
            f"{path} is not a node instance (no {settings.CONFIG_FILE}); create it with "
            f"`pios node init {instance} --org ORG --base-url URL`.",
            f"{path} är ingen nodinstans ({settings.CONFIG_FILE} saknas); skapa den med "
            f"`pios node init {instance} --org ORG --base-url URL`.")
    return settings.load(path, overrides)


@click.group("node", cls=CommandGroup, context_settings={"help_option_names": ["-h", "--help"]})
def node() -> None:
    """Publish an organisation's initiatives: a node with an editing UI, an API and a feed."""


@node.command("init")
@click.argument("instance", type=click.Path(file_okay=False))
@click.option("--org", help="Organisation: name, municipality code (0114) or organisation "
              "number (212000-0019).")
@click.option("--base-url", help="Public base URL, e.g. https://pios.vellinge.se.")
@click.option("--port", type=int, default=None, help="Port for `serve` (default 8080).")
def init_command(instance: str, org: str | None, base_url: str | None, port: int | None) -> None:
    """Create a node instance folder: database, config file and secret key."""
    from .instance import check_base_url, create

    path = Path(instance)
    if (path / settings.CONFIG_FILE).exists():
        raise PiosError(f"{path} is already a node instance.", f"{path} är redan en nodinstans.")
    if not org:
        org = click.prompt("Organisation (namn, kommunkod eller organisationsnummer)")
    found = organizations.find(org)
    if not base_url:
        base_url = click.prompt("Publik bas-URL (t.ex. https://pios.example.se)")
    create(path, found.iri, check_base_url(base_url), **({"port": port} if port else {}))
    click.echo(f"Skapade en nod för {found.name} ({found.orgnr_formatted}) i {path}.")
    click.echo(f"Created a node for {found.name} in {path}.")
    click.echo("")
    click.echo("Nästa steg / next steps:")
    click.echo(f"  pios node user create {instance} --name NAMN  # inloggning")
    click.echo(f"  pios node token create {instance} --name system  # API-nyckel")
    click.echo(f"  pios node serve {instance}  # starta noden")


@node.command("serve")
@click.argument("instance", type=click.Path(file_okay=False, exists=True))
@click.option("--host", default=None, help="Address to listen on (setting `host`).")
@click.option("--port", type=int, default=None, help="Port to listen on (setting `port`).")
@click.option("--threads", type=int, default=None, help="Worker threads (setting `threads`).")
@logs.options
def serve_command(instance: str, host: str | None, port: int | None,
                  threads: int | None, log_format: str | None, log_level: str | None) -> None:
    """Run the node with the waitress WSGI server."""
    import waitress

    from pios_ld.logs import AccessLog

    from .app import create_app
    from .hosting import Dispatcher, Hosting, is_hosting
    from .hostingapp import create_hosting_app

    if is_hosting(instance):  # one installation for several organisations
        hosting = Hosting(instance)
        config = hosting.settings({"host": host, "port": port, "threads": threads})
        logs.configure_from(config, log_format, log_level)
        app = AccessLog(Dispatcher(hosting, lambda tenant: create_app(tenant, access_log=False),
                                   index=create_hosting_app(hosting)))
        names = ", ".join(t.name for t in hosting.tenants()) or "inga ännu / none yet"
        click.echo(f"pios node: {len(hosting.tenants())} organisationer ({names}) serverade på "
                   f"http://{config['host']}:{config['port']}/ (Ctrl-C avslutar)")
    else:
        config = _config(instance, host=host, port=port, threads=threads)
        logs.configure_from(config, log_format, log_level)
        app = create_app(config)
        click.echo(f"pios node: {config.base_url} serverad på "
                   f"http://{config.host}:{config.port}/ (Ctrl-C avslutar)")
    sys.stdout.flush()
    log.info("serving on http://%s:%s/", config["host"], config["port"])
    try:
        waitress.serve(app, host=config["host"], port=config["port"], threads=config["threads"],
                       ident="pios-node", connection_limit=500, channel_timeout=60,
                       clear_untrusted_proxy_headers=True)
    finally:
        log.info("stopped")


@node.group("tenant")
def tenant_group() -> None:
    """One installation for several organisations: add, list and remove tenants.

    HOSTED is the installation's folder; each tenant in it is a complete node instance
    (HOSTED/tenants/NAME) that the other `pios node` commands take as their INSTANCE.
    """


@tenant_group.command("add")
@click.argument("hosted", type=click.Path(file_okay=False))
@click.argument("name")
@click.option("--org", required=True, help="Organisation: name, municipality code or number.")
@click.option("--base-url", required=True,
              help="The tenant's own public base URL: a host (https://pios.vellinge.se) or a "
              "path on the shared host (https://pios.skane.se/vellinge).")
def tenant_add(hosted: str, name: str, org: str, base_url: str) -> None:
    """Add the tenant NAME for an organisation (makes HOSTED if it does not exist yet)."""
    from .hosting import Hosting

    found = organizations.find(org)
    tenant = Hosting.create(hosted).add(name, found.iri, base_url)
    click.echo(f"Lade till {found.name} som {tenant.name} på {tenant.config.base_url} / "
               f"Added {found.name} as {tenant.name} at {tenant.config.base_url}")
    click.echo(f"  pios node user create {tenant.folder} --name NAMN   # inloggning / login")
    click.echo(f"  pios node token create {tenant.folder} --name system  # API-nyckel / token")


@tenant_group.command("list")
@click.argument("hosted", type=click.Path(file_okay=False, exists=True))
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def tenant_list(hosted: str, as_json: bool) -> None:
    """List the tenants: name, base URL, organisation, folder."""
    import json

    from .hosting import Hosting

    tenants = [t.as_dict() for t in Hosting(hosted).tenants()]
    if as_json:
        click.echo(json.dumps(tenants, ensure_ascii=False, indent=2))
        return
    for t in tenants:
        org = t["organization_name"] or t["organization"]
        click.echo(f"{t['name']:<20} {t['base_url']:<45} {org}")
    click.echo(f"{len(tenants)} organisationer / organisations")


@tenant_group.command("admin")
@click.argument("hosted", type=click.Path(file_okay=False))
@click.option("--name", required=True, help="The administrator's user name.")
@click.option("--password-stdin", is_flag=True, help="Read the password from stdin.")
def tenant_admin(hosted: str, name: str, password_stdin: bool) -> None:
    """Create a login for the admin page (/_admin), which adds and removes tenants."""
    from .hosting import Hosting

    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = click.prompt("Lösenord / password", hide_input=True,
                                confirmation_prompt=True)
    Hosting.create(hosted).admins.create(name, password)
    click.echo(f"Administratören {name} kan logga in på /_admin / The administrator {name} "
               "can log in at /_admin")


@tenant_group.command("remove")
@click.argument("hosted", type=click.Path(file_okay=False, exists=True))
@click.argument("name")
def tenant_remove(hosted: str, name: str) -> None:
    """Stop serving the tenant NAME; its folder is moved to HOSTED/removed/, not deleted."""
    from .hosting import Hosting

    moved = Hosting(hosted).remove(name)
    click.echo(f"{name} serveras inte längre; mappen finns i {moved} / {name} is no longer "
               f"served; its folder is in {moved}")


@node.command("backup")
@click.argument("instance", type=click.Path(file_okay=False, exists=True))
@click.argument("file", type=click.Path(dir_okay=False))
def backup_command(instance: str, file: str) -> None:
    """Copy the node's database to FILE while the node runs (SQLite's online backup)."""
    from pios_ld.backup import copy_database

    from .store import TABLES

    config = _config(instance)
    if Path(file).exists():
        raise PiosError(f"{file} exists already: choose a new file.",
                        f"{file} finns redan: välj en ny fil.")
    copy_database(config.database_path, file, TABLES)
    click.echo(f"Säkerhetskopia skriven till {file} / Backup written to {file}")


@node.command("restore")
@click.argument("instance", type=click.Path(file_okay=False, exists=True))
@click.argument("file", type=click.Path(dir_okay=False, exists=True))
def restore_command(instance: str, file: str) -> None:
    """Put the backup FILE in place of the node's database (stop the node first).

    The database it replaces is kept beside it as <database>.before-restore.
    """
    from pios_ld.backup import check_database, copy_database

    from .store import TABLES

    config = _config(instance)
    check_database(file, TABLES)
    database = config.database_path
    if database.exists():
        copy_database(database, database.with_name(database.name + ".before-restore"), ())
    for suffix in ("-wal", "-shm"):
        database.with_name(database.name + suffix).unlink(missing_ok=True)
    copy_database(file, database, TABLES)
    click.echo(f"Återställd från {file} / Restored from {file}")


@node.group("token")
def token_group() -> None:
    """API tokens for the write API."""


@token_group.command("create")
@click.argument("instance", type=click.Path(file_okay=False, exists=True))
@click.option("--name", default="api", show_default=True, help="What the token is for.")
def token_create(instance: str, name: str) -> None:
    """Create an API token and print it (only it) on stdout; only its hash is stored."""
    from .store import Store

    config = _config(instance)
    click.echo(Store(config.database_path).create_token(name))


@node.group("user")
def user_group() -> None:
    """Logins for the editing UI."""


@user_group.command("create")
@click.argument("instance", type=click.Path(file_okay=False, exists=True))
@click.option("--name", required=True, help="User name.")
@click.option("--password", default=None, help="The password (prefer --password-stdin or "
              "the prompt; a command line is visible to other users).")
@click.option("--password-stdin", is_flag=True, help="Read the password from stdin.")
def user_create(instance: str, name: str, password: str | None, password_stdin: bool) -> None:
    """Create a login (or set a new password for an existing one)."""
    from .store import Store

    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    if password is None:
        password = click.prompt("Lösenord / password", hide_input=True,
                                confirmation_prompt=True)
    if len(password) < 8:
        raise PiosError("The password must have at least 8 characters.",
                        "Lösenordet ska ha minst 8 tecken.")
    config = _config(instance)
    Store(config.database_path).create_user(name, password)
    click.echo(f"Inloggningen {name} är klar. / The login {name} is ready.", err=True)


def _mapping(pairs: tuple[str, ...]) -> dict[str, str | None]:
    mapping: dict[str, str | None] = {}
    for pair in pairs:
        heading, sep, target = pair.rpartition("=")
        if not sep or not heading.strip():
            raise PiosError(
                f"--map {pair!r}: write the column heading, = and the field, for example "
                '--map "Projektnamn=title_sv" (an empty field skips the column).',
                f"--map {pair!r}: skriv kolumnens rubrik, = och fältet, till exempel "
                '--map "Projektnamn=title_sv" (ett tomt fält hoppar över kolumnen).')
        mapping[heading.strip()] = target.strip() or None
    return mapping


def _import_options(command: Callable) -> Callable:
    for option in reversed((
        click.option("--dry-run", is_flag=True, help="Report what would happen; save nothing."),
        click.option("--partial", is_flag=True,
                     help="Save the valid rows even if others are invalid."),
        click.option("--lang", type=click.Choice(["sv", "en"]), default="sv",
                     show_default=True, help="Language of the report."),
        click.option("--map", "maps", multiple=True, metavar="HEADING=FIELD",
                     help="Import the column HEADING into FIELD (repeatable; an empty FIELD "
                     "skips the column). Fields: " + ", ".join(columns.FIELDS) + "."),
        click.option("--ignore", "ignores", multiple=True, metavar="HEADING",
                     help="Do not import the column HEADING (repeatable)."),
    )):
        command = option(command)
    return command


def _run_import(config: settings.Config, file: str, dry_run: bool, partial: bool, lang: str,
                maps: tuple[str, ...], ignores: tuple[str, ...]) -> Any:
    from .importer import run_import
    from .store import Store

    store = Store(config.database_path)
    data = _read_sheet(file)
    outcome = run_import(store, config, Path(file).name, data, dry_run=dry_run,
                         partial=partial, mapping=_mapping(maps), ignore=ignores)
    click.echo(outcome.to_text(lang))
    return outcome


def _read_sheet(file: str) -> bytes:
    from .sheets import MAX_BYTES

    path = Path(file)
    if path.stat().st_size > MAX_BYTES:
        raise TooLargeError(
            f"{path.name} is larger than {MAX_BYTES // (1024 * 1024)} MB; split the portfolio "
            "into several files.",
            f"{path.name} är större än {MAX_BYTES // (1024 * 1024)} MB; dela upp portföljen "
            "i flera filer.")
    return path.read_bytes()


@node.command("import")
@click.argument("instance", type=click.Path(file_okay=False, exists=True))
@click.argument("file", type=click.Path(dir_okay=False, exists=True))
@_import_options
def import_command(instance: str, file: str, dry_run: bool, partial: bool, lang: str,
                   maps: tuple[str, ...], ignores: tuple[str, ...]) -> None:
    """Import initiatives from a spreadsheet (.xlsx or .csv) as it is kept: the report shows
    which column went where (correct it with --map and --ignore) and every problem, by row.

    All or nothing unless --partial. A confirmed mapping is remembered for the next import of
    a sheet with the same headings. Exit 0 when everything went in (or would), 1 when rows
    were invalid or the sheet lacks a required column.
    """
    config = _config(instance)
    outcome = _run_import(config, file, dry_run, partial, lang, maps, ignores)
    if outcome.saved and config.aggregator_urls:
        from .notify import Notifier

        Notifier(config.aggregator_urls, f"{config.base_url}/catalog").ping_now()
    sys.exit(1 if outcome.invalid or outcome.blocked else 0)


@node.command("export")
@click.argument("instance", type=click.Path(file_okay=False, exists=True))
@click.argument("file", type=click.Path(dir_okay=False))
def export_command(instance: str, file: str) -> None:
    """Export the portfolio to a spreadsheet (.xlsx or .csv), in the import's column layout."""
    from . import spreadsheet
    from .store import Store

    config = _config(instance)
    records = [c.record for c in Store(config.database_path).current()]
    Path(file).write_bytes(spreadsheet.export(records, Path(file).suffix.lower()))
    click.echo(f"{len(records)} initiativ → {file}", err=True)


@node.command("build")
@click.argument("instance", type=click.Path(file_okay=False, exists=True))
@click.argument("outdir", type=click.Path(file_okay=False))
@click.option("--org", help="Organisation, when INSTANCE is a folder of JSON records.")
@click.option("--base-url", help="Public base URL, when INSTANCE is a folder of JSON records.")
@click.option("--from-sheet", "sheet", type=click.Path(dir_okay=False, exists=True),
              help="Import this spreadsheet into INSTANCE first (as `import` does), then build.")
@_import_options
def build_command(instance: str, outdir: str, org: str | None, base_url: str | None,
                  sheet: str | None, dry_run: bool, partial: bool, lang: str,
                  maps: tuple[str, ...], ignores: tuple[str, ...]) -> None:
    """Write the complete public site as static files (from an instance or a folder of JSON).

    With --from-sheet the sheet is imported first, with the same report as `import`; when it
    has invalid rows (and not --partial), nothing is imported and nothing is built (exit 1).
    """
    from .build import build_from_files, build_site

    path = Path(instance)
    if sheet:
        if not (path / settings.CONFIG_FILE).exists():
            raise PiosError(
                f"{path} is not a node instance; create it with `pios node init` before "
                "building from a sheet.",
                f"{path} är ingen nodinstans; skapa den med `pios node init` innan du bygger "
                "från ett kalkylark.")
        outcome = _run_import(_config(instance), sheet, dry_run, partial, lang, maps, ignores)
        if outcome.blocked or (outcome.invalid and not partial) or dry_run:
            sys.exit(1 if outcome.invalid or outcome.blocked else 0)
    if (path / settings.CONFIG_FILE).exists():
        count = build_site(_config(instance), Path(outdir))
    else:
        if not org or not base_url:
            raise PiosError(
                f"{path} is not a node instance; to build from a folder of JSON records give "
                "--org and --base-url.",
                f"{path} är ingen nodinstans; ange --org och --base-url för att bygga från en "
                "mapp med JSON-poster.")
        count = build_from_files(path, organizations.find(org).iri, base_url, Path(outdir))
    click.echo(f"{count} filer skrivna till {outdir} / {count} files written to {outdir}")
    if sheet and partial:
        sys.exit(1 if outcome.invalid else 0)


@node.command("settings")
def settings_command() -> None:
    """List every setting with its environment variable, default and help."""
    for setting in settings.SETTINGS:
        default = "(required)" if setting.required else repr(setting.default)
        click.echo(f"{setting.name:18} {settings.env(setting):28} {default}\n    {setting.help}")
