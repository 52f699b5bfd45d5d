"""Must-match / must-not-match tables for every recognizer, through the full analyzer and overlap rules."""

from __future__ import annotations

import pytest

from riskguard.privacy.pii.service import PiiService

from .cases import BAD_ID, EMAIL, ID, ID2, MOBILE, MOBILE2, NOT_LUHN_62, UNIONPAY, UNIONPAY16, USCC, VISA


@pytest.fixture(scope="module")
def service() -> PiiService:
    return PiiService(b"k" * 32)


MUST_MATCH = [
    # (text, type, value)
    (f"身份证{ID}，请核对", "CN_RESIDENT_ID", ID),
    (f"我的证件号是{ID2.lower()}", "CN_RESIDENT_ID", ID2.lower()),
    (f"ID {ID[:6]} {ID[6:14]} {ID[14:]} ok", "CN_RESIDENT_ID", f"{ID[:6]} {ID[6:14]} {ID[14:]}"),
    (f"手机{MOBILE}联系", "CN_MOBILE", MOBILE),
    ("电话：+86 138-0013-8000。", "CN_MOBILE", "+86 138-0013-8000"),
    (f"直接打{MOBILE2}就行", "CN_MOBILE", MOBILE2),
    (f"call me at +86{MOBILE}", "CN_MOBILE", f"+86{MOBILE}"),
    ("座机010-62758391", "PHONE_NUMBER", "010-62758391"),
    ("你们打我座机也行，028-85541623，白天有人", "PHONE_NUMBER", "028-85541623"),
    ("地址电话：杭州市西湖区文三路90号 0571-88213467", "PHONE_NUMBER", "0571-88213467"),
    ("电话（0755）26731980", "PHONE_NUMBER", "（0755）26731980"),
    ("电话(021)62345678转805", "PHONE_NUMBER", "(021)62345678"),  # the extension stays outside
    ("0755-26731980 转 8012，找前台", "PHONE_NUMBER", "0755-26731980"),
    ("0755-26731980-8012", "PHONE_NUMBER", "0755-26731980"),
    ("tel: +86-571-88213467 ext. 12", "PHONE_NUMBER", "+86-571-88213467"),
    ("Tel +86 10 6275 8391", "PHONE_NUMBER", "+86 10 6275 8391"),
    ("订货电话 0512 6588 1234", "PHONE_NUMBER", "0512 6588 1234"),
    ("办公室01062758391", "PHONE_NUMBER", "01062758391"),
    ("电话：零五七一-八八八八六六六六，量大从优", "PHONE_NUMBER", "零五七一-八八八八六六六六"),
    ("座机０５７１－８８２１３４６７", "PHONE_NUMBER", "０５７１－８８２１３４６７"),
    (f"统一社会信用代码：{USCC}", "CN_USCC", USCC),
    (f"营业执照{USCC}已上传", "CN_USCC", USCC),
    ("护照号码E12345678，有效期", "CN_PASSPORT", "E12345678"),
    ("passport EA1234567", "CN_PASSPORT", "EA1234567"),
    (f"卡号{UNIONPAY}开户行工商银行", "BANK_CARD", UNIONPAY),
    (f"转账到{UNIONPAY16}", "BANK_CARD", UNIONPAY16),
    (f"退款请打到 {UNIONPAY} 谢谢", "BANK_CARD", UNIONPAY),
    (f"银行卡号：{NOT_LUHN_62}", "BANK_CARD", NOT_LUHN_62),  # Luhn does not gate with context
    (f"卡号 {UNIONPAY16[:4]} {UNIONPAY16[4:8]} {UNIONPAY16[8:12]} {UNIONPAY16[12:]}", "BANK_CARD",
     f"{UNIONPAY16[:4]} {UNIONPAY16[4:8]} {UNIONPAY16[8:12]} {UNIONPAY16[12:]}"),
    (f"信用卡{VISA}到期", "CREDIT_CARD", VISA),
    ("Card: 4111-1111-1111-1111.", "CREDIT_CARD", "4111-1111-1111-1111"),
    ("加微信abc_12345详聊", "WECHAT_ID", "abc_12345"),
    ("vx：Shop-Owner88", "WECHAT_ID", "Shop-Owner88"),
    ("薇信号 wxid_abcdef", "WECHAT_ID", "wxid_abcdef"),
    ("加V lily2024a 领优惠", "WECHAT_ID", "lily2024a"),
    ("QQ：12345678", "QQ_NUMBER", "12345678"),
    ("扣扣 987654321 私聊", "QQ_NUMBER", "987654321"),
    (f"邮箱{EMAIL}，", "EMAIL_ADDRESS", EMAIL),
    ("发到abc123@qq.com就行", "EMAIL_ADDRESS", "abc123@qq.com"),
    ("contact: Bob.Smith+shop@mail.example.co.uk", "EMAIL_ADDRESS", "Bob.Smith+shop@mail.example.co.uk"),
    ("登录IP为192.168.1.10，", "IP_ADDRESS", "192.168.1.10"),
    ("服务器地址2001:db8::1在", "IP_ADDRESS", "2001:db8::1"),
    ("详见https://www.example.com/item?id=3，", "URL", "https://www.example.com/item?id=3"),
    ("官网www.taobao.com欢迎", "URL", "www.taobao.com"),
    ("visit shop.example.cn today", "URL", "shop.example.cn"),
]

