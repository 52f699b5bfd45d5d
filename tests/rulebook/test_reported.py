"""Claims mentioned, asked about or quoted rather than made (riskguard/rulebook/reported.py), as tables."""

from __future__ import annotations

import pytest

from riskguard.rulebook.clauses import ClauseAnalyser, TextClauses
from riskguard.rulebook.normalise import Normaliser


@pytest.fixture(scope="module")
def analyser() -> tuple[Normaliser, ClauseAnalyser]:
    normaliser = Normaliser()
    return normaliser, ClauseAnalyser(normaliser.full_term)


def _place(analyser: tuple[Normaliser, ClauseAnalyser], text: str, word: str) -> tuple[TextClauses, int, int]:
    """The text's clause analysis and the full-view span of ``word`` in it."""
    normaliser, a = analyser
    full = normaliser.normalise(text).full.text
    w = normaliser.full_term(word)
    start = full.index(w)
    return a.analyse(full), start, start + len(w)


@pytest.mark.parametrize(("text", "word", "negated"), [
    # an A-not-A question answered no in the next clause(s)
    ("有顾客问这款茶能不能降血糖？不能。", "降血糖", True),
    ("这个枕头能不能治失眠，我实话实说：不能", "治失眠", True),
    ("有人问会不会保值？我的回答是不一定", "保值", True),
    ("有人问有没有医生推荐，我们不搞这个", "医生推荐", True),     # a refusal to do it
    ("有粉丝问是不是纯天然的，我说不是", "纯天然", True),
    ("问我有没有副作用？我不敢保证", "副作用", True),
    ("有人问戴了能不能招财，主播统一回复一下：不能", "戴了能不能招财", True),   # the question inside the match
    ("有人问能不能祛斑？它就是一款保湿霜，没有祛斑功效", "祛斑", True),     # restricts, then says no
    ("上课能不能包过，客服回复：世界上没有包过的考试", "包过", True),
    ("有人问种了能不能保证亩产八百——这个谁也保证不了", "保证亩产", True),    # a dash ends the question
    ("有姐姐问能不能降血脂——我必须说清楚啊，它就是一款花茶，不能降血脂", "降血脂", True),  # a lead-in clause
    # an address and a lead-in passed over, a restriction with its own subject, then no
    ("有个姐姐问这个牙膏能不能治牙周炎——姐姐，这个我必须讲清楚，牙膏就是清洁口腔的，它不能治牙周炎", "治牙周炎", True),
    # … or sends the asker to a doctor, after naming the condition a disease or not
    ("有家长问湿疹能不能用：湿疹属于皮肤病，请先带宝宝看儿科或皮肤科医生", "湿疹", True),
    ("有人问能不能治湿疹？建议去医院皮肤科看看", "治湿疹", True),
    ("有人问能不能治湿疹？不用去医院，用它就行", "治湿疹", False),
    ("有人问能不能治湿疹？皮肤科医生都推荐它", "治湿疹", False),
    ("有人问能不能治湿疹？湿疹属于皮肤病，用它三天就好", "治湿疹", False),
    ("有家人在公屏问：我有脂肪肝，吃这个能不能好？我跟你说实话，不能", "脂肪肝", True),  # quoted after 问：
    ("有家人在公屏问：吃这个能不能降血脂？能！", "降血脂", False),                      # answered yes
    # answered yes, or not answered at all: still a claim
    ("有人问这款茶能不能降血糖？能！喝一周就降", "降血糖", False),
    ("能不能降血糖？当然可以", "降血糖", False),
    ("能不能降血糖？喝了就知道", "降血糖", False),                    # a rhetorical question
    ("有人问开车前能不能喝，我说没事，度数低", "喝", False),            # 没事 answers yes
    ("这款茶能降血糖，不能不说是个好东西", "降血糖", False),            # no question at all
])
def test_questions_answered_no(analyser: tuple[Normaliser, ClauseAnalyser], text: str, word: str,
                               negated: bool) -> None:
    clauses, start, end = _place(analyser, text, word)
    assert clauses.negated(start, end) is negated


