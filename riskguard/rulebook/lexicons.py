"""Named word lists that patterns use as open slots: ``{{disease}}`` in a pattern is any word of
``rules/lexicons/disease.yaml``.

A claim is a frame — who says what about what — and its slots are open classes (every disease, every
state organ, every harmful additive), not the handful of words one example needed. A lexicon keeps such
a class in one data file with the law it comes from, so one list serves every rule that needs it and
grows without touching the patterns.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["Lexicon", "SLOT", "expand", "slots"]

SLOT = re.compile(r"\{\{([a-z][a-z0-9_]*)\}\}")


@dataclass(frozen=True)
class Lexicon:
    name: str
    source: str
    title: str
    basis: str
    words: tuple[str, ...]

    def alternation(self) -> str:
        """A non-capturing group matching any of the words, longest first (``高血压病`` before ``高血压``),
        written as a trie: ``re`` tries a flat alternation branch by branch at every position, so 160
        disease names sharing first characters cost far more than one branch per first character."""
        return _trie_regex(sorted(dict.fromkeys(self.words)))


def _trie_regex(words: list[str]) -> str:
    """A group matching exactly ``words`` (none empty), one branch per first character, each branch
    preferring its longest word (a greedy ``?`` over the longer tails)."""
    groups: dict[str, list[str]] = {}
    for w in words:
        groups.setdefault(w[0], []).append(w[1:])
    branches = []
    for first, rests in groups.items():
        branch = re.escape(first)
        if longer := [r for r in rests if r]:
            branch += _trie_regex(longer) + ("?" if "" in rests else "")
        branches.append(branch)
    return "(?:" + "|".join(branches) + ")"


def slots(source: str) -> list[str]:
    """The lexicon names a pattern uses."""
    return SLOT.findall(source)


def expand(source: str, lexicons: dict[str, Lexicon]) -> str:
    """``source`` with every ``{{name}}`` replaced by the lexicon's group (KeyError: unknown name)."""
    return SLOT.sub(lambda m: lexicons[m.group(1)].alternation(), source)
