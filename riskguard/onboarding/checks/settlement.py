"""The settlement account and contact numbers: card or account, holder name against the business,
China mobiles.

A company settles to its 对公账户, whose number is not a card number and has no Luhn check digit; Luhn
applies only where the number is a payment card (the application says so, or it has a card's length and
issuer number), see ``settlement`` in policies/merchant-onboarding.yaml."""

from __future__ import annotations

import unicodedata
from difflib import SequenceMatcher
from typing import Any

from ... import cn_identifiers
from ..policy import OnboardingPolicy
from ._base import CheckContext, Finding, finding

__all__ = ["check_settlement", "check_phones", "same_name_score", "is_card"]

_BRACKETS = str.maketrans({"（": "(", "）": ")", "【": "(", "】": ")"})


def _name(value: str) -> str:
    text = unicodedata.normalize("NFKC", value).translate(_BRACKETS)
    return "".join(text.split()).casefold()


def same_name_score(a: str, b: str) -> float:
    """0..1 similarity of two names after width, bracket, space and case normalisation."""
    na, nb = _name(a), _name(b)
    return 1.0 if na == nb else SequenceMatcher(None, na, nb, autojunk=False).ratio()


def is_card(number: str, declared: str | None, policy: OnboardingPolicy) -> bool:
    """A payment card when declared one, or (undeclared) of a card's length with a card issuer number."""
    if declared is not None:
        return declared == "card"
    shortest, longest = policy.card_digits
    return shortest <= len(number) <= longest and number.startswith(policy.card_bins)


def check_settlement(ctx: CheckContext) -> list[Finding]:
    app, policy = ctx.application, ctx.policy
    account = app["bank_account"]
    number = cn_identifiers.normalize_card(account["number"])
    card = is_card(number, account.get("type"), policy)
    shortest, longest = policy.card_digits if card else policy.account_digits
    out: list[Finding] = []
    if not shortest <= len(number) <= longest:
        out.append(finding(ctx, "account_invalid", "bank_account.number",
                           detail=f"{'卡号' if card else '账号'}应为{shortest}至{longest}位数字"))
    elif card and not cn_identifiers.luhn_valid(number):
        out.append(finding(ctx, "card_luhn", "bank_account.number"))
    if not any(marker in account["bank"] for marker in policy.bank_name_markers):
        out.append(finding(ctx, "account_invalid", "bank_account.bank", detail="开户机构应为银行业金融机构"))
    if not _may_hold(account["holder"], app, policy):
        out.append(finding(ctx, "holder_mismatch", "bank_account.holder"))
    return out


def _may_hold(holder: str, app: dict[str, Any], policy: OnboardingPolicy) -> bool:
    """The business itself; a 个体工商户's operator; or the company a 分公司 belongs to."""
    if same_name_score(holder, app["business_name"]) >= policy.holder_name_min_similarity:
        return True
    uscc = cn_identifiers.normalize_id(app["uscc"])
    if policy.rep_may_hold_for_individual_business and uscc.startswith(policy.individual_business_prefixes) \
            and _name(holder) == _name(app["legal_rep"]["name"]):
        return True
    business, company = _name(app["business_name"]), _name(holder)
    return (policy.company_may_hold_for_branch and company.endswith("公司") and len(company) < len(business)
            and business.startswith(company) and business.endswith(tuple(map(_name, policy.branch_suffixes))))


def check_phones(ctx: CheckContext) -> list[Finding]:
    app = ctx.application
    return [finding(ctx, "phone_invalid", path) for path, value in
            (("contact_phone", app["contact_phone"]), ("legal_rep.phone", app["legal_rep"]["phone"]))
            if not cn_identifiers.cn_mobile_valid(value)]
