"""BANK_CARD: domestic bank card numbers, 16–19 digits, optionally grouped by fours.

Luhn and a UnionPay (62) or card-scheme prefix raise the score but do not gate the match: some domestic
cards do not follow Luhn. Labels such as 订单号 before the digits drop it, and a valid resident ID is
never a card.
"""

from __future__ import annotations

from presidio_analyzer import RecognizerResult

from ....cn_identifiers import luhn_valid, normalize_card, resident_id_valid
from ._base import CnPatternRecognizer
from .mobile import NOT_A_CARD

__all__ = ["CnBankCardRecognizer"]


class CnBankCardRecognizer(CnPatternRecognizer):
    ENTITY = "BANK_CARD"
    PATTERNS = (
        ("card_compact", r"(?<!\d)[3-69３-６９]\d{15,18}(?![\dXx])", 0.3),
        ("card_grouped", r"(?<!\d)[3-69３-６９]\d{3}(?:[ -]\d{4}){3}(?:[ -]?\d{1,3})?(?!\d)", 0.3),
    )
    CONTEXT = ("卡号", "银行卡", "储蓄卡", "借记卡", "信用卡", "开户行", "开户", "户名", "账号", "转账",
               "汇款", "收款", "银行", "card", "account")
    NEGATIVE_CONTEXT = NOT_A_CARD
    NEGATIVE_WINDOW = 8

    def rescore(self, text: str, result: RecognizerResult) -> float:
        digits = normalize_card(text[result.start:result.end])
        if len(digits) == 18 and resident_id_valid(digits):
            return 0.0
        score = result.score
        if luhn_valid(digits):
            score += 0.15
            if digits.startswith(("62", "4", "5", "9")):
                score += 0.15
        return round(score, 2)
