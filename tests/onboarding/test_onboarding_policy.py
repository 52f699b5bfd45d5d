"""The onboarding policy file: the shipped one loads; broken ones stop with the key named."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from riskguard.config import PROJECT_ROOT
from riskguard.onboarding.formats import CATEGORIES
from riskguard.onboarding.policy import CHECK_IDS, PolicyError, load_policy

SHIPPED = yaml.safe_load((PROJECT_ROOT / "policies" / "merchant-onboarding.yaml").read_text("utf-8"))


def test_shipped_policy_covers_every_category_and_check() -> None:
    policy = load_policy(PROJECT_ROOT / "policies")
    assert set(policy.requirements) == set(CATEGORIES) and set(policy.checks) == set(CHECK_IDS)
    assert policy.revision.startswith("merchant-onboarding/")


def _broken(path: list[str], value: Any) -> dict[str, Any]:
    data = yaml.safe_load(yaml.safe_dump(SHIPPED, allow_unicode=True))
    target = data
    for key in path[:-1]:
        target = target[key]
    if value is KeyError:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return data


@pytest.mark.parametrize(("path", "value", "named"), [
    (["policy"], "payout-review", "policy: merchant-onboarding"),
    (["revision"], KeyError, "revision"),
    (["timezone"], "Mars/Olympus", "timezone"),
    (["thresholds", "adult_age"], KeyError, "thresholds.adult_age"),
    (["thresholds", "licence_expiry_review_days"], -1, "thresholds.licence_expiry_review_days"),
    (["thresholds", "holder_name_min_similarity"], "high", "thresholds.holder_name_min_similarity"),
    (["screening", "cap"], "maybe", "screening.cap"),
    (["categories", "drug"], KeyError, "categories.drug"),
    (["categories", "drug", "requires"], [["gun_licence"]], "gun_licence"),
    (["categories", "drug", "requires"], ["drug_business_license"], "categories.drug.requires"),
    (["categories", "drug", "requires"], [[]], "categories.drug.requires"),
    (["categories", "general", "verifiable"], False, "categories.general: verifiable"),
    (["categories", "weapons"], {"requires": []}, "categories.weapons"),
    (["checks", "card_luhn"], KeyError, "checks.card_luhn"),
    (["checks", "account_invalid"], KeyError, "checks.account_invalid"),
    (["settlement", "card_bins"], KeyError, "settlement.card_bins"),
    (["settlement", "card_bins"], [62], "settlement.card_bins"),
    (["settlement", "card_digits"], [19, 16], "settlement.card_digits"),
    (["settlement", "account_digits"], "8-32", "settlement.account_digits"),
    (["settlement", "bank_name_markers"], [], "settlement.bank_name_markers"),
    (["settlement", "company_may_hold_for_branch"], KeyError, "settlement.company_may_hold_for_branch"),
    (["checks", "card_luhn", "decision"], "reject", "checks.card_luhn"),
    (["checks", "duplicate", "law"], KeyError, "checks.duplicate"),
])
def test_broken_policy_names_the_key(tmp_path: Path, path: list[str], value: Any, named: str) -> None:
    (tmp_path / "merchant-onboarding.yaml").write_text(yaml.safe_dump(_broken(path, value), allow_unicode=True))
    with pytest.raises(PolicyError, match=named.replace(".", r"\.")):
        load_policy(tmp_path)


def test_missing_or_invalid_file(tmp_path: Path) -> None:
    with pytest.raises(PolicyError, match="cannot read"):
        load_policy(tmp_path)
    (tmp_path / "merchant-onboarding.yaml").write_text("a: [")
    with pytest.raises(PolicyError, match="not valid YAML"):
        load_policy(tmp_path)
