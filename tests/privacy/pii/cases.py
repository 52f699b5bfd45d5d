"""Shared test data: identifiers built with valid (or deliberately broken) check characters."""

from __future__ import annotations

from riskguard.cn_identifiers import resident_id_check_char

ID = "11010119900307" + "451" + resident_id_check_char("11010119900307451")
ID2 = "44030420001231" + "002" + resident_id_check_char("44030420001231002")
BAD_ID = ID[:17] + ("0" if ID[17] != "0" else "1")
MOBILE = "13800138000"
MOBILE2 = "18612345678"

USCC = "91350100M000100Y43"
VISA = "4111111111111111"
EMAIL = "zhang.wei@example.com"


def luhn_card(prefix: str, length: int) -> str:
    """A card number with a valid Luhn check digit."""
    from riskguard.cn_identifiers import luhn_valid

    body = prefix + "0" * (length - len(prefix) - 1)
    for d in "0123456789":
        if luhn_valid(body + d):
            return body + d
    raise AssertionError("unreachable")


UNIONPAY = luhn_card("62220212345678", 19)
UNIONPAY16 = luhn_card("6217001234", 16)
NOT_LUHN_62 = UNIONPAY[:-1] + str((int(UNIONPAY[-1]) + 1) % 10)
