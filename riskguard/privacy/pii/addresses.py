"""Whole Chinese addresses: from the first division written (province, city, county, town) to the last
of road, number, estate, building, unit, room or landmark, as one span.

An address starts at

* a division name from :mod:`.divisions` — a province or city (full or short name), a county or town by
  its full name (short county names such as 朝阳, 西湖, 和平 are ordinary words and only continue one);
* after an address cue (地址, 寄到, 送至, 住在, 自提点 …), a road, estate, village or division of any kind;
* anywhere, a road with a house number (解放南路88号) or an estate with a building (阳光花园3栋).

From there a chain of parts is read, each the longest that fits at that point: a known division, a name
with a division suffix (区, 县, 镇, 街道, 村 …), a road (路, 街, 大道, 巷, 弄 … with 东/北段), a number
(88号, 3-1号, 5组), an estate or building (小区, 花园, 大厦, 苑, 园 …), building / unit / floor / room
(3栋, 2单元, 501室, A座, 3-2-501, a bare room number after a unit), a crossing after a road (与农业路交叉口),
a landmark (东门, 旁, 对面, 东北角, 菜鸟驿站, 村委会), and a postcode after a space. Parts may be separated by a single space.

A chain of divisions only (浙江杭州, 朝阳区) says where, not who: it counts only after a cue that says
a person is or goes there (我在, 寄到, 来自, 住 …) and not before words that make it a product's origin or
a shop's warehouse (发货, 仓, 包邮, 特产 …). That keeps 江浙沪包邮, 西湖龙井, 黄山毛峰, 广州仓发货,
江苏卫视 and company names (杭州青禾电子商务有限公司) out.
"""

from __future__ import annotations

from dataclasses import dataclass

import regex

from .addresses_en import find_english_addresses
from .divisions import COUNTY, TOWN, divisions

__all__ = ["Address", "find_addresses"]

_NUM = r"(?:\d+|[零〇一二三四五六七八九十百两]+)"
_ADMIN_SUFFIX = ("自治州|自治县|自治旗|特别行政区|地区|新区|开发区|高新区|经开区|工业园区|保税区|省|市|州|盟|县|区|旗|镇|乡"
                 "|街道|办事处")
# What ends the name of an estate, a building or a campus; several may follow one another (中环国际广场).
_ESTATE = ("小区|花园|公寓|大厦|广场|家园|新村|山庄|名苑|名都|苑|园|庭|府|城|大楼|写字楼|商城|市场|产业园|科技园|工业园|园区"
           "|国际|公馆|湾|里|宿舍|大院|中心|大学|学院|学校|医院|院区|校区|大堂|一楼|二楼")
