"""Words of the node's pages in Swedish and English, and the labels of the concept schemes.

Concept labels (phases, themes, health) are read once from the bundled vocabulary
(``skos:prefLabel``), so the UI says what the standard says. Interface strings are below; the
template function ``t(key)`` picks the request's language.
"""

from __future__ import annotations

from functools import lru_cache

import pyoxigraph as ox

from pios_ld import vocab_paths
from pios_ld.i18n import LANGUAGES, pick  # noqa: F401 - LANGUAGES re-exported

CONCEPT = "https://w3id.org/pios/concept/"
PREF_LABEL = "http://www.w3.org/2004/02/skos/core#prefLabel"
BROADER = "http://www.w3.org/2004/02/skos/core#broader"

#: The selectable phases in lifecycle order, under pios.se's three states.
PHASE_GROUPS = {
    "planned": ("idea", "prestudy", "planning"),
    "ongoing": ("development", "pilot", "implementation", "scaling", "paused"),
    "completed": ("operation", "closed", "discontinued"),
}
PHASES = tuple(p for group in PHASE_GROUPS.values() for p in group)
HEALTH = ("on-track", "at-risk", "off-track")


@lru_cache(maxsize=1)
def _labels() -> dict[str, dict[str, str]]:
    labels: dict[str, dict[str, str]] = {}
    data = vocab_paths.VOCABULARY.read_bytes()
    for triple in ox.parse(data, format=ox.RdfFormat.TURTLE):
        if triple.predicate.value == PREF_LABEL and triple.subject.value.startswith(CONCEPT):
            labels.setdefault(triple.subject.value, {})[triple.object.language or "en"] = \
                triple.object.value
    return labels


@lru_cache(maxsize=1)
def themes() -> tuple[str, ...]:
    """Theme codes of the bundled scheme, in the vocabulary's order of labels (sorted, sv)."""
    prefix = CONCEPT + "theme/"
    codes = [iri[len(prefix):] for iri in _labels() if iri.startswith(prefix)]
    return tuple(sorted(codes, key=lambda c: label("theme", c, "sv")))


def label(scheme: str, code: str | None, lang: str = "sv") -> str:
    """The label of concept *code* in *scheme* (``phase``, ``theme``, ``health``)."""
    if not code:
        return ""
    if code.startswith(CONCEPT):
        code = code.rsplit("/", 1)[-1]
    found = _labels().get(f"{CONCEPT}{scheme}/{code}", {})
    return pick(found, lang, code)


def phase_state(code: str) -> str:
    """``pilot`` → ``ongoing``: which of pios.se's three states a phase belongs to."""
    for state, phases in PHASE_GROUPS.items():
        if code in phases:
            return state
    return "planned"


