"""The portfolio overview: counts, budgets and spend by phase and theme, what changed, what stalls.

Pure functions from the current records to numbers, and from numbers to small accessible SVG bar
charts (each chart has a title and description, and the page shows the same figures in a table).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from html import escape
from typing import Any

from .i18n import PHASE_GROUPS, PHASES, label, themes

STALE_AFTER = timedelta(days=90)
FINISHED = frozenset(PHASE_GROUPS["completed"])


@dataclass
class Row:
    code: str
    count: int = 0
    budget: float = 0
    spent: float = 0


@dataclass
class Portfolio:
    count: int = 0
    budget: float = 0
    spent: float = 0
    by_phase: list[Row] = field(default_factory=list)
    by_theme: list[Row] = field(default_factory=list)
    stale: list[tuple[dict[str, Any], str]] = field(default_factory=list)


def _amount(record: dict[str, Any], key: str) -> float:
    value = record.get(key)
    if isinstance(value, dict):
        try:
            return float(value.get("value") or 0)
        except (TypeError, ValueError):
            return 0
    return 0


def last_update(record: dict[str, Any]) -> str:
    """The date of the latest status update, or the day the record was created."""
    dates = [u.get("date") for u in record.get("statusUpdate", []) if u.get("date")]
    return max(dates) if dates else str(record.get("created", ""))[:10]


def portfolio(records: list[dict[str, Any]], today: date | None = None) -> Portfolio:
    """The figures of the overview for *records* (current initiatives in context form)."""
    today = today or date.today()
    phases = {code: Row(code) for code in PHASES}
    theme_rows = {code: Row(code) for code in themes()}
    result = Portfolio(count=len(records))
    for record in records:
        budget, spent = _amount(record, "budget"), _amount(record, "spentToDate")
        result.budget += budget
        result.spent += spent
        phase = str(record.get("phase", "")).rsplit("/", 1)[-1]
        row = phases.setdefault(phase, Row(phase))
        row.count, row.budget, row.spent = row.count + 1, row.budget + budget, row.spent + spent
        for theme in record.get("theme", []):
            code = str(theme).rsplit("/", 1)[-1]
            row = theme_rows.setdefault(code, Row(code))
            row.count, row.budget, row.spent = (row.count + 1, row.budget + budget,
                                                row.spent + spent)
        last = last_update(record)
        if phase not in FINISHED and last and last < (today - STALE_AFTER).isoformat():
            result.stale.append((record, last))
    result.by_phase = [r for r in phases.values() if r.count]
    result.by_theme = sorted((r for r in theme_rows.values() if r.count),
                             key=lambda r: (-r.count, r.code))
    result.stale.sort(key=lambda item: item[1])
    return result


def money(value: float, lang: str = "sv") -> str:
    """``1200000`` → ``1 200 000 kr`` (sv) or ``SEK 1,200,000`` (en)."""
    whole = f"{round(value):,}"
    return f"{whole.replace(',', ' ')} kr" if lang == "sv" else f"SEK {whole}"


def bar_chart(chart_id: str, title: str, rows: list[tuple[str, float, str]],
              width: int = 560) -> str:
    """A horizontal bar chart as inline SVG; *rows* are (label, value, value as text)."""
    bar_height, gap, label_width, text_width = 22, 8, 190, 120
    height = max(1, len(rows)) * (bar_height + gap) + gap
    largest = max((v for _, v, _ in rows), default=0) or 1
    usable = width - label_width - text_width
    parts = [
        f'<svg class="chart" id="{chart_id}" role="img" aria-labelledby="{chart_id}-title" '
        f'viewBox="0 0 {width} {height}" width="100%" preserveAspectRatio="xMinYMin meet" '
        'xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
    ]
    for index, (name, value, shown) in enumerate(rows):
        y = gap + index * (bar_height + gap)
        length = max(2, usable * value / largest) if value else 0
        parts.append(
            f'<text x="{label_width - 8}" y="{y + bar_height * 0.7:.1f}" text-anchor="end" '
            f'class="chart-label">{escape(name)}</text>'
            f'<rect x="{label_width}" y="{y}" width="{length:.1f}" height="{bar_height}" '
            f'rx="3" class="chart-bar"/>'
            f'<text x="{label_width + length + 6:.1f}" y="{y + bar_height * 0.7:.1f}" '
            f'class="chart-value">{escape(shown)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def charts(result: Portfolio, lang: str) -> dict[str, str]:
    """The overview's charts: initiatives and budget by phase, initiatives by theme."""
    phase_rows = [(label("phase", r.code, lang), r.count, str(r.count)) for r in result.by_phase]
    budget_rows = [(label("phase", r.code, lang), r.budget, money(r.budget, lang))
                   for r in result.by_phase]
    theme_rows = [(label("theme", r.code, lang), r.count, str(r.count)) for r in result.by_theme]
    sv = lang == "sv"
    return {
        "phase": bar_chart("chart-phase", "Antal initiativ per fas" if sv
                           else "Initiatives by phase", phase_rows),
        "budget": bar_chart("chart-budget", "Budget per fas" if sv else "Budget by phase",
                            budget_rows),
        "theme": bar_chart("chart-theme", "Antal initiativ per område" if sv
                           else "Initiatives by theme", theme_rows),
    }
