"""Words of the node's pages in Swedish and English, and the labels of the concept schemes.

Three kinds of text, kept apart:

- **Interface strings** (:data:`STRINGS`): written in English in the templates and the code,
  ``t("Log in")``, the English text being the key (gettext's ``msgid``) and the dictionary giving
  the Swedish; :func:`pios_ld.i18n.translate` looks them up, as it does for the aggregator. The
  node's pages and the shared host's pages (``hostingapp``) use the one dictionary.
- **Field labels** (:data:`FIELDS`): the heading of an initiative's field, looked up by the
  field's name (``field("budget")``, also with a name the page only knows at run time), a language
  map each: data keyed by name, like the concept labels.
- **Concept labels** (phases, themes, health): read once from the bundled vocabulary
  (``skos:prefLabel``), so the UI says what the standard says (:func:`label`).
"""

from __future__ import annotations

from functools import lru_cache

import pyoxigraph as ox

from pios_ld import vocab_paths
from pios_ld.i18n import LANGUAGES, pick, translate  # noqa: F401 - LANGUAGES re-exported

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


#: The interface strings: English text (the msgid) → Swedish.
STRINGS: dict[str, str] = {
    "Initiative portfolio": "Initiativportfölj",
    "Skip to content": "Hoppa till innehållet",
    "Overview": "Översikt",
    "Initiatives": "Initiativ",
    "Catalog": "Katalog",
    "Change feed": "Ändringsflöde",
    "Edit": "Redigera",
    "Manage": "Hantera",
    "Log in": "Logga in",
    "Log out": "Logga ut",
    "User name": "Användarnamn",
    "Password": "Lösenord",
    "Wrong user name or password.": "Fel användarnamn eller lösenord.",
    "Log in to edit.": "Logga in för att redigera.",
    "New initiative": "Nytt initiativ",
    "Save": "Spara",
    "Cancel": "Avbryt",
    "Delete": "Ta bort",
    "Delete the initiative? The change feed will show it as deleted.":
        "Vill du ta bort initiativet? Det syns som borttaget i ändringsflödet.",
    "The initiative has been deleted.": "Initiativet är borttaget.",
    "Saved.": "Sparat.",
    "Nothing changed.": "Inget ändrades.",
    "New status update": "Ny statusuppdatering",
    "Status updates": "Statusuppdateringar",
    "The form has errors": "Formuläret har fel",
    "Recommendations": "Rekommendationer",
    "Error:": "Fel:",
    "Tip:": "Tips:",
    "required": "obligatoriskt",
    "Lower-case letters a–z, digits and hyphens, e.g. digital-tillsyn.":
        "Små bokstäver a–z, siffror och bindestreck, t.ex. digital-tillsyn.",
    "The organisations' names, organisation numbers or links, one per line or separated by "
    "commas, e.g. Region Skåne, Lunds kommun.":
        "Organisationernas namn, organisationsnummer eller länkar, en per rad eller åtskilda "
        "med komma, t.ex. Region Skåne, Lunds kommun.",
    "No initiatives yet.": "Inga initiativ ännu.",
    "Count": "Antal",
    "Total budget": "Total budget",
    "Spent": "Förbrukat",
    "By phase": "Per fas",
    "By theme": "Per område",
    "Recent changes": "Senaste ändringar",
    "Not updated for 90 days": "Utan uppdatering på 90 dagar",
    "None.": "Inga.",
    "created": "skapat",
    "updated": "ändrat",
    "deleted": "borttaget",
    "Last changed": "Senast ändrat",
    "Import spreadsheet": "Importera kalkylark",
    "File (.xlsx or .csv)": "Fil (.xlsx eller .csv)",
    "Save valid rows even when others have errors": "Spara giltiga rader även om andra har fel",
    "Export": "Exportera",
    "Template": "Mall",
    "Row": "Rad",
    "Result": "Resultat",
    "Nothing was imported: correct the rows below and try again.":
        "Inget importerades: rätta raderna nedan och försök igen.",
    "The import is done.": "Importen är klar.",
    "Machine-readable": "Maskinläsbart",
    "Responsible organisation": "Ansvarig organisation",
    "History": "Historik",
    "Page": "Sida",
    "Next page": "Nästa sida",
    "Versions": "Versioner",
    "Actions": "Åtgärder",
    "Write API": "API för att skriva",
    "Choose …": "Välj …",
    "Yes": "Ja",
    "Similar initiatives at other organisations": "Liknande initiativ hos andra organisationer",
    "Someone may have built this already. Ask them before you start.":
        "Kanske har någon redan byggt detta. Fråga dem innan ni börjar.",
    "Write the title and description, and similar initiatives show here.":
        "Skriv titel och beskrivning, så visas liknande initiativ här.",
    "{n} similar initiatives:": "{n} liknande initiativ:",
    "No similar initiatives found.": "Inga liknande initiativ hittades.",
    "No suggestions now.": "Inga förslag just nu.",
    "Find similar": "Sök liknande",
    "We reuse this": "Vi återanvänder detta",
    "Added to Reuses": "Tillagt under Återanvänder",
    "Reuses": "Återanvänder",
    # _hosting_base.html
    "Main menu": "Huvudmeny",
    # _import_report.html
    "Report": "Rapport",
    "would be created": "skulle skapas",
    "would be updated": "skulle ändras",
    "unchanged": "oförändrade",
    "invalid": "med fel",
    "Nothing is saved yet.": "Inget är sparat ännu.",
    "new": "nya",
    "changed": "ändrade",
    "Sheets read": "Lästa blad",
    "headings on row": "rubriker på rad",
    "rows": "rader",
    "rows skipped": "överhoppade rader",
    "totals row": "summarad",
    "formulas only": "bara formler",
    "the headings again": "rubrikraden igen",
    "Sheets skipped": "Överhoppade blad",
    "Problems": "Fel",
    "… and": "… och",
    "more": "till",
    "Warnings and notes": "Varningar och upplysningar",
    # edit_list.html
    "Search": "Sök",
    "All": "Alla",
    "Filter": "Filtrera",
    "View": "Visa",
    # feed_page.html
    "Previous page": "Föregående sida",
    # hosting.html
    "Each organisation has a node of its own: catalog, change feed and portfolio overview.":
        "Varje organisation har sin egen nod: katalog, ändringsflöde och portföljöversikt.",
    # hosting_admin.html
    "Name": "Namn",
    # hosting_error.html
    "Something went wrong": "Något gick fel",
    # import.html
    "The valid rows were saved; correct the others and import the sheet again.":
        "De giltiga raderna sparades; rätta de andra och importera arket igen.",
    "To the initiatives": "Till initiativen",
    "Import another file": "Importera en fil till",
    "There is a template too": "En mall finns också",
    "Upload and check": "Ladda upp och granska",
    # import_columns.html
    "columns": "kolumner",
    "check the columns": "kontrollera kolumnerna",
    "The file": "Filen",
    "Nothing was imported": "Inget importerades",
    "The sheet has a problem (see the report). Correct the column choices or the sheet and try "
    "again.":
        "Arket har ett fel (se rapporten). Rätta kolumnvalen eller arket och försök igen.",
    "Rows are invalid (see the report). Correct the sheet and upload it again, or tick that the "
    "valid rows should be saved.":
        "Rader har fel (se rapporten). Rätta arket och ladda upp det igen, eller kryssa i att "
        "de giltiga raderna ska sparas.",
    "The sheet’s columns and what they are imported as":
        "Kolumner i arket och vad de importeras som",
    "Heading in the sheet": "Rubrik i arket",
    "Imported as": "Importeras som",
    "Examples": "Exempel",
    "Why": "Varför",
    "Field for the column": "Fält för kolumnen",
    "Not imported": "Importeras inte",
    "Check again with my choices": "Granska igen med mina val",
    "Import": "Importera",
    "Choose another file": "Välj en annan fil",
    "Preview: the first rows": "Förhandsvisning: de första raderna",
    "The first rows of the sheet, as written": "De första raderna i arket, som de står",
    # overview.html
    "Key figures": "Nyckeltal",
    "Initiatives by phase": "Antal initiativ per fas",
    "Budget by phase": "Budget per fas",
    "Initiatives by theme": "Antal initiativ per område",
    # stream.html
    "Every change of the initiatives, in time order, as a Linked Data Event Stream (LDES).":
        "Alla ändringar av initiativen, i tidsordning, som en Linked Data Event Stream (LDES).",
    "newest": "senaste",
    # import.html, import_columns.html: the introductions
    "Upload the portfolio as it is: an Excel file (.xlsx) or CSV. The node recognises the "
    "columns (such as Project name, Status, Department, Budget, Partners) and shows them with a "
    "preview before anything is saved; you can change what each column is imported as.":
        "Ladda upp portföljen som den är: en Excel-fil (.xlsx) eller CSV. Noden känner igen "
        "kolumnerna (t.ex. Projektnamn, Status, Förvaltning, Budget (tkr), Samverkanspartner) "
        "och visar dem med en förhandsvisning innan något sparas; du kan ändra vad varje kolumn "
        "importeras som.",
    "Nothing is saved yet. Choose for each column what it holds, or “Not imported”. Check the "
    "preview and the report below, then import.":
        "Inget är sparat ännu. Välj för varje kolumn vad den innehåller, eller «Importeras "
        "inte». Granska förhandsvisningen och rapporten nedan och importera sedan.",
    # the shared host's pages (hostingapp)
    "Organisations published here": "Organisationer som publiceras här",
    "Administer the organisations": "Administrera organisationerna",
    "Name (folder name, a–z, 0–9, -)": "Namn (mappnamn, a–z, 0–9, -)",
    "Organisation (name, municipality code or organisation number)":
        "Organisation (namn, kommunkod eller organisationsnummer)",
    "Its own base URL": "Egen bas-URL",
    "Add": "Lägg till",
    "Remove": "Ta bort",
    "The organisation was added.": "Organisationen lades till.",
    "The organisation is no longer served; its folder was moved to removed/.":
        "Organisationen serveras inte längre; dess mapp flyttades till removed/.",
    "Wrong name or password.": "Fel namn eller lösenord.",
    "No organisations yet.": "Inga organisationer ännu.",
    "Address": "Adress",
}

