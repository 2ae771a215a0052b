"""N-Triples written straight from plain terms (:mod:`pios_ld.terms`), byte for byte as Oxigraph
writes them.

:func:`term` gives the N-Triples form of one term, the string pyoxigraph's ``str(term)`` gives
(the aggregator hashes it for skolem IRIs, so it must not differ by one byte); :func:`serialize`
writes statements one a line, ``<s> <p> <o> .``, as ``pyoxigraph.serialize`` does for
N-Triples. Oxigraph escapes in a literal ``"`` and ``\\``, the control characters U+0000–U+001F
and U+007F (``\\b \\t \\n \\f \\r`` by name, the others as ``\\uXXXX``) and the non-characters
U+FFFE and U+FFFF; everything else is written as it is, UTF-8 encoded.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from pios_ld.terms import XSD_STRING, Term

_ESCAPES = {i: f"\\u{i:04X}" for i in [*range(0x20), 0x7F, 0xFFFE, 0xFFFF]}
_ESCAPES.update({0x08: "\\b", 0x09: "\\t", 0x0A: "\\n", 0x0C: "\\f", 0x0D: "\\r",
                 ord('"'): '\\"', ord("\\"): "\\\\"})
_NEEDS_ESCAPE = re.compile('["\\\\\x00-\x1f\x7f\ufffe\uffff]')
_PN_CHARS_BASE = ("A-Za-z\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u02FF\u0370-\u037D"
                  "\u037F-\u1FFF\u200C-\u200D\u2070-\u218F\u2C00-\u2FEF\u3001-\uD7FF"
                  "\uF900-\uFDCF\uFDF0-\uFFFD\U00010000-\U000EFFFF")
_PN_CHARS = _PN_CHARS_BASE + "_\\-0-9\u00B7\u0300-\u036F\u203F-\u2040"
#: A blank-node label (after ``_:``) that N-Triples readers accept: BLANK_NODE_LABEL without
#: ``:``, which the grammar allows but Oxigraph's own reader refuses at the start of a label.
#: :func:`term` writes labels as they are, so whoever makes blank nodes keeps to this.
BLANK_LABEL = re.compile(f"[{_PN_CHARS_BASE}_0-9](?:[{_PN_CHARS}.]*[{_PN_CHARS}])?")


def term(value: Term) -> str:
    """The N-Triples form of a plain term: ``<iri>``, ``_:label`` or a literal."""
    if value.__class__ is str:
        return value if value.startswith("_:") else f"<{value}>"
    lexical, datatype, language = value
    # every character that needs an escape is unprintable, except the quote and the backslash
    if not (lexical.isprintable() and '"' not in lexical and "\\" not in lexical) \
            and _NEEDS_ESCAPE.search(lexical) is not None:
        lexical = lexical.translate(_ESCAPES)
    if language:
        return f'"{lexical}"@{language}'
    if datatype == XSD_STRING:
        return f'"{lexical}"'
    return f'"{lexical}"^^<{datatype}>'


def serialize(triples: Iterable[tuple[Term, str, Term]]) -> bytes:
    """N-Triples of *triples* (plain terms), one statement a line ending in `` .\\n``."""
    memo: dict[Term, str] = {}
    lines = []
    append = lines.append
    for s, p, o in triples:
        s_text = memo.get(s)
        if s_text is None:
            s_text = memo[s] = term(s)
        o_text = memo.get(o)
        if o_text is None:
            o_text = memo[o] = term(o)
        append(f"{s_text} <{p}> {o_text} .\n")
    return "".join(lines).encode()
