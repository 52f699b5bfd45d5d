"""PERSON for Chinese text: names after cues, in lists, in sentences about a person, and in Latin script.

A name is a common surname (one character, or one of the double surnames) and a given name of one or
two characters. Whether the characters after a surname are a given name is scored by a character model
built from jieba's dictionary: for each character, how much more often it stands in the given name of
the ~45,000 dictionary words tagged as person names than in Chinese words at large (芳, 婷, 涛 score high;
的, 了, 息 low). Where a name is found:

* after a cue (收件人, 法定代表人, 店长, 经办人, 我叫, 客服, 签收人, 持卡人 … from ``data/persons.yaml``), the
  given name is read and kept unless it is a stop word or the pair is an ordinary word (联系人信息);
* after a weaker word (转告, 恭喜, @ …), or before a word that follows names (老师, 说, 在吗 …), or as a
  whole clause (「，王芳！」), it must also score as a name;
* each name may open a list (王芳、李强和张伟): the next name-shaped word after 、, ， 和 与 及 / is one too;
* after a cue, a Chinese name in Latin letters (ZHANG Wei, Wang Fang, Fang Wang): a surname's pinyin and
  a given name that splits into pinyin syllables;
* after 客服 / 我是, 小 and a surname (客服小刘);
* with no cue, a title or a space or dot in the name: :mod:`._name_forms`.

Brands that begin with a surname (王老吉, 周大福, 张小泉), places and ordinary words (谢谢, 包邮, 明前, 毛峰)
are in the stop list; jieba's dictionary frequency rejects other common words.
"""

from __future__ import annotations

import math
import threading
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import ahocorasick_rs
import jieba
import jieba.posseg
import regex
import yaml
from pypinyin import Style, lazy_pinyin

from ._minority import cued_element, minority_names
from ._name_forms import AFTER_NAME as _AFTER_NAME
from ._name_forms import BEFORE_NAME as _BEFORE_NAME
from ._name_forms import COMMON_FREQ as _COMMON_FREQ
from ._name_forms import HAN as _HAN
from ._name_forms import MODEL_SCORE as _MODEL_SCORE
from ._name_forms import NAME_TAGS as _NAME_TAGS
from ._name_forms import PLACE_LAST as _PLACE_LAST
from ._name_forms import TITLE_START as _TITLE_START
from ._name_forms import dotted, sentence_names, spaced, titled
from ._name_marks import (
    at_tag,
    caps_pinyin,
    cue_only_surname,
    double_surnamed,
    latin_handle,
    latin_list,
    list_heads,
    name_ends,
    titled_handles,
    western_names,
)
from .names import DOUBLE_SURNAMES, SINGLE_SURNAMES

__all__ = ["Name", "find_names"]

_DATA = Path(__file__).with_name("data") / "persons.yaml"
_HAN_RUN = regex.compile(r"\p{Han}+")
_LATIN_GATE = regex.compile(r"[A-Z][A-Za-z]+[ \u00a0]+[A-Z]")
_LIST_SEP = regex.compile(r"[、，,/]|和|与|及|跟")
# Before a name, the separators that join it to an earlier one (王芳、李强; 鲍文静和蒋一帆). Not a comma: a
# clause before a comma is most often no name.
_LIST_SEP_BEFORE = frozenset("、和与及跟/")
_JOINERS = str.maketrans("", "", " \t\u3000·•・")  # written inside a name (王 芳, 阿不都·热合曼)
_WESTERN_GIVEN = regex.compile(r"[A-Z][a-z]{2,}")  # Emily, Maria: a given name before a pinyin surname
_LATIN_NAME = regex.compile(r"(?P<a>[A-Z][a-z]+|[A-Z]{2,})[ \u00a0]+(?P<b>[A-Z][a-z]+|[A-Z]{2,})(?![A-Za-z])")
_LATIN_CUES = ("name", "receiver", "ship to", "invoice to", "legal representative", "contact", "attn", "recipient", "mr", "mrs",
               "ms", "miss", "dear", "cardholder", "payee", "consignee", "hi", "hello", "hey")
