"""Write eval/onboarding/applications.jsonl: merchant applications with the decision the law and the
platform's published rules call for, each with its failure kinds and its basis.

    python eval/onboarding/make.py

The cases below were written from the statutes, GB 32100 / GB 11643 / GB 11714 and the category
licensing rules (see README.md), not from riskguard's checks, and before the corpus was first run.
Identifiers get their check characters from tests/onboarding/builders.py, which computes them from the
standards' weights without riskguard. Everything is deterministic (a fixed seed, a fixed evaluation
date), so running this again writes the same file; a line that already has a split keeps it.
"""

from __future__ import annotations

import json
import random
import sys
from datetime import date, timedelta
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent.parent / "tests"), str(HERE.parent)]

from onboarding.builders import card, resident_id, resident_id_from, uscc  # noqa: E402
from split import assign_splits  # noqa: E402

OUT = HERE / "applications.jsonl"
AS_OF = date(2026, 12, 1)  # the evaluation date every expectation below is written for
random.seed(21)


def day(offset: int) -> str:
    return (AS_OF + timedelta(days=offset)).isoformat()


# -- legal bases quoted by the cases -----------------------------------------------------------------
ECL12 = "电子商务法 第12条（依法取得相关行政许可）"
ECL15 = "电子商务法 第15条（公示营业执照信息）"
ECL27 = "电子商务法 第27条（平台核验登记经营者身份、地址、联系方式、行政许可）"
GB32100 = "GB 32100-2015 统一社会信用代码：字符集、第18位校验码"
GB32100_TABLE = "GB 32100-2015 表2/表3 登记管理部门代码与机构类别代码"
GB11714 = "GB 11714-1997 组织机构代码（统一代码第9-17位）本体校验码"
GB11643 = "GB 11643-1999 公民身份号码：第18位校验码、出生日期码"
CIVIL17 = "民法典 第17条（十八周岁以上为成年人）"
FSL35 = "食品安全法（2021修正）第35条：从事食品销售应取得许可；仅销售预包装食品的不需许可，应备案"
FOOD_FILING = "食品经营许可和备案管理办法（2023）第2、4、5条：仅销售预包装食品（含保健食品等特殊食品）备案即可"
EDIBLE_FARM = "食品安全法 第35条：销售食用农产品不需要取得许可"
DEVICE2 = "医疗器械监督管理条例（2021）第41条：经营第二类医疗器械实行备案"
DEVICE3 = "医疗器械监督管理条例（2021）第42条：经营第三类医疗器械实行许可"
DRUG = ("药品管理法 第51条（药品经营许可证）；药品网络销售监督管理办法（2022）；"
        "互联网药品信息服务管理办法 第5条（互联网药品信息服务资格证书）")
PUB = "出版管理条例 第35条（出版物发行需出版物经营许可证）"
PEST = "农药管理条例（2017）第24条：农药经营许可，经营卫生用农药的除外"
SEED = "种子法（2021）第33条：只销售不再分装的包装种子的，不需办理种子生产经营许可证"
FIN = "商业银行法 第11条、保险法 第67条、证券法 第120条：金融业务须经国务院金融监管机构许可"
PAY = "非银行支付机构监督管理条例（2023）第3、8条：从事支付业务须经中国人民银行批准，取得支付业务许可证"
DEGREE = "学位法（2024）、民办教育促进法 第18条：学历教育和学位授予须经审批，办学许可证"
TUTOR = ("关于进一步减轻义务教育阶段学生作业负担和校外培训负担的意见（2021）、"
         "校外培训行政处罚暂行办法（2023）：学科类校外培训须经审批")
COMPANY13 = "公司法（2023）第13条：分公司不具有法人资格，其民事责任由公司承担"
SETTLE = "平台结算规则：结算账户户名须为入驻主体（个体工商户可为经营者本人）；人民币银行结算账户管理办法"
BANK = "人民币银行结算账户管理办法：结算账户开立于银行业金融机构；支付机构账户不是银行结算账户"
CARD_LEN = "银联借记卡卡号 16-19 位（LAW.md 身份标识格式）"
CNAPS = "支付系统报文的账号字段最长 32 位（未核验）"
LUHN = "ISO/IEC 7812-1 Luhn 校验（银行卡号）；对公账号不是卡号，没有 Luhn 校验位"
MOBILE = "平台规则：联系手机须为可接收短信的中国大陆手机号（电子商务法 第27条 联系方式核验）"
DIVERT = "平台交易规则（禁止站外引流、私下交易）；电子商务法 第27条"
ADLAW93 = "广告法 第9条第3项（国家级、最高级、最佳等用语）"
ADLAW17 = "广告法 第17条（非医疗商品不得涉及疾病治疗功能）"
ADLAW18 = "广告法 第18条（保健食品广告不得表示功效保证、与药品比较）"
ADLAW24 = "广告法 第24条（教育培训不得承诺通过、保证效果）"
ADLAW25 = "广告法 第25条（投资不得承诺收益、保本）"
TITLES = "广告绝对化用语执法指南（2023）：商品名称、书名等名称中含有的用语不属于绝对化用语"
GUIDE = "广告绝对化用语执法指南（2023）：普通词语、规格表述、服务态度不属于绝对化用语"
HOTLINE = "平台规则：品牌400/800售后热线不属于站外引流"
DUP = "平台规则：同一证照、身份证、手机号、结算账户用于多个申请须人工确认（电子商务法 第27条 核验）"
LICENCE = "电子商务法 第12、15条；营业执照有效期届满未续期不得继续经营"

