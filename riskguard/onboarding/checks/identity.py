"""Who the merchant is: USCC (GB 32100: check characters, and a registration authority and
organisation category that exist), the representative's resident ID (GB 11643) and age, and the
policy's block lists."""

from __future__ import annotations

from datetime import date

from ... import cn_identifiers
from ...ids import keyed_digest
from ._base import CheckContext, Finding, finding

__all__ = ["check_uscc", "check_legal_rep", "age_on"]


def age_on(born: date, day: date) -> int:
    """Completed years; someone born on 29 February comes of age on 1 March in common years."""
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def check_uscc(ctx: CheckContext) -> list[Finding]:
    uscc = cn_identifiers.normalize_id(ctx.application["uscc"])
    out: list[Finding] = []
    if not cn_identifiers.uscc_valid(uscc):
        out.append(finding(ctx, "uscc_invalid", "uscc"))
    elif cn_identifiers.uscc_registrant(uscc) is None:  # right check characters, no such registration
        out.append(finding(ctx, "uscc_unknown_type", "uscc"))
    if uscc in ctx.policy.blocked_usccs:
        out.append(finding(ctx, "uscc_blocked", "uscc"))
    return out


def check_legal_rep(ctx: CheckContext) -> list[Finding]:
    id_number = cn_identifiers.normalize_id(ctx.application["legal_rep"]["id_number"])
    out: list[Finding] = []
    if not cn_identifiers.resident_id_valid(id_number, as_of=ctx.as_of):
        out.append(finding(ctx, "rep_id_invalid", "legal_rep.id_number"))
    else:
        born = cn_identifiers.resident_id_birth_date(id_number)
        if born is not None and age_on(born, ctx.as_of) < ctx.policy.adult_age:
            out.append(finding(ctx, "rep_minor", "legal_rep.id_number", adult_age=ctx.policy.adult_age))
    if ctx.policy.blocked_rep_digests and keyed_digest(ctx.digest_key, id_number) in \
            ctx.policy.blocked_rep_digests:
        out.append(finding(ctx, "rep_blocked", "legal_rep.id_number"))
    return out
