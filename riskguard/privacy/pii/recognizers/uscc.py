"""CN_USCC: unified social credit codes of companies and other organisations (GB 32100-2015)."""

from __future__ import annotations

from ....cn_identifiers import normalize_id, uscc_valid
from ._base import FLAGS_CASED, CnPatternRecognizer

__all__ = ["CnUsccRecognizer"]


class CnUsccRecognizer(CnPatternRecognizer):
    """The check character over the 31-character set and the organisation code's mod-11 check gate it."""

    ENTITY = "CN_USCC"
    PATTERNS = (
        ("uscc", r"(?<![0-9A-Za-z])[1-9A-HJ-NP-RTUWXY][0-9A-HJ-NP-RTUWXY]\d{6}[0-9A-HJ-NP-RTUWXY]{10}"
                 r"(?![0-9A-Za-z])", 0.5),
    )
    CONTEXT = ("统一社会信用代码", "信用代码", "营业执照", "税号", "纳税人识别号", "uscc", "credit code")
    REGEX_FLAGS = FLAGS_CASED
    # An all-digit code after 身份证 is a mistyped ID number, even when it happens to pass GB 32100.
    NEGATIVE_CONTEXT = ("身份证", "证件号", "身份号")
    NEGATIVE_WINDOW = 6

    def validate_result(self, pattern_text: str) -> bool:
        return uscc_valid(normalize_id(pattern_text))
