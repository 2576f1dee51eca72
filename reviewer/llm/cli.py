"""CLI: ``reviewer chat`` (ask about a report and the regulations) and ``reviewer opinion``
(draft 技术审查意见). Both work with no model configured (retrieved passages / template)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from reviewer.cli import EXIT_OK, register
from reviewer.errors import UsageError


def _add_chat(p: argparse.ArgumentParser) -> None:
    p.add_argument("question", help="问题，例如“总镍排放浓度实施前后分别是多少？”")
    p.add_argument("--file", help="报告文件（DOCX / PDF / MD / TXT）；不给则只检索法规知识库")


def cmd_chat(a: argparse.Namespace) -> int:
    from reviewer.llm.chat import ReportChat
    from reviewer.parsing import parse
    from reviewer.settings import load_settings

    settings = load_settings()
    doc = parse(a.file, settings) if a.file else None
    for piece in ReportChat(doc, settings).stream(a.question):
        sys.stdout.write(piece)
        sys.stdout.flush()
    sys.stdout.write("\n")
    return EXIT_OK


def _add_opinion(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", help="报告文件（DOCX / PDF / MD / TXT）")
    p.add_argument("--format", choices=["md", "docx"], default="md", help="输出格式")
    p.add_argument("--out", help="输出文件（docx 格式必须指定）")
    p.add_argument("--kind", choices=["技术审查意见", "专家评审意见"], default="技术审查意见")
    p.add_argument("--no-llm", action="store_true", help="即使配置了模型也只用模板")


def cmd_opinion(a: argparse.Namespace) -> int:
    from reviewer.opinion import draft_opinion
    from reviewer.service import ReviewOptions, review
    from reviewer.settings import load_settings

    if a.format == "docx" and not a.out:
        raise UsageError("docx 格式需要用 --out 指定输出文件。")
    settings = load_settings()
    if a.no_llm:
        settings.llm.provider = "none"
    rv = review(a.file, ReviewOptions(use_llm=not a.no_llm), settings=settings)
    draft = draft_opinion(rv, settings=settings, kind=a.kind)
    if a.format == "docx":
        draft.to_docx(a.out)
        print(f"已写入 {a.out}：结论建议“{draft.conclusion}”", file=sys.stderr)
    elif a.out:
        Path(a.out).write_text(draft.to_markdown(), encoding="utf-8")
        print(f"已写入 {a.out}：结论建议“{draft.conclusion}”", file=sys.stderr)
    else:
        sys.stdout.write(draft.to_markdown())
    return EXIT_OK


register("chat", "就报告和法规提问（带引用；未配置模型时给出检索到的原文）", _add_chat, cmd_chat)
register("opinion", "生成技术审查意见初稿（未配置模型时为模板）", _add_opinion, cmd_opinion)