STRINGS: dict[str, tuple[str, str]] = {
    # (Swedish, English)
    "site": ("Initiativportfölj", "Initiative portfolio"),
    "skip": ("Hoppa till innehållet", "Skip to content"),
    "overview": ("Översikt", "Overview"),
    "initiatives": ("Initiativ", "Initiatives"),
    "catalog": ("Katalog", "Catalog"),
    "feed": ("Ändringsflöde", "Change feed"),
    "edit": ("Redigera", "Edit"),
    "manage": ("Hantera", "Manage"),
    "login": ("Logga in", "Log in"),
    "logout": ("Logga ut", "Log out"),
    "username": ("Användarnamn", "User name"),
    "password": ("Lösenord", "Password"),
    "login_failed": ("Fel användarnamn eller lösenord.", "Wrong user name or password."),
    "login_needed": ("Logga in för att redigera.", "Log in to edit."),
    "language": ("In English", "På svenska"),
    "new": ("Nytt initiativ", "New initiative"),
    "save": ("Spara", "Save"),
    "cancel": ("Avbryt", "Cancel"),
    "delete": ("Ta bort", "Delete"),
    "delete_confirm": ("Vill du ta bort initiativet? Det syns som borttaget i ändringsflödet.",
                       "Delete the initiative? The change feed will show it as deleted."),
    "deleted": ("Initiativet är borttaget.", "The initiative has been deleted."),
    "saved": ("Sparat.", "Saved."),
    "unchanged": ("Inget ändrades.", "Nothing changed."),
    "status_update": ("Ny statusuppdatering", "New status update"),
    "status_updates": ("Statusuppdateringar", "Status updates"),
    "errors_title": ("Formuläret har fel", "The form has errors"),
    "warnings_title": ("Rekommendationer", "Recommendations"),
    "error_prefix": ("Fel:", "Error:"),
    "warning_prefix": ("Tips:", "Tip:"),
    "required": ("obligatoriskt", "required"),
    "identifier": ("Identifierare (blir en del av adressen)", "Identifier (part of the address)"),
    "identifier_hint": ("Små bokstäver a–z, siffror och bindestreck, t.ex. digital-tillsyn.",
                        "Lower-case letters a–z, digits and hyphens, e.g. digital-tillsyn."),
    "title": ("Titel", "Title"),
    "title_sv": ("Titel på svenska", "Title in Swedish"),
    "title_en": ("Titel på engelska", "Title in English"),
    "description": ("Beskrivning", "Description"),
    "description_sv": ("Beskrivning på svenska", "Description in Swedish"),
    "description_en": ("Beskrivning på engelska", "Description in English"),
    "phase": ("Fas", "Phase"),
    "theme": ("Områden", "Themes"),
    "startDate": ("Startdatum", "Start date"),
    "endDate": ("Slutdatum", "End date"),
    "plannedEndDate": ("Planerat slutdatum", "Planned end date"),
    "budget": ("Budget (kr)", "Budget (SEK)"),
    "spentToDate": ("Förbrukat hittills (kr)", "Spent to date (SEK)"),
    "goal": ("Mål", "Goal"),
    "problemStatement": ("Problem som ska lösas", "Problem to solve"),
    "expectedBenefit": ("Förväntad nytta", "Expected benefit"),
    "lessonsLearned": ("Lärdomar", "Lessons learned"),
    "keyword": ("Nyckelord (kommaseparerade)", "Keywords (comma-separated)"),
    "contactPoint": ("Kontakt (funktionsbrevlåda)", "Contact (functional mailbox)"),
    "codeRepository": ("Källkod (länk)", "Source code (link)"),
    "landingPage": ("Webbsida (länk)", "Web page (link)"),
    "participant": ("Partner", "Partners"),
    "participant_hint": ("Organisationernas namn, organisationsnummer eller länkar, en per rad "
                         "eller åtskilda med komma, t.ex. Region Skåne, Lunds kommun.",
                         "The organisations' names, organisation numbers or links, one per line "
                         "or separated by commas, e.g. Region Skåne, Lunds kommun."),
    "reuses": ("Återanvänder (en initiativlänk per rad)",
               "Reuses (one initiative link per line)"),
    "openForCollaboration": ("Öppet för samarbete", "Open for collaboration"),
    "date": ("Datum", "Date"),
    "health": ("Hälsa", "Health"),
    "summary": ("Sammanfattning", "Summary"),
    "no_initiatives": ("Inga initiativ ännu.", "No initiatives yet."),
    "count": ("Antal", "Count"),
    "total_budget": ("Total budget", "Total budget"),
    "spent": ("Förbrukat", "Spent"),
    "by_phase": ("Per fas", "By phase"),
    "by_theme": ("Per område", "By theme"),
    "recent": ("Senaste ändringar", "Recent changes"),
    "stale": ("Utan uppdatering på 90 dagar", "Not updated for 90 days"),
    "none": ("Inga.", "None."),
    "created": ("skapat", "created"),
    "updated": ("ändrat", "updated"),
    "deleted_action": ("borttaget", "deleted"),
    "last_update": ("Senast ändrat", "Last changed"),
    "import": ("Importera kalkylark", "Import spreadsheet"),
    "import_file": ("Fil (.xlsx eller .csv)", "File (.xlsx or .csv)"),
    "dry_run": ("Provkör utan att spara", "Trial run without saving"),
    "partial": ("Spara giltiga rader även om andra har fel",
                "Save valid rows even when others have errors"),
    "export": ("Exportera", "Export"),
    "template": ("Mall", "Template"),
    "row": ("Rad", "Row"),
    "result": ("Resultat", "Result"),
    "import_refused": ("Inget importerades: rätta raderna nedan och försök igen.",
                       "Nothing was imported: correct the rows below and try again."),
    "import_done": ("Importen är klar.", "The import is done."),
    "dry_run_done": ("Provkörningen är klar; inget sparades.",
                     "The trial run is done; nothing was saved."),
    "machine": ("Maskinläsbart", "Machine-readable"),
    "responsible": ("Ansvarig organisation", "Responsible organisation"),
    "history": ("Historik", "History"),
    "csrf": ("Formuläret hade gått ut. Försök igen.", "The form had expired. Please try again."),
    "not_found": ("Sidan finns inte.", "The page does not exist."),
    "page": ("Sida", "Page"),
    "next": ("Nästa sida", "Next page"),
    "members": ("Versioner", "Versions"),
    "actions": ("Åtgärder", "Actions"),
    "api": ("API för att skriva", "Write API"),
    "choose": ("Välj …", "Choose …"),
    "yes": ("Ja", "Yes"),
    "similar_title": ("Liknande initiativ hos andra organisationer",
                      "Similar initiatives at other organisations"),
    "similar_intro": ("Kanske har någon redan byggt detta. Fråga dem innan ni börjar.",
                      "Someone may have built this already. Ask them before you start."),
    "similar_hint": ("Skriv titel och beskrivning, så visas liknande initiativ här.",
                     "Write the title and description, and similar initiatives show here."),
    "similar_found": ("{n} liknande initiativ:", "{n} similar initiatives:"),
    "similar_none": ("Inga liknande initiativ hittades.", "No similar initiatives found."),
    "similar_unavailable": ("Inga förslag just nu.", "No suggestions now."),
    "find_similar": ("Sök liknande", "Find similar"),
    "we_reuse": ("Vi återanvänder detta", "We reuse this"),
    "reuse_added": ("Tillagt under Återanvänder", "Added to Reuses"),
}


def t(key: str, lang: str = "sv") -> str:
    """The interface string *key* in *lang*."""
    sv, en = STRINGS.get(key, (key, key))
    return en if lang == "en" else sv
