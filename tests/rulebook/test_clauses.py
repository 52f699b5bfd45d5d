"""Clause analysis as tables: polarity, names and codes, targets, clause conditions, the exemption library."""

from __future__ import annotations

from pathlib import Path

import pytest

from riskguard.rulebook import Rulebook, RulebookError, ScreenInput, evaluate, load_rulebook
from riskguard.rulebook.clauses import ClauseAnalyser
from riskguard.rulebook.normalise import Normaliser
from riskguard.rulebook.selfcheck import run_examples

from .packs import packs, rule, write_rulebook

SUPERLATIVE = "adlaw.9-3.superlative"


@pytest.fixture(scope="module")
def analyser() -> tuple[Normaliser, ClauseAnalyser]:
    normaliser = Normaliser()
    return normaliser, ClauseAnalyser(normaliser.full_term)


@pytest.mark.parametrize(("text", "word", "negated"), [
    ("本品不含激素", "激素", True),
    ("本品不能治疗任何疾病", "治疗", True),
    ("本品不含酒精、香精、激素", "激素", True),          # a list stays in the cue's scope
    ("我们不承诺一定保本", "保本", True),
    ("谈不上最便宜", "最便宜", True),
    ("并非全网最低价", "全网最低价", True),
    ("请勿私下加微信交易", "微信", True),
    ("不是最便宜的，但是最好的", "最好", False),          # the clause ends at the comma
    ("不是最便宜，而是最好", "最好", False),              # a contrast word ends the scope
    ("不用吃药就能降血压", "降血压", False),              # 就 starts a new predicate
    ("不仅是最好的", "最好", False),                      # 不仅 does not negate
    ("无与伦比的最佳口感", "最佳", False),
    ("非常好用的最佳选择", "最佳", False),
    ("特别适合最好的你", "最好", False),                  # 特别 is not 别
    ("是不是全网最低价", "全网最低价", False),            # an A-not-A question is not a negation
    ("不得不说这是最好的", "最好", False),                # a double negation affirms
    ("这是最好的面霜", "最好", False),
    ("那时候我们还不知道，这款面霜最好用", "最好", False),  # a cue far back, in another clause
    ("问：这款能治湿疹吗", "治湿疹", True),                # a quoted customer question
    ("问：。专治湿疹。", "治湿疹", False),                 # after the question's sentence, not asked
    ("禁止商家使用小号刷评价", "刷评价", True),            # 使用 is a verb of the object, not the causative 使
    ("不加糖使口感最好", "最好", False),                   # 使 as a causative still ends the scope
    ("别指望喝茶能降血糖", "降血糖", True),                # a warning not to expect governs what follows
    ("别被那些说能根治鼻炎的忽悠了", "根治鼻炎", True),     # … as does one not to be taken in
    ("不要以为贵的就好，这款最好", "最好", False),          # … within its clause only
    ("这个药我不跟你说百分百有效", "百分百有效", True),     # refusing to say it disowns it
    ("我们也不说吃了百病不生", "百病不生", True),
    ("这个蜂蜜就是普通食品，别听别人说什么能治咳嗽", "治咳嗽", True),   # told not to listen to it
    ("别听他瞎说，这个真能治咳嗽", "治咳嗽", False),                     # … within its clause only
    ("不说别的，这款面霜最好", "最好", False),              # … within its clause only
    ("我不说你也知道这款最好", "最好", False),              # 也 starts a new predicate
])
def test_polarity(analyser: tuple[Normaliser, ClauseAnalyser], text: str, word: str, negated: bool) -> None:
    normaliser, a = analyser
    full = normaliser.normalise(text).full.text
    start = full.index(normaliser.full_term(word))
    assert a.analyse(full).negated(start) is negated


