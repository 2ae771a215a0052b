"""The editing UI over real HTTP: login and CSRF enforced, messages beside the fields."""

from __future__ import annotations

import json
import re
from pathlib import Path

import requests
from nodehelpers import PASSWORD, record
from pios_ld.node import parts as node_parts

TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf(session: requests.Session, url: str) -> str:
    return TOKEN.search(session.get(url, timeout=10).text).group(1)


def logged_in(live) -> requests.Session:
    session = requests.Session()
    token = csrf(session, f"{live.url}/login")
    response = session.post(f"{live.url}/login", timeout=10, data={
        "csrf_token": token, "username": "anna", "password": PASSWORD})
    assert response.status_code == 200 and "anna" in response.text
    return session


def form(**values) -> dict:
    data = {"identifier": "digital-tillsyn", "title_sv": "Digital tillsyn",
            "description_sv": "Kameror ersätter nattliga besök.", "phase": "pilot",
            "theme": ["elderly-care"], "budget": "1 200 000"}
    data.update(values)
    return data


def test_editing_pages_need_a_login(live):
    response = requests.get(f"{live.url}/edit", timeout=10, allow_redirects=False)
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]
    session = requests.Session()
    token = csrf(session, f"{live.url}/login")
    wrong = session.post(f"{live.url}/login", timeout=10, data={
        "csrf_token": token, "username": "anna", "password": "fel-lösenord"})
    assert wrong.status_code == 401
    assert "Fel användarnamn eller lösenord." in wrong.text


def test_repeated_wrong_passwords_are_slowed_down(live):
    session = requests.Session()
    token = csrf(session, f"{live.url}/login")
    for _ in range(5):
        session.post(f"{live.url}/login", timeout=10, data={
            "csrf_token": token, "username": "anna", "password": "gissning"})
    blocked = session.post(f"{live.url}/login", timeout=10, data={
        "csrf_token": token, "username": "anna", "password": PASSWORD})
    assert blocked.status_code == 429
    assert "För många misslyckade inloggningar" in blocked.text


def test_a_form_without_the_csrf_token_changes_nothing(live):
    session = logged_in(live)
    response = session.post(f"{live.url}/edit/new", data=form(), timeout=10)
    assert response.status_code == 400
    forged = session.post(f"{live.url}/edit/new", data={**form(), "csrf_token": "x" * 43},
                          timeout=10)
    assert forged.status_code == 400
    assert live.store.count() == 0


def test_create_through_the_form_and_see_it_published(live):
    session = logged_in(live)
    token = csrf(session, f"{live.url}/edit/new")
    response = session.post(f"{live.url}/edit/new", data={**form(), "csrf_token": token},
                            timeout=10)
    assert response.status_code == 200
    assert "Sparat." in response.text
    published = requests.get(f"{live.url}/initiatives/digital-tillsyn",
                             headers={"Accept": "application/ld+json"}, timeout=10).json()
    assert published["budget"] == {"value": 1200000, "currency": "SEK"}
    assert published["theme"] == ["elderly-care"]


def test_a_mistake_is_explained_beside_its_field_in_swedish_and_nothing_is_saved(live):
    session = logged_in(live)
    token = csrf(session, f"{live.url}/edit/new")
    response = session.post(f"{live.url}/edit/new", timeout=10, data={
        **form(title_sv="", budget="-5", endDate="2020-01-01", startDate="2021-01-01"),
        "csrf_token": token})
    assert response.status_code == 422
    html = response.text
    title_row = html[html.index('for="f-title_sv"'):html.index('id="f-title_sv"')]
    assert "Initiativet saknar titel." in title_row
    budget_row = html[html.index('for="f-budget"'):html.index('id="f-budget"')]
    assert "negativt" in budget_row
    assert 'aria-invalid="true"' in html
    assert 'href="#f-title_sv"' in html          # the summary links to the field
    assert live.store.count() == 0


def test_a_form_with_no_theme_ticked_is_answered_not_crashed(live):
    session = logged_in(live)
    token = csrf(session, f"{live.url}/edit/new")
    data = {**form(budget="-100"), "csrf_token": token}
    del data["theme"]
    response = session.post(f"{live.url}/edit/new", data=data, timeout=10)
    assert response.status_code == 422
    assert "Beloppet får inte vara negativt." in response.text


