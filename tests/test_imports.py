"""The architecture holds: imports flow node → pios_ld ← aggregator (DESIGN.md §2).

Walks every module's import statements with ``ast`` (imports inside functions included): the two
applications never import each other, the shared library never imports Flask or either
application, and the library's core never imports its tools (``pios_ld/tools/``: the demo, the
data generator, the vocabulary docs), except the ``pios`` command that offers ``pios demo``.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

#: folder -> (its package name when installed, import prefixes it must never use)
RULES = {
    "pios_ld": ("pios_ld", ("flask", "werkzeug", "pios_ld.node", "pios_ld.aggregator", "node",
                            "aggregator")),
    "node": ("pios_ld.node", ("pios_ld.aggregator", "aggregator")),
    "aggregator": ("pios_ld.aggregator", ("pios_ld.node", "node")),
}
#: The modules of the library's core that may import its tools: the command line.
TOOL_USERS = {"pios_ld/cli.py"}


def imported_modules(path: Path, package: str, root: Path = ROOT) -> list[tuple[int, str]]:
    """(line, absolute module name) for every import in *path*, relative ones resolved."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    relative_to = package.split(".")
    if path.name != "__init__.py":
        parts = path.relative_to(root).with_suffix("").parts[1:-1]
        relative_to = relative_to + list(parts)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = relative_to[: len(relative_to) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
                names = [module] if node.module else [f"{module}.{a.name}" for a in node.names]
            else:
                names = [node.module or ""]
                names += [f"{node.module}.{a.name}" for a in node.names]
            found += [(node.lineno, name) for name in names]
    return found


def violations(folder: str, root: Path = ROOT) -> list[str]:
    package, forbidden = RULES[folder]
    bad = []
    for path in sorted((root / folder).rglob("*.py")):
        for line, module in imported_modules(path, package, root):
            if any(module == f or module.startswith(f + ".") for f in forbidden):
                bad.append(f"{path.relative_to(root)}:{line} imports {module}")
    return bad


@pytest.mark.parametrize("folder", sorted(RULES))
def test_folder_imports_only_what_the_architecture_allows(folder: str):
    assert violations(folder) == []


def test_library_core_never_imports_its_tools():
    core = [p for p in sorted((ROOT / "pios_ld").rglob("*.py"))
            if "tools" not in p.relative_to(ROOT / "pios_ld").parts
            and str(p.relative_to(ROOT)) not in TOOL_USERS]
    assert len(core) > 15
    bad = [f"{path.relative_to(ROOT)}:{line} imports {module}"
           for path in core for line, module in imported_modules(path, "pios_ld")
           if module == "pios_ld.tools" or module.startswith("pios_ld.tools.")]
    assert bad == []


def test_the_checker_catches_a_forbidden_import(tmp_path):
    """The walk itself works: from-, relative and function-level imports are all seen."""
    (tmp_path / "node").mkdir()
    (tmp_path / "node" / "__init__.py").write_text("")
    (tmp_path / "node" / "a.py").write_text(
        "import json\n"
        "from pios_ld import aggregator\n"
        "def f():\n"
        "    from ..aggregator import store\n"
        "    import pios_ld.aggregator.crawler\n")
    found = violations("node", root=tmp_path)
    assert [f.split(":")[1].split()[0] for f in found] == ["2", "4", "5"], found