@pytest.mark.parametrize(("text", "word", "reported"), [
    # quoted and named as a word, a slogan or a kind of content
    ("“纳米修复”这个词在化妆品里是不允许用的", "纳米修复", True),
    ("收到写着「好评返现」之类的卡片请联系平台", "好评返现", True),
    ("遇到『手机中毒请立即清理』这类弹窗，请直接关闭", "手机中毒", True),
    ("转运这个说法在广告里不能出现", "转运", True),                       # bare, named as a word
    ("有商家在标题中使用“最低价”“第一”等词语，平台将下架", "最低价", True),   # a list of quotes named together
    ("不得使用『包过』、『保分』这类说法", "包过", True),
    ("“最低价”“第一名”，今天下单再立减", "最低价", False),                    # a list, named as nothing
    ("所谓“量子能量”手环，其实就是普通硅胶", "量子能量", True),
    # a statute quoted on a line that cites it
    ("广告法第十七条：除医疗、药品、医疗器械广告外，禁止其他任何广告涉及疾病治疗功能", "治疗", True),
    ("《广告法》第二十五条规定，招商广告不得对未来收益作出保证性承诺；应当合理提示风险", "保证", True),
    ("致各门店：根据《广告法》的规定，酒类广告不得表现驾驶车、船、飞机等活动", "驾驶", True),  # by title
    ("根据《广告法》规定，我们这款酒开车前也能喝", "开车", False),        # turns to its own goods
    # a use of the words, not a mention
    ("“纳米修复”科技，三天焕新肌肤", "纳米修复", False),
    ("好评返现的活动还有三天结束", "好评返现", False),
    ("转运珠手链，戴上就转运", "转运", False),
    ("广告法第九条规定不得使用最佳，但我们的面霜真的是最好的", "最好", False),  # the speaker turns to its goods
    ("评论区控评话术：'用了一周就白了'", "控评", False),                    # 话术 are lines to post
    # someone else's act or a suspicion, reported
    ("近日有不法分子冒充本店客服拉人进群返现", "返现", True),
    ("后台发现几笔疑似虚假交易的订单，已全部关闭", "虚假交易", True),
    ("本店招聘兼职，日结返现", "返现", False),
    # another's assertion reported, or the conduct named fraud or superstition afterwards
    ("有人上门推销'转运'手串，声称能消灾", "转运", True),
    ("凡是让你扫码付款的都是骗子", "扫码付款", True),
    ("看手相算命都是没有科学依据的", "算命", True),
    ("凡宣称'保证亩产''包赚钱'的广告，均违反《广告法》第二十七条", "保证亩产", True),  # said to break a law
    ("不存在稳赚不赔的投资，凡是承诺高收益的都要警惕", "高收益", True),              # the reader told to beware
    ("承诺高收益，都要抓紧上车", "高收益", False),
    ("别家的都是假货，大家都要警惕", "假货", False),                                  # the claim, then a warning
    ("据通报，某公司因宣称“国家级产品”被罚款20万元", "国家级", True),               # an enforcement report
    ("某教育公司在官网宣称讲师为命题考官", "命题考官", True),                       # another's assertion
    ("我们宣称的都是实话：讲师是命题考官", "命题考官", False),                       # … not across a sentence
    ("有商家称讲师是命题考官，被市场监管部门罚款3万元", "命题考官", True),          # sanctioned by a named body
    ("讲师是命题考官，被学员评为最受欢迎老师", "命题考官", False),                  # 被 without a sanction
    ("被告在直播中称其茶叶“能治糖尿病”，被法院判令赔偿", "治糖尿病", True),          # a court's judgment
    ("一些直播间把普通压片糖果说成“降三高”，专家提醒不要轻信", "降三高", True),       # a misrepresentation reported
    ("这款压片糖果能降三高，专家都说好", "降三高", False),
    ("网上有人说我们家是“全网最低价”，这不是我们说的", "全网最低价", True),       # disowned by the speaker
    ("有人说喝这个能治咳嗽，那是没有根据的", "治咳嗽", True),                       # called groundless
    ("我们家就是全网最低价，这是我们说的", "全网最低价", False),
    ("网上出现以“某明星推荐”名义宣传本院的视频，本院已向平台投诉", "明星推荐", True),  # a quote complained of
    ("“某明星推荐”，有问题欢迎来电咨询", "明星推荐", False),
    ("有人说喝这个能抗癌，那是谣言，我们从来没这么说过", "抗癌", True),              # named a rumour
    ("消费者协会提醒：宣传“保本保息”的理财都可能是非法集资", "保本保息", True),
    ("扫码付款更便宜，这不是骗子", "扫码付款", False),
    ("私下转账更划算，我们是正规商家", "私下转账", False),
    ("谁跟你说包过你就离他远点", "包过", True),                                       # keep away from who says it
    ("谁说稳赚不赔你千万别信", "稳赚不赔", True),
    ("这个课包过，不信的离他远点", "包过", False),                                    # the claim, then a taunt
    # quoted by a warning notice: headed as one, or the quote called illegal / something to beware of
    ("【消费提醒】直播间里说“喝三天就能降血糖”的，请不要相信", "降血糖", True),
    ("街道防骗提示：“稳赚不赔、按月返息”是常见的开场白", "稳赚不赔", True),
    ("有推销员挨家说“这个床垫能治腰椎病”，听到请立即拨打12315", "治腰椎病", True),
    ("这类宣传属于违法用语：“根治鼻炎”", "根治鼻炎", True),
    ("【温馨提示】“三天见效”，坚持使用效果更佳", "三天见效", False),                  # a shop's own tip
    ("店长推荐“全网最低价”，今天下单再送礼品", "全网最低", False),                    # quoted for emphasis
    ("我们的面霜“七天美白”，不得不说真的好用", "七天美白", False),                    # 不得不说 is not 不得
    ("“根治鼻炎”，三个疗程见效，骗你是小狗", "根治鼻炎", False),                      # no warning: a boast
])
def test_mentions_and_citations(analyser: tuple[Normaliser, ClauseAnalyser], text: str, word: str,
                                reported: bool) -> None:
    clauses, start, end = _place(analyser, text, word)
    assert clauses.reported(start, end) is reported


