"""Build ``eval/pii/corpus.jsonl`` from the hand-written texts in ``eval/pii/texts/*.txt``, once.

    python eval/pii/build.py            # writes corpus.jsonl; texts already in it keep id, values, split

Each line of a texts file is one text, written by hand. Slots in braces take a value and are gold spans
of their type; ``[[TYPE|value]]`` is a gold span written out by hand (an obfuscated e-mail, a number in
Chinese numerals); everything else is plain text and carries no label. Lines starting with ``#`` are
comments. Slots:

    {N} {N2} {N3}   a person's name (Faker zh_CN)          PERSON
    {NP}            a Chinese name in Latin letters, SURNAME Given or Given Surname   PERSON
    {A}             address, province to room               LOCATION
    {A2}            address, city to room (no province)     LOCATION
    {A3}            address, district to room               LOCATION
    {AV}            rural address ending at a village group or a landmark   LOCATION
    {AL}            address ending at a landmark (小区东门, 菜鸟驿站, 村委会旁)   LOCATION
    {C}             a city or district alone, where a person is or goes      LOCATION
    {P}             mobile, plain / spaced / +86              CN_MOBILE
    {E}             e-mail                                  EMAIL_ADDRESS
    {Q}             QQ number                               QQ_NUMBER
    {W}             WeChat ID                               WECHAT_ID
    {ID}            resident ID                             CN_RESIDENT_ID
    {BC}            UnionPay card                           BANK_CARD
    {U}             unified social credit code              CN_USCC

The addresses are composed from a short hand-made list of real divisions, roads and estates, not from
the table the address recognizer uses, so the corpus does not share the recognizer's blind spots.
Splits: the first build deals texts to ``dev`` and ``test`` alternately within each file in the order of
the SHA-256 of their id; a text keeps its split (and its values) on later builds.
"""

from __future__ import annotations

import hashlib
import json
import random
import re
import string
from pathlib import Path

from faker import Faker
from pypinyin import Style, lazy_pinyin

HERE = Path(__file__).resolve().parent
CORPUS = HERE / "corpus.jsonl"
SEED = 16

# (province, city, district) — real divisions, written out by hand
DIVISIONS = [
    ("广东省", "深圳市", "南山区"), ("广东省", "广州市", "天河区"), ("广东省", "东莞市", "南城街道"),
    ("广东省", "佛山市", "顺德区"), ("浙江省", "杭州市", "西湖区"), ("浙江省", "杭州市", "余杭区"),
    ("浙江省", "宁波市", "鄞州区"), ("浙江省", "温州市", "鹿城区"), ("浙江省", "金华市", "义乌市"),
    ("江苏省", "南京市", "鼓楼区"), ("江苏省", "苏州市", "工业园区"), ("江苏省", "无锡市", "梁溪区"),
    ("北京市", "北京市", "朝阳区"), ("北京市", "北京市", "海淀区"), ("上海市", "上海市", "浦东新区"),
    ("上海市", "上海市", "闵行区"), ("天津市", "天津市", "河西区"), ("重庆市", "重庆市", "渝北区"),
    ("四川省", "成都市", "武侯区"), ("四川省", "绵阳市", "涪城区"), ("陕西省", "西安市", "雁塔区"),
    ("湖北省", "武汉市", "洪山区"), ("湖南省", "长沙市", "岳麓区"), ("河南省", "郑州市", "金水区"),
    ("山东省", "青岛市", "市南区"), ("山东省", "济南市", "历下区"), ("福建省", "厦门市", "思明区"),
    ("福建省", "福州市", "鼓楼区"), ("辽宁省", "沈阳市", "和平区"), ("黑龙江省", "哈尔滨市", "南岗区"),
    ("云南省", "昆明市", "五华区"), ("贵州省", "贵阳市", "观山湖区"), ("广西壮族自治区", "南宁市", "青秀区"),
    ("安徽省", "合肥市", "蜀山区"), ("江西省", "南昌市", "红谷滩区"), ("河北省", "石家庄市", "长安区"),
    ("山西省", "太原市", "小店区"), ("吉林省", "长春市", "朝阳区"), ("甘肃省", "兰州市", "城关区"),
    ("新疆维吾尔自治区", "乌鲁木齐市", "天山区"), ("内蒙古自治区", "呼和浩特市", "赛罕区"),
    ("海南省", "海口市", "龙华区"), ("湖南省", "株洲市", "天元区"), ("广东省", "汕头市", "金平区"),
]
COUNTIES = [  # (province, city, county, town) for rural addresses
    ("河南省", "周口市", "郸城县", "汲冢镇"), ("山东省", "临沂市", "沂南县", "界湖街道"),
    ("四川省", "南充市", "营山县", "骆市镇"), ("湖南省", "邵阳市", "隆回县", "桃洪镇"),
    ("安徽省", "阜阳市", "临泉县", "杨桥镇"), ("江西省", "赣州市", "于都县", "贡江镇"),
    ("河北省", "保定市", "涞水县", "永阳镇"), ("广西壮族自治区", "玉林市", "博白县", "龙潭镇"),
    ("云南省", "曲靖市", "宣威市", "羊场镇"), ("湖北省", "黄冈市", "蕲春县", "漕河镇"),
]
ROADS = ["科技园路", "文三路", "解放南路", "中山北路", "人民路", "建设大道", "长江路", "天府大道北段", "学院路",
         "滨江大道", "光华路", "和平街", "东风路", "胜利西路", "五一大道", "团结巷", "幸福里", "青年路",
         "南京东路", "金沙江路", "龙华中路", "迎宾大道", "新华街", "丰庆路", "友谊路", "翠竹路", "工农路"]
