"""Validators shared with onboarding: tables of values that must and must not pass."""

from __future__ import annotations

from datetime import date

import pytest

from riskguard.cn_identifiers import (
    cn_landline_valid,
    cn_mobile_valid,
    luhn_valid,
    normalize_id,
    normalize_mobile,
    org_code_valid,
    resident_id_birth_date,
    resident_id_check_char,
    resident_id_valid,
    uscc_check_char,
    uscc_registrant,
    uscc_valid,
)


def _id(first17: str) -> str:
    return first17 + resident_id_check_char(first17)


def _uscc(body: str) -> str:
    return body + uscc_check_char(body)


VALID_IDS = [
    _id("11010119900307451"),
    _id("44030420001231002"),
    _id("23230119560101001"),   # 绥化地区 code retired in 2000: still on cards people carry
    _id("51323019800229123"),   # 29 February of a leap year
    _id("65010219000101000"),   # born 1900-01-01
]
INVALID_IDS = [
    ("check char", (lambda s: s[:17] + ("0" if s[17] != "0" else "1"))(_id("11010119900307451"))),
    ("30 February", _id("11010119900230451")),
    ("29 February, not a leap year", _id("11010119010229451")),
    ("month 13", _id("11010119901301451")),
    ("born in the future", _id("11010120990101451")),
    ("born before 1900", _id("11010118990101451")),
    ("17 characters", "11010119900307451"),
    ("letter inside", "1101011990A307451X"),
    ("province 00", _id("00010119900307451")),
    ("full-width digits unnormalised", "１１０１０１１９９００３０７４５１４"),
]


@pytest.mark.parametrize("value", VALID_IDS)
def test_resident_id_must_pass(value: str) -> None:
    assert resident_id_valid(value)
    assert resident_id_valid(value.lower())


@pytest.mark.parametrize(("why", "value"), INVALID_IDS)
def test_resident_id_must_fail(why: str, value: str) -> None:
    assert not resident_id_valid(value), why


def test_resident_id_as_of_and_birth_date() -> None:
    value = _id("11010120200101123")
    assert resident_id_birth_date(value) == date(2020, 1, 1)
    assert resident_id_valid(value, as_of=date(2020, 1, 1))
    assert not resident_id_valid(value, as_of=date(2019, 12, 31))
    assert resident_id_birth_date(_id("11010119900230451")) is None


def test_normalize_id_full_width_and_spaces() -> None:
    assert resident_id_valid(normalize_id("１１０１０１ １９９００３０７ ４５１４"))
    assert normalize_id("110101-19900307-451x").endswith("X")


@pytest.mark.parametrize("value", ["91350100M000100Y43", "91440300708461136T", "12100000400010398P"])
def test_uscc_must_pass(value: str) -> None:
    assert uscc_valid(value)
    assert org_code_valid(value[8:17])


@pytest.mark.parametrize(("why", "value"), [
    ("check character", "91350100M000100Y44"),
    ("organisation code check", _uscc("91350100M00010019")),
    ("letter I is not in the set", "91350100I000100Y43"),
    ("lower case", "91350100m000100y43"),
    ("17 characters", "91350100M000100Y4"),
    ("region not digits", _uscc("91A50100M000100Y4")),
])
def test_uscc_must_fail(why: str, value: str) -> None:
    assert not uscc_valid(value), why


@pytest.mark.parametrize(("pair", "expected"), [  # GB 32100 registration authority and category
    ("91", ("工商（市场监督管理）", "企业")), ("92", ("工商（市场监督管理）", "个体工商户")),
    ("93", ("工商（市场监督管理）", "农民专业合作社")), ("12", ("机构编制", "事业单位")),
    ("51", ("民政", "社会团体")), ("59", ("民政", "其他")), ("31", ("司法行政", "律师执业机构")),
    ("71", ("宗教", "宗教活动场所")), ("A1", ("中央军委改革和编制办公室", "军队事业单位")),
    ("N2", ("农业", "村级集体经济组织")), ("Y1", ("其他", "其他")),
    ("94", None), ("99", None), ("15", None), ("57", None), ("Y2", None), ("B1", None), ("0A", None),
    ("N4", None), ("", None), ("9", None),
])
def test_uscc_registrant(pair: str, expected: tuple[str, str] | None) -> None:
    assert uscc_registrant(pair + "0" * (18 - len(pair)) if pair else pair) == expected


@pytest.mark.parametrize(("value", "valid"), [
    ("4111111111111111", True), ("6222021234567890128", luhn_valid("6222021234567890128")),
    ("4111111111111112", False), ("79927398713", True), ("79927398710", False), ("", False),
    ("4111 1111", False), ("a4111111111111111", False),
])
def test_luhn(value: str, valid: bool) -> None:
    assert luhn_valid(value) is valid


@pytest.mark.parametrize("value", ["13800138000", "+8613800138000", "+86 138 0013 8000", "008618612345678",
                                   "15912345678", "19912345678", "17612345678"])
def test_mobile_must_pass(value: str) -> None:
    assert cn_mobile_valid(value)


@pytest.mark.parametrize("value", ["12345678901", "10086100861", "1380013800", "138001380001", "01012345678",
                                   "+1 415 555 0100", "11111111111", "23800138000"])
def test_mobile_must_fail(value: str) -> None:
    assert not cn_mobile_valid(value)


@pytest.mark.parametrize("value", [
    "010-62758391", "01062758391", "028 8554 1623", "0571-88213467", "(0755)26731980", "（０７５５）２６７３１９８０",
    "+86 10 62758391", "+86-571-88213467", "+86 (0)571 88213467", "0086 10 6275 8391", "+8657188213467",
    "0931-1234567",  # a 7-digit local number where the area has them
])
def test_landline_must_pass(value: str) -> None:
    assert cn_landline_valid(value)


@pytest.mark.parametrize("value", [
    "400-820-8820", "4008208820", "800-810-8888", "95554", "12345", "10086",  # hotlines and short codes
    "13800138000", "+86 138 0013 8000",  # mobiles are CN_MOBILE's
    "2026112345",  # no trunk 0 and no country code: not written as a landline
    "0755-1234567", "0571-8821346",  # too short for the area
    "05718-8213467", "0106-2758391",  # cut somewhere other than after the real area code
    "", "0", "+1 415 555 0100",
])
def test_landline_must_fail(value: str) -> None:
    assert not cn_landline_valid(value)


def test_normalize_mobile() -> None:
    assert normalize_mobile("+86 138-0013-8000") == "13800138000"
    assert normalize_mobile("0086 13800138000") == "13800138000"
    assert normalize_mobile("8613800138000") == "13800138000"
