"""Claims that are mentioned, asked about or quoted, not made: the clause step's second question.

A negation cue before a match is one way a text can contain a claim's words without asserting it. These are
the others, each a structure of the sentence rather than a word list of claims:

* **a question answered in the negative** — 「有人问能不能治咽炎？不能」「会不会升值？我说不好」: the
  claim sits in an A-not-A question (能不能, 会不会, 是不是, 有没有, 可不可以, 能否, 是否 …) and the next
  clause answers no (不能, 不会, 不是, 没有, 不好说, 做不到 …, after a lead-in such as 我说, 实话讲, 统一回复一下,
  or a short subject: 我不能保证, 世界上没有), or restricts (它就是一款饮品, 牙膏就是清洁口腔的) and then says
  no; clauses that only lead in or address the asker (这个我必须讲清楚, 姐姐) are passed over. An answer of yes
  (能！当然可以) leaves the claim a claim, and so does a question with no answer (a rhetorical one);
* **a mention of the words themselves** — 「“干细胞”这个词不允许出现」「如遇『…』之类的弹窗」「所谓“量子
  能量”」「开光这个词原本是佛教用语」: the match is quoted and the quote is named as a word, phrase,
  slogan or kind of ad (这个词, 之类的, 这类表述, 等字样, 的说法 …), or 所谓 introduces it;
* **someone else's act reported or condemned** — 「有人冒充本店招聘刷单兼职」「评价区出现疑似刷单的内容」
  「有人上门推销，声称能治病消灾」: an impersonation (冒充, 假冒, 冒用, 自称), another's assertion (声称, 谎称)
  or a suspicion (疑似, 涉嫌) before the match in its sentence makes it the conduct reported, not the speaker's
  offer; so does the sentence naming it, after the match, fraud, a violation or superstition (「凡是让你扫码
  付款的都是骗子」「算命改运都是没有科学依据的」「凡宣称『保证亩产』的广告均违反《广告法》」「凡是承诺
  高收益的都要警惕」「某公司因宣称“国家级产品”被罚款」「有人说喝这个能抗癌，那是谣言」);
* **a citation of a statute** — 「广告法第十八条：保健食品广告不得……」: a line that opens by citing an
  article quotes the law, up to a sentence in which the speaker turns to its own goods (我们, 本店, 这款)
  or a contrast (但, 不过).

Beside these, a whole text can be no advertisement (``not_an_ad``): a notice, correction, recall, judgment or
news report by its heading, or a heading that only names a genre (【店铺整改公告】, 【案例评析】, 关于…的小知识)
over a body that reports conduct as corrected or sanctioned; a claim the author makes of its own goods
outside a quotation there (``own_claim``) is still promotion.

Like ``clauses``, everything here runs on the engine's full view (Chinese numerals partly folded to
digits, half-width punctuation), and only for candidates whose rule asks about polarity.
"""

from __future__ import annotations

import re
from collections.abc import Callable

__all__ = ["Reported"]

_HAN = r"\u4e00-\u9fff"
_NUM = r"[\d一二三四五六七八九十百零〇两]+"
_A_NOT_A = ["能不能", "会不会", "是不是", "有没有", "可不可以", "能否", "是否", "可否", "有无", "管不管用", "行不行",
            "靠不靠谱", "真不真", "灵不灵", "准不准", "保不保", "包不包", "要不要"]
# What a speaker says before the answer itself.
_LEADS = ["统一回复一下", "统一回复", "统一答复", "回复一下", "回答一下", "我的回答是", "回答是", "答案是", "实话实说",
          "实话讲", "实话说", "说实话", "说句实话", "老实讲", "老实说", "负责任地说", "负责任地讲", "明确告诉大家",
          "明确告诉你", "告诉大家", "告诉你们", "告诉你", "直接说", "明确说", "我得说清楚", "先说清楚", "说清楚",
          "我想说", "我说", "我讲", "我的答案", "回复", "回答", "答", "必须说清楚", "必须讲清楚", "讲清楚", "说明一下"]
