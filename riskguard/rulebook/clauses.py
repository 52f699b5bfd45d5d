"""Clause analysis: where a candidate finding sits in its sentence, and whether it is a claim at all.

A term list cannot see *who says what about what*. Between matching and deciding, every candidate of a
rule that asks for it (by default every term and pattern rule, see ``ClauseSpec``) is placed in its
**clause** (split at commas, full stops, semicolons, question and exclamation marks, line breaks and
spoken fillers) and its **sentence** (split at full stops, ``!`` ``?`` ``;`` and line breaks), and given:

* its **polarity**: negated when a negation cue (不/没/无/非/未/别/勿, 不能, 不会, 不含, 不承诺, 不保证,
  谈不上, 并非 …) stands before it in its clause, with nothing between them that starts a new predicate
  or a contrast (但/却/就/也/才/还/都 …). Words that contain a cue without negating (不仅, 不断, 非常, 无比,
  特别, 别人, 未来, 不亚于, 没有之一, 不得不 …) and A-not-A questions (是不是, 能不能) are not cues;
* whether it lies inside a **name or code**: a title in 《》, an organisation's name (``第一百货商店``,
  ``第一人民医院``), a model or shade number (``NO.1 正红色``, ``色号NO.1``, a numbered list of shades
  ``NO.1 玫瑰豆沙、NO.3 奶茶色``), a person's name written in
  pinyin after a name cue (``设计师 Wei Yi``);
* its **target** where a rule asks: a third party (某品牌, 别家, 同行, ``X家的``, ``X牌``) or the speaker
  (the market at large said only to have such cases, 市面上的…存在…的情况, names no one);
* whether it is asked and answered no, mentioned as words, or quoted from a statute (``reported``).

The analysis runs on the engine's *full* view (simplified, half-width, lower case, Chinese numerals as
digits), so every cue below is folded the same way when the analyser is built. It is computed once per
text and only when a candidate needs it; clause boundaries are one regex pass.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass

from .reported import Reported

__all__ = ["ClauseSpec", "ClauseAnalyser", "TextClauses", "NEGATED", "NAMES", "TARGETS", "UNITS"]

NEGATED = ("suppress", "keep", "only")
NAMES = ("suppress", "keep")
TARGETS = ("any", "third_party", "own")
UNITS = ("clause", "sentence")

# How far back (full-view characters) a negation cue still governs a match in the same clause.
NEGATION_REACH = 20

_CLAUSE_MARKS = ",，。.!！?？;；\n\r…~～|—"
_SENTENCE_MARKS = "。!！?？;；\n\r"
_FILLERS = ["家人们", "宝宝们", "姐妹们", "兄弟们", "朋友们", "来来来", "好吧", "对吧", "是吧", "听好了", "注意了"]
_CUES = ["不", "没", "没有", "毫无", "绝无", "并无", "从无", "并没有", "无", "非", "未", "别", "勿", "莫", "甭", "禁止", "严禁", "拒绝", "杜绝", "谈不上", "算不上",
         "称不上", "说不上", "并非", "绝非", "不是", "不能", "不会", "不可", "不敢", "不要", "不用", "不得",
         "不承诺", "不保证", "不允许", "不准", "不许", "不含", "不具备", "不具有", "不属于", "无法", "切勿", "请勿", "避免", "从未", "从不",
         "绝不", "决不", "不设", "不提供", "不存在", "不支持", "不做", "不搞", "不刷", "不收", "不给", "不送",
         "不得宣称", "严禁宣称", "禁止宣称", "不宣称", "不涉及", "警惕", "谨防", "防范", "识破", "举报", "当心",
         # a warning not to expect or believe what follows governs the whole of it (别指望喝茶能降血糖)
         "别指望", "不要指望", "不能指望", "别想着", "别以为", "不要以为", "别相信", "不要相信", "别信", "不要信",
         "别听信", "不要轻信", "切莫", "别听", "不要听",
         # … or not to be taken in by it (别被那些说能根治鼻炎的忽悠了)
         "别被", "不要被", "千万别被",
         # … or a refusal to say it, which disowns what follows (我不跟你说百分百有效, 也不说吃了百病不生)
         "不说", "没说", "从不说", "不敢说", "不跟你说", "不和你说", "不跟你们说", "不跟大家说", "不会跟你说",
         # … or to talk about it at all (今天不跟大家聊什么升值不升值, 咱不谈回报)
         "不聊", "不谈", "不跟大家聊", "不和大家聊", "不跟你聊", "不跟你们聊", "不跟大家谈", "不和大家谈", "不跟大家讲",
         "不和大家讲"]
# Words that contain a cue character without negating what follows (or that negate a negation).
_NOT_CUES = ["不仅", "不只", "不但", "不光", "不管", "不论", "不断", "不错", "不少", "不同", "不一样", "不止",
             "不久", "不妨", "不禁", "不愧", "不失为", "不亚于", "不输", "不逊", "不二", "不凡", "不得了",
             "不得不", "不能不", "不可思议", "不容错过", "不停", "不时", "不住", "不过", "不仅仅", "要不然",
             "不然", "差不多", "忍不住", "了不起", "对不起", "不怕", "禁不住", "止不住", "挡不住", "少不了",
             "离不开", "不可或缺", "不可多得", "不可替代", "不可比拟", "无比", "无敌", "无与伦比", "无可",
             "无人能", "无出其右", "无双", "无限", "无论", "无不", "毫无疑问", "独一无二", "无二", "无懈可击",
             "非常", "非凡", "非遗", "除非", "是非", "莫过于", "莫属", "未来", "别人", "别家", "别处", "别致",
             "别样", "别具", "特别", "区别", "分别", "级别", "类别", "性别", "识别", "告别", "鉴别", "差别",
             "个别", "辨别", "没得说", "没有之一", "没有比", "没的说", "淹没", "出没", "埋没", "别无",
             "是不是", "能不能", "会不会", "要不要", "好不好", "对不对", "有没有", "行不行", "是否", "可不可以",
             "买不买", "值不值", "香不香", "美不美", "亮不亮", "白不白", "划不划算", "莫名"]
# Between a cue and the match, these start a new predicate or a contrast, or (的) close a modifier: the
# cue no longer governs (没有的小朋友回家叫爸爸买: 没有 is about what the children lack).
# Prohibitions and warnings govern their whole object, modifiers and all (请勿添加自称客服的私人微信).
_PROHIBITIONS = ["请勿", "切勿", "禁止", "严禁", "谨防", "警惕", "当心", "不要", "拒绝", "杜绝", "防范"]
_MANNER = ["主动", "故意", "随便", "随意", "轻易", "私自", "私下", "擅自", "再", "以任何理由", "以任何方式"]
_CAUSING = ("让", "使", "因为")
_BREAKERS = ["的", "但是", "但", "却", "可是", "而是", "反而", "就", "也", "便", "才", "还", "都", "只", "并且",
             "而且", "所以", "因此", "因为", "同时", "让", "使", "能够", "可以", "照样", "依然", "一样", "而"]
_ORG_SUFFIXES = ["百货商店", "百货商场", "百货大楼", "百货", "商店", "商场", "商行", "商城", "有限公司", "公司",
                 "集团", "超市", "大药房", "药房", "药店", "人民医院", "医院", "中医院", "门诊部", "诊所", "中学",
                 "小学", "幼儿园", "学校", "大学", "学院", "酒店", "饭店", "餐厅", "食堂", "旗舰店", "专卖店",
                 "专营店", "工作室", "批发部", "经营部", "门市部", "研究院", "研究所", "出版社", "书店", "杂志社",
                 "报社", "电视台", "车间", "分店", "分公司", "实业", "贸易", "合作社", "银行", "财经", "频道"]
_AFTER_NAME = "的是在于有位门地开从和与及欢已将为创成举周店营官总电东南西北对旁附"
_NAME_STOPS = "的是了在和与及为被把最很更都也就有要会能让给从对向这那"
_CODE_BEFORE = ["色号", "型号", "款号", "编号", "货号", "批号", "批次号", "序列号", "订单号", "条码", "规格", "颜色", "系列",
                "款式", "尺码", "sku"]
_CODE_AFTER = ["色", "号色", "色号", "款", "系列", "型", "号"]
_NAME_CUES = ["by", "设计师", "作者", "主播", "模特", "摄影", "联系人", "name", "mr", "ms", "dr", "嘉宾", "老师",
              "艺人", "演员", "歌手", "署名", "作曲", "作词", "导演", "先生", "女士", "同学", "@"]
_OWN = ["我们", "我家", "咱家", "本店", "本品", "本公司", "本品牌", "自家", "我店", "这款", "本产品", "我司"]
_THIRD = ["某品牌", "某牌", "某宝", "某东", "某猫", "某多多", "某音", "某家", "某些品牌", "某厂", "别家", "别的品牌",
          "别的店", "别人家", "其他品牌", "其他家", "其他店", "其他商家", "其它品牌", "其它家", "同行", "友商",
          "竞品", "隔壁", "外面卖的", "外面的", "市面上其他", "市面上的其他", "网上那些", "那些品牌", "某大牌",
          "大牌的", "国际大牌", "他们家", "她们家", "他们店", "她们店", "他们直播间", "那家店", "那个牌子", "那个品牌",
          # a group of other sellers, unnamed but identifiable to the audience (AUCL Art. 12 reaches them too)
          "其他直播间", "别的直播间", "其他主播", "别的主播", "别的牌子", "其他牌子", "其它牌子", "同类产品", "同类商品",
          "同类", "市面上的", "市面上很多", "市面上大部分", "市面上大多数", "市面上绝大多数", "市面上不少", "外面那些", "网上卖的",
          "超市里", "超市卖的", "某些商家", "有些商家", "一些商家", "很多商家", "不少商家", "有的商家", "小作坊", "杂牌"]
# The market at large, not a seller the audience can pick out: a sentence that says only that something
# *exists* there (市面上的充电宝存在虚标容量的情况), with no contrast to the speaker's own goods in it, names no
# competitor (AUCL Art. 12 protects an identifiable one).
_MARKET = ["市面上的", "市面上很多", "市面上大部分", "市面上大多数", "市面上绝大多数", "市面上不少", "网上卖的",
           "某些商家", "有些商家", "一些商家", "很多商家", "不少商家", "有的商家", "同类产品", "同类商品", "同类"]
_EXISTS = re.compile(r"存在[^,.!?;。，！？；]{0,12}?的?(?:情况|现象|问题)")
# ``X家的`` / ``X牌`` / ``X品牌的`` with a name before it (not 我们家 / 自家 / 本品牌): a named third party.
_NAMED = (r"(?<![我咱自本这你])(?:[a-z][a-z0-9&'.-]{1,15}|[\u4e00-\u9fff]{2,5}?)(?:家的|牌的|牌子的|品牌的|家那|牌(?=[\u4e00-\u9fff]))"
          # a one-letter brand (H牌), a name in pinyin (hai lan jia de), a shop one goes to (去花漾家买), a name in
          # quotes followed by what it is ('启明教育'老师, 「雪颜堂」的)
          r"|(?<![a-z])[a-z]牌(?=[\u4e00-\u9fff])|(?<![a-z])(?:[a-z]{1,6}\s){1,3}jia\s?de(?![a-z])"
          r"|(?<=[去在从到])[\u4e00-\u9fff]{2,4}?家(?=买|下单|直播间|店里|拿货)"
          r"|['\"‘“「『][\u4e00-\u9fffa-z0-9]{2,10}['\"’”」』](?=的|家|牌|品牌|公司|老师|店|直播间|旗舰店)")

# Ordinary words ending in 家 (大家的, 商家的, 国家的): not a named third party.
_COMMON_JIA = ["大家", "国家", "商家", "店家", "卖家", "买家", "专家", "人家", "自家", "回家", "在家", "居家", "农家",
               "东家", "老家", "全家", "一家", "住家", "行家", "玩家", "作家", "画家", "厂家直"]


# A demonstrative before a name (那个X家的, 那款X牌): dropped before the name is judged.
_POINTER = re.compile(r"^(?:那个|那款|那种|那位)(?=[\u4e00-\u9fff]{2})")


def _alternation(words: list[str], fold: Callable[[str], str]) -> str:
    folded = sorted({fold(w) for w in words if fold(w)}, key=len, reverse=True)
    return "|".join(map(re.escape, folded))


@dataclass(frozen=True, slots=True)
class ClauseSpec:
    """What a rule says about its candidates' clauses (``clause:`` in a pack, see rules/FORMAT.md)."""

    negated: str = "suppress"          # suppress: a negated claim is no claim; keep; only (a negative claim)
    names: str = "suppress"            # suppress: inside a name, title or code is no claim; keep
    target: str = "any"                # any; third_party: the clause names someone else; own
    unit: str = "sentence"             # where requires_any / forbids_any look: clause | sentence
    requires_any: tuple[str, ...] = () # compact-folded; one must be in the unit
    forbids_any: tuple[str, ...] = ()  # compact-folded; none may be in the unit

    @property
    def inert(self) -> bool:
        return (self.negated == "keep" and self.names == "keep" and self.target == "any"
                and not self.requires_any and not self.forbids_any)


