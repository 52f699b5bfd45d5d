"""Length-preserving masking of personal data (what review cases and store descriptions keep at rest):
must-mask / must-not-mask tables, and a property test that the length never changes and only the
detected values do."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from riskguard.privacy.pii.service import MASKED_ENTITIES, mask_personal_data, personal_data_spans

from .cases import EMAIL, ID, MOBILE, UNIONPAY, USCC, VISA

MUST_MASK = [
    # (text, the personal value that must vanish)
    (f"性能吊打同行，咨询电话{MOBILE}", MOBILE),
    ("联系电话：+86 138-0013-8000（同微信）", "+86 138-0013-8000"),
    ("店主手机１３８００１３８０００，欢迎咨询", "１３８００１３８０００"),  # full-width digits
    (f"身份证{ID}，请核对", ID),
    (f"统一社会信用代码：{USCC}", USCC),
    (f"退款请打到 {UNIONPAY} 谢谢", UNIONPAY),
    (f"信用卡{VISA}到期", VISA),
    (f"售后请发邮件到{EMAIL}", EMAIL),
    ("加V：shop_owner88 私聊更便宜", "shop_owner88"),
    ("QQ：12345678 批发价详谈", "12345678"),
    ("ＱＱ：12345678 批发价详谈", "12345678"),  # the contact word in full width
    ("护照号码E12345678，有效期", "E12345678"),
]

MUST_NOT_MASK = [
    "纯棉T恤，透气舒适，支持七天无理由退货",
    "订单号13800138000已发货",                  # an order number, not a phone
    "价格13800.00元，限时优惠",
    "客服热线400-820-8820，工作日9:00-18:00",
    "张三在北京开了一家店",                      # names and places are not masked (not in the list)
    "访问 https://shop.example.com 了解更多",
    "",
]


@pytest.mark.parametrize(("text", "value"), MUST_MASK)
def test_must_mask(text: str, value: str) -> None:
    out = mask_personal_data(text)
    start = text.index(value)
    assert len(out) == len(text)
    assert value not in out
    assert out[start:start + len(value)] == "*" * len(value)
    assert out[:start] == text[:start] and out[start + len(value):] == text[start + len(value):]


@pytest.mark.parametrize("text", MUST_NOT_MASK)
def test_must_not_mask(text: str) -> None:
    assert mask_personal_data(text) == text


def test_only_the_listed_entities() -> None:
    assert {t for t, _, _ in personal_data_spans(f"手机{MOBILE} 访问 https://a.example.com 张三")} == {"CN_MOBILE"}
    assert set(MASKED_ENTITIES) >= {"CN_RESIDENT_ID", "CN_MOBILE", "BANK_CARD", "CREDIT_CARD", "EMAIL_ADDRESS",
                                    "WECHAT_ID", "QQ_NUMBER", "CN_USCC", "CN_PASSPORT"}


_pieces = st.one_of(
    st.text(max_size=12),
    st.text(alphabet="0123456789 -+＋１３８", max_size=14),
    st.sampled_from(["电话", "手机", "微信", "加V：", "QQ：", "身份证", "卡号", "邮箱", "订单号", "，", "@",
                     ".com", MOBILE, ID, UNIONPAY, USCC, EMAIL, "shop_owner88", "E12345678"]),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_pieces, max_size=8).map("".join))
def test_masking_keeps_length_and_touches_only_detected_values(text: str) -> None:
    out = mask_personal_data(text)
    assert len(out) == len(text)
    inside = {i for _, start, end in personal_data_spans(text) for i in range(start, end)}
    for i, (before, after) in enumerate(zip(text, out, strict=True)):
        if i in inside:
            assert after == "*"
        else:
            assert after == before