# A clause that is only a lead-in (我必须说清楚啊): the answer is the clause after it.
_LEAD_ONLY_TAIL = r"(?:一下)?[啊呀哈吧啦哦嘛]*[\s,.!;:~|…—]*$"
# A clause that only addresses the asker (姐姐，这个我必须讲清楚): passed over like a lead-in.
_ADDRESS_ONLY = (r"\s*(?:亲爱的|这位)?(?:姐姐|哥哥|姐妹|家人|宝子|宝宝|亲|朋友|兄弟|老铁|大哥|大姐|阿姨|叔叔|宝妈|小伙伴)"
                 r"(?:们)?[啊呀哈吧啦哦嘛]*[\s,.!;:~|…—]*$")
_NO = ["不能", "不会", "不是", "不行", "不可以", "不可能", "不好说", "不好", "不一定", "不建议", "不保证", "不承诺",
       "不敢保证", "保证不了", "做不到", "办不到", "没有", "没", "并不", "并没有", "绝对不", "当然不", "肯定不",
       "不存在", "不管用", "没用", "无法", "否",
       # a refusal to do what was asked about (有没有医生推荐？我们不搞这个)
       "不搞", "不请", "不找", "没请", "没找"]
# A restriction that denies by saying what the goods merely are (它就是一款饮品，没有治疗作用).
_ONLY = r"(?:它|这|这个|这款|这种|本品|我们的?|[\u4e00-\u9fff]{1,4}?)?(?:就|只|仅|仅仅|不过)是"
# Words of an answer that says yes: a gap before the no-word may not contain them (能，不用吃药也行).
_YES_CHARS = "能可会肯当对有行"
# An answer that sends the asker to a doctor (能不能用？请先带宝宝看皮肤科医生): the goods are not offered for
# it, so it answers no; not one that says a doctor is not needed (不用去医院) or is worse than the goods.
_REFERRAL = (r"\s*(?![^,，。;；!?？]{0,8}?(?:不用|不必|无需|无须|没必要|不需要|省得|免得|比|不如|胜过|强过))"
             r"(?:请|建议|要|需要|应该?|应当|务必|最好|还是|一定要)?(?:先|及时|尽快|立即|马上)?[^,，。;；!?？]{0,12}?"
             r"(?:看医生|看大夫|就医|就诊|医生|医师|大夫|医院|[\u4e00-\u9fff]{1,3}科)"
             r"(?:看看|看一下|检查|诊断|诊治|咨询)?(?:吧|啊|哈|哦|呀)*[\s,.!?;~…|—]*$")
# A clause that only names the condition a disease (湿疹属于皮肤病, 这是一种病): said before a referral, it is
# the reason for it, not an effect of the goods.
_CLASSED = (r"\s*[\u4e00-\u9fff]{0,8}?(?:属于|是|算)(?:1种|一种|1类|一类)?[\u4e00-\u9fff]{0,6}?(?:病|疾病|病症)"
            r"[\s,.!;:~|…—]*$")
# Naming quoted words as words, slogans or kinds of content: a mention, not a use.
# Right after a bare match only words that name it as a word count (开光这个词); after a quote, kinds of
# content too (『…』之类的弹窗). Not 话术: quoted 话术 are lines to be posted, the very act.
_WORD_NOUNS = ["这个词", "这个字", "这个说法", "这种说法", "这类说法", "的说法", "这类表述", "这种表述", "的表述",
               "这类用语", "等用语", "等字样", "字样", "等字眼", "字眼", "一词", "二字", "这个概念", "等说法", "等词",
               "等词语", "这些词", "这些说法"]
