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
        """A non-capturing group of the words, longest first, so ``高血压病`` wins over ``高血压``."""
        ordered = sorted(dict.fromkeys(self.words), key=len, reverse=True)
        return "(?:" + "|".join(map(re.escape, ordered)) + ")"


def slots(source: str) -> list[str]:
    """The lexicon names a pattern uses."""
    return SLOT.findall(source)


def expand(source: str, lexicons: dict[str, Lexicon]) -> str:
    """``source`` with every ``{{name}}`` replaced by the lexicon's alternation (KeyError: unknown name)."""
    return SLOT.sub(lambda m: lexicons[m.group(1)].alternation(), source)
