"""Every interface text in both languages, under the one convention (``pios_ld.i18n``): each
string the templates and the code ask for with ``t("English text")`` has its Swedish in the
dictionary of the application that renders it (the node's ``i18n.STRINGS``, which the shared
host's pages use too, and the aggregator's ``ui.STRINGS``), so no Swedish page shows an English
phrase nobody translated. The strings are extracted as Babel would (Jinja2's
``extract_translations``, with ``t`` as the gettext function; an ``ast`` walk for the Python
code). Texts looked up by a name or code (field labels, kinds, documents) are tables with both
languages; and no template chooses a text by the language itself."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from jinja2 import Environment, nodes
from pios_ld.aggregator import ui
from pios_ld.node import i18n as node_i18n

ROOT = Path(__file__).resolve().parents[1]
HOSTING = ("_hosting_base.html", "hosting.html", "hosting_admin.html", "hosting_error.html",
           "hosting_login.html")


def asked_in_templates(paths, root: Path = ROOT) -> dict[str, str]:
    env = Environment(extensions=["jinja2.ext.i18n"])
    out: dict[str, str] = {}
    for path in paths:
        for line, _function, message in env.extract_translations(
                path.read_text(encoding="utf-8"), gettext_functions=("t",)):
            if isinstance(message, str):
                out.setdefault(message, f"{path.relative_to(root)}:{line}")
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


def untranslated(asked: dict[str, str], swedish: dict[str, str]) -> dict[str, str]:
    """The strings of *asked* (text → where) that *swedish* has no Swedish for."""
    return {text: where for text, where in asked.items() if not swedish.get(text)}


def _templates(folder: str, hosting: bool | None = None) -> list[Path]:
    paths = sorted((ROOT / folder / "templates").glob("*.html"))
    if hosting is None:
        return paths
    return [p for p in paths if (p.name in HOSTING) == hosting]


def test_the_extraction_finds_what_the_pages_ask_for():
    asked = asked_in_templates(_templates("aggregator"))
    assert "National overview" in asked and len(asked) > 100


@pytest.mark.parametrize("app", ["aggregator", "node", "hosting"])
def test_every_string_asked_for_has_its_swedish(app):
    if app == "aggregator":
        asked = {**asked_in_templates(_templates("aggregator")),
                 **asked_in_code(ROOT / "aggregator")}
        swedish = ui.STRINGS
    else:
        asked = asked_in_templates(_templates("node", hosting=app == "hosting"))
        if app == "node":
            asked.update(asked_in_code(ROOT / "node"))
        swedish = node_i18n.STRINGS
    missing = untranslated(asked, swedish)
    assert asked, "nothing extracted"
    assert not missing, f"asked for but without Swedish: {missing}"


def test_the_check_fails_on_a_string_without_swedish(tmp_path):
    page = tmp_path / "page.html"
    page.write_text("<p>{{ t('Never translated') }}</p>", encoding="utf-8")
    asked = asked_in_templates([page], root=tmp_path)
    assert list(untranslated(asked, node_i18n.STRINGS)) == ["Never translated"]


def test_the_check_finds_a_text_chosen_by_language(tmp_path):
    page = tmp_path / "page.html"
    page.write_text("<p>{{ 'Sök' if lang == 'sv' else 'Search' }}</p>\n"
                    "{% if lang == 'en' %}<input type=hidden name=lang value=en>{% endif %}\n"
                    "{% if sv %}Hej{% endif %}", encoding="utf-8")
    assert texts_chosen_by_language(page) == [1, 3]


@pytest.mark.parametrize("table", ["node fields", "aggregator kinds", "aggregator documents"])
def test_every_label_looked_up_by_name_has_both_languages(table):
    labels = {"node fields": node_i18n.FIELDS, "aggregator kinds": ui.LABELS["kind"],
              "aggregator documents": ui.LABELS["document"]}[table]
    assert labels
    assert not {name for name, texts in labels.items() if not (texts.get("sv") and texts.get("en"))}


def _language_test(test: nodes.Node) -> bool:
    """Whether *test* asks which language the page is in (``sv``, ``lang == "sv"``, …)."""
    found = [test, *test.find_all(nodes.Node)]
    names = {n.name for n in found if isinstance(n, nodes.Name)}
    return "sv" in names or ("lang" in names and any(isinstance(n, nodes.Compare) for n in found))


def _has_words(node: nodes.Node) -> bool:
    found = [node, *node.find_all(nodes.Node)]
    texts = [c.value for c in found if isinstance(c, nodes.Const) and isinstance(c.value, str)]
    texts += [d.data for d in found if isinstance(d, nodes.TemplateData)]
    return any(re.search(r"[A-Za-zÅÄÖåäö]{2}", re.sub(r"<[^>]*>", "", text)) for text in texts)


def texts_chosen_by_language(path: Path) -> list[int]:
    """Lines of *path* where a text is chosen by the language in the template (``"Sök" if sv
    else "Search"``, ``{% if lang == "sv" %}Sök{% else %}…``) instead of asked for with ``t()``.
    A language test around markup only (a hidden ``lang`` field) is not a text."""
    tree = Environment(extensions=["jinja2.ext.i18n"]).parse(path.read_text(encoding="utf-8"))
    found = []
    for node in [*tree.find_all(nodes.CondExpr), *tree.find_all(nodes.If)]:
        if _language_test(node.test):
            branches = [node.expr1, node.expr2] if isinstance(node, nodes.CondExpr) \
                else [*node.body, *node.else_]
            if any(b is not None and _has_words(b) for b in branches):
                found.append(node.lineno)
    return sorted(set(found))


#: Templates that still choose texts by language, to move into t() strings: this list only
#: shrinks.
NOT_YET = {
}


def test_no_template_chooses_a_text_by_language():
    found = {f"{p.parent.parent.name}/{p.name}": texts_chosen_by_language(p)
             for folder in ("node", "aggregator") for p in _templates(folder)}
    found = {name: lines for name, lines in found.items() if lines}
    assert set(found) <= set(NOT_YET), f"texts chosen by language in: {found}"
    assert not set(NOT_YET) - set(found), "a template was cleaned: remove it from NOT_YET"


@pytest.mark.parametrize("app", ["aggregator", "node"])
def test_every_string_in_a_dictionary_is_asked_for(app):
    folder, swedish = (("aggregator", ui.STRINGS) if app == "aggregator"
                       else ("node", node_i18n.STRINGS))
    asked = {**asked_in_templates(_templates(folder)), **asked_in_code(ROOT / folder)}
    assert not [text for text in swedish if text not in asked], "translated but never asked for"
