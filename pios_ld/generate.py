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
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from pios_ld.jsonld import CONTEXT_URL
from pios_ld.organizations import AGENCY, MUNICIPALITY, REGION, Organization, load

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
#: Which themes each kind of organisation works on more (relative weights, default 1).
THEME_WEIGHTS = {
    MUNICIPALITY: {"elderly-care": 3, "education": 3, "social-services": 2.5,
                   "citizen-services": 2.5, "urban-planning": 2, "health-care": 0.3},
    REGION: {"health-care": 8, "transport": 2.5, "elderly-care": 0.5, "education": 0.3,
             "culture-leisure": 1.2, "business-development": 2},
    AGENCY: {"administration": 3, "digital-infrastructure": 3, "citizen-services": 2,
             "elderly-care": 0.3, "education": 0.6, "housing": 0.5},
}
#: Title patterns (sv, en, the phases an initiative may be in today to carry it; empty: any).
TITLE_PATTERNS = (
    ("{Obj}", "{Obj}", frozenset()), ("{Obj}", "{Obj}", frozenset()),
    ("Införande av {obj}", "Introducing {obj}",
     frozenset({"implementation", "operation", "scaling", "closed"})),
    ("Utveckling av {obj}", "Developing {obj}",
     frozenset({"development", "pilot", "paused", "discontinued"})),
    ("Förstudie om {obj}", "Pre-study on {obj}",
     frozenset({"idea", "prestudy", "planning", "discontinued"})),
    ("Pilot med {obj}", "Pilot of {obj}",
     frozenset({"pilot", "implementation", "paused", "discontinued"})),
    ("Samverkan kring {obj}", "Collaboration on {obj}", frozenset()),
    ("{Obj} i hela {scope}", "{Obj} across the organisation",
     frozenset({"implementation", "operation", "scaling"})),
    ("Vidareutveckling av {obj}", "Further development of {obj}",
     frozenset({"operation", "scaling", "closed"})),
)
STAGES = (("etapp 2", "phase 2"), ("etapp 3", "phase 3"), ("steg 2", "step 2"),
          ("fördjupning", "extension"), ("breddinförande", "wide roll-out"),
          ("uppföljning", "follow-up"))
LESSONS = (
    "Tidig dialog med verksamheten var avgörande; tekniken var sällan det svåra.",
    "Vi underskattade tiden för upphandling och avtal med leverantören.",
    "Att mäta nyttan från början gjorde beslutet om fortsättning enkelt.",
    "Små steg med täta utvärderingar fungerade bättre än en stor plan.",
    "Utan en tydlig mottagare i linjen blev överlämningen till drift svår.",
    "Samarbetet med grannkommunerna halverade kostnaden för utvecklingen.",
    "Användarna behövde mer stöd i början än vi hade räknat med.",
    "Öppen källkod gjorde det lätt för andra att ta över och bygga vidare.",
)


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


# --------------------------------------------------------------------------------------------
# The phrase bank
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Theme:
    """What is said about initiatives of one theme: title objects (sv, en), texts, keywords."""

    objects: tuple[tuple[str, str], ...]
    problems: tuple[str, ...]
    goals: tuple[str, ...]
    benefits: tuple[str, ...]
    keywords: tuple[str, ...]


