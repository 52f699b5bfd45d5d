"""Homophones: terms of four or more Chinese characters are also matched by sound, on syllable boundaries."""

from __future__ import annotations

import pytest

from riskguard.rulebook import Rulebook, ScreenInput, evaluate, load_rulebook
from riskguard.rulebook.sound import SoundTable, SoundView

from .packs import packs, rule, write_rulebook


@pytest.fixture(scope="module")
def book(tmp_path_factory: pytest.TempPathFactory) -> Rulebook:
    data = packs()
    data["cn/adlaw.yaml"]["rules"] += [
        rule("adlaw.9-8.effect", match={"terms": ["化解灾祸", "接近母乳"]}),
        rule("adlaw.9-3.level", match={"terms": ["国家级"]}),
        rule("adlaw.9-3.nopinyin", match={"terms": ["逢凶化吉"], "pinyin": False}),
    ]
    return load_rulebook(*write_rulebook(tmp_path_factory.mktemp("sound"), packs=data), use_cache=False)


@pytest.mark.parametrize(("text", "rule_id", "matched"), [
    ("戴上它化解灾货，平平安安", "adlaw.9-8.effect", "化解灾货"),     # 货 for 祸
    ("口感接近姆乳，宝宝爱喝", "adlaw.9-8.effect", "接近姆乳"),       # 姆 for 母
    ("化解災禍", "adlaw.9-8.effect", "化解災禍"),                     # traditional: the compact view's match
    ("这是国家机关发布的通知", "adlaw.9-3.level", None),              # three syllables: no sound match
    ("逢凶化机的摆件", "adlaw.9-3.nopinyin", None),                   # pinyin: false turns sound off too
    ("接近母乳安全座椅", "adlaw.9-8.effect", "接近母乳"),
])
def test_sound_matches(book: Rulebook, text: str, rule_id: str, matched: str | None) -> None:
    found = [f for f in evaluate(book, ScreenInput(text=text)).findings if f.rule_id == rule_id]
    assert [f.matched for f in found] == ([matched] if matched else [])
    for f in found:
        assert text[f.start:f.end] == f.matched


def test_a_sound_match_starts_and_ends_on_syllables() -> None:
    table = SoundTable()
    view = SoundView("接近母乳", table)
    assert view.text == "JieJinMuRu"
    assert view.compact_span(0, len(view.text)) == (0, 4)
    assert view.compact_span(1, len(view.text)) is None     # starts inside 接
    assert view.compact_span(0, 9) is None                 # ends inside 乳
    assert table.key("母乳") is None and table.key("接近母乳") == "JieJinMuRu"