_CUE_GAP = r"[：:\s]*(?:一下|还是|也是|就是|是|为|改为|改成|换成|写的是|写的|填的是|填的|写成|写|填)?[：:\s]*"
_CUE_SCORE = 0.9
# Surnames as Hong Kong, Macau, Taiwan and overseas Chinese spell them (Wong, Chan, Hsu), besides pinyin.
_ROMANISED_TEXT = (
    "wong chan cheung leung lam ho lee ng tse yip chow lau kwok tsang fung chu lai yeung mak choi siu hui poon"
    " au kwan lo law tam yuen koo szeto auyeung chiu chung hung kong kwong man mok pang tong tsui wai yau"
    " hsu chang tsai chiang kuo hsieh chou chen hsiao tseng chien chao hung kao")
_ROMANISED = frozenset(_ROMANISED_TEXT.split())
_FULL_NAME_NEXT = regex.compile(r"[，,\s]*(?:叫|名叫|全名|名字)")
_CUED_FREQ = 1000  # after a cue and before a break, a dictionary word less frequent than this may be a name
_SPLIT_FREQ = 500  # a word this frequent starting at a given name's last character takes that character
_lock = threading.Lock()
_model: _Model | None = None


@dataclass(frozen=True, slots=True)
class Name:
    start: int
    end: int
    score: float


