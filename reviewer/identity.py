"""Who wrote this report about whom: the report's identity.

``extract_identity(doc)`` reads the cover, key-value tables (企业基本情况表) and the enterprise
overview and returns the enterprise name and its short forms, location (province / city /
county / park, resolved against the administrative-division table shipped in the ``cpca``
package), industry, products, audit years, report date and the consulting agency.

The same module offers the two detectors the BPL rules and copy detection build on:
``find_org_mentions`` (organisation names by suffix, with a proper-name head) and
``find_places`` (administrative divisions by Aho-Corasick over the cpca table).
"""

from __future__ import annotations

import csv
import importlib.util
import itertools
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel, Field

from reviewer.document import Block, Document

# ---- industries -----------------------------------------------------------------------------
# key -> (Chinese label, keywords). Order matters: the first, more specific keys win ties.
INDUSTRIES: dict[str, tuple[str, tuple[str, ...]]] = {
    "electroplating": ("电镀", ("电镀", "表面处理", "镀锌", "镀铬", "镀镍", "阳极氧化", "镀层", "热处理加工")),
    "dyeing": ("印染", ("印染", "染整", "漂染", "印花", "染色")),
    "pharma": ("制药", ("制药", "原料药", "医药", "药业", "生物制品")),
    "chemical": ("化工", ("化工", "化学原料", "化学品", "涂料", "农药", "染料", "树脂", "化肥", "氯碱", "石化")),
    "foundry": ("铸造", ("铸造", "铸件", "压铸", "铸铁", "熔炼")),
    "machinery": ("机械", ("机械", "装备制造", "机床", "金属制品", "五金", "零部件", "机加工")),
    "papermaking": ("造纸", ("造纸", "纸业", "制浆", "纸板", "原纸")),
    "brewing": ("酿造", ("酿造", "啤酒", "白酒", "酒业", "黄酒", "葡萄酒", "酱油", "食醋")),
    "food": ("食品", ("食品", "乳业", "乳制品", "肉制品", "屠宰", "饮料", "淀粉", "制糖", "粮油")),
    "steel": ("钢铁", ("钢铁", "炼钢", "炼铁", "轧钢", "特钢", "钢材", "烧结")),
    "cement": ("水泥", ("水泥", "熟料")),
    "nonferrous": ("有色金属", ("有色金属", "冶炼", "铜业", "铝业", "铅锌", "稀土", "电解铝")),
    "leather": ("制革", ("制革", "皮革", "鞣制")),
    "battery": ("电池", ("蓄电池", "铅酸电池", "锂电池", "电池")),
    "electronics": ("电子", ("线路板", "电路板", "PCB", "半导体", "电子元件", "电子")),
    "coking": ("焦化", ("焦化", "炼焦", "焦炭")),
    "power": ("火电", ("火电", "热电", "发电")),
    "glass": ("玻璃", ("玻璃",)),
    "ceramics": ("陶瓷", ("陶瓷", "瓷砖", "卫生洁具")),
    "plastics": ("塑料橡胶", ("塑料", "橡胶", "轮胎")),
    "printing": ("印刷包装", ("印刷", "包装")),
    "textile": ("纺织", ("纺织", "织造", "化纤", "服装")),
    "building_materials": ("建材", ("建材", "砖瓦", "石材", "混凝土", "石灰", "耐火材料")),
}


# Words enterprises of an industry put into their names ('恒盛印染', '远航药业'): a short name is
# often just brand + one of these, without any company suffix.
INDUSTRY_NAME_WORDS: dict[str, tuple[str, ...]] = {
    "electroplating": ("电镀", "表面处理", "金属表面处理", "五金制品", "五金", "金属制品", "表面技术"),
    "dyeing": ("印染", "纺织印染", "染整", "纺织科技", "纺织", "染织", "针织"),
    "pharma": ("药业", "制药", "生物医药", "医药化工", "医药", "生物科技", "化学制药"),
    "chemical": ("化工", "化学", "新材料", "精细化工", "石化", "化学工业"),
    "foundry": ("铸造", "机械铸造", "精密铸造", "机械制造", "铸业", "铸件", "机械"),
    "machinery": ("机械", "机械制造", "精密机械", "装备", "重工", "机电"),
    "papermaking": ("纸业", "造纸", "包装材料", "纸品", "纸制品", "浆纸"),
    "brewing": ("啤酒", "酿酒", "酒业", "饮品", "酿造", "酒厂"),
    "food": ("食品", "乳业", "饮品", "粮油", "生物科技"),
    "steel": ("钢铁", "特钢", "钢业", "金属材料"),
    "cement": ("水泥", "建材"),
    "nonferrous": ("有色金属", "铜业", "铝业", "冶炼", "金属材料"),
    "leather": ("皮革", "制革", "革业"),
    "battery": ("电池", "电源", "新能源"),
    "electronics": ("电子", "电路", "光电", "电子科技"),
    "coking": ("焦化", "煤化工", "能源"),
    "power": ("热电", "电力", "能源"),
    "glass": ("玻璃", "玻璃制品"),
    "ceramics": ("陶瓷", "瓷业"),
    "plastics": ("塑料", "塑胶", "橡胶", "塑业"),
    "printing": ("印刷", "包装", "彩印"),
    "textile": ("纺织", "织造", "服饰", "化纤"),
    "building_materials": ("建材", "新型建材", "石材"),
}


def industry_label(key: str | None) -> str | None:
    return INDUSTRIES[key][0] if key in INDUSTRIES else None


# ---- administrative divisions (cpca's table) --------------------------------------------------
RANK_PROVINCE, RANK_CITY, RANK_COUNTY = 0, 1, 2
_PLACEHOLDER_NAMES = {"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划", "省直辖县级行政单位"}
# County names that are ordinary words in report prose ("老城区", "矿区") or too short to trust.
_GENERIC_COUNTY = {"城区", "郊区", "矿区", "新区", "市中区", "新城区", "老城区", "东区", "西区", "南区", "北区", "中区",
                   "开发区", "高新区", "市南区", "市北区", "新华区", "长安区", "城中区", "城东区", "城西区", "城北区",
                   "解放区", "和平区", "城关区", "江北区", "江南区", "河东区", "河西区", "工农区", "红旗区", "向阳区",
                   "前进区", "东风区", "胜利区", "新兴区", "平安区", "新市区", "中原区"}
_PROVINCE_SHORT = {"内蒙古自治区": "内蒙古", "广西壮族自治区": "广西", "西藏自治区": "西藏",
                   "新疆维吾尔自治区": "新疆", "宁夏回族自治区": "宁夏", "香港特别行政区": "香港",
                   "澳门特别行政区": "澳门"}
_MUNICIPALITIES = {"11", "12", "31", "50"}


@dataclass(frozen=True)
class Place:
    code: str  # 12-digit adcode
    name: str
    rank: int

    @property
    def province_code(self) -> str:
        return self.code[:2]

    @property
    def city_code(self) -> str | None:
        if self.rank == RANK_PROVINCE:
            return None
        if self.code[:2] in _MUNICIPALITIES:
            return self.code[:2]  # Beijing etc.: the municipality is the city
        return self.code[:4]

    def within(self, other: Place) -> bool:
        if other.rank == RANK_PROVINCE:
            return self.province_code == other.province_code
        if other.rank == RANK_CITY:
            return self.rank >= RANK_CITY and self.city_code == other.city_code
        return self.code == other.code