THEMES: dict[str, Theme] = {
    "health-care": Theme(
        objects=(("digitala vårdbesök i primärvården", "digital visits in primary care"),
                 ("egenmonitorering för patienter med hjärtsvikt",
                  "self-monitoring for heart failure patients"),
                 ("AI-stöd för granskning av röntgenbilder",
                  "AI support for reviewing X-ray images"),
                 ("gemensam vårdplanering vid utskrivning", "joint care planning at discharge"),
                 ("digital triagering på akutmottagningen",
                  "digital triage at the emergency department"),
                 ("läkemedelsgenomgångar på distans", "remote medication reviews"),
                 ("strukturerad journaldokumentation", "structured medical record documentation"),
                 ("chattbaserad rådgivning inom 1177", "chat-based advice in 1177")),
        problems=("Väntetiderna till första bedömning är långa och ojämnt fördelade över länet.",
                  "Patienter med kroniska sjukdomar gör många besök som skulle kunna ske hemifrån.",
                  "Informationen om patienten finns i flera system som inte talar med varandra.",
                  "Bristen på specialistsjuksköterskor gör att varje arbetstimme måste räcka "
                  "längre."),
        goals=("Halvera väntetiden till första bedömning inom två år.",
               "Fler patienter ska kunna följa och hantera sin egen behandling hemma.",
               "Vårdpersonalen ska lägga mindre tid på administration och mer tid på patienter.",
               "Rätt patient ska träffa rätt kompetens redan vid första kontakten."),
        benefits=("Nyttan är kortare väntetider, färre onödiga resor och en tryggare patient.",
                  "Beräkningarna visar att varje digitalt besök frigör cirka 20 minuter vårdtid.",
                  "Färre återinläggningar ger både bättre hälsa och lägre kostnader för regionen.",
                  "Patientsäkerheten ökar när informationen finns på ett ställe."),
        keywords=("primärvård", "e-hälsa", "patientsäkerhet", "1177", "vårdplanering",
                  "distansvård", "journal", "triage")),
    "elderly-care": Theme(
        objects=(("digital tillsyn i hemtjänsten", "digital night checks in home care"),
                 ("läkemedelsrobotar för boende i ordinärt boende",
                  "medication dispensers at home"),
                 ("trygghetslarm med digital teknik", "digital personal alarms"),
                 ("planering av hemtjänstens rutter", "route planning for home care"),
                 ("sensorer för fallprevention på äldreboenden",
                  "fall-prevention sensors in care homes"),
                 ("videosamtal mot ensamhet bland äldre",
                  "video calls against loneliness among older people"),
                 ("digitala inköp för hemtjänsttagare", "online shopping for home-care clients"),
                 ("välfärdsteknik i särskilt boende", "welfare technology in residential care")),
        problems=("Antalet invånare över 80 år ökar snabbt medan antalet undersköterskor inte gör "
                  "det.",
                  "Nattliga tillsynsbesök väcker brukare som hellre vill sova ostört.",
                  "Många äldre som bor hemma känner sig ensamma och otrygga.",
                  "Hemtjänstens personal lägger en stor del av arbetsdagen på resor mellan "
                  "brukare."),
        goals=("Brukare ska kunna välja digital tillsyn och få en ostörd natt.",
               "Minska tiden för resor i hemtjänsten med en femtedel.",
               "Fler äldre ska kunna bo kvar hemma tryggt och självständigt längre.",
               "Personalens tid ska användas där den gör mest nytta för brukaren."),
        benefits=("Brukarna sover bättre och personalen får tid över till andra besök.",
                  "Kommunen räknar med att frigöra motsvarande fyra årsarbetskrafter.",
                  "Färre fallolyckor betyder mindre lidande och färre sjukhusvistelser.",
                  "Anhöriga upplever ökad trygghet när de vet att hjälpen finns nära."),
        keywords=("hemtjänst", "välfärdsteknik", "äldreomsorg", "trygghetslarm", "särskilt boende",
                  "digital tillsyn", "fallprevention")),
    "social-services": Theme(
        objects=(("automatiserad handläggning av ekonomiskt bistånd",
                  "automated handling of financial aid"),
                 ("e-ansökan om försörjningsstöd", "online application for income support"),
                 ("digitala möten med socialtjänsten", "digital meetings with social services"),
                 ("tidiga insatser för barn och unga",
                  "early support for children and young people"),
                 ("samordnad individuell plan", "coordinated individual plans"),
                 ("stöd till personer med funktionsnedsättning via app",
                  "app-based support for people with disabilities"),
                 ("orosanmälningar via e-tjänst", "reports of concern through an e-service")),
        problems=("Handläggarna lägger mycket tid på att kontrollera uppgifter som redan finns "
                  "hos andra myndigheter.",
                  "Familjer får berätta sin historia om och om igen för olika delar av kommunen.",
                  "Orosanmälningar kommer in på papper och via telefon och registreras för hand.",
                  "Det tar för lång tid från ansökan till beslut om bistånd."),
        goals=("Beslut om ekonomiskt bistånd ska kunna fattas samma dag som ansökan är komplett.",
               "Barn och familjer ska få rätt stöd tidigare och från färre kontakter.",
               "Handläggarna ska få mer tid för samtal och mindre för kontroller.",
               "Alla orosanmälningar ska komma in digitalt och strukturerat."),
        benefits=("Kortare handläggningstider och mer tid för det sociala arbetet.",
                  "Färre fel i utbetalningar och en jämnare rättssäkerhet.",
                  "Invånaren ser själv var ärendet befinner sig och vad som händer härnäst.",
                  "Tidiga insatser minskar behovet av placeringar längre fram."),
        keywords=("ekonomiskt bistånd", "automatisering", "socialtjänst", "barn och unga",
                  "handläggning", "e-tjänst", "SIP")),
    "education": Theme(
        objects=(("digitala nationella prov", "digital national tests"),
                 ("lärplattform för grundskolan", "a learning platform for compulsory school"),
                 ("skolskjutsplanering", "school transport planning"),
                 ("frånvarouppföljning i realtid", "real-time absence follow-up"),
                 ("programmering i undervisningen", "programming in teaching"),
                 ("elevhälsans digitala journal", "a digital record for pupil health"),
                 ("digital skolval och placering", "digital school choice and placement"),
                 ("språkstöd med talsyntes för nyanlända elever",
                  "text-to-speech language support for newly arrived pupils")),
        problems=("Lärarna använder flera system som kräver egna inloggningar och dubbel "
                  "registrering.",
                  "Ogiltig frånvaro upptäcks för sent för att skolan ska hinna agera.",
                  "Skolvalet hanteras manuellt och familjer får besked sent.",
                  "Elever med annat modersmål har svårt att tillgodogöra sig läromedlen."),
        goals=("Alla elever ska ha tillgång till likvärdiga digitala verktyg.",
               "Frånvaro ska uppmärksammas samma dag och vårdnadshavare kontaktas direkt.",
               "Lärare ska lägga mindre tid på administration och mer på undervisning.",
               "Skolvalet ska vara klart före sportlovet med besked till alla familjer."),
        benefits=("Lärarna sparar tid och eleverna får snabbare återkoppling.",
                  "Tidig upptäckt av frånvaro ökar andelen elever som når gymnasiebehörighet.",
                  "Vårdnadshavare får en samlad bild av barnets skolgång.",
                  "Likvärdigheten mellan skolor i kommunen ökar."),
        keywords=("skola", "grundskola", "lärplattform", "frånvaro", "digital kompetens",
                  "elevhälsa", "skolval")),
    "climate-environment": Theme(
        objects=(("klimatdata för kommunens utsläpp", "climate data on emissions"),
                 ("sensorer för luftkvalitet", "air-quality sensors"),
                 ("digital tillsyn av enskilda avlopp",
                  "digital inspection of private sewage systems"),
                 ("energiuppföljning i kommunens fastigheter",
                  "energy monitoring in public buildings"),
                 ("kartläggning av klimatrisker", "mapping of climate risks"),
                 ("cirkulära möbler och återbruk", "circular furniture and reuse"),
                 ("matsvinnsmätning i skolkök", "food-waste measurement in school kitchens")),
        problems=("Uppgifterna om utsläpp kommer ett år för sent för att kunna styra arbetet.",
                  "Energiförbrukningen i de egna fastigheterna följs upp manuellt en gång om året.",
                  "Tillsynen av enskilda avlopp ligger flera år efter plan.",
                  "Kraftiga skyfall ger översvämningar där ingen hade räknat med dem."),
        goals=("Följa utsläppen månadsvis och styra mot klimatmålen för 2030.",
               "Minska energianvändningen i de egna fastigheterna med 15 procent.",
               "Alla enskilda avlopp ska ha inventerats inom fem år.",
               "Halvera matsvinnet i skolor och förskolor."),
        benefits=("Lägre energikostnader och minskade utsläpp av växthusgaser.",
                  "Bättre beslutsunderlag för fysisk planering och klimatanpassning.",
                  "Tydligare uppföljning gör det enklare att visa vad åtgärderna ger.",
                  "Återbruk sparar både pengar och råvaror."),
        keywords=("klimat",
                  "miljö", "energi", "sensorer", "öppna data", "återbruk", "klimatanpassning")),
    "urban-planning": Theme(
        objects=(("digital detaljplaneprocess", "a digital detailed-planning process"),
                 ("3D-modell av staden", "a 3D city model"),
                 ("e-tjänst för bygglov", "an e-service for building permits"),
                 ("digital tvilling för stadsplanering", "a digital twin for urban planning"),
                 ("maskinläsbara detaljplaner", "machine-readable detailed plans"),
                 ("medborgardialog i kartan", "map-based citizen dialogue")),
        problems=("Bygglovsansökningar kommer in ofullständiga och måste kompletteras flera "
                  "gånger.",
                  "Detaljplaner finns som PDF och kan inte användas direkt i andra system.",
                  "Det är svårt för invånare att förstå hur ett nytt område kommer att se ut.",
                  "Handläggningstiden för bygglov överskrider ofta den lagstadgade tiden."),
        goals=("Nio av tio bygglovsansökningar ska vara kompletta från början.",
               "Alla nya detaljplaner ska vara maskinläsbara enligt nationell specifikation.",
               "Invånare ska kunna se och tycka till om planer i en 3D-modell.",
               "Korta handläggningstiden för bygglov till under fyra veckor."),
        benefits=("Kortare handläggningstider och färre kompletteringar.",
                  "Planeringsunderlag som kan återanvändas av både kommun och byggherrar.",
                  "Bättre förankrade planer och färre överklaganden.",
                  "Samhällsbyggnadsprocessen blir snabbare och mer förutsägbar."),
        keywords=("bygglov", "detaljplan", "digital tvilling", "3D", "samhällsbyggnad", "geodata")),
    "transport": Theme(
        objects=(("realtidsinformation i kollektivtrafiken",
                  "real-time public transport information"),
                 ("anropsstyrd trafik på landsbygden",
                  "demand-responsive transport in rural areas"),
                 ("digital parkeringsövervakning", "digital parking enforcement"),
                 ("samordnade sjukresor", "coordinated patient transport"),
                 ("trafikdata från sensorer i korsningar", "traffic data from junction sensors"),
                 ("laddinfrastruktur för elfordon",
                  "charging infrastructure for electric vehicles")),
        problems=("Resenärer på landsbygden har långt till närmaste hållplats och glesa turer.",
                  "Sjukresor och skolskjutsar körs med halvtomma fordon på samma sträckor.",
                  "Trafikflödena mäts sällan och planeringen bygger på gamla räkningar.",
                  "Bristen på laddplatser hindrar omställningen av kommunens fordonsflotta."),
        goals=("Samordna skolskjuts, färdtjänst och sjukresor i en och samma planering.",
               "Resenärerna ska alltid veta när nästa tur går.",
               "Minska antalet körda tomkilometer med en fjärdedel.",
               "Alla kommunens tjänstebilar ska vara eldrivna till 2030."),
        benefits=("Lägre kostnader för resor och bättre service till resenärerna.",
                  "Minskade utsläpp från trafiken och bättre luft i centrum.",
                  "Fler väljer kollektivtrafiken när informationen är pålitlig.",
                  "Bättre underlag för investeringar i vägar och cykelbanor."),
        keywords=("kollektivtrafik",
                  "färdtjänst", "sjukresor", "mobilitet", "trafikdata", "elfordon")),
    "culture-leisure": Theme(
        objects=(("digital bokning av idrottshallar", "online booking of sports halls"),
                 ("meröppna bibliotek", "self-service library opening hours"),
                 ("digitalt kulturarv från lokala arkiv",
                  "digital cultural heritage from local archives"),
                 ("föreningsbidrag via e-tjänst", "association grants through an e-service"),
                 ("kulturskolans digitala anmälan", "online enrolment for the arts school")),
        problems=("Lokaler står tomma samtidigt som föreningar säger att de inte får tider.",
                  "Biblioteken har korta öppettider på mindre orter.",
                  "Lokala arkiv riskerar att gå förlorade när föreningar läggs ner.",
                  "Ansökningar om föreningsbidrag hanteras på papper och tar lång tid."),
        goals=("Öka beläggningen i kommunens lokaler med en tredjedel.",
               "Biblioteken ska vara tillgängliga även när personalen inte är på plats.",
               "Göra det lokala kulturarvet sökbart för alla.",
               "Föreningar ska få besked om bidrag inom tre veckor."),
        benefits=("Fler invånare får tillgång till kultur och fritid nära hemmet.",
                  "Bättre nyttjande av lokaler som redan finns.",
                  "Föreningarna lägger mindre tid på administration.",
                  "Kulturarvet bevaras och blir tillgängligt för skolor och forskare."),
        keywords=("bibliotek",
                  "föreningsliv", "kulturarv", "lokalbokning", "kulturskola", "idrott")),
    "citizen-services": Theme(
        objects=(("kontaktcenter med gemensam ärendehantering",
                  "a contact centre with shared case handling"),
                 ("e-tjänster med inloggning via e-legitimation",
                  "e-services with electronic ID login"),
                 ("chattbot för vanliga frågor", "a chatbot for common questions"),
                 ("Mina sidor för invånare", "a personal page for residents"),
                 ("klarspråk i beslut och brev", "plain language in decisions and letters"),
                 ("digital brevlåda för myndighetspost", "a digital mailbox for official letters"),
                 ("tillgänglig webbplats", "an accessible website")),
        problems=("Invånare ringer flera gånger för att få veta var deras ärende befinner sig.",
                  "Många e-tjänster är bara PDF-blanketter som skrivs ut och skickas in.",
                  "Besluten är svåra att förstå och leder till onödiga frågor och överklaganden.",
                  "Webbplatsen uppfyller inte kraven i lagen om tillgänglighet till digital "
                  "offentlig service."),
        goals=("Nio av tio frågor ska kunna besvaras vid första kontakten.",
               "Alla vanliga ärenden ska kunna göras digitalt dygnet runt.",
               "Invånaren ska kunna följa sitt ärende utan att behöva ringa.",
               "Alla brev och beslut ska vara skrivna på klarspråk."),
        benefits=("Snabbare svar för invånarna och färre samtal till handläggarna.",
                  "Högre nöjdhet i servicemätningarna och ett starkare förtroende.",
                  "Pappersflödet minskar och ärendena blir spårbara.",
                  "Fler kan använda tjänsterna, också den som har en funktionsnedsättning."),
        keywords=("e-tjänst", "kontaktcenter", "Mina sidor", "e-legitimation", "klarspråk",
                  "tillgänglighet", "service")),
    "administration": Theme(
        objects=(("robotiserad fakturahantering", "robotic invoice processing"),
                 ("e-arkiv för långsiktigt bevarande", "an e-archive for long-term preservation"),
                 ("digitala nämndhandlingar", "digital committee documents"),
                 ("automatiserad lönehantering", "automated payroll"),
                 ("gemensam ärendehantering", "shared case management"),
                 ("beslutsstöd med verksamhetsdata", "decision support from operational data"),
                 ("e-handel för inköp", "e-procurement for purchasing")),
        problems=("Leverantörsfakturor granskas manuellt trots att de följer samma mönster.",
                  "Allmänna handlingar lagras i system som snart inte längre stöds.",
                  "Chefer saknar aktuella uppgifter om ekonomi och personal när de ska fatta "
                  "beslut.",
                  "Inköp görs utanför avtal eftersom avtalen är svåra att hitta."),
        goals=("Tre av fyra leverantörsfakturor ska hanteras helt automatiskt.",
               "Alla verksamhetssystem ska ha en plan för arkivering i e-arkivet.",
               "Chefer ska ha aktuella nyckeltal samlade på ett ställe.",
               "Avtalstroheten i inköp ska öka till minst 90 procent."),
        benefits=("Frigjord tid i ekonomifunktionen och färre betalningsfel.",
                  "Allmänna handlingar bevaras och kan lämnas ut snabbt.",
                  "Bättre beslut med färskare underlag.",
                  "Lägre inköpskostnader genom högre avtalstrohet."),
        keywords=("automatisering", "e-arkiv", "ekonomi", "RPA", "beslutsstöd", "inköp", "lön")),
    "public-safety": Theme(
        objects=(("gemensam lägesbild vid kris", "a shared situational picture in a crisis"),
                 ("digitala brandskyddskontroller", "digital fire-safety inspections"),
                 ("trygghetsmätning med öppna data", "safety surveys with open data"),
                 ("informationssäkerhetsarbete enligt LIS", "information security management"),
                 ("reservrutiner vid it-avbrott", "fallback routines for IT outages")),
        problems=("Vid kriser saknas en gemensam bild av läget mellan kommun, region och "
                  "räddningstjänst.",
                  "Protokollen från brandskyddskontroller skrivs på papper och förs in i "
                  "efterhand.",
                  "Verksamheterna vet inte vad de ska göra när ett viktigt system ligger nere.",
                  "Otryggheten i vissa områden är stor men underlaget om varför är tunt."),
        goals=("Alla aktörer ska se samma lägesbild inom en timme efter ett larm.",
               "Varje verksamhet ska ha övade reservrutiner för sina viktigaste system.",
               "Tillsynsprotokoll ska vara klara och skickade samma dag.",
               "Rikta de trygghetsskapande insatserna dit de gör mest nytta."),
        benefits=("Snabbare och bättre samordnade insatser när något händer.",
                  "Färre och kortare avbrott i samhällsviktig verksamhet.",
                  "Ökad trygghet för invånarna.",
                  "Tillsynen hinner med fler objekt per år."),
        keywords=("krisberedskap",
                  "räddningstjänst", "informationssäkerhet", "trygghet", "lägesbild")),
    "labour-market": Theme(
        objects=(("matchning av arbetssökande mot praktikplatser",
                  "matching job seekers with work placements"),
                 ("digital kartläggning av kompetenser", "digital skills mapping"),
                 ("vägledning för unga som varken arbetar eller studerar",
                  "guidance for young people not in work or education"),
                 ("uppföljning av arbetsmarknadsinsatser", "follow-up of labour-market measures"),
                 ("språkpraktik med digitalt stöd", "language internships with digital support")),
        problems=("Arbetssökande och arbetsgivare hittar inte varandra trots att behoven finns.",
                  "Det saknas uppföljning av vilka insatser som faktiskt leder till arbete.",
                  "Unga som hoppat av skolan tappas bort mellan olika myndigheter.",
                  "Kompetenser från andra länder synliggörs inte för arbetsgivarna."),
        goals=("Fler deltagare ska gå till arbete eller studier inom ett år.",
               "Alla unga i målgruppen ska få kontakt inom en månad.",
               "Insatserna ska följas upp med samma mått i hela länet.",
               "Korta tiden från inskrivning till praktikplats."),
        benefits=("Minskat försörjningsstöd när fler går till arbete.",
                  "Arbetsgivare får tillgång till kompetens de har svårt att hitta.",
                  "Bättre kunskap om vilka insatser som fungerar.",
                  "Unga får rätt stöd i tid."),
        keywords=("arbetsmarknad", "matchning", "kompetens", "praktik", "unga", "etablering")),
    "digital-infrastructure": Theme(
        objects=(("gemensam plattform för API:er", "a shared API platform"),
                 ("öppna data via nationell dataportal",
                  "open data through the national data portal"),
                 ("identitets- och behörighetshantering", "identity and access management"),
                 ("bredband till hela landsbygden", "broadband for all rural areas"),
                 ("molntjänster med svensk drift", "cloud services operated in Sweden"),
                 ("gemensam informationsmodell", "a shared information model"),
                 ("sakernas internet-nätverk (LoRaWAN)",
                  "an Internet of Things network (LoRaWAN)")),
        problems=("Varje ny e-tjänst bygger egna integrationer mot samma verksamhetssystem.",
                  "Data som redan finns publiceras inte och efterfrågas via registratorn.",
                  "Användare har många konton och behörigheter tas inte bort när de slutar.",
                  "Glesbygden saknar uppkoppling som räcker för distansarbete och e-hälsa."),
        goals=("Alla nya integrationer ska gå via den gemensamma API-plattformen.",
               "Publicera de tio mest efterfrågade dataseten som öppna data.",
               "En inloggning och en behörighetsprocess för alla system.",
               "Alla hushåll ska ha möjlighet till minst 1 Gbit/s."),
        benefits=("Snabbare och billigare utveckling av nya tjänster.",
                  "Företag och forskare kan skapa nytta av offentliga data.",
                  "Högre säkerhet och enklare arbetsdag för medarbetarna.",
                  "Hela kommunen kan ta del av digitala tjänster på lika villkor."),
        keywords=("API", "öppna data", "IAM", "bredband", "interoperabilitet", "IoT", "moln")),
    "housing": Theme(
        objects=(("digital bostadskö", "a digital housing queue"),
                 ("sensorer för inomhusklimat i hyresrätter",
                  "indoor-climate sensors in rental flats"),
                 ("bostadsanpassning via e-tjänst", "home adaptation grants through an e-service"),
                 ("digital felanmälan för hyresgäster", "digital fault reporting for tenants")),
        problems=("Bostadskön sköts i flera listor och sökande får inte veta sin placering.",
                  "Fukt och kyla upptäcks först när hyresgästen klagar.",
                  "Ansökningar om bostadsanpassning tar månader att handlägga.",
                  "Felanmälningar kommer via telefon och försvinner mellan skiften."),
        goals=("Sökande ska alltid kunna se sin plats i bostadskön.",
               "Upptäcka problem med inomhusklimatet innan hyresgästen märker dem.",
               "Halvera handläggningstiden för bostadsanpassning.",
               "Alla felanmälningar ska kunna följas från anmälan till åtgärd."),
        benefits=("Nöjdare hyresgäster och lägre kostnader för skador.",
                  "Färre samtal och tydligare service.",
                  "Äldre kan bo kvar hemma när anpassningen kommer snabbare.",
                  "Lägre energianvändning när värmen styrs efter verkliga behov."),
        keywords=("bostad", "bostadskö", "hyresgäst", "bostadsanpassning", "felanmälan")),
    "business-development": Theme(
        objects=(("en väg in för företagare", "a single point of contact for businesses"),
                 ("digitala serveringstillstånd", "digital alcohol-licence applications"),
                 ("innovationsupphandling med lokala företag",
                  "innovation procurement with local businesses"),
                 ("besöksnäringens gemensamma bokning", "shared booking for the visitor economy"),
                 ("företagslotsning via e-tjänst", "business guidance through an e-service")),
        problems=("Företagare får kontakta flera förvaltningar för att starta en verksamhet.",
                  "Tillståndsprocesserna är långsamma och svåra att förstå.",
                  "Små lokala företag har svårt att delta i kommunens upphandlingar.",
                  "Besökare hittar inte de lokala upplevelserna."),
        goals=("Företagare ska bara behöva lämna sina uppgifter en gång.",
               "Beslut om serveringstillstånd inom sex veckor.",
               "Fler lokala företag ska lämna anbud.",
               "Öka antalet gästnätter med en tiondel."),
        benefits=("Bättre företagsklimat och fler jobb i kommunen.",
                  "Snabbare tillstånd och färre kompletteringar.",
                  "Ökad konkurrens och bättre affärer för kommunen.",
                  "Mer handel och fler besökare året runt."),
        keywords=("näringsliv", "tillstånd", "företagare", "besöksnäring", "upphandling")),
    "democracy-participation": Theme(
        objects=(("digitala medborgarförslag", "digital citizen proposals"),
                 ("direktsända fullmäktigemöten", "live-streamed council meetings"),
                 ("öppna beslut och protokoll", "open decisions and minutes"),
                 ("ungdomsdialog via sociala medier", "youth dialogue through social media"),
                 ("medborgarbudget", "participatory budgeting")),
        problems=("Få invånare vet hur de kan påverka kommunens beslut.",
                  "Protokoll och beslut är svåra att hitta och söka i.",
                  "Unga deltar sällan i samråd och dialoger.",
                  "Medborgarförslag hanteras på papper och får sena svar."),
        goals=("Alla beslut ska vara sökbara och öppna inom en vecka.",
               "Fördubbla antalet unga som deltar i dialoger.",
               "Invånarna ska få besked om sina förslag inom tre månader.",
               "Låta invånarna själva fördela en del av budgeten."),
        benefits=("Ökat förtroende för den lokala demokratin.",
                  "Bättre förankrade beslut.",
                  "Större insyn för invånare och journalister.",
                  "Fler röster hörs i de beslut som rör dem."),
        keywords=("demokrati", "delaktighet", "medborgardialog", "öppenhet", "fullmäktige")),
}