class _Model:
    def __init__(self) -> None:
        data = yaml.safe_load(_DATA.read_text("utf-8"))
        jieba.setLogLevel(30)
        jieba.initialize()
        self.tags: dict[str, str] = jieba.posseg.dt.word_tag_tab
        self.freq: dict[str, int] = jieba.dt.FREQ
        self.stop = frozenset(data["stop"])
        given: Counter[str] = Counter()
        for word, tag in self.tags.items():
            if tag in _NAME_TAGS and 2 <= len(word) <= 3 and word[0] in SINGLE_SURNAMES:
                given.update(word[1:])
        general: Counter[str] = Counter()
        for word, f in self.freq.items():
            if f > 0:
                general.update(dict.fromkeys(word, f))
        self.given_count = given  # how often each character stands in a given name (evidence for its score)
        g_total, t_total = sum(given.values()), sum(general.values())
        self.char_score = {c: math.log((given[c] + 0.5) / g_total) - math.log((general[c] + 1) / t_total)
                           for c in set(given) | set(general)}
        surnames = "".join(sorted(SINGLE_SURNAMES))
        doubles = "|".join(DOUBLE_SURNAMES)
        # One automaton over every cue, verb and after-word: one pass over the text finds them all.
        self.kinds: list[str] = []
        words: list[str] = []
        for kind in ("cues", "verbs", "after", "after_weak"):
            for word in data[kind]:
                words.append(word)
                self.kinds.append(kind)
        self.words = words
        self.automaton = ahocorasick_rs.AhoCorasick(words)
        self.gap = regex.compile(_CUE_GAP)
        self.not_after = regex.compile("|".join(map(regex.escape, data["not_after"])))
        self.after = regex.compile("(?:" + "|".join(map(regex.escape, data["after"] + data["after_weak"])) + ")")
        self.xiao = regex.compile(rf"(?<=(?:客服|我是|叫我|找)\s*)小[{surnames}]")
        self.familiar = regex.compile(rf"[小老][{surnames}]")
        self.surname_said = regex.compile(rf"(?<![百同贵])姓(?P<s>{doubles}|[{surnames}])(?=[^\p{{Han}}]|$|叫|名|的)")
        titles = "|".join(sorted(map(regex.escape, data["titles"]), key=len, reverse=True))
        self.title = regex.compile(rf"(?:{titles})")
        self.titles = ahocorasick_rs.AhoCorasick(data["titles"])
        self.not_title_surname = frozenset(data["not_title_surnames"])
        self.title_surnames = frozenset(data["title_surnames"]) & self.not_title_surname
        self.spaced = regex.compile(rf"(?:{doubles}|[{surnames}])[ \u3000](?P<given>\p{{Han}}{{1,2}})")
        self.latin_cue = regex.compile("(?<![A-Za-z])(?:" + "|".join(map(regex.escape, _LATIN_CUES))
                                       + r")\.?\s*[:：]?\s*(?=[A-Z])",
                                       regex.IGNORECASE)
        self.spaces = regex.compile(r"[ \u00a0]*")
        self.word_doubles = frozenset(data["double_surnames_as_words"])
        self.name_doubles = ahocorasick_rs.AhoCorasick([d for d in DOUBLE_SURNAMES if d not in self.word_doubles])
        self.not_tags = frozenset(data["not_tags"])
        self.cue_only_surnames = frozenset(data["cue_only_surnames"])
        self.western_given = frozenset(data["western_given"])
        self.latin_pair = regex.compile(r"(?<![A-Za-z])(?P<a>[A-Z][a-z]+)[ \u00a0]+(?P<b>[A-Z][a-z]+|[A-Z]{2,})(?![A-Za-z])")
        self.surname_pinyin = frozenset(lazy_pinyin(s, style=Style.NORMAL)[0] for s in SINGLE_SURNAMES) | \
            frozenset("".join(lazy_pinyin(s, style=Style.NORMAL)) for s in DOUBLE_SURNAMES) | _ROMANISED
        chars = [c for c, s in self.char_score.items() if s > 0 and len(c) == 1 and _HAN.match(c)]
        self.syllables = frozenset(lazy_pinyin("".join(chars), style=Style.NORMAL))

    # -- scoring ------------------------------------------------------------------------------------
    def given_score(self, given: str) -> float:
        if len(given) == 2:
            return (self.char_score.get(given[0], -3.0) + self.char_score.get(given[1], -3.0)) / 2
        return sum(self.char_score.get(c, -3.0) for c in given) / len(given)

    def ordinary(self, word: str) -> bool:
        """A stop word, or a dictionary word that is not a name and is common (信息, 高峰 as a word)."""
        if word in self.stop:
            return True
        return self.tags.get(word) not in _NAME_TAGS and self.freq.get(word, 0) >= _COMMON_FREQ

    def read(self, text: str, pos: int, *, strict: bool, cued: bool = False,
             weak: int = 0) -> tuple[int, float] | None:
        """The name starting at ``pos`` (surname there): its end and the given name's mean character
        score, or None. Two-character given names are preferred where the text allows them.

        ``cued``: right after a cue, a word that is also a name (甘露, 高峰) is one when the text breaks
        right after it (本人甘露，…), unless it is a very common word (信息, 电话).

        ``weak``: without a cue, a word of jieba's dictionary is no name unless tagged as one (1: 王平, 秦雪梅),
        and (2) no two-character word is, whatever its tag (贺卡, 黄铜, 高僧 are tagged as names there)."""
        surname = 2 if text[pos:pos + 2] in DOUBLE_SURNAMES else 1 if text[pos:pos + 1] in SINGLE_SURNAMES else 0
        if not surname:
            return None
        limit = pos + surname
        while limit < len(text) and limit < pos + surname + 2 and "\u4e00" <= text[limit] <= "\u9fff":
            limit += 1
        options = []
        for given_len in (2, 1):
            end = pos + surname + given_len
            if end > limit:
                continue
            word, given = text[pos:end], text[pos + surname:end]
            if any(c in _AFTER_NAME and not (c in _TITLE_START and not self.title.match(text, pos + surname + i))
                   for i, c in enumerate(given)) or given[-1] in _PLACE_LAST or (
                    word[:2] in self.stop and not (cued and word[:2] in DOUBLE_SURNAMES)) or "某" in given or (
                    given[-1] in "小老" and self.title.match(text, end - 1)) or self.title.fullmatch(given):
                continue  # 梁小姐, 王老师, 袁阿姨: a surname and a title
            if weak and self.freq.get(word, 0) > 0 and (self.tags.get(word) not in _NAME_TAGS or (
                    weak > 1 and len(word) < 3)):
                continue
            if self.ordinary(word) and not (cued and word not in self.stop and self.freq.get(word, 0) < _CUED_FREQ
                                            and (end >= len(text) or not _HAN.match(text[end])
                                                 or self.after.match(text, end))):
                continue
            boundary = end >= len(text) or not _HAN.match(text[end]) or text[end] in _AFTER_NAME or \
                bool(self.after.match(text, end))
            if given_len == 2 and not boundary and (self.ordinary(text[pos:pos + surname + 1]) or (
                    self.ordinary(given) and self.given_score(given) < 0)):
                continue  # 包裹上, 和手机: a word and what follows it (建国, 志强 are words and names)
            if given_len == 2 and not boundary and self.freq.get(text[end - 1:end + 1], 0) >= _SPLIT_FREQ and \
                    self.tags.get(text[end - 1:end + 1]) not in _NAME_TAGS:
                continue  # 翁丽耐心解答, 张伟明天来: the last character begins a common word
            if given_len == 1 and not boundary and self.ordinary(text[pos + surname:end + 1]):
                continue  # 向公司: the given name would be half of a word
            options.append((end, self.given_score(given), boundary))
        if not options:
            return None
        # most names have a two-character given name; not when its second character is rarely in one
        if len(options) == 2 and self.char_score.get(text[options[0][0] - 1], -3.0) <= -1.0 and \
                not (options[0][2] and not options[1][2]):
            options = options[1:]
        bounded = [o for o in options if o[2]]
        if bounded:
            return bounded[0][0], bounded[0][1]
        if strict:
            return None
        return options[0][0], options[0][1]

    def latin(self, text: str, pos: int, *, western: bool = False) -> int | None:
        """The end of a Chinese name in Latin letters at ``pos`` (ZHANG Wei, Wang Fang, Fang Wang); with
        ``western``, where something says a name is there, also a Western given name before a pinyin
        surname (Emily Xu, Maria Wang: how many Chinese sign in English)."""
        m = _LATIN_NAME.match(text, pos)
        if not m:
            return None
        a, b = m.group("a").lower(), m.group("b").lower()
        if (a in self.surname_pinyin and self._syllables(b)) or (b in self.surname_pinyin and self._syllables(a)):
            return m.end()
        if western and b in self.surname_pinyin and _WESTERN_GIVEN.fullmatch(m.group("a")):
            return m.end()
        return None

    def _syllables(self, word: str) -> bool:
        """Whether ``word`` is one or two pinyin syllables (wei, fang, xiaoming)."""
        if word in self.syllables:
            return True
        return any(word[:i] in self.syllables and word[i:] in self.syllables for i in range(1, len(word)))


