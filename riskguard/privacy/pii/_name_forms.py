"""PERSON in forms that need no label before them, for :mod:`.persons`: a name with no cue between a boundary
and a word that follows names (这周六俞佳琪值班), a surname before a title (韩师傅 → 韩) or after 小 / 老 (小邱,
老孟), a name typed with a space (王 芳) or a middle dot (阿不都·热合曼). Each helper takes the model built in
:mod:`.persons` and returns spans; the character sets shared with that module live here."""

from __future__ import annotations

from typing import TYPE_CHECKING

import regex

from .names import DOUBLE_SURNAMES, SINGLE_SURNAMES

if TYPE_CHECKING:
    from .persons import _Model

__all__ = ["AFTER_NAME", "BEFORE_NAME", "COMMON_FREQ", "HAN", "MODEL_SCORE", "NAME_TAGS", "PLACE_LAST", "TITLE_START",
           "dotted", "sentence_names", "spaced", "titled"]

NAME_TAGS = frozenset({"nr", "nrfg"})
HAN = regex.compile(r"\p{Han}")
# Characters that end a name when they follow it (boundaries inside a Han run).
AFTER_NAME = frozenset("的说收先女老师姐哥在和与及、也都让来送抢获代已答帮买要你您我他她们是有把被给对跟还就吗呢吧啊呀拿"
                        "，,。：:；;！!？?（(）) ")
# Characters of AFTER_NAME that begin a title (先生, 女士, 师傅): they end a name only where the title is
# written; elsewhere they are given-name characters like any other (滕先锋).
TITLE_START = frozenset("先女师")
# Last characters of buildings, landmarks and divisions, never of a given name (黄鹤楼, 滕王阁 are tagged as
# names in jieba's dictionary; 武侯区, 南宫市 are places).
PLACE_LAST = frozenset("楼阁塔寺庙殿宫市县区镇乡村省")
# Characters that may stand right before a name inside a Han run (由张洋代签收, 和梁梅一起).
BEFORE_NAME = AFTER_NAME | frozenset("由给找跟叫让被请谢喜问到祝")
MODEL_SCORE = 0.8
COMMON_FREQ = 40  # a dictionary word (not a name) this frequent is an ordinary word, not a name

_SENTENCE_BOTH_MIN = 0.3  # no cue: a name between a boundary (是, 为, 祝 …) and a word that follows names
_SENTENCE_WEAK_MIN = 1.0  # … after a time word instead of a boundary (下周雷子涵在家)
_SENTENCE_ONE_MIN = 2.0  # … with only one of the two, a given name made of name characters (佳琪, 丽萍)
_SEEN_IN_NAMES = 3  # each given-name character must stand in at least this many dictionary names …
_SEEN_OFTEN_IN_NAMES = 20  # … and this many with only one of boundary and after-word
_PART_FREQ = 50  # surname + first character this frequent as an ordinary word (高兴, 马上) is no name
_HEAD_FREQ = 200  # … even where jieba tags it as a name (盖子, 王府)
_NOUN_TAGS = frozenset({"n", "nz", "ng", "nrt"})
_SURNAME_FIRST = SINGLE_SURNAMES | {d[0] for d in DOUBLE_SURNAMES}
_TIME_BEFORE = frozenset("天周末晚午早")
_SHOP_AFTER = frozenset("店饭餐馆铺面包饼粉菜牌家")
_PRODUCT_LAST = frozenset("粉茶片丸膏汤酒面油液糖饼酱醋奶盐粥霜露乳膜")
_DOTS = "·•・"
# 老周, 老陆: jieba lists many familiar forms as nouns; 老 and a character that is itself mostly a surname
# there, rare as a word, is a name here. Not 小 (小熊, 小麦, 小米 are things as often as people).
_FAMILIAR_FREQ = 60
_PROPER_TAGS = NAME_TAGS | {"nrt", "nz", "ns"}  # transliterated names are made of these (努尔, 力克)
_KIN = frozenset(("妹妹", "姐姐", "哥哥", "弟弟", "妈妈", "爸爸", "奶奶", "爷爷", "姥姥", "舅舅", "叔叔", "阿姨"))
_DOTTED = regex.compile(rf"\p{{Han}}[{_DOTS}]\p{{Han}}")


def _left_ok(text: str, pos: int, leads: set[int], model: _Model) -> bool:
    """Whether a name may start at ``pos``: a break, a verb or cue, or a character that stands before
    names, unless that character and the surname are one word (谢谢, 师傅)."""
    if pos == 0 or not HAN.match(text[pos - 1]):
        return True
    return (pos in leads or text[pos - 1] in BEFORE_NAME) and not model.ordinary(text[pos - 1:pos + 1])


