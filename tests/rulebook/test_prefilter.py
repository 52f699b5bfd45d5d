"""Required literal sets of a regex: what they are for known shapes, and that no match ever lacks one."""

from __future__ import annotations

import re

import pytest

from riskguard.config import PROJECT_ROOT
from riskguard.rulebook import load_rulebook
from riskguard.rulebook.prefilter import required_literal_sets, required_literals

BOOK = load_rulebook(PROJECT_ROOT / "rules", PROJECT_ROOT / "policies")
WORDS = [chr(0x4E00 + i) + chr(0x4F00 + i) for i in range(100)]  # 100 two-character words, no common prefix


@pytest.mark.parametrize(("pattern", "sets"), [
    (r"(?:\d+|十)天(?:见效|有效)", [{"天见效", "天有效"}]),
    (r"(?:\d+|[1-9])(?:天|日)(?:就)?(?:\d+|[a-z])(?:见效|瘦)", [{"天", "日"}, {"见效", "瘦"}]),
    (r"(?<![a-z])the\s?best(?![a-z])", [{"best"}, {"the"}]),  # not {be}, {t}: implied by these
    (r"\d+\s?%", [{"%"}]),
    (r"[a-z]+@[a-z]+", [{"@"}]),
    (r"\d+", []),
    (r"(?i)best", []),  # case-insensitive: literals would miss other cases
    (r"稳不(?:亏|赔)|闭眼\d?不亏", [{"稳不", "闭眼"}, {"稳不亏", "稳不赔", "闭眼"}]),  # a set of each branch, unioned
    (r"(?:吃|喝).{0,3}(?:" + "|".join(WORDS) + ")", [set(WORDS), {"吃", "喝"}]),  # more alternatives than 64
    (r"稳不亏|\d+", []),  # a branch without a literal
])
def test_sets(pattern: str, sets: list[set[str]]) -> None:
    assert [set(s) for s in required_literal_sets(re.compile(pattern))] == sets


def test_required_literals_is_the_best_set() -> None:
    assert required_literals(re.compile(r"(?:\d+|[1-9])(?:天|日)(?:\d+|[a-z])(?:见效|瘦)")) == {"天", "日"}
    assert required_literals(re.compile(r"\d+")) is None


def _views(text: str) -> tuple[str, str]:
    norm = BOOK.normaliser.normalise(text)
    return norm.full.text, norm.compact.text


PATTERN_CASES = [pytest.param(rule.id, pattern, id=f"{rule.id}-{i}")
                 for rule in BOOK.rules.values() for i, pattern in enumerate(rule.patterns)]
TEXTS = [e["text"] for r in BOOK.rules.values() for e in (*r.must_match, *r.must_not_match)]
VIEWS = [view for text in TEXTS for view in _views(text)]  # normalised once, not once per pattern


@pytest.mark.parametrize(("rule_id", "pattern"), PATTERN_CASES)
def test_every_match_in_the_examples_contains_each_set(rule_id: str, pattern: re.Pattern[str]) -> None:
    sets = required_literal_sets(pattern)
    for view in VIEWS:
        for m in pattern.finditer(view):
            for s in sets:
                assert any(lit in m.group() for lit in s), (rule_id, m.group(), sorted(s))
