"""The examples validate, each invalid document fails on exactly its rule, bad input exits 2.

These run the real command (``python -m pios_ld validate``) in a subprocess, as a publisher would.
The table in ``tests/data/invalid/README.md`` says which rule each invalid document breaks.
"""

from __future__ import annotations

import json
import re
import socket
import subprocess
import sys
from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from click.testing import CliRunner
from rdflib.compare import to_isomorphic

from pios_ld import organizations, rdf, vocab_paths
from pios_ld.cli import main
from pios_ld.validation import shape_messages

DATA = Path(__file__).resolve().parent.parent / "data"
EXAMPLES = Path(str(vocab_paths.EXAMPLES))
SHAPES_NS = "https://w3id.org/pios/shapes#"
CATALOG = EXAMPLES / "vellinge-catalog.jsonld"
VELLINGE_BASE = "https://pios.vellinge.se/"


def run_validate(path: Path, *options: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "pios_ld", "validate", str(path), *options],
        capture_output=True, text=True, encoding="utf-8", timeout=120,
    )


@lru_cache(maxsize=1)
def invalid_table() -> dict[str, frozenset[str]]:
    """File name -> the shape IRIs it breaks, from tests/data/invalid/README.md."""
    table = {}
    for line in (DATA / "invalid" / "README.md").read_text(encoding="utf-8").splitlines():
        match = re.match(r"\| `([\w.-]+\.jsonld)` \| (.+?) \|", line)
        if match:
            shapes = re.findall(r"`:(\w+)`", match.group(2))
            table[match.group(1)] = frozenset(SHAPES_NS + s for s in shapes)
    return table


# --------------------------------------------------------------------------------------------
# The examples
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["vellinge-catalog.jsonld", "digital-tillsyn.ttl"])
def test_example_validates_through_the_cli_without_warnings(name):
    done = run_validate(EXAMPLES / name, "--format", "json")
    assert done.returncode == 0, done.stdout + done.stderr
    report = json.loads(done.stdout)
    assert report["conforms"] and report["results"] == []


@lru_cache(maxsize=1)
def catalog() -> dict:
    return json.loads(CATALOG.read_text(encoding="utf-8"))


def test_catalog_is_published_by_vellinge_as_the_reference_data_says():
    vellinge = organizations.find("Vellinge kommun")
    assert vellinge.municipality_code == "1233"
    doc = catalog()
    assert doc["@context"] == "https://w3id.org/pios/context.jsonld"
    assert doc["type"] == "Catalog" and doc["publisher"] == vellinge.iri
    assert doc["feed"].startswith(VELLINGE_BASE) and doc["id"].startswith(VELLINGE_BASE)
    for initiative in doc["initiative"]:
        assert initiative["responsibleOrganization"] == vellinge.iri
        assert initiative["id"] == VELLINGE_BASE + "initiatives/" + initiative["identifier"]


def test_catalog_spreads_over_phases_and_uses_every_theme():
    initiatives = catalog()["initiative"]
    assert len(initiatives) >= 12
    assert catalog()["totalItems"] == len(initiatives)
    phases = {i["phase"] for i in initiatives}
    assert {"idea", "prestudy", "planning", "development", "pilot", "implementation", "scaling",
            "paused", "operation", "closed", "discontinued"} <= phases
    themes = {t for i in initiatives for t in i["theme"]}
    assert len(themes) == 16
    assert any("en" in i["title"] for i in initiatives)