@dataclass
class PlaceMention:
    start: int
    end: int
    text: str
    candidates: list[Place]

    @property
    def rank(self) -> int:
        return min(p.rank for p in self.candidates)


class Divisions:
    """The division table with two Aho-Corasick automata: full names for open text, full and short
    names for address strings (where '江苏常州武进' is normal)."""

    def __init__(self, rows: list[tuple[str, str]]):
        import ahocorasick

        self.by_code: dict[str, Place] = {}
        full: dict[str, list[Place]] = {}
        short: dict[str, list[Place]] = {}
        for code, name in rows:
            if name in _PLACEHOLDER_NAMES or not name:
                continue
            if code.endswith("0000000000"):
                rank = RANK_PROVINCE
            elif code.endswith("00000000"):
                rank = RANK_CITY
            else:
                rank = RANK_COUNTY
            p = Place(code, name, rank)
            self.by_code[code] = p
            full.setdefault(name, []).append(p)
            s = _short_place(name, rank)
            if s and s != name:
                short.setdefault(s, []).append(p)
        self.full = full
        self.short = short
        self.open_ac = ahocorasick.Automaton()
        for name, places in full.items():
            if len(name) >= 3 and name not in _GENERIC_COUNTY:
                self.open_ac.add_word(name, (name, places))
        self.open_ac.make_automaton()
        self.addr_ac = ahocorasick.Automaton()
        for name, places in full.items():
            if name not in _GENERIC_COUNTY:
                self.addr_ac.add_word(name, (name, places))
        for name, places in short.items():
            if name in full:
                continue
            # Short county names only resolve inside an address (after a city), see parse_address.
            self.addr_ac.add_word(name, (name, places))
        self.addr_ac.make_automaton()

    def province_of(self, p: Place) -> Place | None:
        return self.by_code.get(p.province_code + "0" * 10)

    def city_of(self, p: Place) -> Place | None:
        if p.rank == RANK_PROVINCE:
            return None
        if p.province_code in _MUNICIPALITIES:
            return self.province_of(p)
        return self.by_code.get(p.code[:4] + "0" * 8) or self.province_of(p)

    def find(self, text: str, address: bool = False) -> list[PlaceMention]:
        """Leftmost-longest, non-overlapping place mentions."""
        ac = self.addr_ac if address else self.open_ac
        if not text:
            return []
        hits = []
        for end, (name, places) in ac.iter(text):
            start = end - len(name) + 1
            hits.append((start, end + 1, name, places))
        hits.sort(key=lambda h: (h[0], -(h[1] - h[0])))
        out: list[PlaceMention] = []
        last_end = -1
        for start, end, name, places in hits:
            if start < last_end:
                continue
            out.append(PlaceMention(start, end, name, list(places)))
            last_end = end
        return out

    def parse_address(self, text: str) -> list[Place]:
        """Resolve an address string to a consistent chain [province?, city?, county?].

        Ambiguous names (鼓楼区) are resolved by the levels already read; a short county name
        counts only when it belongs to the city already read."""
        chain: list[Place] = []
        for m in self.find(text, address=True):
            parent = chain[-1] if chain else None
            cands = m.candidates
            if parent is not None:
                inside = [c for c in cands if c.within(parent) and c.rank > parent.rank]
                if not inside:
                    if m.text in self.full:
                        # A full name outside the chain read so far: keep it as a separate,
                        # contradicting place (the caller decides).
                        chain.append(cands[0])
                    continue
                cands = inside
            elif m.text not in self.full:
                # A bare short name without a parent: accept provinces and prefecture cities only.
                cands = [c for c in cands if c.rank <= RANK_CITY]
                if not cands:
                    continue
            best = sorted(cands, key=lambda c: c.rank)[0]
            if chain and best.rank <= chain[-1].rank:
                continue
            chain.append(best)
            if best.rank == RANK_COUNTY:
                break
        return chain


def _short_place(name: str, rank: int) -> str | None:
    if name in _PROVINCE_SHORT:
        return _PROVINCE_SHORT[name]
    if rank == RANK_PROVINCE:
        s = re.sub(r"(省|市)$", "", name)
        return s if len(s) >= 2 else None
    if rank == RANK_CITY:
        if name.endswith("自治州"):
            return None
        s = re.sub(r"(市|地区|盟)$", "", name)
        return s if len(s) >= 2 else None
    if name.endswith(("自治县", "自治旗")):
        return None
    s = re.sub(r"(县|区|市|旗)$", "", name)
    return s if len(s) >= 2 else None


def _cpca_table_path() -> Path:
    spec = importlib.util.find_spec("cpca")  # locating, not importing: cpca's __init__ needs pkg_resources
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the cpca package (administrative divisions) is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "resources" / "adcodes.csv"


@lru_cache(maxsize=1)
def divisions() -> Divisions:
    with _cpca_table_path().open(encoding="utf-8") as fh:
        rows = [(r["adcode"], r["name"].strip()) for r in csv.DictReader(fh)]
    return Divisions(rows)


