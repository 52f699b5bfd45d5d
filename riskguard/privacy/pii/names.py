"""Small word lists that keep jieba's person and place tags honest.

jieba tags plenty of ordinary words nr or ns (银行卡, 支付宝, 东西, 城市). A PERSON must start with a
common Chinese surname and be 2–4 Han characters; a LOCATION must end in an administrative or street
suffix, or be a province, municipality or major city name.
"""

from __future__ import annotations

__all__ = ["looks_like_person", "looks_like_place"]

_SINGLE_SURNAMES = frozenset(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢"
    "姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施"
    "文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛"
    "曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏"
    "席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝阎萧洪")
_DOUBLE_SURNAMES = ("欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙", "宇文", "司徒", "夏侯",
                    "令狐", "端木", "申屠")
_NOT_NAMES = frozenset({"文明", "高兴", "方便", "安全", "平安", "明白", "成功", "常用", "金额", "高达", "易用", "和平"})
_PLACE_SUFFIXES = ("省", "市", "县", "区", "镇", "乡", "村", "州", "盟", "旗", "路", "街", "道", "巷", "弄", "里",
                   "大道", "小区", "新区", "开发区", "自治区", "特别行政区")
_PLACE_WORDS = (
    "北京 上海 天津 重庆 河北 山西 辽宁 吉林 黑龙江 江苏 浙江 安徽 福建 江西 山东 河南 湖北 湖南 广东 海南 四川 贵州 云南 "
    "陕西 甘肃 青海 台湾 内蒙古 广西 西藏 宁夏 新疆 香港 澳门 石家庄 太原 沈阳 大连 长春 哈尔滨 南京 苏州 无锡 杭州 宁波 "
    "温州 合肥 福州 厦门 南昌 济南 青岛 郑州 武汉 长沙 广州 深圳 珠海 东莞 佛山 海口 三亚 成都 贵阳 昆明 拉萨 西安 兰州 "
    "西宁 银川 乌鲁木齐 呼和浩特 南宁 桂林 柳州 汕头 惠州 中山 常州 南通 徐州 扬州 绍兴 嘉兴 金华 台州 烟台 潍坊 临沂 "
    "洛阳 宜昌 襄阳 株洲 岳阳 绵阳 遵义 大理 丽江")
_PLACES = frozenset(_PLACE_WORDS.split())


def _han(word: str) -> bool:
    return all("\u4e00" <= c <= "\u9fff" for c in word)


def looks_like_person(word: str) -> bool:
    if not 2 <= len(word) <= 4 or not _han(word) or word in _NOT_NAMES:
        return False
    if word[:2] in _DOUBLE_SURNAMES:
        return len(word) >= 3
    return word[0] in _SINGLE_SURNAMES


_NOT_PLACES = frozenset({"东西", "城市", "中华", "华人", "中外", "国内", "国外", "海外", "各地", "当地", "本地", "外地",
                         "全国", "大陆", "内地", "南北", "东南", "西北", "中原", "江湖", "天下", "人间", "长城"})


def looks_like_place(word: str, *, tagged: bool = False) -> bool:
    """``tagged``: jieba's dictionary tags the word ns; then only common non-address words are refused."""
    if len(word) < 2 or not _han(word) or word in _NOT_PLACES:
        return False
    if tagged:
        return True
    return word in _PLACES or word.endswith(_PLACE_SUFFIXES) or word[:2] in _PLACES or word[:3] in _PLACES
