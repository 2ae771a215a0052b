"""The node's editor shows similar initiatives of other organisations, from a real aggregator.

A real federation on loopback: a node of Lund that publishes an initiative, an aggregator that
has crawled it, and the node of Upplands Väsby whose editor asks that aggregator while a new
initiative is written. Also: an aggregator that refuses connections or never answers leaves the
editor working, and "We reuse this" ends up as ``reuses`` in the published record.
"""

from __future__ import annotations

import os
import re
import secrets
import socket
import threading
import time
from pathlib import Path

import pytest
import requests
from pios_ld.aggregator import parts
from pios_ld.node import create_app as create_node
from pios_ld.node import parts as node_parts
from pios_ld.node import settings as node_settings
from werkzeug.serving import make_server

from pios_ld import organizations

TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')
PASSWORD = "korrekt-hast-batteri"
VASBY = "http://dataportal.se/organisation/SE2120000019"   # Upplands Väsby kommun
LUND_TITLE = "Kameratillsyn på natten för äldre i hemtjänsten"


class Node:
    """A node instance served by a threaded WSGI server on a free loopback port."""

    def __init__(self, folder: Path, organization: str, **values) -> None:
        holder: dict = {}
        self.server = make_server("127.0.0.1", 0, lambda env, start: holder["app"](env, start),
                                  threaded=True)
        self.url = f"http://127.0.0.1:{self.server.port}"
        folder.mkdir(parents=True)
        node_settings.write_file(folder, {"base_url": self.url, "organization": organization,
                                          **values})
        (folder / node_settings.SECRET_FILE).write_text(secrets.token_urlsafe(32))
        self.app = holder["app"] = create_node({"instance": folder})
        store = node_parts.of(self.app).store
        store.create_user("anna", PASSWORD)
        self.token = store.create_token("test")
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def publish(self, record: dict) -> None:
        answer = requests.post(f"{self.url}/api/initiatives", json=record, timeout=30,
                               headers={"Authorization": f"Bearer {self.token}"})
        assert answer.status_code == 201, answer.text

    def logged_in(self) -> requests.Session:
        session = requests.Session()
        token = TOKEN.search(session.get(f"{self.url}/login", timeout=10).text).group(1)
        answer = session.post(f"{self.url}/login", timeout=10, data={
            "csrf_token": token, "username": "anna", "password": PASSWORD})
        assert answer.status_code == 200
        return session

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


class Aggregator:
    """The aggregator application served by waitress on a free loopback port."""

    def __init__(self, folder: Path) -> None:
        import waitress
        from pios_ld.aggregator import create_app
        from pios_ld.aggregator import instance as instance_module

        instance_module.init(folder)
        self.app = create_app({"instance": folder})
        self.server = waitress.create_server(self.app, host="127.0.0.1", port=0, threads=4)
        self.url = f"http://127.0.0.1:{self.server.effective_port}/"
        self.state = parts.of(self.app).state
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()

    def crawl(self, node: Node, organization: str) -> None:
        self.state.instance.registry.add(node.url + "/", organization, node.url + "/catalog",
                                         node.url + "/feed")
        job = self.state.service.request(None)
        deadline = time.monotonic() + 60
        while not job.finished:
            assert time.monotonic() < deadline, "the crawl did not finish"
            time.sleep(0.05)
        assert job.error is None, job.error
        assert self.state.similar.ready.wait(30)

    def close(self) -> None:
        self.server.close()
        self.server.task_dispatcher.shutdown()  # its threads: close() leaves them waiting
        parts.of(self.app).close()


def initiative(identifier: str, title: str, description: str, **extra) -> dict:
    return {"@context": "https://w3id.org/pios/context.jsonld", "type": "Initiative",
            "identifier": identifier, "title": {"sv": title}, "description": {"sv": description},
            "phase": "pilot", "theme": ["elderly-care"], **extra}


@pytest.fixture
def federation(tmp_path, monkeypatch):
    if not os.environ.get("CI"):  # in CI the extra is installed by .ci/install: never skipped
        pytest.importorskip("sklearn", reason="the aggregator's similar extra is not installed")
    monkeypatch.setenv("PIOS_ALLOW_PRIVATE_ADDRESSES", "1")
    started: list = []
    lund_iri = organizations.find("Lund").iri
    lund = Node(tmp_path / "lund", lund_iri)
    started.append(lund)
    lund.publish(initiative(
        "kameratillsyn", LUND_TITLE,
        "Nattliga tillsynsbesök ersätts med kamera för brukare som vill.",
        contactPoint={"email": "mailto:digitalisering@lund.se"}))
    lund.publish(initiative("bygglov", "E-tjänst för bygglov", "Ansök om bygglov digitalt.",
                            theme=["education"]))
    aggregator = Aggregator(tmp_path / "aggregator")
    started.append(aggregator)
    aggregator.crawl(lund, lund_iri)
    vasby = Node(tmp_path / "vasby", VASBY, aggregators=aggregator.url)
    started.append(vasby)
    yield vasby, lund, aggregator
    for part in reversed(started):
        part.close()


