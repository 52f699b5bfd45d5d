"""Store name and description through the real rules engine (``listing`` policy)."""

from __future__ import annotations

import dataclasses
from datetime import date
from typing import Any

import pytest

from riskguard.config import PROJECT_ROOT
from riskguard.onboarding.checks import CheckContext, check_content
from riskguard.onboarding.policy import load_policy
from riskguard.onboarding.schemas import ApplicationSchema
from riskguard.rulebook import load_rulebook

from .builders import application

POLICY = load_policy(PROJECT_ROOT / "policies")


@pytest.fixture(scope="module")
def rulebook() -> Any:
    return load_rulebook(PROJECT_ROOT / "rules", PROJECT_ROOT / "policies")


def content(rulebook: Any, policy: Any = POLICY, **overrides: Any) -> list[Any]:
    data = ApplicationSchema().load(application(**overrides))
    return check_content(CheckContext(application=data, as_of=date(2026, 11, 26), policy=policy,
                                      digest_key=b"k" * 32, rulebook=rulebook))


@pytest.mark.parametrize(("overrides", "field", "rule_prefix"), [
    ({"store_name": "全网最低价小店"}, "store_name", "adlaw.9-3."),                    # absolute terms
    ({"store_description": "国家级品质，放心选购"}, "store_description", "adlaw.9-3."),
    ({"store_description": "有问题加VX：shop8888"}, "store_description", "platform.diversion."),
    ({"store_description": "想要优惠请加我微信 wx_shop2024"}, "store_description", "platform.diversion."),
    # landlines and order hotlines with an invitation to call or trade off the platform
    ({"store_description": "批发请致电 0571-88886666，量大从优"}, "store_description",
     "platform.diversion.landline"),
    ({"store_description": "欢迎来电订购（020）87654321"}, "store_description", "platform.diversion.landline"),
    ({"store_name": "青禾批發 請致電0755-26668888"}, "store_name", "platform.diversion.landline"),
    ({"store_description": "订购热线：400-820-8820"}, "store_description", "platform.diversion.order-hotline"),
    ({"store_description": "本店茶叶可以治疗高血压", "categories": ["food"],
      "qualifications": [{"type": "food_business_license", "number": "JY1", "valid_until": None}]},
     "store_description", "adlaw.17."),                                              # medical claims
])
def test_content_findings(rulebook: Any, overrides: dict[str, Any], field: str, rule_prefix: str) -> None:
    found = content(rulebook, **overrides)
    assert found and all(f.check == "content" and f.field == field for f in found)
    assert any(f.rule_id.startswith(rule_prefix) for f in found)
    for f in found:
        text = overrides[field]
        assert 0 <= f.start < f.end <= len(text) and f.law and f.article and f.severity and f.message
        assert f.decision == "review"  # capped by the policy: onboarding text can be fixed
        assert text[f.start:f.end] not in f.to_dict().values()  # the matched text is not echoed


@pytest.mark.parametrize("overrides", [
    {},
    {"store_name": "最近上新小店", "store_description": "最大承重20公斤的收纳架"},
    {"store_description": "售后服务热线400-820-8820，工作日9:00-18:00"},   # a brand's service line
    {"store_description": "请在平台下单，售后热线400-820-8820"},
    {"store_description": ""},
])
def test_clean_content(rulebook: Any, overrides: dict[str, Any]) -> None:
    assert content(rulebook, **overrides) == []


@pytest.mark.parametrize(("category", "text", "rule_prefix"), [
    ("pesticides", "本店农药100%有效，无效退款", "adlaw.21."),   # screened as agriculture
    ("subject_tutoring", "包过班，不过退费", "adlaw.24."),        # screened as education
    ("payment", "稳赚不赔，保本保息", "adlaw.25."),              # screened as finance
])
def test_licensed_sectors_are_screened_as_their_family(rulebook: Any, category: str, text: str,
                                                       rule_prefix: str) -> None:
    assert POLICY.screens_as[category] != category
    found = content(rulebook, categories=[category], store_description=text)
    assert any(f.rule_id.startswith(rule_prefix) for f in found)


PUBLICATION_LICENCE = [{"type": "publication_business_license", "number": "新出发浙字第Z-1234号",
                        "valid_until": None}]


@pytest.mark.parametrize(("title", "bare"), [
    ("热销《最好的我们》《你好，旧时光》", "热销最好的我们"),
    ("本店主营《最强大脑》同名图书", "本店主营最强大脑"),
    ("《第一财经》杂志全年订阅", "第一财经杂志，销量第一"),
])
def test_titles_are_names_not_claims(rulebook: Any, title: str, bare: str) -> None:
    """A bookshop listing a title in 《》 uses no absolute term: the store text goes through the rules
    engine, whose clause step treats a 《…》 title as a name (the same words outside one are a claim)."""
    common = {"categories": ["publications"], "qualifications": PUBLICATION_LICENCE}
    assert content(rulebook, store_description=title, **common) == []
    claimed = content(rulebook, store_description=bare, **common)
    assert any(f.rule_id.startswith("adlaw.9-3.") for f in claimed)


def test_without_cap_the_screening_decision_stands(rulebook: Any) -> None:
    found = content(rulebook, dataclasses.replace(POLICY, screening_cap=None), store_name="全网最低价小店")
    assert {f.decision for f in found} == {"block"}


def test_one_finding_per_span_across_categories(rulebook: Any) -> None:
    found = content(rulebook, store_name="国家级品质店", categories=["general", "apparel", "cosmetics"])
    spans = [(f.field, f.rule_id, f.start, f.end) for f in found]
    assert spans and len(spans) == len(set(spans))


@pytest.mark.parametrize("category", ["drug", "medical_device_class3"])
def test_product_page_rules_are_ignored_for_stores(rulebook: Any, category: str) -> None:
    """A store description carries no product approval number; licences are checked as qualifications.
    The description names products (the listing rule fires only where a product is presented)."""
    assert POLICY.screening_ignore_rules
    described = {"categories": [category], "store_description": "本店主营阿莫西林胶囊、布洛芬片等常用药品和血压计"}
    found = content(rulebook, **described)
    assert [f for f in found if f.rule_id in POLICY.screening_ignore_rules] == []
    unfiltered = content(rulebook, dataclasses.replace(POLICY, screening_ignore_rules=frozenset()), **described)
    assert {f.rule_id for f in unfiltered} >= set(POLICY.screening_ignore_rules)  # it would fire
