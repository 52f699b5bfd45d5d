"""Loading: a broken pack names file, rule and field; unknown detectors fail; compile once per content."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from riskguard.rulebook import RulebookError, load_rulebook

from .packs import POLICIES, packs, rule, write_rulebook


def _broken(change) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    data = packs()
    change(data["cn/adlaw.yaml"]["rules"][0])
    return data


@pytest.mark.parametrize(("change", "field"), [
    (lambda r: r.update(severity="severe"), "severity"),
    (lambda r: r.pop("message"), None),
    (lambda r: r.update(match={"terms": "最好"}), "match.terms"),
    (lambda r: r.update(match={"patterns": ["最(好"]}), "match.patterns[0]"),
    (lambda r: r.update(match={"detectors": ["NO_SUCH_DETECTOR"]}), "match.detectors"),
    (lambda r: r.update(match={"terms": ["***"]}), "match.terms[0]"),
    (lambda r: r.update(scope={"categories": ["toys"]}), "scope.categories[0]"),
    (lambda r: r.update(scope={"kinds": ["tweet"]}), "scope.kinds[0]"),
    (lambda r: r.update(citation={"law": "广告法"}), "citation"),
    (lambda r: r.update(action="maybe"), "action"),
    (lambda r: r.update(typo_field=1), None),
    (lambda r: r.update(exemptions=[{"id": "x", "patterns": ["(("]}]), "exemptions[0].patterns[0]"),
    (lambda r: r.update(effective_from="2025-13"), "effective_from"),
])
def test_a_broken_rule_names_file_rule_and_field(tmp_path: Path, change, field: str | None) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(RulebookError) as err:
        load_rulebook(*write_rulebook(tmp_path, packs=_broken(change)), use_cache=False)
    assert err.value.file == "cn/adlaw.yaml"
    assert err.value.rule_id == "adlaw.9-3.superlative"
    if field is not None:
        assert err.value.field == field
    assert "cn/adlaw.yaml" in str(err.value) and "adlaw.9-3.superlative" in str(err.value)


@pytest.mark.parametrize(("files", "file"), [
    ({"cn/bad.yaml": "pack: bad\nrules: [\n"}, "cn/bad.yaml"),
    ({"cn/bad.yaml": "- just\n- a list\n"}, "cn/bad.yaml"),
    ({"cn/dup.yaml": {"pack": "dup", "rules": [rule("adlaw.9-3.superlative")]}}, "cn/dup.yaml"),
])
def test_broken_files_name_the_file(tmp_path: Path, files: dict[str, Any], file: str) -> None:
    with pytest.raises(RulebookError) as err:
        load_rulebook(*write_rulebook(tmp_path, packs={**packs(), **files}), use_cache=False)
    assert err.value.file == file


@pytest.mark.parametrize(("variants", "field"), [
    ({"chars": {"最好": "最"}}, "chars.最好"),
    ({"phrases": {"薇信": ""}}, "phrases.薇信"),
    ({"words": {}}, "_root"),
])
def test_broken_variant_maps(tmp_path: Path, variants: dict[str, Any], field: str) -> None:
    with pytest.raises(RulebookError) as err:
        load_rulebook(*write_rulebook(tmp_path, variants=variants), use_cache=False)
    assert err.value.file == "normalisation/variants.yaml" and err.value.field == field


@pytest.mark.parametrize(("name", "change", "field"), [
    ("ad-prepublish", lambda p: p.update(actions={"high": "block"}), "actions"),
    ("ad-prepublish", lambda p: p.update(actions={**p["actions"], "high": "escalate"}), "actions.high"),
    ("ad-prepublish", lambda p: p.pop("packs"), None),
    ("livestream", lambda p: p.update(default_for=["livestream", "listing"]), "default_for"),  # 2nd default
])
def test_broken_policies(tmp_path: Path, name: str, change, field: str | None) -> None:  # type: ignore[no-untyped-def]
    policies = {k: dict(v) for k, v in POLICIES.items()}
    change(policies[f"{name}.yaml"])
    with pytest.raises(RulebookError) as err:
        load_rulebook(*write_rulebook(tmp_path, policies=policies), use_cache=False)
    assert err.value.file == f"policies/{name}.yaml"
    if field is not None:
        assert err.value.field == field


def test_other_domains_policies_are_ignored(tmp_path: Path) -> None:
    rules_dir, policies_dir = write_rulebook(tmp_path)
    (policies_dir / "payout-review.yaml").write_text("policy: payout-review\nrules: {}\n", "utf-8")
    assert "payout-review" not in load_rulebook(rules_dir, policies_dir).policies


def test_compiled_once_per_content_and_revision_follows_content(tmp_path: Path) -> None:
    a = load_rulebook(*write_rulebook(tmp_path / "a"))
    b = load_rulebook(*write_rulebook(tmp_path / "b"))
    assert a is b                                       # same content, other directory: same compiled object
    data = packs()
    data["cn/adlaw.yaml"]["rules"][0]["match"]["terms"].append("极品")
    c = load_rulebook(*write_rulebook(tmp_path / "c", packs=data))
    assert c is not a and c.revision != a.revision
    policies = {k: dict(v) for k, v in POLICIES.items()}
    policies["lenient.yaml"] = {**policies["lenient.yaml"], "title": "changed"}
    assert load_rulebook(*write_rulebook(tmp_path / "d", policies=policies)).revision != a.revision


def test_terms_are_written_in_plain_text(tmp_path: Path) -> None:
    """Authors write traditional or full-width terms; the engine folds them like the text."""
    data = packs()
    data["cn/adlaw.yaml"]["rules"][0]["match"]["terms"] = ["頂級", "ＮＯ．１"]
    book = load_rulebook(*write_rulebook(tmp_path, packs=data))
    from riskguard.rulebook import ScreenInput, evaluate
    for text in ("顶级", "頂級", "no.1", "NO 1", "ｎｏ１"):
        assert any(f.rule_id == "adlaw.9-3.superlative" for f in evaluate(book, ScreenInput(text=text)).findings)
