"""A labelled evaluation set for PII detection: Faker zh_CN values in Chinese text, plus hard negatives.

``build(n, seed)`` gives ``n`` samples, each a text of roughly 120–260 characters with gold spans
``(type, start, end)``. Positives come from Faker's zh_CN provider (resident IDs, mobiles, UnionPay and
international cards, names, places, e-mails, URLs, IPs) and from small generators for the types Faker
lacks (USCC with correct check characters, passports, WeChat IDs, QQ numbers). Hard negatives carry no
label, so anything found in them counts against precision: order, tracking and transaction numbers,
timestamps, SKUs, prices, IDs and USCCs with wrong check characters, 11-digit numbers that are not in a
mobile range, version strings, 微信支付 and friends.

Mobiles: Faker also emits 149-prefixed numbers that phonenumbers (the reference for "real China ranges")
does not list as mobiles; those are skipped rather than counted either way.
"""

from __future__ import annotations

import random
import string
from dataclasses import dataclass, field

from faker import Faker

from riskguard.cn_identifiers import (
    USCC_CHARSET,
    cn_mobile_valid,
    org_code_check_char,
    uscc_check_char,
)

__all__ = ["Sample", "build", "STRUCTURED", "NAMED"]

# Neutral e-commerce filler (no names, places or numbers), so every PERSON/LOCATION in a text is labelled.
FILLER = (
    "亲，这款商品现货充足", "下单后四十八小时内发货", "收到货后请及时确认收货", "如有质量问题请联系平台客服",
    "支持七天无理由退换", "本店所有商品均为正品", "颜色以实物为准", "请核对收货信息", "包装完好无破损",
    "物流已经在路上了", "感谢您的耐心等待", "面料柔软舒适透气", "尺码偏小建议拍大一码", "赠品随包裹一起寄出",
    "售后问题我们会尽快处理", "退款将原路返回", "请保持电话畅通", "快递员会提前联系您", "活动价格仅限今天",
    "满减优惠自动使用", "评价晒图有机会获得优惠券", "商品已经打包完毕", "订单信息如下", "请勿重复下单",
    "工作人员正在核实", "我们已经收到您的反馈", "麻烦您提供以下信息", "开发票请备注抬头", "这批货质量很好",
    "主播正在讲解这款产品",
)

STRUCTURED = ("CN_RESIDENT_ID", "CN_MOBILE", "CN_USCC", "CN_PASSPORT", "BANK_CARD", "CREDIT_CARD",
              "WECHAT_ID", "QQ_NUMBER", "EMAIL_ADDRESS", "IP_ADDRESS", "URL")
NAMED = ("PERSON", "LOCATION")


@dataclass
class Sample:
    text: str = ""
    spans: list[tuple[str, int, int]] = field(default_factory=list)

    def add(self, chunk: str, label: str | None = None) -> None:
        if label:
            self.spans.append((label, len(self.text), len(self.text) + len(chunk)))
        self.text += chunk


