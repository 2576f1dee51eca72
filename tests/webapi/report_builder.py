"""Real DOCX/PDF cleaner production audit reports for the workbench tests (python-docx and
reportlab; no mocks). Each report carries a few deliberate defects the rule engine detects
(a missing phase, too few baseline years, a sum row that does not add up) and, optionally,
HTML/JS text that must render inert in the UI."""

from __future__ import annotations

from pathlib import Path

import docx
from docx.oxml.ns import qn

XSS = '<img src=x onerror="window.__xss=1">《注入》<script>window.__xss=2</script>'


def _doc():
    d = docx.Document()
    st = d.styles["Normal"]
    st.font.name = "SimSun"
    st.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "宋体")
    return d


def _table(d, rows):
    t = d.add_table(rows=len(rows), cols=len(rows[0]))
    t.style = "Table Grid"
    for i, r in enumerate(rows):
        for j, v in enumerate(r):
            t.cell(i, j).text = str(v)
    return t


def build_docx_report(path: Path, enterprise: str = "华东示范电镀有限公司", agency: str = "江苏绿源环保咨询有限公司",
                      xss: bool = False, variant: int = 0) -> Path:
    """A compact 审核报告 with defects: only two baseline years, no 第六章 方案实施, and a
    water-balance sum row that is off by 20."""
    d = _doc()
    d.add_heading(f"{enterprise}清洁生产审核报告", level=0)
    d.add_paragraph(f"编制单位：{agency}")
    d.add_paragraph("编制日期：二〇二五年十月")
    d.add_heading("第一章 筹划和组织", level=1)
    d.add_paragraph(f"{enterprise}于2025年3月成立清洁生产审核小组，由总经理任组长，制定了审核工作计划，"
                    "开展了清洁生产宣传和培训。")
    if xss:
        d.add_paragraph(f"审核小组备注：{XSS}")
    d.add_heading("第二章 预审核", level=1)
    d.add_heading("2.1 企业概况", level=2)
    d.add_paragraph(f"{enterprise}位于江苏省常州市，主要从事五金件镀锌、镀镍加工，年加工能力120万平方米。"
                    f"审核基准数据取2023年和2024年（第{variant}版）。")
    d.add_heading("2.2 产排污状况", level=2)
    d.add_paragraph("近年主要生产数据见下表。")
    _table(d, [["指标", "单位", "2023年", "2024年"],
               ["镀件产量", "万平方米", "112.5", "118.2"],
               ["新鲜水用量", "吨", "52340", "50120"],
               ["用电量", "万千瓦时", "412.6", "405.3"]])
    d.add_heading("2.3 确定审核重点", level=2)
    d.add_paragraph("根据权重总和计分排序法，确定镀镍生产线为本轮审核重点。")
    d.add_heading("2.4 设置清洁生产目标", level=2)
    d.add_paragraph("近期目标：到2025年底单位产品新鲜水耗降低5%，镍的回收率提高到95%。")
    d.add_heading("第三章 审核", level=1)
    d.add_heading("3.1 水平衡", level=2)
    d.add_paragraph("审核重点水平衡测试结果如下（单位：吨/年）。")
    _table(d, [["用水单元", "新鲜水量"],
               ["前处理", "12000"],
               ["镀镍", "18000"],
               ["清洗", "9000"],
               ["合计", "39020"]])
    d.add_paragraph("经测算，审核重点水平衡基本闭合，漏损率小于2%。")
    d.add_heading("第四章 方案产生和筛选", level=1)
    d.add_paragraph("共征集清洁生产方案18项，其中无/低费方案14项、中/高费方案4项。")
    d.add_heading("第五章 可行性分析", level=1)
    d.add_paragraph("中/高费方案“镀镍漂洗水逆流回用”投资85万元，年节约费用28万元，经济上可行。")
    d.add_heading("第七章 持续清洁生产", level=1)
    d.add_paragraph("公司将建立清洁生产长效机制，持续开展清洁生产工作。")
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    d.save(str(path))
    return path


