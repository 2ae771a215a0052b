"""Data safety: whether a catalog that suddenly lists far fewer initiatives is held (pure).

A catalog that lists fewer than ``hold_shrink`` of the initiatives of the last good crawl, and at
least ``hold_min_loss`` fewer (an empty catalog after a non-empty one always), is *held*: the
crawler keeps the initiatives it no longer lists, and the deletions go ahead only when the
publisher has confirmed them (``deletions_confirmed``, set by ``pios aggregator
confirm-deletions``) or when ``hold_repeats`` consecutive crawls found the same.
:func:`decide` takes the node's crawl state and settings and returns the :class:`Decision`: held
or not, the state to record, and a message for the publisher (Swedish and English).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pios_ld.aggregator.records import Problem, count_sv

#: The state that says nothing is held.
CLEAR: dict[str, Any] = {"held_count": 0, "held_since": None, "held_listed": None,
                         "held_previous": None, "deletions_confirmed": 0}


@dataclass(frozen=True)
class Decision:
    held: bool
    #: node-state columns to write (empty: nothing changes)
    state: dict[str, Any] = field(default_factory=dict)
    #: what to tell the publisher, if anything
    notice: Problem | None = None
    #: for the crawl summary when held: listed, previous, crawls, since, repeats
    detail: dict[str, Any] | None = None


def shrunken(previous: int, listed: int, shrink: float, least: int) -> bool:
    """Whether a catalog of *listed* initiatives is far fewer than the *previous* good one."""
    return previous > 0 and (listed == 0 or (listed < shrink * previous
                                             and previous - listed >= least))


def decide(state: dict[str, Any], listed: int, settings: dict[str, Any], when: str) -> Decision:
    """Hold or apply a catalog of *listed* initiatives, given the node's crawl *state*."""
    previous = int(state.get("initiatives") or 0)
    if not shrunken(previous, listed, float(settings.get("hold_shrink", 0.5)),
                    int(settings.get("hold_min_loss", 3))):
        was_held = state.get("held_count") or state.get("deletions_confirmed")
        return Decision(False, dict(CLEAR) if was_held else {})
    crawls = int(state.get("held_count") or 0) + 1
    repeats = int(settings.get("hold_repeats", 3))
    confirmed = bool(state.get("deletions_confirmed"))
    if confirmed or crawls >= repeats:
        why_en = ("the publisher confirmed them" if confirmed
                  else f"{crawls} consecutive crawls found the same")
        why_sv = ("utgivaren har bekräftat dem" if confirmed
                  else f"{crawls} genomsökningar i rad fann detsamma")
        return Decision(False, dict(CLEAR), Problem(
            "deletions", None,
            f"Katalogen listar {count_sv(listed)} av {count_sv(previous)} initiativ; "
            f"borttagningarna genomfördes eftersom {why_sv}.",
            f"The catalog lists {listed:,} of {previous:,} initiatives; the deletions went "
            f"ahead because {why_en}."))
    since = state.get("held_since") or when
    return Decision(
        True,
        {"held_count": crawls, "held_since": since, "held_listed": listed,
         "held_previous": previous},
        Problem(
            "held", None,
            f"Katalogen listar plötsligt bara {count_sv(listed)} av {count_sv(previous)} "
            "initiativ. Inget tas bort förrän utgivaren bekräftar (pios aggregator "
            f"confirm-deletions) eller {repeats} genomsökningar i rad finner detsamma "
            f"(nu {crawls}).",
            f"The catalog suddenly lists only {listed:,} of {previous:,} initiatives. Nothing "
            "is deleted until the publisher confirms (pios aggregator confirm-deletions) or "
            f"{repeats} consecutive crawls find the same (now {crawls})."),
        {"listed": listed, "previous": previous, "crawls": crawls, "since": since,
         "repeats": repeats})