_KIND_NOUNS = ["之类的", "之类", "这类", "这种", "这样的", "一类的"]
_QUOTES = {"“": "”", "「": "」", "『": "』", "‘": "’", '"': '"', "'": "'"}
_SYMMETRIC = frozenset('"\'')
_CLOSING = frozenset(_QUOTES.values())
# Further quoted items after a closing quote (“最低价”“第一”, 『包过』、『保分』): one list, named together.
_MORE_QUOTES = r"(?:\s?[、,和及与或]?\s?[“「『‘\"'][^”」』’\"'\n]{1,14}[”」』’\"'])+"
_CITATION = (rf"(?:(?:《[^》]{{2,30}}》|[{_HAN}]{{2,14}}(?:法|条例|办法|规定|细则|指南|准则))"
             rf"第{_NUM}条(?:第{_NUM}款)?(?:第?\({_NUM}\)项|第{_NUM}项)?(?:规定|明确规定|指出)?"
             # a statute named by its title after 根据/依据/按照 (根据《国旗法》，…): the same quotation
             rf"|(?:根据|依据|按照|依照)《[^》]{{2,30}}》(?:的)?(?:相关)?(?:规定|要求)?)\s?[:,]")
_OTHERS_ACT = ["冒充", "假冒", "冒用", "仿冒", "冒名", "自称", "声称", "谎称", "疑似", "涉嫌", "有人推销", "上门推销",
               "有人兜售", "兜售",
               # another's claim reported as a misrepresentation (把压片糖果说成“降三高”, 吹嘘能治病)
               "说成", "吹成", "吹嘘", "鼓吹", "宣传成"]
# The conduct named, after the match in its sentence, as fraud, a violation or superstition: a warning about
# it (凡是让你扫码付款的都是骗子, '私下交易更便宜'的均属违规行为, 算命改运都是没有科学依据的).
_CONDEMNED = (r"^[^。!?;\n]{0,24}?(?<![不非能])(?:都|均|全|全都|一律|统统)?(?:可能|很可能|多半|往往|大多)?"
              r"(?:(?:是|属|属于|为|系|涉嫌|构成)"
              r"(?:违规|违法|诈骗|骗子|骗局|欺诈|虚假宣传|迷信|封建迷信|伪科学|没有科学依据|没有任何科学依据|无科学依据"
              r"|非法集资|非法|传销"
              r"|陷阱|套路|不可信|不能信|谣言|不实信息|假消息|误导|瞎说|胡说|没有根据|没根据|毫无根据|无根据)"
              # … or disowned by the speaker (网上有人说我们是“全网最低价”，这不是我们说的)
              r"|(?:这|那)?(?:不是|并非|并不是|绝不是)(?:我们|本店|我|本公司|我司|官方)(?:说|发布|宣传|发|讲)的?"
              # … or said to break a named law (凡宣称'保证亩产'的广告，均违反《广告法》第二十七条)
              r"|(?:违反|违背|触犯)了?(?:《|[\u4e00-\u9fff]{0,10}(?:法|条例|规定|办法))"
              # … or the reader is told to beware of it (凡是承诺高收益的都要警惕)
              r"|的(?:都|均|一律)(?:要|请|需|应|得)?(?:警惕|提防|远离)"
              # … or to keep away from whoever says it (谁跟你说包过你就离他远点, 说保本的你千万别信)
              r"|(?:你|您|你们)(?:就|千万|最好|赶紧)?(?:离(?:他|她|他们|她们|这种人|这种机构|这家|这些人)远(?:点|1点|些)|别信|不要信|拉黑)"
              # … or reported as sanctioned, by a named authority or not (某公司因宣称“国家级产品”被罚款20万元,
              # …被市场监管部门罚款3万元)
              rf"|被[{_HAN}]{{0,10}}?(?:罚款?|处罚|查处|立案|责令|通报|约谈|下架|判(?:赔|处|令|决)))")
# A warning notice: its heading (the first characters, or a 【…】 label) says it warns consumers, reports a
# case or refutes a rumour (【农资店提醒】, 社区反诈提醒:, 【消费提示】, 【案例】). The claims such a notice
# quotes are the conduct it warns against, not an offer; a shop's 温馨提示/友情提醒 is not such a heading.
_NOTICE_HEAD = (r"^[\s【\[(（]*(?:[^\n】\]:：]{0,12}?(?<!温馨)(?<!友情)(?<!友好)"
                r"(?:提醒|提示|警示|预警|通报|案例|曝光|辟谣|反诈|防骗|避坑|科普))")