def _get_model() -> _Model:
    global _model
    if _model is None:
        with _lock:
            if _model is None:
                _model = _Model()
    return _model


_WEAK_MIN = 0.3  # the given name's characters must score at least this on average after a verb
_AFTER_MIN = 0.0  # before 老师, 女士, 代签收 …
_CLAUSE_MIN = 0.3
_AFTER_WEAK_MIN = 0.8  # before 明天, 已经, 付 …
_LIST_BEFORE_MIN = 0.0  # a name read backwards from a separator before a found name
_BEFORE_WEAK = frozenset("天了")  # 今天王芳, 给了王芳 (as well as _BEFORE_NAME)


def _starts_name(text: str, pos: int) -> bool:
    return pos < len(text) and (text[pos] in SINGLE_SURNAMES or text[pos:pos + 2] in DOUBLE_SURNAMES)


def find_names(text: str) -> list[Name]:
    """Person names in ``text``, not overlapping, in order."""
    model = _get_model()
    found: dict[int, Name] = {}

    def add(start: int, end: int, score: float) -> None:
        if start in found and found[start].end >= end:
            return  # known: its list neighbours were looked for when it was added
        found[start] = Name(start, end, score)
        _list_after(text, end, model, add)
        _list_before(text, start, model, add)

    hits: dict[str, list[tuple[int, int]]] = {"cues": [], "verbs": [], "after": [], "after_weak": []}
    for index, start, end in model.automaton.find_matches_as_indexes(text, overlapping=True):
        hits[model.kinds[index]].append((start, end))
    # a name may start where a cue or verb ends, or after the words allowed between (收货人写的是)
    leads = {end for _, end in hits["cues"] + hits["verbs"]}
    leads |= {model.gap.match(text, end).end() for end in leads}
    for _, end in hits["cues"]:
        pos = model.gap.match(text, end).end()  # the gap may be empty
        if _starts_name(text, pos) and not (model.tags.get(text[pos]) == "c" and model.freq.get(text[pos + 1:pos + 3])):
            # (抬头和税号, 联系人及电话: a conjunction joining two labels is no surname)
            got = model.read(text, pos, strict=False, cued=True)
            if got and got[1] > -2.5 and text[pos:got[0]] not in model.not_tags:  # (@管理员)
                add(pos, got[0], _CUE_SCORE)
                continue
        if pos < len(text) and text[pos].isascii() and (latin := model.latin(text, pos, western=True)
                                                         or latin_handle(text, pos, model)):
            add(pos, latin, _CUE_SCORE)  # 收件人 Wang Fang; 负责人：Lily（黄丽丽）
        elif handle := _handle(text, pos, model) or cue_only_surname(text, pos, model) or cued_element(text, pos):
            add(pos, handle, _CUE_SCORE)  # 助播阿彩; 负责人：来晓光; 买家：乌日娜
        elif text[end - 1] == "@" and (tag := at_tag(text, end, model)):
            add(end, tag, _MODEL_SCORE)  # @乌兰 明天几点开播
    if _LATIN_GATE.search(text):
        for m in _LATIN_NAME.finditer(text):  # a list of names in Latin letters (Zhang Wei, Li Na)
            if model.latin(text, m.start(), western=True) and latin_list(text, m.end(), model):
                add(m.start(), m.end(), _MODEL_SCORE)
        for start, end, score in western_names(text, model) + caps_pinyin(text, model):  # Tony Ho 来啦; XU Mingyuan
            add(start, end, score)
        for m in model.latin_cue.finditer(text):
            if latin := model.latin(text, m.end(), western=True):
                add(m.end(), latin, _CUE_SCORE)
        for m in _LATIN_NAME.finditer(text):  # Maria Wang代收, Liu Yuxuan 已签收: before a word that follows names
            follow = model.spaces.match(text, m.end()).end()
            if (m.start() == 0 or not text[m.start() - 1].isascii() or not text[m.start() - 1].isalnum()) and \
                    model.after.match(text, follow) and not model.not_after.match(text, follow) and \
                    (latin := model.latin(text, m.start(), western=True)):
                add(m.start(), latin, _MODEL_SCORE)
    if "小" in text:
        for m in model.xiao.finditer(text):
            add(m.start(), m.end(), _CUE_SCORE)
    if "姓" in text:
        for m in model.surname_said.finditer(text):
            if not _FULL_NAME_NEXT.match(text, m.end()):  # 我姓邓，叫邓子昂: the full name is found after 叫
                add(m.start("s"), m.end("s"), _CUE_SCORE)  # 我姓童，: the surname is what the person gave
    for _, end in hits["cues"]:
        pos = model.gap.match(text, end).end()
        if name_end := spaced(text, pos, model):
            add(pos, name_end, _CUE_SCORE)  # 收件人王 芳
    for verb_start, end in hits["verbs"]:
        pos = model.gap.match(text, end).end()
        if pos < len(text) and text[pos].isascii() and (latin := model.latin(text, pos)):
            add(pos, latin, _MODEL_SCORE)  # 联系一下 Wu Haoran
            continue
        if pos == end and model.ordinary(text[end - 1:end + 1]):
            continue  # 和田玉, 给力: the verb's last character and the "surname" are one word
        if _starts_name(text, pos) and (got := model.read(text, pos, strict=False, weak=2)) and (
                got[1] >= _WEAK_MIN or (end - verb_start > 1 and got[1] >= _AFTER_MIN and name_ends(text, got[0], model))):
            add(pos, got[0], _MODEL_SCORE)  # (通知张国强下午到: a verb of two characters or more before and a break
            # after need less; not 和, 给, 找: 和温奶器。)
    for m in _HAN_RUN.finditer(text):  # a clause that is just a name (，王芳！)
        if 2 <= len(m.group()) <= 4 and _starts_name(text, m.start()):
            got = model.read(text, m.start(), strict=True, weak=1)
            if got and got[0] == m.end() and got[1] >= _CLAUSE_MIN:
                add(m.start(), got[0], _MODEL_SCORE)
    weak = [(after, True) for after, _ in hits["after_weak"]]
    for after, weakly in [(after, False) for after, _ in hits["after"]] + weak:
        if model.not_after.match(text, after):
            continue  # 说明书, 让利, 会员: the word after the "name" is another word
        # the name just before a word that follows names (王芳老师, 李强说): of the shapes that end there,
        # the one after a boundary or a verb (和梁梅一起 → 梁梅), else the three-character one. Before a
        # word that follows names and other words alike (明天, 已经, 付), only a name that scores well
        # and starts a clause or follows a verb (今天王秀芝来过, 给了张秀英).
        options = []
        for size in (2, 3, 4):
            start = after - size
            if start < 0 or not _starts_name(text, start) or \
                    any(n.start < after and start < n.end for n in found.values()):
                continue
            got = model.read(text, start, strict=True, weak=2 if weakly else 1)
            if got and got[0] == after and got[1] >= (_AFTER_WEAK_MIN if weakly else _AFTER_MIN):
                if start and model.ordinary(text[start - 1:start + 1]):
                    continue  # 师傅派送的: the character before and the "surname" are one word
                before = start == 0 or not _HAN.match(text[start - 1]) or text[start - 1] in _BEFORE_NAME
                if weakly and (not (before or text[start - 1] in _BEFORE_WEAK)
                               or model.ordinary(text[start + 1:after])):
                    continue  # 于明天发出: the "given name" is a word of its own
                typical = size == 3 or (size == 4 and text[start:start + 2] in DOUBLE_SURNAMES)
                options.append((not before, not typical, start, got[0]))
        if options:
            _, _, start, end = min(options)
            add(start, end, _MODEL_SCORE)
    if "·" in text or "•" in text or "・" in text:
        for start, end in dotted(text, leads, model):
            add(start, end, _MODEL_SCORE)
    for start, end in minority_names(text, leads):  # 格桑卓玛 (桑卓玛 would be read from 桑 on)
        add(start, end, _CUE_SCORE)
    occupied = [(n.start, n.end) for n in found.values()]
    after_at = {start for start, _ in hits["after"] + hits["after_weak"] if not model.not_after.match(text, start)}
    marked = double_surnamed(text, model) + list_heads(text, model) + titled_handles(text, model)
    for start, end, score in marked + sentence_names(text, leads, after_at, model) + titled(text, leads, model):
        if not any(s < end and start < e for s, e in occupied):
            add(start, end, score)
            occupied.append((start, end))
    out: list[Name] = []
    for start in sorted(found):
        name = found[start]
        if out and start < out[-1].end:
            continue
        out.append(name)
    return _repeated(text, out)