class _Gen:
    def __init__(self, seed: int) -> None:
        self.r = random.Random(seed)
        self.f = Faker("zh_CN")
        self.f.seed_instance(seed)

    # -- values ----------------------------------------------------------------------------------
    def mobile(self) -> str:
        while True:
            n = self.f.phone_number()
            if cn_mobile_valid(n):
                break
        style = self.r.randrange(4)
        if style == 1:
            return f"+86{n}"
        if style == 2:
            return f"{n[:3]} {n[3:7]} {n[7:]}"
        if style == 3:
            return f"+86 {n[:3]}-{n[3:7]}-{n[7:]}"
        return n

    def uscc(self) -> str:
        org_chars = "0123456789ABCDEFGHJKLMNPQRTUWXY"
        while True:
            body8 = "".join(self.r.choice(org_chars) for _ in range(8))
            org = body8 + org_code_check_char(body8)
            head = self.r.choice(["91", "92", "93", "11", "12", "51", "52"]) + self.f.ssn()[:6]
            first17 = head + org
            if all(c in USCC_CHARSET for c in first17):
                return first17 + uscc_check_char(first17)

    def card(self, scheme: str) -> str:
        return self.f.credit_card_number(card_type=scheme)

    def passport(self) -> str:
        if self.r.random() < 0.5:
            return "E" + "".join(self.r.choice(string.digits) for _ in range(8))
        return "E" + self.r.choice("ABCDEFGHJKLMNPQRSTUVWXYZ") + "".join(
            self.r.choice(string.digits) for _ in range(7))

    def wechat(self) -> str:
        head = self.r.choice(string.ascii_letters)
        tail = "".join(self.r.choice(string.ascii_lowercase + string.digits + "_-") for _ in range(
            self.r.randint(5, 14)))
        return head + tail.rstrip("-_") + self.r.choice(string.digits)

    def qq(self) -> str:
        return str(self.r.randint(10_000, 3_999_999_999))

    def bad_id(self) -> str:
        good = self.f.ssn()
        return good[:17] + self.r.choice([c for c in "0123456789X" if c != good[17]])

    def bad_uscc(self) -> str:
        good = self.uscc()
        return good[:17] + self.r.choice([c for c in USCC_CHARSET if c != good[17]])

    def non_mobile_11(self) -> str:
        while True:
            n = self.r.choice(["10", "11", "12", "20", "55", "88"]) + "".join(
                self.r.choice(string.digits) for _ in range(9))
            if not cn_mobile_valid(n):
                return n

    def digits(self, k: int, first: str = "123456789") -> str:
        return self.r.choice(first) + "".join(self.r.choice(string.digits) for _ in range(k - 1))

    # -- labelled pieces: (prefix, value, label) -------------------------------------------------------
    def positive(self) -> tuple[str, str, str]:
        r, f = self.r, self.f
        kind = r.choice(STRUCTURED)
        if kind == "CN_RESIDENT_ID":
            return r.choice(["身份证", "身份证号：", "证件号码", "", "ID "]), f.ssn(), kind
        if kind == "CN_MOBILE":
            return r.choice(["手机", "电话：", "联系方式", "", "打", "手机号码 "]), self.mobile(), kind
        if kind == "CN_USCC":
            return r.choice(["统一社会信用代码：", "信用代码", "营业执照号", ""]), self.uscc(), kind
        if kind == "CN_PASSPORT":
            return r.choice(["护照", "护照号码：", "passport ", "护照号"]), self.passport(), kind
        if kind == "BANK_CARD":
            card = self.card("unionpay")
            if r.random() < 0.1:  # a few domestic numbers that fail Luhn, always with a label
                card = card[:-1] + str((int(card[-1]) + 1) % 10)
                return r.choice(["卡号", "银行卡号："]), card, kind
            return r.choice(["卡号", "银行卡号：", "转账到", "收款账户", "开户行中国银行 卡号", ""]), card, kind
        if kind == "CREDIT_CARD":
            return r.choice(["信用卡", "card ", "Visa卡号", "", "卡号"]), self.card(r.choice(["visa", "mastercard"])), kind
        if kind == "WECHAT_ID":
            return r.choice(["微信", "加V", "vx：", "薇信号 ", "wx ", "加微信"]), self.wechat(), kind
        if kind == "QQ_NUMBER":
            return r.choice(["QQ", "QQ：", "扣扣", "企鹅号", "qq号 "]), self.qq(), kind
        if kind == "EMAIL_ADDRESS":
            return r.choice(["邮箱", "发到", "email:", "", "电邮："]), r.choice([f.email(), f.free_email()]), kind
        if kind == "IP_ADDRESS":
            return r.choice(["IP", "登录地址", "来自", "ip: "]), r.choice([f.ipv4(), f.ipv4(), f.ipv6()]), kind
        return r.choice(["官网", "链接：", "详见", "访问 "]), f.url(), kind

    def negative(self) -> str:
        r, f = self.r, self.f
        return r.choice([
            lambda: f"订单号{self.digits(r.randint(16, 20))}",
            lambda: f"订单号{self.mobile().replace(' ', '').replace('-', '').removeprefix('+86')}",
            lambda: f"运单号：SF{self.digits(12)}",
            lambda: f"快递单号{self.digits(r.randint(12, 15))}",
            lambda: f"交易流水号{self.digits(20)}",
            lambda: f"时间戳{self.digits(13, '1')}",
            lambda: f"下单时间{f.date_time().strftime('%Y-%m-%d %H:%M:%S')}",
            lambda: f"批次{f.date_time().strftime('%Y%m%d%H%M%S')}",
            lambda: f"SKU：{''.join(r.choice(string.ascii_uppercase) for _ in range(3))}{self.digits(8)}",
            lambda: f"货号E{self.digits(8)}",
            lambda: f"售价¥{r.randint(1, 99999)}.{r.randint(0, 99):02d}",
            lambda: f"价格{self.digits(5)}元",
            lambda: f"身份证{self.bad_id()}",
            lambda: f"信用代码{self.bad_uscc()}",
            lambda: f"编号{self.non_mobile_11()}",
            lambda: f"{self.non_mobile_11()}",
            lambda: f"固件版本{r.randint(1, 9)}.{r.randint(0, 9)}.{r.randint(0, 20)}.{r.randint(0, 99)}",
            lambda: "支持微信支付和支付宝",
            lambda: "QQ音乐会员",
            lambda: f"型号{self.wechat()}",
            lambda: f"会员卡{self.digits(r.randint(12, 15))}",
            lambda: f"文件report_{r.randint(1, 99)}.pdf",
        ])()

    def named(self) -> tuple[str, str, str]:
        r, f = self.r, self.f
        if r.random() < 0.5:
            return r.choice(["收件人", "联系人：", "客户", "姓名：", ""]), f.name(), "PERSON"
        place = r.choice([f.province(), f.city_name(), f.province() + f.city_name() + "市"])
        return r.choice(["地址", "发货地", "来自", "寄往", "位于"]), place, "LOCATION"


def build(n: int, seed: int = 20261126, *, named: bool = True) -> list[Sample]:
    g = _Gen(seed)
    out: list[Sample] = []
    for _ in range(n):
        s = Sample()
        pieces: list[tuple[str, str, str | None]] = []  # (label word, value, gold type or None)
        pieces += [g.positive() for _ in range(g.r.randint(1, 3))]
        pieces += [("", g.negative(), None) for _ in range(g.r.randint(1, 2))]
        if named:
            pieces.append(g.named())
        g.r.shuffle(pieces)
        for prefix, value, label in pieces:
            s.add(g.r.choice(FILLER) + "，")
            s.add(prefix)
            s.add(value, label)
            s.add(g.r.choice(["，", "。", "；", " ", "！"]))
        s.add(g.r.choice(FILLER) + "。")
        out.append(s)
    return out
