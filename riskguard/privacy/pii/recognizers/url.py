"""URL, fixed for Chinese text: the path stops at Han characters and full-width punctuation.

A bare domain (no scheme) needs a known public suffix and must not be part of an e-mail address.
"""

from __future__ import annotations

from ._base import CnPatternRecognizer
from ._tld import has_public_suffix

__all__ = ["CnUrlRecognizer"]

# At most 8 labels after the first: bounds backtracking on "a.a.a.a…" runs.
_HOST = r"[A-Za-z0-9](?:[A-Za-z0-9\-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9\-]{0,61}[A-Za-z0-9])?){1,8}"
_TAIL = r"(?::\d{1,5})?(?:[/?#][^\s\u3000-\u303f\u4e00-\u9fff\uff00-\uffef\"'<>()（）]*)?"


_COMMON_TLDS = frozenset({"com", "cn", "net", "org", "edu", "gov", "io", "co", "me", "info", "biz", "top",
                          "xyz", "shop", "vip", "club", "cc", "tv", "hk", "tw", "mo", "jp", "kr", "uk",
                          "us", "de", "fr", "sg", "link", "site", "online", "store", "app", "ai"})


class CnUrlRecognizer(CnPatternRecognizer):
    ENTITY = "URL"
    PATTERNS = (
        ("url_scheme", r"https?://" + _HOST + _TAIL, 0.6),
        ("url_bare", r"(?<![A-Za-z0-9@.\-/])(?:www\.)?" + _HOST + r"(?<=\.[A-Za-z]{2,24})" + _TAIL
                     + r"(?![A-Za-z0-9@\-])", 0.5),
    )
    TRIGGERS = (".",)
    CONTEXT = ("网址", "链接", "网站", "url", "link", "website")

    def validate_result(self, pattern_text: str) -> bool:
        scheme, sep, rest = pattern_text.partition("://")
        if not sep:
            rest = scheme
        host = rest.split("/", 1)[0].split("?", 1)[0].split("#", 1)[0].split(":", 1)[0].lower()
        if not has_public_suffix(host):
            return False
        # Without a scheme, file names (setup.py, notes.md, a.zip) end in country or new gTLDs too.
        return bool(sep) or host.startswith("www.") or host.rsplit(".", 1)[1] in _COMMON_TLDS
