"""The engine on the test packs: evasion, exemptions, scope, context, dates, actions — as tables."""

from __future__ import annotations

from datetime import date

import pytest

from riskguard.rulebook import ENGINE_ERROR, Rulebook, ScreenInput, evaluate, load_rulebook
from riskguard.rulebook import detectors as registry

from .packs import packs, rule, write_rulebook

SUPERLATIVE = "adlaw.9-3.superlative"


def rules_fired(book: Rulebook, text: str, **fields) -> dict[str, list[str]]:  # type: ignore[no-untyped-def]
    decision = evaluate(book, ScreenInput(text=text, **fields))
    out: dict[str, list[str]] = {}
    for f in decision.findings:
        assert text[f.start:f.end] == f.matched
        out.setdefault(f.rule_id, []).append(f.matched)
    return out


@pytest.mark.parametrize(("text", "matched"), [
    ("这是最好的面霜", "最好"),
    ("最*好的面霜", "最*好"),
    ("最 好的面霜", "最 好"),
    ("最.佳选择", "最.佳"),
    ("最\u200b佳选择", "最\u200b佳"),          # zero-width space
    ("ＮＯ最好", "最好"),
    ("最佳選擇，頂級品質", "最佳"),             # traditional characters
    ("頂級品質", "頂級"),
    ("蕞佳选择", "蕞佳"),                       # variant character map
    ("嶵 好", "嶵 好"),
    ("zui hao de mian shuang", "zui hao"),      # pinyin
    ("zuihao!", "zuihao"),
    ("ZUI JIA xuan ze", "ZUI JIA"),
    ("Ｚｕｉ　Ｊｉａ", "Ｚｕｉ　Ｊｉａ"),         # full-width pinyin
    ("全网最低价", "全网最低价"),
    ("全网最 低 价", "全网最 低 价"),
    ("本店排名第一", "第一"),
    ("本店排名第1", "第1"),                     # digit styles
    ("本店排名第①", "第①"),
    ("本店排名第❶", "第❶"),
    ("本店排名第壹", "第壹"),
    ("weiyi", "weiyi"),                         # 唯一 in pinyin
])
def test_evasions_must_match(book: Rulebook, text: str, matched: str) -> None:
    assert matched in rules_fired(book, text).get(SUPERLATIVE, [])


@pytest.mark.parametrize("text", [
    "最近天气转凉",
    "第一次购买可以退换",
    "最后一天发货",
    "最佳赏味期为三个月",
    "特级初榨橄榄油，执行标准GB/T 23347，品质顶级",
    "本店排名第10",               # 第1 inside 第10 is not 第一
    "we I yield to none",         # "weiyi" across English words
    "zuihaode",                   # pinyin glued to more letters: not a word boundary
    "这款面霜口碑很好",
    "zui jin tian qi",            # 最近 in pinyin
])
def test_hard_negatives_must_not_match(book: Rulebook, text: str) -> None:
    assert SUPERLATIVE not in rules_fired(book, text)


@pytest.mark.parametrize(("text", "fires"), [
    ("顶级品质，执行标准GB/T 23347", False),            # exemption term and pattern within the window
    ("顶级品质，执行标准 gb 23347", False),             # the pattern alone
    ("顶级品质" + "很" * 20 + "执行标准GB/T 23347", True),  # both too far away
    ("执行标准GB/T 23347" + "很" * 20 + "顶级品质", True),
    ("顶级品质" + "很" * 20 + "执行标准GB/T 23347，又一个顶级", True),  # the first 顶级 still fires
    ("最近天气转凉，最近", False),                       # whole-term words cover each match
    ("最近最好", True),
    ("最好最近", True),
])
def test_exemptions_apply_near_the_match_only(book: Rulebook, text: str, fires: bool) -> None:
    assert (SUPERLATIVE in rules_fired(book, text)) is fires


