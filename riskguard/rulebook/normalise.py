"""Text normalisation that defeats evasion while keeping a map back to the original characters.

Two views of every text are built, and the engine sometimes asks for a third:

* the **full** view: each character NFKC-folded (full-width → half-width, circled digits → digits),
  converted traditional → simplified (OpenCC ``t2s``), case-folded, mapped through the variant
  characters of ``rules/normalisation/*.yaml`` and the Chinese-numeral digits, then the variant
  phrases applied. Invisible format characters are dropped. Regex ``patterns`` run here.
* the **compact** view: the same, with every character that is not a letter or digit removed, so that
  ``最*好``, ``最 好`` and ``最.佳`` all read ``最好``/``最佳``. Terms match here.
* the **squeezed** view (:func:`squeeze`, given the engine's terms), rarely: the compact view without a
  letter or digit inserted into a word (``全网最1低价``, ``顶b尖``).

Each view carries ``starts``/``ends``: for view character ``i``, the original characters
``text[starts[i]:ends[i]]`` produced it. A span ``[a, b)`` of a view maps back to
``text[starts[a]:ends[b - 1]]``, so findings always slice the original text exactly.

Characters are converted one at a time (cached), which keeps the map exact; OpenCC's phrase-level
conversions are the only thing given up, and they do not change what the rules look for.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left
from collections.abc import Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate, chain
from operator import methodcaller

import ahocorasick_rs
import opencc

__all__ = ["Normaliser", "View", "Normalised", "CHINESE_DIGITS", "MEASURE_WORDS", "squeeze", "spans_gap"]

CHINESE_DIGITS = {"〇": "0", "零": "0", "一": "1", "二": "2", "三": "3", "四": "4", "五": "5", "六": "6",
                  "七": "7", "八": "8", "九": "9", "壹": "1", "贰": "2", "叁": "3", "肆": "4", "伍": "5",
                  "陆": "6", "柒": "7", "捌": "8", "玖": "9"}

_FORMAT_CATEGORIES = frozenset({"Cf", "Mn", "Me", "Cs", "Co", "Cn"})
_SEPARATORS = re.compile(r"[\W_]+")
_SEPARATOR_RUNS = re.compile(r"([\W_]+)")  # split() keeps them: word, separators, word, …, word
_BEYOND_BMP = re.compile("[\U00010000-\U0010ffff]")
_UNSEEN = object()  # str.translate rejects it with TypeError
_START = methodcaller("start")
# After a number or a grade letter these say what is counted (3件, 8折, A级, 第1名 …): that character is
# meant, not inserted.
MEASURE_WORDS = frozenset("个件只条双对套盒瓶罐袋包箱支根张片粒颗份斤两克升元块角分毛折倍成级等类星号层楼期代"
                          "年月日天周时点秒岁名位次款档种色码寸米度届季集章节页回场人桌杯碗台部辆本家室厅")
# A lone letter or digit between two Chinese characters (captured: the pair), the second not a measure
# word. It comes first in the pattern, so the scan skips other characters fast (about 5 µs for a
# 275-character listing).
_INSERTED = re.compile(
    rf"[0-9a-z](?<=([\u3400-\u9fff])[0-9a-z])(?=([\u3400-\u9fff]))(?![{''.join(sorted(MEASURE_WORDS))}])")

_t2s = opencc.OpenCC("t2s")


@dataclass(frozen=True, slots=True)
class View:
    """One normalised form of a text with the original span of each of its characters."""

    text: str
    starts: Sequence[int]
    ends: Sequence[int]

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """The original ``[start, end)`` that produced view characters ``[start, end)``."""
        if end <= start:
            pos = self.starts[start] if start < len(self.starts) else (self.ends[-1] if self.ends else 0)
            return pos, pos
        return self.starts[start], self.ends[end - 1]

    def view_span(self, start: int, end: int) -> tuple[int, int]:
        """The view characters produced by original ``[start, end)`` (for windows around a finding)."""
        lo = bisect_left(self.starts, start)
        return lo, max(lo, bisect_left(self.starts, end))


@dataclass(frozen=True, slots=True)
class Normalised:
    original: str
    full: View
    compact: View
    # A variant phrase was rewritten in either view. When not, the compact view is exactly the full view
    # without its separators, so a string of letters and digits in one is in the other.
    rephrased: bool = True


class _CharMap(dict[str, str]):
    """``str.translate`` table filled on first sight of a character: C speed after warm-up.

    ``translate`` looks a code point up about twice as fast in a list as in a dict, so texts within the
    Basic Multilingual Plane go through ``_bmp``, a list indexed by code point whose characters not seen
    yet hold ``_UNSEEN``: ``str.translate`` rejects that with ``TypeError``, the text's new characters are
    folded, and the call is repeated. Texts with characters beyond the BMP (emoji) use the dict itself."""

    def __init__(self, variants: Mapping[str, str]) -> None:
        super().__init__()
        self._variants = variants
        self._bmp: list[object] = [_UNSEEN] * 0x10000
        self.irregular: set[str] = set()  # characters that fold to zero or several characters
        self._irregular_re: re.Pattern[str] | None = None

    def __missing__(self, key: int) -> str:  # type: ignore[override]
        value = _fold(chr(key), self._variants)
        if len(value) != 1:
            self.irregular.add(chr(key))
            self._irregular_re = None
        self[key] = value  # type: ignore[index]
        return value

    def translate(self, text: str) -> str:
        if _BEYOND_BMP.search(text):
            return text.translate(self)
        try:
            return text.translate(self._bmp)
        except TypeError:  # characters seen for the first time
            for ch in set(text):
                self._bmp[ord(ch)] = self[ord(ch)]  # type: ignore[index]
            return text.translate(self._bmp)

    def has_irregular(self, text: str) -> bool:
        """Whether ``text`` has a character that folds to zero or several characters (all its characters
        must have been folded already, as ``translate`` does)."""
        if not self.irregular:
            return False
        if self._irregular_re is None:
            self._irregular_re = re.compile("[" + "".join(map(re.escape, sorted(self.irregular))) + "]")
        return self._irregular_re.search(text) is not None


def _fold(ch: str, variants: Mapping[str, str]) -> str:
    out = []
    for c in unicodedata.normalize("NFKC", ch):
        if unicodedata.category(c) in _FORMAT_CATEGORIES:
            continue
        for d in _t2s.convert(c).casefold():
            d = variants.get(d, d)
            d = CHINESE_DIGITS.get(d, d)
            if not d.isascii() and (digit := unicodedata.digit(d, None)) is not None:
                d = str(digit)  # ❶, ➀, ⓵ … which NFKC leaves alone
            out.append(d)
    return "".join(out)


def squeeze(compact: View, text: str, joins: AbstractSet[str]) -> tuple[View | None, list[int]]:
    """The compact view of ``text`` without the letters and digits inserted into words, and its gaps.

    A lone Latin letter or digit (a digit written as one, not as a Chinese numeral) between two Chinese
    characters is taken out when the second is not a measure word (``国家1级``, ``国家A级``, ``3件``, ``8折``
    keep theirs) and the two characters side by side occur in some term: ``joins`` holds the terms'
    two-character pieces (``最低``, ``低价``, ``顶尖``), so ``全网最1低价`` and ``顶b尖`` are squeezed and
    ``纯棉T恤`` is not. Returns None when nothing is taken out (most texts), else the view and its gaps:
    the positions that had a character taken out just before them. A term found there counts only where
    it spans a gap; elsewhere the compact view has it too (``第1`` in ``销量第1品牌``)."""
    chars = compact.text
    pairs = _INSERTED.findall(chars)  # C-level, and in most texts no pair is a piece of a term
    if not pairs or joins.isdisjoint(map("".join, pairs)):
        return None, []
    drop = [i for i in map(_START, _INSERTED.finditer(chars))
            if chars[i - 1] + chars[i + 1] in joins and text[compact.starts[i]] not in CHINESE_DIGITS]
    if not drop:
        return None, []
    pieces = list(zip([-1, *drop], [*drop, len(chars)], strict=True))  # (dropped, next dropped or end)
    starts, ends = list(compact.starts), list(compact.ends)
    view = View("".join(chars[a + 1:b] for a, b in pieces),
                list(chain.from_iterable(starts[a + 1:b] for a, b in pieces)),
                list(chain.from_iterable(ends[a + 1:b] for a, b in pieces)))
    return view, [i - n for n, i in enumerate(drop)]


def spans_gap(gaps: Sequence[int], start: int, end: int) -> bool:
    """Whether squeezed ``[start, end)`` has a gap inside it (a character taken out within the match)."""
    i = bisect_left(gaps, start + 1)
    return i < len(gaps) and gaps[i] < end


class _PlusOne(Sequence[int]):
    """``ends`` of a view whose characters each came from exactly one original character."""

    __slots__ = ("_starts",)

    def __init__(self, starts: Sequence[int]) -> None:
        self._starts = starts

    def __len__(self) -> int:
        return len(self._starts)

    def __getitem__(self, index):  # type: ignore[no-untyped-def, override]
        if isinstance(index, slice):
            return [s + 1 for s in self._starts[index]]
        return self._starts[index] + 1


@lru_cache(maxsize=64)
def _identity(n: int) -> tuple[range, range]:
    return range(n), range(1, n + 1)


class Normaliser:
    """Builds both views of a text; the same instance normalises rule terms at load time."""

    def __init__(self, chars: Mapping[str, str] | None = None, phrases: Mapping[str, str] | None = None) -> None:
        self._variants = {k.casefold(): v.casefold() for k, v in (chars or {}).items()}
        self._table = _CharMap(self._variants)
        self.phrase_keys = sorted({self.fold(k) for k in (phrases or {})})
        self._full_phrases = self._phrase_automaton(phrases or {}, compact=False)
        self._compact_phrases = self._phrase_automaton(phrases or {}, compact=True)

    # -- building blocks ------------------------------------------------------------------------
    def fold(self, text: str) -> str:
        """Character-level folding only (no separator removal, no phrases)."""
        return self._table.translate(text)

    def _phrase_automaton(self, phrases: Mapping[str, str], *, compact: bool
                          ) -> tuple[ahocorasick_rs.AhoCorasick, list[str]] | None:
        keys: list[str] = []
        values: list[str] = []
        for key, value in phrases.items():
            k, v = self.fold(key), self.fold(value)
            if compact:
                k, v = _SEPARATORS.sub("", k), _SEPARATORS.sub("", v)
            if k and k != v and k not in keys:
                keys.append(k)
                values.append(v)
        if not keys:
            return None
        return ahocorasick_rs.AhoCorasick(keys, matchkind=ahocorasick_rs.MATCHKIND_LEFTMOST_LONGEST), values

    def _folded_view(self, text: str) -> View:
        folded = self._table.translate(text)
        if not self._table.has_irregular(text):
            starts, ends = _identity(len(text))
            return View(folded, starts, ends)
        chars: list[str] = []
        starts_l: list[int] = []
        ends_l: list[int] = []
        for i, ch in enumerate(text):
            out = self._table[ord(ch)]
            chars.append(out)
            starts_l.extend([i] * len(out))
            ends_l.extend([i + 1] * len(out))
        return View("".join(chars), starts_l, ends_l)

    @staticmethod
    def _strip(view: View) -> View:
        pieces = _SEPARATOR_RUNS.split(view.text)
        if len(pieces) == 1:
            return view
        # The view positions kept are the word runs: each starts where the separators before it end.
        # Built with C-level iterators; a Python loop per run or per character costs more than the split.
        bounds = list(accumulate(map(len, pieces)))
        run_starts = bounds[1::2]
        run_starts.insert(0, 0)
        keep = list(chain.from_iterable(map(range, run_starts, bounds[::2])))
        text = "".join(pieces[::2])
        if isinstance(view.starts, range):
            return View(text, keep, _PlusOne(keep))
        return View(text, list(map(view.starts.__getitem__, keep)), list(map(view.ends.__getitem__, keep)))

    @staticmethod
    def _apply_phrases(view: View, automaton: tuple[ahocorasick_rs.AhoCorasick, list[str]] | None) -> View:
        if automaton is None:
            return view
        ac, values = automaton
        hits = ac.find_matches_as_indexes(view.text)
        if not hits:
            return view
        chars: list[str] = []
        starts: list[int] = []
        ends: list[int] = []
        pos = 0
        for idx, s, e in hits:
            chars.append(view.text[pos:s])
            starts.extend(view.starts[pos:s])
            ends.extend(view.ends[pos:s])
            value = values[idx]
            chars.append(value)
            starts.extend([view.starts[s]] * len(value))
            ends.extend([view.ends[e - 1]] * len(value))
            pos = e
        chars.append(view.text[pos:])
        starts.extend(view.starts[pos:])
        ends.extend(view.ends[pos:])
        return View("".join(chars), starts, ends)

    # -- public -----------------------------------------------------------------------------------
    def normalise(self, text: str) -> Normalised:
        base = self._folded_view(text)
        full = self._apply_phrases(base, self._full_phrases)
        stripped = self._strip(base)
        compact = self._apply_phrases(stripped, self._compact_phrases)
        return Normalised(text, full, compact, rephrased=full is not base or compact is not stripped)

    def term(self, text: str) -> str:
        """A rule term in the compact form it is matched in."""
        return self.normalise(text).compact.text

    def full_term(self, text: str) -> str:
        return self.normalise(text).full.text

    def pattern(self, source: str) -> str:
        """A regex source with its literal characters folded like the text (escapes left alone)."""
        out: list[str] = []
        i, n = 0, len(source)
        while i < n:
            c = source[i]
            if c == "\\" and i + 1 < n:
                nxt = source[i + 1]
                if nxt == "N" and i + 2 < n and source[i + 2] == "{":
                    close = source.find("}", i)
                    close = n - 1 if close < 0 else close
                    out.append(source[i:close + 1])
                    i = close + 1
                    continue
                out.append(source[i:i + 2])
                i += 2
                continue
            if c == "(" and source.startswith("(?", i):
                j = i + 2
                if j < n and source[j] == "P" and j + 1 < n and source[j + 1] in "<=":
                    j += 2
                while j < n and source[j].isalpha():
                    j += 1
                out.append(source[i:j])
                i = j
                continue
            if c.isascii():
                out.append(c.lower() if c.isalpha() else c)
            else:
                out.append(re.escape(self._table[ord(c)] or c))
            i += 1
        return "".join(out)
