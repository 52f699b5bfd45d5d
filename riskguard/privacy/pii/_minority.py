"""Tibetan and Mongolian names written without a dot (格桑卓玛, 次仁央宗, 敖登格日乐): no Han surname starts
them, so the surname reader never sees them. They are built from a small stock of name elements, two
or three of which make a name; a run of such elements right after a cue or verb (收件人, 欢迎, @) is
taken as one. One element alone (乌云 "dark cloud", 达瓦) is a word as often as a name, so it is not.
"""

from __future__ import annotations

import ahocorasick_rs
import regex

__all__ = ["ELEMENTS", "cued_element", "minority_names"]

# Tibetan elements, then Mongolian ones: common given-name parts, each of two or three characters.
ELEMENTS = ["扎西", "次仁", "格桑", "卓玛", "央宗", "达瓦", "尼玛", "多吉", "顿珠", "平措", "旺堆", "洛桑", "德吉", "拉姆", "索朗", "边巴", "普布", "白玛", "央金", "曲珍", "措姆", "巴桑", "次旦", "益西", "丹增", "旦增", "强巴", "贡布", "仁青", "桑珠", "群培", "土登", "才让", "卓嘎", "米玛", "琼达", "嘉措", "加措", "罗布", "朗杰", "拉巴", "次珍", "玉珍", "卓玛吉", "仁增", "旺姆", "德庆", "曲措", "泽仁", "泽旺", "尼玛次仁", "斯朗", "卓嘎", "巴珠", "多杰", "拉毛", "才旦", "更登", "久美", "吉美", "巴特尔", "巴特", "其其格", "苏日娜", "乌云", "格日乐", "敖登", "毕力格", "朝鲁", "朝鲁门", "额尔敦", "宝音", "那日苏", "图雅", "阿拉坦", "孟和", "巴雅尔", "斯琴", "萨仁", "高娃", "乌兰", "呼和", "满都拉", "特木尔", "吉日嘎拉", "布和", "哈斯", "达来", "娜仁", "托娅", "其木格", "乌日娜", "塔娜", "阿古拉", "额日德木", "包力高", "桑布", "图门", "吉雅", "乌力吉", "恩和", "赛罕", "都固尔", "宝力道", "青格勒", "阿木古楞", "巴图", "那顺", "德力格尔"]
_ELEMENT = regex.compile("(?:" + "|".join(sorted(set(ELEMENTS), key=len, reverse=True)) + ")")
_STARTS = ahocorasick_rs.AhoCorasick(sorted(set(ELEMENTS)))  # where an element starts: one pass in C
_MAX_ELEMENTS = 3
_HAN = regex.compile(r"\p{Han}")


def minority_names(text: str, leads: set[int]) -> list[tuple[int, int]]:
    """Spans of two or three name elements in a row starting at a lead (a cue's or verb's end) or at a
    break (扎西顿珠说…: two elements in a row are a name wherever they stand)."""
    out = []
    breaks = {start for _, start, _ in _STARTS.find_matches_as_indexes(text, overlapping=True)
              if start == 0 or not _HAN.match(text[start - 1])}
    for pos in sorted(leads | breaks):
        end, count = pos, 0
        while count < _MAX_ELEMENTS and (m := _ELEMENT.match(text, end)):
            end, count = m.end(), count + 1
        if count >= 2:
            out.append((pos, end))
    return out


def cued_element(text: str, pos: int) -> int | None:
    """Right after a cue, one name element of three characters that the text ends there (买家：乌日娜，;
    收件人巴特尔): a name; its end, or None. Two-character elements alone stay words (乌云, 达瓦)."""
    m = _ELEMENT.match(text, pos)
    if not m or m.end() - pos < 3 or (m.end() < len(text) and _HAN.match(text[m.end()])):
        return None
    return m.end()
