"""Values written to dodge filters, read through the screening normaliser's full view.

Phone (mobile and fixed-line), QQ and card numbers written in Chinese numerals (一三八…, 壹叁捌…, 幺 for 一), circled or
full-width digits, and contacts written with full-width letters and signs (ＱＱ, ＠) are found by running
the recognizers again over :class:`riskguard.rulebook.normalise.Normaliser`'s full view of the text —
the view screening matches in — and mapping each span back to the original characters with the view's
offset map. The second pass runs only when the text has such characters and the view gains something
from them: a run of five or more digits that was written otherwise, or a folded ``@``/letter.
"""

from __future__ import annotations

import regex

from ...rulebook.normalise import Normaliser, View

__all__ = ["DISGUISABLE", "disguised_view", "trim_word_tail"]

# The types whose values can be written in numerals or full-width forms.
DISGUISABLE = ("CN_RESIDENT_ID", "CN_MOBILE", "PHONE_NUMBER", "CN_USCC", "BANK_CARD", "CREDIT_CARD", "WECHAT_ID",
               "QQ_NUMBER", "EMAIL_ADDRESS")
# 幺 and 两 are how 一 and 二 are read out in phone and QQ numbers (幺三八…, 两八五…); only a run of five or
# more digits is ever read through this view, so 两个 stays a word.
_NORMALISER = Normaliser(chars={"幺": "一", "两": "二"})
# Five or more digits in a row (spaces and hyphens between allowed) written in any of the ways the
# normaliser folds; or a full-width letter, digit or ＠ (ＱＱ, ＶＸ, name＠qq.com). Full-width punctuation
# alone (，。：) is in every Chinese text and hides nothing.
_DIGITS = r"[0-9〇零一二三四五六七八九壹贰叁肆伍陆柒捌玖幺两\uff10-\uff19\u2460-\u249b\u24ea-\u24ff\u2776-\u2793]"
_HAN = regex.compile(r"\p{Han}")
_CANDIDATE = regex.compile(rf"{_DIGITS}(?:[ \-]?{_DIGITS}){{4,}}|[\uff10-\uff19\uff20-\uff3a\uff41-\uff5a]")


def disguised_view(text: str) -> View | None:
    """The full view of ``text`` when it may hold a value the text as written hides, else None."""
    for m in _CANDIDATE.finditer(text):
        if not m.group().isascii():
            return _NORMALISER.normalise(text).full
    return None


_NUMERALS = frozenset("〇零一二三四五六七八九十壹贰叁肆伍陆柒捌玖幺两")


def trim_word_tail(text: str, start: int, end: int) -> int:
    """The end of a value read through the view, without a last Chinese numeral that begins the next word
    (扣扣：③⑨⑥⑦②④⑧⑤一起来玩: the value is the circled digits, 一 is 一起's). Only where no other character
    of the value is a Chinese numeral: a value written in numerals throughout keeps its last one."""
    if end - start < 2 or end >= len(text) or text[end - 1] not in _NUMERALS or not _HAN.match(text[end]):
        return end
    if text[end] in _NUMERALS or any(c in _NUMERALS for c in text[start:end - 1]):
        return end
    return end - 1
