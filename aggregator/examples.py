"""Example SPARQL queries a researcher would ask of the aggregator (shown on the query page,
timed by ``benchmarks/queries.py``, documented in ``docs/sparql-examples.md``).

Each example names its dataset: ``national`` (``/sparql``: every node's current data and the
reference data, the default graph being the union of the node graphs) or ``history``
(``/sparql/history``: every version read from the feeds). They are written to answer in
milliseconds on the national graph with Oxigraph: aggregates are computed on IRIs in a subquery
and labelled afterwards; a property read for tens of thousands of initiatives gets a subquery of
its own, so that Oxigraph joins whole lists by hashing instead of looking each initiative up;
IRIs are compared with ``sameTerm`` (``!=`` reads their text) and amounts are ranked before the
initiatives that have them are sorted. Rankings break ties by IRI, so the same data always gives
the same rows (``benchmarks/queries.py --save/--compare`` checks a rewrite row by row).
"""

from __future__ import annotations

from dataclasses import dataclass

from pios_ld.namespaces import DCT, PHASE, PIOS, PROV, SCHEMA, SKOS, THEME

PREFIXES = f"""PREFIX pios: <{PIOS}>
PREFIX dct: <{DCT}>
PREFIX skos: <{SKOS}>
PREFIX schema: <{SCHEMA}>
PREFIX prov: <{PROV}>
PREFIX phase: <{PHASE}>
PREFIX theme: <{THEME}>
"""

#: The datasets an example can run on, and the endpoint of each.
ENDPOINTS = {"national": "/sparql", "history": "/sparql/history"}


@dataclass(frozen=True)
class Example:
    id: str
    title_sv: str
    title_en: str
    query: str
    dataset: str = "national"

    def title(self, lang: str) -> str:
        return self.title_en if lang == "en" else self.title_sv

    @property
    def endpoint(self) -> str:
        """The path of the SPARQL endpoint that answers this example."""
        return ENDPOINTS[self.dataset]


def _q(body: str) -> str:
    return PREFIXES + "\n" + body.strip() + "\n"