@pytest.mark.parametrize(("text", "word", "negated"), [
    ("请勿添加自称官方客服的私人微信", "私人微信", True),     # a prohibition governs its whole object
    ("本店不招聘任何兼职刷单人员", "刷单", True),             # 不 + verb + 任何 covers the quantified noun
    ("本店不搞任何“晒图返现”“好评有礼”活动", "好评有礼", True),  # across quote marks
    ("本店不接受任何形式的私下转账", "私下转账", True),        # 的 inside the quantified object
    ("我们不会让任何人加微信付款", "加微信", True),            # a cue right before 让 negates the causing
    ("我们的客服不会主动让你加QQ", "加qq", True),              # … with a manner adverb between
    ("评价全凭自愿，不会因为好评给任何返现", "好评给任何返现", True),  # … or before the reason for the act
    ("因为好评给返现，所以大家都不会差评", "好评给返现", False),
    ("我们不说什么国家推荐", "国家推荐", True),
    ("今天不跟大家聊什么升值不升值,房子是拿来住的", "升值", True),   # a topic refused
    ("咱们不谈回报,只看户型", "回报", True),
    ("不聊了,这套房子三年升值50%", "升值", False),           # the refusal ends with its clause
    ("让你加微信的客服不会骗你", "加微信", False),
    ("没有的小朋友回家叫爸爸买", "叫爸爸买", False),          # 的 still closes a plain negation's scope
    ("不吃药的那种降血压方法", "降血压", False),
])
def test_scope_of_prohibitions_and_quantifiers(analyser: tuple[Normaliser, ClauseAnalyser], text: str,
                                               word: str, negated: bool) -> None:
    clauses, start, end = _place(analyser, text, word)
    assert clauses.negated(start, end) is negated


@pytest.mark.parametrize(("text", "notice"), [
    ("【通报】广东公布保健食品违法广告典型案例：有商家称灵芝孢子油“治愈万症”", True),
    ("【案例】某教育公司在官网宣称讲师为“命题考官”", True),
    ("【3·15提醒】酒类广告里常见的违法说法", True),
    ("社区反诈提醒：上门推销保健品的都是骗局", True),
    ("【消费提示】购买保健食品认准蓝帽子", True),
    ("【召回公告】我公司生产的布洛芬混悬液因标签印刷错误主动召回", True),
    ("记者调查发现，一些直播间把压片糖果说成“降三高”", True),
    ("本报讯 市场监管局近日公布一批虚假宣传案例", True),
    ("【判决】某区法院判决：某商家宣称“全网最低价”构成虚假宣传", True),
    ("我们的记者同款面霜，今天特价", False),
    # a label the word only begins, a seller's own tip or risk statement, or no label at all: may be an ad
    ("【案例分享】退休教师刘阿姨的故事：每天喝一支口服液", False),
    ("【避坑指南】选鱼油看这三点，我们家的鱼油全部达标", False),
    ("【温馨提示】鱼油软胶囊每天两粒", False),
    ("风险提示：本产品年化收益8%", False),
    ("灵芝孢子粉，通报：今日特价", False),
])
def test_notice_label(analyser: tuple[Normaliser, ClauseAnalyser], text: str, notice: bool) -> None:
    normaliser, a = analyser
    assert a.reported.notice(normaliser.normalise(text).full.text) is notice