#: The labels of an initiative's fields, by the field's name.
FIELDS: dict[str, dict[str, str]] = {
    "identifier": {"sv": "Identifierare (blir en del av adressen)",
                  "en": "Identifier (part of the address)"},
    "title": {"sv": "Titel", "en": "Title"},
    "title_sv": {"sv": "Titel på svenska", "en": "Title in Swedish"},
    "title_en": {"sv": "Titel på engelska", "en": "Title in English"},
    "description": {"sv": "Beskrivning", "en": "Description"},
    "description_sv": {"sv": "Beskrivning på svenska", "en": "Description in Swedish"},
    "description_en": {"sv": "Beskrivning på engelska", "en": "Description in English"},
    "phase": {"sv": "Fas", "en": "Phase"},
    "theme": {"sv": "Områden", "en": "Themes"},
    "startDate": {"sv": "Startdatum", "en": "Start date"},
    "endDate": {"sv": "Slutdatum", "en": "End date"},
    "plannedEndDate": {"sv": "Planerat slutdatum", "en": "Planned end date"},
    "budget": {"sv": "Budget (kr)", "en": "Budget (SEK)"},
    "spentToDate": {"sv": "Förbrukat hittills (kr)", "en": "Spent to date (SEK)"},
    "goal": {"sv": "Mål", "en": "Goal"},
    "problemStatement": {"sv": "Problem som ska lösas", "en": "Problem to solve"},
    "expectedBenefit": {"sv": "Förväntad nytta", "en": "Expected benefit"},
    "lessonsLearned": {"sv": "Lärdomar", "en": "Lessons learned"},
    "keyword": {"sv": "Nyckelord (kommaseparerade)", "en": "Keywords (comma-separated)"},
    "contactPoint": {"sv": "Kontakt (funktionsbrevlåda)", "en": "Contact (functional mailbox)"},
    "codeRepository": {"sv": "Källkod (länk)", "en": "Source code (link)"},
    "landingPage": {"sv": "Webbsida (länk)", "en": "Web page (link)"},
    "participant": {"sv": "Partner", "en": "Partners"},
    "reuses": {"sv": "Återanvänder (en initiativlänk per rad)",
              "en": "Reuses (one initiative link per line)"},
    "openForCollaboration": {"sv": "Öppet för samarbete", "en": "Open for collaboration"},
    "date": {"sv": "Datum", "en": "Date"},
    "health": {"sv": "Hälsa", "en": "Health"},
    "summary": {"sv": "Sammanfattning", "en": "Summary"},
}

#: The language switch's text, by the language it switches to (and is written in).
SWITCH = {"en": "In English", "sv": "På svenska"}


def t(text: str, lang: str = "sv") -> str:
    """The interface string *text* (its English) in *lang*."""
    return translate(STRINGS, text, lang)


def field(name: str, lang: str = "sv") -> str:
    """The label of the field *name* in *lang* (the name itself for a field without one)."""
    return pick(FIELDS.get(name), lang, name)