MUST_NOT_MATCH = [
    # (text, type that must not be reported)
    (f"身份证{BAD_ID}", "CN_RESIDENT_ID"),
    ("身份证110101199002304514", "CN_RESIDENT_ID"),
    ("订单号20231105123456789", "CN_MOBILE"),
    ("订单号13800138000已发货", "CN_MOBILE"),
    ("运单号：13800138000", "CN_MOBILE"),
    ("编号12345678901", "CN_MOBILE"),
    ("时间戳1699999999123", "CN_MOBILE"),
    ("电话10086", "CN_MOBILE"),
    (f"{ID}", "CN_MOBILE"),
    ("价格13800.00元", "CN_MOBILE"),
    ("客服热线400-820-8820", "PHONE_NUMBER"),  # shared-cost business hotline
    ("免费电话800-810-8888", "PHONE_NUMBER"),
    ("拨打95554或12345", "PHONE_NUMBER"),
    (f"手机{MOBILE}", "PHONE_NUMBER"),
    ("订单号01062758391", "PHONE_NUMBER"),
    ("运单号 02885541623", "PHONE_NUMBER"),
    ("发票代码044031900111", "PHONE_NUMBER"),
    ("发票号码：01062758391", "PHONE_NUMBER"),
    ("SKU-0571-88213467", "PHONE_NUMBER"),
    ("货号0571-88213467", "PHONE_NUMBER"),
    ("YT0571882134670", "PHONE_NUMBER"),  # a tracking number with the digits inside it
    ("时间20261105083012", "PHONE_NUMBER"),
    ("2026-11-02 20:14 下单", "PHONE_NUMBER"),
    ("价格0571.50元", "PHONE_NUMBER"),
    ("05718-8213467", "PHONE_NUMBER"),  # cut after no real area code
    ("v1.0571-88213467", "PHONE_NUMBER"),
    ("91350100M000100Y44", "CN_USCC"),
    ("SKU: ABCDEFGHJK12345678", "CN_USCC"),
    ("货号E12345678", "CN_PASSPORT"),
    (f"订单号{UNIONPAY}", "BANK_CARD"),
    ("流水号2023110512345678901", "BANK_CARD"),
    ("时间20231105123045123", "BANK_CARD"),
    (f"身份证{ID}", "BANK_CARD"),
    ("4111111111111112", "CREDIT_CARD"),
    (f"卡号{UNIONPAY}", "CREDIT_CARD"),
    ("关注公众号abc_12345", "WECHAT_ID"),
    ("微信支付成功", "WECHAT_ID"),
    ("型号abc_12345", "WECHAT_ID"),
    ("订单12345678", "QQ_NUMBER"),
    ("邮箱abc123@qq.com", "URL"),
    ("文件setup.py和notes.md", "URL"),
    ("版本1.2.3.4已发布", "IP_ADDRESS"),
    ("时间12:30:45", "IP_ADDRESS"),
    ("999.1.1.1", "IP_ADDRESS"),
    ("用户名user@localhost", "EMAIL_ADDRESS"),
]


