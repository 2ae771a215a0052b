"""The documentation keeps up with the code: every command of ``pios`` is documented."""

from __future__ import annotations

from pathlib import Path

import click
from click.testing import CliRunner

from pios_ld.cli import main

ROOT = Path(__file__).resolve().parent.parent


def _docs_text() -> str:
    files = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
    return "\n".join(f.read_text(encoding="utf-8") for f in files)


def _command_paths(group: click.Group, prefix: str = "pios") -> list[str]:
    ctx = click.Context(group)
    paths = []
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        path = f"{prefix} {name}"
        paths.append(path)
        if isinstance(command, click.Group):
            paths.extend(_command_paths(command, path))
    return paths


def test_every_pios_command_appears_in_the_docs():
    docs = _docs_text()
    missing = [path for path in _command_paths(main) if path not in docs]
    assert not missing, f"commands not mentioned in README.md or docs/*.md: {missing}"


def test_every_pios_command_has_help():
    for path in _command_paths(main):
        words = path.split()[1:]
        result = CliRunner().invoke(main, [*words, "--help"])
        assert result.exit_code == 0, (path, result.output)
        assert "Usage:" in result.output
