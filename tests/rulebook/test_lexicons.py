"""Lexicons: named word lists that patterns use as open slots (``{{disease}}``), loaded from rules/lexicons/."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from riskguard.rulebook import Rulebook, RulebookError, ScreenInput, evaluate, load_rulebook
from riskguard.rulebook.catalogue import markdown
from riskguard.rulebook.lexicons import Lexicon
from riskguard.rulebook.selfcheck import static_warnings

from .packs import packs, rule, write_rulebook

DISEASE = {"lexicon": "disease", "title": "疾病", "basis": "广告法第十七条", "words": ["感冒", "咳嗽", "三高"]}
FRAME = rule("adlaw.17.frame", scope={"categories": ["food"]},
             match={"patterns": ["(?:调理|专治){{disease}}", "{{disease}}全降"]},
             examples={"must_match": [{"text": "姜茶调理感冒", "category": "food"}]})


def _book(tmp_path: Path, *, lexicons: dict[str, Any] | None = None, extra: list[dict] | None = None) -> Rulebook:
    data = packs()
    data["cn/adlaw.yaml"]["rules"].extend([FRAME] if extra is None else extra)
    for name, body in ({"disease": DISEASE} if lexicons is None else lexicons).items():
        data[f"lexicons/{name}.yaml"] = body
    return load_rulebook(*write_rulebook(tmp_path, packs=data), use_cache=False)


def _fired(book: Rulebook, text: str) -> set[str]:
    return {f.rule_id for f in evaluate(book, ScreenInput(text=text, category="food")).findings}


@pytest.mark.parametrize(("text", "fires"), [
    ("姜茶调理感冒", True),
    ("秋梨膏专治咳嗽", True),
    ("苦荞茶，三高全降", True),
    ("姜茶調理感冒", True),            # the slot's words are folded like every pattern literal
    ("姜茶调理身体", False),           # 身体 is not in the lexicon
    ("本品不能调理感冒", False),       # the clause step still reads the frame's polarity
])
def test_a_slot_matches_any_word_of_its_lexicon(tmp_path: Path, text: str, fires: bool) -> None:
    assert ("adlaw.17.frame" in _fired(_book(tmp_path), text)) is fires


def test_a_word_added_to_the_lexicon_is_matched_without_touching_the_pattern(tmp_path: Path) -> None:
    assert "adlaw.17.frame" not in _fired(_book(tmp_path / "a"), "专治失眠")
    grown = {"disease": {**DISEASE, "words": [*DISEASE["words"], "失眠"]}}
    assert "adlaw.17.frame" in _fired(_book(tmp_path / "b", lexicons=grown), "专治失眠")


def test_an_unknown_slot_names_file_rule_and_field(tmp_path: Path) -> None:
    bad = rule("adlaw.17.bad", match={"patterns": ["治疗{{disaese}}"]})
    with pytest.raises(RulebookError) as err:
        _book(tmp_path, extra=[bad])
    assert (err.value.file, err.value.rule_id, err.value.field) == ("cn/adlaw.yaml", "adlaw.17.bad", "match.patterns[0]")
    assert "disaese" in str(err.value)


@pytest.mark.parametrize("body", [
    {"lexicon": "disease", "title": "疾病", "basis": "广告法第十七条", "words": []},
    {"lexicon": "disease", "title": "疾病", "words": ["感冒"]},                          # no basis
    {"lexicon": "disease", "title": "疾病", "basis": "x", "words": ["感冒|咳嗽"]},       # regex syntax in a word
    {"lexicon": "Disease", "title": "疾病", "basis": "x", "words": ["感冒"]},
])
def test_a_broken_lexicon_names_its_file(tmp_path: Path, body: dict[str, Any]) -> None:
    with pytest.raises(RulebookError) as err:
        _book(tmp_path, lexicons={"disease": body})
    assert err.value.file == "lexicons/disease.yaml"


def test_two_files_may_not_define_one_lexicon(tmp_path: Path) -> None:
    with pytest.raises(RulebookError, match="duplicate lexicon"):
        _book(tmp_path, lexicons={"disease": DISEASE, "disease2": DISEASE})


def test_lexicons_are_part_of_the_revision_the_lint_and_the_catalogue(tmp_path: Path) -> None:
    book = _book(tmp_path / "a")
    assert "rules/lexicons/disease.yaml" in book.files
    assert book.rules["adlaw.17.frame"].lexicons == ("disease",)
    assert "| `{{disease}}` | 3 |" in markdown(book)
    assert not [w for w in static_warnings(book) if "lexicon" in w]
    unused = _book(tmp_path / "b", extra=[])
    assert unused.revision != book.revision
    assert any("{{disease}}: no rule pattern uses this lexicon" in w for w in static_warnings(unused))


@pytest.mark.parametrize(("text", "found"), [
    ("高血压病人", "高血压病"),   # the longest word wins where words share a beginning
    ("高血压患者", "高血压"),
    ("高血脂", "高血脂"),
    ("治疗中", "治疗"),
    ("医治", "治"),
    ("高血", None),              # a shared beginning alone is no word
])
def test_a_lexicon_is_one_branch_per_first_character_preferring_the_longest(text: str, found: str | None) -> None:
    lex = Lexicon(name="x", source="", title="", basis="", words=("高血压", "高血压病", "高血脂", "治", "治疗", "治愈"))
    m = re.search(lex.alternation(), text)
    assert (m.group() if m else None) == found
    assert lex.alternation().count("|") == 1 + 1 + 1  # 高|治 at the top, 压|脂 under 高血, 愈|疗 under 治
