"""Plausible initiatives for any reference organisation, deterministic from a seed.

Used by ``pios demo``, the national simulation and tests. Everything comes from one
``random.Random(seed)`` per call (never the global generator), so the same arguments always give
the same records. The records are in the bundled context's JSON-LD form (DESIGN.md §4) and valid
against the shapes:

- Swedish titles and texts (some also in English) from a phrase bank per theme (:data:`THEMES`);
- phases that follow a lifecycle (idea → prestudy → planning → development → pilot →
  implementation → operation/scaling; some paused, discontinued or closed) with one status update
  per step, dates in order and money spent growing with the phase;
- budgets from a log-normal distribution (a long tail of large projects);
- partners from the same county, a functional mailbox, code repositories for some;
- :func:`federation` links initiatives across organisations with ``reuses`` by preferential
  attachment, so that reuse concentrates on a few successful solutions, as real diffusion does.
"""

from __future__ import annotations

import math
import random
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, date, datetime, time, timedelta

from pios_ld.jsonld import CONTEXT_URL
from pios_ld.organizations import AGENCY, MUNICIPALITY, REGION, Organization, load
from pios_ld.tools.phrases import (
    APPROACHES,
    APPROACHES_EN,
    LESSONS,
    STAGES,
    SUMMARIES,
    THEME_CODES,
    THEME_WEIGHTS,
    THEMES,
    TITLE_PATTERNS,
    Theme,
)

#: The day the generated world looks at ("today"); fixed so that output does not drift.
DEFAULT_TODAY = date(2026, 11, 20)

#: The phases in the order a successful initiative passes them.
LIFECYCLE = ("idea", "prestudy", "planning", "development", "pilot", "implementation",
             "operation")
#: Where initiatives stand today, with weights (most are under way, a few stopped).
FINAL_PHASES = {
    "idea": 7, "prestudy": 9, "planning": 9, "development": 13, "pilot": 13,
    "implementation": 11, "operation": 17, "scaling": 6, "paused": 5, "discontinued": 5,
    "closed": 5,
}
#: Share of the budget spent when an initiative reaches a phase: (low, high).
SPENT_SHARE = {
    "idea": (0.0, 0.02), "prestudy": (0.03, 0.12), "planning": (0.08, 0.22),
    "development": (0.2, 0.55), "pilot": (0.35, 0.7), "implementation": (0.55, 0.92),
    "operation": (0.85, 1.15), "scaling": (0.95, 1.3), "paused": (0.2, 0.6),
    "discontinued": (0.15, 0.7), "closed": (0.9, 1.1),
}
#: Phases an initiative that others may reuse has reached.
REUSABLE_PHASES = frozenset({"implementation", "operation", "scaling", "closed"})

MAILBOXES = ("digitalisering", "utveckling", "innovation", "e-tjanster", "digital.utveckling")
FORGES = ("https://github.com/", "https://gitlab.com/", "https://code.europa.eu/")


def slugify(text: str, max_length: int = 60) -> str:
    """ASCII slug: ``"Digital tillsyn i hemtjänsten"`` → ``"digital-tillsyn-i-hemtjansten"``."""
    folded = unicodedata.normalize("NFKD", text.casefold()).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", folded).strip("-")
    if len(slug) > max_length:
        slug = slug[:max_length].rsplit("-", 1)[0]
    return slug or "initiativ"


def domain(org: Organization) -> str:
    """A plausible web domain of *org* (``vellinge.se``, ``skane.se``)."""
    name = org.short_name or org.name
    if org.kind == REGION and name.startswith("Region "):
        name = "region" + name.removeprefix("Region ")
    return slugify(name, 40).replace("-", "") + ".se"


def _county_peers() -> dict[str | None, list[Organization]]:
    peers: dict[str | None, list[Organization]] = {}
    for org in load():
        if org.county_code:
            peers.setdefault(org.county_code, []).append(org)
    return peers


