"""The compiled packs are shared by every rulebook over the same pack files (another policy set, a
promoted policy revision), and policies that select the same rules share one engine; sharing changes no
decision, and a changed pack is compiled afresh."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from riskguard.rulebook import Rulebook, ScreenInput, evaluate, load_rulebook
from riskguard.rulebook import loader as rulebook_loader

from .packs import POLICIES, packs, write_rulebook

TEXTS = [("全网最低价的面霜，最 好用", "ad", "cosmetics"), ("本品可以降血压", "listing", "food"),
         ("年化收益稳赚，加薇信咨询", "livestream", "finance"), ("最近天气转凉，第一次购买", "ad", "general"),
         ("三天见效，包过考试", "listing", "general")]


def _policies(**changes: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {name: {**body, **changes.get(name, {})} for name, body in POLICIES.items()}


def _outcomes(book: Rulebook) -> list[tuple[str, str, tuple[tuple[str, int, int, str], ...]]]:
    """What each policy decides on each text, without the decision ids."""
    out = []
    for policy in sorted(book.policies):
        for text, kind, category in TEXTS:
            d = evaluate(book, ScreenInput(text=text, kind=kind, category=category), policy=policy)
            out.append((d.decision, d.policy_revision,
                        tuple((f.rule_id, f.start, f.end, f.action) for f in d.findings)))
    return out


def test_policy_sets_over_the_same_packs_share_the_compiled_packs(tmp_path: Path) -> None:
    a = load_rulebook(*write_rulebook(tmp_path / "a"))
    changed = _policies(**{"livestream.yaml": {"actions": {**POLICIES["livestream.yaml"]["actions"], "high": "block"}}})
    b = load_rulebook(*write_rulebook(tmp_path / "b", policies=changed))
    assert b is not a and b.revision != a.revision
    assert b.engine("livestream") is a.engine("livestream")       # the same rules: one engine
    assert b.rules["adlaw.9-3.superlative"] is a.rules["adlaw.9-3.superlative"]
    assert b.normaliser is a.normaliser
    assert b.policies["livestream"].actions["high"] == "block" != a.policies["livestream"].actions["high"]
    # policies selecting the same rules share an engine; one selecting others has its own
    assert set(POLICIES["ad-prepublish.yaml"]["packs"]) == set(POLICIES["livestream.yaml"]["packs"])
    assert a.engine("ad-prepublish") is a.engine("livestream")
    assert a.engine("listing") is not a.engine("ad-prepublish")
    assert [r.id for r in a.engine("listing").rules] != [r.id for r in a.engine("ad-prepublish").rules]


def test_an_excluded_rule_gives_the_policy_an_engine_of_its_own(tmp_path: Path) -> None:
    a = load_rulebook(*write_rulebook(tmp_path / "a"))
    changed = _policies(**{"ad-prepublish.yaml": {"exclude_rules": ["adlaw.17.disease"]}})
    b = load_rulebook(*write_rulebook(tmp_path / "b", policies=changed))
    assert b.engine("ad-prepublish") is not a.engine("ad-prepublish")
    assert "adlaw.17.disease" not in {r.id for r in b.engine("ad-prepublish").rules}
    assert b.engine("livestream") is a.engine("livestream")
    fired = evaluate(b, ScreenInput(text="本品可以降血压", kind="ad", category="food"), policy="ad-prepublish")
    assert "adlaw.17.disease" not in fired.rule_ids
    assert "adlaw.17.disease" in evaluate(a, ScreenInput(text="本品可以降血压", kind="ad", category="food"),
                                          policy="ad-prepublish").rule_ids


def test_shared_engines_decide_as_a_fresh_compile(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    load_rulebook(*write_rulebook(tmp_path / "a"))  # compiles the packs once
    changed = _policies(**{"listing.yaml": {"actions": {k: "review" for k in POLICIES["listing.yaml"]["actions"]}}})
    dirs = write_rulebook(tmp_path / "b", policies=changed)
    shared = load_rulebook(*dirs)
    monkeypatch.setattr(rulebook_loader, "_parts", {})  # nothing compiled before: every part built anew
    fresh = load_rulebook(*dirs, use_cache=False)
    assert fresh.engine("listing") is not shared.engine("listing")
    assert fresh.revision == shared.revision
    outcomes = _outcomes(shared)
    assert any(findings for _, _, findings in outcomes)  # the texts do fire rules: not a vacuous comparison
    assert outcomes == _outcomes(fresh)


def test_a_changed_pack_is_compiled_afresh(tmp_path: Path) -> None:
    a = load_rulebook(*write_rulebook(tmp_path / "a"))
    data = packs()
    data["cn/adlaw.yaml"]["rules"][0]["match"]["terms"].append("极品")
    b = load_rulebook(*write_rulebook(tmp_path / "b", packs=data))
    assert b.engine("ad-prepublish") is not a.engine("ad-prepublish")
    item = ScreenInput(text="极品面霜", kind="ad")
    assert "adlaw.9-3.superlative" in evaluate(b, item).rule_ids
    assert "adlaw.9-3.superlative" not in evaluate(a, item).rule_ids


def test_a_broken_pack_is_named_even_when_a_policy_is_broken_too(tmp_path: Path) -> None:
    """The packs are checked before the policies, as before the compiled packs were shared."""
    data = packs()
    del data["cn/adlaw.yaml"]["rules"][0]["severity"]
    policies = _policies(**{"listing.yaml": {"actions": "block everything"}})
    with pytest.raises(rulebook_loader.RulebookError) as err:
        load_rulebook(*write_rulebook(tmp_path, packs=data, policies=policies))
    assert err.value.file == "cn/adlaw.yaml"
    load_rulebook(*write_rulebook(tmp_path / "good"))  # the default packs, compiled
    with pytest.raises(rulebook_loader.RulebookError) as err:  # the same packs, now shared: the policy is named
        load_rulebook(*write_rulebook(tmp_path / "ok", policies=policies))
    assert err.value.file == "policies/listing.yaml"
