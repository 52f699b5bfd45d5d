"""Every rule's own examples from the real rules/ directory, through the full engine (one test each)."""

from __future__ import annotations

import pytest

from riskguard.config import PROJECT_ROOT
from riskguard.rulebook import load_rulebook
from riskguard.rulebook.checks import screen_example

BOOK = load_rulebook(PROJECT_ROOT / "rules", PROJECT_ROOT / "policies")

CASES = [pytest.param(rule.id, expectation, example, id=f"{rule.id}-{expectation}-{i}")
         for rule in BOOK.rules.values()
         for expectation, examples in (("must_match", rule.must_match), ("must_not_match", rule.must_not_match))
         for i, example in enumerate(examples)]


@pytest.mark.parametrize(("rule_id", "expectation", "example"), CASES)
def test_rule_example(rule_id: str, expectation: str, example: dict) -> None:
    findings = screen_example(BOOK, example)
    for f in findings:
        assert example["text"][f.start:f.end] == f.matched
    fired = [f"{f.rule_id}:{f.matched}" for f in findings if f.rule_id == rule_id]
    if expectation == "must_match":
        assert fired, f"no finding of {rule_id}; all findings: {[f.rule_id for f in findings]}"
    else:
        assert not fired


def test_every_kind_has_a_default_policy() -> None:
    assert {k for p in BOOK.policies.values() for k in p.default_for} == {"ad", "listing", "livestream"}
