"""docs/limits.md: every input limit and time budget, its default, and the message a user sees
when it is hit — produced by really hitting each limit with a small real file, so the table
cannot drift from the code (tests/security/test_limits_doc.py regenerates and compares).

``python -m evals.limits_doc`` rewrites docs/limits.md.
"""

from __future__ import annotations

import io
import shutil
import sys
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DOC = REPO / "docs" / "limits.md"


def _settings(tmp: Path):
    from reviewer.settings import Settings

    s = Settings()
    s.paths.data_dir = tmp / "data"
    s.knowledge.embedding = "none"
    s.llm.provider = "none"
    s.copy_detection.enabled = False
    return s


def _docx(path: Path, paragraphs: int = 3, extra: dict[str, bytes] | None = None,
          replace_document: Callable[[bytes], bytes] | None = None) -> Path:
    from evals.fuzz import small_docx

    data = small_docx()
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            content = src.read(info.filename)
            if info.filename == "word/document.xml":
                if paragraphs > 3:
                    para = b"<w:p><w:r><w:t>\xe6\xb8\x85\xe6\xb4\x81\xe7\x94\x9f\xe4\xba\xa7\xe5\xae\xa1\xe6\xa0\xb8</w:t></w:r></w:p>"
                    content = content.replace(b"<w:sectPr", para * paragraphs + b"<w:sectPr", 1)
                if replace_document:
                    content = replace_document(content)
            z.writestr(info.filename, content)
        for name, blob in (extra or {}).items():
            z.writestr(name, blob)
    path.write_bytes(out.getvalue())
    return path


def _message(fn: Callable[[], object]) -> str:
    from reviewer.errors import ReviewerError

    try:
        fn()
    except ReviewerError as exc:
        return f"{exc.message}（{type(exc).__name__}，代码 {exc.code}）"
    raise AssertionError(f"limit not hit by {fn}")


