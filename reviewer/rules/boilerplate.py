"""BPL: template residue, generic boilerplate and cross-report copying.

Every check compares the text with the report's own identity (reviewer.identity): another
enterprise's name where this enterprise should stand, a place that contradicts its address,
paragraphs in enterprise-specific chapters that carry no data of this enterprise, and text
shared with reports of other enterprises in the fingerprint store.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from pydantic import BaseModel, Field

from reviewer.document import Block, Document
from reviewer.findings import Basis, Finding
from reviewer.identity import (
    INDUSTRY_NAME_WORDS,
    ORG_SUFFIX_RE,
    RANK_CITY,
    RANK_COUNTY,
    RANK_PROVINCE,
    SERVICE_WORDS,
    Identity,
    OrgMention,
    Place,
    PlaceMention,
    cover_blocks,
    divisions,
    extract_identity,
    find_org_mentions,
    find_short_form_mentions,
)
from reviewer.rules.base import RuleRun, rule

BASIS_TRUTH = Basis(item_id="guide-eval-accept-2018", clause="第二条（审核报告规范性、审核过程真实性）")


def identity_of(run: RuleRun) -> Identity:
    return run.ctx.cached("identity", lambda: extract_identity(run.doc))


# ---- text helpers -----------------------------------------------------------------------------
_SENT_END = re.compile(r"[。！？!?；;\n]")


def sentence_span(text: str, start: int, end: int) -> tuple[int, int]:
    a = 0
    for m in _SENT_END.finditer(text, 0, start):
        a = m.end()
    m = _SENT_END.search(text, end)
    b = m.end() if m else len(text)
    return a, b


def quote_around(text: str, start: int, end: int, max_len: int = 90) -> str:
    """The sentence around [start, end), cut to ``max_len`` characters around the span."""
    a, b = sentence_span(text, start, end)
    if b - a > max_len:
        pad = max(10, (max_len - (end - start)) // 2)
        a, b = max(a, start - pad), min(b, end + pad)
    return text[a:b].strip()


def in_book_title(text: str, pos: int) -> bool:
    """Inside 《…》 (a cited regulation or standard title)."""
    open_ = text.rfind("《", 0, pos)
    if open_ < 0:
        return False
    close = text.rfind("》", 0, pos)
    return close < open_


@dataclass
class Cell:
    block: Block
    text: str
    row: int | None = None
    col: int | None = None
    header: str = ""
    key: str = ""  # the key cell to the left in a key-value table


def text_units(doc: Document) -> Iterator[Cell]:
    """Paragraphs, headings and table cells, each with its place."""
    for b in doc.blocks:
        if b.table is None:
            yield Cell(b, b.text)
            continue
        t = b.table
        for r, row in enumerate(t.rows):
            for c, cell in enumerate(row):
                if not cell.strip() or (c > 0 and row[c - 1] == cell) or (r > 0 and t.rows[r - 1][c] == cell
                                                                            and r >= t.header_rows):
                    continue  # merged cells repeat their text
                key = re.sub(r"[\s:：*]", "", row[c - 1]) if c > 0 else ""
                yield Cell(b, cell, r, c, t.header_text(c) if r >= t.header_rows else "", key)


# ---- BPL001: another enterprise's name ---------------------------------------------------------
class ForeignNameParams(BaseModel):
    report_weak: bool = Field(
        True,
        description="也报告不在“本企业位置”、但上下文中看不出供应商/客户/服务单位等合理身份的其他企业名称（警告级）",
    )
    context_chars: int = Field(12, description="判断合理上下文（供应商、委托、处置等）时向名称后看的字符数")


_OWN_KEY = re.compile(r"^(企业|单位|公司|工厂|申请单位|建设单位|审核企业|受审核企业|企业全称)(名称|全称)?[（(]?(盖章)?[)）]?$")
_LEGIT_KEY = re.compile(
    r"(厂家|厂商|制造|生产单位|供应|供货|来源|产地|处置|接收|去向|运输|检测|监测|编制|咨询|技术支持|技术服务|合作|品牌|"
    r"型号|委托|资质|设计|施工|承建|客户|用户|销售|采购|备注)"
)
_LEGIT_CONTEXT = re.compile(
    r"(供应商|供货|采购|购自|购买|外购|购入|进货|来自|提供(?:蒸汽|热|电|水|气|原料|设备|技术|服务|咨询|检测|监测)|客户|用户|销往|销售|出售|委托|受托|聘请|邀请|协助|配合|合作|"
    r"协议|合同|签订|处置|处理|回收|接收|转移|清运|收运|运输|运往|承运|检测|监测|化验|检验|测试|环评|设计|编制|咨询|"
    r"技术服务|技术支持|厂家|制造|供应|厂商|品牌|型号|母公司|子公司|控股|股东|投资方|隶属|下属|参股|出资|收购|并购|租赁|"
    r"出租|承租|毗邻|相邻|东侧|西侧|南侧|北侧|东面|西面|南面|北面|周边|紧邻|邻近|交由|交给|送往|送至|资质|许可|危废|"
    r"危险废物|污泥|供热|供汽|供电|供水|供气|蒸汽|电网|燃气|参照|借鉴|学习|同行|标杆|先进企业|考察|参观|认证|评估|验收|"
    r"专家|施工|承建|安装|代理|经销|授权|外协|协作|配套|集团|园区|原名|更名|前身|曾用名|改制|合并|兼并|同类企业|类比)"
)
_IMMEDIATE_LEGIT = re.compile(r"(委托|由|聘请|邀请|协助|与|和|及|向|交由|交给|送往|送至|购自|来自|销往|供应商|客户|厂家|以及)\s*$")
_OWN_SLOT_AFTER = re.compile(
    r"^(?:[（(][^）)]{0,40}[)）])?\s*(?:的|已|于|在|自|始终|一直|从|也|还|并)?[^，。；,;：:]{0,4}?"
    r"(清洁生产审核小组|清洁生产领导小组|审核小组|领导小组|工作小组|现有员工|现有职工|员工总数|职工总数|在职员工|成立于|"
    r"始建于|创建于|创办于|组建于|位于|坐落|地处|占地|厂区|总投资|注册资本|主要产品|主要从事|主营|年产|生产规模|设计产能|"
    r"法定代表人|法人代表|总经理|董事长|高度重视|决定开展|开展清洁生产|清洁生产审核|清洁生产工作|是一家|为一家|系一家|"
    r"全厂|厂长|生产车间|主要生产|现有|拥有|共有|领导|统一社会信用代码|社会信用代码|信用代码|法定代表人|注册地址|"
    r"注册资本|组织机构代码|排污许可证)"
)
_SHORT_NAME_AFTER = re.compile(r"^\s*[（(](?:以下|下文)?简称")
_OWN_KEY_BEFORE = re.compile(r"(企业名称|单位名称|公司名称|企业全称|建设单位|申请单位|受审核企业|审核企业)\s*[:：]\s*$")


def _classify_org(ident: Identity, text: str, m: OrgMention, unit: Cell, is_cover: bool,
                  params: ForeignNameParams) -> str | None:
    """'strong' (stands where this enterprise should), 'weak' (unexplained) or None (legitimate)."""
    if not m.proper or ident.is_own_org(m) or ident.is_agency_org(m):
        return None
    if in_book_title(text, m.start):
        return None
    before = text[max(0, m.start - 8) : m.start]
    sent_a, _ = sentence_span(text, m.start, m.end)
    sentence_before = text[sent_a : m.start]
    after = text[m.end : m.end + 40]
    if unit.row is not None:
        if _OWN_KEY.match(unit.key):
            return "strong"
        if _LEGIT_KEY.search(unit.key) or _LEGIT_KEY.search(unit.header):
            return None
    if unit.block.kind == "heading":
        return "strong"
    if is_cover and re.search(r"清洁生产审核.{0,6}报告", text[m.end : m.end + 20]) and m.start <= 2:
        return "strong"
    if _OWN_KEY_BEFORE.search(sentence_before):
        return "strong"
    if (_OWN_SLOT_AFTER.match(after) or _SHORT_NAME_AFTER.match(after)) and not _IMMEDIATE_LEGIT.search(before):
        return "strong"
    if is_cover:
        return None  # an unlabelled cover line may be the agency or a parent company
    if not params.report_weak:
        return None
    if _LEGIT_CONTEXT.search(sentence_before) or _LEGIT_CONTEXT.search(text[m.end : m.end + params.context_chars]):
        return None
    own_words = set(INDUSTRY_NAME_WORDS.get(ident.industry or "", ()))
    if any(w in m.name for w in SERVICE_WORDS if not any(w in o for o in own_words)):
        return None  # a supplier or service firm; but '机械' in a machinery report is the trade itself
    return "weak"


def _industry_name_words(ident: Identity) -> list[str]:
    """Name words of the report's industry plus the descriptor in its own short name ('医药化工')."""
    words = list(INDUSTRY_NAME_WORDS.get(ident.industry or "", ()))
    core = ident.core or ""
    for s in [*ident.short_names, ident.enterprise or ""]:
        if core and s.startswith(core):
            rest = re.sub(ORG_SUFFIX_RE.pattern + "$", "", s[len(core) :])
            if len(rest) >= 2 and rest not in words:
                words.append(rest)
    return words


