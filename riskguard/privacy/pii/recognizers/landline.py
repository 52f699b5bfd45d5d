"""PHONE_NUMBER: mainland fixed-line (landline) numbers, validated as FIXED_LINE by phonenumbers.

Forms: an area code (0 + 2–3 digits, in ASCII or full-width brackets or not), a hyphen, space or
nothing, and a 7–8 digit local number (itself cut 3-4 or 4-4 or not); ``+86`` / ``0086`` before the
area code, whose 0 is then optional (``+86 10 62758391``, ``+86 (0)571 …``). An extension after it
(``转 8012``, ``-8012``, ``ext. 8012``) is left outside the span: it is the company's switchboard, not
the person's number, and the number alone is what the eval sets mark. The type is Presidio's standard
``PHONE_NUMBER``; mobiles stay ``CN_MOBILE`` (their own recognizer, which this one can never match:
a landline begins with 0 or the country code followed by an area code, a mobile with 1).

What is not personal is what phonenumbers does not call a fixed line: 400 (shared cost) and 800
(toll-free) business hotlines, 95xxx and 12345 short codes. A company's own landline is a contact like a
mobile and is reported (eval/pii/README.md "What is gold"). Order, tracking, invoice and SKU numbers are
kept out by the digit boundaries (no letter, digit, ``+``, ``.``, ``-`` or ``/`` just before), the written
area code having to be the real one, and the labels before them (``NOT_A_LANDLINE``).
"""

from __future__ import annotations

from ....cn_identifiers import cn_landline_valid
from ._base import CnPatternRecognizer
from .mobile import NOT_A_PHONE

__all__ = ["NOT_A_LANDLINE", "CnLandlineRecognizer"]

# Labels of numbers that begin with 0 and may be 10–12 digits long, besides an order's or parcel's.
NOT_A_LANDLINE = (*NOT_A_PHONE, "发票代码", "发票号", "税号", "卡号", "账号", "帐号", "账户", "证件号", "身份证",
                  "邮编", "型号", "规格", "批号", "序列号", "序号", "券码", "验证码", "密码", "金额")

_D = r"[0-9０-９]"
_OPEN, _CLOSE = r"[(（]", r"[)）]"
_CC = r"(?:[+＋]|00|００)[8８][6６]"
_SEP = r"[ \-－]?"
_AREA = (rf"(?:{_CC}{_SEP}(?:{_OPEN}[0０]{_CLOSE}{_SEP})?(?:{_OPEN}[0０]?{_D}{{2,3}}{_CLOSE}|[0０]?{_D}{{2,3}})"
         rf"|{_OPEN}[0０]{_D}{{2,3}}{_CLOSE}|[0０]{_D}{{2,3}})")
_LOCAL = rf"[2-9２-９]{_D}{{2,3}}[ \-]?{_D}{{4}}"


class CnLandlineRecognizer(CnPatternRecognizer):
    ENTITY = "PHONE_NUMBER"
    PATTERNS = (
        ("cn_landline", rf"(?<![0-9A-Za-z_+＋.\-/０-９]){_AREA}{_SEP}{_LOCAL}(?![0-9A-Za-z_０-９]|[.．]{_D})", 0.4),
    )
    # The area code (after its 0, or after 86), a bracket or separator, the local number: in every match.
    REQUIRED = (rf"(?:[0０]|[8８][6６][ \-－]?(?:[(（][0０][)）][ \-－]?)?[(（]?)[0０]?{_D}{{2,3}}[)）]?[ \-－]?"
                rf"[2-9２-９]{_D}{{2,3}}[ \-]?{_D}{{4}}")
    CONTEXT = ("电话", "座机", "固话", "办公", "热线", "致电", "联系", "tel", "phone", "call")
    NEGATIVE_CONTEXT = NOT_A_LANDLINE
    NEGATIVE_WINDOW = 8

    def validate_result(self, pattern_text: str) -> bool:
        return cn_landline_valid(pattern_text)
