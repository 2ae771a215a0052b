"""Similar initiatives at other organisations, asked of the node's aggregators for the editor.

While a coordinator writes a new initiative, the editor shows what other organisations have
already built (DESIGN §9, ``GET <aggregator>/api/similar?text=…&limit=N``). :class:`Suggester`
asks every configured aggregator at once, server-side, through :func:`pios_ld.fetch.fetch` (so
private addresses are refused unless allowed), each within :data:`TIMEOUT` seconds; the answers are
merged by :func:`merge` (one entry per initiative, its best score, best first, the node's own
organisation left out) and kept for :data:`CACHE_SECONDS` per text (:data:`FAILURE_CACHE_SECONDS`
when an aggregator said its index is not ``complete`` yet). An aggregator that does not
answer, answers an error or answers something that is not the contract costs a log line and
nothing else: :class:`Suggestions` then says ``available=False`` and the page shows a quiet
"no suggestions now" (that answer is kept for :data:`FAILURE_CACHE_SECONDS`, so a person typing
does not wait for a dead aggregator at every pause).

Only :meth:`Suggester.suggest` does IO; :func:`similar_url`, :func:`parse` and :func:`merge` are
pure.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from urllib.parse import urlencode

from pios_ld.errors import PiosError
from pios_ld.fetch import Limits, fetch
from pios_ld.webpolicy import linkable

log = logging.getLogger("pios_ld.node.similar")

#: Seconds one aggregator may take to answer, connection and body included.
TIMEOUT = 2.0
#: Seconds an answer for one text is reused.
CACHE_SECONDS = 120.0
#: Seconds "no aggregator answered" is reused.
FAILURE_CACHE_SECONDS = 15.0
#: Texts remembered at most.
CACHE_SIZE = 256
#: Suggestions shown.
LIMIT = 5
#: Characters of the draft sent (the title and the start of the description say enough).
MAX_TEXT = 4000
#: Shortest text worth asking about.
MIN_TEXT = 3
MAX_ANSWER_BYTES = 512 * 1024


@dataclass(frozen=True)
class Suggestion:
    """One similar initiative, as the aggregator described it."""

    initiative: str
    title: str
    organization: str
    organizationName: str | None  # noqa: N815 - the contract's key
    contact: str | None
    score: float

    @property
    def href(self) -> str | None:
        """The initiative's IRI when it may be a link (``http``/``https`` only)."""
        return self.initiative if _http_link(self.initiative) else None

    @property
    def mailbox(self) -> str | None:
        """The contact's address without ``mailto:``."""
        return self.contact.removeprefix("mailto:") if self.contact else None

    @property
    def mail_href(self) -> str | None:
        return self.contact if self.contact and self.contact.startswith("mailto:") \
            and linkable(self.contact) else None

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class Suggestions:
    """What the editor shows: the suggestions, and whether any aggregator answered."""

    results: tuple[Suggestion, ...] = ()
    available: bool = True
    #: whether there was a text to ask about
    asked: bool = True

    def as_dict(self) -> dict:
        return {"results": [s.as_dict() for s in self.results], "available": self.available}


def _http_link(value: str) -> bool:
    return linkable(value) and value.lower().startswith(("http://", "https://"))


def similar_url(aggregator: str, text: str, limit: int = LIMIT) -> str:
    """``https://agg.example.se`` (or its ``…/ping`` URL) → its ``/api/similar`` query URL."""
    base = aggregator.rstrip("/").removesuffix("/ping").rstrip("/")
    return f"{base}/api/similar?{urlencode({'text': text, 'limit': limit})}"


def draft_text(*parts: str | None) -> str:
    """The text asked about: the draft's fields joined, whitespace folded, capped."""
    return " ".join(" ".join(p.split()) for p in parts if p and p.strip())[:MAX_TEXT]


def parse(body: bytes) -> list[Suggestion]:
    """The suggestions in an ``/api/similar`` answer; entries that break the contract are left
    out, and an answer that is not the contract at all raises ``ValueError``."""
    return parse_answer(body)[0]