def _org_mentions(text: str, words: list[str]) -> list[OrgMention]:
    """Suffixed names, plus short names (brand + industry word) that do not overlap them."""
    ms = find_org_mentions(text)
    for sm in find_short_form_mentions(text, words):
        if not any(m.start < sm.end and sm.start < m.end for m in ms):
            ms.append(sm)
    return sorted(ms, key=lambda m: m.start)


@rule(
    "BPL001",
    name="报告中残留其他企业名称",
    severity="error",
    params=ForeignNameParams,
    basis=BASIS_TRUTH,
    sentence="在本企业应出现的位置（审核小组、企业概况、基本情况表、标题等）出现其他企业名称即报错；"
    "其他无合理身份说明的企业名称{report_weak}时给出警告。",
    defects=("BPL_FOREIGN_NAME",),
)
def check_foreign_names(run: RuleRun) -> Iterator[Finding]:
    """
    ## 检查内容
    从封面、企业基本情况表和企业概况中识别本报告的企业名称及其简称、编制单位，然后在全文（段落、标题、表格单元格）
    中查找以“有限公司、集团、厂”等结尾、且有专名部分的组织名称。若某个名称既不是本企业（含简称）、也不是编制单位，
    并且出现在本企业应出现的位置——如“××公司成立了清洁生产审核小组”“××公司现有员工”“企业名称：××”、章节标题、
    报告标题——判为错误；其他位置的外企名称，若上下文中没有供应商、客户、委托、处置、监测、设备厂家等合理身份说明，
    且名称本身不是服务/公用事业类单位，给出警告。引用的法规标题《…》中的名称不检查。

    ## 为什么重要
    照搬其他企业报告后忘记替换企业名称，是审核报告抄袭最直接的证据；评估专家和主管部门一旦发现，
    报告会被直接判为不合格，咨询机构也会被通报。

    ## 不通过示例
    ```
    江苏华鑫电镀有限公司（以下简称“华鑫公司”）……
    为推进本轮审核，宏达化工有限公司成立了清洁生产审核小组，由总经理任组长。
    ```

    ## 通过示例
    ```
    江苏华鑫电镀有限公司（以下简称“华鑫公司”）……
    华鑫公司成立了清洁生产审核小组；主要原料硫酸镍购自江阴市宏达化工有限公司，
    危险废物委托常州市鑫源固废处置有限公司处置。
    ```
    """
    ident = identity_of(run)
    if not ident.enterprise:
        return
    cover = {b.index for b in cover_blocks(run.doc)}
    words = _industry_name_words(ident)
    seen: set[tuple[int, str]] = set()
    for unit in text_units(run.doc):
        text = unit.text
        for m in _org_mentions(text, words):
            kind = _classify_org(ident, text, m, unit, unit.block.index in cover, run.params)
            if kind is None or (unit.block.index, m.name) in seen:
                continue
            seen.add((unit.block.index, m.name))
            quote = quote_around(text, m.start, m.end)
            loc = unit.block.locator(row=unit.row, col=unit.col) if unit.row is not None else unit.block.locator()
            where = "本企业应出现的位置" if kind == "strong" else "正文"
            yield run.finding(
                f"{where}出现其他企业名称“{m.name}”，而本报告的企业是“{ident.enterprise}”"
                + ("，疑为套用其他企业报告后未替换的残留。" if kind == "strong"
                   else "；上下文未说明其与本企业的关系（供应商、客户、处置单位等），请核实是否为套用残留。"),
                quote,
                loc,
                expected=ident.enterprise,
                found=m.name,
                severity="error" if kind == "strong" else "warning",
                confidence=0.9 if kind == "strong" else 0.6,
                data={"position": kind, "name": m.name, "own_names": ident.self_names()},
            )


