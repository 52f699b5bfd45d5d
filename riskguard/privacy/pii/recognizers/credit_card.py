"""CREDIT_CARD: international scheme cards (Visa, Mastercard, Amex, JCB, Diners), Luhn-gated.

Presidio's pattern with ``\\b`` misses cards glued to Chinese text (卡号4111…); digit look-arounds fix
that. UnionPay (62) is left to BANK_CARD, which does not gate on Luhn.
"""

from __future__ import annotations

from ....identifiers import luhn_valid, normalize_card, resident_id_valid
from ._base import CnPatternRecognizer
from .mobile import NOT_A_PHONE

__all__ = ["CnCreditCardRecognizer"]


class CnCreditCardRecognizer(CnPatternRecognizer):
    ENTITY = "CREDIT_CARD"
    PATTERNS = (
        ("card", r"(?<!\d)(?:4\d{3}|5[1-5]\d{2}|2[2-7]\d{2}|3[47]\d{2}|35\d{2}|3[068]\d{2})"
                 r"(?:[- ]?\d{4}){2}[- ]?\d{2,7}(?!\d)", 0.3),
    )
    CONTEXT = ("信用卡", "卡号", "visa", "mastercard", "万事达", "credit", "card", "amex", "jcb")
    NEGATIVE_CONTEXT = NOT_A_PHONE

    def validate_result(self, pattern_text: str) -> bool:
        digits = normalize_card(pattern_text)
        return 14 <= len(digits) <= 19 and luhn_valid(digits) and not resident_id_valid(digits)
