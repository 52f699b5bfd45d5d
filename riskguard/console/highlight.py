"""Mark up a text with its findings' spans: overlapping spans merge into one ``<mark>`` that names
every finding it covers. Everything is escaped here; the template prints the result as safe markup."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup, escape

__all__ = ["Span", "spans_of", "highlight"]


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    number: int       # the finding's 1-based number in the list beside the text
    rule_id: str


def spans_of(findings: Sequence[Mapping[str, Any]], text_length: int) -> list[Span]:
    """Spans worth highlighting: inside the text, non-empty, and not the whole document (a
    document-level rule, e.g. a missing 广告 label, has nothing to point at)."""
    spans = []
    for number, f in enumerate(findings, start=1):
        start, end = f.get("start"), f.get("end")
        if not isinstance(start, int) or not isinstance(end, int):
            continue
        start, end = max(0, start), min(text_length, end)
        if start >= end or (start == 0 and end == text_length and text_length > 12):
            continue
        spans.append(Span(start, end, number, str(f.get("rule_id", ""))))
    return sorted(spans, key=lambda s: (s.start, s.end))


def _groups(spans: list[Span]) -> list[tuple[int, int, list[Span]]]:
    groups: list[tuple[int, int, list[Span]]] = []
    for span in spans:
        if groups and span.start < groups[-1][1]:
            start, end, members = groups[-1]
            groups[-1] = (start, max(end, span.end), [*members, span])
        else:
            groups.append((span.start, span.end, [span]))
    return groups


def highlight(text: str, findings: Sequence[Mapping[str, Any]]) -> Markup:
    out: list[str] = []
    pos = 0
    for start, end, members in _groups(spans_of(findings, len(text))):
        out.append(str(escape(text[pos:start])))
        numbers = sorted({m.number for m in members})
        rules = " ".join(sorted({m.rule_id for m in members}))
        refs = ",".join(str(n) for n in numbers)
        out.append(f'<mark class="hit" data-rules="{escape(rules)}" data-findings="{refs}" '
                   f'title="{escape(rules)}">{escape(text[start:end])}<sup>{refs}</sup></mark>')
        pos = end
    out.append(str(escape(text[pos:])))
    return Markup("".join(out))
