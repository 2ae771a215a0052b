"""What the web pages show, as plain data (each page's JSON twin is exactly this).

Everything is read from the writer's store in-process with small SPARQL queries over the national
graph's default graph (the union of the node graphs and the reference data), an initiative's
versions from the history dataset; results are cached until the store changes. Organisations'
kind and county come from :mod:`pios_ld.organizations`.

Every query is a constant string (the module's upper-case names); what a visitor typed or a node
published reaches a query only as a term bound with pyoxigraph's ``substitutions``, so no text of
theirs is ever parsed as SPARQL. A value that cannot be a term (an ``iri=`` that is no IRI) finds
nothing.
"""

from __future__ import annotations

import itertools
import logging
import re
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Any, TypeVar

import pyoxigraph as ox
from pios_ld.aggregator.records import AGG
from pios_ld.aggregator.store import HISTORY_DATASET, NATIONAL

from pios_ld import organizations
from pios_ld.errors import QueryTimeout
from pios_ld.i18n import pick
from pios_ld.terms import remember

T = TypeVar("T")
log = logging.getLogger("pios_ld.aggregator.pages")

P = f"""PREFIX pios: <https://w3id.org/pios/vocab#>
PREFIX dct: <http://purl.org/dc/terms/>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX schema: <https://schema.org/>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX vcard: <http://www.w3.org/2006/vcard/ns#>
PREFIX agg: <{AGG}>
"""
PHASE = "https://w3id.org/pios/concept/phase/"
THEME = "https://w3id.org/pios/concept/theme/"
KINDS = (organizations.MUNICIPALITY, organizations.REGION, organizations.AGENCY)
PAGE_SIZE = 50
#: page-query runs kept for the store's current state (their answers serve the next visitors)
RUNS_KEPT = 1024

# -- the queries ---------------------------------------------------------------------------------
# Constant text; a value a visitor or a node supplied arrives as a bound variable (pyoxigraph's
# ``substitutions``; a substituted variable must be in the projection). Each condition is a list
# of initiatives of its own (``{ SELECT ?i ?p WHERE { ?i pios:phase ?p } }``), which lets
# pyoxigraph join them by hashing instead of looking each initiative up in turn.
#: Every initiative, as a list of its own.
INITIATIVES = "{ SELECT ?i WHERE { ?i a pios:Initiative } }"
LABELS = ("SELECT ?c ?l (LANG(?l) AS ?lang) WHERE { { ?c skos:inScheme ?s } UNION "
          "{ ?c skos:topConceptOf ?s } ?c skos:prefLabel ?l }")
BROADER = ("SELECT ?c ?b WHERE { ?c skos:broader ?b ; skos:inScheme "
           "<https://w3id.org/pios/concept/phase> }")
PER_ORG = ("SELECT ?o (COUNT(?i) AS ?n) WHERE { " + INITIATIVES + " { SELECT ?i ?o WHERE { "
           "?i pios:responsibleOrganization ?o } } } GROUP BY ?o")
PER_PHASE = ("SELECT ?p (COUNT(?i) AS ?n) WHERE { " + INITIATIVES + " { SELECT ?i ?p WHERE { "
             "?i pios:phase ?p } } } GROUP BY ?p ORDER BY DESC(?n)")
PER_THEME = ("SELECT ?t (COUNT(?i) AS ?n) WHERE { " + INITIATIVES + " { SELECT ?i ?t WHERE { "
             "?i pios:theme ?t } } } GROUP BY ?t ORDER BY DESC(?n)")
MONEY = ("SELECT (SUM(?b) AS ?budget) (COUNT(?b) AS ?n) WHERE { " + INITIATIVES + " { SELECT ?i "
         "?a WHERE { ?i pios:budget ?a } } { SELECT ?a ?b WHERE { ?a schema:value ?b } } }")
