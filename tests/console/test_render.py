"""Highlighting and SVG charts: tables of inputs and what must (and must not) come out."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

from riskguard.console.charts import benford_bars, stacked_days
from riskguard.console.highlight import highlight

TEXT = "这是全网最低价的面霜，效果最好"


def _f(start: int, end: int, rule: str = "r") -> dict:
    return {"start": start, "end": end, "rule_id": rule}


def _marks(html: str) -> list[str]:
    return [re.sub(r"<sup>.*?</sup>", "", m) for m in re.findall(r"<mark[^>]*>(.*?)</mark>", html)]


@pytest.mark.parametrize("findings,marked", [
    ([], []),
    ([_f(2, 6)], ["全网最低"]),
    ([_f(2, 6), _f(13, 15)], ["全网最低", "最好"]),
    ([_f(2, 6), _f(4, 7)], ["全网最低价"]),            # overlapping spans merge
    ([_f(2, 4), _f(4, 6)], ["全网", "最低"]),          # touching spans stay apart
    ([_f(13, 99)], ["最好"]),                          # clipped to the text
    ([_f(5, 5), _f(9, 3), {"rule_id": "x"}], []),      # empty, reversed, no span
    ([_f(0, len(TEXT))], []),                          # a document-level finding points at nothing
])
def test_highlight_marks_exactly_the_spans(findings: list, marked: list[str]) -> None:
    html = str(highlight(TEXT, findings))
    assert _marks(html) == marked
    assert re.sub(r"<sup>.*?</sup>|<[^>]+>", "", html) == TEXT  # the text itself is unchanged


def test_highlight_numbers_each_finding() -> None:
    html = str(highlight(TEXT, [_f(2, 6, "a"), _f(4, 7, "b"), _f(13, 15, "c")]))
    assert 'data-findings="1,2"' in html and 'data-findings="3"' in html
    assert 'data-rules="a b"' in html


@pytest.mark.parametrize("text", ["<script>alert(1)</script>最好", '"><img src=x onerror=alert(1)>最好'])
def test_highlight_escapes_everything(text: str) -> None:
    html = str(highlight(text, [_f(len(text) - 2, len(text), '"><b>')]))
    assert "<script>" not in html and "<img" not in html and '"><b>' not in html


@pytest.mark.parametrize("days", [
    [],
    [("2026-11-20", {"allow": 3})],
    [("2026-11-20", {"allow": 3, "block": 1}), ("2026-11-21", {"review": 7, "block": 2, "other": 1})],
    [(f"2026-10-{d:02d}", {"allow": d, "block": d % 3}) for d in range(1, 31)],
])
def test_decisions_chart_draws_one_rect_per_count(days: list) -> None:
    svg = str(stacked_days(days, title="<t>", legend={"allow": "通过"}))
    root = ET.fromstring(svg)
    bars = [r for r in root.iter("{http://www.w3.org/2000/svg}rect") if r.get("data-outcome")]
    assert len(bars) == sum(1 for _, c in days for n in c.values() if n)
    assert sum(int(b.get("data-count")) for b in bars) == sum(sum(c.values()) for _, c in days)
    if bars:  # heights are proportional to the counts
        per_unit = [float(b.get("height")) / int(b.get("data-count")) for b in bars]
        assert max(per_unit) - min(per_unit) < 0.06  # equal up to the 0.1 px rounding of the SVG
    assert "<t>" not in svg


def test_benford_chart() -> None:
    expected = {d: __import__("math").log10(1 + 1 / d) for d in range(1, 10)}
    observed = {1: 0.5, 2: 0.1, 9: 0.4}
    root = ET.fromstring(str(benford_bars(observed, expected, title="b", labels=("o", "e"))))
    bars = {int(r.get("data-digit")): float(r.get("height"))
            for r in root.iter("{http://www.w3.org/2000/svg}rect") if r.get("data-digit")}
    assert sorted(bars) == list(range(1, 10))
    assert bars[1] > bars[9] > bars[2] > 0 and bars[5] == 0