EXAMPLES: tuple[Example, ...] = (
    Example("per-organisation", "Antal initiativ per organisation",
            "Initiatives per organisation", _q("""
SELECT ?organisation ?name ?initiatives WHERE {
  { SELECT ?organisation (COUNT(?i) AS ?initiatives) WHERE {
      ?i pios:responsibleOrganization ?organisation .
    } GROUP BY ?organisation ORDER BY DESC(?initiatives) ?organisation LIMIT 50 }
  OPTIONAL { ?organisation skos:prefLabel ?name }
}
ORDER BY DESC(?initiatives) ?organisation""")),
    Example("theme-phase", "Initiativ per tema och fas", "Initiatives by theme and phase", _q("""
SELECT ?theme ?phase ?initiatives WHERE {
  { SELECT ?t ?p (COUNT(?i) AS ?initiatives) WHERE {
      { SELECT ?i ?t WHERE { ?i pios:theme ?t } }
      { SELECT ?i ?p WHERE { ?i pios:phase ?p } }
    } GROUP BY ?t ?p }
  ?t skos:prefLabel ?theme . FILTER(LANG(?theme) = "sv")
  ?p skos:prefLabel ?phase . FILTER(LANG(?phase) = "sv")
}
ORDER BY ?theme ?phase""")),
    Example("state", "Planerade, pågående och avslutade initiativ",
            "Planned, ongoing and completed initiatives", _q("""
SELECT ?state (SUM(?n) AS ?initiatives) WHERE {
  { SELECT ?p (COUNT(?i) AS ?n) WHERE {
      # status updates name a phase too: count initiatives only
      { SELECT ?i WHERE { ?i pios:responsibleOrganization ?o } }
      { SELECT ?i ?p WHERE { ?i pios:phase ?p } }
    } GROUP BY ?p }
  ?p skos:broader/skos:prefLabel ?state . FILTER(LANG(?state) = "sv")
}
GROUP BY ?state
ORDER BY DESC(?initiatives) ?state""")),
    Example("budget-theme", "Budget per tema (SEK)", "Budget per theme (SEK)", _q("""
SELECT ?theme ?initiatives ?budget ?average WHERE {
  { SELECT ?t (COUNT(?i) AS ?initiatives) (SUM(?value) AS ?budget) (AVG(?value) AS ?average)
    WHERE {
      { SELECT ?i ?t WHERE { ?i pios:theme ?t } }
      { SELECT ?i ?value WHERE {
          { SELECT ?i ?b WHERE { ?i pios:budget ?b } }
          { SELECT ?b ?value WHERE { ?b schema:value ?value } }
      } }
    } GROUP BY ?t }
  ?t skos:prefLabel ?theme . FILTER(LANG(?theme) = "sv")
}
ORDER BY DESC(?budget) ?theme""")),
    Example("largest-budgets", "De största budgetarna", "The largest budgets", _q("""
SELECT ?i ?title ?organisation ?budget WHERE {
  { SELECT ?i ?budget WHERE {
      # the 25 largest amounts first (each amount once: fewer numbers to sort) ...
      { SELECT ?budget WHERE {
          { SELECT ?i ?b WHERE { ?i pios:budget ?b } }
          { SELECT ?b ?budget WHERE { ?b schema:value ?budget } }
      } GROUP BY ?budget ORDER BY DESC(?budget) LIMIT 25 }
      # ... then the initiatives with these budgets
      ?b schema:value ?budget .
      ?i pios:budget ?b .
  } ORDER BY DESC(?budget) ?i LIMIT 25 }
  ?i dct:title ?title ; pios:responsibleOrganization/skos:prefLabel ?organisation .
  FILTER(LANG(?title) = "sv")
}
ORDER BY DESC(?budget) ?i""")),
    Example("reuse-across", "Återanvändning mellan organisationer",
            "Reuse across organisations", _q("""
SELECT ?original ?title ?owner ?reusedBy WHERE {
  { SELECT ?original ?ownerOrg (COUNT(DISTINCT ?reuser) AS ?reusedBy) WHERE {
      { SELECT ?i ?original WHERE { ?i pios:reuses ?original } }
      { SELECT ?i ?reuser WHERE { ?i pios:responsibleOrganization ?reuser } }
      { SELECT ?original ?ownerOrg WHERE { ?original pios:responsibleOrganization ?ownerOrg } }
      # another organisation than the owner (sameTerm compares IRIs without reading them)
      FILTER(!sameTerm(?reuser, ?ownerOrg))
    } GROUP BY ?original ?ownerOrg ORDER BY DESC(?reusedBy) ?original LIMIT 25 }
  OPTIONAL { ?original dct:title ?title . FILTER(LANG(?title) = "sv") }
  OPTIONAL { ?ownerOrg skos:prefLabel ?owner }
}
ORDER BY DESC(?reusedBy) ?original""")),
    Example("coverage-county", "Täckning per län: organisationer som publicerar",
            "Coverage per county: organisations that publish", _q("""
SELECT ?county (COUNT(DISTINCT ?org) AS ?organisations) (COUNT(DISTINCT ?publisher) AS ?publishing)
WHERE {
  ?org pios:countyName ?county .
  OPTIONAL { ?i pios:responsibleOrganization ?org . BIND(?org AS ?publisher) }
}
GROUP BY ?county
ORDER BY ?county""")),
    Example("per-county-theme", "Initiativ per län och tema", "Initiatives by county and theme",
            _q("""
SELECT ?county ?theme ?initiatives WHERE {
  { SELECT ?county ?t (SUM(?n) AS ?initiatives) WHERE {
      { SELECT ?o ?t (COUNT(?i) AS ?n) WHERE {
          { SELECT ?i ?o WHERE { ?i pios:responsibleOrganization ?o } }
          { SELECT ?i ?t WHERE { ?i pios:theme ?t } }
      } GROUP BY ?o ?t }
      ?o pios:countyName ?county .
  } GROUP BY ?county ?t }
  ?t skos:prefLabel ?theme . FILTER(LANG(?theme) = "sv")
}
ORDER BY ?county DESC(?initiatives) ?theme""")),
    Example("phase-changes", "Fasbyten över tid (historiken)",
            "Phase changes over time (history)", _q("""
SELECT ?initiative ?when ?phase WHERE {
  { SELECT ?initiative WHERE { ?v dct:isVersionOf ?initiative }
    GROUP BY ?initiative HAVING (COUNT(?v) > 1) LIMIT 50 }
  ?version dct:isVersionOf ?initiative ; prov:generatedAtTime ?when ; pios:phase ?phase .
}
ORDER BY ?initiative ?when"""), dataset="history"),
    Example("changed-recently", "Senast ändrade initiativ", "Most recently changed initiatives",
            _q("""
SELECT ?i ?title ?modified WHERE {
  { SELECT ?i ?modified WHERE {
      { SELECT ?i WHERE { ?i pios:responsibleOrganization ?o } }
      { SELECT ?i ?modified WHERE { ?i dct:modified ?modified } }
    } ORDER BY DESC(?modified) ?i LIMIT 25 }
  ?i dct:title ?title . FILTER(LANG(?title) = "sv")
}
ORDER BY DESC(?modified) ?i""")),
    Example("open-collaboration", "Öppna för samarbete, per tema",
            "Open for collaboration, by theme", _q("""
SELECT ?theme ?initiatives WHERE {
  { SELECT ?t (COUNT(?i) AS ?initiatives) WHERE {
      { SELECT ?i WHERE { ?i pios:openForCollaboration true } }
      { SELECT ?i ?t WHERE { ?i pios:theme ?t } }
    } GROUP BY ?t }
  ?t skos:prefLabel ?theme . FILTER(LANG(?theme) = "sv")
}
ORDER BY DESC(?initiatives) ?theme""")),
    Example("open-source", "Initiativ med öppen källkod", "Initiatives with open source code",
            _q("""
SELECT ?i ?title ?repository WHERE {
  ?i a pios:Initiative ; dct:title ?title ; pios:codeRepository ?repository .
  FILTER(LANG(?title) = "sv")
}
LIMIT 100""")),
    Example("org-type", "Initiativ per organisationstyp", "Initiatives per organisation type",
            _q("""
SELECT ?type (SUM(?n) AS ?initiatives) WHERE {
  { SELECT ?o (COUNT(?i) AS ?n) WHERE { ?i pios:responsibleOrganization ?o } GROUP BY ?o }
  ?o pios:organizationType ?t .
  ?t skos:prefLabel ?type . FILTER(LANG(?type) = "sv")
}
GROUP BY ?type
ORDER BY DESC(?initiatives) ?type""")),
    Example("spend-vs-budget", "Förbrukat mot budget per fas", "Spent against budget by phase",
            _q("""
SELECT ?phase ?spentToDate ?budgeted WHERE {
  { SELECT ?p (SUM(?spent) AS ?spentToDate) (SUM(?budget) AS ?budgeted) WHERE {
      # initiatives have a budget (status updates do not): start from the budgets
      { SELECT ?i ?b WHERE { ?i pios:budget ?b } }
      { SELECT ?b ?budget WHERE { ?b schema:value ?budget } }
      { SELECT ?i ?p WHERE { ?i pios:phase ?p } }
      { SELECT ?i ?s WHERE { ?i pios:spentToDate ?s } }
      { SELECT ?s ?spent WHERE { ?s schema:value ?spent } }
    } GROUP BY ?p }
  ?p skos:prefLabel ?phase . FILTER(LANG(?phase) = "sv")
}
ORDER BY DESC(?budgeted) ?phase""")),
)
_BY_ID = {e.id: e for e in EXAMPLES}


def by_id(example_id: str) -> Example | None:
    return _BY_ID.get(example_id)
