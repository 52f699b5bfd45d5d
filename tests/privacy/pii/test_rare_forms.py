"""Rarer forms (issue 16, fourth round): compound and rare surnames, Tibetan and Mongolian names without
a dot, romanised surnames, a business's own address in a form, a particle between a WeChat word and the ID."""

from __future__ import annotations

import pytest

from riskguard.privacy.pii.addresses import find_addresses
from riskguard.privacy.pii.persons import find_names
from riskguard.privacy.pii.service import PiiService

NAMES = [  # (text, the names in it)
    ("收件人公冶长风，电话见下", ["公冶长风"]),
    ("联系人：澹台若雪", ["澹台若雪"]),
    ("法定代表人：轩辕明", ["轩辕明"]),
    ("签收人：缑红梅", ["缑红梅"]),
    ("收货人庹建军，放门卫", ["庹建军"]),
    ("收件人德吉央金，谢谢", ["德吉央金"]),
    ("欢迎乌日娜其木格来到直播间", ["乌日娜其木格"]),
    ("感谢丹增曲措的支持", ["丹增曲措"]),
    ("访客：Jason Wong，被访人：前台", ["Jason Wong"]),
    ("收件人是我弟弟阿力木·买买提", ["阿力木·买买提"]),
]
NOT_NAMES = [
    "西门口有个公交站",
    "第五名的奖品明天发",
    "今天乌云密布，发货可能延迟",
    "百里挑一的好货",
]
ADDRESSES = [  # (text, the person's addresses in it)
    ("经营者住址：湖南省常德市汉寿县岩汪湖镇白合村六组 门店地址：常德市武陵区人民路2299号", ["湖南省常德市汉寿县岩汪湖镇白合村六组"]),
    ("寄到四川省达州市渠县三汇镇桂花村4社", ["四川省达州市渠县三汇镇桂花村4社"]),
    ("在宝鸡市渭滨区经二路与清姜路十字东南角等我", ["宝鸡市渭滨区经二路与清姜路十字东南角"]),
    ("送到长春市朝阳区红旗街万达广场智能柜", ["长春市朝阳区红旗街万达广场智能柜"]),
    ("家庭住址：南昌市青山湖区北京东路1688号 注册地址：南昌市红谷滩区丰和中大道912号", ["南昌市青山湖区北京东路1688号"]),
]
NOT_ADDRESSES = [
    "门店地址：长沙市开福区黄兴北路45号",
    "注册地址：天津市滨海新区第三大街18号",
    "仓库地址：嘉兴市秀洲区王店镇工业园区6号",
    "开户行：中国工商银行厦门思明支行",
    "活动地点：南京市建邺区江东中路333号",
]
WECHAT = [  # (text, the WeChat ID in it)
    ("有问题加个vx吧 peach_tree21", "peach_tree21"),
    ("wx呀：kiwi-2088x", "kiwi-2088x"),
]


@pytest.mark.parametrize(("text", "names"), NAMES)
def test_rare_name_forms(text: str, names: list[str]) -> None:
    assert [text[n.start:n.end] for n in find_names(text)] == names


@pytest.mark.parametrize("text", NOT_NAMES)
def test_words_that_start_like_compound_surnames(text: str) -> None:
    assert find_names(text) == []


@pytest.mark.parametrize(("text", "addresses"), ADDRESSES)
def test_persons_address_in_a_form_beside_the_business(text: str, addresses: list[str]) -> None:
    assert [text[a.start:a.end] for a in find_addresses(text)] == addresses


@pytest.mark.parametrize("text", NOT_ADDRESSES)
def test_businesss_own_place_is_not_a_persons_address(text: str) -> None:
    assert find_addresses(text) == []


@pytest.mark.parametrize(("text", "wechat"), WECHAT)
def test_particle_between_wechat_word_and_id(text: str, wechat: str) -> None:
    found = PiiService(b"\x00" * 32).detect(text, entities=["WECHAT_ID"])
    assert [text[d.start:d.end] for d in found] == [wechat]
