"""Build small Markdown/DOCX reports with a 清洁生产水平 section, in several table layouts.

Used by the LVL tests to put the same indicator data into different shapes (column order,
merged two-row headers, class rows instead of a class column, Roman or Chinese level names)."""

from __future__ import annotations

from dataclasses import dataclass, replace


@dataclass(frozen=True)
class Row:
    cls: str
    cls_w: str
    name: str
    unit: str
    w: str
    I: str  # noqa: E741 (level names as printed)
    II: str
    III: str
    value: str
    level: str = ""


Q = "—"


def electroplating_rows(water: str, water_level: str, nickel: str = "87.3", nickel_level: str = "II级",
                        qual: tuple[str, str, str, str] = ("II级", "II级", "II级", "II级"),
                        reuse: tuple[str, str] = ("56.3", "II级")) -> list[Row]:
    """A complete 电镀 comparison table: official rows 1–5 and 镍利用率, plus the report's own rows for the
    classes whose official rows we do not have."""
    return [
        Row("生产工艺及装备指标", "0.33", "采用清洁生产工艺", Q, "0.15", "低铬或三价铬钝化、无氰镀锌、金属回收",
            "低铬或三价铬钝化、无氰镀锌", "使用金属回收工艺", "三价铬钝化、无氰镀锌", qual[0]),
        Row("生产工艺及装备指标", "0.33", "清洁生产过程控制", Q, "0.15", "镀镍、锌溶液连续过滤", "镀镍溶液连续过滤",
            "定期去除溶液中杂质", "镀镍溶液连续过滤", qual[1]),
        Row("生产工艺及装备指标", "0.33", "电镀生产线要求", Q, "0.4", "70%生产线自动化或半自动化",
            "50%生产线自动化或半自动化", "采用节能措施", "4条线中2条为自动线", qual[2]),
        Row("生产工艺及装备指标", "0.33", "有节水设施", Q, "0.3", "逆流漂洗、喷洗、在线回收", "逆流漂洗、喷淋，有计量",
            "无单槽清洗", "三级逆流漂洗，有水表", qual[3]),
        Row("资源消耗指标", "0.1", "*单位产品每次清洗取水量", "L/m²", "1", "≤8", "≤24", "≤40", water, water_level),
        Row("资源综合利用指标", "0.18", "镍利用率", "%", "0.8", "≥95", "≥85", "≥80", nickel, nickel_level),
        Row("资源综合利用指标", "0.18", "电镀用水重复利用率", "%", "0.2", "≥60", "≥40", "≥30", reuse[0], reuse[1]),
        Row("污染物产生指标", "0.16", "*电镀废水处理率", "%", "0.5", "≥100", "≥100", "≥100", "100", "I级"),
        Row("污染物产生指标", "0.16", "*有减少重金属污染物污染预防措施", Q, "0.5", "四项以上措施", "三项以上措施",
            "二项以上措施", "采取五项措施", "I级"),
        Row("清洁生产管理指标", "0.23", "*环境法律法规标准执行情况", Q, "0.4", "排放达标，总量符合许可", "同I级", "同I级",
            "排放达标，总量符合许可", "I级"),
        Row("清洁生产管理指标", "0.23", "环境管理体系", Q, "0.3", "通过ISO 14001认证", "建立环境管理体系", "有环境管理制度",
            "通过ISO 14001认证", "I级"),
        Row("清洁生产管理指标", "0.23", "危险化学品管理", Q, "0.3", "设专人管理", "同I级", "同I级", "设专人管理", "I级"),
    ]


def all_levels(rows: list[Row], level: str) -> list[Row]:
    """Every qualitative row's stated level set to ``level``."""
    return [replace(r, level=level) if r.unit == Q else r for r in rows]


def _md(header: list[list[str]], body: list[list[str]]) -> str:
    lines = ["| " + " | ".join(h) + " |" for h in header]
    lines.insert(len(header), "|" + "---|" * len(header[0]))
    lines += ["| " + " | ".join(b) + " |" for b in body]
    return "\n".join(lines)


def table_md(rows: list[Row], layout: str = "standard") -> str:
    if layout == "standard":
        header = [["一级指标", "一级权重", "二级指标", "单位", "二级权重", "I级基准值", "II级基准值", "III级基准值", "企业现状",
                   "达到级别"]]
        body = [[r.cls, r.cls_w, r.name, r.unit, r.w, r.I, r.II, r.III, r.value, r.level] for r in rows]
    elif layout == "reordered":  # value first, III→I, level before the class columns
        header = [["序号", "指标名称", "单位", "企业现状值", "Ⅲ级基准值", "Ⅱ级基准值", "Ⅰ级基准值", "评价等级", "一级指标",
                   "一级指标权重", "二级指标权重"]]
        body = [[str(i + 1), r.name, r.unit, r.value, r.III, r.II, r.I, r.level.replace("III", "Ⅲ").replace("II", "Ⅱ")
                 .replace("I", "Ⅰ"), r.cls, r.cls_w, r.w] for i, r in enumerate(rows)]
    elif layout == "merged":  # two header rows: 基准值 over I/II/III; both weight columns called 权重
        header = [["一级指标", "权重", "二级指标", "单位", "权重", "基准值", "基准值", "基准值", "本企业", "评价结果"],
                  ["一级指标", "权重", "二级指标", "单位", "权重", "Ⅰ级", "Ⅱ级", "Ⅲ级", "本企业", "评价结果"]]
        body = [[r.cls, r.cls_w, r.name, r.unit, r.w, r.I, r.II, r.III, r.value, r.level] for r in rows]
    elif layout == "class_rows":  # no class column: full-width class rows carry the class weight
        header = [["评价指标", "单位", "权重", "一级", "二级", "三级", "现状值", "所达级别"]]
        body, cls = [], None
        for r in rows:
            if r.cls != cls:
                cls = r.cls
                title = f"{cls}（{r.cls_w}）"
                body.append([title] * 8)
            body.append([r.name, r.unit, r.w, r.I, r.II, r.III, r.value, r.level.replace("III级", "三级")
                         .replace("II级", "二级").replace("I级", "一级")])
    else:
        raise ValueError(layout)
    return _md(header, body)


HEAD = """# 江阴恒泰电镀有限公司清洁生产审核报告

二〇二四年三月

# 第二章 预审核

## 2.1 企业概况

| 项目 | 内容 |
| --- | --- |
| 企业名称 | 江阴恒泰电镀有限公司 |
| 行业类别 | 金属表面处理及热处理加工（C3360） |

企业现有镀锌线2条、镀镍线1条，电镀年产量45万m²，本轮审核重点为镀镍线。

## 2.8 清洁生产水平评价

对照《电镀行业清洁生产评价指标体系》，采用综合评价指数法对公司清洁生产水平进行评价。

表2-8 清洁生产评价指标对比表

"""


def report_md(rows: list[Row], claim: str, layout: str = "standard", after_table: str = "注：带*的为限定性指标。",
              head: str = HEAD, conclusion: str | None = None) -> str:
    parts = [head, table_md(rows, layout), "", after_table, "", claim, ""]
    if conclusion:
        parts += ["# 审核结论", "", conclusion, ""]
    return "\n".join(parts)
