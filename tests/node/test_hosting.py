"""One installation, many organisations: tenants by host and by path, each a node of its own."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time

import pytest
import requests
from click.testing import CliRunner
from nodehelpers import record

from pios_ld.cli import main

VELLINGE = "http://dataportal.se/organisation/SE2120001033"
LUND = "http://dataportal.se/organisation/SE2120001132"  # Lunds kommun


def pios(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.output


class Hosted:
    """``pios node serve HOSTED`` in a process of its own, on a loopback port."""

    def __init__(self, folder, port: int) -> None:
        from pios_ld.node.hosting import Hosting

        self.hosting = Hosting(folder)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "pios_ld", "node", "serve", str(folder), "--port", str(port)],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        for _ in range(200):
            try:
                if requests.get(f"http://127.0.0.1:{port}/health", timeout=1).ok:
                    return
            except requests.ConnectionError:
                time.sleep(0.05)
        self.close()
        raise AssertionError(self.process.stdout.read())

    def token(self, name: str) -> str:
        code, out = pios("node", "token", "create", str(self.hosting.tenant(name).folder))
        assert code == 0, out
        return out.strip()

    def close(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)


@pytest.fixture
def hosted(tmp_path, free_port):
    made = []

    def make(tenants: dict[str, tuple[str, str]]) -> Hosted:
        for name, (org, base_url) in tenants.items():
            code, out = pios("node", "tenant", "add", str(tmp_path / "hosted"), name,
                             "--org", org, "--base-url", base_url.format(port=free_port))
            assert code == 0, out
        made.append(Hosted(tmp_path / "hosted", free_port))
        return made[-1]

    yield make
    for h in made:
        h.close()


def catalog(url: str) -> dict:
    answer = requests.get(f"{url}/catalog", headers={"Accept": "application/ld+json"}, timeout=10)
    assert answer.status_code == 200, answer.text
    return answer.json()


def post(url: str, token: str, body: dict) -> requests.Response:
    return requests.post(f"{url}/api/initiatives", json=body, timeout=10,
                         headers={"Authorization": f"Bearer {token}"})


def _by_path(hosted, port: int):
    """Vellinge and Lund hosted by path prefix on one port: the host and both base URLs."""
    h = hosted({"vellinge": (VELLINGE, "http://127.0.0.1:{port}/vellinge"),
                "lund": (LUND, "http://127.0.0.1:{port}/lund")})
    return h, f"http://127.0.0.1:{port}/vellinge", f"http://127.0.0.1:{port}/lund"


def test_tenants_by_path_prefix_each_publish_their_own_catalog_feed_and_pages(hosted, free_port):
    h, v, lund = _by_path(hosted, free_port)
    assert post(v, h.token("vellinge"), record("tillsyn")).status_code == 201
    assert post(lund, h.token("lund"), record("skola")).status_code == 201
    assert [i["id"] for i in catalog(v)["initiative"]] == [f"{v}/initiatives/tillsyn"]
    assert [i["id"] for i in catalog(lund)["initiative"]] == [f"{lund}/initiatives/skola"]
    assert catalog(v)["publisher"] == VELLINGE and catalog(lund)["publisher"] == LUND
    discovery = requests.get(f"{lund}/.well-known/pios", timeout=10).json()
    assert discovery["catalog"].startswith(lund) and discovery["publisher"] == LUND
    page = requests.get(f"{v}/", timeout=10, headers={"Accept": "text/html"})
    assert page.status_code == 200 and "Vellinge" in page.text
    assert 'href="/vellinge/catalog"' in page.text  # the tenant's links keep its prefix
    assert requests.get(f"{v}/initiatives/tillsyn", timeout=10).status_code == 200
    assert requests.get(f"{v}/initiatives/skola", timeout=10).status_code == 404
    index = requests.get(f"http://127.0.0.1:{free_port}/", timeout=10,
                         headers={"Accept": "application/json"}).json()
    assert {t["name"] for t in index["tenants"]} == {"vellinge", "lund"}


def test_tenants_by_host_on_one_port(hosted, free_port):
    h = hosted({"vellinge": (VELLINGE, "http://127.0.0.1:{port}"),
                "lund": (LUND, "http://localhost:{port}")})
    v, lund = f"http://127.0.0.1:{free_port}", f"http://localhost:{free_port}"
    assert post(v, h.token("vellinge"), record("tillsyn")).status_code == 201
    assert post(lund, h.token("lund"), record("skola")).status_code == 201
    assert catalog(v)["publisher"] == VELLINGE
    assert [i["identifier"] for i in catalog(lund)["initiative"]] == ["skola"]


def test_a_tenant_cannot_write_or_publish_another_tenants_records(hosted, free_port):
    h, v, lund = _by_path(hosted, free_port)
    lund_token = h.token("lund")
    assert post(v, lund_token, record("inbrott")).status_code == 401  # Lund's token at Vellinge
    assert requests.delete(f"{v}/api/initiatives/x", timeout=10,
                           headers={"Authorization": f"Bearer {lund_token}"}).status_code == 401
    # Vellinge's tenant tries to speak for Lund: another organisation, another tenant's IRI.
    hostile = record("kapad", id=f"{lund}/initiatives/kapad", responsibleOrganization=LUND)
    answer = post(v, h.token("vellinge"), hostile)
    assert answer.status_code == 422  # minted under Vellinge's base URL, and refused for Lund
    assert answer.json()["results"][0]["initiative"] == f"{v}/initiatives/kapad"
    assert catalog(v)["initiative"] == [] and catalog(lund)["initiative"] == []


def test_the_aggregator_registers_each_tenant_as_a_node_and_keeps_them_apart(
        hosted, free_port, tmp_path, monkeypatch):
    monkeypatch.setenv("PIOS_ALLOW_PRIVATE_ADDRESSES", "1")
    h, v, lund = _by_path(hosted, free_port)
    assert post(v, h.token("vellinge"), record("tillsyn")).status_code == 201
    assert post(lund, h.token("lund"), record("skola")).status_code == 201
    agg = str(tmp_path / "agg")
    pios("aggregator", "init", agg)
    assert pios("aggregator", "add-node", agg, v + "/", "--org", "Vellinge")[0] == 0
    assert pios("aggregator", "add-node", agg, lund + "/", "--org", "Lunds kommun")[0] == 0
    code, out = pios("aggregator", "crawl", agg)
    assert code == 0, out
    from pios_ld.aggregator.instance import Instance

    inst = Instance.open(agg)
    store = inst.acquire_writer()
    try:
        rows = store.query("SELECT ?g ?i WHERE { GRAPH ?g { ?i a "
                           "<https://w3id.org/pios/vocab#Initiative> } }")
        found = {(r["g"].value, r["i"].value) for r in rows}
    finally:
        inst.release_writer()
    assert found == {(v + "/", f"{v}/initiatives/tillsyn"),
                     (lund + "/", f"{lund}/initiatives/skola")}


def test_list_and_remove_and_moving_out_keep_the_iris(hosted, free_port, tmp_path, start_node):
    h = hosted({"vellinge": (VELLINGE, "http://127.0.0.1:{port}/vellinge")})
    v = f"http://127.0.0.1:{free_port}/vellinge"
    assert post(v, h.token("vellinge"), record("tillsyn")).status_code == 201
    code, out = pios("node", "tenant", "list", str(tmp_path / "hosted"))
    assert code == 0 and "vellinge" in out and "Vellinge kommun" in out
    before = catalog(v)["initiative"]
    # Moving out: the tenant's folder is a node instance of its own, IRIs unchanged.
    moved = tmp_path / "own-node"
    shutil.copytree(h.hosting.tenant("vellinge").folder, moved)
    from pios_ld.node import create_app

    own = create_app({"instance": moved}).test_client()
    answer = own.get("/catalog", headers={"Accept": "application/ld+json"}).get_json()
    assert [i["id"] for i in answer["initiative"]] == [i["id"] for i in before]
    code, out = pios("node", "tenant", "remove", str(tmp_path / "hosted"), "vellinge")
    assert code == 0, out
    assert requests.get(f"{v}/catalog", timeout=10).status_code == 404
    assert list((tmp_path / "hosted" / "removed").iterdir())  # moved, not deleted


def test_tenant_add_refuses_a_bad_name_and_a_taken_address(tmp_path):
    folder = str(tmp_path / "hosted")
    assert pios("node", "tenant", "add", folder, "v", "--org", "Vellinge",
                "--base-url", "https://pios.skane.se/vellinge")[0] == 0
    code, out = pios("node", "tenant", "add", folder, "l", "--org", "Lunds kommun",
                     "--base-url", "https://pios.skane.se/vellinge/")
    assert code == 2 and "already answers" in out
    code, out = pios("node", "tenant", "add", folder, "../evil", "--org", "Lunds kommun",
                     "--base-url", "https://pios.skane.se/lund")
    assert code == 2 and "name" in out


def test_a_tenants_editing_ui_works_under_its_path_and_logs_in_only_its_users(hosted, free_port):
    import re

    h, v, lund = _by_path(hosted, free_port)
    result = CliRunner().invoke(main, ["node", "user", "create",
                                       str(h.hosting.tenant("vellinge").folder), "--name", "anna",
                                       "--password-stdin"], input="korrekt-hast-batteri\n")
    assert result.exit_code == 0, result.output

    def login(base: str) -> requests.Response:
        session = requests.Session()
        form = session.get(f"{base}/login", timeout=10).text
        token = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
        return session.post(f"{base}/login", timeout=10, allow_redirects=True, data={
            "csrf_token": token, "username": "anna", "password": "korrekt-hast-batteri"})

    answer = login(v)
    assert answer.status_code == 200 and answer.url.startswith(v + "/")
    assert "(anna)" in answer.text  # logged in: the logout button names her
    assert 'action="/vellinge/logout"' in answer.text
    refused = login(lund)  # anna is Vellinge's user, not Lund's
    assert "(anna)" not in refused.text


def test_the_admin_page_adds_and_removes_tenants_after_a_login(hosted, free_port):
    import re

    h = hosted({"vellinge": (VELLINGE, "http://127.0.0.1:{port}/vellinge")})
    root = f"http://127.0.0.1:{free_port}"
    result = CliRunner().invoke(main, ["node", "tenant", "admin", str(h.hosting.folder),
                                       "--name", "drift", "--password-stdin"],
                                input="langt-losenord\n")
    assert result.exit_code == 0, result.output
    session = requests.Session()
    assert session.get(f"{root}/_admin", timeout=10).url.endswith("/_admin/login")

    def token(page: str) -> str:
        return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)

    page = session.get(f"{root}/_admin/login", timeout=10).text
    wrong = session.post(f"{root}/_admin/login", timeout=10, data={
        "csrf_token": token(page), "username": "drift", "password": "fel"})
    assert wrong.status_code == 401 and "Fel namn eller lösenord" in wrong.text
    admin = session.post(f"{root}/_admin/login", timeout=10, data={
        "csrf_token": token(wrong.text), "username": "drift", "password": "langt-losenord"})
    assert admin.status_code == 200 and "vellinge" in admin.text
    no_csrf = session.post(f"{root}/_admin", timeout=10, data={"action": "remove",
                                                                "name": "vellinge"})
    assert no_csrf.status_code == 400
    assert no_csrf.json()["error"] == "csrf"  # a client that takes anything gets the data
    in_browser = session.post(f"{root}/_admin", timeout=10, headers={"Accept": "text/html"},
                              data={"action": "remove", "name": "vellinge"})
    assert in_browser.status_code == 400 and "Något gick fel" in in_browser.text
    bad = session.post(f"{root}/_admin", timeout=10, data={
        "csrf_token": token(admin.text), "action": "add", "name": "lund", "org": "Ingen sådan",
        "base_url": f"{root}/lund"})
    assert bad.status_code == 400 and "Ingen sådan" in bad.text
    added = session.post(f"{root}/_admin", timeout=10, data={
        "csrf_token": token(admin.text), "action": "add", "name": "lund", "org": "Lunds kommun",
        "base_url": f"{root}/lund"})
    assert added.status_code == 200 and "Organisationen lades till" in added.text
    assert catalog(f"{root}/lund")["publisher"] == LUND
    removed = session.post(f"{root}/_admin", timeout=10, data={
        "csrf_token": token(added.text), "action": "remove", "name": "vellinge"})
    assert removed.status_code == 200 and "removed/" in removed.text
    assert requests.get(f"{root}/vellinge/catalog", timeout=10).status_code == 404