# A notice's own label: the heading is only a warning, a case report, a judgment or a rumour refuted (【通报】,
# 【案例】, 【3·15提醒】, 社区反诈提醒:, 【判决】), or a news report's opening (本报讯, 记者调查发现); not a
# longer label the word merely begins (【案例分享】, 【避坑指南】), which may head an ad, nor a seller's own
# 风险提示/重要提示. Such a text, with no purchase path, is not an advertisement
# (广告法 Art. 2): it owes none of an ad's mandated warnings or labels.
_NOTICE_LABEL = (r"^[\s【\[(（]*[^\n】\]:：,，.。!！?？;；]{0,12}?(?<!温馨)(?<!友情)(?<!友好)(?<!风险)(?<!重要)(?<!特别)(?<!购买)"
                 r"(?:提醒|提示|警示|预警|通报|案例|曝光|辟谣|反诈|防骗|召回(?:公告|通知|声明)?|判决|新闻|快讯)\s*[】\]）):：]"
                # … or a news report's opening (本报讯, 据新华社报道, 记者调查发现)
                r"|^\s*(?:本报讯|新华社|据[^\n,，。]{1,12}?报道|记者[^\n,，。]{0,8}?(?:调查|走访|暗访|获悉|了解到|发现))")
# A document that says in its heading what it is, without brackets (更正声明:, 关于部分批次驼奶粉的召回公告:,
# 平台公告:, 关于弹窗广告的用户须知:, 售后说明:, 退费规则:, 市场监管部门提醒:), or a court or news narrative
# (法院审理查明, 某法院审结一起…, 央视3·15点名…): a correction, recall, platform rule, after-sales or refund
# policy, judgment or news report is not commercial promotion (广告法 Art. 2). A merchant's own 店庆公告 or
# 活动公告 is not among these headings, and a text that sells (see _SELLING) is an ad whatever its heading.
_DOCUMENT_HEAD = (r"^[\s【\[(（]*(?:关于[^\n:：。!?;]{1,24}?的?)?[^\n:：,，。!?;]{0,10}?"
                  r"(?:更正(?:声明|说明|启事|公告)|致歉(?:声明|信)|澄清(?:声明|说明|公告)|召回(?:公告|通知|声明|说明)"
                  r"|(?:平台|官方|处罚|行政处罚|监管|抽检|抽查)(?:公告|通告|通知|规则)|用户须知|用户协议|服务协议"
                  r"|售后(?:服务)?(?:说明|政策|规则|须知)|退(?:换货|货|款|费)(?:说明|政策|规则|须知)"
                  r"|(?:监管|监督管理|市场监管)(?:部门|局|总局)?(?:提醒|提示|通报|公告))\s*[】\]）):：]"
                  # a court's or a news outlet's narrative, in its first clause
                  r"|^\s*[^\n,，。:：]{0,12}?(?:法院|检察院|仲裁委员会|仲裁委)[^\n,，。]{0,10}?"
                  r"(?:审理查明|经审理|审结|认定|查明|判决|宣判|判处|裁定|公诉|起诉)"
                  r"|^\s*(?:央视|新华社|人民日报|[^\n,，。]{0,6}?(?:电视台|日报|晚报|晨报|都市报|媒体|记者))"
                  r"[^\n,，。]{0,12}?(?:点名|曝光|报道|调查发现|暗访|获悉)")
# An operator's notice of where or when it does business (乔迁公告:, 关于春节期间营业时间调整的通知:): not
# commercial promotion of any goods (SAMR's guideline on absolute terms: the operator's own name, address and
# hours); only while the body after the heading (which names the operator) offers nothing, whether by a
# selling word (see _SELLING) or a product pitched (开售, 起投, 年化, 新品, 优惠 …).
_OPERATING_HEAD = (r"^[\s【\[(（]*(?:关于[^\n:：。!?;]{1,24}?的?)?[^\n:：,，。!?;]{0,16}?"
                   r"(?:乔迁|搬迁|迁址|地址变更|营业时间调整|营业时间变更|暂停营业|停业|歇业|放假|休假)的?"
                   r"(?:公告|通告|通知|启事|告知书?|说明)\s*[】\]）):：]")