#: The search's conditions, by the filter that asks for them (``?needle`` is lower case).
SEARCH_BLOCKS = {
    "q": ("{ SELECT DISTINCT ?i ?needle WHERE { { ?i dct:title ?text } UNION "
          "{ ?i dct:description ?text } FILTER(CONTAINS(LCASE(STR(?text)), ?needle)) } }"),
    "phase": "{ SELECT ?i ?phase WHERE { ?i pios:phase ?phase } }",
    "theme": "{ SELECT ?i ?theme WHERE { ?i pios:theme ?theme } }",
    "kind": "{ SELECT ?o ?kind WHERE { ?o pios:organizationType ?kind } }",
}
#: The variable each filter binds (``org`` binds the organisation itself).
SEARCH_VARIABLES = {"q": "needle", "phase": "phase", "theme": "theme", "kind": "kind",
                    "org": "o"}
ORGANIZATION_TYPE = "https://w3id.org/pios/concept/organization-type/"


def _search_body(filters: list[str]) -> str:
    """The pattern of a search with *filters*."""
    blocks = " ".join(SEARCH_BLOCKS[f] for f in filters if f in SEARCH_BLOCKS)
    return ("{ { SELECT ?i ?o WHERE { ?i pios:responsibleOrganization ?o } } " + blocks
            + " { SELECT ?i ?modified WHERE { ?i dct:modified ?modified } } }")


def search_query(filters: list[str]) -> str:
    """The search for *filters* (keys of :data:`SEARCH_VARIABLES`): the matching initiatives with
    their organisation, newest change first. Only constant text is joined, never a value."""
    bound = "".join(f" ?{SEARCH_VARIABLES[f]}" for f in filters if f != "org")
    return ("SELECT DISTINCT ?i ?o ?modified" + bound + " WHERE " + _search_body(filters)
            + " ORDER BY DESC(?modified) ?i")


def search_count(filters: list[str]) -> str:
    """How many initiatives the search for *filters* finds (no row when none)."""
    bound = "".join(f" ?{SEARCH_VARIABLES[f]}" for f in filters)
    return ("SELECT (COUNT(DISTINCT ?i) AS ?n)" + bound + " WHERE " + _search_body(filters)
            + ((" GROUP BY" + bound) if bound else ""))


LISTED = ("SELECT ?i ?title (LANG(?title) AS ?lang) ?o ?p ?stale WHERE { ?i dct:title ?title ; "
          "pios:responsibleOrganization ?o ; pios:phase ?p . OPTIONAL { ?i agg:stale ?stale } }")
PROPERTIES = "SELECT ?s ?p ?o (LANG(?o) AS ?lang) WHERE { ?s ?p ?o }"
#: An amount (``?a``, a budget's or a spend's node), looked up from the node itself: with the
#: initiative bound instead, pyoxigraph would scan every ``schema:value`` first.
AMOUNT = "SELECT ?a ?v ?c WHERE { ?a schema:value ?v OPTIONAL { ?a schema:currency ?c } }"
#: A contact point's mailbox, looked up from the contact point (as :data:`AMOUNT`).
CONTACT = "SELECT ?c ?email WHERE { ?c vcard:hasEmail ?email }"
HISTORY = ("SELECT ?s ?v ?when ?phase ?title ?deleted WHERE { ?v dct:isVersionOf ?s ; "
           "prov:generatedAtTime ?when . OPTIONAL { ?v pios:phase ?phase } "
           "OPTIONAL { ?v dct:title ?title FILTER(LANG(?title) = 'sv') } "
           "BIND(EXISTS { ?v a <https://www.w3.org/ns/activitystreams#Delete> } AS ?deleted) } "
           "ORDER BY ?when")
REUSES = ("SELECT ?s ?r ?title WHERE { ?s pios:reuses ?r . OPTIONAL { ?r dct:title ?title "
          "FILTER(LANG(?title) = 'sv') } }")
STATUS_UPDATES = ("SELECT ?s ?date ?phase ?health ?summary WHERE { ?s pios:hasStatusUpdate ?u . "
                  "OPTIONAL { ?u dct:date ?date } OPTIONAL { ?u pios:phase ?phase } "
                  "OPTIONAL { ?u pios:health ?health } OPTIONAL { ?u pios:summary ?summary } } "
                  "ORDER BY DESC(?date)")


def _found(solutions) -> list[tuple[str, str, str]]:
    """A search's solutions as (initiative, modified, organisation)."""
    return [(s["i"].value, s["modified"].value, s["o"].value) for s in solutions]