KEEP = ClauseSpec(negated="keep", names="keep")


class ClauseAnalyser:
    """The cue lists compiled for one normaliser (built once per engine)."""

    def __init__(self, fold: Callable[[str], str]) -> None:
        marks = re.escape(_CLAUSE_MARKS)
        self.clause_re = re.compile(rf"[{marks}]+|{_alternation(_FILLERS, fold)}")
        self.sentence_re = re.compile(rf"[{re.escape(_SENTENCE_MARKS)}]+")
        self.cue_re = re.compile(_alternation(_CUES, fold))
        # a cue, perhaps with a manner adverb, right before a causative or a reason (不会主动让你加QQ, 不会因为
        # 好评给任何返现): the negation governs the caused act or the act done for that reason
        self.cue_end_re = re.compile(rf"(?:{_alternation(_CUES, fold)})(?:{_alternation(_MANNER, fold)})?$")
        self.not_cue_re = re.compile(_alternation(_NOT_CUES, fold))
        self.breaker_re = re.compile(_alternation(_BREAKERS, fold))
        stops = re.escape(_NAME_STOPS)
        # A name ends where the sentence goes on: punctuation, the end, or a word that follows a name.
        self.org_re = re.compile(rf"[^\W\d_{stops}]{{0,6}}?(?:{_alternation(_ORG_SUFFIXES, fold)})"
                                 rf"(?=$|[^\u4e00-\u9fff]|[{_AFTER_NAME}])")
        # right after the label, or inside a model name that follows it (型号'Q5 No.1 版')
        self.code_before_re = re.compile(rf"(?:{_alternation(_CODE_BEFORE, fold)})\s?[:：#]?\s?['\"‘“「『]?"
                                         rf"(?:[a-z0-9-]{{1,8}}\s?)?$")
        self.code_after_re = re.compile(rf"\s?[^\W\d_{stops}]{{0,4}}?(?:{_alternation(_CODE_AFTER, fold)})(?![\u4e00-\u9fff]{{0,1}}[最第])")
        self.name_cue_re = re.compile(rf"(?<![a-z])(?:{_alternation(_NAME_CUES, fold)})\.?\s?[:：]?\s*$")
        self.own_re = re.compile(_alternation(_OWN, fold))
        self.third_re = re.compile(_alternation(_THIRD, fold))
        self.market = frozenset(fold(w) for w in _MARKET)
        self.named_re = re.compile(_NAMED)
        self.common_re = re.compile(rf"(?:{_alternation(_COMMON_JIA, fold)})(?:的|那|牌)|^[这那你它]|^[他她]家")
        self.prohibition_re = re.compile(_alternation(_PROHIBITIONS, fold))
        self.reported = Reported(fold)

    def analyse(self, full: str) -> TextClauses:
        return TextClauses(self, full)


