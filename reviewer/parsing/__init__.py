"""Parsing: a file on disk → a traceable ``Document``.

The file type is decided by its content (magic bytes), not its extension, so a renamed file
gets the right parser or a precise error.
"""

from __future__ import annotations

from pathlib import Path

from reviewer.document import Document
from reviewer.errors import BadInputError, LimitExceededError, ReviewerError
from reviewer.settings import Settings, load_settings

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .doc/.xls/.ppt and encrypted OOXML


def sniff(path: Path) -> str:
    """'docx' | 'pdf' | 'md' | 'txt', or raise BadInputError saying what the file really is."""
    with path.open("rb") as fh:
        head = fh.read(8)
    ext = path.suffix.lower()
    if not head:
        raise BadInputError(f"文件“{path.name}”为空（0 字节），请确认上传的是完整的审核报告。", code="empty_file")
    if head.startswith(b"%PDF"):
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        import zipfile

        try:
            with zipfile.ZipFile(path) as z:
                names = set(z.namelist())
        except zipfile.BadZipFile as exc:
            raise BadInputError(
                f"文件“{path.name}”已损坏（压缩结构不完整），无法作为 Word 文档打开，请重新导出后上传。",
                code="corrupt_docx",
            ) from exc
        if "word/document.xml" in names:
            return "docx"
        if "xl/workbook.xml" in names:
            raise BadInputError(f"“{path.name}”是 Excel 表格，不是审核报告。请上传 DOCX 或 PDF 格式的报告。",
                                code="wrong_type")
        if "ppt/presentation.xml" in names:
            raise BadInputError(f"“{path.name}”是 PowerPoint 演示文稿，不是审核报告。请上传 DOCX 或 PDF。",
                                code="wrong_type")
        if ext == ".docx":
            raise BadInputError(f"文件“{path.name}”已损坏：缺少 word/document.xml，无法读取正文。",
                                code="corrupt_docx")
        raise BadInputError(f"“{path.name}”是 ZIP 压缩包，不是审核报告。批量审查请使用“reviewer batch”。",
                            code="wrong_type")
    if head.startswith(OLE_MAGIC):
        if ext in (".docx", ".xlsx", ".pptx"):
            raise BadInputError(f"“{path.name}”已加密（设置了打开密码），请解除密码后重新上传。",
                                code="encrypted")
        raise BadInputError(
            f"“{path.name}”是旧版 Word 97-2003（.doc）等二进制格式，暂不支持。请在 Word 或 WPS 中另存为 .docx 后上传。",
            code="legacy_doc",
        )
    if head[:4] in (b"\x89PNG", b"\xff\xd8\xff\xe0", b"\xff\xd8\xff\xe1", b"\xff\xd8\xff\xdb", b"GIF8"):
        raise BadInputError(f"“{path.name}”是图片，不是审核报告。扫描件请先合成为 PDF 再上传。", code="wrong_type")
    if head.startswith(b"{\\rtf"):
        raise BadInputError(f"“{path.name}”是 RTF 格式，暂不支持。请另存为 .docx 后上传。", code="wrong_type")
    if ext in (".md", ".markdown"):
        return "md"
    if ext in (".txt", ".text", ""):
        return "txt"
    if ext in (".docx", ".pdf"):
        raise BadInputError(f"文件“{path.name}”的扩展名为 {ext}，但内容不是有效的 {ext[1:].upper()} 文件（可能已损坏或被改名）。",
                            code="corrupt_file")
    raise BadInputError(f"不支持的文件类型“{ext or '无扩展名'}”。请上传 DOCX 或 PDF 格式的审核报告。", code="wrong_type")


def check_text_file(path: Path) -> None:
    """A .txt/.md must be text: NUL bytes or many control characters mean binary data."""
    with path.open("rb") as fh:
        head = fh.read(8192)
    if not head:
        return
    controls = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13, 27))
    if b"\x00" in head or controls > 0.05 * len(head):
        raise BadInputError(
            f"“{path.name}”不是文本文件（内容为二进制数据），无法作为报告读取。请上传 DOCX 或 PDF 格式的审核报告。",
            code="binary_file",
        )


def parse(path: str | Path, settings: Settings | None = None, progress=None) -> Document:
    """Parse one report. Raises BadInputError (with a zh-CN message) for anything unreadable."""
    settings = settings or load_settings()
    path = Path(path)
    if not path.exists() or not path.is_file():
        raise BadInputError(f"找不到文件“{path}”。", code="not_found")
    size_mb = path.stat().st_size / 2**20
    if size_mb > settings.limits.max_upload_mb:
        raise LimitExceededError(
            f"文件“{path.name}”大小为 {size_mb:.1f} MB，超过上限 {settings.limits.max_upload_mb:g} MB"
            "（设置项 limits.max_upload_mb）。",
            code="file_too_large",
        )
    kind = sniff(path)
    if kind in ("md", "txt"):
        check_text_file(path)
    try:
        if kind == "docx":
            from reviewer.parsing.docx import parse_docx

            doc = parse_docx(path, settings, progress=progress)
        elif kind == "pdf":
            from reviewer.parsing.pdf import parse_pdf

            doc = parse_pdf(path, settings, progress=progress)
        else:
            from reviewer.parsing.markdown import parse_markdown

            doc = parse_markdown(path, plain=(kind == "txt"))
    except ReviewerError:
        raise
    except (MemoryError, RecursionError) as exc:
        raise LimitExceededError(
            f"“{path.name}”结构过于复杂或过大，解析时超出了内存/嵌套深度限制（{type(exc).__name__}）。",
            code="too_complex",
        ) from exc
    except Exception as exc:  # a parser bug or an unforeseen file quirk: a message, never a traceback
        import traceback

        raise BadInputError(
            f"“{path.name}”无法解析（{type(exc).__name__}）。文件可能已损坏或使用了不常见的格式，"
            "请在 Word/WPS 中另存为 .docx 或重新导出 PDF 后重试。",
            code="parse_failed",
            detail=traceback.format_exc(),
        ) from exc
    if not any(b.text.strip() for b in doc.blocks):
        raise BadInputError(f"“{path.name}”中没有可读取的文字内容（可能是空白文档或未能识别的扫描件）。",
                            code="no_text")
    return doc
