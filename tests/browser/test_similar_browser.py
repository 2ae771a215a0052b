"""While a coordinator types a new initiative's title, similar initiatives elsewhere appear.

Over the browser federation: the Vellinge node's editor asks the aggregator (which has crawled
Kiruna's node) through the node's own /edit/similar, from static/similar.js.
"""

from __future__ import annotations

import re

import pytest
import requests
from playwright.sync_api import expect


@pytest.fixture(scope="module")
def kiruna_initiative(federation) -> dict:
    kiruna = federation.nodes[1]
    catalog = requests.get(kiruna.base_url + "catalog", timeout=10,
                           headers={"Accept": "application/ld+json"}).json()
    return catalog["initiative"][0]


def test_typing_a_title_shows_a_similar_initiative_of_another_organisation(
        page, node, kiruna_initiative, credentials, log_in, axe, shoot):
    log_in(page, node.base_url, *credentials)
    page.goto(node.base_url + "edit/new")
    box = page.get_by_role("complementary", name="Liknande initiativ hos andra organisationer")
    expect(box).to_be_visible()
    title = kiruna_initiative["title"]["sv"]
    page.get_by_label(re.compile("^Titel på svenska")).press_sequentially(title, delay=5)
    link = box.get_by_role("link", name=title)
    expect(link).to_be_visible(timeout=20_000)
    assert link.get_attribute("href") == kiruna_initiative["id"]
    item = box.locator("li", has=page.get_by_role("link", name=title))
    expect(item).to_contain_text("Kiruna kommun")
    expect(page.locator("#similar-status")).to_contain_text("liknande initiativ")
    assert page.url.endswith("/edit/new")  # nothing was sent
    violations, described = axe(page)
    shoot(page, "node-edit-similar")
    assert violations == [], described

    item.get_by_role("button", name="Vi återanvänder detta").click()
    reuses = page.get_by_label(re.compile("^Återanvänder"))
    expect(reuses).to_have_value(re.compile(re.escape(kiruna_initiative["id"])))
    expect(item.get_by_role("button")).to_have_text("Tillagt under Återanvänder")
    assert page.url.endswith("/edit/new")


def test_find_similar_works_without_javascript(page_without_js, node, kiruna_initiative,
                                               credentials, log_in):
    page = page_without_js
    log_in(page, node.base_url, *credentials)
    page.goto(node.base_url + "edit/new")
    title = kiruna_initiative["title"]["sv"]
    page.get_by_label(re.compile("^Titel på svenska")).fill(title)
    page.get_by_role("button", name="Sök liknande").click()
    box = page.get_by_role("complementary", name="Liknande initiativ hos andra organisationer")
    expect(box.get_by_role("link", name=title)).to_be_visible()
    expect(page.get_by_label(re.compile("^Titel på svenska"))).to_have_value(title)
    box.locator("li", has=page.get_by_role("link", name=title)).get_by_role(
        "button", name="Vi återanvänder detta").click()
    expect(page.get_by_label(re.compile("^Återanvänder"))).to_have_value(
        re.compile(re.escape(kiruna_initiative["id"])))


def test_a_draft_shown_again_after_a_failed_save_gets_its_suggestions(
        page, node, kiruna_initiative, credentials, log_in):
    log_in(page, node.base_url, *credentials)
    page.goto(node.base_url + "edit/new")
    title = kiruna_initiative["title"]["sv"]
    page.get_by_label(re.compile("^Titel på svenska")).fill(title)
    page.get_by_role("button", name="Spara").click()  # no identifier, no phase: refused
    page.locator(".error-summary").wait_for()
    box = page.get_by_role("complementary", name="Liknande initiativ hos andra organisationer")
    expect(box.get_by_role("link", name=title)).to_be_visible(timeout=20_000)
