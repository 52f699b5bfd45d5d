"""Chinese addresses written in English (Room 502, No. 18 Xinhua Road, Wuhou District, Chengdu): a house
number and a road are required; a room or building before them, districts, the city, the province,
China and a postcode after them are taken when they are there. Place names are pinyin, so a trailing
city or province is accepted only when it is the pinyin of one in the division table."""

from __future__ import annotations

import functools

import regex
from pypinyin import Style, lazy_pinyin

from .divisions import CITY, divisions

__all__ = ["find_english_addresses"]

_GATE = regex.compile(r"\b(?:Road|Rd|Street|St|Avenue|Ave|Lane|Ln|Boulevard|Blvd|Lu|Jie|Dadao|Highway|Hutong)\b")
_WORD = r"[A-Z][a-z]+(?:['’][a-z]+)?"  # Jing'an, Xi'an
_ADDRESS = regex.compile(
    r"(?:(?:Room|Rm\.?|Flat|Unit|Apt\.?|Apartment|Suite)\s*[A-Z]?\d+[A-Z]?\s*,?\s*)?"
    r"(?:(?:Building|Bldg\.?|Block|Tower)\s*[A-Z\d]+\s*,?\s*)?"
    r"(?:No\.?\s*|#\s*)?(?<![\dA-Za-z])\d+[A-Z]?(?:-\d+)?\s*,?\s*"
    rf"(?:{_WORD}\s+){{1,3}}(?:Road|Rd\.?|Street|St\.?|Avenue|Ave\.?|Lane|Ln\.?|Boulevard|Blvd\.?|Lu|Jie|Dadao|Highway"
    r"|Hutong)(?![A-Za-z])(?:\s+(?:East|West|North|South|Middle|Central)(?:\s+Section)?)?"
    rf"(?P<areas>(?:\s*,\s*(?:{_WORD}\s+){{1,3}}(?:District|County|Town|Township|Subdistrict|Village|New\s+Area))*)"
    rf"(?P<places>(?:\s*,\s*{_WORD}(?:\s+(?:City|Province|Shi|Sheng))?)*)"
)
_PLACE = regex.compile(rf"\s*,\s*(?P<name>{_WORD})(?:\s+(?:City|Province|Shi|Sheng))?")
_TAIL = regex.compile(r"(?:\s*,?\s*(?:China|PRC|P\.\s?R\.\s?China))?(?:\s*,?\s*\d{6}(?!\d))?")


@functools.cache
def _place_names() -> frozenset[str]:
    """Provinces and cities in pinyin (Chengdu, Sichuan, Guangzhou), from the division table."""
    names = set()
    for d in divisions().entries:
        if d.level <= CITY and d.short:
            names.add("".join(lazy_pinyin(d.name, style=Style.NORMAL)).capitalize())
    return frozenset(names) | {"China", "Beijing", "Shanghai", "Tianjin", "Chongqing"}


def find_english_addresses(text: str) -> list[tuple[int, int]]:
    """Spans of addresses written in English, in order."""
    if not _GATE.search(text):
        return []
    out = []
    for m in _ADDRESS.finditer(text):
        end = m.end("areas")
        pos = end
        while (p := _PLACE.match(text, pos)) and p.end() <= m.end() and regex.sub("['’]", "", p.group("name")) in _place_names():
            pos = end = p.end()
        tail = _TAIL.match(text, end)
        out.append((m.start(), tail.end() if tail else end))
    return out