def test_unticking_every_theme_removes_the_themes(live):
    live.post(record())
    session = logged_in(live)
    url = f"{live.url}/edit/digital-tillsyn"
    data = {**form(), "csrf_token": csrf(session, url)}
    del data["theme"]
    session.post(url, data=data, timeout=10)
    assert "theme" not in live.store.get("digital-tillsyn").record


def test_the_form_speaks_english_when_asked(live):
    session = logged_in(live)
    token = csrf(session, f"{live.url}/edit/new?lang=en")
    response = session.post(f"{live.url}/edit/new", timeout=10, data={
        **form(title_sv=""), "csrf_token": token})
    assert '<html lang="en">' in response.text
    assert "The form has errors" in response.text


def test_status_update_is_recorded_and_the_phase_moves(live):
    live.post(record())
    session = logged_in(live)
    url = f"{live.url}/edit/digital-tillsyn/status"
    token = csrf(session, url)
    response = session.post(url, timeout=10, data={
        "csrf_token": token, "date": "2026-11-20", "phase": "implementation",
        "health": "at-risk", "summary": "Piloten är klar.", "spentToDate": "400000"})
    assert response.status_code == 200
    stored = live.store.get("digital-tillsyn").record
    assert stored["phase"] == "implementation"
    assert stored["statusUpdate"][-1]["summary"] == {"sv": "Piloten är klar."}
    assert stored["spentToDate"]["value"] == 400000


def test_delete_through_the_ui_asks_first_then_removes(live):
    live.post(record())
    session = logged_in(live)
    url = f"{live.url}/edit/digital-tillsyn/delete"
    page = session.get(url, timeout=10)
    assert "Vill du ta bort initiativet?" in page.text
    token = TOKEN.search(page.text).group(1)
    session.post(url, data={"csrf_token": token}, timeout=10)
    assert live.store.get("digital-tillsyn") is None
    assert live.store.history("digital-tillsyn")[-1].action == "delete"


def test_editing_keeps_what_the_form_does_not_show(live):
    live.post(record(statusUpdate=[{"type": "StatusUpdate", "date": "2026-01-01",
                                    "summary": {"sv": "Start."}}],
                     goal={"sv": "Mål", "en": "Goal"}))
    session = logged_in(live)
    url = f"{live.url}/edit/digital-tillsyn"
    token = csrf(session, url)
    session.post(url, timeout=10, data={**form(title_sv="Ny titel", goal_sv="Nytt mål"),
                                        "csrf_token": token})
    stored = live.store.get("digital-tillsyn").record
    assert stored["title"]["sv"] == "Ny titel"
    assert stored["goal"] == {"sv": "Nytt mål", "en": "Goal"}
    assert len(stored["statusUpdate"]) == 1


def test_the_list_can_be_searched_and_filtered_by_phase(live):
    live.post(record())
    live.post(record("e-arkiv", title={"sv": "Gemensamt e-arkiv"}, phase="idea"))
    session = logged_in(live)
    found = session.get(f"{live.url}/edit", params={"q": "arkiv"}, timeout=10).text
    assert "Gemensamt e-arkiv" in found and "Digital tillsyn i hemtjänsten" not in found
    pilots = session.get(f"{live.url}/edit", params={"phase": "pilot"}, timeout=10).text
    assert "Digital tillsyn i hemtjänsten" in pilots and "Gemensamt e-arkiv" not in pilots


REGION_STOCKHOLM = "http://dataportal.se/organisation/SE2321000016"
GOTEBORG = "http://dataportal.se/organisation/SE2120001355"
VGR = "http://dataportal.se/organisation/SE2321000131"


