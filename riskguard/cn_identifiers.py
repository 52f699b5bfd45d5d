"""Pure validators and normalisers for Chinese identifiers, shared by the PII recognizers and onboarding.

No app context: each function takes a string and answers. Validators accept the compact form (no
spaces); call a normaliser first when the input may carry separators or full-width characters. The only
I/O is reading the packaged GB 32100 code table (``gb32100.yaml``) once, on first use.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from functools import lru_cache
from pathlib import Path

import phonenumbers
import yaml

__all__ = [
    "USCC_CHARSET",
    "org_code_check_char",
    "cn_landline_valid",
    "cn_mobile_valid",
    "luhn_valid",
    "normalize_card",
    "normalize_id",
    "normalize_mobile",
    "org_code_valid",
    "resident_id_birth_date",
    "resident_id_check_char",
    "resident_id_valid",
    "uscc_check_char",
    "uscc_registrant",
    "uscc_valid",
]

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
USCC_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_VALUE = {c: i for i, c in enumerate(USCC_CHARSET)}
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
_SEPARATORS = str.maketrans("", "", " -\u00a0\u3000")


def _compact(value: str) -> str:
    """NFKC (full-width digits and letters to ASCII), separators removed, upper-cased."""
    return unicodedata.normalize("NFKC", value).translate(_SEPARATORS).upper()


def normalize_id(value: str) -> str:
    """A resident ID or USCC as written (spaces, hyphens, full-width, lower-case x) in compact form."""
    return _compact(value)


def normalize_card(value: str) -> str:
    """A card number with its grouping spaces or hyphens removed."""
    return _compact(value)


def normalize_mobile(value: str) -> str:
    """A mainland mobile number as its 11 national digits (drops +86 / 0086 / 86 and separators)."""
    digits = _compact(value).lstrip("+")
    for prefix in ("0086", "86"):
        if len(digits) == 11 + len(prefix) and digits.startswith(prefix):
            return digits[len(prefix):]
    return digits


# -- resident identity card (GB 11643-1999) ---------------------------------------------------------
def resident_id_check_char(first17: str) -> str:
    total = sum(int(c) * w for c, w in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11]


def resident_id_birth_date(value: str) -> date | None:
    """The birth date in digits 7–14 of an 18-character ID, or None when it is not a real date."""
    if len(value) != 18 or not value[6:14].isdigit():
        return None
    try:
        return date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return None


def resident_id_valid(value: str, *, as_of: date | None = None) -> bool:
    """GB 11643 check character and a real birth date between 1900 and ``as_of`` (default today).

    The region code (digits 1–6) is only checked for a plausible province prefix: retired codes stay
    on cards people still carry, so a code missing from today's list is not a reason to reject.
    """
    if len(value) != 18 or not value[:17].isascii() or not value[:17].isdigit():
        return False
    if value[17] not in "0123456789Xx":
        return False
    if not "11" <= value[:2] <= "91":
        return False
    born = resident_id_birth_date(value)
    if born is None or born.year < 1900 or born > (as_of or date.today()):
        return False
    return resident_id_check_char(value[:17]) == value[17].upper()


# -- unified social credit code (GB 32100-2015) ------------------------------------------------------
def uscc_check_char(first17: str) -> str:
    total = sum(_USCC_VALUE[c] * w for c, w in zip(first17, _USCC_WEIGHTS, strict=True))
    return USCC_CHARSET[(31 - total % 31) % 31]


def org_code_check_char(body8: str) -> str:
    """GB 11714 mod-11 check character of an 8-character body of digits and capitals (10 → X, 11 → 0)."""
    total = sum((int(c) if c.isdigit() else ord(c) - 55) * w for c, w in zip(body8, _ORG_WEIGHTS, strict=True))
    check = 11 - total % 11
    return "X" if check == 10 else "0" if check == 11 else str(check)


def org_code_valid(code: str) -> bool:
    """GB 11714 organisation code: 8 body characters (digits, capitals) and its check character."""
    if len(code) != 9 or not all(c.isdigit() or "A" <= c <= "Z" for c in code[:8]):
        return False
    return code[8] == org_code_check_char(code[:8])


def uscc_valid(value: str) -> bool:
    """GB 32100 check character over the 31-character set, and the embedded organisation code's check."""
    if len(value) != 18 or any(c not in _USCC_VALUE for c in value):
        return False
    if not value[2:8].isdigit():  # administrative division code
        return False
    return uscc_check_char(value[:17]) == value[17] and org_code_valid(value[8:17])


