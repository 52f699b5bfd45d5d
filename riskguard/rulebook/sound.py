"""Homophones: terms matched by how they sound, for terms long enough that a match is no coincidence.

Merchants write a banned phrase with characters of the same sound (接近姆乳 for 接近母乳, 降血唐压 …).
A variant map can list the known ones; this view catches the rest. Every Chinese character of the compact
view is written as its toneless pinyin with a capital first letter (``接近姆乳`` → ``JieJinMuRu``), other
characters as they are; a term's key is written the same way, and a match must start and end on
syllable boundaries. Only terms of four or more Chinese characters get a key: shorter ones collide with
ordinary words too often (国家级 sounds like 国家机, 包过 like 包裹, 最好 like 醉好).

One ``str.translate`` and one automaton pass per text; positions are mapped back only for a match.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from itertools import accumulate

from pypinyin import lazy_pinyin

__all__ = ["SoundTable", "MIN_SYLLABLES", "SoundView"]

MIN_SYLLABLES = 4
_HAN = re.compile(r"[\u3400-\u9fff]")


_UNSEEN = object()  # str.translate rejects it with TypeError: the character is looked up, then retried


class SoundTable(dict[int, str]):
    """``str.translate`` table: a Chinese character → its pinyin, capitalised; anything else → itself.

    Texts within the Basic Multilingual Plane go through a list indexed by code point (about twice as fast
    as the dict in ``str.translate``), filled as characters are first seen."""

    def __init__(self) -> None:
        super().__init__()
        self._bmp: list[object] = [_UNSEEN] * 0x10000

    def __missing__(self, key: int) -> str:
        ch = chr(key)
        value = lazy_pinyin(ch)[0].capitalize() if _HAN.fullmatch(ch) else ch
        if not value.isascii():
            value = ch
        self[key] = value
        if key < 0x10000:
            self._bmp[key] = value
        return value

    def sounds(self, text: str) -> str:
        try:
            return text.translate(self._bmp)
        except (TypeError, IndexError):  # a character not seen yet, or one beyond the BMP
            for c in set(text):
                self[ord(c)]  # noqa: B018 - fills both tables
            return text.translate(self._bmp) if all(ord(c) < 0x10000 for c in text) else text.translate(self)

    def key(self, compact_term: str) -> str | None:
        """The sound key of a term in compact form, or None if it has fewer than MIN_SYLLABLES."""
        if len(_HAN.findall(compact_term)) < MIN_SYLLABLES:
            return None
        return self.sounds(compact_term)


class SoundView:
    """One text's compact view, as sounds, with the way back to compact positions."""

    __slots__ = ("text", "_compact", "_table", "_ends")

    def __init__(self, compact: str, table: SoundTable) -> None:
        self._compact, self._table = compact, table
        self.text = table.sounds(compact)
        self._ends: list[int] | None = None

    def compact_span(self, start: int, end: int) -> tuple[int, int] | None:
        """The compact characters whose sounds are ``text[start:end]``, or None if the span does not
        start and end on character boundaries."""
        if self._ends is None:
            self._ends = list(accumulate(len(self._table[ord(c)]) for c in self._compact))
        ends = self._ends
        first = bisect_right(ends, start)  # the character whose sound holds position ``start``
        last = bisect_right(ends, end - 1)
        if (ends[first - 1] if first else 0) != start or ends[last] != end:
            return None
        return first, last + 1
