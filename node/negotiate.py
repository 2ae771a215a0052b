"""Content negotiation: which representation a request asks for, honouring q-values.

Every public resource exists as JSON-LD, Turtle, N-Triples, N-Quads and HTML. A suffix
(``.jsonld``, ``.ttl``, ``.nt``, ``.nq``, ``.html``) decides; otherwise the ``Accept`` header does
(RFC 9110: the highest q wins, the more specific range wins among equals, then the resource's own
preference order). No acceptable format → ``None`` (the caller answers 406).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache


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


def _parse(accept: str) -> list[tuple[str, float]]:
    ranges = []
    for part in accept.split(","):
        pieces = [p.strip() for p in part.split(";")]
        media = pieces[0].lower()
        if not media:
            continue
        q = 1.0
        for param in pieces[1:]:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    q = max(0.0, min(1.0, float(value)))
                except ValueError:
                    q = 0.0
        ranges.append((media, q))
    return ranges


def _quality(ranges: list[tuple[str, float]], media_type: str) -> tuple[float, int]:
    """The q the ranges give *media_type*, with how specific the matching range was."""
    best: tuple[int, float] | None = None
    kind = media_type.split("/")[0]
    for media, q in ranges:
        if media == media_type:
            specificity = 3
        elif media == f"{kind}/*":
            specificity = 2
        elif media == "*/*":
            specificity = 1
        else:
            continue
        if best is None or specificity > best[0]:
            best = (specificity, q)
    return (best[1], best[0]) if best else (0.0, 0)


@lru_cache(maxsize=512)
def choose(accept: str | None, order: tuple[Choice, ...] = DOCUMENT_ORDER) -> Choice | None:
    """The representation to send for an ``Accept`` header (cached: headers repeat)."""
    if not accept or not accept.strip():
        return order[0]
    ranges = _parse(accept)
    scored = []
    for rank, choice in enumerate(order):
        q, specificity = max(_quality(ranges, m) for m in ALIASES[choice])
        if q > 0:
            scored.append((-q, -specificity, rank, choice))
    if not scored:
        return None
    return min(scored, key=lambda s: s[:3])[3]
