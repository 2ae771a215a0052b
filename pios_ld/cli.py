"""The ``pios`` command.

``pios validate`` lives here; ``pios node …`` and ``pios aggregator …`` are click groups that the
applications register under the entry-point group ``pios_ld.commands`` (see pyproject.toml), so
that this library never imports them.
"""

from __future__ import annotations

import sys
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any, NoReturn

import click

from pios_ld import __version__, rdf, validation
from pios_ld.errors import PiosError
from pios_ld.fetch import Limits, fetch
from pios_ld.tools.demo import demo_command

#: The largest local file ``pios validate`` reads.
MAX_FILE_BYTES = 200 * 1024 * 1024


class PiosGroup(click.Group):
    """A click group that also lists the sub-commands installed through entry points."""

    def _plugins(self) -> dict[str, click.Command]:
        found = {}
        for ep in entry_points(group="pios_ld.commands"):
            try:
                found[ep.name] = ep.load()
            except ImportError as exc:  # a broken install names itself instead of a traceback
                found[ep.name] = _broken_command(ep.name, exc)
        return found

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(super().list_commands(ctx)) | set(self._plugins()))

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        return super().get_command(ctx, name) or self._plugins().get(name)


def _broken_command(name: str, exc: Exception) -> click.Command:
    @click.command(name, help=f"(unavailable: {exc})")
    def broken() -> None:
        raise click.ClickException(f"'pios {name}' cannot load: {exc}")

    return broken


def fail(program: str, exc: PiosError, lang: str | None = None) -> NoReturn:
    """Report an error that stopped a command on stderr and exit with its ``exit_code`` (2 for
    every error but the demo's): the one way every ``pios`` command reports one.

    With *lang* the message is given in that language only; otherwise in Swedish and English.
    """
    if lang:
        click.echo(f"{program}: {exc.text(lang)}", err=True)
    else:
        click.echo(f"{program}: {exc.message_sv}", err=True)
        if exc.message != exc.message_sv:
            click.echo(f"{program}: {exc.message}", err=True)
    sys.exit(exc.exit_code)


class CommandGroup(click.Group):
    """The group of an application's commands (``pios node``, ``pios aggregator``): a
    :class:`PiosError` that stops any of them, in a sub-group too, is reported by :func:`fail`
    as ``pios NAME: message``."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except PiosError as exc:
            fail(f"pios {self.name}", exc)


@click.group(cls=PiosGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="pios")
def main() -> None:
    """pios-ld: publish, crawl and query the public sector's digital initiatives."""


def read_source(source: str) -> tuple[bytes, rdf.Format, str | None]:
    """Read a path or an http(s) URL: its bytes, its RDF format and its base IRI."""
    if source.startswith(("http://", "https://")):
        fetched = fetch(source, headers={"Accept": "application/ld+json, text/turtle;q=0.9, "
                                                   "application/n-triples;q=0.8"},
                        limits=Limits(max_bytes=MAX_FILE_BYTES))
        if fetched.status != 200:
            raise PiosError(f"{source} answered HTTP {fetched.status}.",
                            f"{source} svarade HTTP {fetched.status}.")
        try:
            fmt = rdf.format_for(fetched.media_type)
        except PiosError:
            fmt = rdf.format_for(source.split("?")[0])
        return fetched.content, fmt, fetched.url
    path = Path(source)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise PiosError(f"{source} is larger than {MAX_FILE_BYTES:,} bytes.",
                            f"{source} är större än {MAX_FILE_BYTES:,} byte.")
        data = path.read_bytes()
    except OSError as exc:
        raise PiosError(f"Cannot read {source}: {exc.strerror or exc}.",
                        f"Kan inte läsa {source}: {exc.strerror or exc}.") from exc
    return data, rdf.format_for(path.name), path.resolve().as_uri()


@main.command("validate")
@click.argument("source", metavar="PATH|URL")
@click.option("--format", "output", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="How to print the report.")
@click.option("--lang", type=click.Choice(["sv", "en"]), default="sv", show_default=True,
              help="Language of the messages.")
def validate_command(source: str, output: str, lang: str) -> None:
    """Validate a document (JSON-LD, Turtle, N-Triples) against the pios shapes.

    Exits 0 when it conforms (warnings are printed), 1 when it has violations, 2 when it cannot
    be read or parsed.
    """
    try:
        data, fmt, base = read_source(source)
        report = validation.validate_document(data, fmt.media_type, base_iri=base)
    except PiosError as exc:
        fail("pios validate", exc, lang)
    if output == "json":
        click.echo(report.to_json())
    else:
        click.echo(report.to_text(lang))
    sys.exit(0 if report.conforms else 1)


main.add_command(demo_command, "demo")


if __name__ == "__main__":  # pragma: no cover
    main()