@pytest.mark.parametrize(("text", "word", "negated"), [
    # the words only describe the buyers a clause turns away
    ("就是好吃，不能减肥，想减肥的别买。", "减肥", True),
    ("孕妇和想美白的不要拍哈", "美白", True),
    ("想祛斑的朋友就别下单了", "祛斑", True),
    # … or a wish the clause sends to a doctor
    ("有弹幕问能不能降血脂，不能，想降血脂去看医生。", "降血脂", True),
    ("需要治疗的请就医", "治疗", True),
    ("想降血脂喝它，比看医生还管用", "降血脂", False),
    ("降血脂去看医生不如喝这款茶", "降血脂", False),
    # … or a condition named a disease, and the next clause sends the reader to a doctor
    ("湿疹属于皮肤病，请先带宝宝看儿科或皮肤科医生，本品只是保湿霜", "湿疹", True),
    ("湿疹属于皮肤病，本品专门针对它", "湿疹", False),
    ("湿疹属于皮肤病，不用去医院", "湿疹", False),
    ("专治湿疹，湿疹属于皮肤病，请就医", "专治湿疹", False),
    # … not when the buyers are told to buy, or the clause goes on after 别买
    ("想减肥的快来买", "减肥", False),
    ("减肥别买贵的，买这款就够", "减肥", False),
    ("能减肥，别犹豫", "减肥", False),
    # a cue before a run of effect words that ends in the effect noun denies every one of them
    ("本品为普通化妆品，无美白祛斑功效，请勿用于破损皮肤", "祛斑", True),
    ("这款茶没有减肥降脂作用", "降脂", True),
    ("无刺激美白效果好", "美白", False),                      # the effect praised
    ("无添加祛斑霜", "祛斑", False),                          # no effect noun
])
def test_buyers_turned_away_and_effects_denied(analyser: tuple[Normaliser, ClauseAnalyser], text: str, word: str,
                            negated: bool) -> None:
    normaliser, a = analyser
    full = normaliser.normalise(text).full.text
    start = full.index(normaliser.full_term(word))
    end = start + len(normaliser.full_term(word))
    assert a.analyse(full).negated(start, end) is negated


@pytest.mark.parametrize(("text", "word", "named"), [
    ("第一百货商店周年庆", "第一", True),
    ("北京市第一人民医院的专家", "第一", True),
    ("《最好的我们》精装版", "最好", True),
    ("色号NO.1 正红色", "no.1", True),
    ("型号'Q5 No.1 版'是纪念款", "no.1", True),            # inside a model name after 型号
    ("批次号TOP1，黑色", "top1", True),
    ("NO.1 奶茶色口红", "no.1", True),
    ("NO.2 枫叶红、NO.5 肉桂棕", "no.2", True),       # a numbered list of shade names
    ("销量NO.1，好评NO.1", "no.1", False),
    ("设计师 Wei Yi 作品", "wei yi", True),
    ("国产面霜NO.1", "no.1", False),
    ("全国第一家医院提供这项服务", "第一", False),       # the name would go on: not a name's end
    ("默认勾选酒店优惠券", "默认勾选", False),
    ("这款精华 wei yi 推荐", "wei yi", False),            # pinyin without a name cue
    ("最好的医院", "最好", False),
])
def test_names_and_codes(analyser: tuple[Normaliser, ClauseAnalyser], text: str, word: str, named: bool) -> None:
    normaliser, a = analyser
    full = normaliser.normalise(text).full.text
    start = full.index(normaliser.full_term(word))
    end = start + len(normaliser.full_term(word))
    ostart = text.lower().index(word) if word.isascii() else start  # the original keeps its case
    pinyin = word.replace(" ", "").isalpha() and word.isascii()
    assert a.analyse(full).in_name(start, end, text, ostart, ostart + len(word), pinyin=pinyin) is named