ESTATES = ["阳光花园", "万科城", "金地名苑", "碧桂园", "锦绣家园", "翠湖山庄", "世纪新城", "恒大名都", "绿城桂花园",
           "保利香槟国际", "龙湖春江郦城", "中海国际社区", "华润二十四城", "幸福里小区", "新华小区", "桃园新村",
           "银泰城", "御景湾", "丽景苑", "香榭里"]
LANDMARKS = ["东门", "北门快递柜", "南门菜鸟驿站", "门卫室", "西门对面的超市", "旁边的丰巢柜"]
VILLAGES = ["王庄村", "李家湾村", "大柳树村", "新河村", "前进村", "石桥村", "高庄村", "刘集村"]
FIRST_PLACES = ["成都", "杭州", "深圳南山区", "北京海淀", "武汉", "西安雁塔区", "长沙", "厦门", "苏州", "重庆渝北",
                "南宁", "昆明", "青岛", "郑州金水区", "合肥"]

SLOT = re.compile(r"\{(N3|N2|NP|N|A2|A3|AV|AL|A|C|P|E|Q|W|ID|BC|U)\}|\[\[([A-Z_]+)\|([^\]]+)\]\]")
LABEL = {"N": "PERSON", "N2": "PERSON", "N3": "PERSON", "NP": "PERSON", "A": "LOCATION", "A2": "LOCATION",
         "A3": "LOCATION", "AV": "LOCATION", "AL": "LOCATION", "C": "LOCATION", "P": "CN_MOBILE",
         "E": "EMAIL_ADDRESS", "Q": "QQ_NUMBER", "W": "WECHAT_ID", "ID": "CN_RESIDENT_ID", "BC": "BANK_CARD",
         "U": "CN_USCC"}
GENRES = {"chat": "customer-service chat", "orders": "order note", "merchant": "merchant application",
          "live": "live-stream comment", "invoice": "invoice", "refund": "refund request",
          "negatives": "no personal data (traps)"}