# -- the people and places the applications are made of --------------------------------------------
CITIES = [  # (administrative division code of the registering authority, address)
    ("330106", "浙江省杭州市西湖区文三路{n}号"), ("330108", "浙江省杭州市滨江区江南大道{n}号"),
    ("440106", "广东省广州市天河区体育西路{n}号"), ("440305", "广东省深圳市南山区科技园南区{n}栋"),
    ("310115", "上海市浦东新区张江路{n}号"), ("110105", "北京市朝阳区建国路{n}号"),
    ("510107", "四川省成都市武侯区人民南路四段{n}号"), ("420106", "湖北省武汉市武昌区中南路{n}号"),
    ("320102", "江苏省南京市玄武区中山路{n}号"), ("350203", "福建省厦门市思明区湖滨南路{n}号"),
    ("370102", "山东省济南市历下区泉城路{n}号"), ("610113", "陕西省西安市雁塔区小寨东路{n}号"),
]
TRADITIONAL_ADDRESSES = ["廣東省廣州市越秀區北京路{n}號", "福建省廈門市鼓浪嶼龍頭路{n}號",
                         "浙江省溫州市鹿城區五馬街{n}號", "廣東省佛山市順德區大良鎮華蓋路{n}號"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
GIVEN = ["伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "秀英",
         "霞", "平", "刚", "桂英", "建华", "晓东", "海燕", "志强", "丽华", "国庆", "春梅", "宇轩"]
MOBILE_PREFIXES = ["138", "139", "150", "151", "186", "187", "177", "199", "135", "158", "166", "182"]
BANKS = {  # bank: how its corporate settlement account numbers look (digits, by n)
    "中国工商银行杭州西湖支行": lambda n: f"1202021209900{n:06d}",     # 19 digits, branch-coded
    "中国建设银行股份有限公司广州天河支行": lambda n: f"4405011016270000{n:04d}",  # 20 digits
    "中国银行上海市张江支行": lambda n: f"4{n:05d}123456",             # 12 digits
    "交通银行北京朝阳支行": lambda n: f"110060149018010{n:06d}",       # 21 digits
    "招商银行成都分行营业部": lambda n: f"128905{n:06d}801",           # 15 digits
    "中国农业银行武汉中南路支行": lambda n: f"170401040{n:08d}",       # 17 digits
    "兴业银行南京分行": lambda n: f"409410100100{n:06d}",             # 18 digits
    "中国工商银行深圳华强支行": lambda n: f"4000021209200{n:06d}",     # 19 digits, starts with 4
    "浙江杭州余杭农村商业银行": lambda n: f"201000{n:09d}",            # 15 digits
    "中信银行济南分行": lambda n: f"81122010{n:011d}",                  # 19 digits
}
BANK_NAMES = list(BANKS)
PERSONAL_CARD_BINS = ["621700", "622848", "621226", "622202", "621483", "622588", "623668"]


class Entity:
    """A registered business and its people: every identifier unique to ``n``."""

    def __init__(self, n: int, *, code: str = "91", name: str | None = None, city: int | None = None) -> None:
        self.n = n
        region, address = CITIES[(city if city is not None else n) % len(CITIES)]
        self.region = region
        org = f"MA{(n * 7919) % 10**6:06d}" if n % 3 else f"{(n * 104729 + 31) % 10**8:08d}"
        self.uscc = uscc(kind=code, region=region, org=org)
        self.code = code
        self.rep = SURNAMES[n % len(SURNAMES)] + GIVEN[(n * 7) % len(GIVEN)]
        born = date(1958, 1, 1) + timedelta(days=(n * 613) % 14000)
        self.rep_id = resident_id(born, region=region, seq=n % 1000)
        p1, p2 = MOBILE_PREFIXES[n % 12], MOBILE_PREFIXES[(n + 5) % 12]
        self.rep_phone = f"{p1}{1000 + n:04d}{(n * 37) % 10000:04d}"
        self.contact = f"{p2}{5000 + n:04d}{(n * 53) % 10000:04d}"
        self.address = address.format(n=n % 300 + 1)
        self.bank = BANK_NAMES[n % len(BANK_NAMES)]
        self.account = BANKS[self.bank](n)
        self.name = name or f"{address[3:5]}青禾{n:03d}贸易有限公司"

    def application(self, cats: list[str], quals: list[dict[str, Any]] | None = None, *,
                    store: str | None = None, desc: str | None = None, **over: Any) -> dict[str, Any]:
        app: dict[str, Any] = {
            "id": "", "business_name": self.name, "store_name": store or f"{self.name[:4]}生活馆",
            "store_description": desc if desc is not None else "本店商品均为正品，支持七天无理由退货。",
            "uscc": self.uscc, "business_license_valid_until": day(365 * 8 + self.n),
            "legal_rep": {"name": self.rep, "id_number": self.rep_id, "phone": self.rep_phone},
            "contact_phone": self.contact,
            "bank_account": {"number": self.account, "holder": self.name, "bank": self.bank},
            "registered_address": self.address, "categories": cats, "qualifications": quals or [],
        }
        for key, value in over.items():
            target = app
            *path, last = key.split(".")
            for part in path:
                target = target[part]
            target[last] = value
        return app


def q(qtype: str, number: str, until: str | None = None) -> dict[str, Any]:
    return {"type": qtype, "number": number, "valid_until": until}


FOOD_LIC = lambda n: q("food_business_license", f"JY1330106{n:06d}{n % 10}", day(1400 + n))  # noqa: E731
FOOD_FILE = lambda n: q("prepackaged_food_filing", f"YB1330106{n:06d}{n % 10}", None)  # noqa: E731
DEV2 = lambda n: q("medical_device_class2_filing", f"浙杭药监械经营备2023{n:04d}号", None)  # noqa: E731
DEV3 = lambda n: q("medical_device_business_license", f"浙杭药监械经营许2023{n:04d}号", day(1500 + n))  # noqa: E731
DRUG_LIC = lambda n: q("drug_business_license", f"浙AA571{n:04d}", day(1300 + n))  # noqa: E731
DRUG_NET = lambda n: q("internet_drug_information_certificate", f"（浙）-经营性-2024-{n:04d}", day(1600 + n))  # noqa: E731
PUB_LIC = lambda n: q("publication_business_license", f"新出发浙字第Z-{n:04d}号", day(1700 + n))  # noqa: E731
PEST_LIC = lambda n: q("pesticide_business_license", f"农药经许（浙）330106{n:05d}", day(1800 + n))  # noqa: E731
FIN_LIC = lambda n: q("financial_license", f"B0{n:03d}H2330100{n:03d}", None)  # noqa: E731
PAY_LIC = lambda n: q("payment_business_license", f"Z20{n:03d}33000010", day(1000 + n))  # noqa: E731
SCHOOL = lambda n: q("school_operation_license", f"教民1330106700{n:04d}号", day(1200 + n))  # noqa: E731

# Clean base per category: the qualifications the law requires for it (none where it requires none).
REQUIRED = {
    "general": lambda n: [], "apparel": lambda n: [], "cosmetics": lambda n: [], "education": lambda n: [],
    "agriculture": lambda n: [],
    "food": lambda n: [FOOD_LIC(n)], "health_food": lambda n: [FOOD_FILE(n)],
    "medical_device_class2": lambda n: [DEV2(n)], "medical_device_class3": lambda n: [DEV3(n)],
    "drug": lambda n: [DRUG_LIC(n), DRUG_NET(n)], "publications": lambda n: [PUB_LIC(n)],
    "pesticides": lambda n: [PEST_LIC(n)],
    "finance": lambda n: [FIN_LIC(n)], "payment": lambda n: [PAY_LIC(n)],
    "degree_education": lambda n: [SCHOOL(n)], "subject_tutoring": lambda n: [SCHOOL(n)],
}
CLEAN_TEXT = {  # (store name, description) that make no claim a statute forbids
    "general": ("青禾家居百货", "精选收纳、清洁与厨房用品，支持七天无理由退货。"),
    "apparel": ("青禾衣橱", "纯棉T恤与针织开衫，尺码表见详情页，支持七天无理由退换。"),
    "cosmetics": ("青禾美妆", "面霜、洁面与护手霜，均已完成化妆品备案，请按说明使用。"),
    "food": ("青禾食品铺", "坚果炒货与糕点，预包装，保质期见包装。"),
    "health_food": ("青禾营养", "蓝帽子保健食品，本品不能代替药物，请按标签食用。"),
    "medical_device_class2": ("青禾康复器械", "电子血压计、医用护理垫，请仔细阅读产品说明书。"),
    "medical_device_class3": ("青禾医疗", "一次性使用无菌注射器等，仅限医疗机构采购。"),
    "drug": ("青禾大药房", "非处方药与家庭常备药，处方药须凭处方购买，请在药师指导下使用。"),
    "publications": ("青禾书店", "文学、社科与少儿图书，正版出版物。"),
    "education": ("青禾兴趣课堂", "成人书法、摄影兴趣录播课，课程大纲见详情。"),
    "finance": ("青禾保险服务", "代理销售意外险与健康险，保险有风险，投保需谨慎。"),
    "payment": ("青禾收单服务", "为小微商户提供收款码与收单服务。"),
    "degree_education": ("青禾学院继续教育", "成人高等学历继续教育招生咨询。"),
    "subject_tutoring": ("青禾学科辅导", "初中数学与英语课后辅导，课程安排见详情。"),
    "agriculture": ("青禾农资", "包装蔬菜种子、有机肥与园艺工具。"),
    "pesticides": ("青禾植保", "农药、除草剂与植保器械，请严格按标签使用。"),
}

CASES: list[dict[str, Any]] = []
_n = 0


def add(decision: str, failures: list[str], basis: str, note: str, app: dict[str, Any]) -> None:
    CASES.append({"decision": decision, "failures": failures, "basis": basis, "note": note, "app": app})


def entity(**kwargs: Any) -> Entity:
    global _n
    _n += 1
    return Entity(_n, **kwargs)


def base(cat: str, **kwargs: Any) -> tuple[Entity, dict[str, Any]]:
    """A clean application of one category (its required qualifications, neutral text)."""
    e = entity(**{k: v for k, v in kwargs.items() if k in ("code", "name", "city")})
    store, desc = CLEAN_TEXT[cat]
    over = {k: v for k, v in kwargs.items() if k not in ("code", "name", "city")}
    return e, e.application([cat], REQUIRED[cat](e.n), store=over.pop("store", store),
                            desc=over.pop("desc", desc), **over)


# ==================================================================================================
# 1. Clean applications, tricky but legal: expected allow, no finding.
# ==================================================================================================
ALL_CATS = list(CLEAN_TEXT)
UNVERIFIABLE = ("finance", "payment", "degree_education", "subject_tutoring")
for cat in ALL_CATS:  # one plain clean application per category whose licence the service can check
    if cat not in UNVERIFIABLE:
        add("allow", [], ECL12, f"{cat}: the qualifications the category requires, nothing else", base(cat)[1])

# Corporate settlement accounts of every shape: no Luhn check digit exists on them.
for bank in BANK_NAMES:
    e = entity()
    app = e.application(["general"], bank_account={"number": BANKS[bank](e.n), "holder": e.name, "bank": bank})
    add("allow", [], f"{LUHN}；{SETTLE}", f"对公账户 at {bank} ({len(BANKS[bank](e.n))} digits)", app)
for grouped in (" ", "-"):
    e = entity()
    number = BANKS["中国工商银行杭州西湖支行"](e.n)
    written = grouped.join(number[i:i + 4] for i in range(0, len(number), 4))
    add("allow", [], LUHN, f"对公账号 written in groups of four ({grouped!r})",
        e.application(["apparel"], **{"bank_account.number": written}))
e = entity()
add("allow", [], LUHN, "account declared as an account, 19 digits beginning 62 (not a card)",
    e.application(["general"], bank_account={"number": f"6217{e.n:015d}", "holder": e.name,
                                             "bank": "浙江杭州余杭农村商业银行", "type": "account"}))
e = entity()
add("allow", [], LUHN, "declared card: a valid UnionPay company settlement card (单位结算卡)",
    e.application(["general"], bank_account={"number": card("621226", 19), "holder": e.name,
                                             "bank": "中国工商银行杭州西湖支行", "type": "card"}))

# 个体工商户 (92): may settle to the operator's own card.
for i, cat in enumerate(["general", "apparel", "food", "agriculture", "cosmetics"]):
    e = entity(code="92", name=f"杭州市西湖区{SURNAMES[i]}记{['百货店', '服装店', '炒货店', '农资店', '化妆品店'][i]}")
    app = e.application([cat], REQUIRED[cat](e.n), store=CLEAN_TEXT[cat][0], desc=CLEAN_TEXT[cat][1])
    app["bank_account"] = {"number": card(PERSONAL_CARD_BINS[i], 19 if i % 2 else 16), "holder": e.rep,
                           "bank": "中国农业银行武汉中南路支行"}
    if i == 0:
        app["bank_account"]["type"] = "card"
    add("allow", [], f"{SETTLE}；GB 32100 表3（9-2 个体工商户）",
        f"个体工商户 (92) settling to its operator's own card ({cat})", app)
e = entity(code="92", name="上海市浦东新区小周修鞋摊")
add("allow", [], "GB 32100 表3（9-2）；" + SETTLE, "个体工商户 settling to an account in its own name",
    e.application(["general"]))

# 分公司: own licence and USCC; settles to its own account or to the company that answers for it.
for i in range(3):
    e = entity(name=f"杭州青禾{700 + i}贸易有限公司{['滨江', '萧山', '余杭'][i]}分公司")
    add("allow", [], f"{COMPANY13}；{SETTLE}", "分公司 settling to its own account",
        e.application(["general", "apparel"]))
for i in range(2):
    parent = f"广州青禾{900 + i}食品有限公司"
    e = entity(name=f"{parent}{['天河', '番禺'][i]}分公司")
    add("allow", [], COMPANY13, "分公司 settling to the account of the company that bears its liabilities",
        e.application(["food"], [FOOD_LIC(e.n)], **{"bank_account.holder": parent}))

# Other registration authorities and categories that exist in GB 32100's tables.
for code, name, cat, note in [
    ("93", "新疆生产建设兵团第十二师五一农场红枣种植与销售农民专业合作社联合社", "agriculture",
     "农民专业合作社 (9-3) with a long name"),
    ("93", "云南省普洱市思茅区倚象镇鸿发普洱茶叶种植加工销售专业合作社", "food", "农民专业合作社 (9-3) selling tea"),
    ("12", "浙江省博物馆", "general", "事业单位 (1-2): a museum selling its cultural products"),
    ("N2", "浙江省湖州市安吉县鲁家村股份经济合作社", "agriculture",
     "村级集体经济组织 (N-2) selling its own produce: 食用农产品 need no food licence"),
    ("52", "杭州市西湖区青禾公益书屋", "publications", "民办非企业单位 (5-2) with a publication licence"),
]:
    e = entity(code=code, name=name)
    app = e.application([cat], REQUIRED[cat](e.n), store=CLEAN_TEXT[cat][0], desc=CLEAN_TEXT[cat][1])
    add("allow", [], GB32100_TABLE + ("；" + EDIBLE_FARM if code == "N2" else ""), note, app)

# Long names, traditional characters in addresses and store text, licences valid for decades.
e = entity(name="中国（浙江）自由贸易试验区杭州片区青禾跨境电子商务供应链管理服务有限责任公司")
add("allow", [], ECL15, "a 38-character business name", e.application(["general"]))
for i, addr in enumerate(TRADITIONAL_ADDRESSES):
    e = entity()
    add("allow", [], ECL15, "registered address written in traditional characters",
        e.application(["general" if i % 2 else "apparel"], registered_address=addr.format(n=e.n)))
e = entity()
add("allow", [], ECL15, "store description in traditional characters",
    e.application(["general"], store="港式茶餐廳用品", desc="專營港式茶具、奶茶杯與餐廳用品，支持七天無理由退貨。"))
for years in (25, 40):
    e = entity()
    add("allow", [], LICENCE, f"business licence valid for {years} more years",
        e.application(["general"], business_license_valid_until=day(365 * years)))
e = entity()
add("allow", [], LICENCE, "business licence without an end date (长期)",
    e.application(["general"], business_license_valid_until=None))
e = entity()
add("allow", [], LICENCE, "business licence ending 31 days after the evaluation date",
    e.application(["general"], business_license_valid_until=day(31)))
e = entity()
add("allow", [], f"{ECL12}；{FSL35}", "food licence valid until 2051",
    e.application(["food"], [q("food_business_license", f"JY1330106{e.n:06d}1", "2051-06-30")]))
e = entity()
add("allow", [], f"{ECL12}；{FSL35}", "food: an expired licence next to a current prepackaged-food filing",
    e.application(["food"], [q("food_business_license", "JY13301060000121", day(-40)), FOOD_FILE(e.n)]))
e = entity()
add("allow", [], ECL12, "a device filing (no end date) and a second-class device store",
    e.application(["medical_device_class2"], [DEV2(e.n)]))
e = entity()
add("allow", [], ECL12, "qualification ending 45 days after the evaluation date",
    e.application(["publications"], [q("publication_business_license", "新出发浙字第Z-7788号", day(45))]))

# Prepackaged health food under the prepackaged-food filing alone.
for i in range(3):
    e = entity()
    quals = [FOOD_FILE(e.n)] if i < 2 else [FOOD_FILE(e.n), q("food_business_license", "JY13301060009981", day(900))]
    cats = ["health_food"] if i == 0 else ["food", "health_food"]
    add("allow", [], f"{FSL35}；{FOOD_FILING}", "prepackaged health food sold under the filing", e.application(
        cats, quals, store="青禾蓝帽子专营", desc="预包装保健食品，本品不能代替药物。"))

# Drugs online with both qualifications; pesticides with the licence; household insecticides without.
for _ in range(2):
    e = entity()
    add("allow", [], DRUG, "drug retailer with both the drug licence and the information-service certificate",
        e.application(["drug"], [DRUG_LIC(e.n), DRUG_NET(e.n)], store="青禾大药房", desc=CLEAN_TEXT["drug"][1]))
e = entity()
add("allow", [], PEST, "pesticide dealer with its licence", e.application(
    ["pesticides", "agriculture"], [PEST_LIC(e.n)], store="青禾植保", desc=CLEAN_TEXT["pesticides"][1]))
e = entity()
add("allow", [], PEST, "蚊香 and insect spray are 卫生用农药: no pesticide licence (general goods)",
    e.application(["general"], store="青禾家居", desc="电热蚊香液、蚊香与杀虫气雾剂，夏季居家必备。"))
e = entity()
add("allow", [], SEED, "packaged vegetable seeds, not repacked: no seed licence",
    e.application(["agriculture"], desc="原厂包装蔬菜种子与花卉种子，不分装。"))

# Representatives: X check characters, exactly 18, leap-day birthdays, retired region codes, the old.
for born, region, note in [
    (date(1990, 2, 28), "110101", "ID number"), (date(2008, 12, 1), "330106", "18 on the evaluation date"),
    (date(2008, 2, 29), "330106", "born 29 February 2008, 18 since 1 March 2026"),
    (date(1936, 5, 4), "110102", "a 90-year-old representative"),
    (date(1975, 8, 8), "330103", "retired region code 330103 (former 下城区)"),
    (date(1968, 3, 12), "330104", "retired region code 330104 (former 江干区)"),
]:
    e = entity()
    add("allow", [], f"{GB11643}；{CIVIL17}", f"representative: {note}", e.application(
        ["general"], **{"legal_rep.id_number": resident_id(born, region=region, seq=e.n % 1000)}))
for seq in range(200, 400):  # the first sequence numbers that give an X check character, as x and as X
    if resident_id(date(1982, 7, 1), region="440106", seq=seq).endswith("X"):
        break
for case in ("X", "x"):
    e = entity()
    number = resident_id(date(1982, 7, 1), region="440106", seq=seq)[:17] + case
    seq += 11
    while not resident_id(date(1982, 7, 1), region="440106", seq=seq).endswith("X"):
        seq += 1
    add("allow", [], GB11643, f"ID number ending in {case}", e.application(
        ["general"], **{"legal_rep.id_number": number}))

# Identifiers as people type them, and other shapes of phone numbers.
e = entity()
add("allow", [], GB32100, "USCC typed in lower case", e.application(["general"], uscc=e.uscc.lower()))
e = entity()
add("allow", [], GB32100, "USCC typed with spaces", e.application(
    ["general"], uscc=f"{e.uscc[:2]} {e.uscc[2:8]} {e.uscc[8:17]} {e.uscc[17]}"))
for written in ("+86 {0}", "0086{0}", "+86-{a}-{b}-{c}", "{a} {b} {c}"):
    e = entity()
    phone = e.contact
    add("allow", [], MOBILE, f"contact mobile written as {written!r}", e.application(
        ["general"], contact_phone=written.format(phone, a=phone[:3], b=phone[3:7], c=phone[7:])))
e = entity()
add("allow", [], SETTLE, "holder written with full-width brackets, business name with half-width",
    e.application(["general"], business_name="杭州青禾(中国)贸易有限公司",
                  **{"bank_account.holder": "杭州青禾（中国）贸易有限公司"}))

# Store text that looks like a claim and is not one.
for cat, store, desc, basis, note in [
    ("publications", "青禾青春书屋", "热销《最好的我们》《你好，旧时光》，正版图书。", TITLES, "book titles in 《》"),
    ("publications", "青禾期刊", "订阅《第一财经》杂志与《最强大脑》同名图书。", TITLES, "titles with 第一 and 最强"),
    ("food", "青禾粮油", "特级初榨橄榄油，执行标准GB/T 23347。", GUIDE, "a grade defined by a national standard"),
    ("general", "青禾收纳", "最大承重20公斤的收纳架，最近上新。", GUIDE, "a specification and an ordinary word"),
    ("general", "青禾小家电", "售后服务热线400-820-8820，工作日9:00-18:00。", HOTLINE, "a brand 400 service line"),
    ("general", "青禾日用", "顾客第一，服务至上。", GUIDE, "service attitude is not a claim about goods"),
    ("apparel", "青禾童装", "第一次购物的顾客可领新人券。", GUIDE, "第一次 is an ordinary word"),
    ("general", "青禾百货", "请通过平台客服咨询，不接受私下交易。", DIVERT, "warning buyers off private deals"),
]:
    e = entity()
    add("allow", [], basis, note, e.application([cat], REQUIRED[cat](e.n), store=store, desc=desc))

# Several categories at once, each covered.
for cats in (["food", "general", "apparel"], ["cosmetics", "general"], ["drug", "medical_device_class2"],
             ["publications", "education"]):
    e = entity()
    quals = [x for c in cats for x in REQUIRED[c](e.n)]
    add("allow", [], ECL12, f"categories {'+'.join(cats)}, each covered", e.application(cats, quals))

# ==================================================================================================
# 2. Applications that break a rule: expected review or block, with the failure kinds.
# ==================================================================================================
# -- the USCC (GB 32100, GB 11714) -----------------------------------------------------------------
for cat in ["general", "food", "apparel", "cosmetics"]:
    e, app = base(cat)
    app["uscc"] = uscc(kind="91", region=e.region, org=f"{e.n * 31 % 10**8:08d}", valid=False)
    add("block", ["uscc_check_character"], f"{GB32100}；{ECL15}", "wrong 18th character", app)
for bad, note in [(lambda u: u[:17], "17 characters"), (lambda u: u[:10] + "O" + u[11:], "letter O"),
                  (lambda u: u[:12] + "I" + u[13:], "letter I"), (lambda u: u + "8", "19 characters"),
                  (lambda u: u[:3] + "Z" + u[4:], "letter Z in the division code")]:
    e, app = base("general")
    app["uscc"] = bad(e.uscc)
    add("block", ["uscc_malformed"], f"{GB32100}；{ECL15}", f"USCC with {note}", app)
for i in range(3):
    e, app = base(["general", "agriculture", "apparel"][i])
    app["uscc"] = uscc(kind="91", region=e.region, org=f"{(e.n * 4441) % 10**8:08d}", org_valid=False)
    add("block", ["uscc_org_code_check"], f"{GB11714}；{ECL15}",
        "embedded organisation code's check wrong, overall check right", app)
for pair, note in [("94", "authority 9 has categories 1-3 only"), ("99", "9-9 is not in the table"),
                   ("15", "机构编制 has 1, 2, 3, 9"), ("B1", "B is no registration authority"),
                   ("Y2", "Y has category 1 only"), ("57", "民政 has 1, 2, 3, 9"), ("0A", "0 is no authority")]:
    e, app = base("general")
    app["uscc"] = uscc(kind=pair, region=e.region, org=f"{(e.n * 271) % 10**8:08d}")
    add("review", ["uscc_unknown_registrant"], f"{GB32100_TABLE}；{ECL27}", f"pair {pair}: {note}", app)

# -- the representative (GB 11643, Civil Code 17) -----------------------------------------------------
for i in range(4):
    e, app = base(["general", "apparel", "food", "publications"][i])
    app["legal_rep"]["id_number"] = resident_id(date(1980 + i, 3, 3 + i), region=e.region, seq=e.n, valid=False)
    add("block", ["rep_id_check_character"], f"{GB11643}；{ECL27}", "wrong 18th character", app)
for body, note in [("19850230", "30 February"), ("19851301", "month 13"), ("20270105", "born after the evaluation date"),
                   ("19990000", "day 00")]:
    e, app = base("general")
    app["legal_rep"]["id_number"] = resident_id_from(f"{e.region}{body}{e.n % 1000:03d}")
    add("block", ["rep_id_birth_date"], GB11643, f"birth date {note} (check character right)", app)
for born in (date(2008, 12, 2), date(2010, 6, 1), date(2012, 1, 1), date(2009, 12, 31)):
    e, app = base("general")
    app["legal_rep"]["id_number"] = resident_id(born, region=e.region, seq=e.n % 1000)
    add("block", ["rep_minor"], CIVIL17, f"representative born {born}", app)

# -- the business licence -------------------------------------------------------------------------
for offset in (-1, -200, -3650):
    e, app = base("general", business_license_valid_until=day(offset))
    add("block", ["licence_expired"], LICENCE, f"licence ended {-offset} days before", app)
for offset in (0, 1, 15, 30):
    e, app = base("apparel", business_license_valid_until=day(offset))
    add("review", ["licence_expiring"], LICENCE, f"licence ends in {offset} days", app)

# -- category qualifications ------------------------------------------------------------------------
MISSING = [
    ("food", [], "food_licence_missing", FSL35), ("food", [], "food_licence_missing", FSL35),
    ("food", ["drug"], "food_licence_missing", FSL35), ("health_food", [], "food_licence_missing", FOOD_FILING),
    ("drug", ["drug_lic"], "drug_online_info_missing", DRUG), ("drug", ["drug_lic"], "drug_online_info_missing", DRUG),
    ("drug", ["drug_net"], "drug_licence_missing", DRUG), ("drug", [], "drug_licence_missing", DRUG),
    ("medical_device_class2", [], "device_qualification_missing", DEVICE2),
    ("medical_device_class3", ["dev2"], "device_qualification_missing", DEVICE3),
    ("medical_device_class3", [], "device_qualification_missing", DEVICE3),
    ("publications", [], "publication_licence_missing", PUB), ("publications", ["food"], "publication_licence_missing", PUB),
    ("pesticides", [], "pesticide_licence_missing", PEST), ("pesticides", [], "pesticide_licence_missing", PEST),
    ("pesticides", ["food"], "pesticide_licence_missing", PEST),
    ("finance", [], "regulated_service_licence_missing", FIN), ("payment", [], "regulated_service_licence_missing", PAY),
    ("degree_education", [], "regulated_service_licence_missing", DEGREE),
    ("subject_tutoring", [], "regulated_service_licence_missing", TUTOR),
]
HELD = {"drug": DRUG_LIC, "drug_lic": DRUG_LIC, "drug_net": DRUG_NET, "dev2": DEV2, "food": FOOD_LIC}
for cat, held, kind, basis in MISSING:
    e, app = base(cat)
    app["qualifications"] = [HELD[h](e.n) for h in held]
    add("block", [kind], f"{basis}；{ECL12}", f"{cat} holding {held or 'nothing'}", app)
for cat in ("food", "medical_device_class3", "drug", "pesticides"):
    e, app = base(cat)
    app["qualifications"][0]["valid_until"] = day(-10 - e.n % 300)
    add("block", ["qualification_expired"], ECL12, f"{cat}: its licence has expired", app)
for cat, offset in (("food", 0), ("publications", 12), ("medical_device_class3", 30), ("pesticides", 5)):
    e, app = base(cat)
    app["qualifications"][0]["valid_until"] = day(offset)
    add("review", ["qualification_expiring"], ECL12, f"{cat}: licence ends in {offset} days", app)
for cat, basis in (("finance", FIN), ("finance", FIN), ("payment", PAY), ("payment", PAY),
                   ("degree_education", DEGREE), ("degree_education", DEGREE), ("subject_tutoring", TUTOR),
                   ("subject_tutoring", TUTOR)):
    e, app = base(cat)
    add("review", ["qualification_unverifiable"], f"{basis}；{ECL12}",
        f"{cat} with a licence the issuer alone can confirm", app)

# -- the settlement account -------------------------------------------------------------------------
for i, (length, declared) in enumerate(((19, None), (16, None), (19, "card"), (16, "card"))):
    e = entity(code="92", name=f"杭州市滨江区{SURNAMES[20 + i]}记日用品店")
    app = e.application(["general"])
    app["bank_account"] = {"number": card("622848", length, valid=False), "holder": e.rep, "bank": "中国农业银行"}
    if declared:
        app["bank_account"]["type"] = declared
    add("review", ["card_check_digit"], f"{LUHN}；{SETTLE}", f"a {length}-digit UnionPay card failing Luhn", app)
for number, declared, note in (("6228480012345", "card", "13-digit card"), ("62284800123456789012", "card", "20-digit card"),
                               ("1202" + "0" * 28 + "1", None, "33-digit account"),
                               ("3301" + "7" * 30 + "1", "account", "35-digit account")):
    e, app = base("general")
    app["bank_account"]["number"] = number
    if declared:
        app["bank_account"]["type"] = declared
    add("review", ["account_number_length"], f"{SETTLE}；{CARD_LEN if declared == 'card' else CNAPS}", note, app)
for bank in ("支付宝", "微信支付", "财付通"):
    e, app = base("general")
    app["bank_account"]["bank"] = bank
    add("review", ["account_not_a_bank"], BANK, f"settlement to {bank}", app)
for holder in ("rep", "其他公司", "rep", "王小二"):
    e, app = base("apparel")
    app["bank_account"]["holder"] = e.rep if holder == "rep" else (
        "杭州某某科技有限公司" if holder == "其他公司" else holder)
    add("review", ["holder_not_business"], SETTLE, f"company settling to {holder}", app)
for i in range(3):
    e = entity(code="92", name=f"成都市武侯区{SURNAMES[i + 10]}记小吃店")
    app = e.application(["food"], [FOOD_LIC(e.n)])
    app["bank_account"] = {"number": card("621700", 19), "holder": ["李四", "张三丰", "王五"][i], "bank": "中国建设银行"}
    add("review", ["holder_not_operator"], SETTLE, "个体工商户 settling to someone else's card", app)

# -- contact numbers --------------------------------------------------------------------------------
for phone, note in (("0571-88886666", "a landline"), ("400-820-8820", "a 400 line"), ("1381234567", "10 digits"),
                    ("12012345678", "12x is no mobile range")):
    e, app = base("general", contact_phone=phone)
    add("review", ["contact_not_mobile"], MOBILE, f"contact phone: {note}", app)
for phone in ("010-62345678", "11012345678"):
    e, app = base("general")
    app["legal_rep"]["phone"] = phone
    add("review", ["rep_phone_invalid"], MOBILE, f"representative phone {phone}", app)

# -- store text -------------------------------------------------------------------------------------
CONTENT = [
    ("general", "全网最低价百货", "厂家直销。", "content_absolute_terms", ADLAW93),
    ("apparel", "青禾服饰", "国家级品质，放心选购。", "content_absolute_terms", ADLAW93),
    ("cosmetics", "顶级美妆", "进口护肤品。", "content_absolute_terms", ADLAW93),
    ("general", "青禾好物", "销量第一的好物店铺。", "content_absolute_terms", ADLAW93),
    ("general", "青禾百货", "有问题加微信 qinghe_shop88 详聊。", "content_diversion_im", DIVERT),
    ("apparel", "青禾女装", "批发请加QQ群：见详情。", "content_diversion_im", DIVERT),
    ("general", "青禾日用", "vx：qinghe2024，拿内部价。", "content_diversion_im", DIVERT),
    ("general", "青禾家居", "量大从优，店主手机13912345678。", "content_diversion_mobile", DIVERT),
    ("food", "青禾炒货", "团购请打18612345678。", "content_diversion_mobile", DIVERT),
    ("general", "青禾批发", "批发请致电 0571-88886666，量大从优。", "content_diversion_landline", DIVERT),
    ("apparel", "青禾服装城", "团购热线：021-62345678。", "content_diversion_landline", DIVERT),
    ("food", "青禾茶行", "欢迎来电订购（020）87654321。", "content_diversion_landline", DIVERT),
    ("general", "青禾五金", "座机010-62345678，拿货价更低。", "content_diversion_landline", DIVERT),
    ("general", "青禾批發", "批發請致電 0755-26668888。", "content_diversion_landline", DIVERT),
    ("general", "青禾优选", "私聊下单更便宜，不走平台。", "content_private_deal", DIVERT),
    ("apparel", "青禾潮牌", "去拼多多搜店名更便宜。", "content_private_deal", DIVERT),
    ("food", "青禾茶叶", "本店茶叶可以治疗高血压。", "content_medical_claim", ADLAW17),
    ("cosmetics", "青禾美肤", "祛痘消炎，三天根治痘痘。", "content_medical_claim", ADLAW17),
    ("health_food", "青禾营养", "防癌抗癌，可以代替药物。", "content_medical_claim", ADLAW18),
    ("education", "青禾考证", "包过班，不过退费。", "content_education_promise", ADLAW24),
    ("education", "青禾职考", "通过率100%，命题老师授课。", "content_education_promise", ADLAW24),
]
for cat, store, desc, kind, basis in CONTENT:
    e, app = base(cat, store=store, desc=desc)
    add("review", [kind], basis, f"store text: {desc}", app)
e, app = base("finance", desc="稳赚不赔，保本保息。")
add("review", ["content_investment_promise", "qualification_unverifiable"], f"{ADLAW25}；{FIN}",
    "insurance store promising returns", app)

# -- several failures at once -----------------------------------------------------------------------
e, app = base("apparel", business_license_valid_until=day(10))
app["bank_account"]["holder"] = e.rep
add("review", ["licence_expiring", "holder_not_business"], f"{LICENCE}；{SETTLE}", "two review reasons", app)
e, app = base("drug", contact_phone="0571-87654321")
app["qualifications"] = [DRUG_LIC(e.n)]
add("block", ["drug_online_info_missing", "contact_not_mobile"], f"{DRUG}；{MOBILE}", "block and review", app)
e, app = base("food", desc="批发请致电0571-86001234，量大从优。")
app["qualifications"] = []
add("block", ["food_licence_missing", "content_diversion_landline"], f"{FSL35}；{DIVERT}", "block and review", app)
e, app = base("general", business_license_valid_until=day(-5))
app["legal_rep"]["id_number"] = resident_id(date(2011, 1, 1), region=e.region, seq=e.n % 1000)
add("block", ["licence_expired", "rep_minor"], f"{LICENCE}；{CIVIL17}", "two block reasons", app)
e, app = base("publications", desc="热销《最好的我们》，加微信 shu_2024 领书单。")
add("review", ["content_diversion_im"], f"{TITLES}；{DIVERT}", "a title (no claim) and a WeChat ID (diversion)", app)

# -- duplicates: the same values as an earlier clean application --------------------------------------
originals = [c["app"] for c in CASES if c["decision"] == "allow"][:8]
for kind, path in (("duplicate_uscc", "uscc"), ("duplicate_rep_id", "legal_rep.id_number"),
                   ("duplicate_phone", "contact_phone"), ("duplicate_bank_account", "bank_account.number")):
    for j in range(2):
        other = originals[(len(CASES) + j) % len(originals)]
        e, app = base("general")
        source, target = other, app
        *parts, last = path.split(".")
        for part in parts:
            source, target = source[part], target[part]
        target[last] = source[last]
        add("review", [kind], DUP, f"{path} already used by an earlier application", app)


def main() -> None:
    old = {}
    if OUT.exists():
        old = {r["id"]: r.get("split") for r in map(json.loads, OUT.read_text("utf-8").splitlines())}
    rows = []
    for i, case in enumerate(CASES, start=1):
        row_id = f"OB-{i:04d}"
        case["app"]["id"] = f"APP-EVAL-{i:04d}"
        row = {"id": row_id, "expected_decision": case["decision"], "expected_failures": case["failures"],
               "basis": case["basis"], "note": case["note"], "application": case["app"]}
        if old.get(row_id):
            row["split"] = old[row_id]
        rows.append(row)
    counts = assign_splits(rows, lambda r: (r["expected_failures"] or ["clean"])[0])
    OUT.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")
    dev = sum(c["dev"] for c in counts.values())
    print(f"{len(rows)} applications ({dev} dev, {len(rows) - dev} test) in {len(counts)} groups -> {OUT}")


if __name__ == "__main__":
    main()
