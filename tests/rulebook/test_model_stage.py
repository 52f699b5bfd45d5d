"""The claim model stage: loaded with the rulebook (fail closed), part of its revision, review-only, and
its finding cites a law and article and spans one clause of the original text."""

from __future__ import annotations

import gzip
import shutil
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from riskguard.config import PROJECT_ROOT
from riskguard.rulebook import Rulebook, RulebookError, ScreenInput, evaluate, load_rulebook

MODEL = "rules/models/claims.json.gz"
# A paraphrased special-use claim for a cosmetic (spot removal) that no rule reads; the model does.
MISSED = "老板说了，用过的姐妹脸上的斑一个月就淡了，妈妈再也不用担心我的皮肤。产品规格50ml，包邮。"
MISSED_VARIANTS = [  # traditional characters, full-width digits and letters, a prefix that shifts offsets
    "這款面霜用過的姐妹臉上的斑一個月就淡了，規格５０ｍｌ，包郵。",
    "【新品】　老闆說了，用過的姐妹臉上的斑一個月就淡了，產品規格５０ＭＬ，包郵。",
]
BLOCKED = "小朋友们，快让爸爸妈妈给你买一个吧，班上同学都有了哦！"  # adlaw.40 pester power: block
PLAIN = "纯棉T恤，三色可选，下单后48小时内发货"


@pytest.fixture(scope="module")
def shipped() -> Rulebook:
    return load_rulebook(PROJECT_ROOT / "rules", PROJECT_ROOT / "policies")


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    for name in ("rules", "policies"):
        shutil.copytree(PROJECT_ROOT / name, tmp_path / name)
    return tmp_path


def _load(tree: Path) -> Rulebook:
    return load_rulebook(tree / "rules", tree / "policies", use_cache=False)


def test_the_policies_screen_with_the_model(shipped: Rulebook) -> None:
    for kind in ("ad", "listing", "livestream"):
        policy = shipped.policy_for(kind)
        assert policy.model == "claims" and policy.model_review_at == 0.7
    assert "claims" in shipped.models


@pytest.mark.parametrize("text", [MISSED, *MISSED_VARIANTS])
def test_a_model_finding_cites_and_spans_one_clause_of_the_original(shipped: Rulebook, text: str) -> None:
    decision = evaluate(shipped, ScreenInput(text=text, kind="ad", category="cosmetics"))
    assert shipped.without_models().policies["ad-prepublish"].model is None
    rules_only = evaluate(shipped.without_models(), ScreenInput(text=text, kind="ad", category="cosmetics"))
    assert rules_only.decision == "allow" and not rules_only.findings  # the rules miss it
    assert decision.decision == "review"
    [finding] = decision.findings
    assert finding.rule_id == "model.claims" and finding.action == "review" and finding.severity == "medium"
    cited = shipped.models["claims"].families[finding.family]  # the family model's guess, cited from the table
    assert (finding.law, finding.article, finding.message) == (cited.citation.law, cited.citation.article,
                                                               cited.message)
    if text == MISSED:
        assert (finding.family, finding.law, finding.article) == ("cosmetics_claims", "化妆品监督管理条例", "43")
    assert finding.message and finding.suggestion
    assert 0.7 <= finding.probability <= 1
    assert text[finding.start:finding.end] == finding.matched  # offsets index the original text
    assert "斑" in finding.matched and "，" not in finding.matched and "," not in finding.matched
    body = finding.as_dict()
    assert body["family"] == finding.family and body["probability"] == finding.probability


def test_renumbered_law_is_cited_by_the_date_of_the_content(shipped: Rulebook) -> None:
    stage = shipped.models["claims"]
    cited = stage.families["competitor_defamation"].citation
    assert (cited.article_on(date(2025, 1, 1)), cited.article_on(date(2026, 1, 1))) == ("11", "12")


@pytest.mark.parametrize(("text", "kind"), [(BLOCKED, "ad"), (BLOCKED, "livestream"), ("全网最低价，最好的面霜", "ad")])
def test_the_model_never_changes_what_the_rules_held(shipped: Rulebook, text: str, kind: str) -> None:
    item = ScreenInput(text=text, kind=kind)
    stage = shipped.models["claims"]
    assert stage.probability(text) >= 0.7  # the model would flag it: this is not a vacuous check
    with_model, rules_only = evaluate(shipped, item), evaluate(shipped.without_models(), item)
    assert with_model.decision == rules_only.decision != "allow"
    assert with_model.findings == rules_only.findings
    assert all(not f.rule_id.startswith("model.") for f in with_model.findings)


def test_a_review_by_the_rules_stays_as_it_is(shipped: Rulebook) -> None:
    text = "本品经专家验证，效果显著"  # AdLaw-28 wording: the rules send it to review themselves
    item = ScreenInput(text=text, kind="ad")
    rules_only = evaluate(shipped.without_models(), item)
    if rules_only.decision != "review":
        pytest.skip("the packs no longer review this text")
    assert evaluate(shipped, item).findings == rules_only.findings


def test_below_the_threshold_nothing_is_added(shipped: Rulebook) -> None:
    assert shipped.models["claims"].probability(PLAIN) < 0.7
    assert evaluate(shipped, ScreenInput(text=PLAIN, kind="listing")).decision == "allow"


@pytest.mark.parametrize("text", ["你好", "您好呀", "在吗？", "hi", "OK 收到"])
def test_a_text_too_short_to_be_a_sentence_is_left_to_the_rules(shipped: Rulebook, text: str) -> None:
    """A greeting shares characters with claims (好 with 最好) and nothing else: the model does not judge it."""
    stage = shipped.models["claims"]
    assert stage.finding(text, date(2026, 12, 1), review_at=0.0) is None
    assert evaluate(shipped, ScreenInput(text=text, kind="ad")).decision == "allow"