_SHORT_GAP = re.compile(r"(?:任何|一点|太|很|怎么|那么|算|够|再|可|会|能|要|用|是)?")
# 不/没/未 also govern through a verb of one or two characters (不设返租, 从来不搞好评返现, 没做过刷单).
_VERB_GAP = re.compile(r"[\u4e00-\u9fff]{0,2}(?:什么)?")
_VERB_CUES = frozenset("不没未")
# ... and through a verb and 任何/一切 to all that the quantifier covers (不聘用任何在职命题人员).
_ANY_GAP = re.compile(r"[\u4e00-\u9fff]{0,3}?(?:任何|一切)[\u4e00-\u9fff“”「」『』\"'、]{0,10}")
# One item of a numbered list of names (NO.1 玫瑰豆沙、NO.3 奶茶色): a name follows and another number starts
# the next item, so the number numbers shades or models, it ranks nothing.
_SERIES = re.compile(r"\s?[\u4e00-\u9fff]{1,6}\s?[、,/|·\s]\s?(?:no\.?|#|n°)\s?\d")
_QUANTIFIED = re.compile(r"(?:任何|一切)[\u4e00-\u9fff“”「」『』\"'、]{0,8}$")
# 无/没有/并无 … right before a run of effect words (无美白祛斑功效): the run between cue and match is all Han
# characters or list marks, and after the match the run goes on to the effect noun.
_EFFECT_CUE = re.compile(r"(?:无|没有|并无|毫无|并没有|不具备|不具有)[\u4e00-\u9fff、和及与/]{1,6}$")
_EFFECT_NOUN = re.compile(r"[\u4e00-\u9fff、和及与/]{0,6}?(?:的)?(?:功效|作用|效果|功能|疗效)(?:宣称)?"
                          r"[\s,.!?;~…|)，。！？；、）]*$")
