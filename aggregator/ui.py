"""Rendering pages: language (Swedish by default, English switchable), translations, JSON twins.

Every page is rendered by :meth:`UI.render` from a template and a ``data`` value; a request for
the same URL with a ``.json`` suffix or ``Accept: application/json`` gets ``data`` as JSON.

Every value read from a node is escaped (Jinja's autoescaping); an IRI becomes a link only when it
passes :func:`pios_ld.webpolicy.linkable` (the templates' ``link`` macro), otherwise it is text.
Every response carries :data:`pios_ld.webpolicy.SECURITY_HEADERS`.
"""

from __future__ import annotations

import json
import time
from datetime import date, datetime
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from flask import Flask, Response, g, has_request_context, jsonify, render_template, request
from pios_ld.aggregator.views import Views, crawl_status

from pios_ld import i18n, negotiate
from pios_ld.webpolicy import SECURITY_HEADERS, linkable

STRINGS = {
    "National overview": "Nationell översikt",
    "Initiatives": "Initiativ",
    "Nodes": "Noder",
    "SPARQL query": "SPARQL-fråga",
    "Error": "Fel",
    "Skip to content": "Hoppa till innehållet",
    "Language": "Språk",
    "initiatives": "initiativ",
    "organisations publish": "organisationer publicerar",
    "of": "av",
    "nodes registered": "registrerade noder",
    "total budget": "total budget",
    "initiatives state one": "initiativ anger en",
    "Contact": "Kontakt",
    "Expected benefit": "Förväntad nytta",
    "not stated": "uppgift saknas",
    "By phase": "Per fas",
    "By state": "Planerat, pågående, avslutat",
    "By theme": "Per område",
    "By county": "Per län",
    "By organisation type": "Per organisationstyp",
    "Coverage": "Täckning",
    "Coverage by organisation type": "Täckning per organisationstyp",
    "Coverage by county": "Täckning per län",
    "Organisations that do not publish yet": "Organisationer som ännu inte publicerar",
    "County": "Län",
    "Organisations": "Organisationer",
    "Publishing": "Publicerar",
    "Share": "Andel",
    "Kind": "Typ",
    "Count": "Antal",
    "municipality": "kommun",
    "region": "region",
    "national-agency": "statlig myndighet",
    "Search": "Sök",
    "Search initiatives": "Sök initiativ",
    "Free text": "Fritext",
    "Phase": "Fas",
    "Theme": "Område",
    "Organisation": "Organisation",
    "Organisation type": "Organisationstyp",
    "All": "Alla",
    "Title": "Titel",
    "Modified": "Senast ändrat",
    "results": "träffar",
    "Page": "Sida",
    "Previous": "Föregående",
    "Next": "Nästa",
    "stale": "inaktuell",
    "Stale: the publisher's latest version was refused; this is the last valid one.":
        "Inaktuell: utgivarens senaste version avvisades; detta är den senaste giltiga.",
    "Responsible organisation": "Ansvarig organisation",
    "Description": "Beskrivning",
    "Goal": "Mål",
    "Problem": "Problem som ska lösas",
    "Lessons learned": "Lärdomar",
    "Budget": "Budget",
    "Spent to date": "Förbrukat hittills",
    "Start": "Startdatum",
    "Planned end": "Planerat slutdatum",
    "End": "Slutdatum",
    "Partners": "Partner",
    "Code repository": "Källkod",
    "Web page": "Webbsida",
    "Open for collaboration": "Öppet för samarbete",
    "yes": "ja",
    "no": "nej",
    "Keywords": "Nyckelord",
    "Status updates": "Statusuppdateringar",
    "History": "Historik",
    "Version": "Version",
    "Time": "Tid",
    "deleted": "borttaget",
    "Reused by": "Återanvänds av",
    "Reuses": "Återanvänder",
    "No one has reported reusing it yet.": "Ingen har ännu angett att de återanvänder det.",
    "No versions read from the feed yet.": "Inga versioner lästa från flödet ännu.",
    "Date": "Datum",
    "Health": "Hälsa",
    "Summary": "Sammanfattning",
    "Node": "Nod",
    "Last crawl": "Senaste genomsökning",
    "Status": "Status",
    "HTTP": "HTTP",
    "Quarantined": "I karantän",
    "Warnings": "Varningar",
    "Crawls": "Genomsökningar",
    "Quarantined records": "Poster i karantän",
    "Dropped statements": "Borttagna påståenden",
    "Errors": "Fel",
    "No problems in the latest crawl.": "Inga problem vid senaste genomsökningen.",
    "Catalog": "Katalog",
    "Feed": "Flöde",
    "Query": "Fråga",
    "Run query": "Kör frågan",
    "Dataset": "Datamängd",
    "The national graph (current state)": "Den nationella grafen (nuläget)",
    "History and crawl log": "Historik och genomsökningslogg",
    "Examples": "Exempel",
    "Results": "Resultat",
    "Download": "Ladda ner",
    "rows": "rader",
    "Download the whole national graph": "Ladda ner hela den nationella grafen",
    "No dump has been made yet.": "Ingen dump har gjorts ännu.",
    "Machine-readable": "Maskinläsbart",
    "Stale": "Inaktuella",
    "Not crawled yet": "Inte genomsökt ännu",
    "Show": "Visa",
    "never": "aldrig",
    "Publisher page": "Utgivarsida",
    "Rule": "Regel",
    "Message": "Meddelande",
    "Value": "Värde",
    "Field": "Fält",
    "Record": "Post",
    "Reason": "Orsak",
    "Initiatives per county": "Initiativ per län",
    "catalog": "Katalogen",
    "catalog-page": "Katalogsidan",
    "feed-page": "Flödessidan",
    "The reader's own words": "Tolkens egna ord",
    "The latest crawl failed": "Senaste genomsökningen misslyckades",
    "The latest crawl was refused": "Senaste genomsökningen avvisades",
    "Last good crawl": "Senaste lyckade genomsökning",
    "Until the node answers again the national graph keeps what that crawl read.":
        "Tills noden svarar igen behåller den nationella grafen det som lästes då.",
    "No crawl of this node has succeeded yet.":
        "Ingen genomsökning av noden har lyckats ännu.",
    "Catalog held back": "Katalogen hålls kvar",
    "Progress over time": "Utveckling över tid",
    "Download the table": "Ladda ner tabellen",
    "Period": "Period",
    "Quarter": "Kvartal",
    "Month": "Månad",
    "The whole country": "Hela landet",
    "versions in the history": "versioner i historiken",
    "without an update for a year": "utan uppdatering på ett år",
    "Initiatives by phase at the end of each period":
        "Initiativ per fas vid slutet av varje period",
    "Planned": "Planerat",
    "Ongoing": "Pågående",
    "Completed": "Avslutat",
    "Total": "Totalt",
    "Phase changes per period": "Fasbyten per period",
    "Discontinued": "Avbrutna",
    "Time spent in each phase": "Tid i varje fas",
    "Ended stays": "Avslutade vistelser",
    "Still there": "Kvar i fasen",
    "Lower quartile": "Nedre kvartil",
    "Median": "Median",
    "Upper quartile": "Övre kvartil",
    "days": "dagar",
    "Without an update for a year": "Utan uppdatering på ett år",
    "Latest version": "Senaste version",
    "Reuse network": "Återanvändning",
    "Coverage and adoption by county": "Täckning och spridning per län",
    "Most reused solutions": "Mest återanvända lösningar",
    "Solution": "Lösning",
    "Owner": "Ägare",
    "Adopting organisations": "Organisationer som återanvänder",
    "Counties": "Län",
    "First adoption": "Första återanvändning",
    "Adopted by": "Återanvänds av",
    "Since": "Sedan",
    "Adoption over time": "Spridning över tid",
    "New": "Nya",
    "In all": "Totalt hittills",
    "Partnerships": "Samarbeten",
    "Partner": "Partner",
    "Joint initiatives": "Gemensamma initiativ",
    "Downloads": "Nedladdningar",
    "solutions reused": "återanvända lösningar",
    "organisations reuse": "organisationer återanvänder",
    "partner links": "partnerlänkar",
    "Map": "Karta",
    "not dated": "utan datum",
    "Scaling follow-up": "Spridning av lösningar",
}


