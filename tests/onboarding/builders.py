"""Test data: valid identifiers built from the published check rules (docs/legal-basis.md), and applications.

The check characters are computed here from the standards' weights, independently of
``riskguard.cn_identifiers``, so that a bug there cannot make these tests agree with it.
"""

from __future__ import annotations

import copy
import random
from datetime import date, timedelta
from typing import Any

from faker import Faker

from riskguard.cn_identifiers import org_code_check_char

__all__ = ["resident_id", "resident_id_from", "uscc", "card", "mobile", "application", "fake"]

fake = Faker("zh_CN")
USCC_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def resident_id(born: date, *, region: str = "110101", seq: int = 123, valid: bool = True) -> str:
    return resident_id_from(f"{region}{born:%Y%m%d}{seq:03d}", valid=valid)


def resident_id_from(body: str, *, valid: bool = True) -> str:
    """The 17 digits ``body`` (any birth-date digits, even impossible ones) with a GB 11643 check."""
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    check = "10X98765432"[sum(int(c) * w for c, w in zip(body, weights, strict=True)) % 11]
    if not valid:
        check = "10X98765432"[("10X98765432".index(check) + 1) % 11]
    return body + check


def _org_code(body8: str) -> str:
    return body8 + org_code_check_char(body8)


def uscc(*, kind: str = "91", region: str = "110000", org: str | None = None, valid: bool = True,
         org_valid: bool = True) -> str:
    """``org_valid=False``: the embedded GB 11714 organisation code's own check character is wrong while
    the GB 32100 check character over the whole is right."""
    org = org or "".join(random.choice("0123456789") for _ in range(8))
    code = _org_code(org)
    if not org_valid:
        code = code[:8] + ("1" if code[8] == "0" else "0")
    body = kind + region + code
    weights = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
    total = sum(USCC_CHARSET.index(c) * w for c, w in zip(body, weights, strict=True))
    check = USCC_CHARSET[(31 - total % 31) % 31]
    if not valid:
        check = USCC_CHARSET[(USCC_CHARSET.index(check) + 1) % 31]
    return body + check


def card(prefix: str = "622202", length: int = 19, *, valid: bool = True) -> str:
    body = prefix + "".join(random.choice("0123456789") for _ in range(length - len(prefix) - 1))
    total = 0
    for i, c in enumerate(reversed(body)):
        d = int(c)
        if i % 2 == 0:  # these digits are doubled once the check digit is appended
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    check = (10 - total % 10) % 10
    return body + str(check if valid else (check + 1) % 10)


def mobile() -> str:
    return random.choice(["138", "139", "150", "186", "187", "199"]) + f"{random.randrange(10**8):08d}"


def application(**overrides: Any) -> dict[str, Any]:
    """A valid application that every check passes on ``date.today()``; ``overrides`` use dotted keys."""
    company = fake.company()
    today = date.today()
    data: dict[str, Any] = {
        "id": f"APP-{random.randrange(10**12):012d}",
        "business_name": company,
        "store_name": f"{fake.last_name()}家小店",
        "store_description": "本店销售日用百货，支持七天无理由退货。",
        "uscc": uscc(),
        "business_license_valid_until": (today + timedelta(days=3650)).isoformat(),
        "legal_rep": {"name": fake.name(),
                      "id_number": resident_id(date(1960, 1, 1) + timedelta(days=random.randrange(13000)),
                                               seq=random.randrange(1000)),
                      "phone": mobile()},
        "contact_phone": mobile(),
        "bank_account": {"number": card(), "holder": company, "bank": "中国工商银行"},
        "registered_address": fake.address(),
        "categories": ["general"],
        "qualifications": [],
    }
    for key, value in overrides.items():
        target = data
        *path, last = key.split(".")
        for part in path:
            target = target[int(part)] if isinstance(target, list) else target[part]
        if value is _DELETE:
            del target[last]
        else:
            target[last] = value
    return copy.deepcopy(data)


_DELETE = object()
application.DELETE = _DELETE  # type: ignore[attr-defined]
