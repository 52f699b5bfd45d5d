"""Contact detectors registered for rule packs: names, spans over the original text."""

from __future__ import annotations

import pytest

from riskguard.rulebook import detectors

from .cases import EMAIL, MOBILE


def test_registered() -> None:
    assert {"CN_MOBILE", "WECHAT_ID", "QQ_NUMBER", "EMAIL_ADDRESS"} <= detectors.names()


@pytest.mark.parametrize(("name", "text", "value"), [
    ("CN_MOBILE", f"有事打{MOBILE}哦", MOBILE),
    ("CN_MOBILE", "电话＋86 138 0013 8000", "＋86 138 0013 8000"),
    ("WECHAT_ID", "加薇信：shop_owner88", "shop_owner88"),
    ("QQ_NUMBER", "扣扣987654321", "987654321"),
    ("EMAIL_ADDRESS", f"邮箱{EMAIL}", EMAIL),
])
def test_detector_spans(name: str, text: str, value: str) -> None:
    spans = list(detectors.get(name)(text))
    assert [(text[s:e], label) for s, e, label in spans] == [(value, name)]


@pytest.mark.parametrize(("name", "text"), [
    ("CN_MOBILE", "订单号13800138000"),
    ("CN_MOBILE", "12345678901"),
    ("WECHAT_ID", "微信支付"),
    ("QQ_NUMBER", "订单12345678"),
    ("EMAIL_ADDRESS", "user@localhost"),
])
def test_detector_negatives(name: str, text: str) -> None:
    assert list(detectors.get(name)(text)) == []