MONTHS = {
    "sv": ("januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti", "september",
           "oktober", "november", "december"),
    "en": ("January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December"),
}
#: The time zone times are shown in (they are stored in UTC).
LOCAL = ZoneInfo("Europe/Stockholm")


def when(value: str | None, lang: str) -> str:
    """An ISO date or timestamp as a reader writes it: ``3 december 2026 kl. 08.49`` (Swedish
    time) or ``3 December 2026, 08:49``; a date alone without the time; text that is neither is
    returned as it is, None as ""."""
    if not value:
        return ""
    text = str(value)
    months = MONTHS["en" if lang == "en" else "sv"]
    try:
        if len(text) == 10:
            day = date.fromisoformat(text)
            return f"{day.day} {months[day.month - 1]} {day.year}"
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return text
    if moment.tzinfo is not None:
        moment = moment.astimezone(LOCAL)
    day = f"{moment.day} {months[moment.month - 1]} {moment.year}"
    if lang == "en":
        return f"{day}, {moment:%H:%M}"
    return f"{day} kl. {moment:%H.%M}"


def amount(value: float | int | None, lang: str, currency: str = "SEK") -> str:
    """A sum of money as a reader writes it (``1 250 000 kr``, ``1,250,000 SEK``); a missing
    one is "uppgift saknas" / "not stated", never 0."""
    if value is None:
        return "not stated" if lang == "en" else "uppgift saknas"
    if lang == "en":
        return f"{value:,.0f} {currency}"
    unit = "kr" if currency == "SEK" else currency
    return f"{value:,.0f}".replace(",", "\u00a0") + f"\u00a0{unit}"