# The rest of a clause that turns a group of buyers away (…的别买, …的朋友不要拍, …的就别下单了).
_NOT_FOR = re.compile(r"[\u4e00-\u9fff]{0,6}?的?(?:朋友|人|姐妹|家人|宝宝|宝子)?们?(?:就|千万|请|暂时)?"
                      r"(?:别|不要|不用|不建议|勿|不适合)(?:来)?(?:买|拍|下单|购买|入手|囤|冲|使用|用)"
                      r"(?:了|啊|哈|哦|呀)*[\s,.!?;~…|—，。！？；～]*$")
# A wish sent to a doctor (想降血脂去看医生, 需要治疗的请就医): what the buyer wants is named, the goods are not
# said to do it.
_WISH = re.compile(r"(?:想|想要|要想|需要)\s?$")
_SEE_DOCTOR = re.compile(r"(?:的话|的朋友|的人|的)?[,，]?\s?(?:还是|请|就|要|得)?(?:去|到)?(?:看医生|就医|医院就诊|去医院|找医生|咨询医生|遵医嘱)"
                         r"(?:吧|啊|哈|哦|呀)*[\s,.!?;~…|—，。！？；～]*$")
_YES = re.compile(r"\s*(?:能|可以|当然|是的|没错|必须|绝对|肯定|会的|有的|对的|答案是)")
_ASKED = re.compile(r"\s*(?:问|q)\s?[:：]")
_PINYIN_NAME = re.compile(r"[A-Z][a-z]{0,5}(?:[\s-]?[A-Z][a-z]{0,5}){1,2}|[A-Z]{2,6}\s[A-Z][a-z]{1,5}(?:\s?[a-z]{1,5})?")