# ---- organisation names ---------------------------------------------------------------------
ORG_SUFFIX_RE = re.compile(
    r"(集团股份有限公司|股份有限公司|有限责任公司|集团有限公司|有限公司|集团公司|分公司|总公司|公司|集团|总厂|分厂|厂)"
)
# A '厂' followed by one of these is a word like 厂区/厂房/厂界, not the end of a name.
_FACTORY_WORD_NEXT = set("区房界长家内外址部务级商方容貌规办网门前后里道路用矿站际籍史纪庆歌徽服牌医车间级标值")
_WINDOW_BREAK = re.compile(r"[\s，。；;：:、,.!！?？\"“”‘’'《》<>【】\[\]（）()/\\|\t\n]|\d+[年月日号]|\d+")
# Words that end a name when read right-to-left (verbs, prepositions, role nouns before a name).
_STOP_TOKENS = set(
    ["委托", "受托", "由", "经", "与", "和", "及", "以及", "或", "向", "对", "为", "是", "将", "在", "从", "于", "给", "同", "跟", "请", "聘请", "邀请", "交由", "交给", "送", "送往", "送至", "运往", "销往", "卖给", "购自", "来自", "选用", "采用", "使用", "通过", "根据", "按照", "依据", "参照", "借鉴", "其中", "并", "且", "即", "如", "被", "把", "据", "共", "均", "已", "现", "签订", "签署", "联合", "协助", "配合", "组织", "开展", "进行", "属于", "隶属", "隶属于", "下属", "旗下", "包括", "含", "系", "乃", "作为", "成为", "负责", "承担", "承接", "完成", "提供", "供应", "销售", "出售", "接收", "处置", "处理", "回收", "转移", "清运", "收运", "运输", "检测", "监测", "的", "了", "着", "等", "也", "都", "还", "又", "再", "就", "才", "所", "向", "至", "到", "往", "由其", "该", "本", "我", "其", "贵", "各", "全", "此", "这", "那", "每", "某", "原", "一家", "家", "位", "名", "企业", "单位", "客户", "用户", "供应商", "厂家", "厂商", "生产厂家", "制造商", "合作", "合作方", "母公司", "子公司", "股东", "投资方", "委托方", "上游", "下游", "当地", "附近", "周边", "毗邻", "邻近", "东侧", "西侧", "南侧", "北侧", "内", "外", "上", "下", "中", "前", "后", "年", "月", "日", "约", "余", "多", "主要", "重点", "包含", "分别", "以", "及其", "人员", "技术人员", "专家", "审核", "清洁生产", "报告", "编制", "咨询", "要求", "关于", "对于", "有关", "相关", "上述", "以上", "以下", "如下", "下列", "国内", "国外", "同行业", "同类", "行业", "先进", "标杆", "项目", "工程", "建设", "实施", "方案", "引自", "摘自", "出自", "来源于", "参考", "数据", "资料", "报告", "文件", "材料", "记录", "根据", "显示", "表明", "可见"]
)
# Descriptors stripped from both ends of a name to get its proper core ('江苏华鑫电镀有限公司' → '华鑫').
_DESCRIPTORS = sorted(
    set(
        ["科技", "技术", "环保", "环境", "化工", "化学", "电镀", "表面处理", "实业", "新材料", "材料", "机械", "制造", "电子", "纺织", "印染", "染整", "有限", "发展", "工程", "贸易", "商贸", "能源", "新能源", "股份", "控股", "投资", "建设", "设备", "金属", "金属制品", "制品", "工业", "产业", "精密", "国际", "中外合资", "合资", "集团", "总", "分", "制药", "药业", "医药", "生物", "食品", "饮料", "酒业", "啤酒", "酿造", "造纸", "纸业", "钢铁", "特钢", "钢", "铸造", "铸业", "水泥", "建材", "化纤", "服装", "服饰", "塑料", "塑胶", "橡胶", "包装", "印刷", "玻璃", "陶瓷", "皮革", "制革", "铜业", "铝业", "冶金", "冶炼", "热电", "电力", "电气", "电器", "电机", "五金", "汽车", "零部件", "配件", "仪器", "仪表", "检测", "监测", "咨询", "服务", "管理", "信息", "智能", "智造", "光电", "光伏", "半导体", "线路板", "电路", "涂装", "涂料", "农药", "肥业", "化肥", "饲料", "粮油", "乳业", "肉类", "家具", "木业", "石化", "石油", "天然气", "燃气", "水务", "污水处理", "自来水", "供水", "热力", "环境工程", "再生资源", "资源", "回收", "物流", "运输", "纸品", "有色", "稀土", "锂电", "电池", "蓄电池", "铸件", "锻造", "模具", "轴承", "阀门", "泵业", "钢构", "钢结构", "焦化", "煤业", "煤化工", "矿业", "中国", "中华", "中华人民共和国", "国家", "省", "市", "县", "区", "镇", "乡", "村", "城区", "郊区", "新区", "开发区", "工业园", "园区", "第一", "第二", "第三", "中心", "研究院", "研究所", "事务所", "设计院", "清洁生产", "技术服务"]
    ),
    key=len,
    reverse=True,
)
_DESCRIPTOR_SET = set(_DESCRIPTORS)
_DETERMINERS = set("本该我贵其此这那各全每某原我们")
_GENERIC_CORES = set(["本", "该", "我", "贵", "各", "全", "此", "原", "新", "老", "总", "分", "子", "母", "一", "二", "三", "某", "其", "这", "那", "外", "同", "两", "几", "多", "个", "家"])
# A name whose descriptors say it is a service or utility (supplier, disposal, monitoring, design,
# grid, water works) is a legitimate mention unless it stands where the own enterprise should.
SERVICE_WORDS = (
    "检测", "监测", "环境科技", "环保科技", "环境工程", "环保工程", "环境服务", "咨询", "设计院", "研究院", "研究所",
    "技术服务", "水务", "污水处理", "自来水", "供水", "热电", "电力", "供电", "电网", "燃气", "热力", "能源", "物流",
    "运输", "回收", "再生资源", "处置", "固废", "危废", "资源", "建设", "安装", "设备", "仪器", "仪表", "电器", "电气",
    "阀门", "泵", "锅炉", "贸易", "商贸", "进出口", "银行", "保险", "证券", "事务所", "工程", "装备", "机械", "电机",
)

_VERB_BEFORE_NAME = re.compile(r"(引自|摘自|出自|来源于|购自|来自|委托|交由|交给|销往|送往|送至|根据|按照|依据|参照|聘请|邀请)")
_TAIL_WORDS = sorted(
    (set(_DESCRIPTORS) | set(SERVICE_WORDS) | {"表面处理", "处理", "加工", "开发", "制造", "生产", "销售", "经营"})
    - {"省", "市", "县", "区", "镇", "乡", "村", "总", "分", "中国", "中华", "中华人民共和国", "国家"},
    key=len,
    reverse=True,
)
_QUOTED_SHORT = re.compile(r"(?:以下|下文)?简称[为作]?\s*[“\"'「『]([^”\"'」』]{2,12})[”\"'」』]")


@dataclass
class OrgMention:
    name: str
    start: int
    end: int
    suffix: str
    core: str

    @property
    def proper(self) -> bool:
        """True when the name has a proper-name head (not '本公司', '该厂', '污水处理厂')."""
        return len(self.core) >= 2 and self.core not in _GENERIC_CORES and self.core not in _DESCRIPTOR_SET


_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")


def _strip_invisible(s: str) -> str:
    return _INVISIBLE.sub("", s)


def org_core(name: str) -> str:
    """The proper part of an organisation name: places, brackets, suffix and descriptors removed.

    A leading place is kept when nothing proper would remain without it ('永泰印染' keeps 永泰,
    which is also a county name)."""
    s = re.sub(r"[（(][^）)]{0,12}[)）]", "", _strip_invisible(name))
    m = re.search(ORG_SUFFIX_RE.pattern + "$", s)
    while m and m.start() > 0:
        s = s[: m.start()]
        m = re.search(ORG_SUFFIX_RE.pattern + "$", s)
    s = _strip_descriptors(s)
    while s:
        pms = divisions().find(s, address=True)
        if not pms or pms[0].start != 0:
            break
        end = _place_end(s, pms[0].end)
        rest = _strip_descriptors(s[end:])
        if len(rest) < 2:
            break
        s = rest
    for lead in ("中华人民共和国", "中国", "中华", "国家"):
        if s.startswith(lead):
            if len(s) > len(lead) + 1:
                s = s[len(lead) :]
            break
    return s


def _place_end(s: str, end: int) -> int:
    """End of a place matched by its short form, with an administrative suffix that follows it:
    '绍兴县华港' (a county renamed since) is 绍兴县 + 华港, not 绍兴 + 县华港."""
    if end < len(s) and s[end] in "省市县区镇乡旗" and s[end - 1] not in "省市县区镇乡旗":
        return end + 1
    return end


def _strip_descriptors(s: str) -> str:
    changed = True
    while changed and s:
        changed = False
        for d in _DESCRIPTORS:
            if s.endswith(d) and len(s) > len(d):
                s = s[: -len(d)]
                changed = True
                break
    return s