@pytest.mark.parametrize(("text", "fields", "rule_id", "fires"), [
    # disease words: a violation for food and general goods, not for drugs
    ("本品可以降血压", {"category": "food"}, "adlaw.17.disease", True),
    ("本品可以降血压", {"category": "general"}, "adlaw.17.disease", True),
    ("本品可以降血压", {"category": "drug"}, "adlaw.17.disease", False),
    # … but a drug listing needs a registration number (request field or in the copy)
    ("本品可以降血压", {"category": "drug"}, "adlaw.16.drug-unregistered", True),
    ("本品可以降血压", {"category": "drug", "registration_numbers": ("国药准字H20000000",)},
     "adlaw.16.drug-unregistered", False),
    ("本品可以降血压，国药准字H20000001", {"category": "drug"}, "adlaw.16.drug-unregistered", False),
    ("本品可以降血压", {"category": "medical_device_class2"}, "adlaw.16.drug-unregistered", True),
    # a device whose class is not given counts as its classes; infant food as food; unknown: unscoped only
    ("本品可以降血压", {"category": "medical_device"}, "adlaw.16.drug-unregistered", True),
    ("本品可以降血压", {"category": "infant_food"}, "adlaw.17.disease", True),
    ("本品可以降血压", {"category": "toys"}, "adlaw.17.disease", False),
    # investment copy without a risk warning anywhere in the text
    ("年化收益8%，稳赚", {"category": "finance"}, "adlaw.25.investment", True),
    ("年化收益8%。投资有风险，入市需谨慎", {"category": "finance"}, "adlaw.25.investment", False),
    ("年化收益8%", {"category": "food"}, "adlaw.25.investment", False),
    # purchase link without a 广告 label
    ("好物分享，点击下方链接购买", {"has_purchase_link": True}, "iam.9.unlabelled", True),
    ("好物分享，点击下方链接购买", {"has_purchase_link": True, "labelled_as_ad": True}, "iam.9.unlabelled", False),
    ("【广告】好物分享，点击下方链接购买", {"has_purchase_link": True}, "iam.9.unlabelled", False),
    ("好物分享", {"has_purchase_link": False}, "iam.9.unlabelled", False),
    ("好物分享，点击下方链接购买", {"has_purchase_link": True, "kind": "listing"}, "iam.9.unlabelled", False),
    # requires_any within a window
    ("考试包过", {}, "adlaw.24.exam", True),
    ("包过", {}, "adlaw.24.exam", False),
    ("包过" + "。" * 5 + "很多很多很多很多很多很多字之后的考试", {}, "adlaw.24.exam", False),
    # kinds in scope
    ("加微信联系", {"kind": "listing"}, "platform.diversion.wechat", True),
    ("加 薇-信联系", {"kind": "listing"}, "platform.diversion.wechat", True),
    ("加V 12345", {"kind": "listing"}, "platform.diversion.wechat", True),
    ("加微信联系", {"kind": "ad"}, "platform.diversion.wechat", False),
    ("vx: abc123", {"kind": "listing"}, "platform.diversion.wechat", True),
    ("vxyz", {"kind": "listing"}, "platform.diversion.wechat", False),
    # a document that says in its heading it is no ad, and sells nothing, asserts no law pack's claim
    # (广告法 Art. 2); the platform's own rules still bind it, and a heading over a sale changes nothing
    ("更正声明:此前详情页写的'最好'表述缺乏依据,已删除", {}, SUPERLATIVE, False),
    ("法院审理查明,被告以'最好的理财'为诱饵吸收资金", {}, SUPERLATIVE, False),
    ("更正声明:此前详情页写的'最好'表述已更新", {"has_purchase_link": True}, SUPERLATIVE, True),
    # ...but a quote the author disowns (缺乏依据, 误写, 已删除) is no claim, on a page that sells or not
    ("更正声明:此前详情页写的'最好'表述缺乏依据", {"has_purchase_link": True}, SUPERLATIVE, False),
    ("店庆公告:全场最好的面霜五折", {}, SUPERLATIVE, True),
    # ...nor does a heading over the author's own claim about its goods, outside a quotation
    ("售后说明:本品是最好的面霜", {}, SUPERLATIVE, True),
    ("更正声明:我们的面霜是最好的", {}, SUPERLATIVE, True),
    ("更正声明:本品详情页此前写的'最好'表述缺乏依据,已删除", {}, SUPERLATIVE, False),
    ("平台公告:为领取补贴请加微信联系客服", {"kind": "listing"}, "platform.diversion.wechat", True),
    # a heading that only names a genre (整改公告, 案例评析, 小知识) frees a text that reports conduct as corrected or
    # sanctioned; over the author's own claim, or over a text with no such report, it changes nothing (evasion watch)
    ("【店铺整改公告】本店详情页曾使用'最好'等表述,不符合广告法的规定,已全部删除", {}, SUPERLATIVE, False),
    ("【案例评析】某药房宣称'最好的药'并开展秒杀销售,被市场监管部门罚款", {}, SUPERLATIVE, False),
    ("【店铺整改公告】我们的面霜是最好的", {}, SUPERLATIVE, True),
    ("【小知识】最好的面霜,今晚秒杀", {}, SUPERLATIVE, True),
    ("【案例评析】某店宣称'最好'被罚款。本店面霜秒杀价,最好的面霜", {}, SUPERLATIVE, True),
    ("更正说明:本品能降血压", {"category": "food"}, "adlaw.17.disease", True),
    ("【店铺整改公告】本品能降血压,已删除差评", {"category": "food"}, "adlaw.17.disease", True),
    ("【更正说明】此前误写'降血压',该表述没有依据,已删除", {"category": "food"}, "adlaw.17.disease", False),
    # a text that shows it is a drug (OTC class, approval number) is one: AdLaw-17 is for non-medical goods
    ("OTC甲类。本品用于降血压", {"category": "general"}, "adlaw.17.disease", False),
    ("OTC甲类。本品用于降血压", {"category": "general"}, "adlaw.16.drug-unregistered", True),
    ("OTC甲类。本品用于降血压", {"category": "food"}, "adlaw.17.disease", True),
    # a caller's own name for a category counts as the category it is a kind of
    ("本品可以降血压", {"category": "seafood"}, "adlaw.17.disease", True),
])
def test_scope_when_and_context(book: Rulebook, text: str, fields: dict, rule_id: str, fires: bool) -> None:
    kind = fields.pop("kind", "ad")
    assert (rule_id in rules_fired(book, text, kind=kind, **fields)) is fires


