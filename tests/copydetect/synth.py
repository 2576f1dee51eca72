"""Synthetic audit reports for copy-detection tests: many independent reports written from ONE
template (same skeleton, same boilerplate sentences, different enterprise, numbers, equipment
and options), and copies of them with the names swapped.

The template is deliberately heavy (the hard case): chapter skeleton, mandated sentences and
method paragraphs are shared word for word by every report; only the enterprise-specific
parts differ, as in reports an agency writes from its own template.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

PLACES = [
    ("江苏省", "常州市", "武进区"), ("江苏省", "苏州市", "吴江区"), ("浙江省", "绍兴市", "柯桥区"),
    ("浙江省", "温州市", "瓯海区"), ("广东省", "佛山市", "南海区"), ("山东省", "潍坊市", "寿光市"),
    ("河北省", "沧州市", "泊头市"), ("安徽省", "芜湖市", "鸠江区"), ("福建省", "泉州市", "晋江市"),
    ("湖北省", "襄阳市", "樊城区"), ("江西省", "九江市", "湖口县"), ("河南省", "新乡市", "获嘉县"),
]
BRANDS = ["恒盛", "鑫达", "华锐", "永泰", "金禾", "宏远", "瑞丰", "嘉诚", "天润", "昌隆", "宝信", "明辉", "德润",
          "润通", "凯鑫", "博远", "佳和", "东宸", "奥邦", "华晟", "振邦", "信诺", "丰泽", "骏达", "恒通", "富源"]
AGENCIES = ["绿源环保科技有限公司", "清源环境咨询有限公司", "碧水节能环保技术服务有限公司", "蓝天环境工程技术有限公司"]
EQUIPMENT = ["自动挂镀生产线", "滚镀生产线", "超声波除油槽", "逆流漂洗槽", "离子交换柱", "冷冻机组", "空压机",
             "整流器", "酸雾吸收塔", "MVR蒸发器", "板框压滤机", "燃气锅炉", "冷却塔", "纯水制备装置"]
OPTIONS = ["漂洗水三级逆流改造", "镀液回收槽增设", "整流器更换为高频开关电源", "空压机变频改造", "LED照明替换",
           "酸雾吸收塔喷淋优化", "废水分质分流收集", "冷却水循环利用", "化学品定量添加", "挂具改进减少带出",
           "蒸汽冷凝水回收", "在线监测仪表增设", "员工节水培训", "设备跑冒滴漏巡检制度", "镀镍废水膜处理回用"]
PRODUCTS = [("镀锌件", "万平方米"), ("镀镍件", "万平方米"), ("镀铬件", "万件"), ("铝件阳极氧化", "万平方米")]


@dataclass
class SynthReport:
    enterprise: str
    short: str
    agency: str
    place: tuple[str, str, str]
    text: str


def _p(rng: random.Random, lo: float, hi: float, nd: int = 2) -> str:
    return f"{rng.uniform(lo, hi):.{nd}f}"


def make_report(seed: int, place: tuple[str, str, str] | None = None) -> SynthReport:
    rng = random.Random(seed)
    prov, city, county = place or rng.choice(PLACES)
    brand = rng.choice(BRANDS) + rng.choice(["", "", "新", "达", "源"])
    short = f"{brand}表面处理"
    ent = f"{city[:-1]}{short}有限公司"
    agency = f"{rng.choice(['南京', '杭州', '广州', '济南', '合肥'])}{rng.choice(['启明', '科环', '绿邦', '洁源', '环智'])}" \
             f"{rng.choice(AGENCIES)}"
    y0 = rng.choice([2019, 2020, 2021, 2022])
    years = [y0, y0 + 1, y0 + 2]
    staff = rng.randint(60, 600)
    area = rng.randint(8000, 90000)
    prods = rng.sample(PRODUCTS, 2)
    equip = rng.sample(EQUIPMENT, 8)
    opts = rng.sample(OPTIONS, 9)
    water = [float(_p(rng, 3, 30, 2)) for _ in years]
    elec = [float(_p(rng, 100, 900, 1)) for _ in years]
    L: list[str] = []
    L += [ent, "", "清洁生产审核报告", "", f"编制单位：{agency}", "", f"{years[-1] + 1}年{rng.randint(1, 12)}月", ""]
    L += ["# 第一章 筹划和组织", "", "## 1.1 领导支持", ""]
    L += [f"为贯彻落实《中华人民共和国清洁生产促进法》和《清洁生产审核办法》，{ent}（以下简称“{short}”）"
          f"于{years[-1] + 1}年{rng.randint(1, 6)}月决定开展新一轮清洁生产审核，并委托{agency}提供技术咨询。", ""]
    L += ["清洁生产审核是企业实现节能、降耗、减污、增效的有效手段，公司领导高度重视本轮审核工作，"
          "在人力、物力和财力上给予了充分保障，确保审核工作顺利进行。", ""]
    L += ["## 1.2 审核小组", "", "| 序号 | 姓名 | 职务 | 小组职务 |", "|---|---|---|---|"]
    for i in range(6):
        L.append(f"| {i + 1} | {rng.choice('王李张刘陈杨黄赵吴周')}{rng.choice('伟芳娜敏静丽强磊军洋')} | "
                 f"{rng.choice(['总经理', '生产部长', '设备主管', '环保专员', '技术员'])} | {'组长' if i == 0 else '组员'} |")
    L += ["", "## 1.3 宣传和培训", ""]
    L += ["审核小组通过张贴标语、召开动员大会、举办专题培训等多种形式开展宣传教育，使全体员工了解清洁生产的意义、"
          "内容和方法，克服思想障碍，调动员工参与审核的积极性。", ""]
    L += [f"本轮审核共组织培训{rng.randint(2, 6)}次，参加人员{rng.randint(40, 300)}人次。", ""]
    L += ["# 第二章 预审核", "", "## 2.1 企业概况", ""]
    L += [f"{short}位于{prov}{city}{county}，占地面积{area}平方米，现有员工{staff}人，"
          f"主要从事{prods[0][0]}和{prods[1][0]}的表面处理加工。", ""]
    L += ["| 项目 | 内容 |", "|---|---|", f"| 企业名称 | {ent} |", f"| 地址 | {prov}{city}{county} |",
          "| 行业类别 | C3360 金属表面处理及热处理加工 |", f"| 员工人数 | {staff} |", ""]
    L += ["## 2.2 生产状况", "", "| 产品 | 设计产能 | " + " | ".join(f"{y}年" for y in years) + " |",
          "|---|---|---|---|---|"]
    for name, unit in prods:
        cap = rng.randint(20, 300)
        L.append(f"| {name}（{unit}） | {cap} | " + " | ".join(_p(rng, cap * 0.6, cap * 0.95, 1) for _ in years) + " |")
    L += ["", "| 指标 | 单位 | " + " | ".join(f"{y}年" for y in years) + " |", "|---|---|---|---|---|",
          "| 新鲜水用量 | 万t | " + " | ".join(f"{w:.2f}" for w in water) + " |",
          "| 用电量 | 万kWh | " + " | ".join(f"{e:.1f}" for e in elec) + " |",
          "| 天然气用量 | 万m3 | " + " | ".join(_p(rng, 5, 80, 2) for _ in years) + " |", ""]
    L += ["## 2.3 主要设备", "", "| 序号 | 设备名称 | 型号 | 数量 |", "|---|---|---|---|"]
    for i, e in enumerate(equip):
        L.append(f"| {i + 1} | {e} | {rng.choice('ABCDKZ')}{rng.randint(10, 990)} | {rng.randint(1, 12)} |")
    L += ["", "## 2.4 产排污状况", ""]
    L += [f"{years[-1]}年全厂废水产生量{_p(rng, 2, 25, 2)}万t，经厂内污水处理站处理后排放，COD排放浓度"
          f"{_p(rng, 20, 70, 1)}mg/L，总镍排放浓度{_p(rng, 0.02, 0.09, 3)}mg/L，均满足《电镀污染物排放标准》要求。", ""]
    L += ["废气主要为酸雾和碱雾，经酸雾吸收塔处理后通过15m排气筒排放；固体废物主要为电镀污泥和废槽液，"
          "均委托有资质单位处置。", ""]
    L += ["## 2.5 确定审核重点", ""]
    L += ["根据备选审核重点的废物产生量、环境代价、清洁生产潜力和车间积极性等因素，采用权重总和计分排序法确定审核重点。", ""]
    focus = rng.choice(["镀镍车间", "镀锌车间", "前处理车间", "阳极氧化车间"])
    L += [f"经计算，{focus}得分{rng.randint(700, 900)}分，排名第一，确定为本轮审核重点。", ""]
    L += ["## 2.6 清洁生产目标", "", "| 指标 | 现状 | 近期目标 | 中远期目标 |", "|---|---|---|---|",
          f"| 单位产品新鲜水耗 | {_p(rng, 0.1, 0.5, 3)} | {_p(rng, 0.08, 0.3, 3)} | {_p(rng, 0.05, 0.2, 3)} |",
          f"| 单位产品电耗 | {_p(rng, 5, 30, 2)} | {_p(rng, 4, 25, 2)} | {_p(rng, 3, 20, 2)} |", ""]
    L += ["# 第三章 审核", "", "## 3.1 审核重点概况", ""]
    L += [f"{focus}主要设备有{equip[0]}、{equip[1]}和{equip[2]}，年处理工件{_p(rng, 10, 90, 1)}万平方米，"
          f"是全厂用水量和污染物产生量最大的单元。", ""]
    L += ["## 3.2 物料平衡", "", "| 输入 | 数量(t/a) | 输出 | 数量(t/a) |", "|---|---|---|---|"]
    for _ in range(4):
        L.append(f"| {rng.choice(['硫酸镍', '氯化镍', '硼酸', '锌锭', '氢氧化钠'])} | {_p(rng, 1, 60, 2)} | "
                 f"{rng.choice(['镀层', '带出损失', '污泥', '废液'])} | {_p(rng, 1, 60, 2)} |")
    L += ["", f"经测算，物料平衡误差为{_p(rng, 0.5, 4.5, 2)}%，满足审核要求。", ""]
    L += ["## 3.3 废弃物产生原因分析", ""]
    L += ["从原辅材料和能源、技术工艺、设备、过程控制、产品、废弃物、管理和员工八个方面对审核重点的废弃物产生原因进行分析。", ""]
    L += [f"经分析，{focus}漂洗水用量偏大的主要原因是{rng.choice(['单级漂洗', '漂洗槽无流量控制', '挂具带出量大'])}，"
          f"镀液带出量约{_p(rng, 5, 40, 1)}L/d。", ""]
    L += ["# 第四章 方案产生和筛选", "", "## 4.1 方案汇总", ""]
    L += ["审核小组通过发放合理化建议表、召开座谈会等方式广泛征集清洁生产方案，共征集方案如下。", ""]
    L += ["| 编号 | 方案名称 | 类型 | 投资(万元) |", "|---|---|---|---|"]
    for i, o in enumerate(opts):
        L.append(f"| F{i + 1} | {o} | {'无/低费' if i < 6 else '中/高费'} | {_p(rng, 0.2, 8, 2) if i < 6 else _p(rng, 20, 200, 1)} |")
    L += ["", "# 第五章 可行性分析", ""]
    L += [f"对中/高费方案{opts[6]}进行技术、环境和经济可行性分析。该方案总投资{_p(rng, 20, 200, 1)}万元，"
          f"年节约新鲜水{_p(rng, 0.2, 3, 2)}万t，年经济效益{_p(rng, 5, 60, 2)}万元，投资回收期{_p(rng, 1, 6, 1)}年。", ""]
    L += ["经济评估采用净现值法和内部收益率法，贴现率取8%，方案在经济上可行。", ""]
    L += ["# 第六章 方案实施", ""]
    L += [f"截至{years[-1] + 1}年底，本轮审核共实施无/低费方案6项、中/高费方案{rng.randint(1, 3)}项，"
          f"累计投资{_p(rng, 30, 300, 1)}万元，年节水{_p(rng, 0.3, 5, 2)}万t，年节电{_p(rng, 5, 80, 1)}万kWh，"
          f"年减少COD排放{_p(rng, 0.1, 3, 2)}t。", ""]
    L += ["| 指标 | 实施前 | 实施后 | 变化率 |", "|---|---|---|---|"]
    for ind in ["单位产品新鲜水耗", "单位产品电耗", "镍回收率"]:
        L.append(f"| {ind} | {_p(rng, 1, 50, 3)} | {_p(rng, 1, 50, 3)} | {_p(rng, -40, 10, 1)}% |")
    L += ["", "# 第七章 持续清洁生产", ""]
    L += ["公司将清洁生产纳入日常管理，建立和完善清洁生产组织机构和管理制度，制定持续清洁生产计划，"
          "定期开展清洁生产审核，不断提高清洁生产水平。", ""]
    L += [f"下一轮计划实施{opts[7]}和{opts[8]}，由{rng.choice(['生产部', '设备部', '安环部'])}负责，"
          f"预计{years[-1] + 2}年完成。", ""]
    return SynthReport(ent, short, agency, (prov, city, county), "\n".join(L))


def make_copy(src: SynthReport, seed: int, change_numbers: float = 0.0, place=None) -> SynthReport:
    """``src`` passed off as another enterprise's report: names and places swapped; a share of the
    numbers changed (0 = none) the way a copier adjusts a few figures."""
    rng = random.Random(seed)
    other = make_report(seed, place)
    text = src.text
    for old, new in ((src.enterprise, other.enterprise), (src.short, other.short), (src.agency, other.agency),
                     (src.place[2], other.place[2]), (src.place[1], other.place[1]), (src.place[0], other.place[0]),
                     (src.place[1][:-1], other.place[1][:-1])):
        text = text.replace(old, new)
    if change_numbers:
        import re

        def tweak(m):
            if rng.random() < change_numbers:
                v = float(m.group(0))
                return f"{v * rng.uniform(0.9, 1.1):.{len(m.group(0).split('.')[1])}f}"
            return m.group(0)

        text = re.sub(r"\d+\.\d+", tweak, text)
    return SynthReport(other.enterprise, other.short, other.agency, other.place, text)


def splice_chapter(target: SynthReport, source: SynthReport, chapter_title: str) -> SynthReport:
    """``target`` with one chapter replaced by ``source``'s (names swapped to target's)."""

    def chapters(text: str) -> list[str]:
        parts, cur = [], []
        for line in text.split("\n"):
            if line.startswith("# ") and cur:
                parts.append("\n".join(cur))
                cur = []
            cur.append(line)
        parts.append("\n".join(cur))
        return parts

    src = chapters(source.text)
    tgt = chapters(target.text)
    out = []
    for part in tgt:
        if part.startswith("# ") and chapter_title in part.split("\n", 1)[0]:
            rep = next(p for p in src if p.startswith("# ") and chapter_title in p.split("\n", 1)[0])
            for old, new in ((source.enterprise, target.enterprise), (source.short, target.short)):
                rep = rep.replace(old, new)
            out.append(rep)
        else:
            out.append(part)
    return SynthReport(target.enterprise, target.short, target.agency, target.place, "\n".join(out))


def write_docx(text: str, path, author: str | None = None) -> None:
    """The Markdown of a synthetic report as a real DOCX (headings, paragraphs, tables)."""
    from docx import Document

    doc = Document()
    lines = text.split("\n")
    i = 0
    while i < len(lines):
        line = lines[i].strip()
        if not line:
            i += 1
            continue
        if line.startswith("#"):
            level = len(line) - len(line.lstrip("#"))
            doc.add_heading(line[level:].strip(), level=min(level, 3))
            i += 1
            continue
        if line.startswith("|"):
            rows = []
            while i < len(lines) and lines[i].strip().startswith("|"):
                cells = [c.strip() for c in lines[i].strip().strip("|").split("|")]
                if not all(set(c) <= set("-: ") for c in cells):
                    rows.append(cells)
                i += 1
            width = max(len(r) for r in rows)
            table = doc.add_table(rows=len(rows), cols=width)
            table.style = "Table Grid"
            for r, row in enumerate(rows):
                for c, cell in enumerate(row):
                    table.cell(r, c).text = cell
            continue
        doc.add_paragraph(line)
        i += 1
    if author:
        doc.core_properties.author = author
    doc.save(path)