_OFFER = (r"开售|发售|认购|申购|起购|起投|年化|收益|回报|保本|上新|新品|新款|优惠|开业酬宾|酬宾|福利|礼品|赠送|免费"
          r"|[%％]|最|第1|首选")
# A heading that names the document's genre without saying which (【店铺整改公告】, 【案例评析】, 【以案说法】,
# 关于“好评返现”的小知识:, 【科普】): a correction, a case report or an explainer when its body reports conduct
# as corrected or sanctioned (see _REPORT_FRAME); the same heading over a plain product text is an ad's.
_FRAMED_HEAD = (r"^[\s【\[(（]*(?:关于[^\n:：。!?;]{1,24}?的?)?[^\n:：,，。!?;】\]]{0,10}?"
                r"(?:公告|通告|说明|声明|通知|启事|案例|评析|点评|说法|知识|科普|解读|须知)\s*[】\]）):：]")
# What makes such a body a report: a case, a judgment or a sanction, a deletion or admitted error, a claim
# called baseless or unlawful.
# The author's own earlier wording disowned (此前误写“可降血压”，该表述没有依据): also a _BEWARE.
_DISOWNED = r"误写|写错|表述有误|没有(?:任何)?(?:科学)?依据|缺乏依据|无依据"
_REPORT_FRAME = (r"典型案例|案例|审结|审理|判处|判决|罚款|被罚|处罚|查处|责令|立案|整改|删除|撤下|"
                 rf"{_DISOWNED}|不符合[^。\n]{{0,24}}?(?:规定|要求|法)"
                 r"|违反[^。\n]{0,24}?(?:法|规定|条例)|属于违法|违法行为|构成违法")
# An authority's report of a case, in the first clause (某市市场监管局公布一起典型案例, 消协通报…案件), or of a
# case it has itself investigated (东阳市场监管局查处一起利用儿童代言案, 某区监管局立案查办一起…案件).
_AUTHORITY_REPORT = (r"^\s*[^\n,，。:：]{0,16}?(?:市场监管|监督管理|监管部门|监管局|法院|检察院|消协|消费者协会|公安|网信办"
                     r"|工商局|药监局)[^\n,，。]{0,8}?(?:(?:公布|通报|发布|曝光|披露)[^\n,，。]{0,16}?(?:案例|案件|典型)"
                     r"|(?:查处|查办|办结|立案查处|立案查办|立案调查)了?(?:一|1|两|2|多)起[^\n,，。:：]{0,20}?案(?:件)?[,，。:：])")
# A selling word narrated, not offered: past (已下单的顾客, 曾秒杀) or reported of the sanctioned party in its
# sentence (…开展秒杀销售,被市场监管部门罚款): the document reports a sale, it does not make one.
_NARRATED = r"(?:已|曾|此前|之前)\s?$"
_SANCTIONED = rf"被[{_HAN}]{{0,10}}?(?:罚款?|处罚|查处|立案|责令|通报|判)"
_SENTENCE_BOUND = "。!?;\n"

# What makes a text an offer whatever its heading: a way or a call to buy, a price now, a sale.
_SELLING = (r"链接|下单|拍下|拍\d|抢购|立即购买|点击购买|马上买|赶紧买|快来买|欢迎(?:选|订|购)购?|加购|购物车|订购热线"
            r"|现价|到手价?|券后|秒杀|特价|促销|优惠价|活动价|折扣|限时|包邮|全场|进店|直播间|开抢|[¥￥]\s?\d"
            r"|买\d(?:送|赠)|第\d件|满\d+减|半价|团购价|赠品"
            r"|\d+(?:\.\d+)?\s?元\s?(?:/|1|每)\s?(?:盒|瓶|件|套|支|袋|罐|斤|份|只|台)"
            # a call to act now (请立即下载XX清理大师): what a fake prompt is for
            r"|(?:立即|马上|立刻|赶快|赶紧)(?:点击|下载|安装|清理|领取|升级|扫码)")
