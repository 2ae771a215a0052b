"""Content negotiation: which representation a request asks for, honouring q-values.

Every public resource exists as JSON-LD, Turtle, N-Triples, N-Quads and HTML. A suffix
(``.jsonld``, ``.ttl``, ``.nt``, ``.nq``, ``.html``) decides; otherwise the ``Accept`` header does
(RFC 9110, through :mod:`pios_ld.negotiate`: the highest q wins, the more specific range wins
among equals, then the resource's own preference order). No acceptable format → ``None`` (the
caller answers 406).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from pios_ld import negotiate


@dataclass(frozen=True)
class Choice:
    name: str          # jsonld, turtle, ntriples, nquads, html
    media_type: str    # what the response says in Content-Type
    suffix: str


JSONLD = Choice("jsonld", "application/ld+json", ".jsonld")
TURTLE = Choice("turtle", "text/turtle", ".ttl")
NTRIPLES = Choice("ntriples", "application/n-triples", ".nt")
NQUADS = Choice("nquads", "application/n-quads", ".nq")
HTML = Choice("html", "text/html", ".html")
ALL = (JSONLD, TURTLE, NTRIPLES, NQUADS, HTML)
BY_SUFFIX = {c.suffix: c for c in ALL}

#: Media types each choice also answers to.
ALIASES = {
    JSONLD: ("application/ld+json", "application/json"),
    TURTLE: ("text/turtle", "application/x-turtle"),
    NTRIPLES: ("application/n-triples", "text/plain"),
    NQUADS: ("application/n-quads",),
    HTML: ("text/html", "application/xhtml+xml"),
}

#: Preference when the client likes several equally: documents prefer JSON-LD; the feed prefers
#: syntaxes without a context to resolve, for LDES clients that cannot be told about ours.
DOCUMENT_ORDER = (JSONLD, HTML, TURTLE, NTRIPLES, NQUADS)
FEED_ORDER = (TURTLE, NQUADS, NTRIPLES, JSONLD, HTML)


def split_suffix(path: str) -> tuple[str, Choice | None]:
    """``/catalog.ttl`` → (``/catalog``, TURTLE); no known suffix → (path, None)."""
    dot = path.rfind(".")
    if dot > path.rfind("/"):
        choice = BY_SUFFIX.get(path[dot:])
        if choice:
            return path[:dot], choice
    return path, None


@lru_cache(maxsize=512)
def choose(accept: str | None, order: tuple[Choice, ...] = DOCUMENT_ORDER) -> Choice | None:
    """The representation to send for an ``Accept`` header (cached: headers repeat)."""
    ranked = negotiate.preferences(accept, [(choice, ALIASES[choice]) for choice in order])
    return ranked[0] if ranked else None