@pytest.mark.parametrize(("text", "not_ad"), [
    # a heading that says what the document is, without brackets
    ("更正声明:本店此前在详情页中使用的'行业第一'表述缺乏依据,已删除", True),
    ("更正说明:此前活动海报上写了'降血压',表述有误", True),
    ("关于部分批次驼奶粉的召回公告:因产品标签中含有'降血糖'等不当宣称,本公司决定主动召回", True),
    ("平台公告:对组织刷单、好评返现等行为,平台将删除相关评价", True),
    ("关于弹窗广告的用户须知:本App内的弹窗广告均设有关闭按钮", True),
    ("售后说明:如经法定检验机构检测发芽率低于标注值,本公司依法赔偿", True),
    ("退费规则:开课后按剩余课时比例退费,已发放的教材按成本价扣除", True),
    ("市场监管部门提醒:凡宣称包治百病的都是虚假广告", True),
    # a court's or a news outlet's narrative
    ("法院审理查明,被告公司以'年化18%、保本保息'为诱饵向社会公众吸收资金", True),
    ("某法院审结一起刷单纠纷:刷手起诉商家要求支付刷单佣金", True),
    ("央视3·15点名某高价白酒宣传'辅助降压、改善睡眠'", True),
    ("【通报】某商家宣称灵芝孢子油“治愈万症”被罚款", True),
    # a heading naming only the genre, over a body that reports conduct corrected or sanctioned; an authority's
    # case report; a selling word in it narrated (已下单的顾客, the sanctioned party's 秒杀), not offered
    ("【店铺整改公告】本店详情页曾使用「消炎止痒」等表述,不符合广告法的规定,已全部删除。已下单的顾客可退货", True),
    ("【以案说法】某区法院近日审结一起非法吸收公众存款案", True),
    ("【案例评析】某药房在直播中开展秒杀销售,被市场监管部门罚款70万元", True),
    ("关于「好评返现」的小知识:经营者以返现诱导好评属于违法行为", True),
    ("济南市市场监管局公布一起典型案例:某公司宣称床垫能治病", True),
    ("东阳市场监管局查处一起利用儿童代言案:某培训机构用未满十周岁学员的照片配上“代言人”字样", True),
    ("某区市场监管局立案查办一起虚假宣传案件,涉事商家宣称床垫能治病", True),
    # … but not when the text then sells, nor a merchant merely naming the authority
    ("某区市场监管局查处一起虚假宣传案:别家床垫是假货,我们的床垫现价999元点击链接下单", False),
    ("市场监管局查处过我们的对手,我们的床垫能治病", False),
    # an operator's notice of where or when it does business, offering nothing
    ("第一创远证券(东门营业部)乔迁公告:自3月1日起迁至东门路8号2楼,业务办理不受影响", True),
    ("关于春节期间营业时间调整的通知:2月9日至2月12日暂停营业,线上服务照常", True),
    ("第一百货商店乔迁公告:自6月1日起迁至人民路8号,营业时间不变", True),     # the name in the heading
    ("乔迁公告:迁至新址,全市第一家智能网点", False),
    ("乔迁公告:新址开业,稳健理财年化8%", False),
    ("搬迁公告:新店新品上市,欢迎选购", False),
    ("乔迁公告:迁至新址,新发基金今日开售", False),
    ("【新品说明】这款面霜补水保湿", False),
    ("【店铺公告】双十一全场五折,今晚秒杀", False),
    ("【店铺整改公告】部分表述已删除,新品现价99元", False),
    # a merchant's own notice, or any heading over a text that sells, is an ad
    ("店庆公告:全场最低价,今晚八点开抢", False),
    ("活动公告:本品降血压效果好", False),
    ("售后说明:7天无理由退换,现价99元,点击链接下单", False),
    ("更正说明:昨天直播间的价格写错了,今天到手价199", False),
    ("【召回公告】旧款已召回,新款特价¥99", False),
    ("本店公告:祖传秘方根治鼻炎", False),
    ("医生提醒:这款鱼油买二送一", False),
    ("我们法院旁边的店,今天全场五折", False),
    # a fake system prompt (IAM-11) is the deception itself, not a notice about one
    ("【系统提示】检测到您的手机已感染病毒(3个),请立即下载XX清理大师进行清理!", False),
    ("⚠系统提示:您的手机已感染3个病毒,电池损耗87%!", False),
])
def test_not_an_ad(analyser: tuple[Normaliser, ClauseAnalyser], text: str, not_ad: bool) -> None:
    normaliser, a = analyser
    assert a.reported.not_an_ad(normaliser.normalise(text).full.text) is not_ad
