"""CREDIT_CARD: international scheme cards (Visa, Mastercard, Amex, JCB, Diners), Luhn-gated.

Presidio's pattern with ``\\b`` misses cards glued to Chinese text (卡号4111…); digit look-arounds fix
that. UnionPay (62) is left to BANK_CARD, which does not gate on Luhn.
"""

from __future__ import annotations

from ....cn_identifiers import luhn_valid, normalize_card, resident_id_valid
from ._base import CnPatternRecognizer
from .mobile import NOT_A_CARD

__all__ = ["CnCreditCardRecognizer"]


# Card lengths by scheme prefix: Visa 13/16/19, Mastercard 16, Amex 15, JCB 16, Diners 14.
_LENGTHS = {"4": (13, 16, 19), "5": (16,), "2": (16,), "34": (15,), "37": (15,), "35": (16,),
            "30": (14,), "36": (14,), "38": (14,)}


class CnCreditCardRecognizer(CnPatternRecognizer):
    ENTITY = "CREDIT_CARD"
    PATTERNS = (
        ("card", r"(?<!\d)(?:4\d{3}|5[1-5]\d{2}|2[2-7]\d{2}|3[47]\d{2}|35\d{2}|3[068]\d{2})"
                 r"(?:[- ]?\d{4}){2}[- ]?\d{1,7}(?!\d)", 0.3),
    )
    CONTEXT = ("信用卡", "卡号", "visa", "mastercard", "万事达", "credit", "card", "amex", "jcb")
    NEGATIVE_CONTEXT = NOT_A_CARD

    def validate_result(self, pattern_text: str) -> bool:
        digits = normalize_card(pattern_text)
        return (len(digits) in _LENGTHS.get(digits[:2], _LENGTHS.get(digits[:1], ())) and luhn_valid(digits)
                and not resident_id_valid(digits))
