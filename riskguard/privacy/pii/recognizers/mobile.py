"""CN_MOBILE: mainland mobile numbers, ``+86`` optional, validated against phonenumbers' ranges."""

from __future__ import annotations

from ....cn_identifiers import cn_mobile_valid
from ._base import CnPatternRecognizer

__all__ = ["CnMobileRecognizer", "NOT_A_CARD", "NOT_A_PHONE"]

# Labels that say the digits after them are an order, parcel or product number, not a phone.
NOT_A_PHONE = ("订单", "单号", "运单", "快递单", "物流单", "编号", "流水号", "交易号", "货号", "条码",
               "sku", "order", "tracking", "批次", "工单", "账单号")
# Labels that say a long digit run is an identity number (possibly mistyped), not a card.
NOT_A_CARD = (*NOT_A_PHONE, "身份证", "证件号", "身份号", "会员卡", "积分卡")


class CnMobileRecognizer(CnPatternRecognizer):
    ENTITY = "CN_MOBILE"
    PATTERNS = (
        ("cn_mobile", r"(?<![\d+＋])(?:(?:[+＋]|00|００)?[8８][6６][ -]?)?[1１]\d\d(?:[ -]?\d{4}){2}(?!\d)", 0.4),
    )
    REQUIRED = r"[1１]\d\d[ -]?\d{4}[ -]?\d{4}"  # the pattern with its optional parts left out
    CONTEXT = ("手机", "电话", "联系", "致电", "热线", "tel", "phone", "mobile", "call")
    NEGATIVE_CONTEXT = NOT_A_PHONE
    NEGATIVE_WINDOW = 6

    def validate_result(self, pattern_text: str) -> bool:
        return cn_mobile_valid(pattern_text)