@pytest.mark.parametrize(("published", "article", "fires"), [
    (date(2024, 6, 1), "8", True),       # AUCL before the 2025 revision: Art. 8
    (date(2025, 10, 14), "8", True),
    (date(2025, 10, 15), "9", True),     # in force from 2025-10-15: Art. 9
    (date(2026, 1, 1), "9", True),
])
def test_renumbered_article_follows_published_date(book: Rulebook, published: date, article: str,
                                                   fires: bool) -> None:
    decision = evaluate(book, ScreenInput(text="商家组织刷单", published_at=published))
    cited = [f.article for f in decision.findings if f.rule_id == "aucl.9.fake-sales"]
    assert cited == [article]


@pytest.mark.parametrize(("as_of", "fires"), [(date(2029, 12, 31), False), (date(2030, 1, 1), True)])
def test_rule_effective_dates(book: Rulebook, as_of: date, fires: bool) -> None:
    decision = evaluate(book, ScreenInput(text="未来条款"), as_of=as_of)
    assert any(f.rule_id == "aucl.new.only-after" for f in decision.findings) is fires


@pytest.mark.parametrize(("text", "kind", "policy", "decision"), [
    ("口碑很好的面霜", "ad", None, "allow"),
    ("最好的面霜", "ad", None, "block"),            # high → block
    ("三天见效", "ad", None, "review"),             # medium, rule action review
    ("考试包过", "ad", None, "review"),             # low → review
    ("最好的面霜", "livestream", None, "review"),   # the livestream policy maps high → review
    ("最好的面霜", "ad", "lenient", "allow"),       # a policy that allows everything
    ("考试包过，商家刷单，三天见效", "ad", None, "review"),
])
def test_policy_maps_severity_to_decision(book: Rulebook, text: str, kind: str, policy: str | None,
                                          decision: str) -> None:
    assert evaluate(book, ScreenInput(text=text, kind=kind), policy=policy).decision == decision


def test_review_action_caps_a_critical_rule(tmp_path) -> None:  # type: ignore[no-untyped-def]
    data = packs()
    data["cn/adlaw.yaml"]["rules"].append(rule("adlaw.28.caps", severity="critical", action="review",
                                               match={"terms": ["原价"]}))
    book = load_rulebook(*write_rulebook(tmp_path, packs=data))
    assert evaluate(book, ScreenInput(text="原价999")).decision == "review"
    assert evaluate(book, ScreenInput(text="原价999，最好")).decision == "block"


@pytest.mark.parametrize(("threshold", "decision"), [(None, "allow"), (2, "review")])
def test_count_threshold_raises_to_review(tmp_path, threshold: int | None, decision: str) -> None:  # type: ignore[no-untyped-def]
    from .packs import POLICIES
    policies = {k: dict(v) for k, v in POLICIES.items()}
    policies["lenient.yaml"] = {**policies["lenient.yaml"],
                                "actions": {"critical": "block", "high": "allow", "medium": "allow",
                                            "low": "review", "info": "allow"},
                                "thresholds": {"review_at_findings": threshold} if threshold else {}}
    book = load_rulebook(*write_rulebook(tmp_path, policies=policies))
    assert evaluate(book, ScreenInput(text="最好，顶级"), policy="lenient").decision == decision