def draft(**values) -> dict:
    data = {"identifier": "nattillsyn", "title_sv": "Digital nattillsyn med kamera",
            "description_sv": "Brukare i hemtjänsten kan få tillsyn via kamera på natten.",
            "phase": "idea", "theme": ["elderly-care"]}
    data.update(values)
    return data


def csrf(session: requests.Session, url: str) -> str:
    return TOKEN.search(session.get(url, timeout=10).text).group(1)


def test_the_editor_shows_the_other_organisations_similar_initiative(federation):
    vasby, lund, _ = federation
    session = vasby.logged_in()
    page = session.get(f"{vasby.url}/edit/new", timeout=10).text
    assert "Liknande initiativ hos andra organisationer" in page
    assert "similar.js" in page

    answer = session.get(f"{vasby.url}/edit/similar", timeout=10,
                         params={"text": "Digital nattillsyn med kamera i hemtjänsten"})
    assert answer.status_code == 200
    assert answer.headers["Content-Type"].startswith("text/html")
    iri = f"{lund.url}/initiatives/kameratillsyn"
    assert f'<a href="{iri}">{LUND_TITLE}</a>' in answer.text
    assert "Lunds kommun" in answer.text
    assert 'href="mailto:digitalisering@lund.se"' in answer.text

    as_json = session.get(f"{vasby.url}/edit/similar", timeout=10, params={
        "text": "Digital nattillsyn med kamera i hemtjänsten", "format": "json"}).json()
    assert as_json["available"] is True
    first = as_json["results"][0]
    assert first["initiative"] == iri and first["title"] == LUND_TITLE
    assert first["organizationName"] == "Lunds kommun"
    assert first["contact"] == "mailto:digitalisering@lund.se"
    assert len({r["initiative"] for r in as_json["results"]}) == len(as_json["results"])


def test_find_similar_without_javascript_shows_the_list_and_saves_nothing(federation):
    vasby, lund, _ = federation
    session = vasby.logged_in()
    token = csrf(session, f"{vasby.url}/edit/new")
    answer = session.post(f"{vasby.url}/edit/new", timeout=10,
                          data={**draft(), "csrf_token": token, "similar": "1"})
    assert answer.status_code == 200
    assert LUND_TITLE in answer.text
    assert 'value="Digital nattillsyn med kamera"' in answer.text  # the draft is kept
    assert node_parts.of(vasby.app).store.get("nattillsyn") is None


def test_we_reuse_this_ends_up_as_reuses_in_the_published_record(federation):
    vasby, lund, _ = federation
    session = vasby.logged_in()
    iri = f"{lund.url}/initiatives/kameratillsyn"
    token = csrf(session, f"{vasby.url}/edit/new")
    shown = session.post(f"{vasby.url}/edit/new", timeout=10,
                         data={**draft(), "csrf_token": token, "reuse": iri})
    assert shown.status_code == 200
    reuses = re.search(r'<textarea id="f-reuses" name="reuses"[^>]*>([^<]*)</textarea>',
                       shown.text).group(1)
    assert reuses.split() == [iri]
    assert "Tillagt under Återanvänder" in shown.text
    saved = session.post(f"{vasby.url}/edit/new", timeout=10,
                         data={**draft(), "csrf_token": token, "reuses": reuses})
    assert saved.status_code == 200 and "/edit/nattillsyn" in saved.url
    published = requests.get(f"{vasby.url}/initiatives/nattillsyn", timeout=10,
                             headers={"Accept": "application/ld+json"}).json()
    assert published["reuses"] == [iri]


