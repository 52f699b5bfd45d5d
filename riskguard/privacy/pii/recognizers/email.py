"""EMAIL_ADDRESS, fixed for Chinese text, and written to dodge filters.

Presidio's pattern uses ``\\w`` and ``\\b``, and Python counts Han characters as word characters, so
"邮箱abc@qq.com" came out as one address including the label, and an address glued to Chinese text was
missed. Here the local part and domain are ASCII only, bounded by ASCII look-arounds. The domain's
suffix is checked against tldextract's bundled public-suffix snapshot (no download, see ``_tld``).

Obfuscated forms are found too, and the whole written form is the span: ``name#qq.com`` (with a hint
such as （#换成@）, or a well-known mail domain), ``name at qq dot com``, ``name(at)foxmail.com``,
``name[at]163.com``, ``name 艾特 qq.com``. Full-width ``＠`` and ``．`` are read through the folded view
(:mod:`..disguise`).
"""

from __future__ import annotations

import regex

from ._base import CnPatternRecognizer
from ._tld import has_public_suffix

__all__ = ["CnEmailRecognizer"]

_LOCAL = r"(?<![A-Za-z0-9._%+\-])[A-Za-z0-9](?:[A-Za-z0-9._%+\-]{0,62}[A-Za-z0-9_%+\-])?"
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9\-]{0,61}[A-Za-z0-9])?"
_TLD = r"[A-Za-z]{2,24}(?![A-Za-z0-9\-])"
_AT = r"(?:\s*(?:\(at\)|\[at\]|\{at\}|（at）|【at】|艾特|圈a)\s*|\s+at\s+)"
_DOT = r"(?:\s*(?:\(dot\)|\[dot\]|（dot）|点)\s*|\s+dot\s+|\.|。(?=[A-Za-z]))"
# Mail providers common enough that ``name#163.com`` needs no hint to be read as an address.
_MAIL_DOMAINS = ("qq", "163", "126", "139", "189", "sina", "sohu", "yeah", "foxmail", "gmail", "outlook", "hotmail",
                 "live", "yahoo", "aliyun", "icloud", "me", "vip.qq", "vip.163", "vip.sina")
_HASH_HINT = regex.compile(r"[#＃]\s*(?:换成|改成|改为|替换为|换为|=|＝|是)\s*[@＠]")


class CnEmailRecognizer(CnPatternRecognizer):
    ENTITY = "EMAIL_ADDRESS"
    PATTERNS = (
        ("email", rf"{_LOCAL}@{_LABEL}(?:\.{_LABEL}){{0,6}}\.{_TLD}", 0.5),
        ("email_dot_spelled", rf"{_LOCAL}@{_LABEL}(?:{_DOT}{_LABEL}){{0,4}}{_DOT}{_TLD}", 0.5),
        ("email_spelled", rf"{_LOCAL}{_AT}{_LABEL}(?:{_DOT}{_LABEL}){{0,4}}{_DOT}{_TLD}", 0.5),
        ("email_hash", rf"{_LOCAL}[#＃]{_LABEL}(?:\.{_LABEL}){{0,4}}\.{_TLD}", 0.5),
    )
    TRIGGERS = ("@", "at", "#", "＃", "艾特", "圈a")
    CONTEXT = ("邮箱", "邮件", "电邮", "email", "e-mail", "mail")

    def analyze(self, text, entities, nlp_artifacts=None, regex_flags=None):  # type: ignore[no-untyped-def,override]
        results = super().analyze(text, entities, nlp_artifacts, regex_flags)
        for result in results:
            value = text[result.start:result.end]
            if "#" in value or "＃" in value:
                host = value.replace("＃", "#").partition("#")[2].lower()
                if not (_HASH_HINT.search(text, result.end, result.end + 16)
                        or host.rpartition(".")[0] in _MAIL_DOMAINS):
                    result.score = 0.0
        return [r for r in results if r.score > 0]

    def validate_result(self, pattern_text: str) -> bool:
        return has_public_suffix(_plain(pattern_text).rpartition("@")[2])


def _plain(value: str) -> str:
    """The address a spelled-out or hash-written form stands for (``a at qq dot com`` → ``a@qq.com``)."""
    value = value.replace("＃", "#")
    if "@" not in value:
        if "#" in value:
            value = value.replace("#", "@", 1)
        else:
            value = regex.sub(rf"^({_LOCAL}){_AT}", r"\1@", value, flags=regex.IGNORECASE)
    return regex.sub(_DOT, ".", value, flags=regex.IGNORECASE)