# ---- BPL002: a place that contradicts the report's own location --------------------------------
class ForeignPlaceParams(BaseModel):
    check_county: bool = Field(True, description="同一地级市内区县不一致时也给出警告（企业所在区县已可靠识别时）")
    check_authorities: bool = Field(True, description="检查“××市生态环境局”等主管部门的属地是否与企业所在地一致")


_SELF_LOCATION = re.compile(
    r"(?:位于|坐落于|坐落在|地处|选址于|落户于?|厂址位于|厂址[为是：:]|地址[为是：:]|所在地[为是：:]|建设地点[为是：:])\s*"
    r"([^，。；;,（(\n]{2,40})"
)
_AUTHORITY = re.compile(
    r"(生态环境局|环境保护局|环保局|生态环境分局|发展和改革委员会|发展改革委|发改委|发改局|工业和信息化局|工信局|"
    r"经济和信息化委员会|经信委|经信局|人民政府|应急管理局|水务局|统计局|住房和城乡建设局)"
)
_OTHER_SUBJECT = re.compile(r"(供应商|客户|销往|来自|原料|市场|污水处理厂|热电|处置|危废|电厂|园区外|周边|附近|距离|距)")
_ADDRESS_KEY = re.compile(r"^(企业|单位|公司|工厂|注册|生产|详细|通讯|通信|厂区)?(地址|厂址|所在地|所在地区|地点|位置|住所)$")