def _silent_server() -> tuple[socket.socket, str]:
    """A real server that accepts connections and never answers."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    return listener, f"http://127.0.0.1:{listener.getsockname()[1]}/"


def _closed_port() -> str:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{sock.getsockname()[1]}/"


def test_an_unreachable_aggregator_leaves_the_editor_working(tmp_path, monkeypatch, caplog):
    monkeypatch.setenv("PIOS_ALLOW_PRIVATE_ADDRESSES", "1")
    listener, silent = _silent_server()
    node = Node(tmp_path / "vasby", VASBY, aggregators=f"{_closed_port()},{silent}")
    try:
        session = node.logged_in()
        started = time.monotonic()
        answer = session.get(f"{node.url}/edit/similar", timeout=30,
                             params={"text": "Digital nattillsyn", "format": "json"})
        assert time.monotonic() - started < 4  # about 2 s, not the aggregator's silence
        assert answer.status_code == 200
        assert answer.json() == {"results": [], "available": False}
        assert "did not answer" in caplog.text
        started = time.monotonic()  # the same text again: the failure is remembered briefly
        again = session.get(f"{node.url}/edit/similar", timeout=30,
                            params={"text": "Digital nattillsyn", "format": "json"})
        assert again.json()["available"] is False and time.monotonic() - started < 1

        token = csrf(session, f"{node.url}/edit/new")
        shown = session.post(f"{node.url}/edit/new", timeout=30,
                             data={**draft(), "csrf_token": token, "similar": "1"})
        assert "Inga förslag just nu." in shown.text
        assert "Traceback" not in shown.text
        saved = session.post(f"{node.url}/edit/new", timeout=30,
                             data={**draft(), "csrf_token": token})
        assert saved.status_code == 200 and "/edit/nattillsyn" in saved.url
    finally:
        node.close()
        listener.close()


def test_a_node_without_aggregators_shows_no_suggestions(tmp_path):
    node = Node(tmp_path / "vasby", VASBY)
    try:
        page = node.logged_in().get(f"{node.url}/edit/new", timeout=10).text
        assert "Liknande initiativ" not in page and "similar.js" not in page
    finally:
        node.close()


def test_one_dead_aggregator_beside_a_live_one_still_gives_suggestions(federation, tmp_path):
    _, lund, aggregator = federation
    node = Node(tmp_path / "second", VASBY,
                aggregators=f"{_closed_port()},{aggregator.url},{aggregator.url}ping")
    try:
        answer = node.logged_in().get(f"{node.url}/edit/similar", timeout=30, params={
            "text": "Digital nattillsyn med kamera i hemtjänsten", "format": "json"}).json()
        assert answer["available"] is True
        iris = [r["initiative"] for r in answer["results"]]
        assert iris[0] == f"{lund.url}/initiatives/kameratillsyn"
        assert len(iris) == len(set(iris))  # the same aggregator twice: each initiative once
    finally:
        node.close()


def test_we_reuse_this_on_a_suggestion_shows_on_the_aggregators_reuse_pages(federation):
    vasby, lund, aggregator = federation
    session = vasby.logged_in()
    suggested = session.get(f"{vasby.url}/edit/similar", timeout=10, params={
        "text": "Digital nattillsyn med kamera i hemtjänsten", "format": "json"}).json()
    iri = suggested["results"][0]["initiative"]  # the suggestion the coordinator marks
    token = csrf(session, f"{vasby.url}/edit/new")
    shown = session.post(f"{vasby.url}/edit/new", timeout=10,
                         data={**draft(), "csrf_token": token, "reuse": iri})
    reuses = re.search(r'<textarea id="f-reuses" name="reuses"[^>]*>([^<]*)</textarea>',
                       shown.text).group(1)
    saved = session.post(f"{vasby.url}/edit/new", timeout=10,
                         data={**draft(), "csrf_token": token, "reuses": reuses})
    assert saved.status_code == 200
    aggregator.crawl(vasby, VASBY)

    network = requests.get(aggregator.url + "reuse.json", timeout=30).json()
    (solution,) = network["solutions"]
    assert solution["solution"] == iri and solution["title"] == LUND_TITLE
    assert solution["owner"]["name"] == "Lunds kommun" and solution["organizations"] == 1
    (adopter,) = solution["adopters"]
    assert adopter["initiative"] == f"{vasby.url}/initiatives/nattillsyn"
    assert adopter["organization"]["name"] == "Upplands Väsby kommun"
    assert adopter["organization"]["county"] == "Stockholms län"
    assert adopter["since"]  # the version the node published when it was saved
    page = requests.get(aggregator.url + "reuse/solution", params={"iri": iri}, timeout=30).text
    assert "Upplands Väsby kommun" in page and "Stockholms län" in page
    shown = requests.get(aggregator.url + "initiative.json", params={"iri": iri}, timeout=30)
    assert [r["iri"] for r in shown.json()["reusedBy"]] == [adopter["initiative"]]
