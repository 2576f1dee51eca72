"""Map a report's headings to the canonical outline of a cleaner production audit report.

The canonical outline is the 7 phases / 35 steps of the national method (domain.md §2.1) with
the chapter contents provincial format requirements expect (§2.2). Reports word and number
their headings in many ways (第三章 审核 / 3 审核（评估）/ 三、评估 …) and the older handbook
says 预评估/评估 where the 2016 办法 says 预审核/审核, so phases and sections are matched by
keyword patterns on the title without its number, never by position.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from reviewer.document import Block, Document, normalize_for_match


@dataclass(frozen=True)
class SectionSpec:
    key: str
    name: str  # canonical Chinese name shown to users
    patterns: tuple[str, ...]  # regexes on the normalized title (no number, no spaces)
    required: bool = True
    also_in_text: tuple[str, ...] = ()  # evidence outside headings (captions, short lines) that counts


@dataclass(frozen=True)
class PhaseSpec:
    number: int
    key: str
    name: str
    patterns: tuple[str, ...]
    sections: tuple[SectionSpec, ...] = ()
    stage: str = "评估"  # 评估 = needed before evaluation; 验收 = may be added for acceptance


S = SectionSpec
PHASES: tuple[PhaseSpec, ...] = (
    PhaseSpec(1, "planning", "筹划和组织", (r"^筹划(和|与|及)?组织", r"^审核准备", r"^(审核)?筹划"), (
        S("team", "组建审核小组", (r"审核(工作)?(领导)?小组", r"审核组织", r"组建.*小组", r"组织机构"),
          also_in_text=(r"审核小组(成员|名单|组成)",)),
        S("plan", "制定审核工作计划", (r"(工作|审核)计划", r"进度(安排|计划)"),
          also_in_text=(r"审核工作计划(表)?",)),
        S("training", "开展宣传教育", (r"宣传", r"培训", r"教育"), also_in_text=(r"宣传(和|与|及)?培训", r"培训")),
    )),
    PhaseSpec(2, "preaudit", "预审核", (r"^预审核", r"^预评估"), (
        S("overview", "企业概况与现状调研", (r"企业(基本)?(概况|情况|简介)", r"现状(调研|调查)", r"基本情况", r"生产(现状|概况)"),
          also_in_text=(r"企业(基本)?(概况|情况)",)),
        S("pollution", "产排污状况评价", (r"(产|排)污", r"污染(物)?(产生|排放|治理|防治)", r"环境(保护|管理)(现状|状况)",
                                      r"(废水|废气|固废|固体废物)"),
          also_in_text=(r"(产|排)污(状况|情况|节点)", r"污染物(产生|排放)(情况|状况)")),
        S("level", "清洁生产水平评价", (r"清洁生产水平", r"(对标|对比)分析", r"评价指标体系", r"清洁生产潜力"),
          also_in_text=(r"清洁生产(水平|评价指标体系)",)),
        S("focus", "确定审核重点", (r"(确定|选择|选定|筛选|备选)(的)?审核重点", r"审核重点的?(确定|选择|选定|筛选)", r"^审核重点$"),
          also_in_text=(r"(确定|选择|备选)审核重点", r"审核重点(的)?(确定|选择)")),
        S("targets", "设置清洁生产目标", (r"清洁生产目标", r"(设置|设定|确定).*目标", r"^目标"),
          also_in_text=(r"清洁生产目标",)),
        S("quickwins", "提出和实施无/低费方案", (r"无[/／、]?低费", r"无低费"), required=False),
    )),
    PhaseSpec(3, "audit", "审核", (r"^审核$", r"^审核[（(]评估[)）]$", r"^评估$", r"^评估[（(]审核[)）]$",
                                   r"^审核(阶段)?[（(]?评估?[)）]?$", r"^审核阶段$", r"^评估阶段$"), (
        S("focus_profile", "审核重点概况", (r"审核重点(的)?(资料|概况|基本情况|简介|描述|工艺|现状|分析)",
                                             r"(工艺|单元操作)(流程)?", r"审核重点$"),
          also_in_text=(r"审核重点(概况|基本情况|工艺流程)",)),
        S("balance", "物料平衡", (r"(物料|水|能量|元素|特征污染物|物质)平衡", r"输入输出", r"实测"),
          also_in_text=(r"(物料|水)平衡(表|图|分析)",)),
        S("causes", "废弃物产生原因分析", (r"原因分析", r"产生原因", r"废弃物(产生)?原因"),
          also_in_text=(r"(废弃物|废物|污染物)产生(的)?原因",)),
    )),
    PhaseSpec(4, "options", "方案产生和筛选", (r"^方案(的)?产生", r"^(清洁生产)?方案(的)?(产生|筛选|征集)"), (
        S("generate", "方案产生", (r"方案(的)?(产生|征集|汇总|提出)",), also_in_text=(r"方案(的)?(产生|征集|汇总)",)),
        S("screen", "方案筛选", (r"筛选",), also_in_text=(r"(方案)?筛选",)),
    )),
    PhaseSpec(5, "feasibility", "可行性分析", (r"可行性(分析|研究|评估)",), (
        S("technical", "技术评估", (r"技术(可行性)?(评估|分析|评价)",), also_in_text=(r"技术(可行性)?(评估|分析)",)),
        S("environmental", "环境评估", (r"环境(可行性)?(评估|分析|评价|效益)",), also_in_text=(r"环境(可行性)?(评估|分析)",)),
        S("economic", "经济评估", (r"经济(可行性)?(评估|分析|评价|效益)",), also_in_text=(r"经济(可行性)?(评估|分析)",)),
    )),
    PhaseSpec(6, "implementation", "方案实施", (r"^方案(的)?实施", r"^(清洁生产)?方案实施", r"^实施"), (
        S("results", "实施成果汇总", (r"(成果|效果|效益|绩效)", r"实施(情况|效果)"),
          also_in_text=(r"实施(效果|成果|情况)",)),
        S("target_check", "目标完成情况", (r"目标(的)?(完成|实现|达成)",), also_in_text=(r"目标(完成|实现|达成)情况",)),
    ), stage="验收"),
    PhaseSpec(7, "continuous", "持续清洁生产", (r"持续(的)?清洁生产", r"^持续改进"), (
        S("organisation", "建立和完善组织", (r"组织", r"机构"), also_in_text=(r"(清洁生产)?(组织|机构)",)),
        S("rules", "建立和完善管理制度", (r"制度", r"管理"), also_in_text=(r"(管理)?制度",)),
        S("plan", "持续清洁生产计划", (r"计划",), also_in_text=(r"持续清洁生产计划",)),
    ), stage="验收"),
)

_NUMBER_PREFIX = re.compile(
    r"^(第[一二三四五六七八九十百零〇\d]+[章节篇部分]|[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十\d]+[)）]"
    r"|\d+(?:[.．]\d+)*[、.．]?)\s*"
)


def clean_title(text: str) -> str:
    t = normalize_for_match(text)
    t = _NUMBER_PREFIX.sub("", t)
    return t.strip("：:、.．")


@dataclass
class PhaseMatch:
    spec: PhaseSpec
    heading: Block | None  # None when the phase has no heading of its own
    blocks: list[int] = field(default_factory=list)  # block indices inside the phase
    sections: dict[str, list[int]] = field(default_factory=dict)  # section key → block indices of evidence


@dataclass
class Structure:
    phases: dict[int, PhaseMatch]
    phase_of_block: dict[int, int]  # block index → phase number
    chapter_level: int | None
    stage: str  # '评估' or '验收' or '完整'

    def phase_blocks(self, number: int) -> list[int]:
        m = self.phases.get(number)
        return m.blocks if m else []

    def has_phase(self, number: int) -> bool:
        return number in self.phases

    def phase_name_of(self, block_index: int) -> str | None:
        n = self.phase_of_block.get(block_index)
        return PHASES[n - 1].name if n else None


def _phase_for_title(title: str) -> PhaseSpec | None:
    for spec in PHASES:
        if any(re.search(p, title) for p in spec.patterns):
            return spec
    return None


def _heading_like(b: Block) -> bool:
    """A short paragraph standing alone like a title: OCR'd pages and some PDFs lose heading
    styles, so a phase title may arrive as a plain paragraph."""
    t = b.text.strip()
    return (
        b.kind == "paragraph"
        and 0 < len(normalize_for_match(t)) <= 24
        and not re.search(r"[。；;，,：:！？]$", t)
        and not re.match(r"^(表|图|附表|注)\s*[\dA-Za-z一二三四五六七八九十]", t)
    )


def analyse_structure(doc: Document) -> Structure:
    """Find the heading level that carries the phases, then assign blocks to phases."""
    heads = doc.headings
    candidates: dict[int, list[tuple[Block, PhaseSpec]]] = {}
    for b in heads:
        spec = _phase_for_title(clean_title(b.title or b.text))
        if spec:
            candidates.setdefault(b.level or 1, []).append((b, spec))
    chapter_level = None
    if candidates:
        # the level holding the most distinct phases (ties → the outer level)
        chapter_level = max(candidates, key=lambda lv: (len({s.number for _, s in candidates[lv]}), -lv))
        found = {s.number for _, s in candidates[chapter_level]}
        # phases whose title lost its heading style: a title-like paragraph after the previous phase
        extra: list[tuple[Block, PhaseSpec]] = []
        for b in doc.blocks:
            if _heading_like(b):
                spec = _phase_for_title(clean_title(b.text))
                if spec and spec.number not in found and spec.number not in {s.number for _, s in extra}:
                    extra.append((b, spec))
        if extra:
            candidates[chapter_level] = sorted(candidates[chapter_level] + extra, key=lambda x: x[0].index)
    promoted = {b.index for b, _ in candidates.get(chapter_level, [])} if chapter_level is not None else set()
    phases: dict[int, PhaseMatch] = {}
    phase_of_block: dict[int, int] = {}
    if chapter_level is not None:
        starts = []
        for b, spec in candidates[chapter_level]:
            if spec.number not in phases:
                phases[spec.number] = PhaseMatch(spec, b)
                starts.append((b.index, spec.number))
        # a phase runs until the next heading of the same or an outer level
        outer = sorted({b.index for b in heads if (b.level or 1) <= chapter_level} | promoted)
        for start, number in starts:
            nxt = next((i for i in outer if i > start), len(doc.blocks))
            phases[number].blocks = list(range(start, nxt))
            for i in phases[number].blocks:
                phase_of_block[i] = number
    # headings outside every phase (前言, a separate 企业概况 chapter, 附件) may hold a step
    unassigned = [b.index for b in heads if b.index not in phase_of_block]
    for match in phases.values():
        for sec in match.spec.sections:
            ev = _section_evidence(doc, match.blocks, sec) or _section_evidence(doc, unassigned, sec)
            if ev:
                match.sections[sec.key] = ev
    stage = "完整"
    if 6 not in phases and 7 not in phases:
        title_text = " ".join(b.text for b in doc.blocks[:40])
        if re.search(r"评估(稿|报告|阶段|版)|中期(审核)?报告|供评估", title_text):
            stage = "评估"
    return Structure(phases=phases, phase_of_block=phase_of_block, chapter_level=chapter_level, stage=stage)


def _section_evidence(doc: Document, blocks: list[int], sec: SectionSpec) -> list[int]:
    out = []
    for i in blocks:
        b = doc.blocks[i]
        if b.kind == "heading" or _heading_like(b):
            t = clean_title(b.title or b.text)
            if any(re.search(p, t) for p in sec.patterns):
                out.append(i)
                continue
        text = b.table.caption if (b.kind == "table" and b.table and b.table.caption) else b.text
        short = normalize_for_match(text)[:80]
        if sec.also_in_text and any(re.search(p, short) for p in sec.also_in_text):
            out.append(i)
    return out


def phase_spec(number: int) -> PhaseSpec:
    return PHASES[number - 1]