class Values:
    def __init__(self, seed: int) -> None:
        self.r = random.Random(seed)
        self.f = Faker("zh_CN")
        self.f.seed_instance(seed)

    def name(self) -> str:
        return self.f.name()

    def pinyin_name(self) -> str:
        name = self.f.name()
        sur, given = lazy_pinyin(name[0], style=Style.NORMAL), lazy_pinyin(name[1:], style=Style.NORMAL)
        given_s = "".join(given).capitalize()
        return self.r.choice([f"{sur[0].upper()} {given_s}", f"{sur[0].capitalize()} {given_s}",
                              f"{given_s} {sur[0].capitalize()}"])

    def number(self) -> str:
        r = self.r
        return r.choice([f"{r.randint(1, 399)}号", f"{r.randint(1, 120)}号", f"{r.randint(1, 99)}-{r.randint(1, 9)}号"])

    def unit(self) -> str:
        r = self.r
        b, u, room = r.randint(1, 32), r.randint(1, 6), r.randint(1, 33) * 100 + r.randint(1, 8)
        return r.choice([f"{b}栋{u}单元{room}室", f"{b}幢{room}", f"{b}号楼{u}单元{room}", f"{b}-{u}-{room}",
                         f"{r.choice('ABCDEF')}座{room}室", f"{b}栋{room}", f"{b}号楼{room}室"])

    def address(self, level: str) -> str:
        r = self.r
        if level == "AV":
            p, c, k, t = r.choice(COUNTIES)
            v = r.choice(VILLAGES)
            tail = r.choice([f"{v}{r.randint(1, 9)}组{r.randint(1, 80)}号", f"{v}村委会旁", f"{v}{r.randint(2, 60)}号",
                             f"{v}小学对面"])
            return r.choice([p + c + k + t + tail, c + k + t + tail, k + t + tail])
        p, c, d = r.choice(DIVISIONS)
        if p == c:  # municipality: written once
            p = ""
        road = r.choice(ROADS) + self.number()
        estate = r.choice(ESTATES)
        if level == "AL":
            tail = r.choice([road + estate + r.choice(LANDMARKS), estate + r.choice(LANDMARKS),
                             road + r.choice(["菜鸟驿站", "小区东门", "路口的便利店"])])
        else:
            tail = r.choice([road + estate + self.unit(), road + self.unit(), road + estate + self.unit(),
                             road, estate + self.unit()])
        if level == "A":
            return (p or c) + (c if p else "") + d + tail
        if level == "A2":
            return c + d + tail if r.random() < 0.7 else c.removesuffix("市") + d + tail
        return d + tail  # A3

    def mobile(self) -> str:
        from riskguard.cn_identifiers import cn_mobile_valid

        while True:
            n = self.f.phone_number()
            if cn_mobile_valid(n):
                break
        return self.r.choice([n, n, n, f"{n[:3]} {n[3:7]} {n[7:]}", f"+86{n}", f"{n[:3]}-{n[3:7]}-{n[7:]}"])

    def wechat(self) -> str:
        r = self.r
        head = r.choice(string.ascii_lowercase) + "".join(r.choice(string.ascii_lowercase) for _ in range(r.randint(2, 6)))
        return r.choice([head + str(r.randint(10, 9999)), head + "_" + str(r.randint(1, 999)),
                         head.capitalize() + r.choice(["88", "666", "2024", "_vip"])])

    def uscc(self) -> str:
        from riskguard.cn_identifiers import USCC_CHARSET, org_code_check_char, uscc_check_char

        org_chars = "0123456789ABCDEFGHJKLMNPQRTUWXY"
        while True:
            body8 = "".join(self.r.choice(org_chars) for _ in range(8))
            org = body8 + org_code_check_char(body8)
            first17 = "91" + self.f.ssn()[:6] + org
            if all(c in USCC_CHARSET for c in first17):
                return first17 + uscc_check_char(first17)

    def value(self, slot: str) -> str:
        f = self.f
        if slot in ("N", "N2", "N3"):
            return self.name()
        if slot == "NP":
            return self.pinyin_name()
        if slot in ("A", "A2", "A3", "AV", "AL"):
            return self.address(slot)
        if slot == "C":
            return self.r.choice(FIRST_PLACES)
        if slot == "P":
            return self.mobile()
        if slot == "E":
            return self.r.choice([f.free_email(), f.email(), f"{f.user_name()}{self.r.randint(1, 99)}@qq.com"])
        if slot == "Q":
            return str(self.r.randint(10_000, 3_999_999_999))
        if slot == "W":
            return self.wechat()
        if slot == "ID":
            return f.ssn()
        if slot == "BC":
            return f.credit_card_number(card_type="unionpay")
        return self.uscc()


def fill(line: str, values: Values) -> tuple[str, list[list[object]]]:
    out, spans, pos = [], [], 0
    for m in SLOT.finditer(line):
        out.append(line[pos:m.start()])
        start = sum(map(len, out))
        if m.group(1):
            value, label = values.value(m.group(1)), LABEL[m.group(1)]
        else:
            value, label = m.group(3), m.group(2)
        out.append(value)
        spans.append([label, start, start + len(value)])
        pos = m.end()
    out.append(line[pos:])
    return "".join(out), spans


def main() -> None:
    existing = {}
    if CORPUS.exists():
        for raw in CORPUS.read_text("utf-8").splitlines():
            row = json.loads(raw)
            existing[row["id"]] = row
    values = Values(SEED)
    rows = []
    for path in sorted((HERE / "texts").glob("*.txt")):
        genre = path.stem
        lines = [ln.strip() for ln in path.read_text("utf-8").splitlines()]
        lines = [ln for ln in lines if ln and not ln.startswith("#")]
        group = []
        for line in lines:
            tid = f"{genre}-{hashlib.sha256(line.encode()).hexdigest()[:10]}"
            text, spans = fill(line, values)
            row = existing.get(tid) or {"id": tid, "genre": genre, "template": line, "text": text,
                                        "spans": spans}
            group.append(row)
        todo = sorted((r for r in group if "split" not in r), key=lambda r: hashlib.sha256(r["id"].encode()).hexdigest())
        counts = {"dev": sum(r.get("split") == "dev" for r in group), "test": sum(r.get("split") == "test" for r in group)}
        for row in todo:
            row["split"] = "dev" if counts["dev"] <= counts["test"] else "test"
            counts[row["split"]] += 1
        rows.extend(group)
    ids = [r["id"] for r in rows]
    dupes = {i for i in ids if ids.count(i) > 1}
    if dupes:
        raise SystemExit(f"duplicate texts: {sorted(dupes)}")
    CORPUS.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")
    clean = sum(not r["spans"] for r in rows)
    print(f"{len(rows)} texts, {clean} without personal data ({clean / len(rows):.0%}); "
          f"dev {sum(r['split'] == 'dev' for r in rows)}, test {sum(r['split'] == 'test' for r in rows)}")


if __name__ == "__main__":
    main()
