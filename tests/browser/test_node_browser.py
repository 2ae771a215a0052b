"""A publisher at a municipality uses the node's pages in a real browser."""

from __future__ import annotations

import re

import requests


def begin_new_initiative(page, node, credentials, log_in, identifier: str, title: str,
                         description: str) -> None:
    """Log in and fill the new-initiative form's required fields (phase: pilot); not sent yet."""
    log_in(page, node.base_url, *credentials)
    page.goto(node.base_url + "edit/new")
    page.get_by_label(re.compile("^Identifierare")).fill(identifier)
    page.get_by_label(re.compile("^Titel på svenska")).fill(title)
    page.get_by_label(re.compile("^Beskrivning på svenska")).fill(description)
    page.get_by_label(re.compile("^Fas")).select_option("pilot")


def test_login_create_with_a_mistake_see_swedish_message_fix_and_publish(
        page, node, credentials, log_in, shoot):
    begin_new_initiative(page, node, credentials, log_in, "digital-bokning-av-lokaler",
                         "Digital bokning av lokaler", "Föreningar bokar kommunens lokaler på "
                         "webben och ser direkt vad som är ledigt.")
    page.locator("#theme-culture-leisure").check()
    page.get_by_label("Startdatum").fill("2026-09-01")
    page.get_by_label("Slutdatum", exact=True).fill("2026-03-01")  # the mistake
    page.get_by_role("button", name="Spara").click()

    row = page.locator(".form-row.has-error", has_text="Slutdatum ligger före startdatum")
    row.first.wait_for()
    assert row.first.locator("input[type=date]").count() == 1
    assert page.locator("#error-summary").is_visible()
    shoot(page, "node-edit-form-error")
    assert requests.get(node.base_url + "initiatives/digital-bokning-av-lokaler",
                        timeout=10).status_code == 404

    page.get_by_label("Slutdatum", exact=True).fill("2027-03-01")
    page.get_by_role("button", name="Spara").click()
    page.wait_for_url(re.compile(r"/edit/digital-bokning-av-lokaler"))
    assert page.locator(".has-error").count() == 0
    shoot(page, "node-edit-form")

    page.goto(node.base_url + "initiatives/digital-bokning-av-lokaler")
    assert page.get_by_role("heading", name="Digital bokning av lokaler").is_visible()
    shoot(page, "node-initiative")


def test_a_form_can_be_filled_with_the_keyboard_and_sent_with_enter(
        page, node, credentials, log_in):
    log_in(page, node.base_url, *credentials)
    page.goto(node.base_url + "edit/new")
    for _ in range(60):  # tab from the top of the page to the first field
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "f-identifier":
            break
    else:
        raise AssertionError("Tab never reached the identifier field")
    page.keyboard.type("tangentbord-och-enter")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "f-title_sv"
    page.keyboard.type("Initiativ skapat med tangentbordet")
    for _ in range(3):  # title in English, then the description in Swedish
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "f-description_sv":
            break
    assert page.evaluate("document.activeElement.id") == "f-description_sv"
    page.keyboard.type("Ett initiativ som bara har skrivits in med tangentbordet.")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "f-phase"
    page.keyboard.press("ArrowDown")  # the first phase
    assert page.evaluate("document.activeElement.value") != ""
    for _ in range(3):  # back to the English title, a text field
        page.keyboard.press("Shift+Tab")
    assert page.evaluate("document.activeElement.id") == "f-title_en"
    page.keyboard.press("Enter")  # Enter in a text field sends the form
    page.wait_for_url(re.compile(r"/edit/tangentbord-och-enter"))
    record = requests.get(node.base_url + "initiatives/tangentbord-och-enter", timeout=10,
                          headers={"Accept": "application/ld+json"}).json()
    assert record["title"]["sv"] == "Initiativ skapat med tangentbordet"


def test_node_pages_are_readable_without_javascript(page_without_js, node, shoot):
    page = page_without_js
    page.goto(node.base_url)
    assert page.locator("h1").first.is_visible()
    shoot(page, "node-overview-nojs")
    catalog = requests.get(node.base_url + "catalog", timeout=10,
                           headers={"Accept": "application/ld+json"}).json()
    first = catalog["initiative"][0]
    page.goto(first["id"])
    assert page.get_by_role("heading", name=first["title"]["sv"]).is_visible()
    page.goto(node.base_url + "catalog")
    assert page.get_by_text(first["title"]["sv"]).first.is_visible()


def test_screenshots_of_the_node_main_pages(page, node, credentials, log_in, shoot):
    page.goto(node.base_url)
    shoot(page, "node-overview")
    page.goto(node.base_url + "catalog")
    shoot(page, "node-catalog")
    log_in(page, node.base_url, *credentials)
    page.goto(node.base_url + "edit")
    shoot(page, "node-edit-list")
    catalog = requests.get(node.base_url + "catalog", timeout=10,
                           headers={"Accept": "application/ld+json"}).json()
    page.goto(node.base_url + "edit/" + catalog["initiative"][0]["identifier"])
    assert page.get_by_role("button", name="Spara").is_visible()
    shoot(page, "node-edit-existing")
    page.goto(node.base_url + "edit/import")
    shoot(page, "node-import")


def test_an_ambiguous_partner_name_is_explained_beside_the_field_with_the_candidates(
        page, node, credentials, log_in, axe):
    begin_new_initiative(page, node, credentials, log_in, "partner-med-namn",
                         "Gemensam e-tjänst", "En e-tjänst för tre parter.")
    page.get_by_label(re.compile("^Partner")).fill("Region Skåne, Stockholm och Lunds univ")
    page.get_by_role("button", name="Spara").click()

    row = page.locator(".form-row.has-error", has_text="kan vara flera organisationer")
    row.wait_for()
    assert "Stockholms kommun, Region Stockholm" in row.inner_text()
    assert "Menade du Lunds universitet?" in row.inner_text()
    assert row.locator("textarea").input_value() == "Region Skåne, Stockholm och Lunds univ"
    violations, text = axe(page)
    assert violations == [], text
    assert requests.get(node.base_url + "initiatives/partner-med-namn",
                        timeout=10).status_code == 404