def _right_ok(text: str, end: int, model: _Model) -> bool:
    if end >= len(text) or not HAN.match(text[end]) or text[end] in AFTER_NAME:
        return True
    return bool(model.after.match(text, end)) and not model.not_after.match(text, end)


def sentence_names(text: str, leads: set[int], after_at: set[int], model: _Model) -> list[tuple[int, int, float]]:
    """Names with no cue (这周六俞佳琪值班, 是姚建新负责): a surname and a two-character given name that
    the character model scores as one, after a boundary and before a word that follows names; with
    only one of the two, the given name must be made of name characters. ``after_at``: where a word
    that follows names starts."""
    out = []
    n = len(text)
    score = model.char_score
    for pos in range(n - 2):
        if text[pos] not in _SURNAME_FIRST:
            continue
        surname = 2 if text[pos:pos + 2] in DOUBLE_SURNAMES else 1 if text[pos] in SINGLE_SURNAMES else 0
        end = pos + surname + 2
        if not surname or end > n:
            continue
        given = (score.get(text[end - 2], -3.0) + score.get(text[end - 1], -3.0)) / 2
        if given < _SENTENCE_BOTH_MIN:
            continue  # the cheap test first: most surname characters start no name
        right = end >= n or not "\u4e00" <= text[end] <= "\u9fff" or text[end] in AFTER_NAME or end in after_at
        prev = text[pos - 1] if pos else ""
        left = not prev or pos in leads or prev in BEFORE_NAME or not "\u4e00" <= prev <= "\u9fff"
        weak_left = not left and right and prev in _TIME_BEFORE
        if not (left or right):
            continue
        need = _SENTENCE_BOTH_MIN if left and right else _SENTENCE_WEAK_MIN if weak_left else _SENTENCE_ONE_MIN
        if given < need or min(model.given_count[text[end - 2]], model.given_count[text[end - 1]]) < (
                _SEEN_IN_NAMES if (left or weak_left) and right else _SEEN_OFTEN_IN_NAMES) or text[end - 1] in _PRODUCT_LAST:
            continue  # 發財, 柒捌: characters scored on little evidence; 葛根茶, 米汤粉: products
        if pos and model.freq.get(text[pos - 1:end], 0):
            continue  # 一劳永逸 (tagged as a name there): the candidate is the end of a longer word
        if (left or weak_left) and "\u4e00" <= prev <= "\u9fff" and model.ordinary(prev + text[pos]):
            continue  # 谢谢, 和田: the character before and the surname are one word
        if not _sentence_shape(text, pos, surname, model, both=left and right):
            continue
        got = model.read(text, pos, strict=False, weak=2)
        if got and got[0] == end and got[1] >= need:
            out.append((pos, end, MODEL_SCORE))
    return out


def _sentence_shape(text: str, pos: int, surname: int, model: _Model, *, both: bool) -> bool:
    """Whether surname + two characters at ``pos`` may be a name with no cue: the surname is no function
    word (于, 和, 单), neither it with the next character (高兴, 王府) nor the whole is a common word, and the
    given name is no noun of the dictionary (樱桃, 帽子) unless the whole is a name there (陈建国)."""
    end = pos + surname + 2
    head, whole, given = text[pos:pos + surname + 1], text[pos:end], text[pos + surname:end]
    if surname == 1 and text[pos] in model.not_title_surname:
        return False
    if model.freq.get(head, 0) >= (_HEAD_FREQ if model.tags.get(head) in NAME_TAGS else _PART_FREQ):
        return False
    whole_tag = model.tags.get(whole)
    if model.freq.get(whole, 0) and (whole_tag not in NAME_TAGS or model.freq[whole] >= COMMON_FREQ):
        return False
    tag, freq = model.tags.get(given, ""), model.freq.get(given, 0)
    if freq and tag in _NOUN_TAGS:
        return False  # 樱桃, 蚕丝; 塔纳 (桑塔纳) is a foreign name in transliteration
    if whole_tag in NAME_TAGS:
        return True
    return freq < COMMON_FREQ or (both and tag in NAME_TAGS)


