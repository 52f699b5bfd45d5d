"""PERSON where the name's own form, or the list it stands in, marks it, for :mod:`.persons`: a double
surname that is no word (申屠建民，, 周一太史兰) wherever a short given name after it ends at a break; a
name after a list number or a weekday (接龙：1.闻人静 2.公孙策, 周二百里飞); a surname that is an everyday
word right after a cue (负责人：来晓光); Chinese names in Latin letters in a list (Zhang Wei, Li Na) or after
a Western given name (Tony Ho, Jessica Wong). Each helper takes the model built in :mod:`.persons`."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import regex

from ._name_forms import AFTER_NAME, HAN, MODEL_SCORE, PLACE_LAST

if TYPE_CHECKING:
    from .persons import _Model

__all__ = ["at_tag", "caps_pinyin", "cue_only_surname", "double_surnamed", "latin_handle", "latin_list", "list_heads",
           "titled_handles", "western_names"]

_DOUBLE_MIN = -2.5  # the given name after a distinctive double surname need only not be impossible (果果, 策)
_HEAD_MIN = 0.0  # after a list number or a weekday
_RARE_MIN = 0.3  # after a cue, a surname that is an everyday word
# A list number (1. 2、 3）) or a weekday before a name in a roster or a 接龙 list.
_HEAD = regex.compile(r"(?:(?<![\d.])\d{1,2}\s*[.．、)）]|(?:周|星期)[一二三四五六日天])[ \t]*")
_TAG_MAX = 4
_TAG_FREQ = 40  # a tag that is a dictionary word this common (not a name or place) is no person
_PROPER = frozenset({"nr", "nrfg", "nrt", "ns"})
_HEAD_GATE = re.compile(r"\d\s*[.．、)）]|周[一二三四五六日天]|星期")
_LATIN_SEP = regex.compile(r"\s*(?:[,，、/&;；]|and(?=\s))\s*")
# A Latin handle or given name right before a Chinese title (Coco老师, Tina姐); a passport-style name, the
# surname in capitals and the given name after it (ZHANG Wei, XU Mingyuan).
_HANDLE_TITLED = regex.compile(r"(?<![A-Za-z0-9])(?P<h>[A-Z][a-z]{1,9})(?=老师|姐|哥|女士|小姐|先生|总[^\p{Han}]|总$)")
_COUNT = regex.compile(r"[一二两三四五六七八九十]{1,3}(?:岁|位)")
_CAPS_PLACES = frozenset({"hong kong", "tai po", "tai wai", "sha tin", "kwun tong", "wan chai", "tung chung"})
_UPPER = re.compile("[A-Z]")
_HANDLE = regex.compile(r"[A-Z][a-z]{1,9}(?![A-Za-z0-9])")
_CAPS_NAME = regex.compile(r"(?<![A-Za-z0-9])(?P<s>[A-Z]{2,6})[ \u00a0]+(?P<g>[A-Z][a-z]{1,11})(?![A-Za-z0-9])")


def name_ends(text: str, end: int, model: _Model) -> bool:
    """Whether a name may end at ``end``: a break, a character that ends names, a word that follows them or
    an age or head count (祝端木悦六岁生日快乐, 欧阳小满三位宝宝)."""
    if end >= len(text) or not HAN.match(text[end]) or text[end] in AFTER_NAME or _COUNT.match(text, end):
        return True
    return bool(model.after.match(text, end)) and not model.not_after.match(text, end)


def double_surnamed(text: str, model: _Model) -> list[tuple[int, int, float]]:
    """A double surname that is no word (欧阳, 申屠, 皇甫, 梁丘) and a given name of one or two characters
    ending at a break or before a word that follows names: a name with no cue (【邮政】申屠建民，您的…).
    Not a name jieba's dictionary holds (欧阳修, 诸葛亮): those are people of history and fiction."""
    out = []
    for _, pos, given_at in model.name_doubles.find_matches_as_indexes(text):
        if pos and HAN.match(text[pos - 1]) and model.ordinary(text[pos - 1 : pos + 1]):
            continue  # 新鲜于: the character before and the surname's first are one word
        for size in (2, 1):
            end = given_at + size
            given = text[given_at:end]
            if len(given) < size or not all(HAN.match(c) and c not in AFTER_NAME for c in given) or \
                    any(_COUNT.match(text, given_at + i) for i in range(size)):
                continue  # (司马五位: a head count is no given name)
            if (
                any(c in PLACE_LAST for c in given)
                or text[pos:end] in model.stop
                or not name_ends(text, end, model)
            ):
                continue
            if model.freq.get(text[pos:end]):
                break  # 欧阳修, 诸葛亮, 司马光: figures of history and fiction the dictionary knows
            if model.given_score(given) > _DOUBLE_MIN:
                out.append((pos, end, MODEL_SCORE))
                break
    return out