def build_pdf_report(path: Path, enterprise: str = "华北示范印染有限公司") -> Path:
    """The same kind of report as a text PDF (reportlab, embedded CJK font)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Table

    font = "WQY"
    wqy = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")
    if wqy.exists():
        pdfmetrics.registerFont(TTFont(font, str(wqy)))
    else:  # built-in CID font: no file needed
        from reportlab.pdfbase.cidfonts import UnicodeCIDFont

        font = "STSong-Light"
        pdfmetrics.registerFont(UnicodeCIDFont(font))
    h1 = ParagraphStyle("h1", fontName=font, fontSize=16, leading=22, spaceAfter=8)
    h2 = ParagraphStyle("h2", fontName=font, fontSize=13, leading=18, spaceAfter=6)
    body = ParagraphStyle("b", fontName=font, fontSize=10.5, leading=16, wordWrap="CJK")
    story = [Paragraph(f"{enterprise}清洁生产审核报告", h1), Paragraph("编制单位：河北清源咨询有限公司", body),
             Paragraph("第一章 筹划和组织", h1),
             Paragraph(f"{enterprise}成立了清洁生产审核小组，制定了工作计划。", body),
             Paragraph("第二章 预审核", h1), Paragraph("2.1 企业概况", h2),
             Paragraph(f"{enterprise}主要从事棉布印染，审核基准数据取2023年和2024年。", body),
             PageBreak(),
             Paragraph("第三章 审核", h1), Paragraph("3.1 水平衡", h2),
             Paragraph("审核重点水平衡测试结果如下（单位：吨/年）。", body),
             Table([["用水单元", "新鲜水量"], ["前处理", "12000"], ["染色", "18000"], ["水洗", "9000"],
                    ["合计", "39020"]], style=[("FONTNAME", (0, 0), (-1, -1), font),
                                              ("GRID", (0, 0), (-1, -1), 0.5, "black")]),
             Paragraph("第四章 方案产生和筛选", h1), Paragraph("共征集清洁生产方案12项。", body),
             Paragraph("第五章 可行性分析", h1), Paragraph("中/高费方案投资60万元，经济上可行。", body),
             Paragraph("第七章 持续清洁生产", h1), Paragraph("公司将持续开展清洁生产。", body)]
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    SimpleDocTemplate(str(path), pagesize=A4).build(story)
    return path


def build_long_docx_report(path: Path, pages: int = 106, enterprise: str = "华南示范铸造有限公司") -> Path:
    """A report of about ``pages`` pages as the DOCX parser estimates them (settings.parsing.docx_chars_per_page,
    calibrated against the rendered layout): the compact report's chapters plus, in 第三章, many sub-sections of
    measurements with a table each."""
    from reviewer.settings import Settings

    chars_per_page = Settings().parsing.docx_chars_per_page
    d = _doc()
    d.add_heading(f"{enterprise}清洁生产审核报告", level=0)
    d.add_paragraph("编制单位：广东南粤环保咨询有限公司")
    d.add_heading("第一章 筹划和组织", level=1)
    d.add_paragraph(f"{enterprise}成立清洁生产审核小组，制定审核工作计划，开展宣传培训。")
    d.add_heading("第二章 预审核", level=1)
    d.add_paragraph(f"{enterprise}主要从事灰铁铸件生产，审核基准数据取2022年、2023年和2024年。")
    _table(d, [["指标", "单位", "2022年", "2023年", "2024年"], ["铸件产量", "吨", "8200", "8650", "9010"],
               ["用电量", "万千瓦时", "1520", "1580", "1610"]])
    d.add_heading("第三章 审核", level=1)
    filler = ("本工段的生产工艺包括配料、熔炼、浇注、冷却、清理等工序，各工序的原辅材料消耗、能源消耗和污染物产生情况"
              "按班组记录统计，审核小组对记录进行了核对，并对主要设备的运行参数进行了现场测量，测量结果如下。")
    # ≈360 characters' worth for a section heading and its 3-row table (the parser costs table rows as lines)
    n_sections = max(1, int(pages * chars_per_page / (len(filler) * 4 + 360)))
    for i in range(1, n_sections + 1):
        d.add_heading(f"3.{i} 第{i}工段测量", level=2)
        for _ in range(4):
            d.add_paragraph(filler)
        _table(d, [["项目", "单位", "测量值"], ["电耗", "千瓦时/吨", f"{520 + i % 37}"],
                   ["水耗", "吨/吨", f"{1.2 + (i % 9) / 10:.1f}"]])
    d.add_heading("第四章 方案产生和筛选", level=1)
    d.add_paragraph("共征集清洁生产方案25项。")
    d.add_heading("第五章 可行性分析", level=1)
    d.add_paragraph("中/高费方案“中频炉节能改造”投资120万元，年节约费用40万元，经济上可行。")
    d.add_heading("第六章 方案实施", level=1)
    d.add_paragraph("已实施无/低费方案21项。")
    d.add_heading("第七章 持续清洁生产", level=1)
    d.add_paragraph("公司将持续开展清洁生产工作。")
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    d.save(str(path))
    return path
