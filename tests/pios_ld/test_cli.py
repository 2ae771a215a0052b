"""``pios validate``: exit codes, output formats, languages, files and URLs."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import samples
from click.testing import CliRunner

from pios_ld import jsonld
from pios_ld.cli import main

RECORD = {**samples.RECORD, "title": {"sv": "Digital tillsyn i hemtjänsten"}}


def write(tmp_path: Path, name: str, document: dict | str) -> Path:
    path = tmp_path / name
    text = document if isinstance(document, str) else json.dumps(document, ensure_ascii=False)
    path.write_text(text, encoding="utf-8")
    return path


def run(*args: str):
    return CliRunner().invoke(main, ["validate", *args])


def without(*keys: str) -> dict:
    doc = copy.deepcopy(RECORD)
    for key in keys:
        doc.pop(key)
    return doc


def test_conforming_document_exits_0(tmp_path):
    result = run(str(write(tmp_path, "ok.jsonld", RECORD)))
    assert result.exit_code == 0, result.output
    assert "Inga fel hittades." in result.output


def test_warnings_are_printed_but_exit_0(tmp_path):
    result = run(str(write(tmp_path, "warn.jsonld", without("theme"))), "--lang", "en")
    assert result.exit_code == 0
    assert "WARNING theme (InitiativeThemeRecommended): Give at least one theme" in result.output
    assert "0 errors, 1 warnings." in result.output


def test_violation_exits_1_and_names_the_rule_in_swedish(tmp_path):
    result = run(str(write(tmp_path, "bad.jsonld", without("title"))))
    assert result.exit_code == 1
    assert "FEL title (InitiativeTitleRequired): Initiativet saknar titel." in result.output
    assert RECORD["id"] in result.output


def test_lang_en_gives_english_messages(tmp_path):
    result = run(str(write(tmp_path, "bad.jsonld", without("title"))), "--lang", "en")
    assert result.exit_code == 1
    assert "ERROR title (InitiativeTitleRequired): The initiative has no title." in result.output


def test_format_json_is_parseable_and_complete(tmp_path):
    result = run(str(write(tmp_path, "bad.jsonld", without("title", "theme"))), "--format", "json")
    assert result.exit_code == 1
    report = json.loads(result.output)
    assert report["conforms"] is False
    assert (report["violations"], report["warnings"]) == (1, 1)
    [violation] = [r for r in report["results"] if r["severity"] == "Violation"]
    assert violation["initiative"] == RECORD["id"]
    assert violation["message_en"] == "The initiative has no title."
    assert violation["shape"] == "https://w3id.org/pios/shapes#InitiativeTitleRequired"


def test_turtle_file_is_validated_too(tmp_path):
    path = write(tmp_path, "bad.ttl", """
        @prefix pios: <https://w3id.org/pios/vocab#> .
        <https://pios.example.se/initiatives/x> a pios:Initiative .""")
    result = run(str(path), "--format", "json")
    assert result.exit_code == 1
    assert json.loads(result.output)["violations"] >= 5


@pytest.mark.parametrize(("name", "content", "reason"), [
    ("broken.jsonld", '{"id": ', "Inte giltig JSON"),
    ("broken.ttl", "<a> <b> .", "Inte giltig turtle"),
    ("remote.jsonld", json.dumps({"@context": "http://127.0.0.1:9/evil.jsonld"}), "vägras"),
    ("notes.pdf", "hello", "Okänt RDF-format"),
])
def test_unreadable_input_exits_2_with_a_one_line_reason(tmp_path, name, content, reason):
    result = run(str(write(tmp_path, name, content)))
    assert result.exit_code == 2
    assert reason in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert "Traceback" not in result.output


def test_missing_file_exits_2(tmp_path):
    result = run(str(tmp_path / "missing.jsonld"), "--lang", "en")
    assert result.exit_code == 2
    assert "Cannot read" in result.output