def _own_codes(ident: Identity) -> tuple[str | None, str | None, str | None]:
    chain = ident.place_chain()
    prov = next((p.province_code for p in chain), None)
    city = next((p.city_code for p in chain if p.rank == RANK_CITY), None)
    county = next((p.code for p in chain if p.rank == RANK_COUNTY), None)
    if county and not city:
        city = divisions().by_code[county].city_code
    return prov, city, county


def _place_conflict(cands: list[Place], own: tuple[str | None, str | None, str | None],
                    check_county: bool) -> str | None:
    """None when any reading of the name fits the own location; else 'province' / 'city' / 'county'."""
    prov, city, county = own
    worst = []
    for p in cands:
        if p.province_code != prov:
            worst.append("province")
            continue
        if p.rank == RANK_PROVINCE:
            return None
        if city and p.city_code != city:
            worst.append("city")
            continue
        if p.rank == RANK_COUNTY and county and p.code != county:
            if not check_county:
                return None
            worst.append("county")
            continue
        return None
    if not worst:
        return None
    order = {"province": 0, "city": 1, "county": 2}
    return min(worst, key=order.get)


def _address_places(addr: str) -> list[PlaceMention]:
    """Place mentions in an address string, ambiguous names with all their readings."""
    d = divisions()
    chain = d.parse_address(addr)
    names = {p.name for p in chain}
    out = []
    for m in d.find(addr, address=True):
        cands = [c for c in m.candidates if c in chain or c.name in names]
        if m.text in d.full:
            cands = d.full[m.text]
        elif not cands:
            continue  # an unresolved short name (e.g. a county short form with no city before it)
        out.append(PlaceMention(m.start, m.end, m.text, cands))
    return out


@rule(
    "BPL002",
    name="地名与企业所在地矛盾",
    severity="error",
    params=ForeignPlaceParams,
    basis=BASIS_TRUTH,
    sentence="企业位置描述（位于…、地址、厂址）和属地主管部门中的省、市（及区县）须与企业所在地一致。",
    defects=("BPL_FOREIGN_PLACE",),
)
def check_foreign_places(run: RuleRun) -> Iterator[Finding]:
    """
    ## 检查内容
    依据地址、“位于……”等描述和企业名称识别企业所在的省、地级市和区县（行政区划数据取自 cpca 包），然后检查
    描述本企业位置的语句（“本公司位于……”“厂址：……”、基本情况表中的地址）以及属地主管部门名称（“××市生态环境局”
    “××区发改局”等）：其中的省或地级市与企业所在地不一致时报错；同一地级市内区县不一致时给出警告。
    供应商、客户、市场等语境中的地名，以及其他单位名称里的地名不检查；引用的法规标题《…》不检查。

    ## 为什么重要
    “深圳湾项目环评报告出现 35 处湛江”式的错误说明报告是从其他地区企业的报告改写而来，
    其中的环境现状、监管要求和数据都可能不属于本企业。

    ## 不通过示例
    ```
    | 地址 | 江苏省常州市武进区遥观镇 |
    ……
    本公司位于浙江省绍兴市柯桥区滨海工业区，交通便利。
    ```

    ## 通过示例
    ```
    | 地址 | 江苏省常州市武进区遥观镇 |
    ……
    本公司位于常州市武进区遥观镇，产品主要销往浙江、上海等地。
    ```
    """
    ident = identity_of(run)
    own = _own_codes(ident)
    if not own[0]:
        return
    own_text = "".join(filter(None, [ident.province, ident.city, ident.county]))
    seen: set[tuple[int, str]] = set()
    p = run.params
    for unit in text_units(run.doc):
        text = unit.text
        contexts: list[tuple[int, int, str, list[PlaceMention]]] = []  # (start, end, kind, places)
        if unit.row is not None:
            if _ADDRESS_KEY.match(unit.key):
                contexts.append((0, len(text), "address", _address_places(text)))
        else:
            for m in _SELF_LOCATION.finditer(text):
                a, _ = sentence_span(text, m.start(), m.end())
                subject = text[a : m.start()]
                if _OTHER_SUBJECT.search(subject) or in_book_title(text, m.start()):
                    continue
                orgs = [o for o in find_org_mentions(subject)
                        if o.proper and not ident.is_own_org(o) and not ident.is_agency_org(o)]
                if orgs:
                    continue  # another organisation's location
                places = [PlaceMention(pm.start + m.start(1), pm.end + m.start(1), pm.text, pm.candidates)
                          for pm in _address_places(m.group(1))]
                contexts.append((m.start(), m.end(), "location", places))
            if p.check_authorities:
                for am in _AUTHORITY.finditer(text):
                    head = text[max(0, am.start() - 12) : am.start()]
                    pms = [pm for pm in divisions().find(head) if pm.end == len(head)]
                    if not pms or in_book_title(text, am.start()):
                        continue
                    pm = pms[-1]
                    off = am.start() - len(head)
                    contexts.append((off + pm.start, am.end(), "authority",
                                     [PlaceMention(off + pm.start, off + pm.end, pm.text, pm.candidates)]))
        for start, end, kind, places in contexts:
            for pm in places:
                conflict = _place_conflict(pm.candidates, own, p.check_county)
                if conflict is None:
                    continue
                if (unit.block.index, pm.text) in seen:
                    break
                seen.add((unit.block.index, pm.text))
                quote = quote_around(text, start, end) if kind != "address" else text.strip()
                level = {"province": "省份", "city": "地级市", "county": "区县"}[conflict]
                what = {"location": "企业位置描述", "address": "地址栏", "authority": "属地主管部门"}[kind]
                loc = unit.block.locator(row=unit.row, col=unit.col) if unit.row is not None else unit.block.locator()
                yield run.finding(
                    f"{what}中的“{pm.text}”与企业所在地“{own_text}”的{level}不一致，疑为套用其他地区企业报告的残留。",
                    quote,
                    loc,
                    expected=own_text,
                    found=pm.text,
                    severity="warning" if conflict == "county" else "error",
                    data={"context": kind, "level": conflict, "place": pm.text,
                          "own": {"province": ident.province, "city": ident.city, "county": ident.county}},
                )
                break


