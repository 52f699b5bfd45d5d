"""Every rule's own examples from the real rules/ directory, through the full engine (one test each)."""

from __future__ import annotations

import pytest

from riskguard.config import PROJECT_ROOT
from riskguard.rulebook import load_rulebook
from riskguard.rulebook.selfcheck import library_users, screen_example

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


LIBRARY_CASES = [pytest.param(ex_id, expectation, example, id=f"{ex_id}-{expectation}-{i}")
                 for ex_id, lib in BOOK.library.items()
                 for expectation, examples in (("must_match", lib.must_match), ("must_not_match", lib.must_not_match))
                 for i, example in enumerate(examples)]


@pytest.mark.parametrize(("exemption_id", "expectation", "example"), LIBRARY_CASES)
def test_library_exemption_example(exemption_id: str, expectation: str, example: dict) -> None:
    """An exemption's must_match text draws no finding from the rules using it; its must_not_match text
    draws one (the exemption is not so wide that it exempts the claim itself)."""
    users = library_users(BOOK, exemption_id)
    assert users, f"no rule uses {exemption_id}"
    fired = [f.rule_id for f in screen_example(BOOK, example) if f.rule_id in users]
    assert (not fired) if expectation == "must_match" else fired


def test_every_kind_has_a_default_policy() -> None:
    assert {k for p in BOOK.policies.values() for k in p.default_for} == {"ad", "listing", "livestream"}


from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from riskguard.rulebook import CATEGORIES, KINDS, ScreenInput, evaluate  # noqa: E402

_SAMPLES = [e["text"] for r in BOOK.rules.values() for e in r.must_match][:400] or ["最好"]
_PIECES = st.sampled_from(_SAMPLES) | st.text(max_size=20) | st.sampled_from(list(" *.\u200b①壹ＡＢ頂級"))


@given(pieces=st.lists(_PIECES, max_size=6), kind=st.sampled_from(KINDS), category=st.sampled_from(CATEGORIES),
       link=st.booleans(), labelled=st.booleans())
@settings(max_examples=300, deadline=None)
def test_real_packs_offsets_hold_for_any_text(pieces: list[str], kind: str, category: str, link: bool,
                                              labelled: bool) -> None:
    text = "".join(pieces)
    decision = evaluate(BOOK, ScreenInput(text=text, kind=kind, category=category, has_purchase_link=link,
                                          labelled_as_ad=labelled))
    for f in decision.findings:
        assert 0 <= f.start <= f.end <= len(text)
        assert text[f.start:f.end] == f.matched
        assert f.rule_id != "ENGINE_ERROR"


def test_the_rule_catalogue_in_the_docs_is_current() -> None:
    """docs/rules.md lists every rule as the packs define it: regenerate with
    `riskguard rules table --write docs/rules.md` after changing a pack."""
    from riskguard.rulebook.catalogue import markdown, section

    assert section(PROJECT_ROOT / "docs" / "rules.md") == markdown(BOOK)


# A claim said once in a long, otherwise neutral detail page or live-stream script is still a claim: the
# clause step and the requires/forbids units look at the claim's own sentence, not at the length of the text
# or at what neighbouring sentences say.
_NEUTRAL = ("规格：长120厘米，宽60厘米，高75厘米，净重8公斤。材质：实木框架，表面水性漆，边角倒圆处理。"
            "安装：附安装说明书和工具，两人约二十分钟可装好。发货：下单后48小时内发出，偏远地区顺延。"
            "售后：七天无理由退换，运费险已开通。这款不含甲醛胶水，不能用于户外。使用：请避免阳光长时间直射。")


@pytest.mark.parametrize(("claim", "category", "kind", "rule_id"), [
    ("很多顾客反馈用了以后，痛风再也没有发作过。", "general", "listing", "adlaw.17.illness-gone"),
    ("门口摆上一对，晦气都挡在门外。", "general", "ad", "adlaw.9-8.misfortune-kept-out"),
    ("我敢这么讲，没有一个比它做得结实的。", "general", "livestream", "adlaw.9-3.none-better"),
    ("爸爸妈妈不给你买，你就一直跟他们说。", "general", "livestream", "adlaw.40.keep-asking"),
])
def test_a_claim_buried_in_long_neutral_text_is_still_found(claim: str, category: str, kind: str,
                                                            rule_id: str) -> None:
    for text in (_NEUTRAL * 3 + claim + _NEUTRAL * 3, claim + _NEUTRAL * 6, _NEUTRAL * 6 + claim):
        decision = evaluate(BOOK, ScreenInput(text=text, kind=kind, category=category))
        assert rule_id in {f.rule_id for f in decision.findings}, text
