"""Claim frames on text the rules were not written from: two sets of short ads, listings and live-stream
lines written for issue #15 after the frames (rules/cn/adlaw-frames.yaml, aucl-frames.yaml, rules/lexicons/),
half violations in wordings no rule example uses, half hard negatives with the same words. Screened with each
kind's default policy, as POST /v1/screen/<kind> does: a violation must not be allowed, a compliant text must be.
"""

from __future__ import annotations

import pytest

from riskguard.config import PROJECT_ROOT
from riskguard.rulebook import Rulebook, ScreenInput, evaluate, load_rulebook


@pytest.fixture(scope="module")
def book() -> Rulebook:
    return load_rulebook(PROJECT_ROOT / "rules", PROJECT_ROOT / "policies")


CASES = [  # (text, kind, category, violation)
    ('等会儿开价的时候，中控把公屏刷满“买到了”，别让人看出来是自己人', 'livestream', 'general', True),
    ('新品前三天让店员用自己的号各下两单，写点使用感受，钱公司报', 'ad', 'cosmetics', True),
    ('小号们准备好，主播一说库存不多了就刷“还有吗”“抢不到”', 'livestream', 'general', True),
    ('找二十个宝妈冒充顾客去店里排队，每人给50元', 'ad', 'food', True),
    ('公屏里扣“想要”的宝宝，我按顺序给你们回复', 'livestream', 'general', False),
    ('平台规则：禁止商家使用小号刷评价，违者扣分', 'ad', 'general', False),
    ('本店的买家秀均为顾客自拍，未经修图', 'ad', 'general', False),
    ('其他主播卖的防晒全是化学防晒剂加香精，抹了就闷痘', 'livestream', 'cosmetics', True),
    ('外面那些商家的牛肉干大部分是猪肉加牛肉香精做的', 'ad', 'food', True),
    ('市面上大多数充电器都是杂牌货，插上就发烫', 'listing', 'electronics', True),
    ('同类湿巾很多都加了荧光增白剂和酒精，我们一概不加', 'ad', 'baby', True),
    ('别的直播间九块九的虾仁都是泡过药水的保水虾', 'livestream', 'food', True),
    ('各家的牛肉干口味不同，我们偏辣，欢迎对比', 'ad', 'food', False),
    ('与同类充电器相比，我们多了一个C口', 'listing', 'electronics', False),
    ('防晒霜分物理防晒和化学防晒，各有特点（科普）', 'ad', 'cosmetics', False),
    ('桑叶茶，专调血糖，糖尿病人的好帮手', 'ad', 'food', True),
    ('这个蜂胶牙膏，牙周炎刷一周就消了', 'livestream', 'food', True),
    ('老鸭汤料包，滋阴润肺，久咳不愈的喝它', 'ad', 'food', True),
    ('远红外护膝，关节炎、风湿骨痛统统赶走', 'ad', 'general', True),
    ('酸枣仁膏，调治失眠多梦', 'ad', 'food', True),
    ('艾草洗发水，断根脱发', 'ad', 'cosmetics', True),
    ('苦瓜片降血糖效果一级棒', 'ad', 'food', True),
    ('玉米须茶 利尿消肿 缓解肾炎', 'listing', 'food', True),
    ('玉米须茶，清淡解腻，饭后一杯', 'ad', 'food', False),
    ('孕期便秘的妈妈，建议咨询医生后调整饮食', 'ad', 'food', False),
    ('护膝保暖，适合冬季骑行', 'ad', 'general', False),
    ('酸枣仁膏，晚上来一勺，口感酸甜', 'ad', 'food', False),
    ('这款酱香是给部委食堂定点供应的，外面很难买到', 'ad', 'alcohol', True),
    ('国家机关事务局认可的有机大米', 'ad', 'food', True),
    ('这套茶具是外交部送外宾的国礼同款', 'livestream', 'general', True),
    ('政府机关专用办公椅，久坐不累', 'ad', 'general', True),
    ('本公司为市政府采购项目中标单位之一（公告编号见官网）', 'ad', 'general', False),
    ('外交部领事服务提醒：出行前查询目的地安全信息', 'ad', 'general', False),
    ('国旗图案内裤 男士个性平角裤', 'listing', 'apparel', True),
    ('五星红旗地垫 玄关防滑', 'ad', 'general', True),
    ('儿童中国地图拼图（简化版，地图上没有南海诸岛）', 'listing', 'publications', True),
    ('学校升旗仪式用国旗，国标尺寸', 'ad', 'general', False),
    ('中国地图拼图（含南海诸岛，审图号GS(2023)567号）', 'listing', 'publications', False),
    ('跟着我们的策略，稳稳地赚，亏了算我的', 'ad', 'finance', True),
    ('加盟茶饮店，投进去就回本，三个月躺赚', 'ad', 'general', True),
    ('这个币现在入场，年底翻五十倍不是梦', 'livestream', 'finance', True),
    ('这批邮票明年身价翻三倍，现在不入更待何时', 'ad', 'general', True),
    ('基金有风险，过往业绩不预示未来，请谨慎选择', 'ad', 'finance', False),
    ('加盟费用明细：品牌使用费2万元，设备费3万元', 'ad', 'general', False),
    ('名校划片确定，买到就是稳赚，房价只涨不跌', 'ad', 'real_estate', True),
    ('我跟开发商内部关系好，这套转手至少赚一百万', 'livestream', 'real_estate', True),
    ('学区划分以当年教育局公布为准，本广告不作承诺', 'ad', 'real_estate', False),
    ('只剩最后两套了，倒数五个数，手慢无，五四三二一', 'livestream', 'general', True),
    ('这款只剩两套了，后台实时库存，喜欢的慢慢挑', 'livestream', 'general', False),
    ('小朋友们，快去找妈妈说你也要这个变形金刚', 'livestream', 'general', True),
    ('适合3-6岁儿童，家长陪同使用', 'ad', 'general', False),
    ('一会儿我喊上车，后台的兄弟们用备用号在公屏打“付了”“秒没”', 'livestream', 'general', True),
    ('开业头三天，门口排队的都是我们花钱请来的，效果拉满', 'ad', 'food', True),
    ('让运营小伙伴每人写五条带图评价，图片用仓库实拍的', 'ad', 'general', True),
    ('后台小伙伴帮我看下哪个颜色卖得好', 'livestream', 'general', False),
    ('我们承诺不刷单、不买评价，所有评价真实可查', 'ad', 'general', False),
    ('其他主播卖的腊肠都是死猪肉做的，吃了要出事', 'livestream', 'food', True),
    ('某些网红品牌的面膜加了荧光剂，敷完脸发红', 'ad', 'cosmetics', True),
    ('外面那些一百多的羽绒服，充的都是飞丝和毛片', 'ad', 'apparel', True),
    ('羽绒服选购看充绒量和含绒量，本款含绒量90%', 'ad', 'apparel', False),
    ('别家的腊肠偏甜，我们是川味麻辣的', 'livestream', 'food', False),
    ('牛蒡茶，便秘一扫光，三天见效', 'ad', 'food', True),
    ('这个蒲公英茶啊，乳腺增生的姐妹喝它就对了', 'livestream', 'food', True),
    ('磁疗床垫，腰椎间盘突出睡一个月就好了', 'ad', 'general', True),
    ('黑豆水降三高，还能防中风', 'ad', 'food', True),
    ('草本药皂，湿疹、脚气、灰指甲统统搞定', 'ad', 'cosmetics', True),
    ('洋葱红酒，软化血管，告别心脑血管疾病', 'ad', 'food', True),
    ('黑豆营养丰富，可做豆浆、煮粥', 'ad', 'food', False),
    ('草本香皂，温和清洁，泡沫细腻', 'ad', 'cosmetics', False),
    ('床垫软硬适中，支撑腰部，睡感舒适', 'ad', 'general', False),
    ('这款酒是国宾馆宴请外宾的指定用酒', 'ad', 'alcohol', True),
    ('国管局食堂同款菜籽油', 'ad', 'food', True),
    ('本店菜籽油通过国家食品安全抽检（抽检结果可在市场监管总局网站查询）', 'ad', 'food', False),
    ('军旗图案袜子 潮流男袜', 'listing', 'apparel', True),
    ('中国地图挂毯（去掉了台湾岛，更简洁）', 'ad', 'general', True),
    ('中国地图挂毯，标准地图，审图号GS(2022)4321号', 'ad', 'general', False),
    ('跟我买这只股，妥妥的翻倍', 'ad', 'finance', True),
    ('这套茶具今年入手，过两年价值翻十倍', 'ad', 'general', True),
    ('入了这个项目，闭着眼都能赚钱', 'livestream', 'finance', True),
    ('投资有风险，选择需谨慎，收益以实际为准', 'ad', 'finance', False),
    ('这台电脑闭眼入，性能稳稳的', 'ad', 'electronics', False),
    ('业主买入一年后转手净赚八十万，下一个就是你', 'ad', 'real_estate', True),
    ('本项目不承诺升值，房价以备案价为准', 'ad', 'real_estate', False),
    ('最后五单啊，倒计时三秒，三、二、一，没了就没了', 'livestream', 'general', True),
    ('最后五单，要的抓紧，后面还会补货', 'livestream', 'general', False),
    ('小宝贝们，回家告诉爸爸你也要这个奥特曼', 'livestream', 'general', True),
    ('给孩子选玩具，家长要看3C标志', 'ad', 'general', False),
]


@pytest.mark.parametrize(("text", "kind", "category", "violation"), CASES)
def test_claim_frames_on_unseen_wording(book: Rulebook, text: str, kind: str, category: str, violation: bool) -> None:
    decision = evaluate(book, ScreenInput(text=text, kind=kind, category=category, labelled_as_ad=True))
    assert (decision.decision != "allow") is violation, [f.rule_id for f in decision.findings]
