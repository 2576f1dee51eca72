"""Command line: ``reviewer review``, ``reviewer rules`` and the other subcommands.

Exit codes: 0 = no error-severity findings, 1 = error findings, 2 = bad input or usage.
Messages for users are Chinese; nothing here prints a traceback for bad input.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path

from reviewer.errors import ReviewerError, UsageError

EXIT_OK, EXIT_FINDINGS, EXIT_BAD = 0, 1, 2

class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # usage errors exit 2 with a Chinese hint, like other bad input
        self.print_usage(sys.stderr)
        print(f"用法错误：{message}", file=sys.stderr)
        raise SystemExit(EXIT_BAD)


def _progress_printer(quiet: bool):
    if quiet:
        return None
    names = {"parse": "解析", "ocr": "OCR识别", "rules": "规则检查", "retrieval": "依据检索", "llm": "模型判断"}
    last = {"key": None}

    def progress(stage: str, frac: float) -> None:
        key = (stage, round(frac, 1))
        if key == last["key"]:
            return
        last["key"] = key
        print(f"[{names.get(stage, stage)}] {frac * 100:5.1f}%", file=sys.stderr, flush=True)

    return progress


# ---- review ---------------------------------------------------------------------------------
def _add_review(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", help="报告文件（DOCX / PDF / MD / TXT）")
    p.add_argument("--format", choices=["json", "md", "html", "docx"], default="md", help="输出格式")
    p.add_argument("--out", help="输出文件路径（默认打印到标准输出；docx 格式必须指定）")
    p.add_argument("--select", default="", help="只运行这些规则（逗号分隔的编号或前缀，如 BAL,CON001）")
    p.add_argument("--ignore", default="", help="跳过这些规则（逗号分隔的编号或前缀）")
    p.add_argument("--quiet", action="store_true", help="不在标准错误输出进度")
    p.add_argument("--no-llm", action="store_true", help="即使配置了模型也不调用")


def _split(s: str) -> list[str]:
    return [x.strip() for x in s.split(",") if x.strip()]


def cmd_review(a: argparse.Namespace) -> int:
    from reviewer.outputs import write_review
    from reviewer.rules.base import unknown_selectors
    from reviewer.service import ReviewOptions, review
    from reviewer.settings import load_settings

    select, ignore = _split(a.select), _split(a.ignore)
    bad = unknown_selectors(select + ignore)
    if bad:
        raise UsageError(f"未知的规则编号或前缀：{', '.join(bad)}。运行“reviewer rules”查看规则目录。")
    if a.format == "docx" and not a.out:
        raise UsageError("docx 格式需要用 --out 指定输出文件。")
    settings = load_settings()
    rv = review(
        a.file,
        ReviewOptions(select=select, ignore=ignore, use_llm=not a.no_llm),
        settings=settings,
        progress=_progress_printer(a.quiet),
    )
    write_review(rv, a.format, a.out, source_path=Path(a.file))
    if a.out:
        print(f"已写入 {a.out}：错误 {rv.counts()['error']}，警告 {rv.counts()['warning']}，提示 {rv.counts()['info']}",
              file=sys.stderr)
    return EXIT_FINDINGS if rv.counts()["error"] else EXIT_OK


# ---- rules ----------------------------------------------------------------------------------
def _add_rules(p: argparse.ArgumentParser) -> None:
    p.add_argument("--format", choices=["text", "json", "md"], default="text")
    p.add_argument("ids", nargs="*", help="只显示这些规则（编号或前缀）")


def cmd_rules(a: argparse.Namespace) -> int:
    from reviewer.rules.base import select_rules

    rules = select_rules(a.ids or None)
    if a.format == "json":
        out = [
            {
                "id": r.id,
                "name": r.name,
                "severity": r.severity,
                "family": r.family,
                "category": r.category,
                "sentence": r.describe(),
                "params": r.params_doc(),
                "basis": r.basis.model_dump() if r.basis else None,
                "docs": r.docs,
            }
            for r in rules
        ]
        print(json.dumps(out, ensure_ascii=False, indent=2, default=str))
        return EXIT_OK
    from reviewer.outputs.catalogue import render_catalogue

    print(render_catalogue(rules, markdown=(a.format == "md")))
    return EXIT_OK


# ---- eval ------------------------------------------------------------------------------------
def _add_eval(p: argparse.ArgumentParser) -> None:
    p.add_argument("args", nargs=argparse.REMAINDER, help="generate | score | bench | samples 及其参数（同 python -m evals）")


def cmd_eval(a: argparse.Namespace) -> int:
    """``reviewer eval score`` = ``python -m evals score``: the evaluation harness lives in the
    source tree (evals/), not in the installed package."""
    from reviewer.settings import REPO_ROOT

    if not (REPO_ROOT / "evals" / "__main__.py").exists():
        raise UsageError("评测工具（evals/）只在源码仓库中提供，请在仓库中运行。")
    if str(REPO_ROOT) not in sys.path:
        sys.path.insert(0, str(REPO_ROOT))
    from evals.__main__ import main as evals_main

    return int(evals_main(a.args or ["--help"]) or 0)


COMMANDS: dict[str, tuple[str, Callable, Callable]] = {
    "review": ("审查一份报告", _add_review, cmd_review),
    "rules": ("列出规则目录及说明", _add_rules, cmd_rules),
    "eval": ("评测：生成带标注语料、计算各规则精确率/召回率、性能基准", _add_eval, cmd_eval),
}


def register(name: str, help: str, add: Callable, run: Callable) -> None:
    """Other modules (kb, batch, eval, user, serve) add their subcommands here."""
    COMMANDS[name] = (help, add, run)


def _load_extensions() -> None:
    import importlib

    for mod in ("reviewer.knowledge.cli", "reviewer.batch", "reviewer.store.cli", "reviewer.webapi.cli",
                "reviewer.llm.cli", "reviewer.levels.cli"):
        try:
            importlib.import_module(mod)
        except ModuleNotFoundError as exc:
            if exc.name and not mod.startswith(exc.name) and exc.name != mod:
                raise


def build_parser() -> argparse.ArgumentParser:
    _load_extensions()
    parser = _Parser(prog="reviewer", description="清洁生产审核报告智能预审")
    sub = parser.add_subparsers(dest="command", parser_class=_Parser)
    for name, (help_, add, run) in COMMANDS.items():
        p = sub.add_parser(name, help=help_, description=help_)
        add(p)
        p.set_defaults(_run=run)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    a = parser.parse_args(argv)
    if not getattr(a, "_run", None):
        parser.print_help(sys.stderr)
        return EXIT_BAD
    try:
        return int(a._run(a) or 0)
    except ReviewerError as exc:
        print(f"错误：{exc.message}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("已中断。", file=sys.stderr)
        return 130


if __name__ == "__main__":
    # Run the imported module's main: extensions register their subcommands on reviewer.cli,
    # which is a different module object from __main__ under `python -m reviewer.cli`.
    from reviewer.cli import main as _main

    sys.exit(_main())
