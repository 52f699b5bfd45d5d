"""The normaliser: evasion folding as a table, and the offset map as hypothesis properties."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from riskguard.rulebook import Rulebook, ScreenInput, evaluate, load_rulebook
from riskguard.rulebook.normalise import CHINESE_DIGITS, MEASURE_WORDS, Normaliser, _fold, spans_gap, squeeze

from .packs import VARIANTS, write_rulebook

NORMALISER = Normaliser(VARIANTS["chars"], VARIANTS["phrases"])


@pytest.mark.parametrize(("text", "compact"), [
    ("最*好", "最好"), ("最 好", "最好"), ("最.佳", "最佳"), ("最\u200b佳", "最佳"), ("最_佳", "最佳"),
    ("ＡＢＣ１２３", "abc123"), ("最佳選擇", "最佳选择"), ("ZuI HaO", "zuihao"), ("①②③", "123"),
    ("❶➁⓷", "123"), ("一三八", "138"), ("壹贰叁", "123"), ("蕞佳", "最佳"), ("薇-信", "微信"),
    ("加V", "加微信"), ("㍿", "株式会社"), ("Straße", "strasse"),
])
def test_compact_view_folds_evasions(text: str, compact: str) -> None:
    assert NORMALISER.normalise(text).compact.text == compact


@pytest.mark.parametrize(("text", "full"), [
    ("最 好", "最 好"), ("ＧＢ／Ｔ　２３３４７", "gb/t 23347"), ("薇信", "微信"), ("a\u200bb", "ab"),
])
def test_full_view_keeps_separators(text: str, full: str) -> None:
    assert NORMALISER.normalise(text).full.text == full


@pytest.mark.parametrize(("text", "rephrased"), [
    ("薇信", True), ("加 V", True), ("最好", False), ("最 好", False), ("", False),
])
def test_rephrased_says_whether_a_variant_phrase_was_rewritten(text: str, rephrased: bool) -> None:
    assert NORMALISER.normalise(text).rephrased is rephrased


JOINS = frozenset({"网最", "最低", "低价", "顶尖", "家级", "最好", "第名"})  # two-character pieces of terms


@pytest.mark.parametrize(("text", "squeezed", "gaps"), [
    ("全网最1低价", "全网最低价", [3]), ("全网最１低价", "全网最低价", [3]), ("最1低2价", "最低价", [1, 2]),
    ("最 1 低价", "最低价", [1]), ("顶b尖", "顶尖", [1]), ("全网最Ｂ低价", "全网最低价", [3]),
    ("国家1级保护动物", None, []), ("国家A级景区", None, []), ("国家一级", None, []), ("纯棉T恤", None, []),
    ("限时8折", None, []), ("第1名", None, []), ("最12低价", None, []), ("最ab低价", None, []), ("a1b", None, []),
    ("最1", None, []),
])
def test_squeeze_takes_out_letters_and_digits_inserted_into_words(text: str, squeezed: str | None,
                                                                   gaps: list[int]) -> None:
    view, found = squeeze(NORMALISER.normalise(text).compact, text, JOINS)
    assert (view.text if view else None) == squeezed
    assert found == gaps


@pytest.mark.parametrize(("span", "spans"), [((0, 5), True), ((2, 4), True), ((3, 5), False), ((0, 3), False)])
def test_spans_gap_means_a_character_taken_out_inside_the_match(span: tuple[int, int], spans: bool) -> None:
    assert spans_gap([3], *span) is spans  # 全网最1低价 squeezed to 全网最低价: the gap is before 低


@pytest.mark.parametrize(("source", "folded"), [
    (r"最(?:低|便宜)價", r"最(?:低|便宜)价"), (r"\D\d+天", r"\D\d+天"), (r"GB/?T", r"gb/?t"),
    (r"（Ｎ）", r"\(n\)"), (r"(?P<Name>x)(?P=Name)", r"(?P<Name>x)(?P=Name)"),
])
def test_pattern_sources_fold_literals_only(source: str, folded: str) -> None:
    assert NORMALISER.pattern(source) == folded


ALPHABET = st.sampled_from(list(
    "最好佳第一次近后天低价全网顶级唯品質選擇頂蕞嶵加微信薇威vVxX zuihaojiaZUIHAO 0123456789①❶壹贰"
    "*. ,，。！!-_/（）()％%\u200b\u200d\u0301\u3000ＡＢＣａ１２３㍿ßﬁİ🙂\t\n国药准字H械注准GB/T")) | st.characters(
    blacklist_categories=("Cs",))
TEXTS = st.text(alphabet=ALPHABET, max_size=80)


@given(TEXTS)
@settings(max_examples=400, deadline=None)
def test_offset_map_points_back_into_the_original(text: str) -> None:
    norm = NORMALISER.normalise(text)
    for view in (norm.full, norm.compact):
        assert len(view.starts) == len(view.ends) == len(view.text)
        assert list(view.starts) == sorted(view.starts)
        for s, e in zip(view.starts, view.ends, strict=True):
            assert 0 <= s < e <= len(text)


CHARS_ONLY = Normaliser(VARIANTS["chars"])  # no phrases: the views are the folded text and its words


def _reference_views(text: str) -> tuple[tuple[str, list[int], list[int]], tuple[str, list[int], list[int]]]:
    """Both views built the slow, obvious way: fold each character, then keep the word characters."""
    full: list[tuple[str, int]] = [(c, i) for i, ch in enumerate(text) for c in _fold(ch, CHARS_ONLY._variants)]
    compact = [(c, i) for c, i in full if re.fullmatch(r"[^\W_]", c)]
    return tuple(("".join(c for c, _ in v), [i for _, i in v], [i + 1 for _, i in v])  # type: ignore[return-value]
                 for v in (full, compact))


@given(TEXTS)
@settings(max_examples=400, deadline=None)
def test_views_match_the_character_by_character_reference(text: str) -> None:
    norm = CHARS_ONLY.normalise(text)
    got = tuple((v.text, list(v.starts), list(v.ends)) for v in (norm.full, norm.compact))
    assert got == _reference_views(text)


def _is_han(c: str) -> bool:
    return "\u3400" <= c <= "\u9fff"


@given(st.text(alphabet=st.sampled_from(list("全网最低价顶尖国家级件折第一二名12０９aBｃ *.-")) | ALPHABET,
               max_size=60))
@settings(max_examples=400, deadline=None)
def test_squeezed_view_matches_the_character_by_character_reference(text: str) -> None:
    """Squeezing built the obvious way from the compact view: each lone Latin letter or digit (not a
    Chinese numeral) between two Chinese characters that are a piece of a term, the second not a measure
    word, taken out."""
    c = CHARS_ONLY.normalise(text).compact
    dropped = [i for i in range(1, len(c.text) - 1)
               if c.text[i] in "0123456789abcdefghijklmnopqrstuvwxyz" and _is_han(c.text[i - 1])
               and _is_han(c.text[i + 1]) and c.text[i - 1] + c.text[i + 1] in JOINS
               and c.text[i + 1] not in MEASURE_WORDS and text[c.starts[i]] not in CHINESE_DIGITS]
    view, gaps = squeeze(c, text, JOINS)
    if not dropped:
        assert view is None
        assert gaps == []
        return
    kept = [i for i in range(len(c.text)) if i not in dropped]
    assert view is not None
    assert view.text == "".join(c.text[i] for i in kept)
    assert list(view.starts) == [c.starts[i] for i in kept]
    assert list(view.ends) == [c.ends[i] for i in kept]
    assert gaps == [kept.index(i + 1) for i in dropped]


@pytest.fixture(scope="module")
def module_book(tmp_path_factory: pytest.TempPathFactory) -> Rulebook:
    return load_rulebook(*write_rulebook(tmp_path_factory.mktemp("rb")))


@given(text=TEXTS, kind=st.sampled_from(["ad", "listing", "livestream"]),
       category=st.sampled_from(["general", "food", "drug", "finance"]), link=st.booleans())
@settings(max_examples=400, deadline=None)
def test_findings_slice_the_original_text(module_book: Rulebook, text: str, kind: str, category: str,
                                          link: bool) -> None:
    decision = evaluate(module_book, ScreenInput(text=text, kind=kind, category=category, has_purchase_link=link))
    assert decision.decision in ("allow", "review", "block")
    for f in decision.findings:
        assert 0 <= f.start <= f.end <= len(text)
        assert text[f.start:f.end] == f.matched
        assert f.rule_id != "ENGINE_ERROR"


@given(prefix=TEXTS, suffix=TEXTS, sep=st.sampled_from(["", " ", "*", ".", "\u200b", "　", "-"]))
@settings(max_examples=300, deadline=None)
def test_a_term_split_by_separators_is_still_found(module_book: Rulebook, prefix: str, suffix: str,
                                                   sep: str) -> None:
    text = f"{prefix}。刷{sep}单。{suffix}"
    decision = evaluate(module_book, ScreenInput(text=text))
    start = len(prefix) + 1
    assert any(f.rule_id == "aucl.9.fake-sales" and f.start <= start and f.end >= start + 2 + len(sep)
               for f in decision.findings)
