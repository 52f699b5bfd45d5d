"""Small rule packs written into a temporary directory: the engine is tested on data it does not ship.

``write_rulebook(tmp_path)`` lays out ``rules/`` and ``policies/`` like the real tree; tests change a
copy of ``PACKS`` / ``POLICIES`` to probe one behaviour at a time.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import yaml

__all__ = ["PACKS", "POLICIES", "VARIANTS", "write_rulebook", "rule", "packs"]

ACTIONS = {"critical": "block", "high": "block", "medium": "review", "low": "review", "info": "allow"}


def rule(rid: str, **fields: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"id": rid, "citation": {"law": "测试法", "article": "1"}, "severity": "high",
                            "message": "测试消息", "suggestion": "测试建议", "examples": {}}
    body.update(fields)
    return body


PACKS: dict[str, dict[str, Any]] = {
    "cn/adlaw.yaml": {"pack": "adlaw", "title": "中华人民共和国广告法", "rules": [
        rule("adlaw.9-3.superlative",
             citation={"law": "中华人民共和国广告法", "short": "广告法", "article": "9(3)"},
             match={"terms": ["最好", "最佳", "第一", "全网最低", "顶级", "唯一"],
                    "patterns": [r"最(?:低|便宜)价"]},
             exemptions=[{"id": "ordinary-words", "whole_term": ["最近", "第一次", "最后一天", "最佳赏味期"]},
                         {"id": "standard-grade", "window": 15, "terms": ["GB/T"],
                          "patterns": [r"gb/?t?\s?\d+"]}],
             examples={"must_match": ["全网最低价的面霜", "最 好", "zui hao"],
                       "must_not_match": ["最近天气转凉", "第一次购买"]}),
        rule("adlaw.17.disease", severity="high",
             citation={"law": "中华人民共和国广告法", "article": "17"},
             scope={"categories": ["food", "cosmetics", "general"]},
             match={"terms": ["治疗", "消炎", "降血压"]},
             examples={"must_match": [{"text": "本品可以降血压", "category": "food"}],
                       "must_not_match": [{"text": "本品可以降血压", "category": "drug"}]}),
        rule("adlaw.16.drug-unregistered", severity="critical",
             citation={"law": "中华人民共和国广告法", "article": "16"},
             scope={"categories": ["drug", "medical_device_class2", "medical_device_class3"]},
             match={"terms": ["治疗", "降血压"]}, when={"has_registration_number": False}),
        rule("adlaw.25.investment", severity="high",
             citation={"law": "中华人民共和国广告法", "article": "25"},
             scope={"categories": ["finance"]},
             match={"terms": ["年化收益", "稳赚", "回报率"]},
             context={"window": None, "forbids_any": ["投资有风险", "风险提示"]}),
        rule("adlaw.28.unsourced", severity="medium", action="review",
             citation={"law": "中华人民共和国广告法", "article": "28"},
             match={"patterns": [r"\d+天见效"]}),
        rule("adlaw.24.exam", severity="low",
             citation={"law": "中华人民共和国广告法", "article": "24"},
             match={"terms": ["包过"]}, context={"window": 10, "requires_any": ["考试", "证书"]}),
    ]},
    "cn/iam.yaml": {"pack": "iam", "rules": [
        rule("iam.9.unlabelled", severity="high",
             citation={"law": "互联网广告管理办法", "article": "9"},
             scope={"kinds": ["ad", "livestream"]},
             when={"has_purchase_link": True, "labelled_as_ad": False},
             context={"document_forbids_any": ["广告"]}),
    ]},
    "cn/aucl.yaml": {"pack": "aucl", "rules": [
        rule("aucl.9.fake-sales", severity="medium",
             citation={"law": "反不正当竞争法", "article": "9",
                       "numbering": [{"article": "8", "effective_from": "2018-01-01",
                                      "effective_to": "2025-10-14"},
                                     {"article": "9", "effective_from": "2025-10-15"}]},
             match={"terms": ["刷单"]}),
        rule("aucl.new.only-after", severity="low", effective_from="2030-01-01",
             match={"terms": ["未来条款"]}),
    ]},
    "platform/diversion.yaml": {"pack": "platform", "rules": [
        rule("platform.diversion.wechat", severity="high",
             citation={"law": "平台规则", "article": "diversion"},
             scope={"kinds": ["listing", "livestream"]},
             match={"terms": ["加微信", "vx"]}),
    ]},
}

VARIANTS = {"chars": {"蕞": "最", "嶵": "最"}, "phrases": {"薇信": "微信", "威信": "微信", "加v": "加微信"}}

POLICIES: dict[str, dict[str, Any]] = {
    "ad-prepublish.yaml": {"policy": "ad-prepublish", "type": "screening", "default_for": ["ad"],
                           "packs": ["adlaw", "iam", "aucl", "platform"], "actions": dict(ACTIONS),
                           "thresholds": {"review_at_findings": 3}},
    "listing.yaml": {"policy": "listing", "type": "screening", "default_for": ["listing"],
                     "packs": ["adlaw", "aucl", "platform"], "actions": dict(ACTIONS)},
    "livestream.yaml": {"policy": "livestream", "type": "screening", "default_for": ["livestream"],
                        "packs": ["adlaw", "iam", "aucl", "platform"],
                        "actions": {**ACTIONS, "high": "review"}},
    "lenient.yaml": {"policy": "lenient", "type": "screening", "packs": ["adlaw"],
                     "actions": {k: "allow" for k in ACTIONS}},
}


def packs() -> dict[str, dict[str, Any]]:
    return copy.deepcopy(PACKS)


def write_rulebook(root: Path, packs: dict[str, Any] | None = None, policies: dict[str, Any] | None = None,
                   variants: dict[str, Any] | None = None) -> tuple[Path, Path]:
    rules_dir, policies_dir = root / "rules", root / "policies"
    for rel, data in (PACKS if packs is None else packs).items():
        path = rules_dir / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(data if isinstance(data, str) else yaml.safe_dump(data, allow_unicode=True), "utf-8")
    (rules_dir / "normalisation").mkdir(parents=True, exist_ok=True)
    (rules_dir / "normalisation" / "variants.yaml").write_text(
        yaml.safe_dump(VARIANTS if variants is None else variants, allow_unicode=True), "utf-8")
    policies_dir.mkdir(parents=True, exist_ok=True)
    for name, data in (POLICIES if policies is None else policies).items():
        (policies_dir / name).write_text(yaml.safe_dump(data, allow_unicode=True), "utf-8")
    return rules_dir, policies_dir