@pytest.mark.parametrize(("text", "entity", "value"), MUST_MATCH)
def test_must_match(service: PiiService, text: str, entity: str, value: str) -> None:
    found = service.detect(text, entities=None)
    spans = [(d.type, text[d.start:d.end]) for d in found]
    assert (entity, value) in spans, spans


@pytest.mark.parametrize(("text", "entity"), MUST_NOT_MATCH)
def test_must_not_match(service: PiiService, text: str, entity: str) -> None:
    found = service.detect(text)
    assert entity not in [d.type for d in found], [(d.type, text[d.start:d.end]) for d in found]


def test_email_does_not_swallow_chinese_label(service: PiiService) -> None:
    text = "联系邮箱zhang@example.com"
    (found,) = [d for d in service.detect(text) if d.type == "EMAIL_ADDRESS"]
    assert text[found.start:found.end] == "zhang@example.com"


@pytest.mark.parametrize(("text", "higher", "lower"), [
    (f"卡号{UNIONPAY}", f"卡号{UNIONPAY}", f"xx{UNIONPAY}"),
    ("护照E12345678", "护照E12345678", "E12345678"),
])
def test_context_words_raise_score(service: PiiService, text: str, higher: str, lower: str) -> None:
    hi = service.detect(higher, score_threshold=0.0)
    lo = service.detect(lower, score_threshold=0.0)
    assert hi and (not lo or max(d.score for d in hi) > max(d.score for d in lo))


def test_luhn_raises_bank_card_score(service: PiiService) -> None:
    valid = service.detect(f"xx {UNIONPAY} xx", score_threshold=0.0)
    broken = service.detect(f"xx {NOT_LUHN_62} xx", score_threshold=0.0)
    assert valid[0].score > broken[0].score


def test_entities_filter_and_threshold(service: PiiService) -> None:
    text = f"手机{MOBILE} 邮箱{EMAIL}"
    assert {d.type for d in service.detect(text, entities=["EMAIL_ADDRESS"])} == {"EMAIL_ADDRESS"}
    assert service.detect("护照E12345678", score_threshold=0.9) == []


def test_person_and_location_from_jieba(service: PiiService) -> None:
    text = "收件人李娜，地址广东省深圳市南山区科技园"
    found = {(d.type, text[d.start:d.end]) for d in service.detect(text)}
    assert ("PERSON", "李娜") in found
    assert any(t == "LOCATION" and "深圳" in v for t, v in found)
    structured = service.detect(text, entities=["CN_MOBILE", "EMAIL_ADDRESS"])
    assert structured == []


def test_english_text_keeps_working(service: PiiService) -> None:
    text = f"Mail {EMAIL} or call +86 {MOBILE}, card {VISA}."
    found = {d.type for d in service.detect(text, language="en")}
    assert {"EMAIL_ADDRESS", "CN_MOBILE", "CREDIT_CARD"} <= found


def test_digests_are_keyed_and_offsets_index_the_text(service: PiiService) -> None:
    text = f"手机{MOBILE}"
    (d,) = service.detect(text)
    assert text[d.start:d.end] == MOBILE
    assert d.text_digest == service.digest(MOBILE) != PiiService(b"j" * 32).digest(MOBILE)
    assert MOBILE not in d.text_digest


@pytest.mark.parametrize("text", [
    ("手机13800138000，邮箱a@b.com，加微信abc_12345 " * 3000)[:100_000],
    "a." * 50_000,
    "1" * 100_000,
    "@a" * 50_000,
])
def test_largest_texts_stay_linear(service: PiiService, text: str) -> None:
    """A 100,000-character body (the API limit) is analysed in seconds, not minutes."""
    import time

    started = time.process_time()
    found = service.detect(text)
    assert time.process_time() - started < 20
    if text.startswith("手机"):  # every whole repetition yields its phone, e-mail and WeChat ID
        assert len(found) >= 3 * text.count("手机13800138000，邮箱a@b.com，加微信abc_12345 ")
    else:
        assert found == []