def test_real_command_prints_no_traceback_for_a_remote_context(tmp_path):
    """The installed ``pios`` entry point, as a user runs it."""
    path = write(tmp_path, "evil.jsonld", {"@context": "http://127.0.0.1:9/evil.jsonld",
                                           "id": "https://ex.se/x"})
    done = subprocess.run([sys.executable, "-m", "pios_ld", "validate", str(path), "--lang", "en"],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.startswith("pios validate: Remote JSON-LD context")
    assert len(done.stderr.strip().splitlines()) == 1


# --- URLs ------------------------------------------------------------------------------------
class _Handler(BaseHTTPRequestHandler):
    documents: dict[str, tuple[str, bytes]] = {}

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        media_type, body = self.documents.get(self.path, ("text/plain", b""))
        self.send_response(200 if body else 404)
        self.send_header("Content-Type", media_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def server(free_port):
    _Handler.documents = {
        "/ok": ("application/ld+json", json.dumps(RECORD).encode()),
        "/bad.jsonld": ("application/octet-stream", json.dumps(without("title")).encode()),
    }
    httpd = ThreadingHTTPServer(("127.0.0.1", free_port), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{free_port}"
    httpd.shutdown()
    httpd.server_close()
    thread.join(timeout=10)


def test_url_is_fetched_and_validated_when_private_addresses_are_allowed(
        server, allow_private_addresses):
    assert run(f"{server}/ok").exit_code == 0
    result = run(f"{server}/bad.jsonld", "--lang", "en")  # format from the suffix
    assert result.exit_code == 1
    assert "The initiative has no title." in result.output


def test_missing_url_exits_2(server, allow_private_addresses):
    result = run(f"{server}/nothing", "--lang", "en")
    assert result.exit_code == 2
    assert "HTTP 404" in result.output


def test_loopback_url_is_refused_without_the_allowance(server, monkeypatch):
    monkeypatch.delenv("PIOS_ALLOW_PRIVATE_ADDRESSES", raising=False)
    result = run(f"{server}/ok", "--lang", "en")
    assert result.exit_code == 2
    assert "PIOS_ALLOW_PRIVATE_ADDRESSES=1" in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert "Traceback" not in result.output



def _record_text(**changes: object) -> str:
    return json.dumps({**RECORD, **changes}, ensure_ascii=False)


@pytest.mark.parametrize(("name", "data", "reason"), [
    ("encoded-surrogate", _record_text(identifier="X").encode().replace(b'"X"', b'"\xed\xa0\x80"'),
     "UTF-8"),
    ("string-of-17-mb", _record_text(identifier="x" * 17_000_000, unknown=None).encode(),
     "för långt"),
    ("id-null", _record_text(id=None).encode(), "@id"),
    ("list-keyword-empty", _record_text(**{"@list": []}).encode(), "@list"),
    ("value-keyword-empty", _record_text(**{"@value": []}).encode(), "@value"),
    ("protected-prefix-redefined",
     _record_text(**{"@context": [jsonld.CONTEXT_URL, {"dct": "https://example.org/"}]}).encode(),
     "skyddade"),
])
def test_input_errors_exit_2_unreadable_never_a_traceback(tmp_path, name, data, reason):
    path = tmp_path / f"{name}.jsonld"
    path.write_bytes(data)
    result = run(str(path))
    assert result.exit_code == 2, result.output[-500:]
    assert reason in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_an_integer_of_4301_digits_is_judged_not_a_traceback(tmp_path):
    path = tmp_path / "long-number.jsonld"
    path.write_text(_record_text(identifier="X").replace('"X"', "1" + "0" * 4300))
    result = run(str(path), "--lang", "en")
    assert result.exit_code == 1  # a number is no identifier: a violation
    assert isinstance(result.exception, SystemExit)
    assert "identifier" in result.output


def test_an_rdf_1_2_triple_term_is_unreadable_not_a_traceback(tmp_path):
    path = tmp_path / "triple-term.ttl"
    path.write_text('<https://a.se/x> <http://p.se/p> '
                    '<<( <https://a.se/x> <http://p.se/p> "x" )>> .')
    result = run(str(path), "--lang", "en")
    assert result.exit_code == 2
    assert "RDF 1.2" in result.output
