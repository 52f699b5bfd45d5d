"""``REQUIRED`` gates: whenever a recognizer's pattern matches a text, its REQUIRED regex finds something.

The gate lets ``analyze`` return early without running Presidio, which is only sound if no text can
match a pattern without containing the gate; hypothesis looks for a counter-example.
"""

from __future__ import annotations

import pytest
import regex
from hypothesis import given, settings
from hypothesis import strategies as st

from riskguard.privacy.pii.recognizers import CnMobileRecognizer, CnQqNumberRecognizer, CnWechatIdRecognizer
from riskguard.privacy.pii.recognizers._base import CnPatternRecognizer

GATED = [CnMobileRecognizer, CnQqNumberRecognizer, CnWechatIdRecognizer]
# Pieces that build phone numbers, QQ numbers and WeChat IDs with their contact words, in several digit
# styles (ASCII, full-width, Arabic-Indic) and with the separators the patterns allow.
PIECES = st.sampled_from(["1", "１", "3", "8", "８", "6", "６", "0", "０", "9", "٣", "+", "＋", "00", " ", "-", "_",
                          "a", "Z", "x", "qq", "QQ", "扣扣", "企鹅号", "q号", "微信", "薇信", "加v", "vx", "wx ",
                          "：", ":", "号", "订单", "，", "13800138000", "138 0013 8000", "lily2024a", "abc12",
                          "shop_1", "1380013800", "12345"])


@pytest.mark.parametrize("cls", GATED)
def test_gate_declared(cls: type[CnPatternRecognizer]) -> None:
    assert cls.REQUIRED


@pytest.mark.parametrize("cls", GATED)
@settings(max_examples=600, deadline=None)
@given(pieces=st.lists(PIECES, max_size=14))
def test_every_match_contains_the_gate(cls: type[CnPatternRecognizer], pieces: list[str]) -> None:
    text = "".join(pieces)
    required = regex.compile(cls.REQUIRED, cls.REGEX_FLAGS)
    for _, pattern, _ in cls.PATTERNS:
        if regex.search(pattern, text, cls.REGEX_FLAGS):
            assert required.search(text), text


@pytest.mark.parametrize(("cls", "text"), [
    (CnMobileRecognizer, "价格138元，库存2件"),
    (CnQqNumberRecognizer, "QQ音乐会员"),
    (CnWechatIdRecognizer, "支持微信支付"),
    (CnWechatIdRecognizer, "加微信 领券 型号AB-2025"),
])
def test_gated_text_has_no_result(cls: type[CnPatternRecognizer], text: str) -> None:
    recognizer = cls("zh")
    assert recognizer._required is not None and not recognizer._required.search(text)
    assert recognizer.analyze(text, [cls.ENTITY]) == []
