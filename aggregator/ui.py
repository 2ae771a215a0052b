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
    "By organisation type": "Per organisationstyp",
    "Coverage": "Täckning",
    "Coverage by organisation type": "Täckning per organisationstyp",
    "Coverage by county": "Täckning per län",
    "Organisations that do not publish yet": "Organisationer som ännu inte publicerar",
    "County": "Län",
    "Publishing": "Publicerar",
    "Share": "Andel",
    "Kind": "Typ",
    "Count": "Antal",
    "Search": "Sök",
    "Search initiatives": "Sök initiativ",
    "Free text": "Fritext",
    "Phase": "Fas",
    "Theme": "Område",
    "Organisation": "Organisation",
    "Organisation type": "Organisationstyp",
    "All": "Alla",
    "Title": "Titel",
    "Last changed": "Senast ändrat",
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
    "Problem to solve": "Problem som ska lösas",
    "Lessons learned": "Lärdomar",
    "Budget": "Budget",
    "Spent to date": "Förbrukat hittills",
    "Start date": "Startdatum",
    "Planned end date": "Planerat slutdatum",
    "End date": "Slutdatum",
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
    "Machine-readable": "Maskinläsbart",
    "Stale": "Inaktuella",
    "Not crawled yet": "Inte genomsökt ännu",
    "Show": "Visa",
    "never": "aldrig",
    "Message": "Meddelande",
    "Value": "Värde",
    "Field": "Fält",
    "Record": "Post",
    "Initiatives per county": "Initiativ per län",
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
    # _macros.html
    "table": "tabell",
    # base.html
    "national view": "nationell översikt",
    "Main menu": "Huvudmeny",
    # initiative.html
    "since": "sedan",
    "The solution's spread: adopters by county and over time":
        "Spridningen av lösningen: återanvändare per län och över tid",
    # initiatives.html
    "all": "alla",
    # node.html
    "Download the problems": "Ladda ner problemen",
    # overview.html
    "how initiatives move from planned to ongoing to completed, per quarter or month, "
    "nationally and per county.":
        "hur initiativen rör sig från planerat till pågående till avslutat, per kvartal eller "
        "månad, i landet och per län.",
    "How to cite": "Så citerar du",
    "Also give the date you retrieved the data: the graph changes every day.":
        "Ange också när du hämtade uppgifterna: grafen ändras varje dag.",
    "The dataset's description (DCAT-AP-SE)": "Datamängdens beskrivning (DCAT-AP-SE)",
    # progress.html
    "How initiatives move from planned to ongoing to completed, from the history: every version "
    "the nodes have published. The time is when the node published the version.":
        "Hur initiativen rör sig från planerat till pågående till avslutat, ur historiken: "
        "varje version som noderna har publicerat. Tiden är när noden publicerade versionen.",
    "The history is empty here so far: it fills as the aggregator reads the nodes' feeds. After "
    "the next crawl (pios aggregator crawl) the figures are here.":
        "Historiken är tom här ännu: den fylls när aggregatorn har läst nodernas flöden. Efter "
        "nästa insamling (pios aggregator crawl) finns siffrorna här.",
    "see the table beside it": "se tabellen bredvid",
    "No phase changes yet: every initiative has one phase in the history.":
        "Inga fasbyten ännu: varje initiativ har bara en fas i historiken.",
    "Days from entering the phase until leaving it, over the stays that have ended. Still "
    "there: initiatives in the phase now (their time is not known yet).":
        "Dagar från att initiativet kom in i fasen tills det lämnade den, över de perioder som "
        "har tagit slut. Pågår: initiativ som är kvar i fasen nu (deras tid är inte känd ännu).",
    "Initiatives not completed whose latest version is more than a year old.":
        "Initiativ som inte är avslutade och vars senaste version är mer än ett år gammal.",
    "The": "De",
    "oldest of": "äldsta av",
    "None: every initiative not completed has been updated within the year.":
        "Inga: alla initiativ som inte är avslutade har uppdaterats det senaste året.",
    # reuse.html
    "Who builds on whom: initiatives that say they reuse another (pios:reuses, also when a "
    "publisher marked “We reuse this” on a similar initiative) and organisations that are "
    "partners in others' initiatives.":
        "Vem som bygger vidare på vem: initiativ som anger att de återanvänder ett annat "
        "(pios:reuses, också när en utgivare har markerat ”Vi återanvänder detta” vid ett "
        "liknande initiativ) och organisationer som är partner i andras initiativ.",
    "solutions several organisations reuse, over time":
        "lösningar som flera organisationer återanvänder, över tid",
    "The network, by solution": "Nätverket, per lösning",
    "Each solution with the organisations that build on it.":
        "Varje lösning med de organisationer som bygger vidare på den.",
    "The 200 most reused are shown; all of them are in the downloads below.":
        "De 200 mest återanvända visas; alla finns i nedladdningarna nedan.",
    "No initiative says yet that it reuses another. When a publisher fills in “Reuses” (or "
    "presses “We reuse this” on a similar initiative in the node's editor) it shows here after "
    "the next crawl.":
        "Inget initiativ anger ännu att det återanvänder ett annat. När en utgivare fyller i "
        "”Återanvänder” (eller trycker ”Vi återanvänder detta” vid ett liknande initiativ i "
        "nodens redigering) syns det här efter nästa insamling.",
    "the whole network": "hela nätverket",
    "organisations as nodes, reuse and partner links as edges (Gephi, Cytoscape, networkx)":
        "organisationer som noder, återanvändning och partnerskap som kanter (Gephi, Cytoscape, "
        "networkx)",
    "one row per link": "en rad per länk",
    # reuse_map.html
    "The spread of": "Spridningen av",
    "Each square is a county, roughly where it lies. The colour shows coverage: the share of "
    "the county's municipalities and region that publish. The figure below is how many of the "
    "county's organisations reuse":
        "Varje ruta är ett län, ungefär där det ligger. Färgen visar täckningen: hur stor del "
        "av länets kommuner och region som publicerar. Siffran under är hur många av länets "
        "organisationer som återanvänder",
    "the solution": "lösningen",
    "another's solution": "en annans lösning",
    # reuse_scaling.html
    "No solution is reused by several organisations yet. The solutions that are reused are in "
    "the reuse network.":
        "Ingen lösning återanvänds ännu av flera organisationer. De lösningar som återanvänds "
        "finns i återanvändningsnätverket.",
    "organisations in": "organisationer i",
    "counties": "län",
    "first": "först",
    "No reuse has a date in the history yet.":
        "Ingen återanvändning har ett datum i historiken ännu.",
    # reuse_solution.html
    "The initiative's page": "Initiativets sida",
    "No county (national agencies)": "Utan län (statliga myndigheter)",
    "own organisation": "egen organisation",
    "Organisations that take part in the initiative; the date is the first version that named "
    "them.":
        "Organisationer som deltar i initiativet; datumet är den första version som nämnde dem.",
    "Scaling follow-up": "Spridning av lösningar",
    # paragraphs with values (format) and markup between their parts
    "Solutions that at least %d other organisations reuse, and how they spread: how many "
    "organisations started reusing the solution per quarter, from the history (the first "
    "version in which the initiative said so). Reuse inside the solution's own organisation is "
    "not counted as spread.":
        "Lösningar som minst %d andra organisationer återanvänder, och hur de har spridits: hur "
        "många organisationer som har börjat återanvända lösningen per kvartal, ur historiken "
        "(den första version där initiativet angav det). Återanvändning inom den egna "
        "organisationen räknas inte som spridning.",
    "The latest catalog lists only %s of %s initiatives. Nothing has been deleted: the missing "
    "ones are removed only when the publisher confirms it (":
        "Den senaste katalogen listar bara %s av %s initiativ. Inget har tagits bort: de som "
        "saknas tas bort först när utgivaren bekräftar det (",
    ") or when several consecutive crawls find the same":
        ") eller när flera genomsökningar i rad visar samma sak",
    "held since": "kvarhållen sedan",
    "… and %s more.": "… och %s till.",
    "The %d most adopted of %d.": "De %d mest spridda av %d.",
    # the thousands separator of a count in a sentence (node.html)
    ",": " ",
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