@lru_cache(maxsize=1)
def _registrants() -> dict[str, tuple[str, dict[str, str]]]:
    table = yaml.safe_load(Path(__file__).with_name("gb32100.yaml").read_text("utf-8"))
    return {str(code): (str(a["name"]), {str(c): str(n) for c, n in a["categories"].items()})
            for code, a in table["authorities"].items()}


def uscc_registrant(value: str) -> tuple[str, str] | None:
    """(registration authority, organisation category) named by characters 1–2 of a USCC, or None when
    GB 32100's tables have no such pair (e.g. ``94``: authority 9 has categories 1–3 only)."""
    authority = _registrants().get(value[:1])
    if authority is None or len(value) < 2:
        return None
    category = authority[1].get(value[1])
    return None if category is None else (authority[0], category)


# -- cards and phones --------------------------------------------------------------------------------
def luhn_valid(value: str) -> bool:
    if not value.isascii() or not value.isdigit() or len(value) < 2:
        return False
    total = 0
    for i, c in enumerate(reversed(value)):
        d = ord(c) - 48
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


@lru_cache(maxsize=65536)
def cn_mobile_valid(value: str) -> bool:
    """An 11-digit mainland number (``+86`` allowed) in a range phonenumbers assigns to mobiles."""
    digits = normalize_mobile(value)
    if len(digits) != 11 or not digits.isdigit() or digits[0] != "1" or digits[1] < "3":
        return False
    try:
        number = phonenumbers.parse(digits, "CN")
    except phonenumbers.NumberParseException:
        return False
    if not phonenumbers.is_valid_number(number):
        return False
    return phonenumbers.number_type(number) in (phonenumbers.PhoneNumberType.MOBILE,
                                                phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE)


# -- fixed-line (landline) numbers ---------------------------------------------------------------------
_DIGIT_GROUPS = re.compile(r"[0-9]+")
_COUNTRY_CODE = re.compile(r"\s*(?:\+|00)\s*86(?=\D|0?\d{9,11}$)")


def cn_landline_valid(value: str) -> bool:
    """A mainland fixed-line number (区号 + 7–8 digit local number, ``+86`` allowed) that phonenumbers
    holds valid and of type FIXED_LINE, written with its area code as a unit.

    phonenumbers knows every area code and local-number length, so no table is kept here. Service
    numbers are other types or invalid as fixed lines (400: shared cost, 800: toll free; 95xxx, 12345:
    short codes) and fail. Where the number is cut into groups, the first group must be the area code
    phonenumbers finds (``0571-88213467`` yes, ``05718-8213467`` no): people write the area code as a
    unit, and a digit string cut elsewhere is more likely an order or SKU number that happens to parse.
    """
    text = unicodedata.normalize("NFKC", value)
    international = _COUNTRY_CODE.match(text)
    if international:
        text = text[international.end():]
    groups = _DIGIT_GROUPS.findall(text)
    digits = "".join(groups)
    if not digits or (not international and not digits.startswith("0")):
        return False
    national = digits[1:] if digits.startswith("0") else digits
    try:
        number = phonenumbers.parse("0" + national, "CN")
    except phonenumbers.NumberParseException:
        return False
    if not phonenumbers.is_valid_number(number) or (
            phonenumbers.number_type(number) != phonenumbers.PhoneNumberType.FIXED_LINE):
        return False
    if len(groups) == 1 or (international and groups[0] == "0"):  # one run, or +86 (0)571 …
        return True
    return groups[0].lstrip("0") == national[:phonenumbers.length_of_geographical_area_code(number)]
