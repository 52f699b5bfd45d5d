"""EMAIL_ADDRESS, fixed for Chinese text.

Presidio's pattern uses ``\\w`` and ``\\b``, and Python counts Han characters as word characters, so
"邮箱abc@qq.com" came out as one address including the label, and an address glued to Chinese text was
missed. Here the local part and domain are ASCII only, bounded by ASCII look-arounds. The domain's
suffix is checked against tldextract's bundled public-suffix snapshot (no download, see ``_tld``).
"""

from __future__ import annotations

from ._base import CnPatternRecognizer
from ._tld import has_public_suffix

__all__ = ["CnEmailRecognizer"]


class CnEmailRecognizer(CnPatternRecognizer):
    ENTITY = "EMAIL_ADDRESS"
    PATTERNS = (
        ("email", r"(?<![A-Za-z0-9._%+\-])[A-Za-z0-9](?:[A-Za-z0-9._%+\-]{0,62}[A-Za-z0-9_%+\-])?"
                  r"@[A-Za-z0-9](?:[A-Za-z0-9\-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9\-]{0,61}"
                  r"[A-Za-z0-9])?){0,6}\.[A-Za-z]{2,24}(?![A-Za-z0-9\-])", 0.5),
    )
    TRIGGERS = ("@",)
    CONTEXT = ("邮箱", "邮件", "电邮", "email", "e-mail", "mail")

    def validate_result(self, pattern_text: str) -> bool:
        return has_public_suffix(pattern_text.rpartition("@")[2])
