"""Rule trees for revision tests: the test packs (tests/rulebook/packs.py) as a base, and a candidate
whose ad policy sends ``high`` to review and whose superlative rule also knows 无敌 (or, with
``new_term=False``, only the policy change)."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from rulebook.packs import POLICIES, packs, write_rulebook

__all__ = ["ITEMS", "SUPERLATIVE", "tree", "expect_counts"]

ITEMS = [
    {"id": "a1", "text": "全网最低价，最好的面霜", "category": "cosmetics"},  # block -> review (high: review)
    {"id": "a2", "text": "无敌好用的面霜", "category": "cosmetics"},          # allow -> review (new term)
    {"id": "a3", "text": "口碑很好的面霜", "category": "cosmetics"},          # allow, both
    {"id": "a4", "text": "三天见效"},                                        # review, both (rule's own action)
]
SUPERLATIVE = "adlaw.9-3.superlative"


def tree(root: Path, *, candidate: bool = False, new_term: bool = True, other_policies: Path | None = None) -> Path:
    """The base or candidate test packs under ``root`` (``rules/``, ``policies/``); ``other_policies``:
    a folder whose non-screening policies are copied beside (an app reads those too)."""
    rules = packs()
    policies: dict[str, Any] = dict(POLICIES)
    if candidate and new_term:
        rules["cn/adlaw.yaml"]["rules"][0]["match"]["terms"].append("无敌")
    if candidate:
        ad = POLICIES["ad-prepublish.yaml"]
        policies["ad-prepublish.yaml"] = {**ad, "actions": {**ad["actions"], "high": "review"}}
    _rules_dir, policies_dir = write_rulebook(root, rules, policies)
    for other in other_policies.glob("*.yaml") if other_policies is not None else []:
        if "type: screening" not in other.read_text("utf-8"):
            shutil.copy(other, policies_dir / other.name)
    return root


def expect_counts(report: dict[str, Any]) -> None:
    """What ITEMS give, base → candidate."""
    assert (report["items"], report["agree"], report["changed"]) == (4, 2, 2)
    assert report["changes"] == {"allow->review": 1, "block->review": 1}
    assert (report["newly_blocked"], report["newly_allowed"]) == (0, 0)
    rule = report["rules"][SUPERLATIVE]
    assert (rule["base"], rule["candidate"], rule["changed"], rule["stricter"], rule["looser"]) == (1, 2, 2, 1, 1)
    assert report["rules"]["adlaw.28.unsourced"]["changed"] == 0
    assert report["categories"]["cosmetics"] == {"items": 3, "changed": 2, "newly_blocked": 0, "newly_allowed": 0,
                                                 "stricter": 1, "looser": 1}
    assert report["categories"]["general"]["changed"] == 0
