"""QQ_NUMBER: a QQ account (5–11 digits, no leading zero) introduced by QQ, 扣扣 or 企鹅号."""

from __future__ import annotations

from ._base import CnPatternRecognizer

__all__ = ["CnQqNumberRecognizer"]


class CnQqNumberRecognizer(CnPatternRecognizer):
    ENTITY = "QQ_NUMBER"
    PATTERNS = (
        ("qq_number", r"(?<=(?:qq|扣扣|企鹅号?|q号)\s*(?:号码?|群|id)?\s*[:：]?\s*)[1-9]\d{4,10}(?!\d)", 0.7),
    )
    REQUIRED = r"[1-9]\d{4}"
    TRIGGERS = ("qq", "扣扣", "企鹅", "q号")
    CONTEXT = ("qq", "扣扣", "企鹅")