# One pattern per kind of part; at each point the longest match of any kind is taken.
# Name characters of a division, road or estate stop at the structural characters that end one, so a
# name never runs across 市, 区, 路 or 号 (改成贵阳市观山湖区天府 is not an estate name ending in 府).
_BODY = r"[^\P{Han}省市县区镇乡村路街巷弄号栋幢楼室的那这]"
_PARTS = {
    "admin": regex.compile(rf"{_BODY}{{1,5}}?(?:{_ADMIN_SUFFIX})"),
    "village": regex.compile(rf"(?![农山渔本全该此]村(?!委))"  # 我家在农村: a word for the countryside, no village
                             rf"{_BODY}{{1,5}}?(?:村委会|居委会|村|社区|屯|寨)"),
    "road": regex.compile(rf"(?:{_BODY}{{1,8}}?(?:大道|大街|公路|路|街|巷|弄|胡同|[东南西北中]?[一二三四五六七八九十]+道"
                          r"|道(?=\d+号))"  # 鞍山西道320号 (Tianjin's 道 roads)
                          rf"|\d{{2,3}}[国省县]道|[GS]\d{{1,4}}|{_BODY}{{1,4}}?段)"
                          r"(?:[东南西北中]?[一二三四五六七八九十\d]+段|[东南西北中]段|[东南西北中](?=\d+号))?"),
    "number": regex.compile(rf"附?{_NUM}(?:[-－—]{_NUM})*(?:号院|号|弄|组|支弄|队|社)"),  # 3社: a Sichuan village group
    "estate": regex.compile(rf"(?:{_BODY}{{2,10}}?|[A-Za-z]{{2,8}}\p{{Han}}{{0,6}}?|{_BODY}{{2,6}}?[A-Za-z]?\d{{1,4}})"
                            rf"(?:{_ESTATE})(?:{_ESTATE}|区(?=\d))*|{_BODY}{{2,6}}?[一二三四五六七八九十\d]+期"),
    "building": regex.compile(rf"(?:{_NUM}|[A-Za-z])(?:号楼|栋|幢|座|楼|单元|层|室|户|房|期|排|区)|\d{{1,2}}门(?=\d{{3,4}})"),
    "dashed": regex.compile(r"\d+(?:[-－—]\d+){1,3}(?:室|号|房)?"),
    "crossing": regex.compile(rf"(?:与|和|交){_BODY}{{1,8}}?(?:大道|大街|路|街)(?:交叉口|交汇处|交界处|十字路口|十字|路口|口)?"),
    "landmark": regex.compile(r"的?(?:[东南西北正侧后]门口?|大门口?|门口|旁边?|对面|隔壁|路口|楼下|大堂|大厅|[东南西北]{1,2}[角侧])"),
    "facility": regex.compile(r"的?\p{Han}{0,4}?(?:菜鸟驿站|驿站|快递柜|丰巢柜?|快递点|便利店|超市|门卫室?|村委会|居委会"
                              r"|小学|中学|卫生院|幼儿园|报刊亭|公交站|地铁站|保安亭|岗亭|自提柜|智能柜|快递箱|速递易柜?"
                              r"|邮政所|邮政支局|邮局|供销社|护士站|收发室|传达室)"),
}
_NAMED_KINDS = ("admin", "village", "road", "estate")
_ROOM = regex.compile(r"\d{2,5}(?!\d)")  # a bare room number, only right after a building or unit
_GROUP = regex.compile(rf"{_BODY}{{1,3}}?组(?!\p{{Han}})")  # 步前村下坝组: a village group named, not numbered
# or after a house number (天山路600弄3号1102), when nothing after it makes it a date, price or count
_ROOM_AFTER_NUMBER = regex.compile(r"\d{3,4}(?![\d年月日元个件块号天次人])")
_POSTCODE = regex.compile(r" \d{6}(?!\d)")
_SPACE = regex.compile(r" (?=\S)")
# Parts that make a chain an address by themselves (a division chain alone needs a cue).
_STREET_KINDS = frozenset({"road", "crossing", "number", "building", "dashed", "room", "landmark", "facility", "village"})
_BUILDING_KINDS = frozenset({"building", "dashed"})
_NEXT_TURN = regex.compile(r"[，,；;\s]*(?:(?:买家|卖家|客服|顾客|用户|客户|我)\s*[：:]\s*)?")
_CONTINUATION = regex.compile(r"附?\d{1,5}(?:[-－]\d+)?(?:号楼|号院|号|栋|幢|单元|座)"
                              rf"|{_BODY}{{2,6}}?\d{{0,4}}(?:{_ESTATE})\d{{1,3}}(?:楼|层|栋|幢|号楼|座)")  # 国贸360广场8楼
# Cues before a place that say a person lives, is, or sends something there.
_CUE = regex.compile(r"(?:地址|住址|地点|位置|收货地|发货地|所在地|住在?|家在|老家|户籍|籍贯|现居|居住|定位|坐标|寄到|寄往|寄至|寄回|"
                     r"发到|发往|送到|送至|送往|送去|送回|放到|放在|放|来自|位于|自提点|取件点|取件地|提货点|我在|在|到|去|回)"
                     r"[：:\s]*$")
# Cues after which a road, estate or village starts an address by itself (地址：文三路88号).
_CUE_WORDS = regex.compile(r"(?:地址|住址|收货地|寄到|寄往|寄至|寄回|发到|送到|送至|送往|放到|放在|住在|我住|家在|自提点|提货点|取件点)"
                           r"[：:\s]*(?:是|为|改成|改为|换成)?[：:\s]*")