class TextClauses:
    """Clause and sentence boundaries of one text's full view, and the questions rules ask about a span."""

    __slots__ = ("_a", "full", "_clauses", "_sentences")

    def __init__(self, analyser: ClauseAnalyser, full: str) -> None:
        self._a = analyser
        self.full = full
        self._clauses = _bounds(analyser.clause_re, full)
        self._sentences: list[int] | None = None

    def clause(self, pos: int) -> tuple[int, int]:
        return _unit(self._clauses, pos, len(self.full))

    def sentence(self, pos: int) -> tuple[int, int]:
        if self._sentences is None:
            self._sentences = _bounds(self._a.sentence_re, self.full)
        return _unit(self._sentences, pos, len(self.full))

    def unit(self, name: str, pos: int) -> tuple[int, int]:
        return self.clause(pos) if name == "clause" else self.sentence(pos)

    def negated(self, start: int, end: int | None = None) -> bool:
        """Whether the match starting at ``start`` is not asserted: a negation cue before it in its clause
        governs it, or it sits in a question (one answered no, when ``end`` is given: see ``reported``)."""
        return self._cue_governs(start) or self.asked(start) or (
            end is not None and (self.answered_no(start, end) or self.told_not_to_buy(start, end)
                                 or self._effect_denied(start, end) or self.classed_and_referred(start)))

    def _effect_denied(self, start: int, end: int) -> bool:
        """Whether a cue a few words back denies an effect the match only names: 无/没有/不具有 before a run of
        effect words that ends its clause with 功效/作用/效果 (无美白祛斑功效, 没有减肥降脂作用): the cue governs
        the whole noun phrase, not only its first word. Not 无刺激美白效果好 (the clause goes on to praise
        the effect) nor 无标签散装自制 (no effect noun)."""
        full = self.full
        s = self.clause(start)[0]
        lo = max(s, start - 7)
        cue = _EFFECT_CUE.search(full, lo, start)
        return bool(cue and _EFFECT_NOUN.match(full, end, self.clause(start)[1]))

    def told_not_to_buy(self, start: int, end: int) -> bool:
        """Whether the match only describes whom the clause tells not to buy (想减肥的别买, 孕妇不要拍): the
        words name the buyers turned away, the goods are not said to do it; or a wish sent to a doctor
        (想降血脂去看医生)."""
        s, e = self.clause(start)
        return bool(_NOT_FOR.match(self.full, end, e)
                    or (_WISH.search(self.full, max(s, start - 3), start) and _SEE_DOCTOR.match(self.full, end, e)))

    def answered_no(self, start: int, end: int) -> bool:
        """Whether the match sits in an A-not-A question that the next clause answers no."""
        i = bisect_right(self._clauses, start) - 1
        n = len(self.full)
        bounds = [_unit(self._clauses, self._clauses[k], n) if k < len(self._clauses) else None
                  for k in range(i + 1, i + 6)]
        return self._a.reported.answered_no(self.full, self.clause(start), bounds, end)

    def classed_and_referred(self, start: int) -> bool:
        """Whether the match's clause only names the condition a disease and the next one sends the reader to
        a doctor (湿疹属于皮肤病，请先看皮肤科医生)."""
        i = bisect_right(self._clauses, start) - 1
        nxt = _unit(self._clauses, self._clauses[i + 1], len(self.full)) if i + 1 < len(self._clauses) else None
        return self._a.reported.classed_then_referred(self.full, self.clause(start), nxt)

    def reported(self, start: int, end: int) -> bool:
        """Whether the match is mentioned as words (quoted and named a word or kind of ad, 所谓) or quoted
        from a statute the line cites, rather than claimed."""
        rep = self._a.reported
        clause = self.clause(start)
        return (rep.mentioned(self.full, start, end, clause) or rep.others_act(self.full, start, end, self.sentence(start))
                or rep.quoted_in_notice(self.full, start, end)
                or rep.cited(self.full, start, self.full.rfind("\n", 0, start) + 1))

    def _cue_governs(self, start: int) -> bool:
        a, full = self._a, self.full
        lo = max(self.clause(start)[0], start - NEGATION_REACH)
        prefix = full[lo:start]
        if not prefix:
            return False
        cut = 0
        for m in a.breaker_re.finditer(prefix):
            if m.group() == "的" and a.prohibition_re.search(prefix, 0, m.start()):
                continue
            # 任何/一切 govern their whole object, modifiers and all (不接受任何形式的私下转账, 不会有任何
            # 工作人员让你转账); a cue right before 让/使 negates the causing (不会让任何人加微信), and one
            # right before 因为 the act done for that reason (不会因为好评给任何返现)
            if _QUANTIFIED.search(prefix, 0, m.start()) or (
                    m.group() in _CAUSING and a.cue_end_re.search(prefix, 0, m.start())):
                continue
            if m.group() == "使" and full.startswith("用", lo + m.end()):
                continue  # 使用 is a verb of the object (禁止商家使用小号刷评价), not the causative 使
            cut = m.end()
        prefix, lo = prefix[cut:], lo + cut  # only what follows the last breaker counts
        if not prefix or not a.cue_re.search(prefix):
            return False
        # Words that merely contain a cue: looked for in a window reaching into the match, so 不过 / 无比
        # that straddle the match's first character are seen too.
        around = full[max(0, lo - 3):start + 3]
        covered: set[int] = set()
        for m in a.not_cue_re.finditer(around):
            covered.update(range(m.start(), m.end()))
        shift = lo - max(0, lo - 3)
        for m in a.cue_re.finditer(prefix):
            if any(i + shift in covered for i in range(m.start(), m.end())):
                continue
            # A one-character cue governs the word right after it (无激素, 非处方药, 不保本), not a word
            # further on: in 无标签散装自制 the 无 is about 标签.
            gap = prefix[m.end():]
            if m.end() - m.start() > 1 or _SHORT_GAP.fullmatch(gap) or (
                    m.group() in _VERB_CUES and (_VERB_GAP.fullmatch(gap) or _ANY_GAP.fullmatch(gap))):
                return True
        return False

    def asked(self, start: int) -> bool:
        """Whether the match sits in a question (a clause ending in 吗/么 and a question mark, or a line
        opened by 问): a customer's question quoted in a Q&A is not the merchant's claim."""
        s, e = self.clause(start)
        clause = self.full[s:e].rstrip()
        if clause.endswith(("吗?", "么?", "嘛?")):
            return not _YES.match(self.full, e)  # 能治湿疹吗？能！ is a claim made as a question
        # a question quoted after 问： inside a sentence that ends in a question mark (有家人在公屏问：我有脂肪肝，
        # 吃这个能不能好？), unless the next words answer yes
        ss, se = self.sentence(start)
        asked_at = self.full.rfind("问", ss, start)
        if (asked_at >= 0 and self.full.startswith((":", "："), asked_at + 1)
                and self.full[ss:se].rstrip().endswith("?") and not _YES.match(self.full, se)):
            return True
        line_start = self.full.rfind("\n", 0, start) + 1
        marker = _ASKED.match(self.full, line_start)
        # the question is the first sentence after 问：; what follows its end (。？！) is not asked
        return marker is not None and self.sentence(start)[0] <= marker.end() and "答" not in self.full[line_start:start]

    def in_name(self, start: int, end: int, original: str, ostart: int, oend: int, pinyin: bool) -> bool:
        """Whether ``full[start:end]`` lies in a title (《》), an organisation's name, a model or shade
        number, or (``pinyin`` matches) a person's name written in pinyin after a name cue."""
        full, a = self.full, self._a
        opening = full.rfind("《", max(0, start - 30), start)
        if opening >= 0 and "》" not in full[opening:start]:
            closing = full.find("》", end, end + 30)
            if closing >= 0 and "《" not in full[end:closing]:
                return True
        if a.org_re.match(full, end):
            return True
        matched = full[start:end]
        if any(c.isdigit() for c in matched) and matched.isascii() and (
                a.code_before_re.search(full, max(0, start - 16), start) or a.code_after_re.match(full, end)
                or _SERIES.match(full, end)):
            return True
        return bool(pinyin and _PINYIN_NAME.fullmatch(original[ostart:oend].strip())
                    and a.name_cue_re.search(full, max(0, start - 16), start))

    def target(self, start: int, end: int) -> str:
        """``third_party`` when the match's sentence names someone else, ``own`` when it names only the
        speaker, ``any`` when it names neither."""
        s, e = self.sentence(start)
        text = self.full[s:e]
        # A listed cue names someone else as it stands (那家店, 其他直播间); a ``X家的`` match only when X is
        # not the speaker or an ordinary word (我们家的, 大家的, 这家的).
        cues = {m.group() for m in self._a.third_re.finditer(text)}
        if cues and not (cues <= self._a.market and _EXISTS.search(text) and not self._a.own_re.search(text)):
            return "third_party"
        for m in self._a.named_re.finditer(text):
            # 那个花漾家的: the demonstrative points at the name, it is not the name (那家的 stays common)
            named = _POINTER.sub("", m.group())
            if not (self._a.own_re.search(named) or self._a.common_re.search(named)):
                return "third_party"
        return "own" if self._a.own_re.search(text) else "any"


def _bounds(pattern: re.Pattern[str], text: str) -> list[int]:
    """Sorted positions where units start (0, and after each boundary mark)."""
    out = [0]
    out.extend(m.end() for m in pattern.finditer(text))
    return out


def _unit(starts: list[int], pos: int, n: int) -> tuple[int, int]:
    i = bisect_right(starts, pos) - 1
    return starts[i], starts[i + 1] if i + 1 < len(starts) else n
