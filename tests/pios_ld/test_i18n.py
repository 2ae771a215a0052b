"""The one rule for choosing among a value's languages."""

from __future__ import annotations

import pytest

from pios_ld.i18n import pick


@pytest.mark.parametrize("values,lang,expected", [
    ({"sv": "Tillsyn", "en": "Checks"}, "en", "Checks"),
    ({"sv": "Tillsyn", "en": "Checks"}, "sv", "Tillsyn"),
    ({"sv": "Tillsyn"}, "en", "Tillsyn"),          # Swedish when the asked language is missing
    ({"en": "Checks"}, "sv", "Checks"),            # then English
    ({"en": "", "sv": "Tillsyn"}, "en", "Tillsyn"),  # an empty text counts as missing
    ({"": "Utan språk"}, "en", "Utan språk"),       # then a text without a language
    ({"fi": "Valvonta"}, "sv", "Valvonta"),        # then any other
    ({}, "sv", "fallback"), (None, "en", "fallback"),
])
def test_the_asked_language_then_swedish_then_english_then_any(values, lang, expected):
    assert pick(values, lang, "fallback") == expected
