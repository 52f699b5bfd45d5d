"""What a rule change does to decisions: base and candidate decisions of the same items, counted.

One :class:`Comparison` per item (its id, category, both decisions and both sets of rules that fired,
and optionally a masked example text); :class:`DiffReport` counts them per decision change, per rule
and per category and keeps a few examples per change. ``riskguard rules diff`` feeds it from a file
screened with two revisions; the shadow report feeds it from stored shadow records (no text there).

A changed decision is put down to the rules that fired under one revision and not the other; when the
same rules fired (a policy's actions or thresholds changed), to all of them.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from ..rulebook import Rulebook
from ..rulebook.model import ACTIONS

__all__ = ["Comparison", "DiffReport", "compare", "diff_items", "NO_RULE"]

_RANK = {a: i for i, a in enumerate(ACTIONS)}
NO_RULE = "(no rule)"  # a changed decision where no rule fired under either revision
EXAMPLE_CHARS = 160


@dataclass(frozen=True)
class Comparison:
    id: str | None
    category: str
    base: str
    candidate: str
    base_rules: tuple[str, ...]
    candidate_rules: tuple[str, ...]
    text: str | None = None  # masked example text (never stored by the shadow mode)
    digest: str | None = None

    @property
    def change(self) -> str:
        return "same" if self.base == self.candidate else f"{self.base}->{self.candidate}"

    @property
    def newly_blocked(self) -> bool:
        return self.candidate == "block" and self.base != "block"

    @property
    def newly_allowed(self) -> bool:
        return self.candidate == "allow" and self.base != "allow"

    @property
    def stricter(self) -> bool:
        return _RANK[self.candidate] > _RANK[self.base]

    def responsible(self) -> set[str]:
        """The rules a changed decision is put down to (see the module docstring)."""
        moved = set(self.base_rules) ^ set(self.candidate_rules)
        return moved or set(self.base_rules) | set(self.candidate_rules) or {NO_RULE}


def _counter() -> Counter[str]:
    return Counter()


@dataclass
class DiffReport:
    """Counts over every comparison added; ``examples_per_change`` examples kept per decision change."""

    examples_per_change: int = 3
    total: int = 0
    changes: Counter[str] = field(default_factory=Counter)
    rules: defaultdict[str, Counter[str]] = field(default_factory=lambda: defaultdict(_counter))
    categories: defaultdict[str, Counter[str]] = field(default_factory=lambda: defaultdict(_counter))
    examples: defaultdict[str, list[dict[str, Any]]] = field(default_factory=lambda: defaultdict(list))

    def add(self, c: Comparison) -> None:
        self.total += 1
        self.changes[c.change] += 1
        flags = {"changed": c.change != "same", "newly_blocked": c.newly_blocked,
                 "newly_allowed": c.newly_allowed, "stricter": c.change != "same" and c.stricter,
                 "looser": c.change != "same" and not c.stricter}
        category = self.categories[c.category]
        category["items"] += 1
        for rule in c.base_rules:
            self.rules[rule]["base"] += 1
        for rule in c.candidate_rules:
            self.rules[rule]["candidate"] += 1
        for rule in set(c.base_rules) | set(c.candidate_rules):
            self.rules[rule]["agree" if c.change == "same" else "disagree"] += 1
        for name, on in flags.items():
            if on:
                category[name] += 1
        if c.change == "same":
            return
        for rule in c.responsible():
            counts = self.rules[rule]
            for name, on in flags.items():
                if on:
                    counts[name] += 1
        kept = self.examples[c.change]
        if len(kept) < self.examples_per_change:
            example: dict[str, Any] = {"id": c.id, "category": c.category, "base": c.base,
                                       "candidate": c.candidate, "base_rules": list(c.base_rules),
                                       "candidate_rules": list(c.candidate_rules)}
            if c.digest is not None:
                example["digest"] = c.digest
            if c.text is not None:
                example["text"] = c.text
            kept.append(example)

    def extend(self, comparisons: Iterable[Comparison]) -> DiffReport:
        for c in comparisons:
            self.add(c)
        return self

    def as_dict(self) -> dict[str, Any]:
        changed = self.total - self.changes["same"]
        return {
            "items": self.total, "agree": self.changes["same"], "changed": changed,
            "agreement": round(self.changes["same"] / self.total, 4) if self.total else None,
            "newly_blocked": sum(v["newly_blocked"] for v in self.categories.values()),
            "newly_allowed": sum(v["newly_allowed"] for v in self.categories.values()),
            "changes": {k: v for k, v in sorted(self.changes.items()) if k != "same"},
            "rules": {r: _row(v, RULE_KEYS)
                      for r, v in sorted(self.rules.items(), key=lambda kv: (-kv[1]["changed"], kv[0]))},
            "categories": {c: _row(v, CATEGORY_KEYS) for c, v in sorted(self.categories.items())},
            "examples": {k: v for k, v in sorted(self.examples.items())},
        }


_CHANGE_KEYS = ("changed", "newly_blocked", "newly_allowed", "stricter", "looser")
RULE_KEYS = ("base", "candidate", "agree", "disagree", *_CHANGE_KEYS)
CATEGORY_KEYS = ("items", *_CHANGE_KEYS)


def _row(counts: Counter[str], keys: tuple[str, ...]) -> dict[str, int]:
    return {k: counts[k] for k in keys}


def compare(base: Rulebook, candidate: Rulebook, item: dict[str, Any], *, kind: str,
            mask: Callable[[str], str] | None = None, policy: str | None = None,
            as_of: Any = None) -> Comparison:
    """Screen one item (a loaded ``ScreenRequestSchema`` body) with both rulebooks; offline."""
    from ..screening.service import screen_text

    decisions = [screen_text(book, kind=kind, policy=policy, as_of=as_of, **item) for book in (base, candidate)]
    b, c = decisions
    text = None
    if mask is not None and b.decision != c.decision:  # only changed items can become examples
        masked = mask(item["text"])
        text = masked if len(masked) <= EXAMPLE_CHARS else masked[:EXAMPLE_CHARS] + "…"
    return Comparison(id=item.get("id"), category=item.get("category", "general"), base=b.decision,
                      candidate=c.decision, base_rules=tuple(dict.fromkeys(b.rule_ids)),
                      candidate_rules=tuple(dict.fromkeys(c.rule_ids)), text=text)


def diff_items(base: Rulebook, candidate: Rulebook, items: Iterable[dict[str, Any]], *, kind: str,
               mask: Callable[[str], str] | None = None, policy: str | None = None, as_of: Any = None,
               examples: int = 3) -> DiffReport:
    """The report for ``items`` screened with ``base`` and ``candidate``."""
    def comparisons() -> Iterator[Comparison]:
        for item in items:  # an item may name its own kind
            body = {k: v for k, v in item.items() if k != "kind"}
            yield compare(base, candidate, body, kind=item.get("kind") or kind, mask=mask, policy=policy,
                          as_of=as_of)

    return DiffReport(examples_per_change=examples).extend(comparisons())
