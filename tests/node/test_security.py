"""The node's pages against hostile input, over real HTTP: escaped records, links only to http(s)
and mailto, security headers on every response, a login throttle that flooding cannot reset, and
``next=`` that leads only to this site."""

from __future__ import annotations

import http.client
import re
from urllib.parse import urlencode, urlsplit

import pytest
import requests
from click.testing import CliRunner
from nodehelpers import PASSWORD, record
from pios_ld.node import parts as node_parts
from pios_ld.node.auth import LoginThrottle, local_target
from pios_ld.node.cli import node

from pios_ld.errors import TooManyAttempts
from pios_ld.webpolicy import META_CONTENT_SECURITY_POLICY, linkable

TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')
SCRIPT = "<script>alert('titel')</script>"
HOSTILE_IRIS = {
    "codeRepository": "javascript:alert(1)",
    "landingPage": "data:text/html;base64,PHNjcmlwdD5hbGVydCgyKTwvc2NyaXB0Pg==",
}
HOSTILE_LISTS = {"reuses": ["vbscript:msgbox(3)"], "participant": ["JavaScript:alert(4)"]}


def hostile_record() -> dict:
    return record("fientlig", title={"sv": SCRIPT, "en": 'Quote " and <b>bold</b>'},
                  description={"sv": "<img src=x onerror=alert(5)>"},
                  **HOSTILE_IRIS, **HOSTILE_LISTS)


def hrefs(html: str) -> list[str]:
    return re.findall(r'href="([^"]*)"', html)


def safe_href(href: str) -> bool:
    """An http(s)/mailto link, or a link within this site."""
    return linkable(href) or (href.startswith(("/", "?", "#"))
                              and not href.startswith(("//", "/\\")))


def test_a_hostile_record_is_escaped_and_its_scripting_iris_are_not_links(live):
    assert live.post(hostile_record()).status_code == 201
    pages = {
        "initiative": requests.get(f"{live.url}/initiatives/fientlig", timeout=10,
                                   headers={"Accept": "text/html"}),
        "initiative-en": requests.get(f"{live.url}/initiatives/fientlig?lang=en", timeout=10,
                                      headers={"Accept": "text/html"}),
        "catalog": requests.get(f"{live.url}/catalog", headers={"Accept": "text/html"},
                                timeout=10),
        "overview": requests.get(f"{live.url}/", timeout=10),
        "feed": requests.get(f"{live.url}/feed-1", headers={"Accept": "text/html"}, timeout=10),
        "version": requests.get(f"{live.url}/versions/1", headers={"Accept": "text/html"},
                                timeout=10),
    }
    for name, page in pages.items():
        assert page.status_code == 200, name
        assert "text/html" in page.headers["Content-Type"], name
        assert "<script>alert" not in page.text, name
        assert "<img src=x" not in page.text and "<b>bold</b>" not in page.text, name
        assert all(safe_href(h) for h in hrefs(page.text)), name
    assert "&lt;script&gt;alert(&#39;titel&#39;)&lt;/script&gt;" in pages["initiative"].text
    assert "&lt;b&gt;bold&lt;/b&gt;" in pages["initiative-en"].text
    shown = pages["initiative"].text
    for iri in [*HOSTILE_IRIS.values(), *HOSTILE_LISTS["reuses"]]:
        assert iri in shown  # as text
        assert f'href="{iri}"' not in shown
    # the embedded JSON-LD cannot close its script element
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', shown, re.S)
    assert blocks and all("<" not in b for b in blocks)


def test_a_static_build_carries_the_policy_in_the_page_and_escapes_the_record(live, tmp_path):
    assert live.post(hostile_record()).status_code == 201
    out = tmp_path / "site"
    result = CliRunner().invoke(node, ["build", str(live.instance), str(out)])
    assert result.exit_code == 0, result.output
    meta = f'<meta http-equiv="Content-Security-Policy" content="{META_CONTENT_SECURITY_POLICY}">'
    assert "frame-ancestors" not in META_CONTENT_SECURITY_POLICY  # ignored in <meta>
    for page in ("index.html", "catalog.html", "initiatives/fientlig.html"):
        html = (out / page).read_text().replace("&#39;", "'")
        assert meta in html, page
        assert "<script>alert" not in html, page
        assert all(safe_href(h) for h in hrefs(html)), page
    # the live pages send it as a header, not in the page
    assert "http-equiv" not in requests.get(f"{live.url}/", timeout=10).text


@pytest.mark.parametrize("value,expected", [
    ("https://example.se/a", True), ("http://example.se", True), ("mailto:a@b.se", True),
    ("HTTPS://EXAMPLE.SE/", True),
    ("javascript:alert(1)", False), ("JaVaScRiPt:alert(1)", False), (" javascript:x", False),
    ("java\tscript:alert(1)", False), ("java\nscript:x", False), ("data:text/html,x", False),
    ("vbscript:msgbox(1)", False), ("//evil.example", False), ("/relative", False),
    ("https:evil", False), ("http://", False), ("mailto:", False), ("", False), (None, False),
    (["https://example.se"], False), ("https://exa mple.se", False),
])
def test_only_absolute_http_and_mailto_iris_are_linkable(value, expected):
    assert linkable(value) is expected


