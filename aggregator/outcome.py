"""What one crawl of one node found (:class:`Outcome`), and how it is told: the registry's summary
with its lists cut to size, the problems kept for the crawl log, one line for the terminal."""

from __future__ import annotations

import time
from dataclasses import dataclass, field, replace
from typing import Any

from pios_ld.aggregator import records
from pios_ld.aggregator.registry import Node
from pios_ld.aggregator.store import Batch

from pios_ld.errors import PiosError


@dataclass
class Outcome:
    """What one crawl of one node found, and what to commit for it."""

    node: Node
    started: str
    status: str = "unchanged"  # unchanged | updated | held | failed | refused
    http_status: int | None = None
    etag: str | None = None
    initiatives: int = 0
    quarantined: list[records.Problem] = field(default_factory=list)
    dropped: list[records.Problem] = field(default_factory=list)
    warnings: list[dict] = field(default_factory=list)
    stale: list[str] = field(default_factory=list)
    errors: list[records.Problem] = field(default_factory=list)
    #: all problems, also those not kept in the lists above (which hold ``max_problems`` each)
    quarantined_count: int = 0
    dropped_count: int = 0
    warnings_count: int = 0
    #: a held catalog: how many initiatives it listed, and how many the last good crawl had
    held: dict[str, Any] | None = None
    versions: int = 0
    requests: int = 0
    bytes: int = 0
    batch: Batch = field(default_factory=Batch)
    state: dict[str, Any] = field(default_factory=dict)
    feed_pages: list[str] = field(default_factory=list)
    feed_members: list[str] = field(default_factory=list)
    #: per resource, the fingerprint of the latest version this crawl added to the history
    history_heads: dict[str, str] = field(default_factory=dict)
    #: versions read that repeated the version before them and were not stored again
    repeated_versions: int = 0
    #: documents the fast reader declined (the standard parser read them), and catalog records
    #: that pySHACL validated (the compiled engine could not): right, but slow
    declined_documents: int = 0
    pyshacl_records: int = 0
    reset_feed: bool = False
    finished: str = ""
    #: when this node's time budget ends (time.monotonic()) and how many bytes it may still read
    deadline: float = float("inf")
    bytes_left: int = 2**62
    #: when the crawl of this node began (time.monotonic()), for its duration
    began: float = field(default_factory=time.monotonic)

    def size(self) -> int:
        """Roughly how many statements this outcome writes."""
        return self.batch.size()

    def reason(self, lang: str = "en", limit: int | None = None) -> str:
        """Why this node failed, as one line: its errors' messages in *lang*, each once (a host
        that may not be reached fails the catalog and the feed with the same words), at most
        *limit* of them."""
        messages = dict.fromkeys(e.message_sv if lang == "sv" else e.message_en
                                 for e in self.errors)
        return "; ".join(list(messages)[:limit])

    def problems(self, limit: int) -> tuple[list[records.Problem], int]:
        """The problems to keep (errors first), at most *limit* problems and *limit* rule results
        in all, and how many problems and results were left out."""
        kept: list[records.Problem] = []
        left, omitted = limit, 0
        everything = self.errors + self.quarantined + self.dropped
        for problem in everything:
            if len(kept) >= limit:
                omitted += 1 + len(problem.results) + problem.more
                continue
            results = problem.results[:max(0, left)]
            left -= len(results)
            cut = len(problem.results) - len(results)
            if cut:
                problem = replace(problem, results=results, more=problem.more + cut)
            kept.append(problem)
        omitted += (self.quarantined_count - len(self.quarantined)) \
            + (self.dropped_count - len(self.dropped))
        return kept, omitted

    def summary(self, limit: int = 100) -> dict[str, Any]:
        """The crawl as the registry keeps it: lists cut to *limit*, the counts whole."""
        kept, omitted = self.problems(limit)  # errors, then quarantined, then dropped
        errors = len(self.errors)
        quarantined = errors + len(self.quarantined)
        return {
            "node": self.node.id, "url": self.node.url, "status": self.status,
            "http": self.http_status, "etag": self.etag, "initiatives": self.initiatives,
            "errors": [p.as_dict() for p in kept[:errors]],
            "quarantined": [p.as_dict() for p in kept[errors:quarantined]],
            "dropped": [p.as_dict() for p in kept[quarantined:]],
            "quarantined_count": self.quarantined_count, "dropped_count": self.dropped_count,
            "omitted_problems": omitted,
            "warnings": self.warnings[:limit], "warnings_count": self.warnings_count,
            "stale": self.stale[:limit], "stale_count": len(self.stale),
            "held": self.held, "versions": self.versions, "requests": self.requests,
            "bytes": self.bytes,
        }


def problem(kind: str, exc: PiosError | str, subject: str | None = None) -> records.Problem:
    if isinstance(exc, PiosError):
        return records.Problem(kind, subject, exc.message_sv, exc.message)
    return records.Problem(kind, subject, exc, exc)


def outcome_line(outcome: Outcome) -> str:
    """One line about an outcome, for the terminal."""
    org = outcome.node.organization
    name = org.name if org else outcome.node.org_iri
    extra = f", {outcome.quarantined_count} quarantined" if outcome.quarantined_count else ""
    extra += f", {len(outcome.stale)} stale" if outcome.stale else ""
    slow = slow_paths([outcome])
    extra += f", {slow}" if slow else ""
    extra += (": " + outcome.reason(limit=3)) if outcome.errors else ""
    return (f"{name} ({outcome.node.url}): {outcome.status}, HTTP {outcome.http_status}, "
            f"{outcome.initiatives} initiatives{extra}")


def slow_paths(outcomes: list[Outcome]) -> str:
    """What of *outcomes* took the slow routes (right, but many times slower): documents the
    fast reader declined and records pySHACL validated; empty when nothing did."""
    declined = sum(o.declined_documents for o in outcomes)
    pyshacl = sum(o.pyshacl_records for o in outcomes)
    parts = ([f"{declined} document(s) read by the standard JSON-LD parser"] if declined else []) \
        + ([f"{pyshacl} record(s) validated by pySHACL"] if pyshacl else [])
    return ", ".join(parts)
