"""The phrase bank of :mod:`pios_ld.tools.generate`: what is said about initiatives of each theme.

Swedish (and some English) title objects, problems, goals, benefits, keywords, approaches and
status summaries per theme, plus the title patterns and lessons. Data only; varied enough that
generated portfolios read like real ones. The texts themselves live in ``phrases.json`` beside
this module (data, not code); this module gives them their types.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib import resources

from pios_ld.organizations import AGENCY, MUNICIPALITY, REGION

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
TITLE_PATTERNS: tuple[tuple[str, str, frozenset[str]], ...] = (
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


def _bank() -> dict:
    """The texts of ``phrases.json``, read once at import."""
    with resources.files("pios_ld.tools").joinpath("phrases.json").open(encoding="utf-8") as file:
        return json.load(file)


_BANK = _bank()
#: What is said per theme code, in the order the generator draws themes.
THEMES: dict[str, Theme] = {
    code: Theme(objects=tuple((sv, en) for sv, en in texts["objects"]),
                problems=tuple(texts["problems"]), goals=tuple(texts["goals"]),
                benefits=tuple(texts["benefits"]), keywords=tuple(texts["keywords"]))
    for code, texts in _BANK["themes"].items()
}
#: How the work is done (sv, and a shorter English set).
APPROACHES: tuple[str, ...] = tuple(_BANK["approaches"])
APPROACHES_EN: tuple[str, ...] = tuple(_BANK["approaches_en"])
#: Status summaries per phase code; ``{obj}``/``{Obj}`` is the title object.
SUMMARIES: dict[str, tuple[str, ...]] = {
    phase: tuple(texts) for phase, texts in _BANK["summaries"].items()}
#: Lessons learned, for completed initiatives.
LESSONS: tuple[str, ...] = tuple(_BANK["lessons"])

THEME_CODES = tuple(THEMES)
