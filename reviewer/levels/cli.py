"""``reviewer levels validate|list|show``: the indicator tables in knowledge/indicator_tables/."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from reviewer.cli import EXIT_OK, register
from reviewer.errors import UsageError

EXIT_INVALID = 1


def _add_args(p: argparse.ArgumentParser) -> None:
    sub = p.add_subparsers(dest="levels_command", parser_class=type(p))
    v = sub.add_parser("validate", help="校验全部指标表文件（权重合计、基准值嵌套、单位、方向、依据库条目）",
                       description="校验 knowledge/indicator_tables/ 下的指标表")
    v.add_argument("--knowledge-dir", help="依据库目录（默认取设置 paths.knowledge_dir）")
    ls = sub.add_parser("list", help="列出已收录的行业指标表", description="列出指标表")
    ls.add_argument("--knowledge-dir", help="依据库目录")
    ls.add_argument("--format", choices=["text", "json"], default="text", help="输出格式")
    sh = sub.add_parser("show", help="显示一个指标表的指标、权重和基准值", description="显示指标表")
    sh.add_argument("table_id", help="指标表编号，如 cpi-electroplating-2015")
    sh.add_argument("--knowledge-dir", help="依据库目录")
    sh.add_argument("--format", choices=["text", "json"], default="text", help="输出格式")


def _kdir(a: argparse.Namespace) -> Path | None:
    return Path(a.knowledge_dir) if getattr(a, "knowledge_dir", None) else None


def _run(a: argparse.Namespace) -> int:
    cmd = getattr(a, "levels_command", None)
    if cmd is None:
        raise UsageError("请指定子命令：reviewer levels validate|list|show（加 -h 查看帮助）。")
    return {"validate": _validate, "list": _list, "show": _show}[cmd](a)


def _validate(a: argparse.Namespace) -> int:
    from reviewer.levels.tables import table_files, validate_tables

    problems = validate_tables(_kdir(a))
    n = len(table_files(_kdir(a)))
    if problems:
        for p in problems:
            print(f"✗ {p}", file=sys.stderr)
        print(f"{n} 个指标表文件，{len(problems)} 个问题。", file=sys.stderr)
        return EXIT_INVALID
    print(f"{n} 个指标表文件全部通过校验。")
    return EXIT_OK


def _list(a: argparse.Namespace) -> int:
    from reviewer.levels.tables import load_tables

    tabs = load_tables(_kdir(a))
    rows = [{"id": t.id, "system": t.system, "industry": t.industry, "edition": t.edition, "verified": t.verified,
             "tables": [{"id": x.id, "title": x.title, "complete": x.complete, "indicators": len(x.indicators())}
                        for x in t.tables]} for t in tabs.values()]
    if a.format == "json":
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return EXIT_OK
    for r in rows:
        for x in r["tables"]:
            state = "完整" if x["complete"] else "不完整"
            ver = "已核实" if r["verified"] else "待核实"
            print(f"{r['id']}  {x['id']} {x['title']}（{x['indicators']} 项指标，{state}，{ver}）")
    return EXIT_OK


def _show(a: argparse.Namespace) -> int:
    from reviewer.levels.tables import load_tables

    tabs = load_tables(_kdir(a))
    t = tabs.get(a.table_id)
    if t is None:
        raise UsageError(f"没有编号为“{a.table_id}”的指标表；可用 reviewer levels list 查看。")
    if a.format == "json":
        print(json.dumps(t.model_dump(mode="json"), ensure_ascii=False, indent=2))
        return EXIT_OK
    print(f"《{t.title}》（{t.edition}，依据库条目 {t.system}，{'已核实' if t.verified else '待核实'}）")
    for x in t.tables:
        print(f"\n{x.id} {x.title}" + ("" if x.complete else f"（不完整：{'；'.join(x.missing)}）"))
        for c in x.classes:
            print(f"  {c.name}（权重 {c.weight:g}）")
            for i in c.indicators:
                sym = {"le": "≤", "ge": "≥"}.get(i.direction, "")
                lv = " / ".join(f"{sym}{v:g}" if isinstance(v, int | float) else str(v or "—") for v in (i.I, i.II, i.III))
                w = "—" if i.weight is None else (f"{i.weight:g}/n" if i.weight_group else f"{i.weight:g}")
                print(f"    {'*' if i.limiting else ' '}{i.name} [{i.unit}] 权重 {w}：{lv}")
    return EXIT_OK


register("levels", "行业清洁生产评价指标表：校验、列出、显示", _add_args, _run)