# ---- BPL003: generic boilerplate in enterprise-specific chapters -------------------------------
class GenericParams(BaseModel):
    min_chars: int = Field(25, description="只判断不少于此字数（去空白后）的段落")
    min_markers: int = Field(
        2, description="段落中至少含有的空泛表述（“存在一定的”“有待进一步完善”“取得了显著的经济效益”等）种数"
    )


SPECIFIC_SECTION = re.compile(
    r"(审核重点|方案|实施效果|实施成效|实施情况|绩效|成果|效益|目标完成|完成情况|可行性|潜力|原因|生产工艺|工艺流程|"
    r"工艺过程|生产过程)"
)
NOT_SPECIFIC_SECTION = re.compile(r"(持续清洁生产|编制依据|审核依据|术语|前言|概述|总则)")
# Vague wording that stands in for data: hedged findings ("存在一定的", "部分…不够完善"), generic
# goals and exhortations ("应加强管理", "不断提升"), empty claims ("取得了显著的经济效益").
_VAGUE = [
    r"存在(?:着)?(?:一定的?|一些|较大的?|不少)", r"均有一定", r"一定(?:的)?(?:关系|程度|潜力|差距|浪费)", r"部分(?:设备|原料|环节|岗位|员工|工序)",
    r"有待(?:进一步)?(?:完善|提高|加强|改进|细化)", r"不够(?:完善|稳定|规范|先进|合理)", r"较为(?:成熟|先进|落后|粗放|合理)",
    r"相对(?:落后|粗放|较高|较低)", r"基本(?:能够|可以|满足|达标)", r"相应的", r"都还存在", r"薄弱环节", r"持续改进",
    r"总体(?:而言|来看|上看)", r"今后应", r"(?:企业|公司|各车间|各部门)应(?:当)?(?:加强|从|树立|积极|不断|进一步)",
    r"积极推广", r"先进适用", r"不断(?:提升|提高|完善|加强|降低|挖掘)", r"进一步(?:提高|提升|完善|加强|降低|改善)",
    r"(?:节约|节能|环保|清洁生产)意识", r"从源头削减", r"提高资源(?:能源)?利用(?:效率|率)",
    r"减少(?:或者避免)?(?:生产过程中)?污染物的产生和排放", r"(?:主要包括|包括)[^。；]{2,30}等(?:环节|方面|工序)",
    r"等(?:八个)?方面", r"潜力(?:较大|巨大|很大)", r"较大的(?:清洁生产)?潜力", r"取得了?[^，。；]{0,8}(?:效益|成效|效果|成果|成绩)",
    r"(?:显著|明显|大幅|大大|有效)(?:的|地)?(?:降低|减少|提高|提升|改善|节约|削减|下降|增加|减轻)",
    r"显著的(?:经济|环境|社会)效益", r"(?:经济|环境|社会)效益(?:显著|明显|良好|可观|突出)", r"(?:效果|成效)(?:显著|明显|良好|突出)",
    r"得到了?(?:有效|显著|明显|较大|很大)的?(?:改善|提高|控制|提升|加强)", r"达到了?预期的?(?:目标|效果)",
    r"具有(?:良好|较好|显著|明显|积极)的", r"实现了?[^，。；]{0,10}(?:双赢|共赢|统一|可持续发展)", r"高度重视",
    r"(?:废水|废气|噪声|固体废物|固废)(?:[、和及](?:废水|废气|噪声|固体废物|固废)){2,}等",
]
_VAGUE_RE = [re.compile(p) for p in _VAGUE]
_DATA = re.compile(
    r"(\d|[ⅠⅡⅢⅣⅤ]+级|(?<![A-Za-z])I{1,3}V?级|[一二两三四五六七八九十百千万]+(台|套|条|座|项|组|次|人|名|吨|万元|元|批|道|班|级))"
)
_VOCAB_HEADER = re.compile(r"(设备名称|设施名称|名称|方案名称|方案|产品|原料|原辅材料|物料|工序|工段|车间|装置|生产线)")
_WORKSHOP = re.compile(r"([\u4e00-\u9fa5A-Za-z0-9]{2,8}(?:车间|工段|工序|生产线|装置|系统|工艺))")
_GENERIC_VOCAB = {"设备", "生产", "车间", "工艺", "系统", "装置", "生产线", "工序", "方案", "产品", "原料", "物料", "名称",
                  "合计", "小计", "总计", "其他", "清洁生产", "序号", "备注", "管理", "员工", "能源", "废水", "废气", "固废",
                  "生产工艺", "处理工艺", "处理系统", "管理系统", "生产系统", "该工艺", "本工艺", "整个系统", "技术工艺",
                  "各车间", "生产车间", "主要生产工艺",
                  # the eight aspects of cause analysis and option generation are method words
                  "原辅材料", "原辅材料和能源", "原辅材料及能源", "过程控制", "废弃物", "废弃物特性", "废弃物特性及回收",
                  "影响因素", "原因分析", "技术改造", "工艺改进", "设备维护", "设备维护和更新", "加强管理", "员工素质"}
