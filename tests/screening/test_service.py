"""screen_text: the no-database entry point other domains call."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from rulebook.packs import write_rulebook

from riskguard.rulebook import Rulebook, load_rulebook
from riskguard.screening.service import screen_text


@pytest.fixture
def book(tmp_path: Path) -> Rulebook:
    return load_rulebook(*write_rulebook(tmp_path))


@pytest.mark.parametrize(("kwargs", "decision", "rules"), [
    ({"kind": "listing", "text": "最好的店"}, "block", {"adlaw.9-3.superlative"}),
    ({"kind": "listing", "text": "欢迎光临小店"}, "allow", set()),
    ({"kind": "listing", "text": "加微信下单"}, "block", {"platform.diversion.wechat"}),
    ({"kind": "ad", "text": "点击购买", "has_purchase_link": True}, "block", {"iam.9.unlabelled"}),
    ({"kind": "ad", "text": "点击购买", "has_purchase_link": True, "labelled_as_ad": True}, "allow", set()),
    ({"kind": "ad", "text": "最好", "policy": "lenient"}, "allow", {"adlaw.9-3.superlative"}),
    ({"kind": "ad", "text": "本品降血压", "category": "drug", "registration_numbers": ["国药准字H20000000"]},
     "allow", set()),
])
def test_screen_text(book: Rulebook, kwargs: dict, decision: str, rules: set[str]) -> None:
    result = screen_text(book, **kwargs)
    assert result.decision == decision
    assert {f.rule_id for f in result.findings} == rules
    assert result.policy_revision == book.revision


@pytest.mark.parametrize(("flags", "article"), [
    ({"published_at": date(2025, 1, 1)}, "8"),
    ({"as_of": date(2025, 1, 1)}, "8"),
    ({"as_of": date(2026, 1, 1)}, "9"),
    ({"published_at": date(2026, 1, 1), "as_of": date(2025, 1, 1)}, "9"),  # the content's own date wins
])
def test_dates_choose_the_article_numbering(book: Rulebook, flags: dict, article: str) -> None:
    result = screen_text(book, kind="ad", text="刷单", **flags)
    assert [f.article for f in result.findings] == [article]


@pytest.mark.parametrize("kwargs", [{"kind": "tweet"}, {"kind": "ad", "category": "Toys!"}])
def test_unknown_kind_or_category_is_refused(book: Rulebook, kwargs: dict) -> None:
    with pytest.raises(ValueError):
        screen_text(book, text="x", **kwargs)


def test_a_broken_pack_stops_app_start_up(tmp_path: Path, sqlite_url: str, make_settings) -> None:  # type: ignore[no-untyped-def]
    from dataclasses import replace

    from rulebook.packs import packs

    from riskguard import create_app
    from riskguard.rulebook import RulebookError

    data = packs()
    data["platform/diversion.yaml"]["rules"][0]["match"] = {"detectors": ["NOT_REGISTERED"]}
    settings = make_settings(sqlite_url)
    rules_dir, _ = write_rulebook(tmp_path / "rb", packs=data)
    with pytest.raises(RulebookError) as err:
        create_app(replace(settings, rules_dir=rules_dir))
    assert (err.value.file, err.value.rule_id, err.value.field) == (
        "platform/diversion.yaml", "platform.diversion.wechat", "match.detectors")


def test_a_category_without_rules_of_its_own_gets_the_unscoped_rules(book: Rulebook) -> None:
    """An unknown but well-formed category is screened, not refused: a batch never fails on one."""
    toys = screen_text(book, kind="ad", text="最好的玩具", category="toys")
    assert toys.category == "toys" and toys.decision == "block"
