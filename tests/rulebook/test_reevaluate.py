"""``reevaluate``: a candidate's decision from the active decision's findings. Whatever the candidate
changes, it answers what ``evaluate`` answers, or None (screen again) when the candidate's rules, or the
rules its policy selects, differ, or when the active decision may miss findings; it never runs the engine,
and the claim model only for a text it was not asked about."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from riskguard.config import PROJECT_ROOT
from riskguard.rulebook import Decision, Rulebook, ScreenInput, evaluate, load_rulebook
from riskguard.rulebook.decisions import reevaluate
from riskguard.rulebook.engine import Engine
from riskguard.rulebook.model_stage import ClaimStage

from .test_model_stage import BLOCKED, MISSED, PLAIN

AD = "policies/ad-prepublish.yaml"
MANY = ScreenInput(text="全网最低价，最好的面霜，国家级品质，三天见效", kind="ad", category="cosmetics")  # block
ITEMS = [
    ScreenInput(text=MISSED, kind="ad", category="cosmetics"),  # allow by the rules; the model: review
    ScreenInput(text=BLOCKED, kind="ad"),
    ScreenInput(text=PLAIN, kind="ad"),
    ScreenInput(text="用了这个枕头，脖子舒服多了", kind="ad"),  # allow; the model's probability is 0.2–0.7 (0.61)
    MANY,
    ScreenInput(text="本店最好的茶叶", kind="ad", category="food"),
    ScreenInput(text="祖传秘方酿造的药酒", kind="ad", category="food"),  # one medium finding: review
    ScreenInput(text="纯棉T恤，三色可选", kind="listing"),
]


def _without_model(tree: Path) -> None:
    text = (tree / AD).read_text("utf-8")
    (tree / AD).write_text(text[:text.index("\nmodel:") + 1], "utf-8")  # the model is the file's last section


def _edit(path: str, old: str, new: str) -> Callable[[Path], None]:
    def edit(tree: Path) -> None:
        text = (tree / path).read_text("utf-8")
        assert old in text, old
        (tree / path).write_text(text.replace(old, new, 1), "utf-8")

    return edit


# name, the change, whether some item must be screened again, whether the model is asked again
CHANGES: list[tuple[str, Callable[[Path], None], bool, bool]] = [
    ("medium to block", _edit(AD, "  medium: review", "  medium: block"), False, False),
    ("high to review", _edit(AD, "  high: block", "  high: review"), False, False),
    ("medium to allow", _edit(AD, "  medium: review", "  medium: allow"), False, True),  # a new allow: model asked
    ("one finding blocks", _edit(AD, "review_at_findings: 3", "block_at_findings: 1"), False, False),
    ("model threshold", _edit(AD, "review_at: 0.7", "review_at: 0.2"), False, True),
    ("no model", _without_model, False, False),
    ("fewer findings kept", _edit(AD, "max_findings: 200", "max_findings: 1"), True, False),  # again: MANY only
    ("a pack left out", _edit(AD, "packs: [adlaw, iam,", "packs: [iam,"), True, False),
    ("a rule changed", _edit("rules/cn/adlaw.yaml", "最好", "最棒"), True, False),
]


@pytest.fixture(scope="module")
def base() -> Rulebook:
    return load_rulebook(PROJECT_ROOT / "rules", PROJECT_ROOT / "policies")


def _candidate(root: Path, change: Callable[[Path], None]) -> Rulebook:
    for name in ("rules", "policies"):
        shutil.copytree(PROJECT_ROOT / name, root / name)
    change(root)
    return load_rulebook(root / "rules", root / "policies")


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, int]]:
    """How often the engine and the claim model ran."""
    counted = {"engine": 0, "model": 0}
    findings, finding = Engine.findings, ClaimStage.finding

    def engine(self: Engine, *args: Any, **kwargs: Any) -> Any:
        counted["engine"] += 1
        return findings(self, *args, **kwargs)

    def model(self: ClaimStage, *args: Any, **kwargs: Any) -> Any:
        counted["model"] += 1
        return finding(self, *args, **kwargs)

    monkeypatch.setattr(Engine, "findings", engine)
    monkeypatch.setattr(ClaimStage, "finding", model)
    yield counted


def _answer(decision: Decision) -> tuple[Any, ...]:
    return decision.decision, decision.policy, decision.policy_revision, decision.findings, decision.subject_id


@pytest.mark.parametrize(("name", "change", "engine_again", "model_again"), CHANGES, ids=[c[0] for c in CHANGES])
def test_the_candidate_answers_what_evaluate_answers(base: Rulebook, tmp_path: Path, calls: dict[str, int],
                                                     name: str, change: Callable[[Path], None],
                                                     engine_again: bool, model_again: bool) -> None:
    candidate = _candidate(tmp_path, change)
    assert candidate.revision != base.revision
    assert (candidate.rules_revision == base.rules_revision) == (name != "a rule changed")
    active = [evaluate(base, item) for item in ITEMS]
    expected = [_answer(evaluate(candidate, item)) for item in ITEMS]
    calls.update(engine=0, model=0)
    reused = [reevaluate(candidate, item, d, base) for item, d in zip(ITEMS, active, strict=True)]
    assert calls["engine"] == 0 and (calls["model"] > 0) == model_again
    assert (None in reused) == engine_again
    assert all(r is None for r in reused) == (name == "a rule changed")
    got = [_answer(r or evaluate(candidate, item)) for r, item in zip(reused, ITEMS, strict=True)]
    assert got == expected
    if name != "a rule changed":  # each policy change shows in these answers
        assert [(a[0], a[3]) for a in got] != [(d.decision, d.findings) for d in active]


def test_a_decision_that_may_miss_findings_is_screened_again(base: Rulebook, tmp_path: Path) -> None:
    capped = _candidate(tmp_path / "capped", _edit(AD, "max_findings: 200", "max_findings: 2"))
    candidate = _candidate(tmp_path / "candidate", _edit(AD, "  medium: review", "  medium: block"))
    item = MANY
    active = evaluate(capped, item)
    assert len(active.findings) == 2  # the engine found more; the active policy kept two
    assert reevaluate(candidate, item, active, capped) is None
    assert reevaluate(candidate, item, evaluate(base, item), base) is not None


def test_a_decision_of_another_rulebook_is_not_reused(base: Rulebook, tmp_path: Path) -> None:
    candidate = _candidate(tmp_path, _edit(AD, "  medium: review", "  medium: block"))
    item = MANY
    stale = evaluate(candidate, item)  # not what ``base`` decided
    assert reevaluate(candidate, item, stale, base) is None