def number(value: int | float | None, lang: str) -> str:
    """A count with thousands grouped (a no-break space in Swedish, a comma in English)."""
    if value is None:
        return ""
    return f"{value:,}" if lang == "en" else f"{value:,}".replace(",", "\u00a0")


#: English words for the keys that are not English sentences themselves.
ENGLISH = {"catalog": "The catalog", "catalog-page": "The catalog page",
           "feed-page": "The feed page", "Modified": "Last changed",
           "Problem": "Problem to solve", "Start": "Start date", "Planned end": "Planned end date",
           "End": "End date"}


class UI:
    def __init__(self, app: Flask, state) -> None:
        self.app = app
        self.state = state
        self.views = Views(state, deadline=self.page_deadline)
        app.jinja_env.tests["linkable"] = linkable
        app.after_request(self.secure)

    @staticmethod
    def secure(response: Response) -> Response:
        """Add the security headers (a view that set one of its own keeps it)."""
        for name, value in SECURITY_HEADERS:
            response.headers.setdefault(name, value)
        return response

    def page_deadline(self) -> float:
        """When this request's page queries must be done: ``sparql_timeout`` after its first."""
        limit = float(self.views.state.settings["sparql_timeout"])
        if not has_request_context():
            return time.monotonic() + limit
        if "pios_page_deadline" not in g:
            g.pios_page_deadline = time.monotonic() + limit
        return g.pios_page_deadline

    def lang(self) -> str:
        return i18n.choose(request.args.get("lang"), request.cookies.get("lang"))

    def t(self, text: str) -> str:
        if self.lang() == "sv":
            return STRINGS.get(text, text)
        return ENGLISH.get(text, text)

    def wants_json(self) -> bool:
        if request.path.endswith(".json") or request.args.get("format") == "json":
            return True
        return negotiate.wants_json(request.headers.get("Accept"))

    def render(self, template: str, data: Any, status: int = 200, **context: Any) -> Response:
        if self.wants_json():
            response = jsonify(data)
            response.status_code = status
            return response
        lang = self.lang()
        html = render_template(template, t=self.t, lang=lang, data=data, views=self.views,
                               when=lambda v: when(v, lang),
                               amount=lambda v, c="SEK": amount(v, lang, c),
                               number=lambda v: number(v, lang),
                               status=lambda v: crawl_status(v, lang),
                               json_url=self.json_url(), lang_url=self.lang_url, **context)
        response = Response(html, status=status, mimetype="text/html")
        if request.args.get("lang") in ("sv", "en"):
            response.set_cookie("lang", lang, max_age=365 * 86400, samesite="Lax")
        response.vary.add("Accept")
        return response

    @staticmethod
    def _path() -> str:
        """The request's path as a link on this site (``//host`` or ``/\\host`` would leave it)."""
        return "/" + request.path.lstrip("/\\")

    def json_url(self) -> str:
        path = self._path().rstrip("/")
        path = (path or "/index") + ".json"
        return path + (("?" + request.query_string.decode()) if request.query_string else "")

    def lang_url(self, lang: str) -> str:
        args = request.args.to_dict()
        args["lang"] = lang
        return self._path() + "?" + urlencode(args)

    @staticmethod
    def table_from_json(body: bytes) -> dict[str, Any]:
        data = json.loads(body)
        if "boolean" in data:
            return {"vars": ["boolean"], "rows": [[{"type": "literal",
                                                    "value": str(data["boolean"]).lower()}]]}
        names = data["head"]["vars"]
        rows = [[b.get(v) for v in names] for b in data["results"]["bindings"]]
        return {"vars": names, "rows": rows}