class _Maker:
    """Builds the initiatives of one organisation from one random generator."""

    def __init__(self, org: Organization, rng: random.Random, base_url: str, today: date) -> None:
        self.org = org
        self.rng = rng
        self.base_url = base_url if base_url.endswith("/") else base_url + "/"
        self.today = today
        self.titles: set[str] = set()
        self.identifiers: set[str] = set()
        peers = _county_peers().get(org.county_code, []) if org.county_code else []
        self.peers = [p for p in peers if p.orgnr != org.orgnr]
        if not self.peers:  # agencies: partners among other agencies and the big regions
            self.peers = [o for o in load() if o.orgnr != org.orgnr
                          and (o.kind == AGENCY or o.kind == REGION)]
        self.scope = {MUNICIPALITY: "kommunen", REGION: "regionen"}.get(org.kind, "landet")

    # -- text ------------------------------------------------------------------------------
    def title(self, theme: Theme, phase: str) -> tuple[str, str, str]:
        """A title unique within the organisation and fitting its phase: (sv, en, object)."""
        rng = self.rng
        patterns = [(sv, en) for sv, en, fits in TITLE_PATTERNS if not fits or phase in fits]
        for attempt in range(40):
            obj_sv, obj_en = rng.choice(theme.objects)
            pattern_sv, pattern_en = rng.choice(patterns)
            sv = pattern_sv.format(obj=obj_sv, Obj=_cap(obj_sv), scope=self.scope)
            en = pattern_en.format(obj=obj_en, Obj=_cap(obj_en))
            if attempt > 10:
                stage = rng.choice(STAGES)
                sv, en = f"{sv} – {stage[0]}", f"{en} – {stage[1]}"
            if attempt > 25:
                sv, en = f"{sv} {attempt}", f"{en} {attempt}"
            if sv not in self.titles:
                self.titles.add(sv)
                return sv, en, obj_sv
        raise AssertionError("unreachable: numbered titles are unique")

    def identifier(self, title: str) -> str:
        slug = slugify(title)
        candidate, n = slug, 2
        while candidate in self.identifiers:
            candidate, n = f"{slug}-{n}", n + 1
        self.identifiers.add(candidate)
        return candidate

    def description(self, theme: Theme, obj: str, phase: str, problem: str) -> str:
        rng = self.rng
        verb = {"idea": "vill undersöka", "prestudy": "utreder", "planning": "planerar",
                "paused": "har pausat arbetet med", "discontinued": "prövade",
                "closed": "genomförde"}.get(phase)
        verb = verb or rng.choice(("inför", "utvecklar", "arbetar med"))
        sentences = [f"{self.org.name} {verb} {obj}.", problem]
        sentences += rng.sample(APPROACHES, 2)
        sentences.append(rng.choice(theme.benefits))
        return " ".join(sentences)

    # -- lifecycle -------------------------------------------------------------------------
    def path(self, final: str) -> list[str]:
        rng = self.rng
        if final in LIFECYCLE:
            end = LIFECYCLE.index(final)
        elif final == "scaling":
            end = len(LIFECYCLE)
        elif final == "closed":
            end = len(LIFECYCLE) - 1
        elif final == "paused":
            end = rng.choice((3, 4, 5))
        else:  # discontinued
            end = rng.choice((1, 2, 3, 4))
        start = rng.choice(range(min(end, 2) + 1))
        steps = list((*LIFECYCLE, "scaling")[start:end + 1])
        if final in ("paused", "discontinued", "closed"):
            steps.append(final)
        return steps

    def dates(self, steps: Sequence[str]) -> list[date]:
        rng = self.rng
        gaps = [0] + [int(rng.uniform(30, 260)) for _ in steps[1:]]
        total = sum(gaps)
        start = self.today - timedelta(days=total + int(rng.uniform(5, 420)))
        out, day = [], start
        for gap in gaps:
            day += timedelta(days=gap)
            out.append(day)
        return out

    # -- one record ------------------------------------------------------------------------
    def initiative(self, index: int) -> dict:
        rng = self.rng
        theme_code = rng.choices(THEME_CODES, weights=self.theme_weights())[0]
        theme = THEMES[theme_code]
        final = rng.choices(FINAL_PHASE_NAMES, weights=FINAL_PHASE_WEIGHTS)[0]
        steps = self.path(final)
        sv_title, en_title, obj = self.title(theme, final)
        identifier = self.identifier(sv_title)
        problem = rng.choice(theme.problems)
        days = self.dates(steps)
        budget = _round_money(rng.lognormvariate(math.log(900_000), 1.25))
        english = rng.random() < 0.15
        record: dict = {
            "@context": CONTEXT_URL,
            "id": f"{self.base_url}initiatives/{identifier}",
            "type": "Initiative",
            "identifier": identifier,
            "title": {"sv": sv_title, **({"en": en_title} if english else {})},
            "description": {"sv": self.description(theme, obj, final, problem)},
            "responsibleOrganization": self.org.iri,
            "phase": final,
            "theme": [theme_code] + self.extra_theme(theme_code),
            "created": _stamp(days[0], rng),
            "modified": _stamp(days[-1], rng),
            "startDate": days[0].isoformat(),
            "plannedEndDate": (days[0] + timedelta(days=int(rng.uniform(240, 1100)))).isoformat(),
            "budget": {"value": budget, "currency": "SEK"},
            "goal": {"sv": rng.choice(theme.goals)},
            "problemStatement": {"sv": problem},
            "expectedBenefit": {"sv": rng.choice(theme.benefits)},
            "keyword": {"sv": rng.sample(theme.keywords, rng.randint(2, 5))},
            "contactPoint": {"email": f"mailto:{rng.choice(MAILBOXES)}@{domain(self.org)}"},
            "openForCollaboration": rng.random() < 0.45,
            "statusUpdate": self.status_updates(steps, days, budget, obj),
        }
        if english:
            lead = en_title if en_title[:2].isupper() else en_title[:1].lower() + en_title[1:]
            record["description"]["en"] = f"{self.org.name}: {lead}. {rng.choice(APPROACHES_EN)}"
        if final in ("operation", "scaling", "closed", "discontinued"):
            record["endDate"] = days[-1].isoformat() if final != "scaling" else days[-2].isoformat()
        spent = record["statusUpdate"][-1].get("spentToDate")
        if spent:
            record["spentToDate"] = dict(spent)
        if self.peers and rng.random() < 0.55:
            partners = rng.sample(self.peers, min(len(self.peers), rng.choice((1, 1, 2, 3))))
            record["participant"] = [p.iri for p in partners]
        if rng.random() < 0.25:
            owner = slugify(self.org.short_name or self.org.name)
            repo = f"{rng.choice(FORGES)}{owner}/{identifier}"
            record["codeRepository"] = repo
            if rng.random() < 0.5:
                record["publiccode"] = repo + "/-/raw/main/publiccode.yml"
        if final in ("closed", "discontinued", "operation") and rng.random() < 0.6:
            record["lessonsLearned"] = {"sv": rng.choice(LESSONS)}
        if rng.random() < 0.3:
            record["landingPage"] = f"https://www.{domain(self.org)}/utveckling/{identifier}"
        return record

    def theme_weights(self) -> list[float]:
        weights = THEME_WEIGHTS.get(self.org.kind, {})
        return [weights.get(code, 1.0) for code in THEME_CODES]

    def extra_theme(self, first: str) -> list[str]:
        if self.rng.random() < 0.3:
            other = self.rng.choice(THEME_CODES)
            if other != first:
                return [other]
        return []

    def status_updates(self, steps: Sequence[str], days: Sequence[date], budget: int,
                       obj: str) -> list[dict]:
        rng = self.rng
        updates, spent = [], 0
        for step, day in zip(steps, days, strict=True):
            low, high = SPENT_SHARE[step]
            spent = max(spent, _round_money(budget * rng.uniform(low, high)))
            health = rng.choices(("on-track", "at-risk", "off-track"), (75, 19, 6))[0]
            if step in ("paused", "discontinued"):
                health = rng.choice(("at-risk", "off-track"))
            update: dict = {
                "type": "StatusUpdate",
                "date": day.isoformat(),
                "phase": step,
                "health": health,
                "summary": {"sv": rng.choice(SUMMARIES[step]).format(obj=obj, Obj=_cap(obj))},
            }
            if spent:
                update["spentToDate"] = {"value": spent, "currency": "SEK"}
            updates.append(update)
        return updates


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _round_money(value: float) -> int:
    """Round to a believable precision: thousands, tens of thousands above ten million."""
    step = 10_000 if value >= 10_000_000 else 1_000
    return max(step, int(round(value / step)) * step)