def list_heads(text: str, model: _Model) -> list[tuple[int, int, float]]:
    """A name right after a list number or a weekday (接龙：1.王芳 2.李强; 值班：周一张伟，周二李娜) that reads
    as one and ends at a break."""
    out: list[tuple[int, int, float]] = []
    if not _HEAD_GATE.search(text):
        return out  # most texts have no list number or weekday: one cheap search instead of the full pattern
    for m in _HEAD.finditer(text):
        pos = m.end()
        got = model.read(text, pos, strict=True, weak=1)
        if got and got[1] >= _HEAD_MIN:
            out.append((pos, got[0], MODEL_SCORE))
    return out


def cue_only_surname(text: str, pos: int, model: _Model) -> int | None:
    """Right after a cue, a surname that is an everyday word (区, 来, 过, 资) and a given name of two
    characters (or one) that scores as one and ends at a break: the name's end, or None."""
    if pos >= len(text) or text[pos] not in model.cue_only_surnames:
        return None
    for size in (2, 1):
        end = pos + 1 + size
        given = text[pos + 1 : end]
        if (
            len(given) == size
            and all(HAN.match(c) and c not in AFTER_NAME for c in given)
            and name_ends(text, end, model)
            and model.given_score(given) >= _RARE_MIN
            and not model.ordinary(text[pos:end])
        ):
            return end
    return None


def western_names(text: str, model: _Model) -> list[tuple[int, int, float]]:
    """A Western given name before a Chinese surname in Latin letters (Tony Ho, Jessica Wong, Kevin Lam):
    how many Chinese speakers sign; a name with no cue."""
    out = []
    for m in model.latin_pair.finditer(text):
        if m.group("a") in model.western_given and m.group("b").lower() in model.surname_pinyin:
            out.append((m.start(), m.end(), MODEL_SCORE))
    return out


def _handle_word(word: str, model: _Model) -> bool:
    """A Western given name (Lily, Tina) or a doubled handle (Coco, Kiki, Momo)."""
    half = len(word) // 2
    return word in model.western_given or (len(word) in (4, 6) and word[:half].lower() == word[half:])


def titled_handles(text: str, model: _Model) -> list[tuple[int, int, float]]:
    """A Latin handle right before a Chinese title (Coco老师您好, Tina姐推荐的): how shops and fans address
    influencers and staff. Only given names and doubled handles: not Python老师, Apple总."""
    if not _UPPER.search(text):
        return []  # most texts have no capital letter: one cheap search instead of the full pattern
    return [(m.start(), m.end(), MODEL_SCORE) for m in _HANDLE_TITLED.finditer(text) if _handle_word(m.group("h"), model)]


def latin_handle(text: str, pos: int, model: _Model) -> int | None:
    """After a cue, a Western given name or doubled handle alone (店铺负责人：Lily（黄丽丽）): its end, or None."""
    m = _HANDLE.match(text, pos)
    if not m or not _handle_word(m.group(), model) or regex.match(r"[ \u00a0]+[A-Z]", text[m.end():m.end() + 2]):
        return None
    return m.end()


def caps_pinyin(text: str, model: _Model) -> list[tuple[int, int, float]]:
    """A Chinese name written as in a passport, the surname's pinyin in capitals and the given name's
    syllables after it (写ZHANG Wei就行, Refund request from XU Mingyuan): a name with no cue."""
    out = []
    for m in _CAPS_NAME.finditer(text):
        surname, given = m.group("s").lower(), m.group("g").lower()
        if surname in model.surname_pinyin and model._syllables(given) and f"{surname} {given}" not in _CAPS_PLACES:
            out.append((m.start(), m.end(), MODEL_SCORE))
    return out


def latin_list(text: str, end: int, model: _Model) -> int | None:
    """After a name in Latin letters, the start of the next one in a list (Zhang Wei, Li Na / Wang Fang)."""
    m = _LATIN_SEP.match(text, end)
    if not m or m.end() >= len(text) or not text[m.end()].isascii() or not text[m.end()].isupper():
        return None
    return m.end() if model.latin(text, m.end(), western=True) else None


def at_tag(text: str, pos: int, model: _Model) -> int | None:
    """After @, a group member tagged by a name of two to four Han characters that the text ends there
    (@乌兰 明天…, @江海 ): its end, or None. Not a group-wide tag (@所有人) nor a common word."""
    end = pos
    while end < len(text) and end - pos < _TAG_MAX and HAN.match(text[end]):
        end += 1
    word = text[pos:end]
    if (
        len(word) < 2
        or (end < len(text) and HAN.match(text[end]))
        or word in model.stop
        or word in model.not_tags
    ):
        return None
    if model.tags.get(word) not in _PROPER and model.freq.get(word, 0) >= _TAG_FREQ:
        return None  # @所有人, @全体成员, @群主
    return end