# After a division chain: the place is a product's origin, a shop's stock or a broadcaster, not a person's.
_NOT_PERSONAL_AFTER = regex.compile(r"(?:发货|仓|包邮|直发|直供|直营|特产|产|批发|卫视|电视|市场|人民|话|口音|菜|本地)")
_CUE_WORDS_BEFORE = regex.compile(_CUE_WORDS.pattern + "$")
_TRIP_CUE = regex.compile(r"(?<![寄发送放带])(?:去|回)[：:\s]*$")  # 去西湖玩: a trip, not where someone lives
_TOWN_SUFFIX = ("镇", "乡", "街道")
_ROUTE_CUES = frozenset("到去往至回")
# Before or in the clause after a place-only chain: the place is a business's, not a person's.
_BUSINESS_BEFORE = regex.compile(r"(?:公司|本店|门店|店铺|工厂|厂家|总部|仓库|我们店|我司|我们)(?:\p{Han}{0,3})$")
_BUSINESS_AFTER = regex.compile(r"仓库|仓|门店|分店|工厂|总部|分公司|有店|都有|营业|欢迎|发货")
# Before any address: a business giving its own (本店地址：…, 我们公司位于…), published for customers, or a
# form's label for a business's own place (注册地址, 门店地址, 仓库地址, 开户行, 活动地点): not a person's
# (round2's and round3's convention; a person's home in a form, 经营者住址 or 家庭住址, still is). 经营地址 and
# 店铺地址 are not here: corpus.jsonl and extra_dev.txt mark those as gold, round2/round3 do not (open question).
_OWN_PLACE = regex.compile(r"(?:(?:本店|我店|我们店|我们的店|实体店|本公司|我司|我们公司|本厂)"
                           r"(?:的)?(?:地址|位于|坐落于|在)"
                           r"|(?:注册|营业|门店|仓库|公司注册|企业注册)(?:地址|地)|开户(?:行|银行|网点)"
                           r"|(?:活动|举办|会议|展会|比赛)(?:地点|地址|场馆))"
                           r"[：:\s]*(?:是|为|在)?[：:\s]*\p{Han}{0,10}?$")
# After a place: it names a bank's branch (苏州工业园区支行) or an event's venue (在郑州国际会展中心举行), not
# where someone is.
_BRANCH_AFTER = regex.compile(r"\p{Han}{0,6}?(?:支行|分行|营业部|分理处|储蓄所)|(?:隆重)?(?:举行|举办|召开|开幕)")
_CLAUSE_END = regex.compile(r"[，,。；;！!？?\s]")
# Strong starts without a division: a road and its number, an estate and its building.
_STRONG = regex.compile(r"(?:大道|大街|路|街|巷|弄)(?=\d+[-－]?\d*号|[与和]\p{Han}{1,8}?(?:大道|大街|路|街)(?:交叉口|交汇处|路口))"
                        r"|(?:小区|花园|公寓|大厦|家园|新村|苑|园|城)(?=\d+(?:栋|幢|号楼|座))"
                        r"|(?P<gate>(?:小区|花园|公寓|大厦|家园|新村|山庄|公馆|广场|苑|园|城|府|庭|湾)(?=(?:[东南西北正侧后大]门|门口)?"
                        r"(?:菜鸟驿站|驿站|快递柜|丰巢|门卫|保安亭)|[东南西北正侧后]门口?))")
_BACK_STOP = frozenset("号室栋楼门市区县镇的是在到往至放寄送址住于从由给把和与或及请我你他她您：:，,。；;！!？? \t\n、（(）)「」“”\"'")
_BACK_LIMIT = 6
_PUT_AT = frozenset("放到在送寄取去至")
# A building number with its unit or room (12栋1802, 6号楼2单元): an address by itself. Its estate is read
# from the name before it, back over estate names, phases and blocks (碧桂园十里银滩8期C区12栋1802).
_BUILDING_TRIGGER = regex.compile(r"(?<!\d)\d{1,4}(?:栋|幢|号楼)(?:\d+单元|\d{3,4}|[-－]\d+|大堂|大厅|门口|楼下)")
_ESTATE_BACK_STOP = _BACK_STOP - frozenset("区号楼")
_ESTATE_BACK_LIMIT = 14


@dataclass(frozen=True, slots=True)
class Address:
    start: int
    end: int
    street: bool  # has a road, number, building, room or landmark (not a chain of divisions only)
    cued: bool


def _known(found: dict[int, list], pos: int, *, start: bool) -> int:
    """Length of the longest division name at ``pos``; as a start only provinces, cities and full names."""
    best = 0
    for d in found.get(pos, ()):
        if start and d.level >= COUNTY and d.short:
            continue
        best = max(best, len(d.name))
    return best


def _known_name(found: dict[int, list], pos: int) -> tuple[int, bool]:
    """Length of the longest division name at ``pos`` and whether it is a full name (ends in 区, 市 …)."""
    best, full = 0, False
    for d in found.get(pos, ()):
        if len(d.name) > best:
            best, full = len(d.name), not d.short
    return best, full