def test_catalog_uses_every_term_of_the_context_that_a_single_page_can():
    ctx = json.loads(vocab_paths.CONTEXT.read_text(encoding="utf-8"))["@context"]
    used: set[str] = set()

    def walk(node):
        if isinstance(node, dict):
            used.update(node)
            if isinstance(node.get("type"), str):
                used.add(node["type"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(catalog())
    terms = {t for t, d in ctx.items() if not t.startswith("@")
             and not (isinstance(d, str) and d.endswith(("#", "/")))}
    # "next" links to a catalog's next page; this catalog fits on one. The organisation terms
    # describe organisations (vocab/organizations.ttl), not initiatives.
    organisation_terms = {"Organization", "name", "organizationNumber", "organizationType",
                          "municipalityCode", "countyCode", "countyName", "orgnrEvidenceLevel"}
    assert terms - used == {"next"} | organisation_terms


def test_catalog_names_real_partners_and_links_reuse_within_and_across_nodes():
    initiatives = catalog()["initiative"]
    partners = {p for i in initiatives for p in i.get("participant", [])}
    assert partners and all(organizations.by_iri(p) for p in partners), partners
    reused = {r for i in initiatives for r in i.get("reuses", [])}
    own = {i["id"] for i in initiatives}
    assert reused & own, "one initiative reuses another of the same catalog"
    assert any(r.startswith("https://pios.skane.se/initiatives/") for r in reused)
    assert len({r.split("/")[2] for r in reused - own}) >= 3
    mailboxes = {i["contactPoint"]["email"] for i in initiatives}
    assert all(re.fullmatch(r"mailto:[a-z.-]+@vellinge\.se", m) for m in mailboxes)


def test_status_updates_are_in_order_spending_never_shrinks_and_the_last_gives_the_phase():
    for initiative in catalog()["initiative"]:
        updates = initiative.get("statusUpdate", [])
        dates = [u["date"] for u in updates]
        assert dates == sorted(dates), initiative["identifier"]
        spent = [u["spentToDate"]["value"] for u in updates if "spentToDate" in u]
        assert spent == sorted(spent), initiative["identifier"]
        assert all(d <= initiative["modified"][:10] for d in dates), initiative["identifier"]
        if updates:
            assert updates[-1]["phase"] == initiative["phase"], initiative["identifier"]


def test_catalog_modified_is_the_latest_change_of_its_initiatives():
    doc = catalog()
    assert doc["modified"] == max(i["modified"] for i in doc["initiative"])


def _graph(path: Path) -> rdflib.Graph:
    statements = rdf.parse(path.read_bytes(), rdf.format_for(path.name),
                           base_iri=path.resolve().as_uri())
    triples = [ox.Triple(s.subject, s.predicate, s.object) for s in statements]
    text = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES).decode()
    return rdflib.Graph().parse(data=text, format="nt")


def _reachable(graph: rdflib.Graph, root: rdflib.URIRef) -> rdflib.Graph:
    """The triples about *root* and about the blank nodes hanging from it."""
    out, stack, seen = rdflib.Graph(), [root], set()
    while stack:
        node = stack.pop()
        if node in seen:
            continue
        seen.add(node)
        for p, o in graph.predicate_objects(node):
            out.add((node, p, o))
            if isinstance(o, rdflib.BNode):
                stack.append(o)
    return out


def test_turtle_example_is_the_same_record_as_in_the_catalog():
    iri = rdflib.URIRef(VELLINGE_BASE + "initiatives/digital-tillsyn")
    from_catalog = _reachable(_graph(CATALOG), iri)
    from_turtle = _graph(EXAMPLES / "digital-tillsyn.ttl")
    assert to_isomorphic(from_catalog) == to_isomorphic(from_turtle)


# --------------------------------------------------------------------------------------------
# Valid edge cases
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("path", sorted((DATA / "valid").glob("*.jsonld")), ids=lambda p: p.name)
def test_valid_document_conforms(path):
    done = run_validate(path)
    assert done.returncode == 0, done.stdout + done.stderr


# --------------------------------------------------------------------------------------------
# Invalid documents: each breaks exactly its rule
# --------------------------------------------------------------------------------------------
def test_every_invalid_document_is_in_the_table_and_every_shape_rule_is_covered():
    files = {p.name for p in (DATA / "invalid").glob("*.jsonld")}
    assert files == set(invalid_table())
    constraint_shapes = {s for s in shape_messages() if s.startswith(SHAPES_NS)}
    severity_warning = {SHAPES_NS + s for s in ("InitiativeThemeRecommended",
                                                 "InitiativeBudgetRecommended",
                                                 "InitiativeGoalRecommended",
                                                 "InitiativeContactRecommended")}
    covered = set().union(*invalid_table().values())
    assert constraint_shapes - severity_warning - covered == set()


@pytest.mark.parametrize("name", sorted(invalid_table()))
def test_invalid_document_fails_on_exactly_its_rule(name):
    done = run_validate(DATA / "invalid" / name, "--format", "json")
    assert done.returncode == 1, done.stdout + done.stderr
    report = json.loads(done.stdout)
    violated = {r["shape"] for r in report["results"] if r["severity"] == "Violation"}
    assert violated == invalid_table()[name]
    assert report["warnings"] == 0


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_text_report_names_the_broken_rule_in_both_languages(lang):
    messages = shape_messages()
    runner = CliRunner()
    for name, shapes in invalid_table().items():
        result = runner.invoke(main, ["validate", str(DATA / "invalid" / name), "--lang", lang])
        assert result.exit_code == 1, (name, result.output)
        for shape in shapes:
            sv, en = messages[shape]
            assert (sv if lang == "sv" else en) in result.output, (name, shape)


def test_an_ill_formed_date_is_reported_without_a_traceback():
    done = run_validate(DATA / "invalid" / "modified-not-datetime.jsonld")
    assert done.returncode == 1
    assert "Traceback" not in done.stderr


# --------------------------------------------------------------------------------------------
# Unreadable input: exit 2, one line, no traceback, no network
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("path", sorted((DATA / "unreadable").iterdir()), ids=lambda p: p.name)
def test_unreadable_document_exits_2_with_a_one_line_reason(path):
    done = run_validate(path, "--lang", "en")
    assert done.returncode == 2, done.stdout + done.stderr
    assert done.stdout == ""
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("pios validate: "), done.stderr
    assert "Traceback" not in done.stderr


def test_remote_context_is_refused_without_any_connection(tmp_path):
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(1)
        server.settimeout(0.5)
        port = server.getsockname()[1]
        document = json.loads((DATA / "unreadable" / "remote-context.jsonld").read_text("utf-8"))
        document["@context"] = f"http://127.0.0.1:{port}/evil.jsonld"
        path = tmp_path / "evil.jsonld"
        path.write_text(json.dumps(document), encoding="utf-8")
        done = run_validate(path, "--lang", "en")
        assert done.returncode == 2
        assert "refused" in done.stderr and f"127.0.0.1:{port}" in done.stderr
        with pytest.raises(TimeoutError):
            server.accept()  # nobody connected