_TRANSITION = re.compile(r"(见下表|见表|如下[。：:]?$|如下表|[：:]\s*$|详见|见附件|见附图)")
_CITES = re.compile(r"(《|是指)")


def vague_markers(text: str) -> list[str]:
    return [m.group(0) for rx in _VAGUE_RE for m in [rx.search(text)] if m]


def _doc_vocabulary(doc: Document, ident: Identity) -> set[str]:
    """Enterprise-specific terms: products, equipment, options, materials, workshops named in the report."""
    vocab: set[str] = {p.name for p in ident.products}
    for t in doc.tables:
        for c in range(t.n_cols):
            h = t.header_text(c)
            if not _VOCAB_HEADER.search(h) or re.search(r"(单位|数量|型号|规格|年|量|率|值|费|金额|投资|效益)", h):
                continue
            for r in t.body_rows():
                v = t.cell(r, c).strip()
                if 2 <= len(v) <= 20 and not re.fullmatch(r"[\d.\-—/%]+", v):
                    vocab.add(v)
    for b in doc.blocks:
        if b.kind == "paragraph":
            for m in _WORKSHOP.finditer(b.text):
                vocab.add(m.group(1))
    cleaned = set()
    for v in vocab:
        v = re.sub(r"[（(].*?[)）]", "", v).strip()
        if len(v) >= 2 and v not in _GENERIC_VOCAB and not re.fullmatch(r"[\d.\-—/%A-Za-z]+", v):
            cleaned.add(v)
    return cleaned


def _specific_section(b: Block) -> str | None:
    path = b.section_path
    if not path:
        return None
    joined = " ".join(path)
    if NOT_SPECIFIC_SECTION.search(joined):
        return None
    for title in reversed(path):
        if SPECIFIC_SECTION.search(title):
            return title
    return None


