"""CN_RESIDENT_ID: 18-character resident identity card numbers (GB 11643-1999)."""

from __future__ import annotations

from ....cn_identifiers import normalize_id, resident_id_valid
from ._base import CnPatternRecognizer

__all__ = ["CnResidentIdRecognizer"]


class CnResidentIdRecognizer(CnPatternRecognizer):
    """Check character and a real birth date gate the match; retired region codes are accepted."""

    ENTITY = "CN_RESIDENT_ID"
    PATTERNS = (
        # \d also matches full-width digits; the validator normalises before checking.
        ("resident_id", r"(?<![\dA-Za-z])\d{17}[\dXxＸｘ](?![\dA-Za-z])", 0.5),
        ("resident_id_spaced", r"(?<![\dA-Za-z])\d{6}[ -]\d{8}[ -]\d{3}[\dXxＸｘ](?![\dA-Za-z])", 0.5),
    )
    CONTEXT = ("身份证", "身份证号", "证件号", "公民身份", "居民身份", "id card", "identity")

    def validate_result(self, pattern_text: str) -> bool:
        return resident_id_valid(normalize_id(pattern_text))