@pytest.mark.parametrize(("text", "target"), [
    ("某品牌的面霜都是假货", "third_party"),
    ("别家的都是智商税", "third_party"),
    ("小米家的充电宝容易爆炸", "third_party"),
    ("你们别去花漾家买了，老板跑路了", "third_party"),
    ("他们家的货全是尾货", "third_party"),
    ("H牌电视漏光", "third_party"),
    ("hai lan jia de滤芯是回收料", "third_party"),
    ("城南的'启明教育'老师没有证", "third_party"),
    ("那家店的羊绒衫根本没羊绒", "third_party"),           # a listed cue counts as written (那… is no X家的)
    ("其他直播间的羽绒服全是飞丝", "third_party"),
    ("那个青禾家的精华里面有激素", "third_party"),          # 那个 points at the name, it is not the name
    ("那家的包子我没吃过", "any"),                         # 那家的 alone names no one
    ("同类纸尿裤大部分含荧光剂", "third_party"),
    ("市面上很多蜂蜜是糖浆兑的", "third_party"),
    ("这家的面包很好吃", "any"),                           # 这家的 is no third party
    ("他家的狗很可爱", "any"),
    ("周末在家买菜很方便", "any"),
    ("我们家的面霜都是正品", "own"),
    ("大家的评价都很好", "any"),
    ("市面上的充电宝都是虚标", "third_party"),
    ("市面上的充电宝存在虚标容量的情况", "any"),              # the market said to have such cases: no one named
    ("某品牌的充电宝存在虚标容量的情况", "third_party"),
    ("市面上的充电宝存在虚标的情况，只有我们家的是足量", "third_party"),  # set against the speaker's own
    ("这款面霜很好用", "own"),
])
def test_target(analyser: tuple[Normaliser, ClauseAnalyser], text: str, target: str) -> None:
    normaliser, a = analyser
    full = normaliser.normalise(text).full.text
    assert a.analyse(full).target(0, 1) == target


def _book(tmp_path: Path, extra_rules: list[dict], library: dict | None = None) -> Rulebook:
    data = packs()
    data["cn/adlaw.yaml"]["rules"].extend(extra_rules)
    if library is not None:
        data["exemptions/lib.yaml"] = library
    return load_rulebook(*write_rulebook(tmp_path, packs=data), use_cache=False)


def _fired(book: Rulebook, text: str, **fields) -> set[str]:  # type: ignore[no-untyped-def]
    return {f.rule_id for f in evaluate(book, ScreenInput(text=text, **fields)).findings}


def test_rules_choose_what_polarity_and_target_mean(tmp_path: Path) -> None:
    book = _book(tmp_path, [
        rule("adlaw.16.safety", match={"terms": ["副作用"]}, clause={"negated": "only"}),
        rule("adlaw.13.smear", match={"terms": ["假货"]}, clause={"target": "third_party"}),
        rule("adlaw.25.promise", match={"terms": ["收益"]},
             clause={"unit": "clause", "requires_any": ["保证", "承诺"], "forbids_any": ["不承诺"]}),
        rule("adlaw.9-3.kept", match={"terms": ["顶级"]}, clause={"negated": "keep", "names": "keep"}),
    ])
    assert "adlaw.16.safety" in _fired(book, "本品没有任何副作用")       # a negative claim
    assert "adlaw.16.safety" not in _fired(book, "副作用请见说明书")
    assert "adlaw.13.smear" in _fired(book, "某品牌卖的全是假货")
    assert "adlaw.13.smear" not in _fired(book, "本店承诺假货假一赔十")
    assert "adlaw.25.promise" in _fired(book, "保证年年有收益")
    assert "adlaw.25.promise" not in _fired(book, "保证送达，年年有收益")     # another clause
    assert "adlaw.25.promise" not in _fired(book, "我们不承诺收益")
    assert "adlaw.9-3.kept" in _fired(book, "谈不上顶级")
    # the default: a negated claim and a claim inside a title are no claims
    assert SUPERLATIVE in _fired(book, "最好的面霜")
    assert SUPERLATIVE not in _fired(book, "谈不上最好的面霜")
    assert SUPERLATIVE not in _fired(book, "《最好的我们》")