#: Names of the codes the data carries, by code (an organisation's kind, a document the crawler
#: reads): data looked up by a code a page only knows at run time, a language map each, like the
#: node's field labels and the concepts' labels (what the English pages have always shown).
LABELS: dict[str, dict[str, dict[str, str]]] = {
    "kind": {
        "municipality": {"sv": "kommun", "en": "municipality"},
        "region": {"sv": "region", "en": "region"},
        "national-agency": {"sv": "statlig myndighet", "en": "national-agency"},
    },
    "document": {
        "catalog": {"sv": "Katalogen", "en": "The catalog"},
        "catalog-page": {"sv": "Katalogsidan", "en": "The catalog page"},
        "feed-page": {"sv": "Flödessidan", "en": "The feed page"},
    },
}


def label(scheme: str, code: str, lang: str) -> str:
    """The name of *code* in *scheme* (``kind``, ``document``) in *lang*; the code itself when it
    has none."""
    return i18n.pick(LABELS.get(scheme, {}).get(code), lang, code)


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
        """The interface string *text* (its English) in the request's language."""
        return i18n.translate(STRINGS, text, self.lang())

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
        html = render_template(template, t=lambda text: i18n.translate(STRINGS, text, lang),
                               label=lambda scheme, code: label(scheme, code, lang),
                               other_lang=i18n.other(lang), language_names=i18n.NAMES,
                               lang=lang, data=data, views=self.views,
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