def _chain(text: str, pos: int, found: dict[int, list]) -> tuple[int, bool, bool]:
    """Read parts from ``pos``; returns the end, whether a street-level part was read, and whether a
    town or subdistrict was (渭阳西路街道, 长安镇: specific enough to be where someone lives).

    A chain whose first part is a road named after a place (南京路, 北京东路步行街) needs more than roads:
    a number, building, estate or landmark, or an address cue before it."""
    street = town = False
    prev: str | None = None
    first: str | None = None
    start = pos
    kinds: set[str] = set()
    n = len(text)
    while pos < n:
        best_end, best_kind = _best_part(text, pos, found, crossing=prev == "road")
        if prev in _BUILDING_KINDS or prev == "number":
            m = (_ROOM if prev in _BUILDING_KINDS else _ROOM_AFTER_NUMBER).match(text, pos)
            if m and m.end() > best_end:
                best_end, best_kind = m.end(), "room"
        elif prev == "estate" and (m := _ROOM_AFTER_NUMBER.match(text, pos)) and m.end() > best_end:
            best_end, best_kind = m.end(), "room"  # 齐鲁国际大厦2106, K18写字楼1706
        elif prev == "village" and (m := _GROUP.match(text, pos)) and m.end() > best_end:
            best_end, best_kind = m.end(), "number"
        if best_end == pos:
            m = _SPACE.match(text, pos)
            if m and prev is not None and _continues(text, m.end(), found):
                pos = m.end()
                continue
            break
        if best_kind == "division":
            town = town or any(d.level >= TOWN and len(d.name) == best_end - pos for d in found.get(pos, ()))
        elif best_kind == "admin":
            town = town or text.endswith(_TOWN_SUFFIX, pos, best_end)
        pos, prev = best_end, best_kind
        first = first or best_kind
        kinds.add(best_kind)
        street = street or best_kind in _STREET_KINDS
    if first == "road" and kinds <= {"road", "crossing", "division", "admin"} and \
            not _CUE_WORDS_BEFORE.search(text, max(0, start - 6), start):
        street = False
    if street:
        m = _POSTCODE.match(text, pos)
        if m:
            pos = m.end()
    return pos, street, town


def _best_part(text: str, pos: int, found: dict[int, list], *, crossing: bool) -> tuple[int, str]:
    """The longest part at ``pos`` and its kind ("" for none). A full division name (南山区) is taken as
    it is (南山区科技园 is not one estate); no other part may end inside a full division name that starts
    within it (浙江温州龙湾|区 is not an estate ending in 湾, 深圳南山粤海街|道 not a road ending in 街).
    ``crossing``: 与…路交叉口 only right after a road."""
    known, full = _known_name(found, pos)
    best_end, best_kind = pos + known, "division" if known else ""
    if full:
        return best_end, best_kind
    for kind, pattern in _PARTS.items():
        if kind == "crossing" and not crossing:
            continue
        m = pattern.match(text, pos)
        if m and m.end() > best_end and not _splits_division(found, pos, m.end()):
            best_end, best_kind = m.end(), kind
    return best_end, best_kind


def _splits_division(found: dict[int, list], start: int, end: int) -> bool:
    return any(not d.short and s + len(d.name) > end for s in range(start + 1, end) for d in found.get(s, ()))


def _continues(text: str, pos: int, found: dict[int, list]) -> bool:
    if _known(found, pos, start=False):
        return True
    return any(_PARTS[k].match(text, pos) for k in _NAMED_KINDS)


def _back_to_name_start(text: str, end: int, floor: int) -> int:
    """Start of the road or estate name ending at ``end``: back over Han characters to a stop word."""
    pos = end
    while pos > floor and end - pos < _BACK_LIMIT and text[pos - 1] not in _BACK_STOP and "\u4e00" <= text[pos - 1] <= "\u9fff":
        pos -= 1
    return pos


