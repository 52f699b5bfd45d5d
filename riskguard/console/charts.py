"""Server-rendered SVG charts (no JavaScript, no library): decisions per day by outcome, and the
Benford first-digit distribution. Every label is escaped; the output is safe markup."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

from markupsafe import Markup, escape

__all__ = ["OUTCOME_COLOURS", "stacked_days", "benford_bars"]

OUTCOME_COLOURS = {"allow": "#1f7a3a", "review": "#a96b00", "block": "#b42318"}
_OTHER = "#7b8794"


def _nice_max(value: float) -> float:
    if value <= 0:
        return 1.0
    exp = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * exp:
            return step * exp
    return 10 * exp


def stacked_days(days: Sequence[tuple[str, Mapping[str, int]]], *, title: str,
                 legend: Mapping[str, str], width: int = 860, height: int = 260) -> Markup:
    """One stacked bar per day (``[("2026-11-20", {"allow": 3, "block": 1}), ...]``)."""
    left, right, top, bottom = 44, 12, 28, 42
    plot_w, plot_h = width - left - right, height - top - bottom
    totals = [sum(counts.values()) for _, counts in days]
    ymax = _nice_max(max(totals, default=0))
    if ymax < 40:  # counts: whole-number gridlines
        ymax = max(4, math.ceil(ymax / 4) * 4)
    parts = [f'<svg class="chart" id="chart-decisions" role="img" xmlns="http://www.w3.org/2000/svg" '
             f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" aria-label="{escape(title)}">',
             f'<title>{escape(title)}</title>']
    for i in range(5):
        value = ymax * i / 4
        y = top + plot_h - plot_h * i / 4
        parts.append(f'<line x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}" stroke="#e4e7eb"/>')
        parts.append(f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end">{value:g}</text>')
    slot = plot_w / max(len(days), 1)
    bar_w = max(min(slot * 0.7, 48), 2)
    for i, (day, counts) in enumerate(days):
        x = left + slot * i + (slot - bar_w) / 2
        y = top + plot_h
        for outcome in [*OUTCOME_COLOURS, *sorted(set(counts) - set(OUTCOME_COLOURS))]:
            n = counts.get(outcome, 0)
            if not n:
                continue
            h = plot_h * n / ymax
            y -= h
            parts.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_w:.1f}" height="{h:.1f}" '
                         f'fill="{OUTCOME_COLOURS.get(outcome, _OTHER)}" data-day="{escape(day)}" '
                         f'data-outcome="{escape(outcome)}" data-count="{n}">'
                         f'<title>{escape(day)} {escape(legend.get(outcome, outcome))}: {n}</title></rect>')
        if len(days) <= 16 or i % math.ceil(len(days) / 16) == 0:
            parts.append(f'<text x="{x + bar_w / 2:.1f}" y="{height - bottom + 16}" '
                         f'text-anchor="middle">{escape(day[5:])}</text>')
    lx = left
    for outcome, colour in OUTCOME_COLOURS.items():
        parts.append(f'<rect x="{lx}" y="8" width="10" height="10" fill="{colour}"/>'
                     f'<text x="{lx + 14}" y="17">{escape(legend.get(outcome, outcome))}</text>')
        lx += 90
    if not days:
        parts.append(f'<text x="{width / 2}" y="{height / 2}" text-anchor="middle">—</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def benford_bars(observed: Mapping[int, float], expected: Mapping[int, float], *, title: str,
                 labels: tuple[str, str], width: int = 520, height: int = 240) -> Markup:
    """Observed first-digit shares (bars) against the expected shares (dots and line), digits 1-9."""
    left, right, top, bottom = 44, 12, 28, 30
    plot_w, plot_h = width - left - right, height - top - bottom
    ymax = _nice_max(max([*observed.values(), *expected.values(), 0.0]))
    slot = plot_w / 9
    parts = [f'<svg class="chart" id="chart-benford" role="img" xmlns="http://www.w3.org/2000/svg" '
             f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" aria-label="{escape(title)}">',
             f'<title>{escape(title)}</title>']
    for i in range(5):
        y = top + plot_h - plot_h * i / 4
        parts.append(f'<line x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}" stroke="#e4e7eb"/>'
                     f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end">{ymax * i / 4:.0%}</text>')
    points = []
    for d in range(1, 10):
        x = left + slot * (d - 1)
        share = observed.get(d, 0.0)
        h = plot_h * share / ymax
        parts.append(f'<rect x="{x + slot * 0.15:.1f}" y="{top + plot_h - h:.1f}" width="{slot * 0.7:.1f}" '
                     f'height="{h:.1f}" fill="#3b6e8f" data-digit="{d}" data-share="{share:.4f}">'
                     f'<title>{d}: {share:.1%}</title></rect>'
                     f'<text x="{x + slot / 2:.1f}" y="{height - bottom + 16}" text-anchor="middle">{d}</text>')
        points.append(f"{x + slot / 2:.1f},{top + plot_h - plot_h * expected.get(d, 0.0) / ymax:.1f}")
    parts.append(f'<polyline points="{" ".join(points)}" fill="none" stroke="#b42318" stroke-width="2"/>')
    parts.append(f'<rect x="{left}" y="8" width="10" height="10" fill="#3b6e8f"/>'
                 f'<text x="{left + 14}" y="17">{escape(labels[0])}</text>'
                 f'<rect x="{left + 110}" y="12" width="14" height="2" fill="#b42318"/>'
                 f'<text x="{left + 128}" y="17">{escape(labels[1])}</text></svg>')
    return Markup("".join(parts))