def test_partners_typed_as_names_are_published_as_the_organisations_they_name(live):
    session = logged_in(live)
    token = csrf(session, f"{live.url}/edit/new")
    response = session.post(f"{live.url}/edit/new", timeout=10, data={
        **form(participant="Region Stockholm, Göteborgs Stad och VGR\nhttps://inera.se/"),
        "csrf_token": token})
    assert response.status_code == 200, response.text
    published = requests.get(f"{live.url}/initiatives/digital-tillsyn",
                             headers={"Accept": "application/ld+json"}, timeout=10).json()
    assert sorted(published["participant"]) == sorted(
        [REGION_STOCKHOLM, GOTEBORG, VGR, "https://inera.se/"])
    page = session.get(f"{live.url}/edit/digital-tillsyn", timeout=10).text
    shown = page[page.index('id="f-participant"'):]
    shown = shown[shown.index(">") + 1:shown.index("</textarea>")]
    assert sorted(shown.split("\n")) == ["Göteborgs kommun", "Region Stockholm",
                                         "Västra Götalandsregionen", "https://inera.se/"]


def test_an_unknown_or_ambiguous_partner_is_explained_beside_the_field_and_nothing_is_saved(live):
    session = logged_in(live)
    token = csrf(session, f"{live.url}/edit/new")
    typed = "Stockholm\nSKR\nLunds univ\nMalmö stad"
    response = session.post(f"{live.url}/edit/new", timeout=10,
                            data={**form(participant=typed), "csrf_token": token})
    assert response.status_code == 422
    html = response.text
    row = html[html.index('for="f-participant"'):html.index('id="f-participant"')]
    assert "«Stockholm» kan vara flera organisationer: Stockholms kommun, Region Stockholm" in row
    assert "«SKR» (Sveriges Kommuner och Regioner) finns inte bland referensorganisationerna" in row
    assert "Menade du Lunds universitet?" in row
    assert "Malmö" not in row                        # the name that was found is not flagged
    assert typed in html                             # what was typed is kept in the field
    assert 'href="#f-participant"' in html           # and linked from the summary
    assert live.store.count() == 0
    token = csrf(session, f"{live.url}/edit/new?lang=en")
    english = session.post(f"{live.url}/edit/new", timeout=10,
                           data={**form(participant="Stockholm"), "csrf_token": token}).text
    assert "“Stockholm” could be several organisations: Stockholms kommun, Region Stockholm" \
        in english


def test_editing_an_initiative_keeps_its_partners_when_the_names_are_saved_again(live):
    live.post(record(participant=[VGR, "https://inera.se/"]))
    session = logged_in(live)
    url = f"{live.url}/edit/digital-tillsyn"
    page = session.get(url, timeout=10).text
    shown = page[page.index('id="f-participant"'):]
    shown = shown[shown.index(">") + 1:shown.index("</textarea>")]
    session.post(url, timeout=10, data={**form(participant=shown),
                                        "csrf_token": TOKEN.search(page).group(1)})
    assert sorted(live.store.get("digital-tillsyn").record["participant"]) == sorted(
        [VGR, "https://inera.se/"])


SHEETS = Path(__file__).resolve().parents[1] / "data" / "sheets"
FIELD = re.compile(r'name="heading-(\d+)" value="([^"]*)"')


def columns_form(html: str) -> dict[str, str]:
    """The mapping step's form as a browser would send it: every column's field as selected."""
    data = {"csrf_token": TOKEN.search(html).group(1)}
    for number, heading in FIELD.findall(html):
        data[f"heading-{number}"] = heading
        select = html[html.index(f'name="field-{number}"'):]
        select = select[:select.index("</select>")]
        chosen = re.search(r'<option value="([^"]*)" selected>', select)
        data[f"field-{number}"] = chosen.group(1) if chosen else ""
    return data


def number_of(html: str, heading: str) -> str:
    return next(n for n, h in FIELD.findall(html) if h == heading)


def upload(session: requests.Session, live, name: str) -> requests.Response:
    page = session.get(f"{live.url}/edit/import", timeout=10).text
    with open(SHEETS / name, "rb") as handle:
        return session.post(f"{live.url}/edit/import", timeout=60,
                            data={"csrf_token": TOKEN.search(page).group(1)},
                            files={"file": (name, handle)})


