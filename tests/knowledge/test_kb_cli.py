"""`reviewer kb` end to end: add a TXT and a DOCX, search finds them (with page), list shows
them, everything persists for a new KnowledgeBase, bad input exits 2 with a Chinese message."""

from __future__ import annotations

import json

import pytest
from docx import Document as DocxDocument

from reviewer.cli import main
from reviewer.knowledge.index import KnowledgeBase
from reviewer.settings import load_settings

GUIDE_TXT = """某省清洁生产审核报告编制指南（试行）

第一条 为规范本省清洁生产审核报告编制，制定本指南。

第二条 审核报告应当附企业近三年的水平衡测试报告，测试单位应加盖公章。

第三条 物料平衡的相对误差不得超过百分之三，超过的应重新实测。
"""


@pytest.fixture
def env(tmp_path, monkeypatch, small_kdir, me5_path):
    monkeypatch.setenv("REVIEWER_PATHS__DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("REVIEWER_PATHS__KNOWLEDGE_DIR", str(small_kdir))
    return tmp_path


def _docx(path):
    d = DocxDocument()
    d.add_heading("某市清洁生产验收工作细则", level=1)
    d.add_heading("一、验收材料", level=2)
    d.add_paragraph("企业申请验收时应提交方案实施前后连续三个月的在线监测数据截图。")
    d.add_heading("二、现场核查", level=2)
    d.add_paragraph("专家组现场核查时应抽查中高费方案设备的铭牌、发票和运行记录。")
    d.save(path)
    return path


def test_add_search_list_persist(env, capsys):
    txt = env / "guide.txt"
    txt.write_text(GUIDE_TXT, encoding="utf-8")
    docx = _docx(env / "rules.docx")
    assert main(["kb", "add", str(txt), str(docx)]) == 0
    out = capsys.readouterr().out
    assert "已导入 guide.txt" in out and "已导入 rules.docx" in out

    assert main(["kb", "search", "物料平衡误差最多允许百分之几", "--k", "3", "--format", "json"]) == 0
    hits = json.loads(capsys.readouterr().out)
    assert set(hits[0]) >= {"item_id", "title", "doc_number", "clause", "text", "score"}
    top = hits[0]
    assert top["item_id"].startswith("user-") and top["clause"] == "第三条" and "百分之三" in top["text"]
    assert top["page"] == 1

    assert main(["kb", "search", "验收要交几个月的在线监测数据", "--format", "json", "--k", "3"]) == 0
    hits = json.loads(capsys.readouterr().out)
    assert any("在线监测数据截图" in h["text"] and h["clause"].startswith("一") for h in hits)

    assert main(["kb", "list", "--format", "json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    users = [x for x in listed if x["type"] == "user_document"]
    assert {u["file_name"] for u in users} == {"guide.txt", "rules.docx"}

    # a new instance (a restart) sees the documents and re-embeds nothing
    kb = KnowledgeBase(load_settings())
    assert {d.file_name for d in kb.user_documents()} == {"guide.txt", "rules.docx"}
    assert kb.sync()["embedded"] == 0
    assert kb.search("测试单位应加盖公章", k=1)[0].clause == "第二条"

    guide_id = next(d.item_id for d in kb.user_documents() if d.file_name == "guide.txt")
    assert main(["kb", "remove", guide_id]) == 0
    capsys.readouterr()
    kb = KnowledgeBase(load_settings())
    assert {d.file_name for d in kb.user_documents()} == {"rules.docx"}
    assert all(h.item_id != guide_id for h in kb.search("测试单位应加盖公章", k=5))
    assert main(["kb", "remove", guide_id]) == 2


def test_text_output_and_show(env, capsys):
    assert main(["kb", "search", "综合能耗怎么计算", "--k", "2"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("1. 《") and "GB/T 2589" in out
    assert main(["kb", "show", "measures-audit-2004"]) == 0
    out = capsys.readouterr().out
    assert "已废止" in out and "measures-audit-2016" in out
    assert main(["kb", "rebuild"]) == 0
    assert "索引已同步" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["kb", "add", "/nonexistent/file.pdf"], "找不到文件"),
        (["kb", "search", "  "], "检索内容为空"),
        (["kb", "search", "x", "--on", "2024/01/01"], "格式不对"),
        (["kb", "show", "no-such-item"], "没有条目"),
        (["kb"], "请指定子命令"),
    ],
)
def test_bad_input_exits_2_with_chinese_message(env, capsys, argv, message):
    assert main(argv) == 2
    assert message in capsys.readouterr().err


def test_empty_file_is_rejected(env, capsys):
    p = env / "empty.txt"
    p.write_text("", encoding="utf-8")
    assert main(["kb", "add", str(p)]) == 2
    assert "为空" in capsys.readouterr().err


def _pdf(path):
    """A two-page PDF regulation drawn with reportlab's built-in CJK font."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    c = canvas.Canvas(str(path), pagesize=A4)
    pages = [
        ["某市清洁生产审核管理办法", "第一条 为加强本市清洁生产审核管理，制定本办法。",
         "第二条 本办法适用于本市行政区域内的强制性清洁生产审核。"],
        ["第三条 审核报告应当在审核工作开始后十个月内报送区生态环境部门。",
         "第四条 咨询机构出具虚假报告的，三年内不得承接本市审核业务。"],
    ]
    for lines in pages:
        y = 780
        for line in lines:
            c.setFont("STSong-Light", 12)
            c.drawString(60, y, line)
            y -= 30
        c.showPage()
    c.save()
    return path


def test_pdf_ingest_keeps_pages(env, capsys):
    pdf = _pdf(env / "city.pdf")
    assert main(["kb", "add", str(pdf)]) == 0
    capsys.readouterr()
    assert main(["kb", "search", "审核报告几个月内要交上去", "--format", "json", "--k", "3"]) == 0
    hits = json.loads(capsys.readouterr().out)
    top = next(h for h in hits if h["item_id"].startswith("user-"))
    assert top["clause"] == "第三条" and top["page"] == 2 and "十个月" in top["text"]