def rows(tmp: Path) -> list[tuple[str, str, str, str]]:
    """(setting, default, what it guards, message shown) for every limit, hitting each for real."""
    from evals.fuzz import small_pdf
    from reviewer.batch import run_batch
    from reviewer.jobs import TIMEOUT_ZH
    from reviewer.parsing import parse
    from reviewer.service import ReviewOptions, review_document
    from reviewer.settings import Settings
    from reviewer.store.files import save_upload
    from reviewer.store.jobrepo import GAVE_UP_ZH

    defaults = Settings()
    out: list[tuple[str, str, str, str]] = []

    def add(setting: str, guards: str, message: str) -> None:
        section, name = setting.split(".")
        default = getattr(getattr(defaults, section), name)
        out.append((setting, f"{default:g}" if isinstance(default, float) else str(default), guards, message))

    s = _settings(tmp)
    report = _docx(tmp / "报告.docx")
    s.limits.max_upload_mb = 0.01
    add("limits.max_upload_mb", "上传文件大小（MiB）；网页/接口上传时边接收边计数，超限即停止接收",
        _message(lambda: save_upload(tmp / "data", report, "报告.docx", int(s.limits.max_upload_mb * 2**20))))

    s = _settings(tmp)
    pdf = tmp / "两页报告.pdf"
    pdf.write_bytes(small_pdf())
    s.limits.max_pages = 1
    add("limits.max_pages", "PDF 页数或 DOCX 估算页数", _message(lambda: parse(pdf, s)))

    bomb = _docx(tmp / "压缩炸弹.docx", extra={"word/media/zeros.bin": b"\0" * (3 * 2**20)})
    s = _settings(tmp)
    s.limits.max_docx_uncompressed_mb = 2
    add("limits.max_docx_uncompressed_mb", "DOCX 解压后总大小（MiB），在解压前按 zip 目录检查",
        _message(lambda: parse(bomb, s)))
    s = _settings(tmp)
    add("limits.max_compression_ratio", "DOCX 中任一大于 1 MiB 的部件的压缩比", _message(lambda: parse(bomb, s)))

    s = _settings(tmp)
    entities = _docx(tmp / "实体声明.docx", replace_document=lambda x: x.replace(
        b"?>", b'?><!DOCTYPE d [<!ENTITY a "aaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>', 1))
    out.append(("（无，始终拒绝）", "—", "XML 实体/DOCTYPE 声明（billion laughs、外部实体读文件）",
                _message(lambda: parse(entities, s))))

    s = _settings(tmp)
    s.limits.max_table_cells = 10
    add("limits.max_table_cells", "单个表格的单元格数（行 × 列）", _message(lambda: parse(report, s)))

    s = _settings(tmp)
    s.limits.max_blocks = 3
    add("limits.max_blocks", "文档的段落和表格总数", _message(lambda: parse(report, s)))

    s = _settings(tmp)
    long_docx = _docx(tmp / "长报告.docx", paragraphs=3000)
    s.limits.parse_timeout_s = 0.001
    add("limits.parse_timeout_s", "解析一个文件的时间（秒），解析循环中协作检查", _message(lambda: parse(long_docx, s)))

    s = _settings(tmp)
    doc = parse(report, s)
    s.limits.rules_timeout_s = 0.001
    add("limits.rules_timeout_s", "规则检查的时间（秒，不含 LLM 判断），每条规则之后检查",
        _message(lambda: review_document(doc, s, ReviewOptions(use_llm=False))))

    add("limits.ocr_max_pages", "一个文件中 OCR 识别的最多页数（超出部分不识别，审查结果中给出警告，不报错）",
        "需要 OCR 的页数为 N 页，超过上限 300 页（设置项 limits.ocr_max_pages），第 … 页未识别，其内容未被审查。（警告）")

    folder = tmp / "批量"
    folder.mkdir()
    for name in ("甲.docx", "乙.docx"):
        shutil.copy(report, folder / name)
    s = _settings(tmp)
    s.app.max_batch_files = 1
    add("app.max_batch_files", "一次批量审查（文件夹或 ZIP）的报告数",
        _message(lambda: run_batch(folder, s, record=False)))

    add("app.job_timeout_s", "一次审查（解析 + 规则 + 可选 LLM）的总时间（秒）；超时的工作进程被终止并替换",
        TIMEOUT_ZH.format(s=defaults.app.job_timeout_s) + "（审查记录标为失败，代码 timeout）")
    add("app.job_max_attempts", "工作进程崩溃（如被 kill -9）后同一审查重新排队的次数", GAVE_UP_ZH + "（代码 crashed）")
    add("app.session_ttl_min", "登录会话有效期（分钟）；过期、注销、改密码或停用账号后会话失效",
        "未登录，或令牌无效、已过期。请重新登录或使用有效的 API 令牌。（HTTP 401，代码 unauthorized）")
    return out


def render(table: list[tuple[str, str, str, str]]) -> str:
    lines = [
        "# 限制与默认值",
        "",
        "由 `python -m evals.limits_doc` 生成：每一行的错误信息都是用一个小的真实文件实际触发该限制得到的"
        "（测试 tests/security/test_limits_doc.py 重新生成并比对，文档与代码不会不一致）。",
        "每项设置可用环境变量覆盖，例如 `REVIEWER_LIMITS__MAX_PAGES=2000`（见 docs/settings.md）。",
        "超限时：命令行退出码 2 并打印该信息；HTTP 接口返回 413（超限）或 400（不可读）及 JSON 错误；"
        "网页工作台显示同一条中文信息。不会出现程序堆栈。",
        "",
        "| 设置项 | 默认值 | 限制的对象 | 超限时显示的信息（示例） |",
        "|---|---|---|---|",
    ]
    for setting, default, guards, message in table:
        cell = message.replace("|", "\\|").replace("\n", " ")
        lines.append(f"| `{setting}` | {default} | {guards} | {cell} |" if setting.startswith(("limits", "app"))
                     else f"| {setting} | {default} | {guards} | {cell} |")
    return "\n".join(lines) + "\n"


def generate() -> str:
    with tempfile.TemporaryDirectory(prefix="limits-doc-") as tmp:
        return render(rows(Path(tmp)))


if __name__ == "__main__":
    DOC.write_text(generate(), encoding="utf-8")
    print(f"wrote {DOC.relative_to(REPO)}", file=sys.stderr)