@rule(
    "BPL003",
    name="须写企业具体情况的章节为无数据的通用套话",
    severity="warning",
    params=GenericParams,
    basis=Basis(item_id="guide-eval-accept-2018", clause="第二条（审核报告规范性）"),
    sentence="生产工艺、潜力与原因分析、审核重点、方案、实施效果等章节中不少于{min_chars}字、含{min_markers}种以上空泛表述"
    "却没有任何本企业数据（数字、产品、设备、方案、车间名称）的段落给出警告，并统计各章此类文字的占比。",
    defects=("BPL_GENERIC",),
)
def check_generic_boilerplate(run: RuleRun) -> Iterator[Finding]:
    """
    ## 检查内容
    在必须写本企业具体情况的章节——生产工艺、清洁生产潜力分析、废弃物产生原因分析、审核重点、方案产生与筛选、
    可行性分析、方案实施及实施效果——里逐段检查：段落不少于设定字数，没有任何本企业数据（阿拉伯数字、“两台”
    “三项”之类的数量、清洁生产水平等级、以及取自本报告表格和正文的产品、设备、方案、原辅材料、车间/工段名称），
    却含有两种以上空泛表述（“存在一定的”“部分设备…不够完善”“有待进一步完善”“应加强管理”“不断提升”
    “取得了显著的经济效益”等），即判为通用套话，并给出该章此类文字的占比。引出表格或列表的过渡句
    （“……见下表”“……主要在于：”）和引述法规的句子（含《…》或“是指”）不判断。

    ## 为什么重要
    方案与实施效果只有落到本企业的数量、设备和方案上才可核查；整段套话说明该部分没有真正开展工作，
    或是从其他报告照搬而来，评估时属于“报告内容空泛、针对性不强”。

    ## 不通过示例
    ```
    ## 6.2 实施效果
    通过本轮清洁生产审核，公司取得了显著的经济效益和环境效益，能耗物耗明显降低，
    污染物排放量大幅减少，员工清洁生产意识得到了显著提高。
    ```

    ## 通过示例
    ```
    ## 6.2 实施效果
    “漂洗水三级逆流改造”实施后，镀镍线新鲜水用量由 2.35 万t/a 降至 1.62 万t/a，
    年节约水费 6.4 万元，取得了良好的经济效益。
    ```
    """
    ident = identity_of(run)
    vocab = run.ctx.cached("bpl_vocabulary", lambda: _doc_vocabulary(run.doc, ident))
    vocab_re = re.compile("|".join(re.escape(v) for v in sorted(vocab, key=len, reverse=True))) if vocab else None
    per_chapter: dict[str, list[int]] = {}
    generic: list[tuple[Block, str, int, list[str]]] = []
    for b in run.doc.blocks:
        if b.kind != "paragraph":
            continue
        sec = _specific_section(b)
        if sec is None:
            continue
        chapter = b.section_path[0] if b.section_path else sec
        text = b.text.strip()
        n = len(re.sub(r"\s", "", text))
        stats = per_chapter.setdefault(chapter, [0, 0])
        stats[0] += n
        if n < run.params.min_chars or _TRANSITION.search(text) or _CITES.search(text):
            continue  # introductions to a table or list, quoted regulation text
        if _DATA.search(text) or (vocab_re and vocab_re.search(text)):
            continue
        markers = vague_markers(text)
        if len(markers) < run.params.min_markers:
            continue
        stats[1] += n
        generic.append((b, chapter, n, markers))
    for b, chapter, _n, claims in generic:
        total, gen = per_chapter[chapter]
        share = gen / total if total else 0.0
        text = b.text.strip()
        quote = text if len(text) <= 120 else text[:120]
        yield run.finding(
            f"“{chapter}”中的这段文字没有任何本企业数据（数字、产品、设备、方案或车间名称），只有“{claims[0]}”"
            f"“{claims[1]}”之类的空泛表述；该章此类文字占 {share:.0%}。",
            quote,
            block=b,
            expected="本企业的具体数据（数量、设备、方案、车间）",
            found="无数据的通用表述",
            data={"chapter": chapter, "chapter_share": round(share, 3), "vague_wording": claims[:6]},
        )


# ---- BPL004: near-duplicate of another enterprise's report ---------------------------------------
class DuplicateParams(BaseModel):
    max_findings: int = Field(5, description="每份报告最多报告的雷同对象个数（按证据强度排序）")


