"""Input limits enforced while parsing: pages, zip bombs, XML entities, table and block counts,
OCR page cap and the parse time budget.

Every limit is a setting in ``LimitSettings``; every hit raises ``LimitExceededError`` (or
``StageTimeoutError`` for the time budget) with a Chinese message that names the setting, so
an operator knows which knob to turn and a user knows why the file was refused.
"""

from __future__ import annotations

import re
import time
import zipfile
import zlib
from pathlib import Path

from reviewer.errors import BadInputError, LimitExceededError, StageTimeoutError
from reviewer.settings import LimitSettings

# Members smaller than this are never refused for their compression ratio: small XML parts
# legitimately compress 50-100x (long runs of identical markup) and cannot hurt anyone.
RATIO_CHECK_MIN_BYTES = 1 << 20
# Where a DOCTYPE or ENTITY declaration may appear: the XML prolog, which comes before the root
# element. Reading this many bytes of each part is enough and keeps the check cheap.
PROLOG_SCAN_BYTES = 64 * 1024
_DTD_RE = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.I)


class Deadline:
    """A cooperative time budget: loops call ``check()``; past the budget it raises
    StageTimeoutError naming the stage and the setting."""

    def __init__(self, seconds: float, stage: str = "解析", setting: str = "limits.parse_timeout_s"):
        self.seconds = float(seconds)
        self.stage = stage
        self.setting = setting
        self.start = time.monotonic()
        self.end = self.start + self.seconds if self.seconds > 0 else float("inf")

    def remaining(self) -> float:
        return self.end - time.monotonic()

    def check(self) -> None:
        if time.monotonic() > self.end:
            raise StageTimeoutError(
                f"{self.stage}超时：已用时超过 {self.seconds:g} 秒（设置项 {self.setting}）。"
                "文件可能过大或结构异常，请拆分文件或调大该设置后重试。",
                code="parse_timeout",
            )


def check_page_count(pages: int, limits: LimitSettings, file_name: str, estimated: bool = False) -> None:
    if pages > limits.max_pages:
        what = "估算页数" if estimated else "页数"
        raise LimitExceededError(
            f"“{file_name}”的{what}为 {pages} 页，超过上限 {limits.max_pages} 页（设置项 limits.max_pages）。"
            "请拆分报告或调大该设置。",
            code="too_many_pages",
        )


def check_table_cells(rows: int, cols: int, limits: LimitSettings, file_name: str, table_no: int) -> None:
    if rows * cols > limits.max_table_cells:
        raise LimitExceededError(
            f"“{file_name}”中第 {table_no} 个表格有 {rows} 行 × {cols} 列 = {rows * cols} 个单元格，"
            f"超过上限 {limits.max_table_cells} 个（设置项 limits.max_table_cells）。",
            code="table_too_large",
        )


def check_block_count(blocks: int, limits: LimitSettings, file_name: str) -> None:
    if blocks > limits.max_blocks:
        raise LimitExceededError(
            f"“{file_name}”的段落和表格总数超过上限 {limits.max_blocks} 个（设置项 limits.max_blocks）。"
            "请拆分报告或调大该设置。",
            code="too_many_blocks",
        )


def check_docx_zip(path: Path, limits: LimitSettings) -> None:
    """Zip-bomb and XML-entity guard, run on the zip directory BEFORE anything is extracted.

    - total declared uncompressed size ≤ limits.max_docx_uncompressed_mb;
    - every large member's uncompressed/compressed ratio ≤ limits.max_compression_ratio;
    - no XML part declares a DOCTYPE or ENTITY (OOXML never needs one; entities are the
      vehicle of billion-laughs expansion and external-entity file reads).
    Python's zipfile stops inflating a member at its declared size, so the declared sizes
    checked here bound what later reads can produce.
    """
    name = path.name
    try:
        with zipfile.ZipFile(path) as z:
            infos = z.infolist()
            total = sum(i.file_size for i in infos)
            if total > limits.max_docx_uncompressed_mb * 2**20:
                raise LimitExceededError(
                    f"“{name}”解压后总大小为 {total / 2**20:.0f} MB，超过上限 "
                    f"{limits.max_docx_uncompressed_mb:g} MB（设置项 limits.max_docx_uncompressed_mb），"
                    "疑似压缩炸弹，已拒绝处理。",
                    code="zip_bomb",
                )
            for i in infos:
                if i.file_size < RATIO_CHECK_MIN_BYTES:
                    continue
                ratio = i.file_size / max(i.compress_size, 1)
                if ratio > limits.max_compression_ratio:
                    raise LimitExceededError(
                        f"“{name}”中的部件 {i.filename} 压缩比为 {ratio:.0f}:1，超过上限 "
                        f"{limits.max_compression_ratio:g}:1（设置项 limits.max_compression_ratio），"
                        "疑似压缩炸弹，已拒绝处理。",
                        code="zip_bomb",
                    )
            for i in infos:
                low = i.filename.lower()
                if not (low.endswith(".xml") or low.endswith(".rels")):
                    continue
                with z.open(i) as fh:
                    head = fh.read(PROLOG_SCAN_BYTES)
                if _DTD_RE.search(head):
                    raise BadInputError(
                        f"“{name}”的部件 {i.filename} 含有 XML 文档类型/实体声明（DOCTYPE/ENTITY）。"
                        "正常的 Word/WPS 文件不会包含此类声明，可能是恶意构造的文件，已拒绝处理。",
                        code="xml_entities",
                    )
    except zipfile.BadZipFile as exc:
        raise BadInputError(
            f"文件“{name}”已损坏（压缩数据不完整或校验失败），无法作为 Word 文档打开，请重新导出后上传。",
            code="corrupt_docx",
        ) from exc
    except (OSError, EOFError, ValueError, zlib.error) as exc:
        raise BadInputError(
            f"文件“{name}”已损坏（压缩数据无法读取：{type(exc).__name__}），请重新导出后上传。",
            code="corrupt_docx",
        ) from exc