def test_decision_carries_revision_and_ids(book: Rulebook) -> None:
    a = evaluate(book, ScreenInput(text="最好", id="sku-1"))
    b = evaluate(book, ScreenInput(text="最好", id="sku-1"))
    assert a.policy_revision == b.policy_revision == book.revision
    assert a.decision_id != b.decision_id and a.decision_id.startswith("dec_")
    assert a.as_dict()["id"] == "sku-1"
    assert set(a.as_dict()["findings"][0]) == {"rule_id", "law", "article", "severity", "start", "end",
                                               "matched", "message", "suggestion"}


@pytest.fixture
def detector_book(tmp_path):  # type: ignore[no-untyped-def]
    registry.register("TEST_DIGITS", lambda text: [(m.start(), m.end(), "DIGITS")
                                                   for m in __import__("re").finditer(r"\d{6,}", text)])
    registry.register("TEST_BROKEN", lambda text: 1 / 0)
    data = packs()
    data["platform/diversion.yaml"]["rules"] += [
        rule("platform.diversion.digits", scope={"kinds": ["listing"]}, match={"detectors": ["TEST_DIGITS"]},
             exemptions=[{"id": "order", "window": 5, "terms": ["订单号"]}]),
        rule("platform.diversion.broken", scope={"kinds": ["livestream"]}, match={"detectors": ["TEST_BROKEN"]}),
    ]
    return load_rulebook(*write_rulebook(tmp_path, packs=data))


@pytest.mark.parametrize(("text", "fires"), [
    ("联系我 13800138000", True),
    ("订单号 13800138000", False),
    ("联系我 12345", False),
])
def test_detectors_run_on_original_text(detector_book: Rulebook, text: str, fires: bool) -> None:
    decision = evaluate(detector_book, ScreenInput(text=text, kind="listing"))
    hits = [f for f in decision.findings if f.rule_id == "platform.diversion.digits"]
    assert bool(hits) is fires
    for f in hits:
        assert text[f.start:f.end] == f.matched


@pytest.mark.parametrize(("text", "number"), [
    ("联系我 一三八零零一三八零零零 包邮", "一三八零零一三八零零零"),
    ("电话：壹叁捌零零壹叁捌零零零", "壹叁捌零零壹叁捌零零零"),
    ("手机①③⑧⓪⓪①③⑧⓪⓪⓪", "①③⑧⓪⓪①③⑧⓪⓪⓪"),
    ("13800138000 或 一三八零零一三八零零零", "13800138000"),  # both, each once
])
def test_detectors_also_see_numbers_written_in_other_digits(detector_book: Rulebook, text: str,
                                                            number: str) -> None:
    decision = evaluate(detector_book, ScreenInput(text=text, kind="listing"))
    hits = [f for f in decision.findings if f.rule_id == "platform.diversion.digits"]
    assert number in [f.matched for f in hits]
    assert all(text[f.start:f.end] == f.matched for f in hits)
    assert len({(f.start, f.end) for f in hits}) == len(hits) == (2 if "或" in text else 1)


def test_engine_error_fails_closed_to_review(detector_book: Rulebook) -> None:
    decision = evaluate(detector_book, ScreenInput(text="口碑很好", kind="livestream"))
    assert decision.decision == "review"
    assert [f.rule_id for f in decision.findings] == [ENGINE_ERROR]


def test_overlapping_matches_of_one_rule_merge(book: Rulebook) -> None:
    decision = evaluate(book, ScreenInput(text="全网最低价"))
    spans = [(f.start, f.end) for f in decision.findings if f.rule_id == SUPERLATIVE]
    assert spans == [(0, 5)]


def test_engine_error_log_carries_no_text(detector_book: Rulebook) -> None:
    from structlog.testing import capture_logs

    secret = "张三的手机13800138000最好"
    with capture_logs() as logs:
        evaluate(detector_book, ScreenInput(text=secret, kind="livestream"))
    assert [e["event"] for e in logs] == ["screening.engine_error"]
    assert logs[0]["error_type"] == "ZeroDivisionError"
    assert secret not in repr(logs) and "13800138000" not in repr(logs)
