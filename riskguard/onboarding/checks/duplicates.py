"""Duplicates: the same USCC, representative ID, phone or settlement account behind another application.

The lookup goes through blind indexes (keyed hashes held by the vault), so the other application is
named by id and never by its plaintext.
"""

from __future__ import annotations

from ... import identifiers
from ._base import CheckContext, Finding, finding

__all__ = ["check_duplicates", "identity_values", "MAX_NAMED"]

MAX_NAMED = 5  # other applications named per value; the rest are counted in the log only

_WHAT = {"uscc": "统一社会信用代码", "legal_rep_id": "法定代表人身份证号", "phone": "手机号",
         "bank_account": "结算账户"}


def identity_values(app: dict) -> list[tuple[str, str, str]]:  # type: ignore[type-arg]
    """(blind index name, field path, normalised value) for every value duplicates are sought by."""
    return [
        ("uscc", "uscc", identifiers.normalize_id(app["uscc"])),
        ("legal_rep_id", "legal_rep.id_number", identifiers.normalize_id(app["legal_rep"]["id_number"])),
        ("phone", "legal_rep.phone", identifiers.normalize_mobile(app["legal_rep"]["phone"])),
        ("phone", "contact_phone", identifiers.normalize_mobile(app["contact_phone"])),
        ("bank_account", "bank_account.number", identifiers.normalize_card(app["bank_account"]["number"])),
    ]


def check_duplicates(ctx: CheckContext) -> list[Finding]:
    if ctx.duplicates is None:
        return []
    own = ctx.application["id"]
    out: list[Finding] = []
    seen: set[tuple[str, str]] = set()
    for index, path, value in identity_values(ctx.application):
        others = sorted(o for o in ctx.duplicates(index, value) if o != own)
        for other in others[:MAX_NAMED]:
            if (index, other) in seen:  # both phones shared with the same application: one finding
                continue
            seen.add((index, other))
            out.append(finding(ctx, "duplicate", path, what=_WHAT[index], other=other))
    return out