@lru_cache(maxsize=1)
def _jieba():
    import jieba

    jieba.setLogLevel(60)
    return jieba


def find_org_mentions(text: str) -> list[OrgMention]:
    """Organisation names in ``text``: an org suffix (有限公司, 集团, 厂 …) and the name head before it,
    cut at the nearest verb/preposition/role word (read right to left)."""
    out: list[OrgMention] = []
    if not text:
        return out
    prev_end = 0  # a name never reaches back over an earlier suffix ('本公司与恒盛化工有限公司')
    for m in ORG_SUFFIX_RE.finditer(text):
        suffix = m.group(1)
        if suffix == "厂" and m.end() < len(text) and text[m.end()] in _FACTORY_WORD_NEXT:
            continue
        if suffix in ("公司", "集团") and m.start() > 0 and text[m.start() - 1] in "分总子母":
            continue
        # the window of text before the suffix, up to 24 characters, not crossing punctuation
        lo = max(0, m.start() - 24, prev_end)
        prev_end = m.end()
        window = text[lo : m.start()]
        # a bracketed place inside the name: '华鑫电镀（常州）有限公司'
        ins = _NAME_INSERT.search(window)
        insert = ins.group(0) if ins and _is_place_text(ins.group(0)[1:-1]) else ""
        window = window[: len(window) - len(insert)]
        cut = 0
        for b in _WINDOW_BREAK.finditer(window):
            cut = b.end()
        window = window[cut:]
        if not window:
            continue
        head = _trim_head(window)
        if not head or head[-1] in _DETERMINERS:
            continue  # '即本公司', '及该厂': a determiner right before the suffix is no name
        if suffix in _BARE_SUFFIXES and not insert and not _bare_head_ok(head):
            continue  # '提交公司', '今后公司', '生产线是公司': the company, not a company name
        if suffix in _BARE_SUFFIXES and _ROLE_AFTER.match(text[m.end() : m.end() + 4]) and _looks_like_person(head):
            continue  # '卢华海 公司领导' in a team table: a person, then a role
        head += insert
        start = m.start() - len(head)
        name = text[start : m.end()]
        if out and out[-1].end > start:
            # '华鑫电镀有限公司' then '…公司' inside it: keep the longer, outer one
            continue
        if suffix == "分公司" and out and out[-1].end == start and len(head) <= 8:
            # '中国石油化工股份有限公司九江分公司': one name, the branch
            prev = out.pop()
            core = org_core(name)
            out.append(OrgMention(name=text[prev.start : m.end()], start=prev.start, end=m.end(), suffix=suffix,
                                  core=core if len(core) >= 2 else prev.core))
            continue
        out.append(OrgMention(name=name, start=start, end=m.end(), suffix=suffix, core=org_core(name)))
    return out


_LEADING_FUNCTION_CHARS = set("与和及由向对为在从于给经将把被据即如并且同跟原")
_SURNAMES = set("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
                "姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤")
_ROLE_AFTER = re.compile(r"^(领导|负责人|员工|职工|人员|内部|各部门|总经理|副总|董事长|经理)")


def _starts_with_place(s: str) -> bool:
    pms = divisions().find(s, address=True)
    return bool(pms) and pms[0].start == 0


def _looks_like_person(head: str) -> bool:
    return 2 <= len(head) <= 3 and head[0] in _SURNAMES and not _starts_with_place(head)


_BARE_SUFFIXES = {"公司", "厂", "集团"}
_NAME_INSERT = re.compile(r"[（(][\u4e00-\u9fa5]{2,6}[)）]$")
_PROPER_TAGS = {"nr", "nrfg", "nrt", "ns", "nt", "nz"}


@lru_cache(maxsize=1)
def _word_tags() -> dict[str, str]:
    import jieba.posseg

    _jieba().initialize()
    return jieba.posseg.dt.word_tag_tab


def is_common_word(tok: str, min_freq: int = 300) -> bool:
    """A frequent dictionary word that is not a proper noun ('提交', '今后', '精细')."""
    jb = _jieba()
    freq = jb.dt.FREQ.get(tok) or 0
    return len(tok) >= 2 and freq >= min_freq and _word_tags().get(tok, "x") not in _PROPER_TAGS


def _is_place_text(t: str) -> bool:
    if t in ("中国", "中华"):
        return True
    pms = divisions().find(t, address=True)
    return bool(pms) and pms[0].start == 0 and pms[-1].end == len(t)


def _bare_head_ok(head: str) -> bool:
    """A name before a bare '公司/厂/集团' needs a proper part: not only common words and descriptors."""
    tokens = _jieba().lcut(head, HMM=False)
    while tokens and tokens[-1] in _DESCRIPTOR_SET and len(tokens) > 1:
        tokens.pop()
    if not tokens or tokens[-1] in _STOP_TOKENS:
        return False
    places = {pm.text for pm in divisions().find(head, address=True)}
    proper = [t for t in tokens if t not in places and t not in _DESCRIPTOR_SET and not is_common_word(t)
              and t not in _STOP_TOKENS]
    return bool(proper) and not is_common_word(tokens[-1])


_NOT_IN_BRANDS = ("五金", "金属", "件", "品", "车间", "工序", "工艺", "生产", "加工", "废水", "原料", "产品", "行业",
                  "企业", "公司", "从事", "主要", "进行", "采用", "实施", "主营", "经营", "销售", "出口", "装", "棉",
                  "麻", "丝", "毛", "化纤", "涤纶", "针织", "精", "粗", "成品", "中间体", "属于")
_AFTER_INDUSTRY_WORD = re.compile(
    r"^(行业|企业|废水|废气|废渣|工艺|车间|生产|设备|技术|产品|园区|基地|工序|过程|线|厂|项目|污泥|助剂|原料|材料|用水|"
    r"清洁生产|评价|标准|指标|排放|类|业|等|及|和|与|、|加工|件|品|制品|中间体|产业|集群|市场|原料药|剂|液|槽|镀层|工)"
)


