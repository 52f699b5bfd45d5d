"""Duplicates: the same USCC, representative ID, phone or settlement account behind another application.

The lookup goes through blind indexes (keyed hashes held by the vault), so the other application is
named by id and never by its plaintext.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ... import cn_identifiers
from ._base import CheckContext, DuplicateLookup, Finding, finding

__all__ = ["check_duplicates", "identity_values", "BatchLookup", "MAX_NAMED"]

MAX_NAMED = 5  # other applications named per value; the rest are counted in the log only

_WHAT = {"uscc": "统一社会信用代码", "legal_rep_id": "法定代表人身份证号", "phone": "手机号",
         "bank_account": "结算账户"}


def identity_values(app: dict) -> list[tuple[str, str, str]]:
    """(blind index name, field path, normalised value) for every value duplicates are sought by."""
    return [
        ("uscc", "uscc", cn_identifiers.normalize_id(app["uscc"])),
        ("legal_rep_id", "legal_rep.id_number", cn_identifiers.normalize_id(app["legal_rep"]["id_number"])),
        ("phone", "legal_rep.phone", cn_identifiers.normalize_mobile(app["legal_rep"]["phone"])),
        ("phone", "contact_phone", cn_identifiers.normalize_mobile(app["contact_phone"])),
        ("bank_account", "bank_account.number", cn_identifiers.normalize_card(app["bank_account"]["number"])),
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


class BatchLookup:
    """Duplicates among stored applications (when a database lookup is given) and the applications of
    this batch remembered so far, by the same normalised values the blind indexes use: the dry-run CLI
    and the evaluation bench check a file of applications in order with it."""

    def __init__(self, stored: DuplicateLookup | None = None) -> None:
        self.stored = stored
        self.seen: dict[tuple[str, str], set[str]] = {}

    def __call__(self, index: str, value: str) -> Sequence[str]:
        found = set(self.stored(index, value)) if self.stored is not None else set()
        return sorted(found | self.seen.get((index, value), set()))

    def remember(self, application: dict[str, Any]) -> None:
        for index, _, value in identity_values(application):
            self.seen.setdefault((index, value), set()).add(application["id"])