def test_even_a_policy_that_blocks_medium_findings_only_reviews(shipped: Rulebook) -> None:
    strict = replace(shipped.policies["ad-prepublish"], actions={**shipped.policies["ad-prepublish"].actions,
                                                                  "medium": "block"})
    book = replace(shipped, policies={**shipped.policies, "ad-prepublish": strict})
    decision = evaluate(book, ScreenInput(text=MISSED, kind="ad", category="cosmetics"))
    assert decision.decision == "review" and [f.action for f in decision.findings] == ["review"]


def test_the_model_file_is_part_of_the_revision(tree: Path, shipped: Rulebook) -> None:
    assert "rules/" + MODEL.removeprefix("rules/") in shipped.files
    before = _load(tree).revision
    assert before == shipped.revision
    path = tree / MODEL
    body = gzip.decompress(path.read_bytes()).replace(b'"trained_on":"', b'"trained_on":"x', 1)
    path.write_bytes(gzip.compress(body, mtime=0))
    assert _load(tree).revision != before


def test_a_missing_model_file_fails_the_load(tree: Path) -> None:
    (tree / MODEL).unlink()
    with pytest.raises(RulebookError, match=r"models/claims.json.gz is missing"):
        _load(tree)


@pytest.mark.parametrize("content", [b"", b"\x1f\x8b broken", gzip.compress(b'{"format": "something else"}', mtime=0)])
def test_a_corrupt_model_file_fails_the_load(tree: Path, content: bytes) -> None:
    (tree / MODEL).write_bytes(content)
    with pytest.raises(RulebookError, match=r"models/claims.json.gz is broken"):
        _load(tree)


def test_a_policy_naming_an_unknown_model_fails_the_load(tree: Path) -> None:
    path = tree / "policies" / "listing.yaml"
    path.write_text(path.read_text("utf-8").replace("name: claims", "name: nosuch"), "utf-8")
    with pytest.raises(RulebookError, match="nosuch"):
        _load(tree)


def test_without_a_model_key_the_policy_is_rules_only(tree: Path) -> None:
    for name in ("ad-prepublish", "listing", "livestream"):
        path = tree / "policies" / f"{name}.yaml"
        text = path.read_text("utf-8")
        path.write_text(text[:text.index("\nmodel:")] + "\n", "utf-8")
    (tree / MODEL).unlink()  # not named by any policy: not needed
    book = _load(tree)
    assert not book.models
    assert evaluate(book, ScreenInput(text=MISSED, kind="ad", category="cosmetics")).decision == "allow"


# A plain cosmetics detail page with one paraphrased spot-removal claim buried in it: the whole text's n-grams
# dilute the claim, its sentence does not.
BURIED = ("【山茶花 保湿面霜 50ml】规格：50ml/瓶，净含量以瓶身标注为准。成分：水、甘油、角鲨烷、神经酰胺、透明质酸钠。"
          "用法：洁面后取适量均匀涂抹于面部，早晚各一次。用过的姐妹脸上的斑一个月就淡了。"
          "储存：置于阴凉干燥处，避免阳光直射，开封后十二个月内用完。发货：下单后48小时内从杭州仓发出，支持七天无理由退货。")


def test_a_claim_buried_in_a_long_page_is_scored_by_its_sentence(shipped: Rulebook) -> None:
    stage = shipped.models["claims"]
    full = stage.normaliser.normalise(BURIED).full.text
    assert stage.model.probability(full) < 0.7 <= stage.probability(BURIED)  # the whole text alone misses it
    item = ScreenInput(text=BURIED, kind="listing", category="cosmetics")
    assert evaluate(shipped.without_models(), item).decision == "allow"
    decision = evaluate(shipped, item)
    assert decision.decision == "review"
    [finding] = decision.findings
    assert finding.matched == "用过的姐妹脸上的斑一个月就淡了" == BURIED[finding.start:finding.end]
    assert finding.family == "cosmetics_claims"
    whole_only = replace(stage, sentence_margin=None)
    assert whole_only.finding(BURIED, date(2026, 12, 1), review_at=0.7) is None
    assert whole_only.probability(BURIED) == pytest.approx(stage.model.probability(full))


def test_the_margin_comes_from_the_model_table(tree: Path) -> None:
    table = tree / "rules" / "models" / "claims.yaml"
    table.write_text(table.read_text("utf-8").replace("sentence_margin: 2.0", "sentence_margin: null"), "utf-8")
    book = _load(tree)
    assert book.models["claims"].sentence_margin is None
    assert evaluate(book, ScreenInput(text=BURIED, kind="listing", category="cosmetics")).decision == "allow"
    table.write_text(table.read_text("utf-8").replace("sentence_margin: null", "sentence_margin: -1"), "utf-8")
    with pytest.raises(RulebookError, match="sentence_margin"):
        _load(tree)


@pytest.mark.parametrize(("text", "expected"), [
    ("规格:1.5m。睡过的人都说这是最舒服的,没有之一。发货:真空压缩卷包\n售后:十年质保「不错!」好的",
     ["睡过的人都说这是最舒服的,没有之一", "发货:真空压缩卷包", "售后:十年质保「不错!」"]),
    ("这是一句话，只有一个句子而已", []),        # one sentence: the whole text is that sentence
    ("好。短。这一句足够长了吧。", []),           # one sentence with enough content is no second opinion
])
def test_sentences_are_spans_with_enough_content(text: str, expected: list[str]) -> None:
    from riskguard.rulebook.model_stage import sentences
    assert [text[a:b] for a, b in sentences(text)] == expected