def titled(text: str, leads: set[int], model: _Model) -> list[tuple[int, int, float]]:
    """A surname before a title (韩师傅, 王姐, 李总, 刘老师: the surname is the name) and a surname after
    小 or 老 (小邱, 老孟) where nothing around makes it part of a word."""
    out = []
    titles: dict[int, int] = {}  # the longest title at each start (总经理 over 总)
    for _, t_start, t_end in model.titles.find_matches_as_indexes(text, overlapping=True):
        titles[t_start] = max(t_end, titles.get(t_start, 0))
    for end, title_end in titles.items():
        start = end - 2 if text[max(0, end - 2):end] in DOUBLE_SURNAMES else end - 1
        if start < 0 or text[start] not in SINGLE_SURNAMES and end - start == 1:
            continue
        if text[start:end] in model.not_title_surname and not _content_surname(text, start, title_end - end, leads, model):
            continue
        one = title_end - end == 1
        if not _left_ok(text, start, leads, model) and (one or model.ordinary(text[start - 1:end])):
            continue  # a two-character title is enough (那个孙经理, 邻居秦阿姨), unless 历史老师, 值班经理
        word = text[start:title_end]
        if word in model.stop or model.ordinary(word) or any(w in model.stop for w in (word[:2], word[:3])):
            continue
        if one and not _right_ok(text, title_end, model):
            continue  # 付总额, 王姐妹: a one-character title must end there
        if text[title_end:title_end + 1] in _SHOP_AFTER:
            continue  # 安师傅饭店, 王阿姨包子: a shop named after someone
        out.append((start, end, MODEL_SCORE))
    for m in model.familiar.finditer(text):
        familiar = m.group()[0] == "老" and model.tags.get(m.group()[1]) in NAME_TAGS and \
            model.freq.get(m.group(), 0) <= _FAMILIAR_FREQ and not (m.start() and model.freq.get(text[m.start() - 1:m.end()]))
        # (养老金: the end of a longer word)
        start, end = m.start(), m.end()
        if text[start + 1] in model.not_title_surname or not _right_ok(text, end, model) or (
                not _left_ok(text, start, leads, model) and (text[start] == "小" or model.ordinary(text[start - 1:end - 1]))):
            continue  # 老 after a noun is still 老 + surname (保安老覃); not 养老金, and 小 needs a break (大小王)
        if m.group() in model.stop or text[max(0, start - 1):end] in model.stop or (
                model.freq.get(m.group(), 0) and model.tags.get(m.group()) not in NAME_TAGS and not familiar) \
                or model.ordinary(text[end - 1:end + 1]):
            continue  # 小时, 老师, 小班; 小高跟鞋
        out.append((start, end, MODEL_SCORE))
    return out


def _content_surname(text: str, start: int, title_len: int, leads: set[int], model: _Model) -> bool:
    """Whether a surname that is also a common word (单, 成, 明) is one here, before a title: only those of
    ``title_surnames`` in persons.yaml (never function words: 和老师, 向总部, 连医生), before a title of two
    characters or more (单老师, 成师傅), right after a break or a cue (买家：单老师, 快递员单师傅)."""
    if title_len < 2 or text[start] not in model.title_surnames:
        return False
    return start == 0 or not HAN.match(text[start - 1]) or start in leads


def spaced(text: str, pos: int, model: _Model) -> int | None:
    """After a cue, a name typed with a space between surname and given name (王 芳): its end."""
    m = model.spaced.match(text, pos)
    if not m:
        return None
    for size in (2, 1):
        given = m.group("given")[:size]
        end = m.start("given") + len(given)
        if len(given) == size and not any(c in AFTER_NAME for c in given) and \
                model.given_score(given) > -1.0 and _right_ok(text, end, model):
            return end
    return None


def dotted(text: str, leads: set[int], model: _Model) -> list[tuple[int, int]]:
    """Names written with a middle dot (阿不都·热合曼, 迪丽娜尔·买买提): after a cue or verb, or as a
    run of their own, with no common word in either part (稻香村·月饼 is a product)."""
    out = []
    for m in _DOTTED.finditer(text, overlapped=True):
        dot = m.start() + 1
        end = dot + 1
        while end < len(text) and end - dot <= 8 and (HAN.match(text[end]) or (
                text[end] in _DOTS and end + 1 < len(text) and HAN.match(text[end + 1]))) and text[end] != "的" \
                and not (end - dot > 2 and model.after.match(text, end)):
            end += 1  # up to a word that follows names (巴特尔·那顺本人签收)
        run = dot
        while run > 0 and HAN.match(text[run - 1]) and dot - run < 12:
            run -= 1
        starts = [x for x in leads if run <= x < dot - 1]
        if starts:
            start = max(starts)
            if text[start - 1:start + 1] in _KIN:
                start += 1  # 我妹妹热依拉·…: the lead was 我妹, the kin word goes on one character
        elif dot - run <= 6 and (run == 0 or not HAN.match(text[run - 1])) and model.after.match(text, end):
            start = run  # 阿不都·热合曼说
        else:
            continue
        parts = regex.split(f"[{_DOTS}]", text[start:end])
        if any(len(p) < 2 for p in parts) or any(
                model.tags.get(p[i:i + 2]) not in _PROPER_TAGS and model.freq.get(p[i:i + 2], 0) >= COMMON_FREQ
                for p in parts for i in range(len(p) - 1)):
            continue
        out.append((start, end))
    return out