def find_addresses(text: str) -> list[Address]:
    """Addresses in ``text``, not overlapping, in order.

    Chains that start at a division come first; a road with its number, an estate with its building,
    or a road or estate after an address cue then start chains only where no address is yet."""
    found = divisions().at(text)
    out: list[Address] = []
    own: list[tuple[int, int]] = []
    last_end = -1
    for start in sorted(found):
        if start < last_end:
            continue
        if not _known(found, start, start=True) and (not _CUE.search(text, max(0, start - 6), start)
                                                      or _TRIP_CUE.search(text, max(0, start - 3), start)):
            continue  # a short county name (大冶, 海门) starts an address only right after a cue
        end, street, town = _chain(text, start, found)
        if _OWN_PLACE.search(text, max(0, start - 22), start):
            last_end = end  # and no address inside it either
            own.append((start, end))
        elif _keep(text, start, end, street or town, cued=False, out=out, found=found):
            last_end = end
    taken = [(a.start, a.end) for a in out] + own
    extra: list[tuple[int, str]] = [(m.end(), "cue") for m in _CUE_WORDS.finditer(text)]
    for m in _STRONG.finditer(text):
        floor = max((e for s, e in taken if e <= m.start()), default=0)
        start = _back_to_name_start(text, m.start(), floor)
        if m.group("gate") and text[start - 1:start] not in _PUT_AT:
            continue  # an estate's gate where something is put or someone is (放学府花园北门; not 距离小区南门)
        if start < m.start():
            extra.append((start, "strong"))
    for m in _BUILDING_TRIGGER.finditer(text):
        if any(s <= m.start() < e for s, e in taken):
            continue
        floor = max((e for s, e in taken if e <= m.start()), default=0)
        start = m.start()
        while start > floor and m.start() - start < _ESTATE_BACK_LIMIT and text[start - 1] not in _ESTATE_BACK_STOP \
                and (text[start - 1].isalnum()):
            start -= 1
        if start < m.start():
            extra.append((start, "building"))
    for start, how in sorted(extra):
        if start >= len(text) or any(s <= start < e for s, e in taken):
            continue
        if how == "cue" and not any(_PARTS[k].match(text, start) for k in ("road", "estate", "village")):
            continue
        end, street, town = _chain(text, start, found)
        if _OWN_PLACE.search(text, max(0, start - 22), start):
            taken.append((start, end))  # a business's own place, written without a division
            continue
        if any(start < s < end for s, _ in taken):
            continue  # runs into an address found from its division: that one starts later, and is it
        if how == "building" and not _BUILDING_TRIGGER.search(text, start, end):
            continue  # the name before the building could not be read as an estate
        if _keep(text, start, end, street or town, cued=how == "cue", out=out, found=found):
            taken.append((start, end))
    out.sort(key=lambda a: a.start)
    out = _joined(text, out)
    out = _continued(text, out, found)
    for start, end in find_english_addresses(text):
        if not any(a.start < end and start < a.end for a in out):
            out.append(Address(start, end, True, True))
    out.sort(key=lambda a: a.start)
    return out


def _continued(text: str, found_addresses: list[Address], found: dict[int, list]) -> list[Address]:
    """The rest of an address after a comma or in the next chat turn (…人民南路四段 买家：27号商鑫大厦5楼,
    …阳光100小区，12栋2单元1103): a number, building or unit read on by at least one more part."""
    out = list(found_addresses)
    for a in found_addresses:
        m = _NEXT_TURN.match(text, a.end)
        pos = m.end()  # the pattern may match nothing
        if pos == a.end or not _CONTINUATION.match(text, pos) or any(b.start <= pos < b.end for b in out):
            continue
        first, _ = _best_part(text, pos, found, crossing=False)
        end, street, _ = _chain(text, pos, found)
        if street and end > first:
            out.append(Address(pos, end, True, True))
    return sorted(out, key=lambda a: a.start)


def _joined(text: str, found: list[Address]) -> list[Address]:
    """A division-only place and the street right after one comma or space are one address
    (地址：深圳市南山区，科技园路1号)."""
    out: list[Address] = []
    for a in found:
        if out and not out[-1].street and out[-1].end + 1 == a.start and text[out[-1].end] in "，, " and a.street:
            out[-1] = Address(out[-1].start, a.end, True, out[-1].cued or a.cued)
        else:
            out.append(a)
    return out


def _keep(text: str, start: int, end: int, specific: bool, *, cued: bool, out: list[Address],
          found: dict[int, list]) -> bool:
    """Whether the chain at ``start:end`` is a person's address; kept ones are appended to ``out``.

    A chain with a street or a town is; a chain of divisions only when a cue says someone is or goes
    there, and not when it is a route (石家庄到北京), a shop's or company's place (我们公司位于…, 在雁塔区
    都有仓库) or a product's origin (西湖龙井)."""
    if end <= start or _BRANCH_AFTER.match(text, end):
        return False
    if not specific:
        cue = None if cued else _CUE.search(text, max(0, start - 6), start)
        if not cued and (cue is None or _route(text, cue.start(), found)):
            return False
        if _NOT_PERSONAL_AFTER.match(text, end) or _BUSINESS_BEFORE.search(text, max(0, start - 8), start):
            return False
        clause = _CLAUSE_END.search(text, end, end + 16)
        if _BUSINESS_AFTER.search(text, end, clause.start() if clause else end + 16):
            return False
        cued = True
    out.append(Address(start, end, specific, cued))
    return True


def _route(text: str, cue_start: int, found: dict[int, list]) -> bool:
    """Whether a division ends right where a bare 到/去/往 cue starts (石家庄到北京: a route, not a visit)."""
    if text[cue_start:cue_start + 1] not in _ROUTE_CUES:
        return False
    return any(text[s:cue_start] in divisions().by_name for s in range(max(0, cue_start - 8), cue_start - 1))