def parse_answer(body: bytes) -> tuple[list[Suggestion], bool]:
    """:func:`parse`, and whether the aggregator's index was complete (``complete``, true when
    the answer does not say)."""
    data = json.loads(body)
    if not isinstance(data, dict) or not isinstance(data.get("results"), list):
        raise ValueError("the answer has no list of results")
    found = []
    for item in data["results"]:
        if not isinstance(item, dict) or not isinstance(item.get("initiative"), str):
            continue
        score = item.get("score")
        found.append(Suggestion(
            initiative=item["initiative"], title=_text(item, "title") or item["initiative"],
            organization=_text(item, "organization") or "",
            organizationName=_text(item, "organizationName"), contact=_text(item, "contact"),
            score=float(score) if isinstance(score, int | float) else 0.0))
    return found, data.get("complete") is not False


def _text(item: dict, key: str) -> str | None:
    value = item.get(key)
    return value if isinstance(value, str) and value.strip() else None


def merge(answers: Iterable[list[Suggestion]], own_organization: str = "",
          limit: int = LIMIT) -> tuple[Suggestion, ...]:
    """One entry per initiative (the best-scored one), best first, not the node's own."""
    best: dict[str, Suggestion] = {}
    for answer in answers:
        for suggestion in answer:
            if own_organization and suggestion.organization == own_organization:
                continue
            kept = best.get(suggestion.initiative)
            if kept is None or suggestion.score > kept.score:
                best[suggestion.initiative] = suggestion
    ranked = sorted(best.values(), key=lambda s: (-s.score, s.initiative))
    return tuple(ranked[:limit])


class Suggester:
    """Asks the aggregators for initiatives like a draft, at once, briefly cached."""

    def __init__(self, aggregators: list[str], own_organization: str = "",
                 timeout: float = TIMEOUT, limit: int = LIMIT) -> None:
        self.aggregators = list(aggregators)
        self.own_organization = own_organization
        self.limit = limit
        self.limits = Limits(max_bytes=MAX_ANSWER_BYTES, deadline=timeout,
                             connect_timeout=timeout, read_timeout=timeout, max_redirects=2)
        self._cache: OrderedDict[str, tuple[float, Suggestions]] = OrderedDict()
        self._lock = threading.Lock()
        self._pool = ThreadPoolExecutor(max_workers=max(1, min(4, len(self.aggregators))),
                                        thread_name_prefix="pios-similar")

    @property
    def enabled(self) -> bool:
        return bool(self.aggregators)

    def suggest(self, text: str) -> Suggestions:
        """Similar initiatives for *text* (a draft's title and description)."""
        text = draft_text(text)
        if len(text) < MIN_TEXT or not self.enabled:
            return Suggestions(asked=False)
        key = text.casefold()
        with self._lock:
            cached = self._cache.get(key)
            if cached is not None and cached[0] > time.monotonic():
                self._cache.move_to_end(key)
                return cached[1]
        answers = list(self._pool.map(lambda a: self._ask(a, text), self.aggregators))
        answered = [a[0] for a in answers if a is not None]
        found = Suggestions(merge(answered, self.own_organization, self.limit),
                            available=bool(answered))
        # an aggregator that failed, or whose index is still being built, is asked again soon
        whole = bool(answered) and all(a is not None and a[1] for a in answers)
        ttl = CACHE_SECONDS if whole else FAILURE_CACHE_SECONDS
        with self._lock:
            self._cache[key] = (time.monotonic() + ttl, found)
            self._cache.move_to_end(key)
            while len(self._cache) > CACHE_SIZE:
                self._cache.popitem(last=False)
        return found

    def _ask(self, aggregator: str, text: str) -> tuple[list[Suggestion], bool] | None:
        url = similar_url(aggregator, text, self.limit + 5)  # room for the node's own, left out
        try:
            fetched = fetch(url, headers={"Accept": "application/json"}, limits=self.limits)
            if fetched.status != 200:
                log.warning("Similar initiatives: %s answered HTTP %s", aggregator,
                            fetched.status)
                return None
            return parse_answer(fetched.content)
        except PiosError as exc:
            log.warning("Similar initiatives: %s did not answer: %s", aggregator, exc)
        except ValueError as exc:  # JSON or the contract
            log.warning("Similar initiatives: %s answered something else than the contract: %s",
                        aggregator, exc)
        return None

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
