"""Content negotiation (RFC 9110 §12.5.1), shared by the node and the aggregator (pure).

An ``Accept`` header is a list of media ranges (``text/turtle``, ``text/*``, ``*/*``), each with
a q-value. An *offer* is one representation the server can send, with the media types it answers
to. For each offer the most specific range that matches one of its media types gives its q
(``text/turtle;q=0`` beats ``text/*``); offers with q 0 are not acceptable. :func:`preferences`
orders the acceptable offers: highest q first, then the more specific matching range, then the
server's own order. No header (or an empty one) accepts every offer, in the server's order.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import TypeVar

K = TypeVar("K", bound=Hashable)


def parse(accept: str) -> list[tuple[str, float]]:
    """The media ranges of an ``Accept`` header with their q-values (a bad q counts as 0)."""
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


def quality(ranges: list[tuple[str, float]], media_type: str) -> tuple[float, int]:
    """The q the ranges give *media_type*, with how specific the matching range was (3 exact,
    2 ``type/*``, 1 ``*/*``, 0 none)."""
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


def preferences(accept: str | None, offers: Sequence[tuple[K, Sequence[str]]], *,
                aliases_exact: bool = False) -> list[K]:
    """The keys of the acceptable *offers* (``(key, media types)`` in the server's order of
    preference), best first. With *aliases_exact*, only an offer's first media type matches
    wildcards; the others (aliases such as ``text/xml``) only match when named exactly."""
    if not accept or not accept.strip():
        return [key for key, _ in offers]
    ranges = parse(accept)
    scored = []
    for rank, (key, media_types) in enumerate(offers):
        q, specificity = max(
            quality(ranges, m) if i == 0 or not aliases_exact
            else quality([r for r in ranges if r[0] == m], m)
            for i, m in enumerate(media_types))
        if q > 0:
            scored.append((-q, -specificity, rank, key))
    return [s[3] for s in sorted(scored, key=lambda s: s[:3])]


#: A page and its JSON twin, in the server's order: HTML unless JSON is preferred.
PAGE_OFFERS = (("html", ("text/html",)), ("json", ("application/json",)))


def wants_json(accept: str | None) -> bool:
    """Whether a client asking with *accept* prefers a page's JSON twin to its HTML."""
    return (preferences(accept, PAGE_OFFERS) or ["html"])[0] == "json"
