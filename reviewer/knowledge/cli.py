"""``reviewer kb add|search|list|rebuild|show``: the knowledge base from the command line."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date

from reviewer.cli import EXIT_OK, register
from reviewer.errors import UsageError


def _add_args(p: argparse.ArgumentParser) -> None:
    sub = p.add_subparsers(dest="kb_command", parser_class=type(p))
    a = sub.add_parser("add", help="导入 PDF / DOCX / TXT / MD 文件到依据库", description="导入用户文件到依据库")
    a.add_argument("files", nargs="+", help="要导入的文件")
    s = sub.add_parser("search", help="检索法规、标准和导入文件", description="检索依据库")
    s.add_argument("query", help="检索问题或关键词")
    s.add_argument("--k", type=int, default=None, help="返回条数（默认取设置 knowledge.top_k）")
    s.add_argument("--format", choices=["text", "json"], default="text", help="输出格式")
    s.add_argument("--mode", choices=["hybrid", "bm25", "dense"], default="hybrid", help="检索方式（默认混合）")
    s.add_argument("--type", action="append", dest="types", help="只检索此类条目（可重复），如 law、standard")
    s.add_argument("--industry", help="行业代码，如 electroplating、steel")
    s.add_argument("--on", dest="on_date", help="只检索在该日期有效的文件（YYYY-MM-DD）")
    s.add_argument("--current", action="store_true", help="只检索现行文件（等同 --on 今天）")
    ls = sub.add_parser("list", help="列出依据库条目和导入的文件", description="列出依据库条目")
    ls.add_argument("--format", choices=["text", "json"], default="text", help="输出格式")
    ls.add_argument("--type", dest="type_", help="只列出此类条目")
    rb = sub.add_parser("rebuild", help="重建（增量同步）向量索引", description="重建向量索引")
    rb.add_argument("--force", action="store_true", help="删除向量索引后全部重新计算")
    rm = sub.add_parser("remove", help="删除一个导入的文件", description="从依据库删除导入的文件")
    rm.add_argument("item_id", help="导入文件的条目编号（user-…，见 reviewer kb list）")
    sh = sub.add_parser("show", help="显示一个条目的元数据和条款", description="显示条目")
    sh.add_argument("item_id", help="条目编号，如 law-cpp-2012")
    sh.add_argument("--format", choices=["text", "json"], default="text", help="输出格式")


def _kb():
    from reviewer.knowledge.index import KnowledgeBase
    from reviewer.settings import load_settings

    return KnowledgeBase(load_settings())


def _progress(stage: str, frac: float) -> None:
    print(f"[向量索引] {frac * 100:5.1f}%", file=sys.stderr, flush=True)


def _run(a: argparse.Namespace) -> int:
    cmd = getattr(a, "kb_command", None)
    if cmd is None:
        raise UsageError("请指定子命令：reviewer kb add|search|list|rebuild|show|remove（加 -h 查看帮助）。")
    return {"add": _cmd_add, "search": _cmd_search, "list": _cmd_list, "rebuild": _cmd_rebuild,
            "show": _cmd_show, "remove": _cmd_remove}[cmd](a)


def _cmd_add(a: argparse.Namespace) -> int:
    kb = _kb()
    docs = kb.add_files(a.files, progress=_progress)
    for d in docs:
        print(f"已导入 {d.file_name}：条目 {d.item_id}，{len(d.chunks_)} 段，标题“{d.title}”")
    s = kb.last_sync
    print(f"向量索引：新计算 {s.get('embedded', 0)} 段，删除 {s.get('deleted', 0)} 段，未变 {s.get('unchanged', 0)} 段",
          file=sys.stderr)
    return EXIT_OK


def _cmd_search(a: argparse.Namespace) -> int:
    from reviewer.knowledge.index import SearchFilter

    on = None
    if a.on_date:
        try:
            on = date.fromisoformat(a.on_date)
        except ValueError as exc:
            raise UsageError(f"日期“{a.on_date}”格式不对，应为 YYYY-MM-DD。") from exc
    elif a.current:
        on = date.today()
    if a.k is not None and a.k <= 0:
        raise UsageError("--k 必须是正整数。")
    flt = SearchFilter(types=a.types, industry=a.industry, on_date=on)
    kb = _kb()
    hits = kb.search(a.query, k=a.k, filters=flt, mode=a.mode)
    if kb.degraded:
        print(f"注意：{kb.degraded}（本次仅用 BM25 检索）", file=sys.stderr)
    if a.format == "json":
        out = [h.model_dump(include={"item_id", "title", "doc_number", "clause", "text", "score", "type", "status",
                                     "page"}) for h in hits]
        print(json.dumps(out, ensure_ascii=False, indent=2))
        return EXIT_OK
    if not hits:
        print("没有检索到相关条文。")
    for n, h in enumerate(hits, 1):
        num = f"（{h.doc_number}）" if h.doc_number else ""
        page = f" 第{h.page}页" if h.page else ""
        print(f"{n}. 《{h.title}》{num} {h.clause}{page}  [{h.status}，{h.score:.4f}]")
        print(f"   {h.text[:300]}{'…' if len(h.text) > 300 else ''}")
    return EXIT_OK


def _cmd_list(a: argparse.Namespace) -> int:
    kb = _kb()
    items = [i for i in kb.items() if not a.type_ or i.type == a.type_]
    docs = kb.user_documents() if not a.type_ or a.type_ == "user_document" else []
    if a.format == "json":
        out = [{"item_id": i.id, "type": i.type, "title": i.title, "doc_number": i.doc_number, "status": i.status,
                "effective": i.effective.isoformat() if i.effective else None,
                "superseded": i.superseded.isoformat() if i.superseded else None, "replaced_by": i.replaced_by,
                "clauses": len(i.clauses), "verified": i.verified} for i in items]
        out += [{"item_id": d.item_id, "type": "user_document", "title": d.title, "file_name": d.file_name,
                 "chunks": len(d.chunks_), "added_at": d.added_at} for d in docs]
        print(json.dumps(out, ensure_ascii=False, indent=2))
        return EXIT_OK
    for i in sorted(items, key=lambda x: (x.type, x.id)):
        flag = "" if i.verified else " [待核实]"
        print(f"{i.id:40s} {i.type_zh:8s} {i.status:4s} 《{i.title}》{i.doc_number}{flag}")
    for d in docs:
        print(f"{d.item_id:40s} 用户导入   现行 《{d.title}》 {d.file_name}（{len(d.chunks_)} 段，{d.added_at}）")
    print(f"共 {len(items)} 个条目，{len(docs)} 个导入文件。", file=sys.stderr)
    return EXIT_OK


def _cmd_rebuild(a: argparse.Namespace) -> int:
    kb = _kb()
    s = kb.rebuild(force=a.force, progress=_progress)
    print(f"索引已同步：{len(kb.chunks)} 段；新计算 {s['embedded']}，删除 {s['deleted']}，未变 {s['unchanged']}，"
          f"用时 {s['seconds']} 秒。")
    return EXIT_OK


def _cmd_remove(a: argparse.Namespace) -> int:
    from reviewer.knowledge.loader import KnowledgeError

    kb = _kb()
    if not kb.remove_document(a.item_id):
        raise KnowledgeError(f"没有导入的文件“{a.item_id}”（只能删除 reviewer kb add 导入的文件）。", code="not_found")
    print(f"已删除 {a.item_id}。")
    return EXIT_OK


def _cmd_show(a: argparse.Namespace) -> int:
    from reviewer.knowledge.loader import KnowledgeError, load_items
    from reviewer.settings import load_settings

    item = load_items(load_settings().paths.knowledge_dir).get(a.item_id)
    if item is None:
        raise KnowledgeError(f"依据库中没有条目“{a.item_id}”。运行“reviewer kb list”查看全部条目。", code="not_found")
    if a.format == "json":
        print(item.model_dump_json(indent=2))
        return EXIT_OK
    print(f"{item.label()}  {item.type_zh}  {item.status}")
    print(f"发布：{item.issuer}  发布日期：{item.issued or '—'}  实施：{item.effective or '—'}  "
          f"废止/替代：{item.superseded or '—'}  替代为：{item.replaced_by or '—'}")
    if item.unverified:
        print(f"待核实：{', '.join(item.unverified)}")
    print(item.summary)
    for c in item.clauses:
        print(f"\n[{c.number}]{'' if c.verified else ' （待核实）'}\n{c.text}")
    return EXIT_OK


register("kb", "依据库：导入、检索、列出、重建", _add_args, _run)
