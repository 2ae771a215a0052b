"""The two languages of pios-ld and the one rule for choosing among a value's languages (pure).

Every text a person reads exists in Swedish and, where someone wrote it, English. A language map
(``{"sv": …, "en": …}``: a JSON-LD language map, a concept's labels, a record's titles) is read
with :func:`pick`: the asked language, then Swedish (the language every record must have), then
English, then a text without a language, then any other; an empty text counts as missing.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

#: The languages of the interfaces, the default first.
LANGUAGES = ("sv", "en")
DEFAULT = LANGUAGES[0]
_ORDER = (*LANGUAGES, "")


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
