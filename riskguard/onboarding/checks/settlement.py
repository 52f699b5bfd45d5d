"""The settlement account and contact numbers: Luhn, holder name against the business, China mobiles."""

from __future__ import annotations

import unicodedata
from difflib import SequenceMatcher

from ... import identifiers
from ._base import CheckContext, Finding, finding

__all__ = ["check_settlement", "check_phones", "same_name_score"]

_BRACKETS = str.maketrans({"（": "(", "）": ")", "【": "(", "】": ")"})


def _name(value: str) -> str:
    text = unicodedata.normalize("NFKC", value).translate(_BRACKETS)
    return "".join(text.split()).casefold()


def same_name_score(a: str, b: str) -> float:
    """0..1 similarity of two names after width, bracket, space and case normalisation."""
    na, nb = _name(a), _name(b)
    return 1.0 if na == nb else SequenceMatcher(None, na, nb, autojunk=False).ratio()


def check_settlement(ctx: CheckContext) -> list[Finding]:
    app, policy = ctx.application, ctx.policy
    out: list[Finding] = []
    if not identifiers.luhn_valid(identifiers.normalize_card(app["bank_account"]["number"])):
        out.append(finding(ctx, "card_luhn", "bank_account.number"))
    holder = app["bank_account"]["holder"]
    if same_name_score(holder, app["business_name"]) >= policy.holder_name_min_similarity:
        return out
    uscc = identifiers.normalize_id(app["uscc"])
    individual = any(uscc.startswith(p) for p in policy.individual_business_prefixes)
    if individual and policy.rep_may_hold_for_individual_business and \
            _name(holder) == _name(app["legal_rep"]["name"]):
        return out
    out.append(finding(ctx, "holder_mismatch", "bank_account.holder"))
    return out


def check_phones(ctx: CheckContext) -> list[Finding]:
    app = ctx.application
    return [finding(ctx, "phone_invalid", path) for path, value in
            (("contact_phone", app["contact_phone"]), ("legal_rep.phone", app["legal_rep"]["phone"]))
            if not identifiers.cn_mobile_valid(value)]
