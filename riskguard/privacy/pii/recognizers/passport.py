"""CN_PASSPORT: PRC passport numbers (E + 8 digits, E + letter + 7 digits; older G/D/S/P + 8 digits).

The formats are short and look like product codes, so a match alone stays below the default threshold;
a context word (护照, passport, 证件) lifts it over.
"""

from __future__ import annotations

from ._base import FLAGS_CASED, CnPatternRecognizer
from .mobile import NOT_A_PHONE

__all__ = ["CnPassportRecognizer"]


class CnPassportRecognizer(CnPatternRecognizer):
    ENTITY = "CN_PASSPORT"
    PATTERNS = (
        ("passport_e", r"(?<![0-9A-Za-z])E(?:\d{8}|[A-HJ-NP-Z]\d{7})(?![0-9A-Za-z])", 0.4),
        ("passport_old", r"(?<![0-9A-Za-z])(?:[GDSP]\d{8}|[DSP]E\d{7})(?![0-9A-Za-z])", 0.3),
    )
    CONTEXT = ("护照", "passport", "证件", "出入境")
    REGEX_FLAGS = FLAGS_CASED
    # 货号E12345678 is a product code even when 护照 appeared a few words earlier.
    NEGATIVE_CONTEXT = (*NOT_A_PHONE, "型号", "款号", "规格")
    NEGATIVE_WINDOW = 4