def test_the_import_shows_each_column_with_its_field_and_a_preview_and_saves_nothing(live):
    session = logged_in(live)
    response = upload(session, live, "kommun.xlsx")
    assert response.status_code == 200, response.text
    html = response.text
    form = columns_form(html)
    chosen = {form[f"heading-{n}"]: form[f"field-{n}"] for n, _ in FIELD.findall(html)}
    assert chosen["Projektnamn"] == "title_sv"
    assert chosen["Budget (tkr)"] == "budget"
    assert chosen["Samverkanspartner"] == "participant"
    assert chosen["Projektledare"] == ""             # names persons: not imported by default
    assert "Digital tillsyn i hemtjänsten" in html   # the preview
    assert "skulle skapas" in html and "Inget är sparat ännu." in html
    assert live.store.count() == 0
    action = re.search(r'action="(/edit/import/[^"]+)"', html)[1]
    english = session.get(f"{live.url}{action}?lang=en", timeout=30).text   # the UI's switch
    assert "would be created" in english and "Not imported" in english


def test_the_chosen_mapping_is_imported_published_and_remembered(live):
    session = logged_in(live)
    html = upload(session, live, "kommun.xlsx").text
    action = re.search(r'action="(/edit/import/[^"]+)"', html)[1]
    form = columns_form(html)
    form[f"field-{number_of(html, 'Kommentar')}"] = "lessonsLearned_sv"   # a choice of one's own
    form[f"field-{number_of(html, 'Verksamhetsområde')}"] = ""             # and one column left out
    checked = session.post(f"{live.url}{action}", data={**form, "action": "check"}, timeout=60)
    assert checked.status_code == 200
    again = columns_form(checked.text)
    assert again[f"field-{number_of(checked.text, 'Kommentar')}"] == "lessonsLearned_sv"
    assert live.store.count() == 0                   # checking saves nothing
    done = session.post(f"{live.url}{action}", data={**again, "action": "import"}, timeout=60)
    assert done.status_code == 200, done.text
    assert "Importen är klar." in done.text
    catalog = requests.get(f"{live.url}/catalog", headers={"Accept": "application/ld+json"},
                           timeout=10).json()
    by_title = {r["title"]["sv"]: r for r in catalog["initiative"]}
    tillsyn = by_title["Digital tillsyn i hemtjänsten"]
    assert tillsyn["lessonsLearned"] == {"sv": "Utvärdering i vår"}
    assert "theme" not in tillsyn
    assert tillsyn["budget"] == {"value": 850000, "currency": "SEK"}
    assert "Anna Berg" not in json.dumps(catalog, ensure_ascii=False)   # persons left out
    # the upload is gone once imported
    assert session.get(f"{live.url}{action}", timeout=10).status_code == 404
    # the next upload of a sheet with the same headings starts from the confirmed choices
    html = upload(session, live, "kommun.xlsx").text
    assert columns_form(html)[f"field-{number_of(html, 'Kommentar')}"] == "lessonsLearned_sv"


def test_an_upload_is_kept_for_its_user_only_and_a_forged_token_finds_nothing(live):
    session = logged_in(live)
    html = upload(session, live, "kommun.xlsx").text
    action = re.search(r'action="(/edit/import/[^"]+)"', html)[1]
    node_parts.of(live.app).store.create_user("bo", "ett-annat-langt-losenord")
    other = requests.Session()
    token = csrf(other, f"{live.url}/login")
    other.post(f"{live.url}/login", timeout=10, data={
        "csrf_token": token, "username": "bo", "password": "ett-annat-langt-losenord"})
    assert other.get(f"{live.url}{action}", timeout=10).status_code == 404
    for forged in ("../../secret.key", "x" * 32, "%2e%2e%2fnode.db"):
        assert session.get(f"{live.url}/edit/import/{forged}", timeout=10).status_code == 404
    no_csrf = session.post(f"{live.url}{action}", data={"action": "import"}, timeout=10)
    assert no_csrf.status_code == 400 and live.store.count() == 0