def _stamp(day: date, rng: random.Random) -> str:
    moment = datetime.combine(day, time(rng.randint(7, 17), rng.randint(0, 59), rng.randint(0, 59)),
                              tzinfo=UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


FINAL_PHASE_NAMES = tuple(FINAL_PHASES)
FINAL_PHASE_WEIGHTS = tuple(FINAL_PHASES.values())
def initiatives(org: Organization, count: int, seed: int = 0,
                base_url: str = "https://pios.example.se/",
                today: date = DEFAULT_TODAY) -> list[dict]:
    """*count* initiatives of *org*, each a standalone JSON-LD record in the context's form.

    IRIs are ``base_url + "initiatives/" + identifier``; titles and identifiers are unique within
    the organisation. The same arguments always give the same records.
    """
    rng = random.Random(f"{seed}:{org.orgnr}")
    maker = _Maker(org, rng, base_url, today)
    return [maker.initiative(i) for i in range(count)]


def catalog(org: Organization, count: int, seed: int = 0,
            base_url: str = "https://pios.example.se/", today: date = DEFAULT_TODAY) -> dict:
    """A node's catalog (DESIGN.md §4) of *count* generated initiatives of *org*."""
    records = initiatives(org, count, seed=seed, base_url=base_url, today=today)
    return catalog_of(org, records, base_url)


def catalog_of(org: Organization, records: Iterable[dict], base_url: str) -> dict:
    """Wrap context-form records in a catalog document published by *org*."""
    base = base_url if base_url.endswith("/") else base_url + "/"
    members = [{k: v for k, v in r.items() if k != "@context"} for r in records]
    default = _stamp(DEFAULT_TODAY, random.Random(0))
    modified = max((r["modified"] for r in members), default=default)
    return {"@context": CONTEXT_URL, "id": base + "catalog", "type": "Catalog",
            "publisher": org.iri, "modified": modified, "feed": base + "feed",
            "initiative": members}


def federation(orgs: Sequence[Organization], per_org: int | Callable[[Organization], int],
               seed: int = 0, base_url_for: Callable[[Organization], str] | None = None,
               reuse_share: float = 0.35, today: date = DEFAULT_TODAY) -> dict[str, list[dict]]:
    """Initiatives for every organisation in *orgs*, keyed by organisation number, with
    ``reuses`` links across organisations.

    Each initiative reuses another organisation's mature initiative with probability
    *reuse_share*, picked with weight ``(times already reused + 1)²`` among those of its theme
    (preferential attachment), so that a few solutions gather most of the reuse.
    """
    base_url_for = base_url_for or (lambda o: f"https://pios.example.se/{o.orgnr}/")
    built = {}
    for org in orgs:
        n = per_org(org) if callable(per_org) else per_org
        built[org.orgnr] = initiatives(org, n, seed=seed, base_url=base_url_for(org), today=today)
    _wire_reuse(built, random.Random(f"{seed}:reuse"), reuse_share)
    return built


def _wire_reuse(built: dict[str, list[dict]], rng: random.Random, share: float,
                appeal: float = 0.08) -> None:
    """Link initiatives to mature ones of other organisations by preferential attachment.

    A candidate already reused *k* times is picked with weight ``k + appeal`` among the mature
    initiatives of the same theme: uniformly from the candidates with probability
    ``appeal·N / (appeal·N + K)``, otherwise uniformly from the list of earlier picks (K of them).
    """
    candidates: dict[str, list[tuple[str, dict]]] = {}
    everyone: list[tuple[str, dict]] = []
    for orgnr, records in built.items():
        for record in records:
            everyone.append((orgnr, record))
            if record["phase"] in REUSABLE_PHASES:
                candidates.setdefault(record["theme"][0], []).append((orgnr, record))
    picks: dict[str, list[tuple[str, dict]]] = {theme: [] for theme in candidates}
    order = list(range(len(everyone)))
    rng.shuffle(order)
    for i in order:
        orgnr, record = everyone[i]
        if rng.random() >= share or record["phase"] == "idea":
            continue
        theme = record["theme"][0]
        pool = candidates.get(theme)
        if not pool:
            continue
        earlier = picks[theme]
        for _ in range(8):  # a pick from the organisation itself is drawn again
            fresh = appeal * len(pool)
            source = pool if rng.random() * (fresh + len(earlier)) < fresh else earlier
            target_org, target = rng.choice(source)
            if target_org != orgnr:
                record["reuses"] = [target["id"]]
                earlier.append((target_org, target))
                break
