"""Every onboarding check with passing and failing cases (pure: no database, no app)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from datetime import date, timedelta
from typing import Any

import pytest

from riskguard.config import PROJECT_ROOT
from riskguard.ids import keyed_digest
from riskguard.onboarding.checks import (
    CheckContext,
    check_business_licence,
    check_duplicates,
    check_legal_rep,
    check_phones,
    check_qualifications,
    check_settlement,
    check_uscc,
    decide,
)
from riskguard.onboarding.checks.identity import age_on
from riskguard.onboarding.policy import load_policy
from riskguard.onboarding.schemas import ApplicationSchema

from .builders import application, card, mobile, resident_id, uscc

POLICY = load_policy(PROJECT_ROOT / "policies")
KEY = b"k" * 32
AS_OF = date(2026, 11, 26)
D = timedelta


def run(check: Callable[[CheckContext], list[Any]], overrides: dict[str, Any], *, as_of: date = AS_OF,
        policy: Any = POLICY, duplicates: Any = None) -> list[tuple[str, str]]:
    data = ApplicationSchema().load(application(**overrides))
    ctx = CheckContext(application=data, as_of=as_of, policy=policy, digest_key=KEY, duplicates=duplicates)
    return sorted((f.check, f.field) for f in check(ctx))


# -- identity ------------------------------------------------------------------------------------
BLOCKED_USCC = uscc()
USCC_CASES = [
    ({}, []),
    ({"uscc": uscc(kind="92")}, []),
    ({"uscc": uscc().lower()}, []),                                   # written in lower case
    ({"uscc": " ".join([BLOCKED_USCC[:6], BLOCKED_USCC[6:]])}, [("uscc_blocked", "uscc")]),
    ({"uscc": uscc(valid=False)}, [("uscc_invalid", "uscc")]),
    ({"uscc": uscc()[:17]}, [("uscc_invalid", "uscc")]),
    ({"uscc": "91110000MA01ABCDE" + "I"}, [("uscc_invalid", "uscc")]),  # I is not in the charset
    ({"uscc": BLOCKED_USCC}, [("uscc_blocked", "uscc")]),
    ({"uscc": uscc(kind="91", org_valid=False)}, [("uscc_invalid", "uscc")]),  # GB 11714 check
    # check characters right, but GB 32100's tables have no such authority/category pair
    *[({"uscc": uscc(kind=pair)}, []) for pair in ("93", "12", "52", "N2", "Y1", "31", "A1", "81")],
    *[({"uscc": uscc(kind=pair)}, [("uscc_unknown_type", "uscc")])
      for pair in ("94", "99", "15", "57", "Y2", "B1", "0A")],
    ({"uscc": uscc(kind="94", valid=False)}, [("uscc_invalid", "uscc")]),  # one finding: invalid first
]


@pytest.mark.parametrize(("overrides", "expected"), USCC_CASES)
def test_uscc(overrides: dict[str, Any], expected: list[tuple[str, str]]) -> None:
    policy = dataclasses.replace(POLICY, blocked_usccs=frozenset({BLOCKED_USCC}))
    assert run(check_uscc, overrides, policy=policy) == expected


BLOCKED_REP = resident_id(date(1970, 1, 1), seq=7)
ID_FIELD = "legal_rep.id_number"
REP_CASES = [
    ({}, []),
    ({"legal_rep.id_number": resident_id(date(1990, 2, 28))[:17] + "x"
      if resident_id(date(1990, 2, 28)).endswith("X") else resident_id(date(1990, 2, 28))}, []),
    ({"legal_rep.id_number": resident_id(date(2008, 11, 26))}, []),                 # 18 today
    ({"legal_rep.id_number": resident_id(date(2008, 11, 27))}, [("rep_minor", ID_FIELD)]),  # 18 tomorrow
    ({"legal_rep.id_number": resident_id(date(2015, 1, 1))}, [("rep_minor", ID_FIELD)]),
    ({"legal_rep.id_number": resident_id(date(1985, 6, 15), valid=False)}, [("rep_id_invalid", ID_FIELD)]),
    ({"legal_rep.id_number": "110101198502301234"}, [("rep_id_invalid", ID_FIELD)]),  # 30 February
    ({"legal_rep.id_number": resident_id(date(2027, 1, 1))}, [("rep_id_invalid", ID_FIELD)]),  # unborn
    ({"legal_rep.id_number": resident_id(date(1985, 6, 15))[:15]}, [("rep_id_invalid", ID_FIELD)]),
    ({"legal_rep.id_number": BLOCKED_REP}, [("rep_blocked", ID_FIELD)]),
]


@pytest.mark.parametrize(("overrides", "expected"), REP_CASES)
def test_legal_rep(overrides: dict[str, Any], expected: list[tuple[str, str]]) -> None:
    policy = dataclasses.replace(POLICY, blocked_rep_digests=frozenset({keyed_digest(KEY, BLOCKED_REP)}))
    assert run(check_legal_rep, overrides, policy=policy) == expected


@pytest.mark.parametrize(("born", "day", "age"), [
    (date(2000, 2, 29), date(2018, 2, 28), 17), (date(2000, 2, 29), date(2018, 3, 1), 18),
    (date(2000, 2, 29), date(2020, 2, 29), 20), (date(1990, 12, 31), date(2008, 12, 30), 17),
])
def test_age_on(born: date, day: date, age: int) -> None:
    assert age_on(born, day) == age


# -- licences ------------------------------------------------------------------------------------
LIC = "business_license_valid_until"
LICENCE_CASES = [
    ({LIC: None}, []),
    ({LIC: (AS_OF + D(31)).isoformat()}, []),
    ({LIC: (AS_OF + D(30)).isoformat()}, [("licence_expiring", LIC)]),
    ({LIC: AS_OF.isoformat()}, [("licence_expiring", LIC)]),  # valid through its last day
    ({LIC: (AS_OF - D(1)).isoformat()}, [("licence_expired", LIC)]),
]


@pytest.mark.parametrize(("overrides", "expected"), LICENCE_CASES)
def test_business_licence(overrides: dict[str, Any], expected: list[tuple[str, str]]) -> None:
    assert run(check_business_licence, overrides) == expected


LATER = AS_OF + D(400)


def q(qtype: str, until: date | None = LATER) -> dict[str, Any]:
    return {"type": qtype, "number": "JY11234567890123", "valid_until": until and until.isoformat()}


MISSING = ("qualification_missing", "qualifications")
UNVERIFIABLE = ("qualification_unverifiable", "qualifications")
QUAL_CASES = [
    (["general", "apparel", "cosmetics", "education", "agriculture"], [], []),
    (["food"], [q("food_business_license")], []),
    (["food"], [q("prepackaged_food_filing", None)], []),
    (["food"], [], [MISSING]),
    (["food"], [q("drug_business_license")], [MISSING]),
    (["health_food"], [q("food_business_license")], []),
    # prepackaged health food: the filing alone (食品安全法 Art. 35, 2021; 备案管理办法 2023 Art. 2)
    (["health_food"], [q("prepackaged_food_filing", None)], []),
    (["health_food"], [], [MISSING]),
    (["medical_device_class2"], [q("medical_device_class2_filing")], []),
    (["medical_device_class2"], [], [("qualification_missing", "qualifications")]),
    (["medical_device_class3"], [q("medical_device_business_license")], []),
    (["medical_device_class3"], [q("medical_device_class2_filing")],
     [("qualification_missing", "qualifications")]),
    # drugs online: the drug business licence AND the online drug information qualification
    (["drug"], [q("drug_business_license"), q("internet_drug_information_certificate")], []),
    (["drug"], [q("drug_business_license")], [MISSING]),
    (["drug"], [q("internet_drug_information_certificate")], [MISSING]),
    (["drug"], [], [MISSING, MISSING]),
    (["drug"], [q("drug_business_license"), q("internet_drug_information_certificate", AS_OF - D(1))],
     [("qualification_expired", "qualifications.1.valid_until")]),
    (["pesticides"], [q("pesticide_business_license")], []),
    (["pesticides"], [], [MISSING]),
    (["pesticides", "agriculture"], [q("food_business_license")], [MISSING]),
    # sectors whose licences only the issuer can confirm: review once covered, block when absent
    (["finance"], [q("financial_license", None)], [UNVERIFIABLE]),
    (["payment"], [q("payment_business_license")], [UNVERIFIABLE]),
    (["degree_education"], [q("school_operation_license")], [UNVERIFIABLE]),
    (["subject_tutoring"], [q("school_operation_license")], [UNVERIFIABLE]),
    (["finance"], [], [MISSING]),
    (["payment"], [q("financial_license")], [MISSING]),
    (["subject_tutoring"], [q("school_operation_license", AS_OF - D(3))],
     [("qualification_expired", "qualifications.0.valid_until"), UNVERIFIABLE]),
    (["publications"], [q("publication_business_license")], []),
    (["publications"], [], [("qualification_missing", "qualifications")]),
    (["food"], [q("food_business_license", AS_OF - D(1))],
     [("qualification_expired", "qualifications.0.valid_until")]),
    (["food"], [q("food_business_license", AS_OF + D(10))],
     [("qualification_expiring", "qualifications.0.valid_until")]),
    # an expired licence next to a valid filing: the category is covered
    (["food"], [q("food_business_license", AS_OF - D(1)), q("prepackaged_food_filing")], []),
    (["food", "drug"], [q("food_business_license")], [MISSING, MISSING]),
    (["food", "health_food"], [q("food_business_license", AS_OF - D(5))],
     [("qualification_expired", "qualifications.0.valid_until")] * 2),
]


@pytest.mark.parametrize(("categories", "quals", "expected"), QUAL_CASES)
def test_qualifications(categories: list[str], quals: list[dict[str, Any]],
                        expected: list[tuple[str, str]]) -> None:
    assert run(check_qualifications, {"categories": categories, "qualifications": quals}) == expected


# -- settlement and phones -----------------------------------------------------------------------
GROUPED = card()
SETTLEMENT_CASES = [
    ({}, []),
    ({"bank_account.number": card(prefix="621700", length=19)}, []),
    ({"bank_account.number": card(prefix="6228", length=16)}, []),
    ({"bank_account.number": " ".join([GROUPED[i:i + 4] for i in range(0, 19, 4)])}, []),
    ({"bank_account.number": card(valid=False)}, [("card_luhn", "bank_account.number")]),
    # a company's 对公账户 is not a card: no Luhn digit, whatever its length or first digits
    ({"bank_account.number": card(prefix="120202", length=19, valid=False)}, []),   # ICBC, 19 digits
    ({"bank_account.number": card(prefix="4000", length=19, valid=False)}, []),     # ICBC Shenzhen
    ({"bank_account.number": card(prefix="4405", length=20, valid=False)}, []),     # CCB, 20 digits
    ({"bank_account.number": "4001 2345 6789"}, []),                                # BOC, 12 digits
    ({"bank_account.number": card(prefix="6217", length=19, valid=False), "bank_account.type": "account"}, []),
    ({"bank_account.number": card(prefix="622848", length=16, valid=False)},        # undeclared UnionPay card
     [("card_luhn", "bank_account.number")]),
    ({"bank_account.number": card(prefix="436742", length=19, valid=False), "bank_account.type": "card"},
     [("card_luhn", "bank_account.number")]),                                       # declared card
    ({"bank_account.number": card(prefix="436742", length=19), "bank_account.type": "card"}, []),
    ({"bank_account.number": "6228480012345", "bank_account.type": "card"},          # a card of 13 digits
     [("account_invalid", "bank_account.number")]),
    ({"bank_account.number": "1202" + "0" * 29}, [("account_invalid", "bank_account.number")]),  # 33 digits
    ({"bank_account.bank": "支付宝"}, [("account_invalid", "bank_account.bank")]),
    ({"bank_account.bank": "微信支付"}, [("account_invalid", "bank_account.bank")]),
    ({"bank_account.bank": "浙江杭州余杭农村商业银行"}, []),
    ({"bank_account.bank": "中國銀行"}, []),
    ({"business_name": "杭州青禾贸易有限公司", "bank_account.holder": "杭州青禾贸易有限公司"}, []),
    ({"business_name": "杭州青禾贸易（有限）公司", "bank_account.holder": "杭州青禾贸易(有限)公司"}, []),
    ({"business_name": "杭州青禾贸易有限公司", "bank_account.holder": "王小明"},
     [("holder_mismatch", "bank_account.holder")]),
    # a 个体工商户 (USCC type 92) may settle to its operator's own account ...
    ({"uscc": uscc(kind="92"), "legal_rep.name": "王小明", "bank_account.holder": "王小明"}, []),
    # ... an enterprise (91) may not
    ({"uscc": uscc(kind="91"), "legal_rep.name": "王小明", "bank_account.holder": "王小明"},
     [("holder_mismatch", "bank_account.holder")]),
    ({"uscc": uscc(kind="92"), "legal_rep.name": "王小明", "bank_account.holder": "李四"},
     [("holder_mismatch", "bank_account.holder")]),
    # a 分公司 may settle to the company that answers for it (公司法 Art. 13) ...
    ({"business_name": "杭州青禾贸易有限公司滨江分公司", "bank_account.holder": "杭州青禾贸易有限公司"}, []),
    ({"business_name": "杭州青禾贸易（集团）有限公司滨江分公司", "bank_account.holder": "杭州青禾贸易(集团)有限公司"}, []),
    # ... not to another company, nor is a company's branch-like name a licence to settle elsewhere
    ({"business_name": "杭州青禾贸易有限公司滨江分公司", "bank_account.holder": "杭州青禾科技有限公司"},
     [("holder_mismatch", "bank_account.holder")]),
    ({"business_name": "杭州青禾贸易有限公司滨江分公司", "bank_account.holder": "杭州青禾"},
     [("holder_mismatch", "bank_account.holder")]),
    ({"business_name": "杭州青禾贸易有限公司", "bank_account.holder": "杭州青禾贸易有限公司滨江分公司"},
     [("holder_mismatch", "bank_account.holder")]),
]


@pytest.mark.parametrize(("overrides", "expected"), SETTLEMENT_CASES)
def test_settlement(overrides: dict[str, Any], expected: list[tuple[str, str]]) -> None:
    assert run(check_settlement, overrides) == expected


PHONE_CASES = [
    ({}, []),
    ({"contact_phone": "+86 138 1234 5678"}, []),
    ({"contact_phone": "010-62345678"}, [("phone_invalid", "contact_phone")]),  # a landline
    ({"contact_phone": "1381234567"}, [("phone_invalid", "contact_phone")]),  # 10 digits
    ({"legal_rep.phone": "12012345678"}, [("phone_invalid", "legal_rep.phone")]),
    ({"legal_rep.phone": "abc", "contact_phone": "999"},
     [("phone_invalid", "contact_phone"), ("phone_invalid", "legal_rep.phone")]),
]


@pytest.mark.parametrize(("overrides", "expected"), PHONE_CASES)
def test_phones(overrides: dict[str, Any], expected: list[tuple[str, str]]) -> None:
    assert run(check_phones, overrides) == expected


# -- duplicates ----------------------------------------------------------------------------------
def lookup_from(table: dict[tuple[str, str], Sequence[str]]) -> Callable[[str, str], Sequence[str]]:
    return lambda index, value: table.get((index, value), [])


SHARED_PHONE, SHARED_CARD, SHARED_ID, SHARED_USCC = mobile(), card(), resident_id(date(1980, 1, 1)), uscc()
DUP_CASES = [
    ({}, {}, []),
    ({"uscc": SHARED_USCC}, {("uscc", SHARED_USCC): ["APP-OTHER"]}, [("duplicate", "uscc", "APP-OTHER")]),
    ({"legal_rep.id_number": SHARED_ID}, {("legal_rep_id", SHARED_ID): ["APP-OTHER"]},
     [("duplicate", "legal_rep.id_number", "APP-OTHER")]),
    ({"contact_phone": SHARED_PHONE}, {("phone", SHARED_PHONE): ["APP-OTHER"]},
     [("duplicate", "contact_phone", "APP-OTHER")]),
    ({"legal_rep.phone": "+86" + SHARED_PHONE}, {("phone", SHARED_PHONE): ["APP-OTHER"]},
     [("duplicate", "legal_rep.phone", "APP-OTHER")]),
    ({"contact_phone": SHARED_PHONE, "legal_rep.phone": SHARED_PHONE},
     {("phone", SHARED_PHONE): ["APP-OTHER"]}, [("duplicate", "legal_rep.phone", "APP-OTHER")]),
    ({"bank_account.number": SHARED_CARD}, {("bank_account", SHARED_CARD): ["APP-A", "APP-B"]},
     [("duplicate", "bank_account.number", "APP-A"), ("duplicate", "bank_account.number", "APP-B")]),
    ({"id": "APP-SELF", "uscc": SHARED_USCC}, {("uscc", SHARED_USCC): ["APP-SELF"]}, []),  # itself
]


@pytest.mark.parametrize(("overrides", "table", "expected"), DUP_CASES)
def test_duplicates(overrides: dict[str, Any], table: dict[tuple[str, str], Sequence[str]],
                    expected: list[tuple[str, str, str]]) -> None:
    data = ApplicationSchema().load(application(**overrides))
    ctx = CheckContext(application=data, as_of=AS_OF, policy=POLICY, digest_key=KEY,
                       duplicates=lookup_from(table))
    found = check_duplicates(ctx)
    assert sorted((f.check, f.field, f.other_application) for f in found) == expected
    for f in found:  # names the other application, never the shared value
        assert f.other_application in f.message
        assert all(v not in f.message for v in (SHARED_PHONE, SHARED_CARD, SHARED_ID, SHARED_USCC))


# -- findings and the decision -------------------------------------------------------------------
def test_every_finding_names_check_field_law_severity() -> None:
    overrides = {"uscc": uscc(valid=False), "legal_rep.id_number": resident_id(date(2015, 1, 1)),
                 LIC: (AS_OF - D(1)).isoformat(), "categories": ["drug"],
                 "bank_account.number": card(valid=False), "bank_account.holder": "某人", "contact_phone": "1"}
    data = ApplicationSchema().load(application(**overrides))
    ctx = CheckContext(application=data, as_of=AS_OF, policy=POLICY, digest_key=KEY)
    findings = [f for check in (check_uscc, check_legal_rep, check_business_licence, check_qualifications,
                                check_settlement, check_phones) for f in check(ctx)]
    assert len(findings) == 8  # the drug category misses two qualifications
    for f in findings:
        assert f.check and f.field and f.message and f.law and f.article and f.severity
        assert "{" not in f.message
    assert decide(findings) == "block"


@pytest.mark.parametrize(("decisions", "expected"), [
    ([], "allow"), (["allow"], "allow"), (["review", "allow"], "review"), (["review", "block"], "block"),
])
def test_decide_takes_the_strictest(decisions: list[str], expected: str) -> None:
    from riskguard.onboarding.checks import Finding

    findings = [Finding(check="x", field="f", decision=d, severity="low", law="l", article="a", message="m")
                for d in decisions]
    assert decide(findings) == expected
