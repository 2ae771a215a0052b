"""Every interface text in both languages: each string the templates and the code ask for (with
``t(…)``) has its Swedish and English text in the dictionary of the application that renders
it, so no Swedish page shows an English phrase nobody translated. The strings are extracted as
Babel would (Jinja2's ``extract_translations``, with ``t`` as the gettext function; an ``ast``
walk for the Python code)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from jinja2 import Environment
from pios_ld.aggregator import ui
from pios_ld.node import hostingapp
from pios_ld.node import i18n as node_i18n

ROOT = Path(__file__).resolve().parents[1]
HOSTING = ("_hosting_base.html", "hosting.html", "hosting_admin.html", "hosting_error.html",
           "hosting_login.html")


def asked_in_templates(paths) -> dict[str, str]:
    env = Environment(extensions=["jinja2.ext.i18n"])
    out: dict[str, str] = {}
    for path in paths:
        for line, _function, message in env.extract_translations(
                path.read_text(encoding="utf-8"), gettext_functions=("t",)):
            if isinstance(message, str):
                out.setdefault(message, f"{path.relative_to(ROOT)}:{line}")
    return out


def asked_in_code(folder: Path) -> dict[str, str]:
    out: dict[str, str] = {}
    for path in sorted(folder.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant) \
                    and isinstance(node.args[0].value, str):
                name = getattr(node.func, "attr", None) or getattr(node.func, "id", None)
                if name == "t":
                    out.setdefault(node.args[0].value, f"{path.relative_to(ROOT)}:{node.lineno}")
    return out


def _templates(folder: str, hosting: bool | None = None) -> list[Path]:
    paths = sorted((ROOT / folder / "templates").glob("*.html"))
    if hosting is None:
        return paths
    return [p for p in paths if (p.name in HOSTING) == hosting]


def test_the_extraction_finds_what_the_pages_ask_for():
    asked = asked_in_templates(_templates("aggregator"))
    assert "National overview" in asked and len(asked) > 100


@pytest.mark.parametrize("app", ["aggregator", "node", "hosting"])
def test_every_string_asked_for_has_both_languages(app):
    if app == "aggregator":
        asked = {**asked_in_templates(_templates("aggregator")),
                 **asked_in_code(ROOT / "aggregator")}
        missing = {k: where for k, where in asked.items() if not ui.STRINGS.get(k)}
    elif app == "node":
        asked = {**asked_in_templates(_templates("node", hosting=False)),
                 **asked_in_code(ROOT / "node")}
        missing = {k: where for k, where in asked.items()
                   if not all(node_i18n.STRINGS.get(k, ("", "")))}
    else:
        asked = asked_in_templates(_templates("node", hosting=True))
        missing = {k: where for k, where in asked.items()
                   if not all(hostingapp.TEXTS.get(k, ("", "")))}
    assert asked, "nothing extracted"
    assert not missing, f"asked for but not translated: {missing}"