APPROACHES = (
    "Arbetet sker i nära samarbete med medarbetare och de invånare som berörs.",
    "Lösningen bygger på öppen källkod och öppna standarder så att andra kan återanvända den.",
    "Vi börjar i liten skala, mäter effekterna och breddar först när nyttan är visad.",
    "En referensgrupp med representanter från verksamheten följer arbetet.",
    "Upphandlingen görs tillsammans med andra organisationer i länet.",
    "Informationssäkerhet och dataskydd har bedömts i en konsekvensanalys.",
    "Verksamheten äger frågan och it-avdelningen stöttar med teknik och arkitektur.",
    "Erfarenheter från andra kommuner och regioner har tagits tillvara från start.",
    "Användarna testar prototyper tidigt så att tjänsten blir lätt att förstå.",
    "Finansieringen sker delvis med stöd från en nationell satsning.",
)

APPROACHES_EN = (
    "The work is done together with the staff and the residents concerned.",
    "The solution is built on open source and open standards so that others can reuse it.",
    "We start small, measure the effects and widen the scope once the benefit is shown.",
    "The procurement is shared with other organisations in the county.",
    "Users test prototypes early so that the service is easy to understand.",
)

SUMMARIES: dict[str, tuple[str, ...]] = {
    "idea": ("Idén om {obj} har lämnats in och ska bedömas.",
             "Verksamheten föreslår {obj}; ett första underlag är skrivet.",
             "Idén har presenterats för ledningsgruppen."),
    "prestudy": ("Förstudien om {obj} har startat.",
                 "Behov och nuläge kartläggs i en förstudie.",
                 "Förstudien jämför tre alternativa lösningar."),
    "planning": ("Förstudien är klar och projektet planeras.",
                 "Projektplan och budget är beslutade.",
                 "Planeringen pågår; upphandlingen förbereds."),
    "development": ("Utvecklingen av {obj} pågår.",
                    "Leverantör är vald och utvecklingen har börjat.",
                    "De första delarna är byggda och testas internt."),
    "pilot": ("Piloten har startat i två verksamheter.",
              "Piloten med {obj} pågår och utvärderas löpande.",
              "De första användarna är igång i piloten och återkopplingen är positiv."),
    "implementation": ("Införandet i hela organisationen pågår.",
                       "Piloten är utvärderad och breddinförandet har börjat.",
                       "Utbildning av medarbetare pågår inför införandet."),
    "operation": ("{Obj} är i drift och förvaltas av verksamheten.",
                  "Lösningen har lämnats över till förvaltning.",
                  "Projektet är avslutat och tjänsten är i drift."),
    "scaling": ("Fler organisationer har anslutit sig till lösningen.",
                "Lösningen sprids nu till grannkommunerna.",
                "Spridningen till fler verksamheter pågår."),
    "paused": ("Arbetet är pausat i väntan på finansiering.",
               "Projektet är pausat på grund av resursbrist.",
               "Arbetet vilar tills den nya upphandlingen är klar."),
    "discontinued": ("Projektet avbröts; nyttan motsvarade inte kostnaden.",
                     "Arbetet avslutades i förtid efter beslut i nämnden.",
                     "Projektet avbröts när en nationell lösning blev tillgänglig."),
    "closed": ("Projektet är avslutat och slutrapporten publicerad.",
               "Lösningen har ersatts av en gemensam tjänst och projektet är stängt.",
               "Initiativet är avslutat; erfarenheterna finns i slutrapporten."),
}

THEME_CODES = tuple(THEMES)
