"""CIT: citations of laws, regulations, standards and indicator systems.

Citations are extracted once per report (titles in 《》, standard numbers, 文号) and resolved
against the knowledge registry (reviewer.knowledge.citations); the report's industry comes from
the identity extractor plus the report's own description of its processes
(reviewer.knowledge.industries); the report's date decides whether a replaced document was
still current when the report was written.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from pydantic import BaseModel, Field

from reviewer.document import normalize_for_match
from reviewer.findings import Basis, Finding
from reviewer.knowledge.citations import (
    PUBLIC_ISSUER,
    PUBLIC_TITLE,
    REGULATORY_TITLE,
    Citation,
    norm_title,
    report_citations,
    report_date,
)
from reviewer.knowledge.industries import ReportIndustries, industry_of_title, label, report_industries
from reviewer.knowledge.loader import load_items
from reviewer.knowledge.models import Item
from reviewer.rules.base import RuleRun, rule

INDICATOR_TYPES = ("indicator_system", "clean_production_standard")
# '替代' alone is everyday option wording (原料替代, 以天然气替代燃煤), so only edition replacement
# phrasing counts: '已被…代替', '代替 GB/T …', '废止', and earlier audit rounds.
HISTORICAL = re.compile(
    r"(已|被|由).{0,20}(代替|替代|取代)|(代替|替代|取代)了?\s*(原|旧|GB|HJ|DB|《)|废止|作废|停止(施行|执行|使用)"
    r"|被.{0,6}(更新|修订)|上一轮|上轮|首轮|第一轮|前一轮|以往|历史上"
)
INDUSTRY_TYPES = (*INDICATOR_TYPES, "discharge_standard")


@dataclass
class CitationView:
    items: dict[str, Item]
    citations: list[Citation]
    industries: ReportIndustries
    report_date: date | None

    @property
    def on(self) -> date:
        return self.report_date or date.today()


def citation_view(run: RuleRun) -> CitationView:
    def build() -> CitationView:
        settings = run.ctx.settings
        kdir = settings.paths.knowledge_dir if settings is not None else None
        items = load_items(kdir)
        identity = run.ctx.cached("identity", lambda: _identity(run))
        return CitationView(items=items, citations=report_citations(run.doc, items),
                            industries=run.ctx.cached("industries", lambda: report_industries(run.doc, identity=identity)),
                            report_date=report_date(run.doc, identity))

    return run.ctx.cached("citations", build)


def _identity(run: RuleRun):
    try:
        from reviewer.identity import extract_identity
    except ImportError:
        return None
    try:
        return extract_identity(run.doc)
    except Exception:  # identity is a helper here: the citations can still be checked without it
        return None


def _fmt_date(d: date | None) -> str:
    return f"{d.year}年{d.month}月{d.day}日" if d else "（日期待核实）"


def _by_item(cits: list[Citation]) -> dict[str, list[Citation]]:
    out: dict[str, list[Citation]] = {}
    for c in cits:
        out.setdefault(c.key, []).append(c)
    return out


def _others(cits: list[Citation], limit: int = 5) -> list[dict]:
    return [{"quote": c.quote, "page": c.locator.page, "block": c.block} for c in cits[1:limit + 1]]


def _best(cits: list[Citation]) -> Citation:
    """The occurrence to show: a title with its number, else a title, else the first."""
    return (next((c for c in cits if c.title and (c.std or c.docno)), None)
            or next((c for c in cits if c.title), None) or cits[0])


# ---------------------------------------------------------------------------------------------
# CIT001 superseded or abolished
# ---------------------------------------------------------------------------------------------
class SupersededParams(BaseModel):
    grace_days: int = Field(
        0, description="替代文件施行后的宽限天数：报告日期在宽限期内仍引用旧版时不提示（默认 0）"
    )
    flag_hjt_series: bool = Field(
        True,
        description="对未收录编号的《清洁生产标准 ××》（HJ/T 系列），在本行业已有现行评价指标体系时也提示",
    )


@rule(
    "CIT001",
    name="引用已废止或被替代的法规、标准",
    severity="error",
    params=SupersededParams,
    basis=Basis(item_id="measures-audit-2004", clause="与2016年办法的差异"),
    sentence="报告日期（无日期时按审查当日）已晚于被替代文件的停止施行日期（宽限 {grace_days} 天）时，引用旧版即提示，并给出替代文件",
    defects=("CIT_SUPERSEDED",),
)
def check_superseded(run: RuleRun) -> Iterator[Finding]:
    """## 检查内容
    提取报告中引用的法规、标准和指标体系（《》书名、GB/GB/T/HJ/HJ/T/DB 标准号及年份、环办科技〔2018〕5号
    之类的文号、令第16号），与依据库比对：已废止或已被替代、且报告编制日期晚于其停止施行日期的，提示
    并给出替代文件及其施行日期。已由行业清洁生产评价指标体系替代的 HJ/T《清洁生产标准》，以及行业已有
    整合指标体系时仍引用的“（试行）”指标体系，同样提示。

    ## 为什么重要
    审核依据过时意味着审核程序、计算方法或评价基准是旧的：按《清洁生产审核暂行办法》开展的审核没有
    “实施方案”和高耗能情形，按 GB/T 2589-2008 折标会用旧系数，按 HJ/T 清洁生产标准评价的等级与现行
    指标体系的I/II/III级不可比。专家评审把“编制依据充分合理”列为评分项。

    ## 不通过示例
    > 编制依据：《清洁生产审核暂行办法》（国家发展改革委、国家环保总局令第16号）；《综合能耗计算通则》（GB/T 2589-2008）。

    （报告日期 2024 年）

    ## 通过示例
    > 编制依据：《清洁生产审核办法》（国家发展改革委、环境保护部令2016年第38号）；《综合能耗计算通则》（GB/T 2589-2020）。
    """
    p: SupersededParams = run.params
    view = citation_view(run)
    on = view.on
    # Sentences that say the old edition was replaced, or that describe an earlier audit round,
    # mention the old document without using it as the basis of this report.
    cited = [c for c in view.citations if not HISTORICAL.search(c.context)]
    groups = _by_item(cited)
    for _key, cits in groups.items():
        first = _best(cits)
        item = first.item
        if item is not None and item.status in ("被替代", "已废止"):
            if item.superseded and (on - item.superseded).days < p.grace_days:
                continue
            if item.superseded and on < item.superseded:
                continue
            new = view.items.get(item.replaced_by) if item.replaced_by else None
            when = _fmt_date(item.superseded) if item.superseded else "（停止施行日期待核实）"
            verb = "废止" if item.status == "已废止" else "被替代"
            if new is not None:
                msg = (f"报告引用的{item.label()}已于{when}{verb}，应改为引用{new.label()}"
                       f"（{_fmt_date(new.effective) + '起施行' if new.effective else '现行'}）。")
            else:
                msg = f"报告引用的{item.label()}已于{when}{verb}，应改为引用现行有效的文件。"
            uncertain = "superseded" in item.unverified or item.superseded is None
            yield run.finding(
                msg, first.quote, first.locator,
                expected=new.label() if new else "现行有效版本",
                found=item.label(),
                severity="warning" if uncertain else None,
                confidence=0.7 if uncertain else 1.0,
                basis=Basis(item_id=item.id, clause=_clause_for(item)),
                data={"item_id": item.id, "replaced_by": item.replaced_by, "superseded": str(item.superseded or ""),
                      "report_date": str(view.report_date or ""), "occurrences": len(cits)},
                other=_others(cits),
            )
            continue
        if not p.flag_hjt_series:
            continue
        old_series = _old_series(first, item)
        if old_series is None:
            continue
        industry = industry_of_title(first.title or (item.title if item else ""))
        current = _current_indicator_system(view, industry)
        if current is None:
            continue
        name = f"《{first.title}》" if first.title else first.quote
        yield run.finding(
            f"报告引用的{name}属于{old_series}，{label(industry)}行业已发布{current.label()}，"
            f"清洁生产水平应按现行评价指标体系评价。",
            first.quote, first.locator,
            expected=current.label(), found=name, severity="warning", confidence=0.8,
            basis=Basis(item_id=current.id, clause="概要"),
            data={"industry": industry, "current": current.id, "occurrences": len(cits)},
            other=_others(cits),
        )


def _clause_for(item: Item) -> str:
    for name in ("与2016年办法的差异", "前言", "与2008版的差异", "概要", "条文编号差异"):
        if item.find_clause(name) is not None:
            return name
    return item.clauses[0].number if item.clauses else ""


def _old_series(cit: Citation, item: Item | None) -> str | None:
    """'HJ/T 清洁生产标准' or '试行评价指标体系' when the citation is one of those old series."""
    title = norm_title(cit.title or (item.title if item else ""))
    if item is not None and item.status in ("被替代", "已废止", "征求意见稿"):
        return None  # handled (or deliberately not) above
    if (title.startswith("清洁生产标准") or (cit.std or "").startswith("HJ/T")) and (
        item is None or item.type == "clean_production_standard"
    ):
        return "原环保部门发布的HJ/T《清洁生产标准》系列（一级/二级/三级）"
    if "评价指标体系" in title and "试行" in title and (item is None or item.status != "现行"):
        return "2005—2008年发布的试行评价指标体系（两级评价）"
    return None


def _current_indicator_system(view: CitationView, industry: str | None) -> Item | None:
    if not industry:
        return None
    for it in view.items.values():
        if it.type == "indicator_system" and it.status == "现行" and industry in it.scope.industries \
                and "全国" in it.scope.regions and it.in_force(view.on):
            return it
    return None


# ---------------------------------------------------------------------------------------------
# CIT002 another industry's indicator system / clean-production standard / discharge standard
# ---------------------------------------------------------------------------------------------
class WrongIndustryParams(BaseModel):
    include_discharge_standards: bool = Field(
        True, description="同时检查行业型污染物排放标准（以警告级别提示）"
    )


@rule(
    "CIT002",
    name="引用了其他行业的评价指标体系或标准",
    severity="error",
    params=WrongIndustryParams,
    basis=Basis(item_id="method-cpi-scoring", clause="等级判定"),
    sentence="引用的行业评价指标体系、清洁生产标准（及行业排放标准：{include_discharge_standards}）应属于报告企业所在行业",
    defects=("CIT_WRONG_INDUSTRY",),
)
def check_wrong_industry(run: RuleRun) -> Iterator[Finding]:
    """## 检查内容
    从报告自身（行业类别及国民经济行业代码、企业名称、工艺和产品描述）判断企业所属行业，再看报告引用
    的行业清洁生产评价指标体系、HJ/T 清洁生产标准和行业型排放标准属于哪个行业；不属于本企业行业、也
    不属于报告中确有描述的其他生产线（如机械企业的电镀线）的，予以提示。

    ## 为什么重要
    清洁生产水平是按本行业指标体系的基准值和权重评出来的；用别的行业的体系（例如电镀企业对照《制浆
    造纸行业清洁生产评价指标体系》）得到的等级没有意义，往往是套用其他报告的模板留下的。排放标准用错
    行业则达标判断失去依据。

    ## 不通过示例
    > （某电镀有限公司）对照《制浆造纸行业清洁生产评价指标体系》，企业清洁生产水平达到II级。

    ## 通过示例
    > （某电镀有限公司）对照《电镀行业清洁生产评价指标体系》，企业清洁生产水平达到II级。
    """
    p: WrongIndustryParams = run.params
    view = citation_view(run)
    ind = view.industries
    if ind.primary is None:
        return
    for _key, cits in _by_item(view.citations).items():
        first = _best(cits)
        item = first.item
        if item is not None:
            if item.type not in INDUSTRY_TYPES or not item.scope.industry_specific:
                continue
            if item.type == "discharge_standard" and not p.include_discharge_standards:
                continue
            scope = [i for i in item.scope.industries if i != "*"]
            kind = item.type
            name = item.label()
        else:
            title = norm_title(first.title or "")
            if not title or not ("评价指标体系" in title or title.startswith("清洁生产标准")
                                 or (p.include_discharge_standards and "排放标准" in title)):
                continue
            t_ind = industry_of_title(title)
            if t_ind is None:
                continue
            scope = [t_ind]
            kind = "discharge_standard" if "排放标准" in title else "indicator_system"
            name = f"《{first.title}》"
        if ind.covers(scope):
            continue
        is_discharge = kind == "discharge_standard"
        what = "污染物排放标准" if is_discharge else "清洁生产评价依据"
        yield run.finding(
            f"报告企业属于{label(ind.primary)}行业，但引用了{label(scope[0])}行业的{what}{name}；"
            f"应引用本行业的{'排放标准' if is_discharge else '清洁生产评价指标体系'}。",
            first.quote, first.locator,
            expected=f"{label(ind.primary)}行业的{'排放标准' if is_discharge else '评价指标体系'}",
            found=name,
            severity="warning" if is_discharge else None,
            confidence=0.8 if is_discharge else 0.9,
            basis=Basis(item_id=item.id, clause="概要") if item is not None else None,
            data={"report_industry": ind.primary, "report_industries": sorted(ind.all),
                  "cited_industries": scope, "occurrences": len(cits)},
            other=_others(cits),
        )


# ---------------------------------------------------------------------------------------------
# CIT003 the industry's current indicator system is not cited
# ---------------------------------------------------------------------------------------------
@rule(
    "CIT003",
    name="未对照本行业现行清洁生产评价指标体系",
    severity="warning",
    basis=Basis(item_id="checklist-audit-phases", clause="步骤2.3 评价产排污状况"),
    sentence="企业所在行业已有现行清洁生产评价指标体系时，报告应引用并对照该体系评价清洁生产水平",
    defects=(),
)
def check_indicator_system_cited(run: RuleRun) -> Iterator[Finding]:
    """## 检查内容
    企业所属行业在依据库中有现行的国家清洁生产评价指标体系（如电镀、钢铁、水泥、制浆造纸）时，检查
    报告是否引用了它（或本行业的地方指标体系）；报告没有引用任何评价指标体系或清洁生产标准的，提示。
    引用旧版标准的情况由 CIT001、引用其他行业体系的情况由 CIT002 提示，不在此重复。

    ## 为什么重要
    预审核阶段要求对照行业清洁生产评价指标体系评价企业清洁生产水平，包括全部限定性指标和综合评价
    指数；没有对照体系，清洁生产水平结论和清洁生产潜力分析都没有依据（辽宁 2023 年案例即因未做限定性
    指标分析被认定不合格）。

    ## 不通过示例
    > （电镀企业）2.5 清洁生产水平：企业工艺先进，管理规范，清洁生产水平较高。

    ## 通过示例
    > （电镀企业）2.5 清洁生产水平：对照《电镀行业清洁生产评价指标体系》逐项评价……综合评价指数 Y_II=88.5。
    """
    view = citation_view(run)
    ind = view.industries
    if ind.primary is None:
        return
    current = _current_indicator_system(view, ind.primary)
    if current is None:
        return
    text = normalize_for_match(run.doc.text)
    titles = [current.title, *current.aliases] + [
        it.title for it in view.items.values()
        if it.type in INDICATOR_TYPES and ind.primary in it.scope.industries
    ]
    if any(normalize_for_match(t) in text for t in titles):
        return  # cited in running text without 《》 (or an older edition, which CIT001 reports)
    for c in view.citations:
        it = c.item
        title = norm_title(c.title or "")
        if (it is not None and it.type in INDICATOR_TYPES) or "评价指标体系" in title or title.startswith("清洁生产标准"):
            return  # an indicator system is used; if it is another industry's, CIT002 says so
    anchor = _level_anchor(run)
    if anchor is None:
        return
    block = run.doc.blocks[anchor]
    quote = block.text.strip()
    if len(quote) > 80:
        quote = quote[:80]
    yield run.finding(
        f"企业属于{label(ind.primary)}行业，本行业已发布{current.label()}，但报告未引用该体系，"
        "清洁生产水平的评价缺少依据（应逐项对照限定性指标并计算综合评价指数）。",
        quote, block.locator(),
        expected=current.label(), found="未引用",
        basis=Basis(item_id=current.id, clause="概要"),
        data={"industry": ind.primary, "indicator_system": current.id},
    )


def _level_anchor(run: RuleRun) -> int | None:
    """Where the report evaluates its cleaner-production level (a heading, else a claim)."""
    for b in run.doc.blocks:
        if b.kind == "heading" and "清洁生产水平" in b.text:
            return b.index
    for b in run.doc.blocks:
        if b.kind == "paragraph" and "清洁生产水平" in b.text:
            return b.index
    for b in run.doc.blocks:
        if b.kind == "heading" and ("预审核" in b.text or "预评估" in b.text):
            return b.index
    return None


# ---------------------------------------------------------------------------------------------
# CIT004 unknown citation
# ---------------------------------------------------------------------------------------------
class UnknownParams(BaseModel):
    max_findings: int = Field(10, description="最多提示多少条未收录的引用（其余计入最后一条的数据）")


@rule(
    "CIT004",
    name="引用的文件未收录于依据库，无法核对现行状态",
    severity="info",
    params=UnknownParams,
    basis=Basis(item_id="scoring-beijing-acceptance-2009", clause="评分项 编制依据"),
    sentence="报告引用的法规、标准在依据库中找不到时提示核对（最多 {max_findings} 条）",
    defects=(),
)
def check_unknown(run: RuleRun) -> Iterator[Finding]:
    """## 检查内容
    报告引用的标准号（带年份）、文号或法规标准类书名（以法、条例、办法、标准、规范、导则、指南、指标
    体系、通知、意见、方案等结尾）在依据库中找不到的，以提示级别列出，请审查人员核对其是否现行。用户
    可用“reviewer kb add”导入地方文件后再审查。

    ## 为什么重要
    依据库不可能收全各地文件；把无法自动核对的引用列出来，审查人员才知道哪些依据需要人工确认，而
    不是默认它们都有效。

    ## 不通过示例
    > 依据《××省清洁生产审核报告编制指南（2015版）》编制。（依据库未收录）

    ## 通过示例
    > 依据《清洁生产审核办法》（国家发展改革委、环境保护部令2016年第38号）编制。
    """
    p: UnknownParams = run.params
    view = citation_view(run)
    n = 0
    for _key, cits in _by_item(view.citations).items():
        first = _best(cits)
        if first.item is not None:
            continue
        title = norm_title(first.title or "")
        if first.title:
            public_docno = bool(first.docno and PUBLIC_ISSUER.match(first.docno))
            if not REGULATORY_TITLE.search(title) or not (PUBLIC_TITLE.search(title) or public_docno or first.std):
                continue  # a book, a chapter, or the enterprise's own rules
        elif not (first.std and first.std_has_year):
            continue  # bare 文号 are mostly project approvals (环审〔…〕) and internal notices
        if n >= p.max_findings:
            break
        n += 1
        name = f"《{first.title}》" if first.title else first.quote
        yield run.finding(
            f"报告引用的{name}未收录于依据库，无法自动核对其是否现行有效，请人工核对。",
            first.quote, first.locator, found=name,
            data={"std": first.std, "docno": first.docno, "occurrences": len(cits)},
            other=_others(cits),
        )