def test_every_response_carries_the_security_headers(live):
    live.post(record())
    responses = [
        requests.get(f"{live.url}/", timeout=10),
        requests.get(f"{live.url}/login", timeout=10),
        requests.get(f"{live.url}/catalog", timeout=10),  # JSON-LD, from the fast path
        requests.get(f"{live.url}/catalog", headers={"Accept": "text/html"}, timeout=10),
        requests.get(f"{live.url}/initiatives/digital-tillsyn.ttl", timeout=10),
        requests.get(f"{live.url}/nothing-here", headers={"Accept": "text/html"}, timeout=10),
        requests.get(f"{live.url}/api/initiatives/nope", timeout=10),
        requests.get(f"{live.url}/static/node.css", timeout=10),
    ]
    for response in responses:
        headers = response.headers
        csp = headers.get("Content-Security-Policy", "")
        assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp, response.url
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp, response.url
        assert headers["X-Content-Type-Options"] == "nosniff", response.url
        assert headers["Referrer-Policy"] == "same-origin", response.url
        assert headers["X-Frame-Options"] == "DENY", response.url
        assert "camera=()" in headers["Permissions-Policy"], response.url


def test_the_pages_have_no_inline_script_or_style(live):
    live.post(record())
    for path in ("/", "/login", "/catalog", "/initiatives/digital-tillsyn", "/feed"):
        html = requests.get(live.url + path, headers={"Accept": "text/html"}, timeout=10).text
        scripts = re.findall(r"<script(?![^>]*application/ld\+json)[^>]*>", html)
        assert scripts == [], path
        assert "<style" not in html and " style=" not in html, path
        assert not re.search(r"\son[a-z]+=", html), path


# -- next= -------------------------------------------------------------------------------------
OUTSIDE = ["//evil.example", "/\\evil.example", "\\/evil.example", "https://evil.example",
           "http:evil.example", "%2F%2Fevil.example", "/%2F/evil.example", "/%5Cevil.example",
           "/\t/evil.example", "/\n/evil.example", "\t//evil.example", " //evil.example",
           "/%09/evil.example", "javascript:alert(1)", "JAVASCRIPT:alert(1)", "evil.example",
           "///evil.example", "/\r\n/evil.example"]


def _login(live, next_value: str | None, password: str = PASSWORD) -> requests.Response:
    session = requests.Session()
    url = f"{live.url}/login" + (("?" + urlencode({"next": next_value})) if next_value else "")
    token = TOKEN.search(session.get(url, timeout=10).text).group(1)
    return session.post(url, data={"csrf_token": token, "username": "anna",
                                   "password": password}, allow_redirects=False, timeout=10)


@pytest.mark.parametrize("target", OUTSIDE)
def test_next_never_leads_off_the_site(live, target):
    response = _login(live, target)
    assert response.status_code == 302
    location = urlsplit(response.headers["Location"])
    assert location.netloc in ("", urlsplit(live.url).netloc)
    assert location.path == "/edit" and not location.query


def test_next_leads_back_to_the_page_on_the_site(live):
    response = _login(live, "/edit?q=digital+tillsyn&phase=pilot")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/edit?q=digital+tillsyn&phase=pilot")
    # the login form keeps only a safe target
    page = requests.get(f"{live.url}/login?" + urlencode({"next": "//evil.example"}), timeout=10)
    assert "evil.example" not in page.text


def test_the_editor_sends_back_after_login(live):
    session = requests.Session()
    first = session.get(f"{live.url}/edit?q=x", allow_redirects=False, timeout=10)
    assert first.status_code == 302
    login_url = first.headers["Location"]
    login_url = login_url if login_url.startswith("http") else live.url + login_url
    token = TOKEN.search(session.get(login_url, timeout=10).text).group(1)
    back = session.post(login_url, data={"csrf_token": token, "username": "anna",
                                         "password": PASSWORD}, allow_redirects=False, timeout=10)
    assert back.status_code == 302 and back.headers["Location"].endswith("/edit?q=x")


def test_local_target_keeps_paths_and_refuses_everything_else():
    assert local_target("/edit/x?y=1#z", "/d") == "/edit/x?y=1#z"
    assert local_target("/edit/a%2Fb", "/d") == "/edit/a%2Fb"
    for target in [*OUTSIDE, "", None, "/x\u2028y", "/x\x00"]:
        assert local_target(target, "/d") == "/d", target


