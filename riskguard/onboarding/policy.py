"""Load and check ``policies/merchant-onboarding.yaml``: thresholds, requirements, block lists, actions.

A broken policy stops start-up with a message naming the key; a check never falls back to a default
that the policy did not state.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ..policyfile import read_policy_file
from .formats import CATEGORIES, DECISIONS, QUALIFICATION_TYPES, SEVERITIES

__all__ = ["CheckSpec", "OnboardingPolicy", "PolicyError", "load_policy", "POLICY_FILE", "CHECK_IDS"]

POLICY_FILE = "merchant-onboarding.yaml"
CHECK_IDS = (
    "uscc_invalid", "uscc_unknown_type", "uscc_blocked", "rep_id_invalid", "rep_minor", "rep_blocked", "licence_expired",
    "licence_expiring", "qualification_missing", "qualification_expired", "qualification_expiring",
    "qualification_unverifiable",
    "content", "card_luhn", "account_invalid", "holder_mismatch", "phone_invalid", "duplicate",
)
_THRESHOLDS = ("adult_age", "licence_expiry_review_days", "qualification_expiry_review_days",
               "holder_name_min_similarity")


class PolicyError(ValueError):
    """The onboarding policy file is missing or malformed."""


@dataclass(frozen=True)
class CheckSpec:
    decision: str
    severity: str
    law: str
    article: str
    message: str


@dataclass(frozen=True)
class OnboardingPolicy:
    revision: str
    timezone: ZoneInfo
    adult_age: int
    licence_expiry_review_days: int
    qualification_expiry_review_days: int
    holder_name_min_similarity: float
    screening_policy: str
    screening_kind: str
    screening_fields: tuple[str, ...]
    screening_cap: str | None
    screening_ignore_rules: frozenset[str]
    individual_business_prefixes: tuple[str, ...]
    rep_may_hold_for_individual_business: bool
    branch_suffixes: tuple[str, ...]
    company_may_hold_for_branch: bool
    card_bins: tuple[str, ...]
    card_digits: tuple[int, int]
    account_digits: tuple[int, int]
    bank_name_markers: tuple[str, ...]
    # category -> groups of qualification types: every group needed, any type of a group covers it
    requirements: dict[str, tuple[tuple[str, ...], ...]]
    unverifiable: frozenset[str]   # categories whose licences only the issuer can confirm: review
    screens_as: dict[str, str]     # category -> screening category of its store text
    blocked_usccs: frozenset[str]
    blocked_rep_digests: frozenset[str]
    checks: dict[str, CheckSpec]


def _get(mapping: Any, key: str, where: str) -> Any:
    if not isinstance(mapping, dict) or key not in mapping:
        raise PolicyError(f"{POLICY_FILE}: missing {where}{key}")
    return mapping[key]


def _digits_range(settle: Any, key: str) -> tuple[int, int]:
    value = _get(settle, key, "settlement.")
    if not (isinstance(value, list) and len(value) == 2 and all(type(v) is int for v in value)
            and 0 < value[0] <= value[1]):
        raise PolicyError(f"{POLICY_FILE}: settlement.{key} must be [shortest, longest] digit counts")
    return value[0], value[1]


def _strings(mapping: Any, key: str, where: str) -> tuple[str, ...]:
    value = _get(mapping, key, where)
    if not isinstance(value, list) or not value or not all(isinstance(v, str) and v for v in value):
        raise PolicyError(f"{POLICY_FILE}: {where}{key} must be a non-empty list of strings")
    return tuple(value)


def _groups(spec: Any, category: str) -> tuple[tuple[str, ...], ...]:
    where = f"{POLICY_FILE}: categories.{category}"
    groups = _get(spec, "requires", f"categories.{category}.")
    if not isinstance(groups, list) or not all(isinstance(g, list) and g for g in groups):
        raise PolicyError(f"{where}.requires must be a list of non-empty lists of qualification types")
    unknown = [t for g in groups for t in g if t not in QUALIFICATION_TYPES]
    if unknown:
        raise PolicyError(f"{where}: unknown qualification {unknown[0]}")
    if spec.get("verifiable", True) is False and not groups:
        raise PolicyError(f"{where}: verifiable: false needs the qualifications it cannot verify")
    return tuple(tuple(g) for g in groups)


def _parse(raw: Any) -> OnboardingPolicy:
    if not isinstance(raw, dict) or raw.get("policy") != "merchant-onboarding":
        raise PolicyError(f"{POLICY_FILE}: 'policy: merchant-onboarding' expected")
    revision = _get(raw, "revision", "")
    try:
        tz = ZoneInfo(str(_get(raw, "timezone", "")))
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise PolicyError(f"{POLICY_FILE}: unknown timezone") from exc
    th = _get(raw, "thresholds", "")
    values = {k: _get(th, k, "thresholds.") for k in _THRESHOLDS}
    for key, value in values.items():
        if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
            raise PolicyError(f"{POLICY_FILE}: thresholds.{key} must be a non-negative number")
    scr = _get(raw, "screening", "")
    cap = scr.get("cap")
    if cap not in (None, *DECISIONS):
        raise PolicyError(f"{POLICY_FILE}: screening.cap must be null or one of {DECISIONS}")
    settle = _get(raw, "settlement", "")
    cats = _get(raw, "categories", "")
    requirements = {category: _groups(_get(cats, category, "categories."), category) for category in CATEGORIES}
    extra = sorted(set(cats) - set(CATEGORIES))
    if extra:
        raise PolicyError(f"{POLICY_FILE}: categories.{extra[0]} is not a known category")
    blocks = _get(raw, "block_lists", "")
    checks: dict[str, CheckSpec] = {}
    for check_id in CHECK_IDS:
        spec = _get(_get(raw, "checks", ""), check_id, "checks.")
        try:
            checks[check_id] = CheckSpec(**{k: str(spec[k]) for k in
                                            ("decision", "severity", "law", "article", "message")})
        except (KeyError, TypeError) as exc:
            raise PolicyError(f"{POLICY_FILE}: checks.{check_id} needs decision, severity, law, "
                              "article and message") from exc
        if checks[check_id].decision not in DECISIONS or checks[check_id].severity not in SEVERITIES:
            raise PolicyError(f"{POLICY_FILE}: checks.{check_id}: bad decision or severity")
    return OnboardingPolicy(
        revision=str(revision), timezone=tz, adult_age=int(values["adult_age"]),
        licence_expiry_review_days=int(values["licence_expiry_review_days"]),
        qualification_expiry_review_days=int(values["qualification_expiry_review_days"]),
        holder_name_min_similarity=float(values["holder_name_min_similarity"]),
        screening_policy=str(_get(scr, "policy", "screening.")),
        screening_kind=str(_get(scr, "kind", "screening.")),
        screening_fields=tuple(_get(scr, "fields", "screening.")), screening_cap=cap,
        screening_ignore_rules=frozenset(str(r) for r in scr.get("ignore_rules") or ()),
        individual_business_prefixes=tuple(str(p) for p in _get(
            settle, "individual_business_prefixes", "settlement.")),
        rep_may_hold_for_individual_business=bool(_get(
            settle, "rep_name_may_hold_for_individual_business", "settlement.")),
        branch_suffixes=_strings(settle, "branch_suffixes", "settlement."),
        company_may_hold_for_branch=bool(_get(settle, "company_may_hold_for_branch", "settlement.")),
        card_bins=_strings(settle, "card_bins", "settlement."),
        card_digits=_digits_range(settle, "card_digits"),
        account_digits=_digits_range(settle, "account_digits"),
        bank_name_markers=_strings(settle, "bank_name_markers", "settlement."),
        requirements=requirements,
        unverifiable=frozenset(c for c in CATEGORIES if cats[c].get("verifiable", True) is False),
        screens_as={c: str(cats[c].get("screens_as") or c) for c in CATEGORIES},
        blocked_usccs=frozenset(str(u).upper() for u in blocks.get("uscc") or ()),
        blocked_rep_digests=frozenset(str(d) for d in blocks.get("legal_rep_id_digests") or ()),
        checks=checks,
    )


def load_policy(policies_dir: Path) -> OnboardingPolicy:
    return _parse(read_policy_file(Path(policies_dir) / POLICY_FILE, PolicyError))
