"""Contacts written to dodge filters: e-mails with # or spelled out or full-width, QQ after Q： and in
lists, WeChat after emoji pluses, numbers in Chinese numerals, circled or full-width digits (read through
the screening normaliser's view and mapped back to the text)."""

from __future__ import annotations

import pytest

from riskguard.privacy.pii.service import PiiService

CASES = [  # (text, type, value as written)
    ("我邮箱是lin.xiaoyu#qq.com（#换成@），发票发这里", "EMAIL_ADDRESS", "lin.xiaoyu#qq.com"),
    ("麻烦发到huangmin#163.com，#改成@", "EMAIL_ADDRESS", "huangmin#163.com"),
    ("邮箱：chenjie_88 at 163 dot com，麻烦", "EMAIL_ADDRESS", "chenjie_88 at 163 dot com"),
    ("邮箱 sunny_li(at)foxmail.com", "EMAIL_ADDRESS", "sunny_li(at)foxmail.com"),
    ("我的邮箱wangfang2019＠126.com，收到请回复", "EMAIL_ADDRESS", "wangfang2019＠126.com"),
    ("加我Q：12345678，截图发你", "QQ_NUMBER", "12345678"),
    ("有问题可以加扣扣群号码887766554，群里有视频", "QQ_NUMBER", "887766554"),
    ("实在不方便的话➕V：Ggwaua_vip，我发视频", "WECHAT_ID", "Ggwaua_vip"),
    ("需要的话✚v abc_123，我把细节图发你", "WECHAT_ID", "abc_123"),
    ("联系我：一三九一二三四五六七八，白天都在", "CN_MOBILE", "一三九一二三四五六七八"),
    ("电话是幺三八零零一三八零零零，打不通就发短信", "CN_MOBILE", "幺三八零零一三八零零零"),
    ("手机：１８６１２３４５６７８", "CN_MOBILE", "１８６１２３４５６７８"),
    ("我手机号①③⑧⓪⓪①③⑧⓪⓪⓪，到了打我电话", "CN_MOBILE", "①③⑧⓪⓪①③⑧⓪⓪⓪"),
    ("有事找我，扣扣两九七三一零零八六，晚上在线", "QQ_NUMBER", "两九七三一零零八六"),
    ("加 q q 号 30571188 发图", "QQ_NUMBER", "30571188"),
    ("发票发yuhan_z@163。com就行", "EMAIL_ADDRESS", "yuhan_z@163。com"),
    ("简历投递 hr.li@sina点com 谢谢", "EMAIL_ADDRESS", "hr.li@sina点com"),
    ("不方便打字，加薇kiki_2233详聊", "WECHAT_ID", "kiki_2233"),
    ("薇：moon_cake88（备注来意）", "WECHAT_ID", "moon_cake88"),
    ("微信号码：tony-lee99，通过一下", "WECHAT_ID", "tony-lee99"),
    ("你加我，微信也行summer_ly01，扣扣也行", "WECHAT_ID", "summer_ly01"),
    # QQ after a bare q before 群 or after 加我; groups of four digits; circled digits before a word that
    # begins with a Chinese numeral (一起) end before it
    ("粉丝q群 987654321，进群领券", "QQ_NUMBER", "987654321"),
    ("加我Q 12345678 备注来意", "QQ_NUMBER", "12345678"),
    ("QQ：1234 5678，白天在线", "QQ_NUMBER", "1234 5678"),
    ("扣扣：③⑨⑥⑦②④⑧⑤一起来玩", "QQ_NUMBER", "③⑨⑥⑦②④⑧⑤"),
    ("QQ/微信同号 12345678，随时联系", "QQ_NUMBER", "12345678"),  # a WeChat that shares the number, brackets
    ("我的QQ（2973100866）", "QQ_NUMBER", "2973100866"),
]
NEGATIVES = [
    "话题#abc.com 讨论区", "meet me at home", "Q1季度营收增长", "版本v2.3.18，固件已更新", "一二三四五六七，数到七",
    "型号：XR2024-Pro，颜色：深空灰", "QQ音乐会员月卡", "支持微信支付和支付宝",
    "两个人三五七九一起来", "我们的微：信号很差", "文件名report。pdf已上传",
    "Q群聊天记录截图", "IQ 12345 测试", "QQ：1234 5，共两件",
]


@pytest.fixture(scope="module")
def service() -> PiiService:
    return PiiService(b"\x03" * 32)


@pytest.mark.parametrize(("text", "kind", "value"), CASES)
def test_disguised_contact_found_as_written(service: PiiService, text: str, kind: str, value: str) -> None:
    found = [(d.type, text[d.start:d.end]) for d in service.detect(text)]
    assert (kind, value) in found, found


def test_qq_in_numerals_throughout_keeps_its_last_numeral(service: PiiService) -> None:
    text = "扣扣二九七三一零零八六一起"  # no other style in the value: 一 may be its last digit
    assert [text[d.start:d.end] for d in service.detect(text) if d.type == "QQ_NUMBER"] == ["二九七三一零零八六一"]


def test_several_qq_numbers_after_one_word(service: PiiService) -> None:
    text = "客服QQ：1234567、7654321，任意一个都可以"
    assert [text[d.start:d.end] for d in service.detect(text) if d.type == "QQ_NUMBER"] == ["1234567", "7654321"]


@pytest.mark.parametrize("text", NEGATIVES)
def test_no_contact_in_lookalikes(service: PiiService, text: str) -> None:
    contacts = {"EMAIL_ADDRESS", "QQ_NUMBER", "WECHAT_ID", "CN_MOBILE"}
    assert [d for d in service.detect(text) if d.type in contacts] == []