@rule(
    "BPL004",
    name="与其他企业的审核报告雷同",
    severity="error",
    params=DuplicateParams,
    basis=BASIS_TRUTH,
    sentence="与指纹库中其他企业的报告全文近似、整章相同或含相同的原始数据时报错（最多{max_findings}个对象）。",
    defects=("BPL_DUPLICATE",),
)
def check_duplicate(run: RuleRun) -> Iterator[Finding]:
    """
    ## 检查内容
    把本报告与指纹库（此前审查过的全部报告）比较：先扣除模板内容（章节标题、表头、法规标题、规定性语句），
    把本报告自己的企业名称、简称、编制单位和所在地替换为占位符（换了名字的抄袭照样能认出），
    再按字符 n-gram 的 MinHash/LSH 找候选，最后在原文上精确计算：全文 Jaccard 相似度（近似全文抄袭）、
    各章在对方报告中的包含度（整章照搬）、以及完全相同的数据行、多位数值、文档作者信息等“共同异常”。
    同一模板写成的独立报告共享大量套话，但数字不同，因此判定同时要求带数字的文字片段也高度重合。
    只报告其他企业的报告；同一企业的修订版不算。

    ## 为什么重要
    主管部门抽查时最关心咨询机构“一个模板改名字”批量生产报告：整章甚至全文照搬、连监测数据都相同，
    说明审核没有在本企业真实开展。

    ## 不通过示例
    ```
    指纹库中已有“常州恒盛表面处理有限公司清洁生产审核报告”；本报告第三章（物料平衡、原因分析）
    除企业名称外逐字相同，物料平衡表数据完全一致。
    ```

    ## 通过示例
    ```
    本报告与指纹库中同一咨询机构、同一模板写成的其他企业报告共享章节结构和方法性段落，
    但企业概况、数据表和方案均为本企业自己的内容。
    ```
    """
    settings = run.ctx.settings
    if settings is None or not settings.copy_detection.enabled:
        return
    from reviewer.copydetect import StoreMismatchError, find_matches, fingerprint, open_store

    ident = identity_of(run)
    try:
        store = open_store(settings, create=False)
    except StoreMismatchError:
        return
    if store is None:
        return
    try:
        fp = run.ctx.cached("copy_fingerprint", lambda: fingerprint(run.doc, settings, ident))
        matches = find_matches(fp, store, settings)
    finally:
        store.close()
    for m in matches[: run.params.max_findings]:
        yield duplicate_finding(run, m)


def duplicate_finding(run: RuleRun, m) -> Finding:
    """The BPL004 finding for one verified match (also used by batch mode for in-batch pairs)."""
    from reviewer.copydetect import ANOMALY_ZH

    doc = run.doc
    other_name = m.other.enterprise or m.other.file_name
    pairs = m.passages
    if pairs:
        # quote a paragraph if one matched (reads better than a table grid)
        first = next((p for p in pairs if p.a.block < len(doc.blocks) and doc.blocks[p.a.block].kind == "paragraph"),
                     pairs[0])
        a_block = doc.blocks[first.a.block] if first.a.block < len(doc.blocks) else None
        quote_src = a_block.text if a_block is not None else first.a.text
    else:
        a_block = None
        quote_src = ""
    quote = quote_src.strip()[:120]
    if not quote:
        # no passage pair (data-only match): quote the first shared numeric row if it is in the text
        for _k, label in m.anomalies:
            cell = label.split(" | ")[0]
            if cell and doc.find_quote(cell) is not None:
                quote = cell
                break
    kind_zh = {"report": "全文近似", "chapter": "整章相同", "data": "原始数据相同"}[m.kind]
    if m.kind == "report":
        detail = f"全文相似度 {m.similarity:.0%}（含数字片段重合 {m.data_similarity:.0%}）"
    elif m.kind == "chapter":
        detail = f"“{m.chapter_title}”有 {m.similarity:.0%} 的内容见于对方报告（含数字片段 {m.data_similarity:.0%}）"
    else:
        detail = f"共有 {len(m.anomalies)} 处相同的原始数据"
    anomaly_zh = [f"{ANOMALY_ZH.get(k, k)}：{label}" for k, label in m.anomalies[:8]]
    msg = (f"本报告与“{other_name}”的报告（文件 {m.other.file_name}）{kind_zh}：{detail}"
           + (f"；另有 {len(m.anomalies)} 处共同异常（{anomaly_zh[0]}…）" if m.anomalies and m.kind != "data" else "")
           + "。")
    other = [
        {"report": m.other.file_name, "enterprise": m.other.enterprise, "agency": m.other.agency,
         "quote": p.b.text[:300], "this_quote": p.a.text[:300], "containment": p.containment}
        for p in pairs
    ]
    return run.finding(
        msg,
        quote,
        block=a_block,
        expected="本企业独立编写的内容",
        found=kind_zh,
        other=other,
        data={
            "kind": m.kind,
            "similarity": round(m.similarity, 4),
            "jaccard": round(m.jaccard, 4),
            "data_similarity": round(m.data_similarity, 4),
            "chapter": m.chapter_title,
            "other_report": m.other.report_id,
            "other_file": m.other.file_name,
            "other_enterprise": m.other.enterprise,
            "other_agency": m.other.agency,
            "anomalies": [{"kind": k, "label": label} for k, label in m.anomalies],
            "passages": [{"a": p.a.text[:300], "b": p.b.text[:300]} for p in pairs],
        },
    )


__all__ = ["duplicate_finding", "identity_of", "quote_around", "sentence_span"]