# A heading in the voice of the device or the system (【系统提示】, ⚠系统提示:, 安全警告): a fake system prompt
# (IAM-11) is itself the ad's deception, whatever it calls itself.
_SYSTEM_VOICE = r"^[\s【\[(（⚠!]*[^\n:：】\]]{0,6}?(?:系统|安全|手机|设备|电脑|账户|账号|微信|支付宝)(?:提示|提醒|通知|警告|预警|公告|消息)"
# The quote is called what it is, near it: the reader is told to beware, or the claim is called illegal.
_BEWARE = (r"警惕|提防|别信|不要信|勿信|谨防|当心|举报|投诉|12315|上当|受骗|骗局|骗子|套路|陷阱|被罚|罚款|处罚|被判|"
           r"违法|违规|不会承诺|不得(?!不)|虚假"
           # … or the author disowns its own earlier wording (此前误写“可降血压”，该表述没有依据，已删除)
           rf"|{_DISOWNED}|已(?:全部)?删除|已撤下")
_TRAILING = ",.!;~|…\n\r "
_TURN = ["我们", "我家", "咱家", "本店", "本品", "本公司", "这款", "我店", "但是", "但", "不过", "可是"]
# The author speaking of its own goods: in a text headed as a notice or an after-sales rule, a claim
# made in these words, outside a quotation, is still the merchant's own promotion (「售后说明:本品能根治…」).
_OWN = ["本品", "本产品", "本店", "本公司产品", "本公司的产品", "我司产品", "我们的", "我们家", "我家", "咱家",
        "我店", "这款", "此款", "该款", "我们"]


def _quote_around(full: str, start: int, end: int, floor: int) -> tuple[int, int] | None:
    """The opening quote within 30 characters before the match (not before ``floor``) and its closing one
    within 30 after it (-1 when there is none), or None when the match is not inside a quote (it follows
    a closed one, or no quote opens before it)."""
    for i in range(start - 1, max(floor, start - 30) - 1, -1):
        ch = full[i]
        if ch in _CLOSING and not (ch in _SYMMETRIC and full.count(ch, floor, i) % 2 == 0):
            return None  # the match follows a quote, it is not inside one
        closing = _QUOTES.get(ch)
        if closing is not None:
            return i, full.find(closing, end, end + 30)
    return None


def _alt(words: list[str], fold: Callable[[str], str]) -> str:
    folded = sorted({fold(w) for w in words if fold(w)}, key=len, reverse=True)
    return "|".join(map(re.escape, folded))