def _repeated(text: str, names: list[Name]) -> list[Name]:
    """A name found once is a name wherever else the text writes it (收货人葛 婷……就写葛婷): a later
    mention often has no cue of its own. Only names of two or more Han characters that are no word of
    jieba's dictionary (a surname alone, 韩 of 韩师傅, would match every 韩; 桂花, 燕麦 taken for names
    once should not be taken everywhere), and only a mention that ends where a name may end (not 桂花香)."""
    if not names:
        return names
    model = _get_model()
    forms = {f for n in names if len(f := text[n.start:n.end].translate(_JOINERS)) >= 2 and _HAN_RUN.fullmatch(f)
             and not model.freq.get(f)}
    extra = []
    for form in forms:
        at = text.find(form)
        while at != -1:
            end = at + len(form)
            if not any(n.start < end and at < n.end for n in names + extra) and (
                    end >= len(text) or not _HAN.match(text[end]) or text[end] in _AFTER_NAME
                    or model.after.match(text, end)) and not (at and model.ordinary(text[at - 1:at + 1])):
                extra.append(Name(at, end, _MODEL_SCORE))
            at = text.find(form, end)
    return sorted(names + extra, key=lambda n: n.start) if extra else names


def _handle(text: str, pos: int, model: _Model) -> int | None:
    """After a cue, a handle of 小 or 阿 and one character standing alone (助播阿彩, 客服小满：): the name a
    shop's staff go by, gold like a name; its end, or None. Not a common or non-name word (阿里, 小时)."""
    end = pos + 2
    if end > len(text) or text[pos] not in "小阿" or not _HAN.match(text[pos + 1]):
        return None
    if end < len(text) and _HAN.match(text[end]) and text[end] not in _AFTER_NAME:
        return None
    word = text[pos:end]
    freq = model.freq.get(word, 0)
    if word in model.stop or freq >= _COMMON_FREQ or model.title.fullmatch(word) or model.title.fullmatch(word[1]) \
            or (freq and model.tags.get(word) not in _NAME_TAGS):
        return None  # 阿姨, 小姐(姐), 阿哥, 小妹: titles and kin, though jieba tags some as names
    return end