def test_a_file_that_is_not_a_sheet_is_refused_at_upload_with_a_message(live, tmp_path):
    session = logged_in(live)
    page = session.get(f"{live.url}/edit/import", timeout=10).text
    response = session.post(f"{live.url}/edit/import", timeout=30,
                            data={"csrf_token": TOKEN.search(page).group(1)},
                            files={"file": ("portfolj.xlsx", b"not a workbook at all")})
    assert response.status_code == 422
    assert "Traceback" not in response.text and 'class="error-summary"' in response.text
    assert not list((live.instance / "uploads").glob("*.sheet"))


def test_the_mapping_step_lists_every_problem_by_row_and_column_and_partial_saves_the_rest(live):
    session = logged_in(live)
    response = upload(session, live, "fel.xlsx")
    html = response.text
    assert "Rad 3, Status: «Halvklar» är ingen känd fas." in html
    assert "Rad 4, Budget (tkr): «åttahundra» är inget belopp." in html
    assert "Rad 5, Start: «snart» är inget datum." in html
    assert "Rad 6, Projektnamn: Initiativet saknar titel." in html
    action = re.search(r'action="(/edit/import/[^"]+)"', html)[1]
    english = session.get(f"{live.url}{action}?lang=en", timeout=30).text
    assert "Row 3, Status:" in english and "1 would be created" in english
    refused = session.post(f"{live.url}{action}?lang=sv", timeout=60,
                           data={**columns_form(html), "action": "import"})
    assert refused.status_code == 422 and "Inget importerades" in refused.text
    assert live.store.count() == 0
    done = session.post(f"{live.url}{action}", timeout=60,
                        data={**columns_form(html), "action": "import", "partial": "1"})
    assert done.status_code == 200 and "De giltiga raderna sparades" in done.text
    assert live.store.count() == 1


def test_a_workbook_of_several_sheets_names_each_sheet_read(live):
    session = logged_in(live)
    html = upload(session, live, "region.xlsx").text
    for sheet in ("Hälso- och sjukvård", "Kollektivtrafik", "Regional utveckling"):
        assert f"«{sheet}»: rubriker på rad" in html
    assert "4 skulle skapas" in html


def test_kept_uploads_are_removed_when_old_or_beyond_the_newest_few(tmp_path):
    import os
    import time

    from pios_ld.node.uploads import Uploads

    folder = tmp_path / "uploads"
    uploads = Uploads(folder, max_age=3600, max_kept=3)
    first, second = (uploads.keep("anna", f"ark-{i}.xlsx", b"data") for i in range(2))
    old = time.time() - 7200
    os.utime(folder / f"{first.token}.sheet", (old, old))
    newer = uploads.keep("anna", "../../ark-3.xlsx", b"data")   # cleans before keeping
    assert newer.filename == "ark-3.xlsx"                        # no path survives
    assert {p.stem for p in folder.glob("*.sheet")} == {second.token, newer.token}
    assert not (folder / f"{first.token}.json").exists()
    for _ in range(3):
        uploads.keep("anna", "fler.xlsx", b"data")
    assert len(list(folder.glob("*.sheet"))) == len(list(folder.glob("*.json"))) == 3
    assert not (folder / f"{second.token}.sheet").exists()       # the oldest went first


def test_an_upload_over_the_size_cap_is_refused_and_not_kept(start_node):
    live = start_node(max_upload_bytes=2000)
    session = logged_in(live)
    response = upload(session, live, "kommun.xlsx")               # about 6.6 kB
    assert response.status_code == 422
    assert "Filen är större än 2 kB" in response.text
    assert not (live.instance / "uploads").exists()
    page = session.get(f"{live.url}/edit/import", timeout=10).text
    empty = session.post(f"{live.url}/edit/import", timeout=10,
                         data={"csrf_token": TOKEN.search(page).group(1)})
    assert empty.status_code == 422 and "Välj en fil att importera." in empty.text


def test_the_mapping_step_says_why_a_persons_column_is_left_out(live):
    session = logged_in(live)
    html = upload(session, live, "kommun.xlsx").text
    notes = html[html.index('id="warnings-h"'):]
    assert "Kolumnen Projektledare namnger personer" in notes
    assert "välj ett fält i kolumnlistan ovan" in notes and "--map" not in notes
