"""The built wheel installs one import name, ``pios_ld``, with all its data (DESIGN.md §2).

How this is tested, and why:

- The wheel is built from a copy of the source files (so no ``build/`` folder lands in the work
  tree) with ``python -m build --wheel``, in build's isolated environment: that is what a user
  does, and it needs only the build requirements (setuptools, wheel) from the package index or
  pip's cache; ``--no-isolation`` would depend on whatever happens to be installed here.
- A *clean* venv (no system site-packages, no pip: pip installs into it from outside with
  ``--python``) gets the wheel with ``--no-deps --no-index``, offline and in about a second.
  Installing the dependencies too (rdflib, pySHACL, pyoxigraph, Flask, ...) takes well over a
  minute, so in the clean venv the test imports only what needs no dependency (``pios_ld``,
  ``pios_ld.vocab``, ``pios_ld.shapes``), checks that the data files resolve through
  ``importlib.resources`` from the installed copy, byte-compiles every installed module, and
  lists site-packages to prove nothing generic landed there.
- A second venv gets the same wheel and sees the test environment's packages (for the
  dependencies) after its own; its copy shadows the development install, and the test imports
  ``pios_ld.node`` and ``pios_ld.aggregator`` and validates the bundled example from there.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ("pyproject.toml", "README.md", "pios_ld", "node", "aggregator", "vocab", "shapes")
#: folder in the source -> package in the wheel, for the data files each must carry
DATA = {
    "vocab": "pios_ld/vocab", "shapes": "pios_ld/shapes",
    "node/templates": "pios_ld/node/templates", "node/static": "pios_ld/node/static",
    "aggregator/templates": "pios_ld/aggregator/templates",
    "aggregator/static": "pios_ld/aggregator/static",
}
REQUIRED = ("pios_ld/vocab/context.jsonld", "pios_ld/vocab/pios.ttl",
            "pios_ld/vocab/organizations.ttl", "pios_ld/vocab/aggregator.ttl",
            "pios_ld/shapes/pios-shapes.ttl",
            "pios_ld/vocab/reference/sweden_municipalities_290.csv",
            "pios_ld/vocab/reference/sweden_regions_21.csv",
            "pios_ld/vocab/reference/sweden_agencies.csv")

pytestmark = pytest.mark.slow


def run(*args: str | Path, cwd: Path | None = None, timeout: int = 300,
        with_stderr: bool = False) -> str:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    done = subprocess.run([str(a) for a in args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=timeout)
    assert done.returncode == 0, f"{args}\n{done.stdout}\n{done.stderr}"
    return done.stdout + done.stderr if with_stderr else done.stdout


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    source = tmp_path_factory.mktemp("source")
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info")
    for name in SOURCES:
        path = ROOT / name
        if path.is_dir():
            shutil.copytree(path, source / name, ignore=ignore)
        else:
            shutil.copy2(path, source / name)
    dist = tmp_path_factory.mktemp("dist")
    output = run(sys.executable, "-m", "build", "--wheel", "--outdir", dist, source, timeout=600,
                 with_stderr=True)
    # A newcomer takes a wall of packaging warnings for breakage: the build gives none.
    warnings = [line for line in output.splitlines()
                if line.startswith("WARNING") or "Warning:" in line or "Warning(" in line]
    assert warnings == [], output
    [built] = dist.glob("pios_ld-*.whl")
    return built


def venv(where: Path, wheel: Path, with_dependencies: bool) -> Path:
    """A venv with the wheel; ``with_dependencies`` also sees the test environment's packages.

    Those are added as plain paths in a ``.pth`` file, after the venv's own site-packages: the
    wheel's copy of ``pios_ld`` comes first, and the development install's editable finder (a
    ``.pth`` file in the test environment's site-packages) is not run. ``--system-site-packages``
    would not do: it names the base interpreter's packages, not this environment's.
    """
    run(sys.executable, "-m", "venv", "--without-pip", where)
    python = where / "bin" / "python"
    run(sys.executable, "-m", "pip", "--python", python, "install", "--no-deps", "--no-index",
        "--quiet", wheel)
    if with_dependencies:
        [packages] = list((where / "lib").glob("python3*/site-packages"))
        paths = dict.fromkeys(sysconfig.get_paths()[key] for key in ("purelib", "platlib"))
        (packages / "test-environment.pth").write_text("".join(f"{p}\n" for p in paths))
    return python


def test_wheel_holds_one_package_with_all_data_files(wheel: Path):
    names = set(zipfile.ZipFile(wheel).namelist())
    tops = {name.split("/")[0] for name in names}
    assert tops == {"pios_ld", wheel.name.split("-")[0] + "-" + wheel.name.split("-")[1]
                    + ".dist-info"}
    for package in ("pios_ld", "pios_ld/node", "pios_ld/aggregator", "pios_ld/vocab",
                    "pios_ld/shapes"):
        assert f"{package}/__init__.py" in names, package
    missing = [name for name in REQUIRED if name not in names]
    for folder, package in DATA.items():
        for path in sorted((ROOT / folder).rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                name = f"{package}/{path.relative_to(ROOT / folder).as_posix()}"
                if name not in names:
                    missing.append(name)
    for folder, package in (("pios_ld", "pios_ld"), ("node", "pios_ld/node"),
                            ("aggregator", "pios_ld/aggregator")):
        for path in sorted((ROOT / folder).rglob("*.py")):
            name = f"{package}/{path.relative_to(ROOT / folder).as_posix()}"
            if name not in names:
                missing.append(name)
    assert missing == []
    metadata = zipfile.ZipFile(wheel).read(f"{'-'.join(wheel.name.split('-')[:2])}"
                                           ".dist-info/entry_points.txt").decode()
    assert "pios = pios_ld.cli:main" in metadata
    assert "node = pios_ld.node.cli:node" in metadata
    assert "aggregator = pios_ld.aggregator.cli:aggregator" in metadata


CLEAN_CHECK = """
import compileall, json, sys
from importlib.resources import files
import pios_ld, pios_ld.vocab, pios_ld.shapes, pios_ld.vocab_paths as paths
print(json.dumps({
    "pios_ld": pios_ld.__file__,
    "files": {name: getattr(paths, name).is_file() for name in
              ("CONTEXT", "VOCABULARY", "ORGANIZATIONS", "SHAPES")},
    "csv": sorted(p.name for p in paths.REFERENCE.iterdir() if p.name.endswith(".csv")),
    "templates": {app: sorted(p.name for p in (files("pios_ld") / app / "templates").iterdir())
                  for app in ("node", "aggregator")},
    "compiled": compileall.compile_dir(pios_ld.__path__[0], quiet=1),
}))
"""


def test_clean_venv_finds_the_data_files_from_the_installed_wheel(wheel: Path, tmp_path: Path):
    python = venv(tmp_path / "clean", wheel, with_dependencies=False)
    found = json.loads(run(python, "-c", CLEAN_CHECK, cwd=tmp_path))
    site = tmp_path / "clean" / "lib"
    assert Path(found["pios_ld"]).is_relative_to(site)
    assert all(found["files"].values()), found["files"]
    assert "sweden_municipalities_290.csv" in found["csv"]
    assert "base.html" in found["templates"]["node"]  # (importing node would need Flask)
    assert "base.html" in found["templates"]["aggregator"]
    assert found["compiled"]
    [packages] = list(site.glob("python3*/site-packages"))
    assert {p.name for p in packages.iterdir()} - {"__pycache__"} == {
        "pios_ld", next(p.name for p in packages.iterdir() if p.name.endswith(".dist-info"))}


FULL_CHECK = """
import json
import pios_ld, pios_ld.node, pios_ld.aggregator
from pios_ld import rdf, validation, vocab_paths
catalog = vocab_paths.EXAMPLES / "vellinge-catalog.jsonld"
report = validation.validate_document(catalog.read_bytes(), "jsonld") if catalog.is_file() else None
print(json.dumps({
    "files": [m.__file__ for m in (pios_ld, pios_ld.node, pios_ld.aggregator, validation)],
    "conforms": None if report is None else report.conforms,
}))
"""


def test_wheel_with_its_dependencies_imports_both_applications(wheel: Path, tmp_path: Path):
    python = venv(tmp_path / "full", wheel, with_dependencies=True)
    found = json.loads(run(python, "-c", FULL_CHECK, cwd=tmp_path))
    for module_file in found["files"]:
        assert Path(module_file).is_relative_to(tmp_path / "full"), module_file
    assert found["conforms"] in (True, None)


def test_development_install_resolves_the_same_names():
    """``pip install -e .``: the same import names point into the source folders."""
    import pios_ld.aggregator
    import pios_ld.node

    from pios_ld import vocab_paths

    assert Path(pios_ld.node.__file__).parent == ROOT / "node"
    assert Path(pios_ld.aggregator.__file__).parent == ROOT / "aggregator"
    assert vocab_paths.CONTEXT.is_file() and vocab_paths.SHAPES.is_file()


def test_demo_runs_from_inside_a_checkout_with_the_installed_wheel(wheel: Path, tmp_path: Path):
    """``pip install .`` then ``pios demo`` in the checkout: the children import the installed
    package, not the source folder (which has no ``pios_ld.shapes``)."""
    import signal

    python = venv(tmp_path / "demo", wheel, with_dependencies=True)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    env.update(TMPDIR=str(tmp_path), PYTHONUNBUFFERED="1")
    process = subprocess.Popen([str(python.parent / "pios"), "demo", "--port", str(port)],
                               cwd=ROOT, env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True)
    printed = []
    try:
        assert process.stdout is not None
        for line in process.stdout:
            printed.append(line.rstrip("\n"))
            if line.startswith("Press Ctrl-C"):
                break
        assert printed and printed[-1].startswith("Press Ctrl-C"), "\n".join(printed)
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=120)
    assert process.returncode == 0, "\n".join(printed)