LIBRARY = {"library": "lib", "exemptions": [
    {"id": "lib.aspiration", "note": "愿景", "basis": "指南", "window": "clause", "patterns": ["致力于.{0,8}最"],
     "examples": {"must_match": ["致力于做最好的服务"], "must_not_match": ["最好的服务"]}},
    {"id": "lib.words", "note": "普通词", "basis": "指南", "default": True, "whole_term": ["最好看"],
     "examples": {"must_match": ["最好看的风景"], "must_not_match": ["最好的面霜"]}},
]}


def test_library_exemptions_are_used_by_id_and_by_default(tmp_path: Path) -> None:
    book = _book(tmp_path, [], LIBRARY)
    assert SUPERLATIVE in _fired(book, "致力于做最好的服务")    # the pack's rule does not use it
    book2_packs = packs()
    book2_packs["cn/adlaw.yaml"]["rules"][0] = {**book2_packs["cn/adlaw.yaml"]["rules"][0],
                                                "exemptions": [{"use": "lib.aspiration"}]}
    book2_packs["exemptions/lib.yaml"] = LIBRARY
    book2 = load_rulebook(*write_rulebook(tmp_path / "b2", packs=book2_packs), use_cache=False)
    assert SUPERLATIVE not in _fired(book2, "我们致力于做最好的服务")
    assert SUPERLATIVE in _fired(book2, "最好的服务，致力于环保")  # another clause
    assert SUPERLATIVE not in _fired(book2, "最好看的风景")        # the default entry
    count, failures = run_examples(book2)
    assert not [f for f in failures if f.rule_id.startswith("lib.")], failures


def test_library_examples_fail_when_the_exemption_does_too_much(tmp_path: Path) -> None:
    broad = {"library": "lib", "exemptions": [
        {"id": "lib.all", "note": "过宽", "basis": "无", "default": True, "whole_term": ["最好"],
         "examples": {"must_match": ["最好看"], "must_not_match": ["最好的面霜"]}}]}
    book = _book(tmp_path, [], broad)
    _, failures = run_examples(book)
    assert [(f.rule_id, f.expectation) for f in failures if f.rule_id == "lib.all"] == [
        ("lib.all", "exemption must_not_match")]


def test_an_unknown_library_exemption_stops_loading(tmp_path: Path) -> None:
    with pytest.raises(RulebookError, match="unknown library exemption"):
        _book(tmp_path, [rule("adlaw.9-3.x", match={"terms": ["顶级"]}, exemptions=[{"use": "lib.nope"}])])


def test_a_patterns_claim_group_is_where_polarity_is_judged(tmp_path: Path) -> None:
    book = _book(tmp_path, [
        rule("aucl.12.smear", match={"patterns": [r"[\u4e00-\u9fff]{2,4}公司[^。]{0,20}?(?P<claim>造假|假货)"]}),
        rule("aucl.12.whole", match={"patterns": [r"[\u4e00-\u9fff]{2,4}公司[^。]{0,20}?(?:造假|假货)"]}),
    ])
    assert {"aucl.12.smear", "aucl.12.whole"} <= _fired(book, "华辰公司的检测报告都是造假")
    # the negation governs the claim word, not the name the match starts with
    fired = _fired(book, "华辰公司招聘质检员，要求绝不造假")
    assert "aucl.12.smear" not in fired and "aucl.12.whole" in fired
    finding = next(f for f in evaluate(book, ScreenInput(text="华辰公司的检测报告都是造假")).findings
                   if f.rule_id == "aucl.12.smear")
    assert finding.matched == "华辰公司的检测报告都是造假"   # the finding still spans the whole match


def test_the_compact_view_does_not_join_two_sentences(tmp_path: Path) -> None:
    book = _book(tmp_path, [rule("aucl.12.smear", match={"patterns": [r"直播间[^。]{0,20}冒充"]})])
    assert "aucl.12.smear" in _fired(book, "隔壁直播间*全是冒充的")        # a mark inside a sentence is undone
    assert "aucl.12.smear" not in _fired(book, "就在这个直播间。有人冒充我们，请举报")