def _plain_rows(result: ox.QuerySolutions) -> list[dict[str, Any]]:
    names = [v.value for v in result.variables]
    return [{n: _v(s[n]) for n in names} for s in result]


def _v(term) -> Any:
    if term is None:
        return None
    if isinstance(term, ox.Literal):
        dt = term.datatype.value if term.datatype else ""
        if dt.endswith(("#integer", "#int", "#long")):
            return int(term.value)
        if dt.endswith(("#decimal", "#double", "#float")):
            return float(term.value)
        if dt.endswith("#boolean"):
            return term.value == "true"
    return term.value


def code(iri: str | None) -> str | None:
    return iri.rsplit("/", 1)[-1] if iri else None


def iri_term(text: str) -> ox.NamedNode | None:
    """*text* as an IRI to bind, or None when it is not an IRI at all (no such thing to find)."""
    try:
        return ox.NamedNode(text)
    except ValueError:
        return None


class Views:
    def __init__(self, state, deadline: Callable[[], float] | None = None) -> None:
        """*deadline*: when the current request's page queries must be done (a
        :func:`time.monotonic` instant); without it each query gets ``sparql_timeout``."""
        self.state = state
        self.deadline = deadline
        self._cache: dict[Any, Any] = {}
        self._cache_key = None
        self._lock = threading.Lock()
        #: the page queries' runs (running or done) for the store's current state, by query
        self._runs: dict[tuple, Future] = {}

    # -- plumbing ----------------------------------------------------------------------------
    def answer(self, query: str, take: Callable[[ox.QuerySolutions], T],
               dataset: str = NATIONAL, part: tuple = (),
               **bound: ox.NamedNode | ox.Literal) -> T:
        """``take(solutions)`` of the constant *query*, each variable in *bound* set to its term
        (a substituted variable must be in the query's projection); *part* names what of the
        solutions *take* reads when that depends on more than its name (a page's range).

        The query runs, and *take* reads its solutions, in the application's page-query threads
        (pyoxigraph's results belong to the thread that made them); the page waits for it until
        its deadline (``sparql_timeout`` after the request began, as ``/sparql`` waits). Past it
        the page answers ``503`` (:class:`~pios_ld.errors.QueryTimeout`) and the query, which
        pyoxigraph cannot stop, finishes in its thread; the same query asked meanwhile waits for
        that run, and its answer serves later visitors until the store changes (a slow query
        runs once, not once per visitor); at most
        ``PAGE_QUERY_THREADS`` run."""
        substitutions = {ox.Variable(name): term for name, term in bound.items()}
        store = self.state.store

        def run() -> T:
            solutions = store.query(P + query, dataset=dataset, substitutions=substitutions)
            try:
                return take(solutions)
            except Exception as exc:
                # kept in the future, a traceback would hold the solutions (take's frame) past
                # this thread, and pyoxigraph's results must be let go in the thread that made them
                raise exc.with_traceback(None) from None
            finally:
                del solutions

        threads = getattr(self.state, "page_queries", None)
        if threads is None:  # no application around it (a script or a test of the views)
            return run()
        # one run of a query per state of the store: a visitor who asks while it runs (also
        # after an earlier visitor's page gave up waiting) waits for that run, and once it is
        # done its answer serves the next visitors until the store changes
        key = (query, dataset, tuple(sorted((k, str(v)) for k, v in bound.items())),
               getattr(take, "__qualname__", id(take)), part, store.writes)
        with self._lock:
            future = self._runs.get(key)
            started = future is None
            if started:
                future = remember(self._runs, key, threads.submit(run), RUNS_KEPT)
        if started:  # outside the lock: a run already done calls back at once, in this thread
            future.add_done_callback(lambda done: self._forget_failed(key, done))
        try:
            found = future.result(timeout=max(0.0, self._deadline() - time.monotonic()))
        except FutureTimeout:
            self.state.monitor.page_timeouts.inc()
            limit = self.state.settings["sparql_timeout"]
            log.warning("a page's query ran past sparql_timeout (%ss): %s", limit,
                        " ".join(query.split())[:200])
            raise QueryTimeout(
                f"The page's data took longer than {limit:g} s to gather; try again shortly.",
                f"Sidans uppgifter tog längre tid än {limit:g} s att hämta; försök igen strax."
            ) from None
        return list(found) if isinstance(found, list) else found  # a kept list: a copy each

    def _forget_failed(self, key: tuple, done: Future) -> None:
        """A run that failed is not kept: the next visitor tries again."""
        if done.cancelled() or done.exception() is not None:
            with self._lock:
                if self._runs.get(key) is done:
                    del self._runs[key]

    def _deadline(self) -> float:
        """When the current page's queries must be done (one budget for all of them)."""
        if self.deadline is not None:
            return self.deadline()
        return time.monotonic() + float(self.state.settings["sparql_timeout"])

    def rows(self, query: str, dataset: str = NATIONAL,
             **bound: ox.NamedNode | ox.Literal) -> list[dict[str, Any]]:
        """The solutions of the constant *query* as dictionaries of plain values."""
        return self.answer(query, _plain_rows, dataset, **bound)

    def cached(self, key: Any, make):
        with self._lock:
            if self._cache_key != self.state.store.writes:
                self._cache = {}
                self._cache_key = self.state.store.writes
            if key in self._cache:
                return self._cache[key]
        value = make()
        with self._lock:
            self._cache[key] = value
        return value

    def labels(self) -> dict[str, dict[str, str]]:
        """Concept IRI → {"sv": label, "en": label}."""
        def make():
            out: dict[str, dict[str, str]] = defaultdict(dict)
            for r in self.rows(LABELS):
                out[r["c"]][r["lang"]] = r["l"]
            return dict(out)
        return self.cached("labels", make)

    def label(self, iri: str | None, lang: str) -> str:
        if not iri:
            return ""
        found = self.labels().get(iri, {})
        return pick(found, lang, code(iri) or iri)

    def broader(self) -> dict[str, str]:
        def make():
            return {r["c"]: r["b"] for r in self.rows(BROADER)}
        return self.cached("broader", make)

    # -- pages -------------------------------------------------------------------------------
    def per_org(self) -> dict[str, int]:
        return self.cached("per_org", lambda: {r["o"]: r["n"] for r in self.rows(PER_ORG)})

    def overview(self, lang: str) -> dict[str, Any]:
        def make():
            return self.rows(PER_PHASE), self.rows(PER_THEME), self.rows(MONEY)
        phases, themes, money = self.cached("overview", make)
        per_org = self.per_org()
        orgs = organizations.load()
        by_kind: Counter = Counter()
        by_county: Counter = Counter()
        coverage_kind: dict[str, dict[str, int]] = {k: {"total": 0, "publishing": 0} for k in KINDS}
        coverage_county: dict[str, dict[str, Any]] = {}
        silent: dict[str, list[dict[str, str]]] = defaultdict(list)
        for org in orgs:
            count = per_org.get(org.iri, 0)
            for kind in org.kinds:
                coverage_kind[kind]["total"] += 1
                coverage_kind[kind]["publishing"] += 1 if count else 0
                by_kind[kind] += count
            county = org.county_name or ("Statliga myndigheter" if lang == "sv"
                                         else "National agencies")
            entry = coverage_county.setdefault(county, {"county": county, "total": 0,
                                                        "publishing": 0, "initiatives": 0})
            entry["total"] += 1
            entry["publishing"] += 1 if count else 0
            entry["initiatives"] += count
            if org.county_name:
                by_county[org.county_name] += count
            if not count:
                silent[county].append({"name": org.name, "iri": org.iri, "kind": org.kind})
        states: Counter = Counter()
        broader = self.broader()
        for r in phases:
            states[broader.get(r["p"], r["p"])] += r["n"]
        total = sum(per_org.values())
        return {
            "initiatives": total,
            "organisations": len(orgs),
            "publishing": sum(1 for o in orgs if per_org.get(o.iri)),
            "nodes": len(self.state.instance.registry.nodes()),
            # None when no initiative states a budget (a reader sees "not stated", not 0 kr)
            "budget": money[0]["budget"] if money and money[0]["n"] else None,
            "budgetCount": money[0]["n"] if money else 0,
            "byState": [{"iri": k, "label": self.label(k, lang), "count": v}
                        for k, v in states.most_common()],
            "byPhase": [{"iri": r["p"], "code": code(r["p"]), "label": self.label(r["p"], lang),
                         "count": r["n"]} for r in phases],
            "byTheme": [{"iri": r["t"], "code": code(r["t"]), "label": self.label(r["t"], lang),
                         "count": r["n"]} for r in themes],
            "byKind": [{"kind": k, "count": by_kind[k]} for k in KINDS],
            "byCounty": [{"county": c, "count": n} for c, n in sorted(by_county.items())],
            "coverageByKind": [{"kind": k, **v} for k, v in coverage_kind.items()],
            "coverageByCounty": sorted(coverage_county.values(), key=lambda e: e["county"]),
            "notPublishing": {c: sorted(v, key=lambda o: o["name"])
                              for c, v in sorted(silent.items())},
        }

    def search(self, lang: str, q: str = "", phase: str = "", theme: str = "", org: str = "",
               county: str = "", kind: str = "", page: int = 1,
               page_size: int | None = PAGE_SIZE) -> dict[str, Any]:
        """The initiatives the filters find, newest change first: *page* of *page_size* items,
        or every item on one page when *page_size* is None (the CSV download)."""
        nothing = {"total": 0, "page": 1, "pages": 1, "items": []}
        bound: dict[str, ox.NamedNode | ox.Literal] = {}
        if q:
            bound["needle"] = ox.Literal(q.lower())
        for name, value, scheme in (("phase", phase, PHASE), ("theme", theme, THEME),
                                    ("o", org, "")):
            if value:
                term = iri_term(scheme + value)
                if term is None:
                    return nothing
                bound[name] = term
        if kind:
            if kind not in KINDS:
                return nothing
            bound["kind"] = ox.NamedNode(ORGANIZATION_TYPE + kind)
        filters = [f for f, v in SEARCH_VARIABLES.items() if v in bound]
        query = search_query(filters)
        if county or page_size is None:
            # the county is not in the graph: the rows are filtered here
            wanted = ({o.iri for o in organizations.load() if o.county_name == county}
                      if county else None)
            matches = [(i, modified) for i, modified, o in self.answer(query, _found, **bound)
                       if wanted is None or o in wanted]
            total = len(matches)
        else:
            counted = self.rows(search_count(filters), **bound)
            total = counted[0]["n"] if counted else 0
        size = page_size or max(1, total)
        pages = max(1, -(-total // size))
        page = min(max(1, page), pages)
        start = (page - 1) * size
        if county or page_size is None:
            chosen = matches[start:start + size]
        else:  # only the rows up to the page become Python objects
            chosen = [(i, modified) for i, modified, _ in self.answer(
                query, lambda found: _found(itertools.islice(found, start, start + size)),
                part=(start, size), **bound)]
        # every row at once: the listed facts of all initiatives in one query, not one each
        listed = self._listed() if page_size is None else None
        items = []
        for iri, modified in chosen:
            if listed is not None:
                titles, entry = listed.get(iri, ({}, {}))
            else:
                titles, entry = _listing(self.rows(LISTED, i=ox.NamedNode(iri))).get(
                    iri, ({}, {}))
            title = pick(titles, lang, iri)
            o = organizations.by_iri(entry.get("org", ""))
            items.append({"iri": iri, "title": title, "organization": entry.get("org"),
                          "organizationName": o.name if o else entry.get("org"),
                          "phase": code(entry.get("phase")),
                          "phaseLabel": self.label(entry.get("phase"), lang),
                          "modified": modified, "stale": bool(entry.get("stale"))})
        return {"total": total, "page": page, "pages": pages, "items": items}

    def _listed(self) -> dict[str, tuple[dict[str, str], dict[str, Any]]]:
        """:func:`_listing` of every initiative (one query, once per store change)."""
        return self.cached("listed", lambda: _listing(self.rows(LISTED)))

    def initiative(self, iri: str, lang: str) -> dict[str, Any] | None:
        """The data of an initiative's page, or None when the national graph has no such
        initiative: its statements (:data:`PROPERTIES`), its amounts and contact points, its
        status updates, versions (the history dataset) and reuses, each a query of its own."""
        subject = iri_term(iri)
        if subject is None:
            return None
        props = self.rows(PROPERTIES, s=subject)
        if not props:
            return None
        record = _Record(props, lang)
        amounts = self._amounts(record)
        contacts = self._contacts(record)
        history = self.rows(HISTORY, dataset=HISTORY_DATASET, s=subject)
        reuses = self.rows(REUSES, s=subject)
        status_updates = self.rows(STATUS_UPDATES, s=subject)
        return {
            "iri": iri,
            **_description(record, contacts),
            **_organization(record),
            **self._classification(record, lang),
            **_dates_and_money(record, amounts),
            **_links(record),
            **self._changes(status_updates, history, reuses, lang),
        }

    def _amounts(self, record: _Record) -> dict[str, dict[str, Any]]:
        """The budget's and the spend's :data:`AMOUNT` row, by property (when stated)."""
        amounts = {}
        for prop in (P_PIOS + "budget", P_PIOS + "spentToDate"):
            for v in record.fields.get(prop, []):
                node = iri_term(v["value"])
                found = self.rows(AMOUNT, a=node) if node is not None else []
                if found:
                    amounts[prop] = found[0]
        return amounts

    def _contacts(self, record: _Record) -> list[str]:
        """The mailboxes of the contact points (:data:`CONTACT`)."""
        contacts = []
        for v in record.fields.get(DCAT + "contactPoint", []):
            node = iri_term(v["value"])
            for r in (self.rows(CONTACT, c=node) if node is not None else []):
                contacts.append(r["email"])
        return contacts

    def _classification(self, record: _Record, lang: str) -> dict[str, Any]:
        """The phase and the themes, with their labels in *lang*."""
        phase = record.text(P_PIOS + "phase")
        return {
            "phase": code(phase), "phaseLabel": self.label(phase, lang),
            "themes": [{"code": code(t), "label": self.label(t, lang)}
                       for t in record.iris(P_PIOS + "theme")],
        }

    def _changes(self, status_updates: list[dict[str, Any]], history: list[dict[str, Any]],
                 reuses: list[dict[str, Any]], lang: str) -> dict[str, Any]:
        """The status updates (newest first), the versions (oldest first) and what it reuses."""
        return {
            "statusUpdates": [{**r, "phaseLabel": self.label(r["phase"], lang),
                               "health": self.label(r["health"], lang) if r["health"] else None}
                              for r in status_updates],
            "history": [{"version": r["v"], "time": r["when"], "phase": code(r["phase"]),
                         "phaseLabel": self.label(r["phase"], lang) if r["phase"] else "",
                         "title": r["title"], "deleted": bool(r["deleted"])} for r in history],
            "reuses": [{"iri": r["r"], "title": r["title"]} for r in reuses],
        }


class _Record:
    """An initiative's statements (:data:`PROPERTIES` rows) by property, read for a page in
    *lang*."""

    def __init__(self, props: list[dict[str, Any]], lang: str) -> None:
        self.lang = lang
        self.fields: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for r in props:
            self.fields[r["p"]].append({"value": r["o"], "lang": r["lang"] or None})

    def text(self, prop: str) -> Any:
        """The value of *prop* in the page's language, else Swedish, English, untagged, any."""
        values = self.fields.get(prop, [])
        for want in (self.lang, "sv", "en", None):
            for v in values:
                if v["lang"] == want:
                    return v["value"]
        return values[0]["value"] if values else None

    def iris(self, prop: str) -> list[str]:
        return [v["value"] for v in self.fields.get(prop, [])]

    def keywords(self) -> list[str]:
        """The keywords in the page's language, else the Swedish ones, else all."""
        every = self.fields.get(DCAT + "keyword", [])
        chosen = ([v for v in every if v["lang"] == self.lang]
                  or [v for v in every if v["lang"] == "sv"] or every)
        return [v["value"] for v in chosen]


def _description(record: _Record, contacts: list[str]) -> dict[str, Any]:
    """What the initiative is: its texts and its contact mailboxes."""
    text = record.text
    return {
        "title": text(DCT + "title"), "description": text(DCT + "description"),
        "goal": text(P_PIOS + "goal"), "problemStatement": text(P_PIOS + "problemStatement"),
        "expectedBenefit": text(P_PIOS + "expectedBenefit"),
        "contacts": [{"email": e, "address": e.removeprefix("mailto:")} for e in contacts],
        "created": text(DCT + "created"),
        "publiccode": text(P_PIOS + "publiccodeYml"),
        "lessonsLearned": text(P_PIOS + "lessonsLearned"),
    }


def _organization(record: _Record) -> dict[str, Any]:
    """The responsible organisation, its name and county (from the reference organisations)."""
    org_iri = record.text(P_PIOS + "responsibleOrganization")
    org = organizations.by_iri(org_iri or "")
    return {"organization": org_iri, "organizationName": org.name if org else org_iri,
            "county": org.county_name if org else None}


def _dates_and_money(record: _Record, amounts: dict[str, dict[str, Any]]) -> dict[str, Any]:
    text = record.text
    return {
        "startDate": text(P_PIOS + "startDate"), "endDate": text(P_PIOS + "endDate"),
        "plannedEndDate": text(P_PIOS + "plannedEndDate"),
        "modified": text(DCT + "modified"),
        "budget": _amount(amounts.get(P_PIOS + "budget")),
        "spentToDate": _amount(amounts.get(P_PIOS + "spentToDate")),
    }


def _links(record: _Record) -> dict[str, Any]:
    """Its partners, code, landing page, openness, keywords, and whether it is stale."""
    text = record.text
    return {
        "participants": [{"iri": p, "name": (organizations.by_iri(p).name
                                             if organizations.by_iri(p) else p)}
                         for p in record.iris(P_PIOS + "participant")],
        "codeRepository": text(P_PIOS + "codeRepository"),
        "landingPage": text(DCAT + "landingPage"),
        # True, False, or None when the publisher did not say
        "openForCollaboration": {True: True, "true": True, False: False, "false": False}.get(
            text(P_PIOS + "openForCollaboration")),
        "keywords": record.keywords(),
        "stale": text(AGG + "stale") in (True, "true"),
    }


def _listing(rows: list[dict[str, Any]]) -> dict[str, tuple[dict[str, str], dict[str, Any]]]:
    """:data:`LISTED`'s rows by initiative: its titles by language, and its organisation,
    phase and whether it is stale."""
    out: dict[str, tuple[dict[str, str], dict[str, Any]]] = {}
    for r in rows:
        titles, entry = out.setdefault(r["i"], ({}, {}))
        titles[r["lang"] or ""] = r["title"]
        entry.update(org=r["o"], phase=r["p"], stale=entry.get("stale") or bool(r["stale"]))
    return out


P_PIOS = "https://w3id.org/pios/vocab#"
DCT = "http://purl.org/dc/terms/"
DCAT = "http://www.w3.org/ns/dcat#"


def _amount(row: dict | None) -> dict | None:
    if not row:
        return None
    return {"value": row["v"], "currency": code(row["c"]) if row["c"] else "SEK"}



# -- a node's publisher page ---------------------------------------------------------------------
#: What a crawl's status means to a reader, in Swedish and English.
CRAWL_STATUS = {
    "updated": ("uppdaterad", "updated"),
    "unchanged": ("oförändrad", "unchanged"),
    "failed": ("misslyckades", "failed"),
    "refused": ("avvisad", "refused"),
}
#: Which document a problem is about, by how the message starts or the problem's kind.
DOCUMENTS = {
    "catalog": ("Katalogen", "The catalog"),
    "catalog-page": ("Katalogsidan", "The catalog page"),
    "feed-page": ("Flödessidan", "The feed page"),
}
_URL = re.compile(r"https?://[^\s,;]+[^\s,;.]")
_HTTP = re.compile(r"^The (catalog|catalog page|feed page) \S+ answered "
                   r"HTTP (?P<status>\d+)\.$")
_NOT_JSON = re.compile(r"^Not valid JSON: (?P<detail>.*) at line (?P<line>\d+), "
                       r"column (?P<column>\d+)\.$", re.S)
_NOT_FORMAT = re.compile(r"^Not valid (?P<format>[\w-]+): (?P<detail>.*)$", re.S)


def crawl_status(status: str | None, lang: str) -> str | None:
    """A crawl status (``updated``, ``failed``, …) in *lang*; None stays None."""
    if not status:
        return None
    sv, en = CRAWL_STATUS.get(status, (status, status))
    return en if lang == "en" else sv


def explain(problem: dict[str, Any], feed_page: str | None, lang: str) -> dict[str, Any]:
    """A crawl error (a :class:`records.Problem` as a dict) as a reader needs it: which document
    (``document``: catalog, catalog-page or feed-page; ``url``), why (``reason``, a whole sentence
    in *lang*; ``predicate``, the same without the document's name and URL, when the message is
    one this page knows) and, when the reason came from a parser that speaks only English, its
    own words (``technical``, English). The URL is the one the message names, else the feed page
    the crawl read (``feed_page``) or the problem's subject."""
    message_en = problem.get("message_en") or ""
    message = (problem.get("message_sv") if lang == "sv" else message_en) or message_en
    named = _URL.search(message_en)
    if problem.get("kind") == "feed":
        document = "feed-page"
        url = named.group(0) if named else (feed_page or problem.get("subject"))
    else:
        document = "catalog-page" if message_en.startswith("The catalog page") else "catalog"
        url = named.group(0) if named else problem.get("subject")
    sv = lang == "sv"
    technical = predicate = None
    if found := _HTTP.match(message_en):
        predicate = (f"svarade HTTP {found['status']}." if sv else
                     f"answered HTTP {found['status']}.")
    elif found := _NOT_JSON.match(message_en):
        technical = found["detail"]
        predicate = (f"är inte giltig JSON (fel på rad {found['line']}, kolumn "
                     f"{found['column']})." if sv else
                     f"is not valid JSON (error at line {found['line']}, column "
                     f"{found['column']}).")
    elif found := _NOT_FORMAT.match(message_en):
        technical = found["detail"]
        predicate = (f"kan inte läsas som {found['format']}." if sv else
                     f"cannot be read as {found['format']}.")
    name = DOCUMENTS[document][0 if sv else 1]
    reason = f"{name} {url} {predicate}" if predicate else f"{name} {url}: {message}"
    return {"document": document, "url": url, "reason": reason, "predicate": predicate,
            "message": message, "technical": technical, "kind": problem.get("kind")}


def publisher(node: dict[str, Any], crawls: list[dict[str, Any]], lang: str) -> dict[str, Any]:
    """The data of a node's publisher page: the node (``Node.as_dict()``), its recent *crawls*
    (newest first) and what a reader needs to know: ``latest`` (the newest crawl that changed or
    failed), ``failing`` (the node's last crawl failed or was refused), ``problems`` (the latest
    crawl's errors, explained by :func:`explain`), ``lastGoodAt`` and ``held`` (a catalog held
    back from the national graph, or None)."""
    state = node.get("state") or {}
    feed_page = state.get("feed_page")
    latest = next((c for c in crawls if c["status"] in ("updated", "refused", "failed")), None)
    for crawl in crawls:
        crawl["statusLabel"] = crawl_status(crawl["status"], lang)
        crawl["problems"] = [explain(p, feed_page, lang)
                             for p in crawl["detail"].get("errors", [])]
    problems = latest["problems"] if latest else []
    failing = state.get("last_status") in ("failed", "refused")
    held = None
    if state.get("held_count"):
        held = {"count": state["held_count"], "since": state.get("held_since"),
                "listed": state.get("held_listed"), "previous": state.get("held_previous")}
    detail = latest["detail"] if latest else {}
    clean = not (failing or problems or detail.get("quarantined") or detail.get("dropped")
                 or held)
    return {**node, "crawls": crawls, "latest": latest, "failing": failing,
            "problems": problems, "clean": clean,
            "statusLabel": crawl_status(state.get("last_status"), lang),
            "lastGoodAt": state.get("last_good_at"), "held": held}
