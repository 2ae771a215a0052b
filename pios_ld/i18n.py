"""The two languages of pios-ld, the one rule for choosing among a value's languages, and the one
convention for interface strings (pure).

Every text a person reads exists in Swedish and, where someone wrote it, English. A language map
(``{"sv": …, "en": …}``: a JSON-LD language map, a concept's labels, a field's label, a record's
titles) is read with :func:`pick`: the asked language, then Swedish (the language every record
must have), then English, then a text without a language, then any other; an empty text counts as
missing.

An interface string is written in English where it is used, ``t("Log in")``, and each
application keeps one dictionary from that English text (gettext's ``msgid``) to its Swedish
(``{"Log in": "Logga in"}``); :func:`translate` looks it up. The applications' ``t()`` are this
function with their dictionary, so moving to gettext catalogues later is mechanical: the keys are
already the msgids and the dictionaries are the Swedish catalogue.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

#: The languages of the interfaces, the default first.
LANGUAGES = ("sv", "en")
DEFAULT = LANGUAGES[0]
_ORDER = (*LANGUAGES, "")
#: Each language's name in itself (a language switch's text).
NAMES = {"sv": "Svenska", "en": "English"}


def pick(values: Mapping[str, Any] | None, lang: str = DEFAULT, default: Any = "") -> Any:
    """The text of *values* (language → text) to show in *lang*, or *default* when it has none."""
    if not values:
        return default
    for key in (lang, *_ORDER):
        found = values.get(key)
        if found:
            return found
    return next((v for v in values.values() if v), default)


def choose(*wanted: str | None, default: str = DEFAULT) -> str:
    """The interface language: the first of *wanted* that is one of :data:`LANGUAGES` (each
    application passes, in its order, ``?lang=``, the remembered cookie, and what else it
    honours), else *default*."""
    return next((w for w in wanted if w in LANGUAGES), default)


def other(lang: str) -> str:
    """The interface language a page in *lang* switches to."""
    return "en" if lang == "sv" else "sv"


def translate(swedish: Mapping[str, str], text: str, lang: str = DEFAULT) -> str:
    """The interface string *text* (its English, the msgid) in *lang*: as written in English, the
    Swedish of *swedish* (English text → Swedish) otherwise. A text the dictionary lacks is shown
    as written (``tests/test_translations.py`` keeps every text the pages ask for in it)."""
    if lang == "en":
        return text
    return swedish.get(text, text)