class Reported:
    """The cue lists of this module compiled for one normaliser (built once per engine)."""

    def __init__(self, fold: Callable[[str], str]) -> None:
        self.question_re = re.compile(rf"{_alt(_A_NOT_A, fold)}|吗\s?\??$|么\s?\?$|\?\s*$")
        gap = rf"(?:(?![{_YES_CHARS}])[{_HAN}]){{0,4}}?"
        lead = rf"(?:(?:我们的|我们|我的|我|主播|客服|小编|老师|医生|药师)?(?:{_alt(_LEADS, fold)})(?:一下)?[:,]?\s*)?"
        # 没事, 没关系, 没问题 answer yes
        self.no_re = re.compile(rf"\s*{lead}{gap}(?:{_alt(_NO, fold)})(?!事|关系|问题|啥|什么问题|影响)")
        self.only_re = re.compile(rf"\s*{lead}{_ONLY}")
        self.referral_re = re.compile(_REFERRAL)
        self.classed_re = re.compile(_CLASSED)
        self.lead_only_re = re.compile(
            rf"\s*(?:这个|这点|这里|这事|这件事)?(?:我|主播|客服|小编|老师|医生|药师)?(?:必须|得|要|先|来)?"
            rf"(?:{_alt(_LEADS, fold)}){_LEAD_ONLY_TAIL}|{_ADDRESS_ONLY}")
        self.word_re = re.compile(rf"\s*(?:{_alt(_WORD_NOUNS, fold)})")
        self.mention_re = re.compile(rf"\s*(?:{_alt(_WORD_NOUNS + _KIND_NOUNS, fold)})")
        self.more_quotes_re = re.compile(_MORE_QUOTES)
        self.so_called_re = re.compile(r"所谓的?\s*$")
        self.citation_re = re.compile(_CITATION)
        # 宣称 reports another's assertion (某公司在官网宣称…), not the speaker's own (我们宣称…)
        self.others_act_re = re.compile(rf"{_alt(_OTHERS_ACT, fold)}|(?<!我们)(?<!咱们)(?<!本店)(?<!本品)(?<!我)宣称")
        self.condemned_re = re.compile(_CONDEMNED)
        self.turn_re = re.compile(_alt(_TURN, fold))
        self.notice_re = re.compile(_NOTICE_HEAD)
        self.notice_label_re = re.compile(_NOTICE_LABEL)
        self.document_head_re = re.compile(_DOCUMENT_HEAD)
        self.operating_head_re = re.compile(_OPERATING_HEAD)
        self.offer_re = re.compile(_OFFER)
        self.selling_re = re.compile(_SELLING)
        self.framed_head_re = re.compile(_FRAMED_HEAD)
        self.report_frame_re = re.compile(_REPORT_FRAME)
        self.authority_report_re = re.compile(_AUTHORITY_REPORT)
        self.narrated_re = re.compile(_NARRATED)
        self.sanctioned_re = re.compile(_SANCTIONED)
        self.own_re = re.compile(_alt(_OWN, fold))
        self.system_voice_re = re.compile(_SYSTEM_VOICE)
        self.beware_re = re.compile(_BEWARE)

    def answered_no(self, full: str, clause: tuple[int, int], following: list[tuple[int, int] | None],
                    end: int) -> bool:
        """Whether the match (ending at ``end``) sits in a question the next of the ``following`` clauses
        answers no (or restricts, and the clause after it says no); a lead-in clause on its own (我必须说清楚啊)
        is passed over."""
        s, e = clause
        nxt = following[0] if following else None
        if nxt is None or not self.question_re.search(full[s:max(end, e)].rstrip(_TRAILING)):
            return False
        while self.lead_only_re.fullmatch(full, nxt[0], nxt[1]):  # 姐姐，这个我必须讲清楚，…
            following = following[1:]
            nxt = following[0] if following else None
            if nxt is None:
                return False
        after = following[1] if len(following) > 1 else None
        if self.no_re.match(full, nxt[0], nxt[1]) or self.referred(full, nxt, following[1:]):
            return True
        return bool(after is not None and self.only_re.match(full, nxt[0], nxt[1])
                    and self.no_re.match(full, after[0], after[1]))

    def referred(self, full: str, clause: tuple[int, int], following: list[tuple[int, int] | None]) -> bool:
        """Whether ``clause`` sends the reader to a doctor, or names a condition a disease (湿疹属于皮肤病) and
        the clause after it does so: the condition is why the reader is sent, the goods are not said to treat it."""
        return bool(self.referral_re.fullmatch(full, *clause)
                    or self.classed_then_referred(full, clause, following[0] if following else None))

    def classed_then_referred(self, full: str, clause: tuple[int, int], nxt: tuple[int, int] | None) -> bool:
        """Whether ``clause`` only names a condition a disease and ``nxt`` sends the reader to a doctor."""
        return bool(nxt is not None and self.classed_re.fullmatch(full, *clause)
                    and self.referral_re.fullmatch(full, *nxt))

    def mentioned(self, full: str, start: int, end: int, clause: tuple[int, int]) -> bool:
        """Whether the match is named as words (quoted and called a word, phrase or kind of ad, or
        introduced by 所谓) rather than used."""
        s, e = clause
        if self.so_called_re.search(full, max(s, start - 6), start):
            return True
        # the match itself named as a word (开光这个词), or a quote around it named so
        if self.word_re.match(full, end):
            return True
        quote = _quote_around(full, start, end, s)
        if quote is None:
            return False
        i, j = quote
        if j < 0:
            return False
        # a list of quoted words named together (“最低价”“第一”等词语): the names follow the last quote
        after = self.more_quotes_re.match(full, j + 1)
        return bool(self.mention_re.match(full, after.end() if after else j + 1)
                    or self.so_called_re.search(full, max(0, i - 6), i))

    def quoted_in_notice(self, full: str, start: int, end: int) -> bool:
        """Whether the match is quoted (inside “…”, 「…」, '…') by a warning notice: the text is headed as one,
        or the quote is called illegal or something to beware of within a few characters before it or the
        sentence after it (常见的违法说法:'…', “高收益还保本”…听到这些话请立刻警惕)."""
        quote = _quote_around(full, start, end, max(0, start - 30))
        if quote is None or quote[1] < 0:
            return False
        opening, close = quote
        if self.notice_re.match(full):
            return True
        stop = min(len(full), close + 60)
        return bool(self.beware_re.search(full, max(0, opening - 12), opening)
                    or self.beware_re.search(full, close + 1, stop))

    def notice(self, full: str) -> bool:
        """Whether the text opens with a notice's own label (【通报】, 【案例】, 社区反诈提醒:): a warning or a case
        report, not an ad, so a document-level rule about what an ad must carry does not apply to it."""
        return bool(self.notice_label_re.match(full))

    def not_an_ad(self, full: str) -> bool:
        """Whether the text is, by its own heading or opening, a notice, correction, recall, platform or
        after-sales rule, judgment or news report (【通报】, 更正声明:, 召回公告:, 退费规则:, 法院审理查明) and
        nothing in it sells: not commercial promotion (广告法 Art. 2), so the claims it quotes, reports or
        denies are not asserted. A heading alone is not enough: 「店庆公告:全场最低价」 sells, and 【系统提示】 is
        a fake prompt's own voice."""
        if self.system_voice_re.match(full):
            return False
        if self.notice_label_re.match(full) or self.document_head_re.match(full):
            return not self.selling_re.search(full)
        head = self.operating_head_re.match(full)
        if head:  # the heading names the operator (第一百货商店乔迁公告:); the body must offer nothing
            return not (self.selling_re.search(full) or self.offer_re.search(full, head.end()))
        # a heading that only names a genre, or an authority's case report: the body must report conduct,
        # and a selling word in it must be narrated (已下单的顾客, the sanctioned party's 秒杀), not offered
        framed = ((self.framed_head_re.match(full) and self.report_frame_re.search(full))
                  or self.authority_report_re.match(full))
        return bool(framed) and not any(self._offered(full, m.start()) for m in self.selling_re.finditer(full))

    def _offered(self, full: str, start: int) -> bool:
        """Whether a selling word at ``start`` offers the goods: not marked past, and not in a sentence that
        reports a sanction."""
        if self.narrated_re.search(full, max(0, start - 3), start):
            return False
        lo = max((full.rfind(ch, 0, start) for ch in _SENTENCE_BOUND), default=-1) + 1
        hi = min((i for i in (full.find(ch, start) for ch in _SENTENCE_BOUND) if i >= 0), default=len(full))
        return not self.sanctioned_re.search(full, lo, hi)

    def own_claim(self, full: str, start: int, end: int, sentence: tuple[int, int]) -> bool:
        """Whether a match in a text that calls itself a notice or rule (``not_an_ad``) is nonetheless the
        author's own claim about its goods: its sentence names them (本品, 本店, 我们的…) before it, and it is
        not inside a quotation. A heading must not be a way round the law packs."""
        return bool(self.own_re.search(full, sentence[0], start)) and _quote_around(full, start, end, sentence[0]) is None

    def others_act(self, full: str, start: int, end: int, sentence: tuple[int, int]) -> bool:
        """Whether an impersonation, a suspicion or another's assertion before the match in its sentence makes
        it a report of someone else's conduct, or the sentence goes on to name it fraud or a violation."""
        return bool(self.others_act_re.search(full, sentence[0], start)
                    or self.condemned_re.search(full[end:sentence[1]]))

    def cited(self, full: str, start: int, line_start: int) -> bool:
        """Whether the match lies in a quotation of a statute: its line opens (within a few characters) by
        citing an article, and nothing between the citation and the match turns to the speaker's goods."""
        m = self.citation_re.search(full, line_start, min(start, line_start + 40))
        return (m is not None and m.start() - line_start <= 20
                and not self.turn_re.search(full, m.end(), start))
