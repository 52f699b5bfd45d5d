"""Licences (E-Commerce Law Art. 12): the business licence, and each category's qualifications."""

from __future__ import annotations

from datetime import date

from ._base import CheckContext, Finding, finding

__all__ = ["check_business_licence", "check_qualifications"]


def check_business_licence(ctx: CheckContext) -> list[Finding]:
    valid_until: date | None = ctx.application["business_license_valid_until"]
    if valid_until is None:  # 长期: a licence without an end date
        return []
    field_name = "business_license_valid_until"
    if valid_until < ctx.as_of:
        return [finding(ctx, "licence_expired", field_name, valid_until=valid_until.isoformat())]
    days = (valid_until - ctx.as_of).days
    if days <= ctx.policy.licence_expiry_review_days:
        return [finding(ctx, "licence_expiring", field_name, days=days)]
    return []


def check_qualifications(ctx: CheckContext) -> list[Finding]:
    """Each category needs one type of every group it requires; the best (latest-expiring) one of a group
    is judged. A category whose licences only the issuer can confirm goes to review once covered."""
    held: dict[str, list[tuple[int, date | None]]] = {}
    for index, qual in enumerate(ctx.application.get("qualifications") or ()):
        held.setdefault(qual["type"], []).append((index, qual["valid_until"]))
    out: list[Finding] = []
    for category in ctx.application["categories"]:
        groups = ctx.policy.requirements[category]
        missing = False
        for group in groups:
            candidates = [(t, i, until) for t in group for i, until in held.get(t, ())]
            if not candidates:
                missing = True
                out.append(finding(ctx, "qualification_missing", "qualifications", category=category,
                                   required=", ".join(group)))
            else:
                out.extend(_validity(ctx, category, *max(candidates, key=_expiry)))
        if category in ctx.policy.unverifiable and not missing:
            out.append(finding(ctx, "qualification_unverifiable", "qualifications", category=category,
                               types=", ".join(t for group in groups for t in group)))
    return out


def _expiry(candidate: tuple[str, int, date | None]) -> date:
    return date.max if candidate[2] is None else candidate[2]


def _validity(ctx: CheckContext, category: str, qtype: str, index: int, until: date | None) -> list[Finding]:
    field_name = f"qualifications.{index}.valid_until"
    if until is None:
        return []
    if until < ctx.as_of:
        return [finding(ctx, "qualification_expired", field_name, category=category, type=qtype,
                        valid_until=until.isoformat())]
    if (until - ctx.as_of).days <= ctx.policy.qualification_expiry_review_days:
        return [finding(ctx, "qualification_expiring", field_name, category=category, type=qtype,
                        days=(until - ctx.as_of).days)]
    return []