def find_short_form_mentions(text: str, words: tuple[str, ...] | list[str]) -> list[OrgMention]:
    """Short names without a company suffix: a proper name right before an industry name word
    ('天润药业提供的…', '恒盛印染于2019年…'). The suffixed forms are left to find_org_mentions."""
    if not text or not words:
        return []
    out: list[OrgMention] = []
    pattern = re.compile("|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True)))
    for m in pattern.finditer(text):
        rest = text[m.end() : m.end() + 8]
        if ORG_SUFFIX_RE.match(rest) or re.match(r"^(股份|有限|科技|实业|发展)", rest) or _AFTER_INDUSTRY_WORD.match(rest):
            continue
        window = text[max(0, m.start() - 8) : m.start()]
        cut = 0
        for b in _WINDOW_BREAK.finditer(window):
            cut = b.end()
        window = window[cut:]
        if not window:
            continue
        head = _trim_head(window)
        while head and head[0] in _LEADING_FUNCTION_CHARS and not _starts_with_place(head):
            head = head[1:]
        # a place in front is part of the name but not of its proper core
        core = head
        pms = divisions().find(core, address=True)
        while pms and pms[0].start == 0 and len(core) - pms[0].end >= 2:
            core = core[pms[0].end :]
            pms = divisions().find(core, address=True)
        if not (2 <= len(core) <= 4) or core[-1] in _DETERMINERS or core in _DESCRIPTOR_SET:
            continue
        if any(d in core for d in _NOT_IN_BRANDS):
            continue  # '五金件电镀', '中间体制药': product words, not a brand
        if pms and pms[0].start == 0 and pms[0].end == len(core):
            continue  # '阳江医药化工': a place and an industry, not a name
        tokens = _jieba().lcut(core, HMM=False)
        if all(is_common_word(t) or t in _STOP_TOKENS for t in tokens) or tokens[-1] in _STOP_TOKENS:
            continue
        start = m.start() - len(head)
        out.append(OrgMention(name=text[start : m.end()], start=start, end=m.end(), suffix="", core=core))
    return out


def _trim_head(window: str) -> str:
    """Keep the right-hand part of ``window`` that belongs to the name."""
    jb = _jieba()
    # descriptors next to the suffix belong to the name even when they read as verbs
    # ('鑫源固废处置|有限公司', '恒通达表面处理|有限公司')
    tail = ""
    peeled = True
    while peeled and window:
        peeled = False
        for d in _TAIL_WORDS:
            if window.endswith(d):
                tail = d + tail
                window = window[: -len(d)]
                peeled = True
                break
    # force token boundaries before full place names so '经常州市' reads 经 | 常州市
    cuts = sorted({pm.start for pm in divisions().find(window)} | {0, len(window)})
    tokens: list[str] = []
    for a, b in itertools.pairwise(cuts):
        if a < b:
            tokens.extend(jb.lcut(window[a:b], HMM=False))
    keep: list[str] = []
    for tok in reversed(tokens):
        # Proper names split into single characters ('佳和', '天润新') contain stop characters;
        # a single-character stop only ends the name when a real word stands right of it.
        if tok in _STOP_TOKENS and (
            len(tok) >= 2 or (keep and len(keep[-1]) >= 2 and keep[-1] not in _DESCRIPTOR_SET)
        ):
            break
        keep.append(tok)
    head = "".join(reversed(keep))
    # a leading function character is not part of the name when a proper core remains: '与恒盛'
    while len(head) > 1 and head[0] in _LEADING_FUNCTION_CHARS and len(org_core(head[1:] + tail)) >= 2 \
            and not _starts_with_place(head):
        head = head[1:]
    # verbs jieba splits into single characters ('引自' → 引|自) still end the name
    verbs = list(_VERB_BEFORE_NAME.finditer(head))
    if verbs:
        head = head[verbs[-1].end() :]
    return head + tail


# ---- identity -------------------------------------------------------------------------------
class Product(BaseModel):
    name: str = Field(description="product name as written")
    capacity: str | None = Field(None, description="capacity or output as written, e.g. '5万吨/年'")


class Identity(BaseModel):
    """The report's own identity, the reference every BPL rule compares against."""

    enterprise: str | None = Field(None, description="full enterprise name")
    short_names: list[str] = Field(default_factory=list, description="short forms used in the text")
    core: str | None = Field(None, description="proper core of the name, e.g. '华鑫'")
    province: str | None = None
    city: str | None = None
    county: str | None = None
    adcode: str | None = Field(None, description="most specific adcode of the location")
    park: str | None = Field(None, description="industrial park / development zone")
    address: str | None = None
    industry: str | None = Field(None, description="industry key (see INDUSTRIES)")
    industry_label: str | None = None
    products: list[Product] = Field(default_factory=list)
    baseline_years: list[int] = Field(default_factory=list, description="years of the baseline data tables")
    audit_start: int | None = Field(None, description="first year of the audit period")
    audit_end: int | None = Field(None, description="last year of the audit period")
    report_date: str | None = Field(None, description="report date as YYYY-MM (or YYYY)")
    report_year: int | None = None
    agency: str | None = Field(None, description="consulting agency that wrote the report")
    agency_core: str | None = None
    sources: dict[str, str] = Field(default_factory=dict, description="field -> where it was read")

    # -- helpers used by the rules ----------------------------------------------------------
    def self_names(self) -> list[str]:
        names = [n for n in [self.enterprise, *self.short_names] if n]
        return sorted(set(names), key=len, reverse=True)

    def is_own_org(self, mention: OrgMention | str) -> bool:
        name = _strip_invisible(mention.name if isinstance(mention, OrgMention) else mention)
        core = mention.core if isinstance(mention, OrgMention) else org_core(mention)
        if self.enterprise and (name in self.enterprise or self.enterprise in name):
            return len(name) >= 4 or name == self.enterprise
        if self._foreign_place_prefix(name):
            return False  # '淄博祥和纸业' is not '邢台祥和造纸': same brand, another city
        for s in self.short_names:
            if len(s) >= 2 and s in name:
                return True
        return bool(self.core and len(self.core) >= 2 and core and (self.core in core or core in self.core)
                    and len(core) >= 2)

    def _foreign_place_prefix(self, name: str) -> bool:
        """True when the name starts with a place that contradicts this enterprise's location."""
        chain = self.place_chain()
        if not chain:
            return False
        own_prov = chain[0].province_code
        own_city = next((p.city_code for p in chain if p.rank >= RANK_CITY), None)
        d = divisions()
        pos = 0
        for pm in d.find(name, address=True):
            if pm.start != pos:
                break
            pos = pm.end
            readings = [c for c in pm.candidates if c.rank <= RANK_CITY or pm.text in d.full]
            if not readings:
                continue
            fits = any(c.province_code == own_prov and (own_city is None or c.rank == RANK_PROVINCE
                                                       or c.city_code == own_city) for c in readings)
            if not fits:
                return True
        return False

    def is_agency_org(self, mention: OrgMention | str) -> bool:
        name = _strip_invisible(mention.name if isinstance(mention, OrgMention) else mention)
        core = mention.core if isinstance(mention, OrgMention) else org_core(mention)
        if self.agency and (name in self.agency or self.agency in name) and len(name) >= 4:
            return True
        return bool(self.agency_core and len(self.agency_core) >= 2 and core and len(core) >= 2
                    and (self.agency_core in core or core in self.agency_core))

    def place_chain(self) -> list[Place]:
        d = divisions()
        if not self.adcode or self.adcode not in d.by_code:
            return []
        p = d.by_code[self.adcode]
        chain = [p]
        c = d.city_of(p)
        if c and c.code != p.code:
            chain.insert(0, c)
        pr = d.province_of(p)
        if pr and pr.code not in {x.code for x in chain}:
            chain.insert(0, pr)
        return chain


_OWN_KEYS = re.compile(r"^(企业|单位|公司|工厂|申请单位|建设单位|审核企业|受审核企业|委托单位)(全称|名称|名字)?[（(]?(盖章)?[)）]?$")
_AGENCY_KEYS = re.compile(
    r"^(编制单位|编制机构|咨询单位|咨询机构|审核咨询机构|审核咨询单位|技术支持单位|技术服务单位|技术咨询单位|技术依托单位|"
    r"清洁生产审核咨询机构|服务机构|协作单位|评估机构)(名称)?[（(]?(盖章)?[)）]?$"
)
_ADDRESS_KEYS = re.compile(r"^(企业|单位|公司|工厂|注册|生产|详细|通讯|通信|厂区)?(地址|厂址|所在地|所在地区|地点|位置|住所)$")
_INDUSTRY_KEYS = re.compile(r"^(所属)?(行业|行业类别|行业类型|国民经济行业(分类|类别)|行业分类|行业代码)(及代码)?$")
_PRODUCT_KEYS = re.compile(r"^(主要)?(产品|产品名称|主导产品|主要产品及(规模|产能)|产品及产能)$")
_PARK_RE = re.compile(
    r"([\u4e00-\u9fa5]{2,20}?(?:经济技术开发区|高新技术产业开发区|高新技术开发区|高新区|经济开发区|工业集中区|工业园区|"
    r"化工园区|产业园区|开发区|工业园|产业园|园区))"
)
_KV_LINE = re.compile(r"^\s*([\u4e00-\u9fa5（）()]{2,14})\s*[:：]\s*(\S.{0,80}?)\s*$")
_CN_DIGITS = {"〇": 0, "零": 0, "○": 0, "Ｏ": 0, "O": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6,
              "七": 7, "八": 8, "九": 9}
_DATE_RE = re.compile(r"((?:19|20)\d{2}|[二][〇零○Ｏ][〇零○Ｏ一二三四五六七八九]{2})\s*年\s*(\d{1,2}|十[一二]?|[一二三四五六七八九])?\s*月?")
_YEAR_HEADER = re.compile(r"^\s*((?:19|20)\d{2})\s*年?\s*(度|实际|数据)?\s*$")


def _cn_year(s: str) -> int:
    if s.isdigit():
        return int(s)
    return int("".join(str(_CN_DIGITS.get(ch, 0)) for ch in s))


def _cn_month(s: str | None) -> int | None:
    if not s:
        return None
    if s.isdigit():
        return int(s)
    if s.startswith("十"):
        return 10 + (_CN_DIGITS.get(s[1], 0) if len(s) > 1 else 0)
    return _CN_DIGITS.get(s)


def cover_blocks(doc: Document, max_blocks: int = 40) -> list[Block]:
    """Blocks before the first numbered chapter heading (or 目录/前言), at most ``max_blocks``."""
    out = []
    for b in doc.blocks[:max_blocks]:
        t = b.text.strip()
        if b.kind == "heading" and (b.number or re.match(r"^(目\s*录|前\s*言|摘\s*要|总\s*论|概\s*述)", t)):
            break
        if re.match(r"^(目\s*录|前\s*言)$", t):
            break
        out.append(b)
    return out


def _kv_pairs(doc: Document) -> list[tuple[str, str, Block, int | None, int | None]]:
    """(key, value, block, row, col) from key-value table rows and 'key：value' lines."""
    out = []
    for b in doc.blocks:
        if b.table is not None:
            t = b.table
            for r, row in enumerate(t.rows):
                if r < t.header_rows and (t.n_cols > 4 or any(_HEADER_WORD.search(x) for x in row[1:])):
                    continue  # a column header row such as '产品名称 | 设计产能 | 2021年'
                for c in range(len(row) - 1):
                    key = _clean_key(row[c])
                    val = row[c + 1].strip()
                    if key and val and _clean_key(val) != key and len(key) <= 14:
                        out.append((key, val, b, r, c + 1))
        elif b.kind == "paragraph":
            for line in b.text.split("\n"):
                m = _KV_LINE.match(line)
                if m:
                    out.append((_clean_key(m.group(1)), m.group(2).strip(), b, None, None))
    return out


_HEADER_WORD = re.compile(r"^\s*(名称|内容|数值|数量|单位|备注|说明|项目|规模|产能|设计产能|年产量|\d{4}年?)\s*$")


def _clean_key(s: str) -> str:
    return re.sub(r"[\s:：*＊]", "", s)


def extract_identity(doc: Document) -> Identity:
    ident = Identity()
    d = divisions()
    kv = _kv_pairs(doc)
    cover = cover_blocks(doc)
    cover_text = "\n".join(b.text for b in cover)

    # -- enterprise: vote over the places where the own name stands -------------------------
    votes: Counter[str] = Counter()
    where: dict[str, str] = {}
    cores: dict[str, str] = {}

    def vote(name: str, weight: int, src: str) -> None:
        name = name.strip()
        ms = find_org_mentions(name)
        if not ms:
            return
        m = max(ms, key=lambda x: x.end - x.start)
        if not m.proper:
            return
        votes[m.name] += weight
        where.setdefault(m.name, src)
        cores.setdefault(m.name, m.core)

    agency_names: Counter[str] = Counter()
    for key, val, b, _r, _c in kv:
        if _OWN_KEYS.match(key):
            vote(val, 6, f"表{b.table.index + 1}" if b.table else "封面/正文键值")
        elif _AGENCY_KEYS.match(key):
            for name in agency_mentions(val):
                agency_names[name] += 3
    for b in cover:
        if b.table is not None:
            continue  # a staff table lists the enterprise and the agency side by side
        t = b.text.strip()
        if _AGENCY_KEYS.match(_clean_key(t.split("：")[0].split(":")[0])):
            continue
        title = re.match(r"^(.{4,40}?)(?:\d{4}年度?)?(?:第[一二三四五六七八九十\d]+轮)?(?:强制性|自愿性)?清洁生产审核(?:评估|验收)?报告", t)
        if title:
            vote(title.group(1), 6, "封面标题")
        elif len(t) <= 40 and ORG_SUFFIX_RE.search(t) and not re.search(r"(编制|咨询|技术支持|技术服务|协作)", t):
            vote(t, 4, "封面")
        elif len(t) <= 60 and re.search(r"(编制|咨询|技术支持|技术服务)(单位|机构)", t):
            for name in agency_mentions(t):
                agency_names[name] += 2
    for b in doc.blocks[:400]:
        if b.kind != "paragraph":
            continue
        for sm in _QUOTED_SHORT.finditer(b.text):
            before = b.text[max(0, sm.start() - 60) : sm.start()]
            ms = [m for m in find_org_mentions(before) if m.proper]
            if ms:
                vote(ms[-1].name, 5, "简称说明")
        for am in re.finditer(r"(?:委托|聘请|邀请)([^，。；：:]{4,40}?" + _AGENCY_SUFFIX + ")", b.text):
            names = agency_mentions(am.group(1))
            if names and re.search(r"(清洁生产|审核|咨询|技术)", b.text[am.end() : am.end() + 30]):
                agency_names[names[-1]] += 2
    if agency_names:
        ident.agency = agency_names.most_common(1)[0][0]
        ident.agency_core = org_core(ident.agency)
        ident.sources["agency"] = "编制单位"
    if ident.agency:
        for n in list(votes):
            if n == ident.agency or (ident.agency_core and org_core(n) == ident.agency_core):
                del votes[n]
    if votes:
        # frequency in the whole text breaks ties between cover spellings
        text = doc.text
        best = max(votes, key=lambda n: (votes[n] + min(text.count(org_core(n) or n), 20) / 10, len(n)))
        ident.enterprise = best
        ident.core = cores.get(best) or org_core(best) or None
        ident.sources["enterprise"] = where.get(best, "")
    ident.short_names = _short_names(doc, ident)

    # -- location -----------------------------------------------------------------------------
    place_votes: Counter[str] = Counter()
    for key, val, _b, _r, _c in kv:
        if _ADDRESS_KEYS.match(key):
            ident.address = ident.address or val
            _vote_chain(d.parse_address(val), place_votes, 6)
    if ident.enterprise:
        _vote_chain(_name_place(ident.enterprise), place_votes, 3)
    # the unified social credit code carries the registering authority's division code (chars 3-8)
    for b in doc.blocks[:600]:
        for m in _CREDIT_CODE.finditer(b.text):
            p = d.by_code.get(m.group(1) + "000000")
            if p is not None:
                _vote_chain([x for x in (d.province_of(p), d.city_of(p), p) if x is not None and
                             (x.rank < p.rank or x is p)], place_votes, 6)
    for b in doc.blocks[:600]:
        if b.kind != "paragraph":
            continue
        for m in re.finditer(r"(?:位于|坐落于|坐落在|地处|厂址位于|地址[为是：:])([^，。；;（(\n]{2,40})", b.text):
            subj = b.text[max(0, m.start() - 30) : m.start()]
            subj = re.split(r"[。；;！!？?\n]", subj)[-1]
            foreign = [o for o in find_org_mentions(subj) if o.proper and not ident.is_own_org(o)]
            if foreign:
                continue
            _vote_chain(d.parse_address(m.group(1)), place_votes, 3)
            if not ident.address and ident.enterprise and (
                any(s in subj for s in ident.self_names()) or re.search(r"(本公司|公司|企业|厂区|本厂)", subj)
            ):
                ident.address = m.group(1).strip()
        for m in re.finditer(r"([\u4e00-\u9fa5]{2,12}?)(?:生态环境局|环境保护局|发展和改革委员会|工业和信息化局)", b.text):
            for pm in d.find(m.group(1)):
                _vote_chain(d.parse_address(pm.text), place_votes, 1)
    for t in [cover_text]:
        for pm in d.find(t):
            _vote_chain([pm.candidates[0]], place_votes, 1)
    if place_votes:
        _set_location(ident, place_votes)

    # -- park ---------------------------------------------------------------------------------
    parks: Counter[str] = Counter()
    for src in [ident.address or "", *(b.text for b in doc.blocks[:300] if b.kind == "paragraph")]:
        for m in _PARK_RE.finditer(src):
            name = m.group(1)
            name = re.sub(r"^.*?(位于|地处|坐落于|入驻|落户|在)", "", name)
            if len(name) >= 4:
                parks[name] += 1
    if parks:
        ident.park = parks.most_common(1)[0][0]

    # -- industry -----------------------------------------------------------------------------
    ind_votes: Counter[str] = Counter()
    for key, val, _b, _r, _c in kv:
        if _INDUSTRY_KEYS.match(key):
            _vote_industry(val, ind_votes, 6)
    if ident.enterprise:
        _vote_industry(ident.enterprise, ind_votes, 4)
    _vote_industry(cover_text, ind_votes, 1)
    for b in doc.blocks[:300]:
        if b.kind == "paragraph" and re.search(r"(行业|主要从事|主营|主要产品)", b.text):
            _vote_industry(b.text, ind_votes, 1)
            # '所属行业为金属表面处理及热处理加工（C3360）': the declared trade outweighs the name's words
            for m in re.finditer(r"(?:所属行业|行业类别|行业分类|国民经济行业)[为是：:]?\s*([^，。；]{2,30})", b.text):
                _vote_industry(m.group(1), ind_votes, 6)
    if ind_votes:
        key = max(INDUSTRIES, key=lambda k: (ind_votes.get(k, 0), -list(INDUSTRIES).index(k)))
        if ind_votes.get(key):
            ident.industry = key
            ident.industry_label = INDUSTRIES[key][0]

    # -- products -----------------------------------------------------------------------------
    ident.products = _products(doc, kv)

    # -- years and dates ----------------------------------------------------------------------
    ident.baseline_years = _baseline_years(doc)
    dates = []
    for b in cover:
        for m in _DATE_RE.finditer(b.text):
            if re.search(r"(编制|日期|时间|报告|月)", b.text) or len(b.text.strip()) <= 14:
                dates.append((_cn_year(m.group(1)), _cn_month(m.group(2))))
    if dates:
        y, mo = dates[-1]
        ident.report_year = y
        ident.report_date = f"{y:04d}-{mo:02d}" if mo else f"{y:04d}"
    start, end = _audit_period(doc)
    ident.audit_start = start or (max(ident.baseline_years) if ident.baseline_years else None)
    ident.audit_end = end or ident.report_year
    return ident


_AGENCY_SUFFIX = r"(?:股份有限公司|有限责任公司|有限公司|技术服务中心|中心|研究院|研究所|事务所|设计院|协会)"
_AGENCY_NAME = re.compile(r"([\u4e00-\u9fa5（）()A-Za-z]{2,30}?" + _AGENCY_SUFFIX + ")")


def agency_mentions(text: str) -> list[str]:
    """Consulting agencies: companies, and also centres, institutes and firms (…技术服务中心, …研究院)."""
    out = [m.name for m in find_org_mentions(text) if m.proper]
    for m in _AGENCY_NAME.finditer(text):
        name = m.group(1)
        if not ORG_SUFFIX_RE.search(name[-4:]):
            head = _trim_head(name[: -len(re.search(_AGENCY_SUFFIX + "$", name).group(0))])
            suffix = name[len(name) - len(re.search(_AGENCY_SUFFIX + "$", name).group(0)) :]
            if len(head) >= 2:
                out.append(head + suffix)
    return out


def _short_names(doc: Document, ident: Identity) -> list[str]:
    out: list[str] = []
    if not ident.enterprise:
        return out
    name = ident.enterprise
    branch = re.search(r"(?:有限公司|有限责任公司|集团)([\u4e00-\u9fa5]{2,8}分公司)$", name)
    if branch:
        out.append(branch.group(1))  # '中国石油化工股份有限公司九江分公司' → '九江分公司'
    for b in doc.blocks[:400]:
        for sm in _QUOTED_SHORT.finditer(b.text):
            before = b.text[max(0, sm.start() - 60) : sm.start()]
            s = sm.group(1).strip()
            mentions_own = name in before or bool(ident.core and (ident.core in before or ident.core in s))
            if mentions_own and s not in ("本公司", "公司", "企业", "我公司", "本企业", "该公司"):
                out.append(s)
    if branch:
        return list(dict.fromkeys(out))
    base = re.sub(ORG_SUFFIX_RE.pattern + "$", "", re.sub(r"[（(][^）)]{0,12}[)）]", "", name))
    chain = divisions().find(base, address=True)
    stripped = base
    if chain and chain[0].start == 0:
        # strip every leading place: '江苏省常州市华鑫电镀' → '华鑫电镀', but keep a place that is the
        # brand ('故城永泰精密铸造' → '永泰精密铸造', not '精密铸造')
        pos = 0
        for pm in chain:
            end = _place_end(base, pm.end)
            rest = _strip_descriptors(base[end:])
            if pm.start == pos and len(rest) >= 2 and rest not in _DESCRIPTOR_SET:
                pos = end
        stripped = base[pos:]
    for cand in (base, stripped):
        if len(cand) >= 3:
            out.append(cand)
    core = ident.core
    if core and len(core) >= 2 and core not in _GENERIC_CORES:
        out.append(core + "公司")
        if stripped != core:
            out.append(stripped + "公司")
        # a two-character core alone is a short name only when the text uses it that way
        text = doc.text
        bare = len(re.findall(re.escape(core) + r"(?![\u4e00-\u9fa5]*(有限公司|公司|集团|厂))", text))
        if len(core) >= 3 or bare >= 2:
            out.append(core)
    seen: list[str] = []
    for s in out:
        if s and s != name and s not in seen:
            seen.append(s)
    return seen


_CREDIT_CODE = re.compile(r"(?:统一社会信用代码|社会信用代码|信用代码)\s*[:：为是]?\s*[0-9A-HJ-NP-RTUWXY]{2}(\d{6})[0-9A-HJ-NP-RTUWXY]{10}")


def _name_place(name: str) -> list[Place]:
    """Places at the start of an enterprise name; a bare county short form ('惠安骏达造纸') counts when
    it names exactly one county in the country."""
    d = divisions()
    chain = d.parse_address(name)
    if chain:
        return chain
    ms = d.find(name, address=True)
    if ms and ms[0].start == 0 and len(ms[0].candidates) == 1:
        p = ms[0].candidates[0]
        return [x for x in (d.province_of(p), d.city_of(p), p) if x is not None and (x.rank < p.rank or x is p)]
    return []


def _vote_chain(chain: list[Place], votes: Counter[str], weight: int) -> None:
    if not chain:
        return
    # only the first consistent chain counts; a contradicting tail is ignored
    head = [chain[0]]
    for p in chain[1:]:
        if p.within(head[-1]) and p.rank > head[-1].rank:
            head.append(p)
        else:
            break
    for i, p in enumerate(head):
        votes[p.code] += weight + i  # deeper levels are more specific evidence


def _set_location(ident: Identity, votes: Counter[str]) -> None:
    d = divisions()
    prov_votes: Counter[str] = Counter()
    for code, n in votes.items():
        prov_votes[code[:2]] += n
    prov = prov_votes.most_common(1)[0][0]
    p_place = d.by_code.get(prov + "0" * 10)
    ident.province = p_place.name if p_place else None
    best = p_place
    city_votes: Counter[str] = Counter()
    for code, n in votes.items():
        pl = d.by_code[code]
        if pl.province_code == prov and pl.rank >= RANK_CITY:
            city_votes[pl.city_code or ""] += n
    if city_votes:
        cc = city_votes.most_common(1)[0][0]
        city = d.city_of(next(d.by_code[c] for c in votes if d.by_code[c].city_code == cc))
        if city:
            ident.city = city.name
            best = city
        county_votes = Counter({c: n for c, n in votes.items()
                                if d.by_code[c].rank == RANK_COUNTY and d.by_code[c].city_code == cc})
        if county_votes:
            top, n = county_votes.most_common(1)[0]
            if n >= 3:
                ident.county = d.by_code[top].name
                best = d.by_code[top]
    if best:
        ident.adcode = best.code


def _vote_industry(text: str, votes: Counter[str], weight: int) -> None:
    for key, (_label, words) in INDUSTRIES.items():
        n = sum(text.count(w) for w in words)
        if n:
            votes[key] += weight * min(n, 3)


def _products(doc: Document, kv) -> list[Product]:
    out: list[Product] = []
    seen: set[str] = set()
    for b in doc.blocks:
        t = b.table
        if t is None or t.n_rows < 2:
            continue
        heads = [t.header_text(c) for c in range(t.n_cols)]
        name_col = next((c for c, h in enumerate(heads) if re.search(r"产品(名称)?$|^产品", h)), None)
        cap_col = next((c for c, h in enumerate(heads)
                        if re.search(r"(设计产能|设计能力|生产能力|产能|年产量|生产规模|设计规模|产量)", h)), None)
        if name_col is None or cap_col is None or name_col == cap_col:
            continue
        for r in t.body_rows():
            name = t.cell(r, name_col).strip()
            if not name or re.search(r"(合计|小计|总计|序号)", name) or re.fullmatch(r"[\d.\-—/]+", name):
                continue
            if name not in seen:
                seen.add(name)
                unit = t.column_units.get(cap_col) or ""
                cap = t.cell(r, cap_col).strip()
                out.append(Product(name=name, capacity=(cap + (unit if unit and unit not in cap else "")) or None))
    for key, val, _b, _r, _c in kv:
        if _PRODUCT_KEYS.match(key):
            for part in re.split(r"[、，,；;]", val):
                m = re.match(r"^\s*(?:年产)?([\d.]+\s*[万千亿]?[\u4e00-\u9fa5a-zA-Z/³²]{0,6}?)?\s*([\u4e00-\u9fa5]{2,12})", part)
                if m and m.group(2) not in seen:
                    seen.add(m.group(2))
                    out.append(Product(name=m.group(2), capacity=(m.group(1) or "").strip() or None))
    return out[:30]


def _baseline_years(doc: Document) -> list[int]:
    years: Counter[int] = Counter()
    for t in doc.tables:
        found = set()
        for r in range(min(t.header_rows + 1, t.n_rows)):
            for c in range(t.n_cols):
                m = _YEAR_HEADER.match(t.cell(r, c))
                if m:
                    found.add(int(m.group(1)))
        if len(found) >= 2:
            for y in found:
                years[y] += 1
        # years as row labels (first column)
        col_years = {int(m.group(1)) for r in t.body_rows() if (m := _YEAR_HEADER.match(t.cell(r, 0)))}
        if len(col_years) >= 2:
            for y in col_years:
                years[y] += 1
    if not years:
        return []
    top = max(years.values())
    keep = sorted(y for y, n in years.items() if n >= max(1, top // 2))
    return keep


_PERIOD_RE = re.compile(
    r"(?:审核(?:工作)?(?:时间|期间|周期|历时)|审核工作(?:自|从)?|本轮(?:清洁生产)?审核(?:工作)?(?:自|从|于)?)\s*[为:：]?\s*"
    r"((?:19|20)\d{2})\s*年\s*(\d{1,2})?\s*月?[^，。；\d]{0,6}?(?:至|到|—|－|-|~|～)\s*((?:19|20)\d{2})\s*年"
)
_START_RE = re.compile(r"于\s*((?:19|20)\d{2})\s*年\s*\d{0,2}\s*月?\s*(?:正式)?(?:启动|开展|开始|成立)[^，。；]{0,12}清洁生产审核")


def _audit_period(doc: Document) -> tuple[int | None, int | None]:
    for b in doc.blocks[:800]:
        if b.kind == "heading":
            continue
        m = _PERIOD_RE.search(b.text)
        if m:
            return int(m.group(1)), int(m.group(3))
    for b in doc.blocks[:800]:
        m = _START_RE.search(b.text)
        if m:
            return int(m.group(1)), None
    return None, None
