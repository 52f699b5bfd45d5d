"""QQ_NUMBER: a QQ account or group (5–11 digits, no leading zero) introduced by a contact word.

Contact words: QQ, 扣扣, 企鹅(号), Q号, a bare ``Q`` followed by a colon or 群 (「Q：12345678」, 「q群
987654321」) or after 加 / 加我 (「加我Q 12345678」), each optionally followed by 群 / 号码 / id. The number may
be written in groups of three or four (「1234 5678」), in brackets, or after a WeChat the number shares
(「QQ/微信同号 12345678」). Several numbers after one contact word (「QQ：12345、67890」) are
each a QQ number.
"""

from __future__ import annotations

import regex
from presidio_analyzer import RecognizerResult

from ._base import CnPatternRecognizer

__all__ = ["CnQqNumberRecognizer", "QQ_LOOKBEHIND"]

QQ_LOOKBEHIND = (r"(?<=(?:q ?q|扣扣|企鹅号?|q号|(?<![A-Za-z0-9])q(?=\s*[:：群])|(?<=加我?)q(?=\s*[1-9]))"
                 r"\s*(?:群)?\s*(?:号码?|id)?\s*(?:[/／、和同]\s*(?:微信|vx|wx|v信)号?\s*(?:同号)?)?\s*[:：（(]?\s*"
                 r"(?:都是|也是|是)?\s*)")
# 5-11 digits, or groups of three or four written with a space or hyphen between (1234 5678)
_QQ = r"(?:[1-9]\d{2,3}(?:[ -]\d{3,4}){1,2}(?![\d -]\d)|[1-9]\d{4,10})(?!\d)"
_NEXT = regex.compile(r"\s*(?:[、，,/]|和|或|或者)\s*([1-9]\d{4,10})(?!\d)")


class CnQqNumberRecognizer(CnPatternRecognizer):
    ENTITY = "QQ_NUMBER"
    PATTERNS = (
        ("qq_number", QQ_LOOKBEHIND + _QQ, 0.7),
    )
    REQUIRED = r"[1-9]\d{2}[ -]?\d{2}"
    TRIGGERS = ("qq", "q q", "扣扣", "企鹅", "q号", "q：", "q:", "q群", "加q", "加我q")
    CONTEXT = ("qq", "扣扣", "企鹅")

    def analyze(self, text, entities, nlp_artifacts=None, regex_flags=None):  # type: ignore[no-untyped-def,override]
        results = super().analyze(text, entities, nlp_artifacts, regex_flags)
        more: list[RecognizerResult] = []
        for result in results:
            end = result.end
            while m := _NEXT.match(text, end):  # a list after one contact word
                more.append(RecognizerResult(self.ENTITY, m.start(1), m.end(1), result.score,
                                             result.analysis_explanation, result.recognition_metadata))
                end = m.end()
        return results + more