# -- the login throttle ------------------------------------------------------------------------
def _post_login(live, name: str, password: str, source: str = "127.0.0.1") -> int:
    """A login form post from the loopback address *source* (Linux routes all of 127/8)."""
    session = requests.Session()
    token = TOKEN.search(session.get(f"{live.url}/login", timeout=10).text).group(1)
    cookie = "; ".join(f"{k}={v}" for k, v in session.cookies.items())
    parts = urlsplit(live.url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10,
                                            source_address=(source, 0))
    body = urlencode({"csrf_token": token, "username": name, "password": password})
    connection.request("POST", "/login", body=body, headers={
        "Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie})
    status = connection.getresponse().status
    connection.close()
    return status


def test_flooding_the_throttle_does_not_unlock_the_attacked_account(live):
    for _ in range(5):
        assert _post_login(live, "anna", "gissning") == 401
    assert _post_login(live, "anna", PASSWORD) == 429
    throttle: LoginThrottle = node_parts.of(live.app).login_throttle
    for n in range(20_000):  # made-up names from made-up addresses, as fast as they can come
        throttle.failed(f"user{n}", f"10.{n // 65536}.{n // 256 % 256}.{n % 256}")
    for n in range(20_000):  # the attacked account's name from 20,000 other addresses
        throttle.failed("anna", f"fd00::{n:x}")
    assert _post_login(live, "anna", PASSWORD) == 429
    assert _post_login(live, "anna", PASSWORD, source="127.0.0.9") == 429
    assert throttle.entries() <= 2 * 10_000 + 1  # bounded memory


def test_guesses_spread_over_many_addresses_lock_the_account(live):
    for n in range(20):
        assert _post_login(live, "anna", "gissning", source=f"127.0.1.{n + 1}") == 401
    assert _post_login(live, "anna", PASSWORD, source="127.0.2.1") == 429


def test_one_address_trying_many_names_is_stopped(live):
    for n in range(50):
        assert _post_login(live, f"namn{n}", "gissning", source="127.0.3.1") == 401
    assert _post_login(live, "anna", PASSWORD, source="127.0.3.1") == 429
    assert _post_login(live, "anna", PASSWORD, source="127.0.3.2") == 302  # others still can


def test_a_locked_account_is_kept_when_the_table_is_full_and_released_after_the_window():
    now = [0.0]
    throttle = LoginThrottle(limit=5, window=600, account_limit=20, address_limit=50,
                             max_entries=100, accounts=lambda: ["anna"], clock=lambda: now[0])
    for _ in range(5):
        throttle.failed("anna", "192.0.2.1")
    for n in range(20_000):
        now[0] += 0.01
        throttle.failed(f"x{n}", f"198.51.{n // 256 % 256}.{n % 256}")
    with pytest.raises(TooManyAttempts):
        throttle.check("anna", "192.0.2.1")
    assert throttle.entries() <= 2 * 100 + 1
    # a locked address is not evicted either, however many others come
    for _ in range(50):
        throttle.failed("nobody", "203.0.113.7")
    for n in range(1000):
        throttle.failed(f"y{n}", f"2001:db8::{n:x}")
    with pytest.raises(TooManyAttempts):
        throttle.check("someone", "203.0.113.7")
    now[0] += 601
    throttle.check("anna", "192.0.2.1")  # the window has passed
    throttle.check("someone", "203.0.113.7")


def test_made_up_names_get_no_account_counter():
    throttle = LoginThrottle(accounts=lambda: ["anna"])
    for n in range(100):
        throttle.failed(f"x{n}", "192.0.2.1")
    assert throttle.entries() == 1  # only the address


def test_without_a_list_of_accounts_the_memory_is_still_bounded():
    throttle = LoginThrottle(max_entries=100)
    for n in range(5000):
        throttle.failed(f"x{n}", f"192.0.{n // 256 % 256}.{n % 256}")
    assert throttle.entries() <= 3 * 100


def test_the_hosting_admin_pages_carry_the_headers_and_a_flood_proof_throttle(tmp_path):
    from pios_ld.node.hosting import Hosting
    from pios_ld.node.hostingapp import create_hosting_app

    hosting = Hosting.create(tmp_path / "hosted")
    hosting.admins.create("drift", "langt-losenord")
    app = create_hosting_app(hosting)
    client = app.test_client()
    for path in ("/", "/_admin/login", "/health"):
        headers = client.get(path).headers
        assert "frame-ancestors 'none'" in headers["Content-Security-Policy"], path
        assert headers["X-Frame-Options"] == "DENY", path
    throttle: LoginThrottle = node_parts.of(app).login_throttle
    assert_flood_keeps_a_count_below_the_lock(throttle, "drift")


def assert_flood_keeps_a_count_below_the_lock(throttle: LoginThrottle, name: str) -> None:
    """15 guesses from 15 addresses, 20,000 made-up names, 5 more guesses: the account is
    locked (the 15 were not forgotten although they had not locked it yet)."""
    for n in range(15):
        throttle.failed(name, f"192.0.2.{n + 1}")
    for n in range(20_000):
        throttle.failed(f"x{n}", f"198.51.{n // 256 % 256}.{n % 256}")
    throttle.check(name, "203.0.113.1")  # not locked yet
    for n in range(5):
        throttle.failed(name, f"192.0.2.{n + 100}")
    with pytest.raises(TooManyAttempts):
        throttle.check(name, "203.0.113.1")


def test_a_flood_does_not_forget_failures_that_have_not_locked_the_account_yet(live):
    assert_flood_keeps_a_count_below_the_lock(node_parts.of(live.app).login_throttle, "anna")
    assert _post_login(live, "anna", PASSWORD, source="127.0.4.1") == 429