def _list_before(text: str, start: int, model: _Model, add) -> None:  # type: ignore[no-untyped-def]
    """A name right before a list separator that precedes a name is a name too (王芳、李强, 鲍文静和蒋一帆):
    the earlier name may have no cue of its own (分别是王芳、…). It must start at a break, a cue or a
    character that stands before names, and read as a name from there to the separator."""
    sep = start - 1
    if sep < 2 or text[sep] not in _LIST_SEP_BEFORE:
        return
    for size in (3, 2, 4):
        pos = sep - size
        if pos < 0 or not _starts_name(text, pos) or text[pos] in model.not_title_surname:
            continue  # (黑樱桃、黑醋栗: a surname that is also a word starts no name found this way)
        if pos and _HAN.match(text[pos - 1]) and (text[pos - 1] not in _BEFORE_NAME or model.ordinary(text[pos - 1:pos + 1])):
            continue
        got = model.read(text, pos, strict=True, weak=1)
        if got and got[0] == sep and got[1] >= _LIST_BEFORE_MIN:
            add(pos, sep, _CUE_SCORE)
            return


def _list_after(text: str, end: int, model: _Model, add) -> None:  # type: ignore[no-untyped-def]
    """A name right after a list separator following a name is a name too (王芳、李强; Zhang Wei, Li Na)."""
    if end and text[end - 1].isascii() and (start := latin_list(text, end, model)):
        add(start, model.latin(text, start, western=True), _CUE_SCORE)
        return
    m = _LIST_SEP.match(text, end)
    if not m:
        return
    got = model.read(text, m.end(), strict=True)
    if got and got[1] > -2.5:
        add(m.end(), got[0], _CUE_SCORE)
