"""The log redactor installed with ``riskguard.logging.set_redactor``: one compiled pass per string.

It runs on every string of every log event, so it is a single regular expression whose candidates
are confirmed by the shared validators: an 18-character ID only if its check character and birth date
hold, an 11-digit number only if it is in a mobile range, a USCC only if both its checks hold. Card-length
digit runs (16–19, grouped or not) are always removed: in a log line they are never wanted. E-mail
addresses, and WeChat/QQ accounts after their contact words, are removed too. Hex digests and ids
(letters next to the digits) are left alone, so log lines stay useful.
"""

from __future__ import annotations

import regex

from ...cn_identifiers import cn_mobile_valid, normalize_card, normalize_id, resident_id_valid, uscc_valid
from .recognizers.wechat import WECHAT_LOOKBEHIND

__all__ = ["redact_text"]

_PATTERN = regex.compile(
    r"(?P<email>(?<![A-Za-z0-9._%+\-])[A-Za-z0-9][A-Za-z0-9._%+\-]*@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)+)"
    r"|(?P<uscc>(?<![0-9A-Za-z])[0-9A-HJ-NP-RTUWXY]{2}\d{6}[0-9A-HJ-NP-RTUWXY]{10}(?![0-9A-Za-z]))"
    r"|(?P<digits>(?<![0-9A-Za-z_.])(?:\+?86[ -]?)?\d(?:[ -]?\d){10,18}[\dXx]?(?![0-9A-Za-z_]))"
    r"|(?P<wechat>" + WECHAT_LOOKBEHIND + r"[A-Za-z][-_A-Za-z0-9]{5,19})"
    r"|(?P<qq>(?<=(?:qq|扣扣|企鹅号?)\s*(?:号码?|群)?\s*[:：]?\s*)[1-9]\d{4,10}(?!\d))",
    regex.IGNORECASE,
)
_SEPARATOR = regex.compile(r"([ -])")
_TRIGGER = regex.compile(r"\d[ -]?\d[ -]?\d[ -]?\d[ -]?\d|@|微|薇|v|wx|qq|扣扣|企鹅", regex.IGNORECASE)


def _replace(m: regex.Match[str]) -> str:
    kind = m.lastgroup
    value = m.group()
    if kind == "email":
        return "<EMAIL_ADDRESS>"
    if kind == "wechat":
        return "<WECHAT_ID>"
    if kind == "qq":
        return "<QQ_NUMBER>"
    if kind == "uscc":
        return "<CN_USCC>" if uscc_valid(value) else _digits(value)
    return _digits(value)


def _digits(value: str) -> str:
    label = _value_label(value)
    return label if label is not None else _parts(value)


def _value_label(value: str) -> str | None:
    """The tag for a digit run that is one ID, mobile or card number; None for anything else."""
    compact = normalize_card(value).lstrip("+")
    if len(compact) == 18 and resident_id_valid(normalize_id(compact)):
        return "<CN_RESIDENT_ID>"
    if not compact[:-1].isdigit():
        return None
    if cn_mobile_valid(compact):
        return "<CN_MOBILE>"
    if 16 <= len(compact) <= 19 and compact.isdigit():
        return "<BANK_CARD>"
    return None


def _parts(value: str) -> str:
    """A run that is not one value may hold one beside other numbers (``13800138000 200``: a mobile and
    a status): the longest span of whole groups that is one value is replaced, and the rest looked at
    again. Groups are what the separators (space, hyphen) cut; a run holds at most 20 of them."""
    pieces = _SEPARATOR.split(value)  # groups at even positions, separators between them
    groups = len(pieces) // 2 + 1
    for size in range(groups - 1, 0, -1):
        for first in range(groups - size + 1):
            lo, hi = 2 * first, 2 * (first + size) - 1
            label = _value_label("".join(pieces[lo:hi]))
            if label is not None:
                return _parts("".join(pieces[:lo])) + label + _parts("".join(pieces[hi:]))
    return value


def redact_text(text: str) -> str:
    if len(text) < 5 or not _TRIGGER.search(text):
        return text
    return _PATTERN.sub(_replace, text)
