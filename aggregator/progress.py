"""Progress over time: how the sector's initiatives move from planned to ongoing to completed.

Read from the history dataset (every version the nodes published, DESIGN §5) in one constant
query, then shaped here by pure functions:

- :func:`timelines`: per initiative, its versions in time order as (moment, top phase, deleted),
  with its organisation (a version that names none, such as a deletion, keeps the one before);
- :func:`by_period`: per month or quarter, how many initiatives stood in each top phase at the
  period's end (the last version up to then; a deleted initiative no longer counts);
- :func:`transitions`: per period, the changes of top phase (planned → ongoing, ongoing →
  completed, planned → completed) and the initiatives that became discontinued;
- :func:`durations`: the days spent in each top phase, over the stays that have ended (a stay
  still running is counted apart: its length is not known yet);
- :func:`quiet`: the initiatives not completed whose latest version is more than a year old.

A top phase is the phase concept's broader concept in the vocabulary's phase scheme (``pilot`` →
``ongoing``). Time is the version's ``prov:generatedAtTime`` (when the node published it), so a
period is the publisher's, not the crawl's. :func:`report` puts it together for a page, nationally
or for one county (the county comes from the reference organisations, not from the graph).
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from pios_ld import organizations

PHASE = "https://w3id.org/pios/concept/phase/"
#: The top phases, in the order of a life.
TOPS = ("planned", "ongoing", "completed")
DISCONTINUED = "discontinued"
PERIODS = ("month", "quarter")
#: At most this many periods are shown (the latest ones).
MAX_PERIODS = 120
#: An initiative with no version for this long is "quiet".
QUIET_AFTER = timedelta(days=365)
#: Every version in the history: its initiative, time, phase, organisation, and if it deletes.
VERSIONS = ("SELECT ?i ?when ?phase ?o ?deleted WHERE { ?v dct:isVersionOf ?i ; "
            "prov:generatedAtTime ?when . OPTIONAL { ?v pios:phase ?phase } "
            "OPTIONAL { ?v pios:responsibleOrganization ?o } "
            "BIND(EXISTS { ?v a <https://www.w3.org/ns/activitystreams#Delete> } AS ?deleted) }")

#: The Swedish title of every initiative in the current state (for the quiet list).
TITLES = ("SELECT ?i ?title WHERE { ?i a pios:Initiative ; dct:title ?title "
          "FILTER(LANG(?title) = 'sv') }")


@dataclass(frozen=True)
class Step:
    """One version of an initiative: when, its top phase (None if unknown), its own phase code."""

    moment: datetime
    top: str | None
    phase: str | None
    deleted: bool


@dataclass
class Timeline:
    initiative: str
    organization: str | None
    steps: list[Step]


def _moment(text: str) -> datetime | None:
    """An ``xsd:dateTime`` as an aware time (one without a zone is taken as UTC)."""
    try:
        moment = datetime.fromisoformat(str(text).replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def timelines(rows: Iterable[dict[str, Any]], broader: dict[str, str]) -> list[Timeline]:
    """Group version rows (``i``, ``when``, ``phase``, ``o``, ``deleted``) into timelines, each
    in time order; rows without a readable time are left out."""
    grouped: dict[str, list[tuple[datetime, dict[str, Any]]]] = defaultdict(list)
    for row in rows:
        moment = _moment(row.get("when") or "")
        if moment is not None:
            grouped[row["i"]].append((moment, row))
    known: dict[Any, tuple[str | None, str | None, tuple[int, bool]]] = {}

    def phase_of(phase: str | None) -> tuple[str | None, str | None, tuple[int, bool]]:
        if phase not in known:  # a handful of phase concepts: looked up once each
            top = _code(broader.get(phase, phase)) if phase else None
            # a phase outside the vocabulary's scheme says nothing known: the state before holds
            top = top if top in TOPS else None
            known[phase] = (top, _code(phase), _rank(broader, phase))
        return known[phase]

    out = []
    for iri, versions in grouped.items():
        # versions published at the same moment: in the order of a life, a deletion last, so
        # the outcome does not depend on the order the store returns them in
        versions.sort(key=lambda pair: (pair[0], bool(pair[1].get("deleted")),
                                        phase_of(pair[1].get("phase"))[2]))
        organization = None
        steps = []
        for moment, row in versions:
            organization = row.get("o") or organization
            top, code, _ = phase_of(row.get("phase"))
            steps.append(Step(moment, top, code, bool(row.get("deleted"))))
        out.append(Timeline(iri, organization, steps))
    return out


def _rank(broader: dict[str, str], phase: str | None) -> tuple[int, bool]:
    top = _code(broader.get(phase, phase)) if phase else None
    return (TOPS.index(top) if top in TOPS else len(TOPS), _code(phase) == DISCONTINUED)


def _code(iri: str | None) -> str | None:
    return iri[len(PHASE):] if iri and iri.startswith(PHASE) else iri


def period_of(moment: datetime, period: str) -> str:
    """``2026-03`` (month) or ``2026-Q1`` (quarter)."""
    if period == "quarter":
        return f"{moment.year}-Q{(moment.month - 1) // 3 + 1}"
    return f"{moment.year}-{moment.month:02d}"


def _periods(first: datetime, last: datetime, period: str) -> list[str]:
    """Every period from *first*'s to *last*'s, in order (the latest :data:`MAX_PERIODS`)."""
    step = 3 if period == "quarter" else 1
    year, month = first.year, (first.month - 1) // step * step + 1
    out = []
    while (year, month) <= (last.year, last.month):
        out.append(period_of(datetime(year, month, 1), period))
        month += step
        if month > 12:
            year, month = year + 1, month - 12
    return out[-MAX_PERIODS:]


def by_period(lines: list[Timeline], period: str, now: datetime) -> list[dict[str, Any]]:
    """Per period, the initiatives in each top phase at its end (its last version up to then)."""
    moments = [s.moment for line in lines for s in line.steps]
    if not moments:
        return []
    names = _periods(min(moments), now, period)
    index = {name: k for k, name in enumerate(names)}
    # one pass per timeline: each stay in a phase adds one from its period to the next change's
    change = {top: [0] * (len(names) + 1) for top in TOPS}
    for line in lines:
        state, since = None, 0
        for step in line.steps:
            name = period_of(step.moment, period)
            at = index.get(name, 0 if name < names[0] else len(names))
            after = None if step.deleted else (step.top or state)
            if after != state:
                if state:
                    change[state][since] += 1
                    change[state][max(at, since)] -= 1
                state, since = after, at
        if state:
            change[state][since] += 1
    out = []
    running = dict.fromkeys(TOPS, 0)
    for k, name in enumerate(names):
        for top in TOPS:
            running[top] += change[top][k]
        out.append({"period": name, **running, "total": sum(running.values())})
    return out


def transitions(lines: list[Timeline], period: str) -> list[dict[str, Any]]:
    """Per period (only those with a change), the changes of top phase and new discontinued."""
    counts: dict[str, Counter] = defaultdict(Counter)
    for line in lines:
        before: Step | None = None
        for step in line.steps:
            if step.deleted:  # a re-created initiative starts a new life: no change across it
                before = None
            if step.deleted or not step.top:
                continue
            name = period_of(step.moment, period)
            if before is not None and before.top != step.top:
                counts[name][f"{before.top}→{step.top}"] += 1
            if step.phase == DISCONTINUED and (before is None or before.phase != DISCONTINUED):
                counts[name]["→discontinued"] += 1
            before = step
    keys = KINDS_OF_CHANGE
    return [{"period": name, **{key: counts[name][key] for key in keys}}
            for name in sorted(counts)]


#: The changes :func:`transitions` counts, in the order a table shows them.
KINDS_OF_CHANGE = ("planned→ongoing", "ongoing→completed", "planned→completed",
                   "ongoing→planned", "completed→ongoing", "→discontinued")


def durations(lines: list[Timeline], now: datetime) -> list[dict[str, Any]]:
    """Days spent in each top phase: median and quartiles over the stays that ended; how many
    stays are still running."""
    ended: dict[str, list[float]] = defaultdict(list)
    running: Counter = Counter()
    for line in lines:
        top: str | None = None
        since: datetime | None = None
        for step in line.steps:
            if step.deleted:
                top, since = None, None
                continue
            if step.top and step.top != top:
                if top and since is not None:
                    ended[top].append((step.moment - since).total_seconds() / 86400)
                top, since = step.top, step.moment
        if top and top != "completed":
            running[top] += 1
    out = []
    for top in TOPS[:-1]:  # completed is where a life ends: its stay does not end
        days = sorted(ended[top])
        quartiles = statistics.quantiles(days, n=4) if len(days) >= 2 else [None, None, None]
        if len(days) == 1:
            quartiles = [days[0]] * 3
        out.append({"phase": top, "ended": len(days), "running": running[top],
                    "q1": _round(quartiles[0]), "median": _round(quartiles[1]),
                    "q3": _round(quartiles[2])})
    return out


def _round(days: float | None) -> int | None:
    return None if days is None else round(days)


def quiet(lines: list[Timeline], now: datetime, limit: int = 500) -> tuple[int, list[dict]]:
    """The initiatives neither completed nor deleted whose latest version is older than
    :data:`QUIET_AFTER`: how many, and the *limit* quietest (oldest first)."""
    found = []
    for line in lines:
        last = line.steps[-1]
        state = _last_state(line)
        if last.deleted or state == "completed" or now - last.moment <= QUIET_AFTER:
            continue
        org = organizations.by_iri(line.organization) if line.organization else None
        found.append({"initiative": line.initiative, "organization": line.organization,
                      "organizationName": org.name if org else None, "phase": state,
                      "lastVersion": last.moment.isoformat(), "days": (now - last.moment).days})
    found.sort(key=lambda e: (-e["days"], e["initiative"]))
    return len(found), found[:limit]


def _last_state(line: Timeline) -> str | None:
    state = None
    for step in line.steps:
        state = None if step.deleted else (step.top or state)
    return state


def report(rows: Iterable[dict[str, Any]], broader: dict[str, str], now: datetime,
           period: str = "quarter", county: str = "") -> dict[str, Any]:
    """Everything the progress page shows, nationally or for *county* (a county's name as in the
    reference organisations; an unknown name finds nothing)."""
    if period not in PERIODS:
        period = "quarter"
    lines = timelines(rows, broader)
    if county:
        wanted = {o.iri for o in organizations.load() if o.county_name == county}
        lines = [line for line in lines if line.organization in wanted]
    now = now if now.tzinfo else now.replace(tzinfo=UTC)
    quiet_count, quiet_list = quiet(lines, now)
    return {"period": period, "county": county or None, "initiatives": len(lines),
            "versions": sum(len(line.steps) for line in lines),
            "byPeriod": by_period(lines, period, now), "transitions": transitions(lines, period),
            "durations": durations(lines, now), "quietCount": quiet_count, "quiet": quiet_list}


# -- the page's chart and tables ---------------------------------------------------------------
#: The chart's plot height in CSS pixels.
CHART_HEIGHT = 180


def chart(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Stacked bars of :func:`by_period`'s rows: per period its x and width (per cent of the
    width) and per top phase a segment's y and height (pixels); every how many periods a label is
    written so that labels do not run into each other."""
    top = max((row["total"] for row in rows), default=0)
    count = len(rows)
    width = 100 / count if count else 0
    bars = []
    for index, row in enumerate(rows):
        y = CHART_HEIGHT
        segments = []
        for phase in TOPS:
            height = CHART_HEIGHT * row[phase] / top if top else 0
            y -= height
            segments.append({"phase": phase, "y": round(y, 1), "height": round(height, 1),
                             "count": row[phase]})
        bars.append({"period": row["period"], "x": round(index * width + width * 0.1, 2),
                     "width": round(width * 0.8, 2), "segments": segments,
                     "total": row["total"]})
    return {"bars": bars, "max": top, "height": CHART_HEIGHT,
            "labelEvery": max(1, -(-count // 8))}


def tables(data: dict[str, Any]) -> dict[str, tuple[list[str], list[list[Any]]]]:
    """The page's tables as (header, rows), by the name of their CSV download."""
    return {
        "phases": (["period", *TOPS, "total"],
                   [[r["period"], *(r[t] for t in TOPS), r["total"]] for r in data["byPeriod"]]),
        "transitions": (["period", *KINDS_OF_CHANGE],
                        [[r["period"], *(r[k] for k in KINDS_OF_CHANGE)]
                         for r in data["transitions"]]),
        "durations": (["phase", "ended", "running", "q1_days", "median_days", "q3_days"],
                      [[r["phase"], r["ended"], r["running"], r["q1"], r["median"], r["q3"]]
                       for r in data["durations"]]),
        "quiet": (["initiative", "title", "organization", "organization_name", "phase",
                   "last_version", "days"],
                  [[r["initiative"], r.get("title"), r["organization"], r["organizationName"],
                    r["phase"], r["lastVersion"], r["days"]] for r in data["quiet"]]),
    }
